"""The facilitator's run-sheet: the session on one page, with clock times, groupings, the
total against the planned length, and the materials counted for the expected head count."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from ..errors import BuildWarning, LayoutError
from ..i18n import Translator, translator
from ..layout import Layout, lay_out
from ..model.cards import grouping_notes, groups_in_room, serves_label, units
from ..schema import Exercise, Material, Talk
from .base import PAPER_NAMES, Job, Output, Result, clip, embed_images

TEMPLATE = "run-sheet/run-sheet.html"


@dataclass(frozen=True)
class Fit:
    """One step of the run-sheet's fitting ladder."""

    size_pt: float  # body type
    row_pt: float  # space above and below each agenda row
    columns: int  # columns of the materials list
    inline_steps: bool  # an exercise's steps run on in one paragraph instead of a list

    def describe(self) -> str:
        return f"{self.size_pt:g} pt type, {self.row_pt:g} pt rows"


# Tighter rows and more columns first, then steps run on, then smaller type: 7 pt is the floor
# (see docs/content-format.md, session). A full training day fits well before it.
FITS = (
    Fit(9.5, 6.0, 2, False),
    Fit(9.0, 4.0, 3, False),
    Fit(8.5, 3.0, 3, True),
    Fit(8.0, 2.0, 4, True),
    Fit(7.5, 1.5, 4, True),
    Fit(7.0, 1.0, 4, True),
)


@dataclass(frozen=True)
class Block:
    """One line of the agenda."""

    start: str  # "09:15" (as the language writes times), or "+0:15" when the talk names no start
    minutes: int
    title: Markup
    exercise: Exercise | None
    groups: int | None
    serves: str | None = None  # the point or question the exercise serves, as the talk calls it
    where: str = ""


@dataclass(frozen=True)
class MaterialLine:
    name: str
    quantity: int
    used_in: str
    counted: bool = False  # no plural given for more than one: written "name ×N", never inflected


class RunSheetRenderer:
    """Renders `run-sheet.pdf` and `run-sheet.html`."""

    name = "run-sheet"

    def render(self, job: Job) -> Result:
        started = time.perf_counter()
        talk = job.talk
        result = Result()
        if not talk.exercises and not talk.session.agenda:
            # Nothing to make is not a problem (a talk need not have exercises): said, not warned.
            job.progress("run-sheet: the talk has no exercises or agenda; no run-sheet made")
            return result
        blocks = agenda(talk)
        total = sum(block.minutes for block in blocks)
        planned = talk.event.duration_minutes if talk.event else None
        if planned and total > planned:
            what = f"the agenda takes {total} minutes; the session has {planned} ({total - planned} over)"
            result.warn("agenda-over-time", what, hint="shorten a block or raise event.duration_minutes")
        result.warnings.extend(grouping_notes(talk))
        end = _clock(talk.event.start if talk.event else None, total, translator(talk))
        context = job.context(
            blocks=blocks,
            total=total,
            end=end,
            planned=planned,
            materials=materials(talk, blocks),
            printing=printing(talk, job.effective_paper),
            qr=None,
        )
        if "pdf" in job.formats:
            layout, fit = self._fit(job, context, result)
            data = layout.pdf(self.name, job.pdf_variant("run-sheet.pdf"))
            paper = PAPER_NAMES[job.effective_paper]
            summary = f"{len(blocks)} blocks, {total} of {planned or '?'} minutes, {paper}, {fit.describe()}"
            result.outputs.append(Output("run-sheet.pdf", data, summary, time.perf_counter() - started))
        if "html" in job.formats:
            screen = embed_images(job.templates.render(TEMPLATE, **context, fit=FITS[0]), job)
            result.outputs.append(Output("run-sheet.html", screen.encode(), "the same, for a screen"))
        return result

    def _fit(self, job: Job, context: dict[str, Any], result: Result) -> tuple[Layout, Fit]:
        """The loosest step at which the run-sheet is one page; else a LayoutError saying by
        how much and where page two would begin. Like the handout's, the search starts at the
        step the last build found and moves from there."""
        step = job.memo.get(self.name, {}).get("fit_step", 0)
        step = step if isinstance(step, int) and 0 <= step < len(FITS) else 0
        layout = self._lay_out_at(job, context, step, result)
        if layout.page_count == 1:
            while step > 0:  # a looser step may fit too
                looser = self._lay_out_at(job, context, step - 1, result)
                if looser.page_count > 1:
                    break
                step, layout = step - 1, looser
        while layout.page_count > 1 and step + 1 < len(FITS):
            job.progress(f"run-sheet: {layout.page_count} pages at {FITS[step].describe()}; tightening")
            step += 1
            layout = self._lay_out_at(job, context, step, result)
        if layout.page_count > 1:
            over = layout.page_count - 2 + layout.fill(layout.page_count - 1)
            page_two = layout.first_placed_text(1)
            place = (
                f"; page 2 would start at {page_two[0]} (\u201c{clip(page_two[1])}\u201d)" if page_two else ""
            )
            raise LayoutError(
                f"the run-sheet runs {over:.2f} pages over its one page even at the smallest setting "
                f"({FITS[-1].describe()}){place}. Split the session, or shorten the steps' text."
            )
        result.memo["fit_step"] = step
        result.warnings.extend(layout.messages(self.name))
        for spill in layout.spills(0):
            where = spill.where or job.talk.where
            file, _, line = where.rpartition(":")
            what = f"runs out of the page: {spill.describe()}"
            number = int(line) if line.isdigit() else None
            result.warnings.append(BuildWarning("run-sheet-pages", what, self.name, file or where, number))
        return layout, FITS[step]

    def _lay_out_at(self, job: Job, context: dict[str, Any], step: int, result: Result) -> Layout:
        html = job.templates.render(TEMPLATE, **context, fit=FITS[step])
        layout = lay_out(html, job.content_dir, job.templates.roots, job.network_timeout)
        layout.refuse(self.name)
        return layout


