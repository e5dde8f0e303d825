"""The slide deck as data: slides derived from the talk, then the author's changes applied."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import Any

from markupsafe import Markup, escape

from ..errors import Problem, suggestion
from ..i18n import Translator, translator
from ..markdown import Text
from ..schema import AgendaItem, Exercise, Figure, Item, Model, Point, Question, SlideSpec, Talk

# A sentence ends at . ! ? or : (with any closing emphasis, quote or bracket) before a space.
FIRST_SENTENCE = re.compile(r"^(.+?[.!?:](?:\*\*|\*|_|\u201d|\u2019|\))*)(?:\s|$)")


@dataclass(frozen=True)
class Slide:
    """One slide: what it shows, its speaker notes, and where in the talk it comes from."""

    id: str
    kind: str  # title, outline, section, point, question, exercise, closing, custom
    title: Markup
    where: str
    lead: Markup | None = None
    bullets: tuple[Markup, ...] = ()
    body: Markup | None = None
    notes: Markup | None = None
    number: int | None = None  # the point's number, for point slides
    exercise: Exercise | None = None
    hidden: bool = False
    reveal_answer: bool = False  # a question: the answer comes on the next press
    reveal_bullets: bool = False  # bullets come one press at a time
    block: int | None = None  # the agenda block (0-based) the slide belongs to
    minutes: int | None = None  # an agenda block's or a break's length, for its slide
    figure: Figure | None = None  # a point's or question's picture, beside its text
    fit: float = 1.0  # the share of its type size the slide is set in (render/slides.py steps it down)
    changed: bool = False  # a `slides:` entry changed what it shows (its `where` is that entry's)
    notes_where: str = ""  # where its speaker notes were written, when that is not `where`


@dataclass(frozen=True)
class Block:
    """One block of the session's agenda, with its planned start in minutes from the start."""

    title: Markup
    minutes: int
    offset: int


@dataclass(frozen=True)
class Deck:
    """The slides in showing order, hidden ones removed."""

    talk: Talk
    slides: tuple[Slide, ...] = field(default_factory=tuple)
    blocks: tuple[Block, ...] = ()

    @property
    def start(self) -> str | None:
        """The session's planned start, `09:00`, for the presenter's pacing line."""
        event = self.talk.event
        return event.start.strftime("%H:%M") if event and event.start else None


def build_deck(talk: Talk) -> Deck:
    """Derive the deck from the talk and apply `slides:` (override, add, hide, move, order)."""
    slides, _ = _apply(_derived(talk), talk.slides.changes)  # validation refused what does not apply
    slides = [_with_reveal(slide, talk) for slide in slides if not slide.hidden]
    blocks = _blocks(talk)
    if talk.slides.order == "agenda" and talk.session.agenda:
        slides = _in_agenda_order(talk, slides, blocks)
    else:
        slides = _assign_blocks(talk, slides)
    return Deck(talk, tuple(slides), tuple(blocks))


def slide_problems(talk: Talk) -> list[Problem]:
    """What in `slides:` names no slide: for the validator, before anything renders."""
    slides, problems = _apply(_derived(talk), talk.slides.changes)
    ids = [slide.id for slide in slides]
    for item in talk.session.agenda:
        for slide_id in item.slides:
            if slide_id not in ids:
                problems.append(item.problem(_unknown(slide_id, ids, "no slide has this id"), "slides"))
    return problems


# -- derivation --------------------------------------------------------------------------


def _derived(talk: Talk) -> list[Slide]:
    tr = translator(talk)
    slides = [_title_slide(talk), _outline_slide(talk, tr)]
    number = 0
    for index, group in enumerate(talk.groups, start=1):
        first = number + 1
        number += len(group.points)
        span = tr.points(first, number)
        slides.append(
            Slide(f"group-{index}", "section", group.title.html, group.where, lead=Markup(escape(span)))
        )
        for offset, point in enumerate(group.points):
            slides.append(_point_slide(point, first + offset))
    for index, question in enumerate(talk.questions, start=1):
        slides.append(_question_slide(question, index))
    _place_exercises(talk, slides, tr)
    slides.append(_closing_slide(talk, tr))
    return slides


