"""The slide deck as data: slides derived from the talk, then the author's changes applied."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from markupsafe import Markup, escape

from .errors import ContentError, Problem, suggestion
from .markdown import Text
from .schema import Exercise, Figure, Item, Model, Point, Question, SlideSpec, Talk

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
    figure: Figure | None = None  # a point's or question's picture, beside its text
    fit: float = 1.0  # the share of its type size the slide is set in (render/slides.py steps it down)
    changed: bool = False  # a `slides:` entry changed what it shows (its `where` is that entry's)


@dataclass(frozen=True)
class Deck:
    """The slides in showing order, hidden ones removed."""

    talk: Talk
    slides: tuple[Slide, ...] = field(default_factory=tuple)


def build_deck(talk: Talk) -> Deck:
    """Derive the deck from the talk and apply `slides:` (override, add, hide, move)."""
    slides = _derived(talk)
    slides = _apply(slides, talk.slides)
    return Deck(talk, tuple(slide for slide in slides if not slide.hidden))


# -- derivation --------------------------------------------------------------------------


def _derived(talk: Talk) -> list[Slide]:
    slides = [_title_slide(talk), _outline_slide(talk)]
    number = 0
    for index, group in enumerate(talk.groups, start=1):
        first = number + 1
        number += len(group.points)
        span = f"Tip {first}" if first == number else f"Tips {first}\u2013{number}"
        slides.append(
            Slide(f"group-{index}", "section", group.title.html, group.where, lead=Markup(escape(span)))
        )
        for offset, point in enumerate(group.points):
            slides.append(_point_slide(point, first + offset))
    for index, question in enumerate(talk.questions, start=1):
        slides.append(_question_slide(question, index))
    _place_exercises(talk, slides)
    slides.append(_closing_slide(talk))
    return slides


def _place_exercises(talk: Talk, slides: list[Slide]) -> None:
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
        slide = _exercise_slide(exercise)
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


def _outline_slide(talk: Talk) -> Slide:
    bullets = [group.title.html for group in talk.groups]
    if talk.questions:
        bullets.append(Markup("Questions"))
    if talk.exercises:
        bullets.append(Markup("Exercises"))
    return Slide("outline", "outline", Markup("Outline"), talk.where, bullets=tuple(bullets))


def _point_slide(point: Point, number: int) -> Slide:
    title = point.slide.html if point.slide else first_sentence(point.text)
    bullets = _bullets(point.items)
    notes = _html(point.notes) or _full_text(point.text, point.items)
    slide_id = f"point-{point.id or number}"
    slide = Slide(slide_id, "point", title, point.where, bullets=bullets, notes=notes, number=number)
    return replace(slide, figure=point.figure)


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
    )


def _exercise_slide(exercise: Exercise) -> Slide:
    notes = Markup("")
    if exercise.purpose:
        notes += Markup("<p><strong>Purpose.</strong> ") + exercise.purpose.html + Markup("</p>")
    notes += Markup("<p>") + exercise.prompt.html + Markup("</p>")
    if exercise.materials:
        notes += Markup("<p><strong>Materials:</strong> ") + escape(
            ", ".join(material.name for material in exercise.materials)
        )
        notes += Markup("</p>")
    return Slide(
        f"exercise-{exercise.id}",
        "exercise",
        exercise.title.html,
        exercise.where,
        lead=exercise.prompt.html,
        notes=notes,
        exercise=exercise,
    )


def _closing_slide(talk: Talk) -> Slide:
    return Slide("closing", "closing", Markup("Thank you"), talk.where)


# -- the author's changes ----------------------------------------------------------------


def _apply(slides: list[Slide], specs: list[SlideSpec]) -> list[Slide]:
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
            order.insert(len(order) - 1, replace(new, notes=_html(spec.notes), hidden=spec.hidden))
    for spec in specs:
        ids = [slide.id for slide in order]
        if spec.after is None or spec.id not in ids:
            continue
        if spec.after not in ids:
            problems.append(spec.problem(_unknown(spec.after, ids, "no slide has this id"), "after"))
            continue
        moving = order.pop(ids.index(spec.id))
        order.insert([slide.id for slide in order].index(spec.after) + 1, moving)
    if problems:
        raise ContentError(problems)
    return order


def _override(slide: Slide, spec: SlideSpec) -> Slide:
    changes: dict = {"hidden": spec.hidden}
    if spec.title is not None or spec.body is not None:
        changes.update(where=spec.where, changed=True)  # what it shows is written there now
    if spec.title is not None:
        changes["title"] = spec.title.html
    if spec.body is not None:
        changes.update(body=spec.body.html, bullets=(), lead=None)
    if spec.notes is not None:
        changes["notes"] = spec.notes.html
    return replace(slide, **changes)


def _unknown(name: str, known: list[str], what: str) -> str:
    hint = suggestion(name, known, "slide ids are:")
    return f"'{name}': {what}; {hint}" if hint else f"'{name}': {what}"


# -- text helpers ------------------------------------------------------------------------


def first_sentence(text: Text) -> Markup:
    """The opening sentence of a Markdown text, as HTML (for a slide's short form)."""
    from .markdown import render_inline

    source = text.source.strip()
    match = FIRST_SENTENCE.match(source)
    if match is None or len(match[1]) == len(source):
        return text.html if "<p>" not in text.html else render_inline(source).html
    return render_inline(match[1]).html


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


__all__ = ["Deck", "Model", "Slide", "build_deck", "first_sentence"]