def agenda(talk: Talk) -> list[Block]:
    """The session's blocks with their clock times: the agenda, or the exercises in order."""
    by_id = {exercise.id: exercise for exercise in talk.exercises}
    items = talk.session.agenda
    entries: list[tuple[Markup, int, Exercise | None, str]] = []
    if items:
        for item in items:
            exercise = by_id.get(item.exercise or "")
            if exercise:
                entries.append((exercise.title.html, item.minutes or exercise.minutes, exercise, item.where))
            else:
                # AgendaItem's validator gives an item without an exercise a title; unknown
                # exercise ids are reported by validate.py before anything is built.
                entries.append((item.title.html, item.minutes or 0, None, item.where))  # type: ignore[union-attr]
    else:
        entries = [(e.title.html, e.minutes, e, e.where) for e in talk.exercises]
    start = talk.event.start if talk.event else None
    tr = translator(talk)
    blocks, elapsed = [], 0
    people = talk.session.participants
    for title, minutes, exercise, where in entries:
        groups = groups_in_room(exercise, people) if exercise else None
        serves = serves_label(talk, exercise.serves) if exercise else None
        blocks.append(Block(_clock(start, elapsed, tr), minutes, title, exercise, groups, serves, where))
        elapsed += minutes
    return blocks


def _clock(start: dt.time | None, minutes: int, tr: Translator) -> str:
    if start is None:
        return f"+{minutes // 60}:{minutes % 60:02d}"
    moment = dt.datetime.combine(dt.date(2000, 1, 1), start) + dt.timedelta(minutes=minutes)
    return tr.clock(moment.time())


def printing(talk: Talk, paper: str) -> str | None:
    """What to print for the cards, and how many sets of each, in one unambiguous line."""
    from ..card_sheets import impose, parse_card_size
    from ..model.cards import build_card_sets

    sets = [card_set for card_set in build_card_sets(talk) if card_set.cards]
    count = sum(len(card_set.cards) * card_set.copies for card_set in sets)
    if not count:
        return None
    options = talk.cards
    try:
        imposition = impose(
            options.paper or paper,
            parse_card_size(options.size),
            options.bleed_mm,
            options.gap_mm,
            options.margin_mm,
        )
    except ValueError:
        return None
    sheets = -(-count // imposition.per_sheet)
    tr = translator(talk)
    opening, closing = tr.quotes[:2]  # the title in the language's quotation marks
    once = [s for s in sets if s.kind == "exercise" and s.copies == 1]
    parts = []
    if len(once) > 1:
        parts.append(tr.label("print-each-exercise", "1 card of each of %(num)d exercises", num=len(once)))
    for card_set in sets:
        if card_set in once and len(once) > 1:
            continue
        title = f"{opening}{card_set.title}{closing}"
        if card_set.kind == "exercise":
            what = tr.plural_label(
                "print-exercise-copies",
                "%(num)d card of %(title)s",
                "%(num)d cards of %(title)s",
                card_set.copies,
                title=title,
            )
        else:
            size = tr.plural_label("print-cards", "%(num)d card", "%(num)d cards", len(card_set.cards))
            what = tr.plural_label(
                "print-deck-copies",
                "%(num)d set of %(title)s (%(size)s)",
                "%(num)d sets of %(title)s (%(size)s)",
                card_set.copies,
                title=title,
                size=size,
            )
        if card_set.copies_note:  # "…, one per group of 4, 6 groups"
            what = tr.label("print-counted", "%(what)s, %(counted)s", what=what, counted=card_set.copies_note)
        parts.append(what)
    cards = tr.plural_label(
        "print-sized-cards", "%(num)d %(size)s card", "%(num)d %(size)s cards", count, size=options.size
    )
    holding = tr.label("list-separator-long", "; ").join(parts)
    if not options.duplex:
        return tr.plural_label(
            "print-line-one-sided",
            "cards.pdf once, one-sided: %(cards)s on %(num)d sheet, holding %(parts)s",
            "cards.pdf once, one-sided: %(cards)s on %(num)d sheets, holding %(parts)s",
            sheets,
            cards=cards,
            parts=holding,
        )
    edge = (
        tr.label("edge-long", "long edge") if options.flip == "long" else tr.label("edge-short", "short edge")
    )
    return tr.plural_label(
        "print-line-double-sided",
        "cards.pdf once, double-sided (turn on the %(edge)s): %(cards)s on %(num)d sheet, holding %(parts)s",
        "cards.pdf once, double-sided (turn on the %(edge)s): %(cards)s on %(num)d sheets, holding %(parts)s",
        sheets,
        cards=cards,
        parts=holding,
        edge=edge,
    )


def materials(talk: Talk, blocks: list[Block]) -> list[MaterialLine]:
    """Everything to bring, summed over the exercises run, for the expected participants."""
    people = talk.session.participants
    tr = translator(talk)
    totals: dict[str, tuple[Material, list[Any]]] = {}  # [quantity, the exercises' titles]
    for block in blocks:
        exercise = block.exercise
        if exercise is None:
            continue
        for material in exercise.materials:
            _, entry = totals.setdefault(material.name, (material, [0, []]))
            entry[0] += material.count * units(material.per, exercise, people)
            entry[1].append(exercise.title.plain)
    lines = [
        MaterialLine(
            first.called(quantity, tr.plural_category(quantity)),
            quantity,
            tr.join(used),
            counted=quantity > 1 and first.plural is None,
        )
        for first, (quantity, used) in totals.values()
    ]
    return sorted(lines, key=lambda line: line.name.lower())