def _place_exercises(talk: Talk, slides: list[Slide], tr: Translator) -> None:
    """Each exercise right after the point or question it serves (and after exercises placed
    there before it); exercises that serve nothing go last."""
    anchors: dict[str, str] = {}
    for number, point in enumerate(talk.points, start=1):
        slide_id = f"point-{point.id or number}"
        anchors[str(number)] = slide_id
        if point.id:
            anchors[point.id] = slide_id
    for question in talk.questions:
        if question.id:
            anchors[question.id] = f"question-{question.id}"
    planned = {item.exercise for item in talk.session.agenda if item.exercise}
    for exercise in talk.exercises:
        if planned and exercise.id not in planned:
            continue  # the session's agenda leaves it out: a card, not a slide
        slide = _exercise_slide(exercise, tr)
        anchor = anchors.get(exercise.serves or "")
        ids = [s.id for s in slides]
        if anchor not in ids:
            slides.append(slide)
            continue
        position = ids.index(anchor) + 1
        while position < len(slides) and slides[position].kind == "exercise":
            position += 1
        slides.insert(position, slide)


def _title_slide(talk: Talk) -> Slide:
    lead = talk.subtitle.html if talk.subtitle else None
    return Slide("title", "title", talk.title.html, talk.where, lead=lead, notes=_html(talk.announcement))


def _outline_slide(talk: Talk, tr: Translator) -> Slide:
    bullets = [group.title.html for group in talk.groups]
    if talk.questions:
        bullets.append(escape(tr.label("outline-questions", "Questions")))
    if talk.exercises:
        bullets.append(escape(tr.label("outline-exercises", "Exercises")))
    title = escape(tr.label("outline", "Outline"))
    return Slide("outline", "outline", title, talk.where, bullets=tuple(bullets))


def _point_slide(point: Point, number: int) -> Slide:
    title = point.slide.html if point.slide else first_sentence(point.text)
    bullets = _bullets(point.items)
    notes = _html(point.notes) or _full_text(point.text, point.items)
    slide_id = f"point-{point.id or number}"
    slide = Slide(slide_id, "point", title, point.where, bullets=bullets, notes=notes, number=number)
    return replace(
        slide, figure=point.figure, notes_where=_field_where(point, "notes") if point.notes else ""
    )


def _question_slide(question: Question, index: int) -> Slide:
    lead = question.slide.html if question.slide else first_sentence(question.answer)
    bullets = _bullets(question.items)
    notes = _html(question.notes) or Markup(question.answer.html) + _items_html(question.items)
    return Slide(
        f"question-{question.id or index}",
        "question",
        question.question.html,
        question.where,
        lead=lead,
        bullets=bullets,
        notes=notes,
        figure=question.figure,
        notes_where=_field_where(question, "notes") if question.notes else "",
    )


def _exercise_slide(exercise: Exercise, tr: Translator) -> Slide:
    notes = Markup("")
    if exercise.purpose:
        purpose = tr.label("notes-purpose", "Purpose.")
        notes += Markup("<p><strong>%s</strong> ") % purpose + exercise.purpose.html + Markup("</p>")
    notes += Markup("<p>") + exercise.prompt.html + Markup("</p>")
    if exercise.materials:
        names = [m.called(m.count, tr.plural_category(m.count)) for m in exercise.materials]
        notes += Markup("<p><strong>%s</strong> ") % tr.label("materials", "Materials:")
        notes += escape(tr.join(names)) + Markup("</p>")
    return Slide(
        f"exercise-{exercise.id}",
        "exercise",
        exercise.title.html,
        exercise.where,
        lead=exercise.prompt.html,
        notes=notes,
        exercise=exercise,
    )


def _closing_slide(talk: Talk, tr: Translator) -> Slide:
    return Slide("closing", "closing", escape(tr.label("closing", "Thank you")), talk.where)


# -- the agenda ---------------------------------------------------------------------------


