"""The facilitator's run-sheet: the session on one page, with clock times, groupings, the
total against the planned length, and the materials counted for the expected head count."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from markupsafe import Markup

from ..cards import grouping_notes, groups_in_room, units
from ..errors import ContentError, LayoutError
from ..pdf import Layout, lay_out
from ..schema import Exercise, Talk
from .base import PAPER_NAMES, Job, Output, Result, clip, embed_images

TEMPLATE = "runsheet/run-sheet.html"


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

    start: str  # "09:15", or "+0:15" when the talk names no start time
    minutes: int
    title: Markup
    exercise: Exercise | None
    groups: int | None
    where: str = ""


@dataclass(frozen=True)
class MaterialLine:
    name: str
    quantity: int
    used_in: str


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
            result.warnings.append(
                f"run-sheet: the agenda takes {total} minutes; the session has {planned} "
                f"({total - planned} over)"
            )
        result.warnings.extend(f"run-sheet: {note}" for note in grouping_notes(talk))
        end = _clock(talk.event.start if talk.event else None, total)
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
            data = layout.pdf(self.name)
            paper = PAPER_NAMES[job.effective_paper]
            summary = f"{len(blocks)} blocks, {total} of {planned or '?'} minutes, {paper}, {fit.describe()}"
            result.outputs.append(Output("run-sheet.pdf", data, summary, time.perf_counter() - started))
        if "html" in job.formats:
            screen = embed_images(job.templates.render(TEMPLATE, **context, fit=FITS[0]), job)
            result.outputs.append(Output("run-sheet.html", screen.encode(), "the same, for a screen"))
        return result

    def _fit(self, job: Job, context: dict, result: Result) -> tuple[Layout, Fit]:
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
            where = layout.first_placed_text(1)
            place = f"; page 2 would start at {where[0]} (\u201c{clip(where[1])}\u201d)" if where else ""
            raise LayoutError(
                f"the run-sheet runs {over:.2f} pages over its one page even at the smallest setting "
                f"({FITS[-1].describe()}){place}. Split the session, or shorten the steps' text."
            )
        result.memo["fit_step"] = step
        result.warnings.extend(layout.messages(self.name))
        for spill in layout.spills(0):
            where = spill.where or job.talk.where
            result.warnings.append(f"run-sheet: {where}: runs out of the page: {spill.describe()}")
        return layout, FITS[step]

    def _lay_out_at(self, job: Job, context: dict, step: int, result: Result) -> Layout:
        html = job.templates.render(TEMPLATE, **context, fit=FITS[step])
        layout = lay_out(html, job.content_dir, job.templates.roots, job.network_timeout)
        layout.refuse(self.name)
        return layout


def agenda(talk: Talk) -> list[Block]:
    """The session's blocks with their clock times: the agenda, or the exercises in order."""
    by_id = {exercise.id: exercise for exercise in talk.exercises}
    items = talk.session.agenda
    problems = [
        item.problem(f"no exercise has the id '{item.exercise}'", "exercise")
        for item in items
        if item.exercise and item.exercise not in by_id
    ]
    if problems:
        raise ContentError(problems)
    entries: list[tuple[Markup, int, Exercise | None, str]] = []
    if items:
        for item in items:
            exercise = by_id.get(item.exercise or "")
            if exercise:
                entries.append((exercise.title.html, item.minutes or exercise.minutes, exercise, item.where))
            else:
                entries.append((item.title.html, item.minutes or 0, None, item.where))
    else:
        entries = [(e.title.html, e.minutes, e, e.where) for e in talk.exercises]
    start = talk.event.start if talk.event else None
    blocks, elapsed = [], 0
    people = talk.session.participants
    for title, minutes, exercise, where in entries:
        groups = groups_in_room(exercise, people) if exercise else None
        blocks.append(Block(_clock(start, elapsed), minutes, title, exercise, groups, where))
        elapsed += minutes
    return blocks


def _clock(start: dt.time | None, minutes: int) -> str:
    if start is None:
        return f"+{minutes // 60}:{minutes % 60:02d}"
    moment = dt.datetime.combine(dt.date(2000, 1, 1), start) + dt.timedelta(minutes=minutes)
    return moment.strftime("%H:%M")


def printing(talk: Talk, paper: str) -> str | None:
    """What to print for the cards: how many cards, on how many sheets."""
    from ..cards import build_cards
    from ..imposition import impose, parse_card_size

    count = len(build_cards(talk))
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
    sides = "double-sided" if options.duplex else "one-sided"
    return (
        f"cards.pdf: {count} {options.size} cards on {sheets} sheet{'s' if sheets != 1 else ''}, "
        f"{sides} (turn on the {options.flip} edge); one set per table"
    )


def _plural(name: str, quantity: int) -> str:
    """`marker` -> `markers` for more than one (English names; `sticky notes` stays)."""
    if quantity == 1 or name.endswith("s"):
        return name
    return name[:-1] + "ies" if name.endswith("y") and name[-2:-1] not in "aeiou" else name + "s"


def materials(talk: Talk, blocks: list[Block]) -> list[MaterialLine]:
    """Everything to bring, summed over the exercises run, for the expected participants."""
    people = talk.session.participants
    totals: dict[str, list] = {}
    for block in blocks:
        exercise = block.exercise
        if exercise is None:
            continue
        for material in exercise.materials:
            entry = totals.setdefault(material.name, [0, []])
            entry[0] += material.count * units(material.per, exercise, people)
            entry[1].append(exercise.title.plain)
    lines = [
        MaterialLine(_plural(name, quantity), quantity, ", ".join(used))
        for name, (quantity, used) in totals.items()
    ]
    return sorted(lines, key=lambda line: line.name.lower())