def _blocks(talk: Talk) -> list[Block]:
    exercises = {exercise.id: exercise for exercise in talk.exercises}
    blocks, offset = [], 0
    for item in talk.session.agenda:
        exercise = exercises.get(item.exercise or "")
        if exercise:
            title, minutes = exercise.title.html, item.minutes or exercise.minutes
        else:
            title = item.title.html if item.title else Markup(escape(item.exercise or ""))
            minutes = item.minutes or 0
        blocks.append(Block(title, minutes, offset))
        offset += minutes
    return blocks


def _claims(talk: Talk, slides: list[Slide]) -> dict[str, int]:
    """Slide id -> agenda block, for the slides the agenda names (its exercises, its `slides`)."""
    ids = [slide.id for slide in slides]
    claims: dict[str, int] = {}
    for index, item in enumerate(talk.session.agenda):
        for slide_id in _named(item):
            if slide_id in ids:
                claims.setdefault(slide_id, index)
    return claims  # validation refused an agenda naming a slide the deck does not have


def _named(item: AgendaItem) -> list[str]:
    return [*item.slides, *([f"exercise-{item.exercise}"] if item.exercise else [])]


def _assign_blocks(talk: Talk, slides: list[Slide]) -> list[Slide]:
    """In the talk's own order: a slide the agenda names is in its block; the others are in
    the block of the slide before them."""
    if not talk.session.agenda:
        return slides
    claims = _claims(talk, slides)
    block: int | None = None
    placed = []
    for slide in slides:
        block = claims.get(slide.id, block)
        placed.append(replace(slide, block=block))
    return placed


def _in_agenda_order(talk: Talk, slides: list[Slide], blocks: list[Block]) -> list[Slide]:
    """Blocks in the agenda's order, each with the slides it names; a slide the agenda does
    not name travels with the slide named in `slides:` before it (a group's divider brings
    its points); a block naming no slide gets its own (a welcome, a break). Slides before the
    first named one open the deck, and the closing slide ends it."""
    claims = _claims(talk, slides)
    leaders = {slide_id for item in talk.session.agenda for slide_id in item.slides}
    opening: list[Slide] = []
    followers: dict[str, list[Slide]] = {slide_id: [] for slide_id in claims}
    closing = [slide for slide in slides if slide.id == "closing" and slide.id not in claims]
    leader: str | None = None
    for slide in slides:
        if slide in closing or (slide.id in claims and slide.id not in leaders):
            continue  # an exercise the agenda places: it takes no followers along
        if slide.id in claims:
            leader = slide.id
        elif leader is None:
            opening.append(slide)
        else:
            followers[leader].append(slide)
    by_id = {slide.id: slide for slide in slides}
    ordered = list(opening)
    for index, item in enumerate(talk.session.agenda):
        named = [slide_id for slide_id in _named(item) if claims.get(slide_id) == index]
        if not named:
            ordered.append(_block_slide(talk, item, index, blocks))
        for slide_id in named:
            ordered.append(replace(by_id[slide_id], block=index))
            ordered.extend(replace(slide, block=index) for slide in followers[slide_id])
    return ordered + closing


def _block_slide(talk: Talk, item: AgendaItem, index: int, blocks: list[Block]) -> Slide:
    """A slide for a block with no content of its own; a break's says when the room is back
    (the planned time here, for the PDF; the deck computes it from the clock when shown)."""
    block = blocks[index]
    back = None
    if item.is_break and talk.event and talk.event.start:
        planned = dt.datetime.combine(dt.date(2000, 1, 1), talk.event.start)
        back_at = (planned + dt.timedelta(minutes=block.offset + block.minutes)).time()
        back = Markup(escape(translator(talk).clock(back_at)))  # the locale's clock: 10:32, 10:32 AM
    kind = "break" if item.is_break else "agenda"
    return Slide(
        f"agenda-{index + 1}", kind, block.title, item.where, lead=back, block=index, minutes=block.minutes
    )


def _with_reveal(slide: Slide, talk: Talk) -> Slide:
    spec = next((spec for spec in talk.slides.changes if spec.id == slide.id), None)
    chosen = spec.reveal if spec else None
    bullets = chosen if chosen is not None else talk.slides.reveal == "bullets"
    answer = slide.kind == "question" and chosen is not False
    return replace(slide, reveal_bullets=bullets, reveal_answer=answer)


# -- the author's changes ----------------------------------------------------------------


def _apply(slides: list[Slide], specs: list[SlideSpec]) -> tuple[list[Slide], list[Problem]]:
    problems: list[Problem] = []
    order = list(slides)
    for spec in specs:
        ids = [slide.id for slide in order]
        if spec.id in ids:
            order[ids.index(spec.id)] = _override(order[ids.index(spec.id)], spec)
        elif spec.title is None:
            problems.append(spec.problem(_unknown(spec.id, ids, "a new slide needs a title"), "id"))
        else:
            new = Slide(spec.id, "custom", spec.title.html, spec.where, body=_html(spec.body))
            notes_where = _field_where(spec, "notes") if spec.notes is not None else ""
            order.insert(
                len(order) - 1,
                replace(new, notes=_html(spec.notes), hidden=spec.hidden, notes_where=notes_where),
            )
    for spec in specs:
        ids = [slide.id for slide in order]
        if spec.after is None or spec.id not in ids:
            continue
        if spec.after not in ids:
            problems.append(spec.problem(_unknown(spec.after, ids, "no slide has this id"), "after"))
            continue
        moving = order.pop(ids.index(spec.id))
        order.insert([slide.id for slide in order].index(spec.after) + 1, moving)
    return order, problems


def _override(slide: Slide, spec: SlideSpec) -> Slide:
    changes: dict[str, Any] = {"hidden": spec.hidden}
    if spec.title is not None or spec.body is not None:
        changes.update(where=spec.where, changed=True)  # what it shows is written there now
    if spec.title is not None:
        changes["title"] = spec.title.html
    if spec.body is not None:
        changes.update(body=spec.body.html, bullets=(), lead=None)
    if spec.notes is not None:
        changes.update(notes=spec.notes.html, notes_where=_field_where(spec, "notes"))
    return replace(slide, **changes)


def _field_where(part: Model, field: str) -> str:
    """`content/talk.yaml:42`: where `field` of this part of the talk was written."""
    problem = part.problem("", field)
    return f"{problem.file}:{problem.line}" if problem.line else problem.file


def _unknown(name: str, known: list[str], what: str) -> str:
    hint = suggestion(name, known, "slide ids are:")
    return f"'{name}': {what}; {hint}" if hint else f"'{name}': {what}"


# -- text helpers ------------------------------------------------------------------------


def first_sentence(text: Text) -> Markup:
    """The opening sentence of a Markdown text, as HTML (for a slide's short form)."""
    from ..markdown import render_inline

    source = text.source.strip()
    match = FIRST_SENTENCE.match(source)
    if match is None or len(match[1]) == len(source):
        return text.html if "<p>" not in text.html else render_inline(source, text.language).html
    return render_inline(match[1], text.language).html


def _bullets(items: list[Item]) -> tuple[Markup, ...]:
    """Each item's opening sentence as a bullet, its nested items as a list under it (an item
    that ends "...four methods:" shows the four)."""
    return tuple(_bullet(item) for item in items)


def _bullet(item: Item) -> Markup:
    if not item.items:
        return first_sentence(item.text)
    nested = Markup("").join(Markup("<li>") + _bullet(sub) + Markup("</li>") for sub in item.items)
    return first_sentence(item.text) + Markup('<ul class="sub">') + nested + Markup("</ul>")


def _html(text: Text | None) -> Markup | None:
    return text.html if text else None


def _full_text(text: Text, items: list[Item]) -> Markup:
    return Markup("<p>") + text.html + Markup("</p>") + _items_html(items)


def _items_html(items: list[Item]) -> Markup:
    if not items:
        return Markup("")
    parts = [Markup("<ul>")]
    for item in items:
        parts.append(Markup("<li>") + item.text.html)
        for quote in item.quotes:
            parts.append(Markup(" <q>") + quote.html + Markup("</q>"))
        parts.append(_items_html(item.items) + Markup("</li>"))
    parts.append(Markup("</ul>"))
    return Markup("").join(parts)


__all__ = ["Block", "Deck", "Model", "Slide", "build_deck", "first_sentence"]
