"""The facilitator's run-sheet: the session on one page, with clock times, groupings, the
total against the planned length, and the materials counted for the expected head count."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from markupsafe import Markup

from ..cards import grouping_notes, groups_in_room, units
from ..schema import Exercise, Talk
from .base import PAPER_NAMES, Job, Output, Result, embed_images, lay_out_checked

TEMPLATE = "runsheet/run-sheet.html"


@dataclass(frozen=True)
class Block:
    """One line of the agenda."""

    start: str  # "09:15", or "+0:15" when the talk names no start time
    minutes: int
    title: Markup
    exercise: Exercise | None
    groups: int | None


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
            result.warn("no-run-sheet", "the talk has no exercises or agenda; no run-sheet made")
            return result
        blocks = agenda(talk)
        total = sum(block.minutes for block in blocks)
        planned = talk.event.duration_minutes if talk.event else None
        if planned and total > planned:
            what = f"the agenda takes {total} minutes; the session has {planned} ({total - planned} over)"
            result.warn("agenda-over-time", what, hint="shorten a block or raise event.duration_minutes")
        result.warnings.extend(grouping_notes(talk))
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
        html = job.templates.render(TEMPLATE, **context)
        if "pdf" in job.formats:
            layout = lay_out_checked(job, html, self.name, result)
            data = layout.pdf(self.name, job.pdf_variant("run-sheet.pdf"))
            if layout.page_count > 1:
                result.warn("run-sheet-pages", f"runs to {layout.page_count} pages; it is meant for one")
            paper = PAPER_NAMES[job.effective_paper]
            summary = f"{len(blocks)} blocks, {total} of {planned or '?'} minutes, {paper}"
            result.outputs.append(Output("run-sheet.pdf", data, summary, time.perf_counter() - started))
        if "html" in job.formats:
            screen = embed_images(html, job)
            result.outputs.append(Output("run-sheet.html", screen.encode(), "the same, for a screen"))
        return result


def agenda(talk: Talk) -> list[Block]:
    """The session's blocks with their clock times: the agenda, or the exercises in order."""
    by_id = {exercise.id: exercise for exercise in talk.exercises}
    items = talk.session.agenda
    entries: list[tuple[Markup, int, Exercise | None]] = []
    if items:
        for item in items:
            exercise = by_id.get(item.exercise or "")
            if exercise:
                entries.append((exercise.title.html, item.minutes or exercise.minutes, exercise))
            else:
                entries.append((item.title.html, item.minutes or 0, None))
    else:
        entries = [(e.title.html, e.minutes, e) for e in talk.exercises]
    start = talk.event.start if talk.event else None
    blocks, elapsed = [], 0
    people = talk.session.participants
    for title, minutes, exercise in entries:
        groups = groups_in_room(exercise, people) if exercise else None
        blocks.append(Block(_clock(start, elapsed), minutes, title, exercise, groups))
        elapsed += minutes
    return blocks


def _clock(start: dt.time | None, minutes: int) -> str:
    if start is None:
        return f"+{minutes // 60}:{minutes % 60:02d}"
    moment = dt.datetime.combine(dt.date(2000, 1, 1), start) + dt.timedelta(minutes=minutes)
    return moment.strftime("%H:%M")


def printing(talk: Talk, paper: str) -> str | None:
    """What to print for the cards, and how many sets of each, in one unambiguous line."""
    from ..cards import build_card_sets
    from ..imposition import impose, parse_card_size

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
    sides = "double-sided" if options.duplex else "one-sided"
    turn = f" (turn on the {options.flip} edge)" if options.duplex else ""
    once = [s for s in sets if s.kind == "exercise" and s.copies == 1]
    parts = []
    if len(once) > 1:
        parts.append(f"1 card of each of {len(once)} exercises")
    for card_set in sets:
        if card_set in once and len(once) > 1:
            continue
        cards = len(card_set.cards)
        what = ("card" if card_set.kind == "exercise" else "set") + ("s" if card_set.copies != 1 else "")
        size = f" ({cards} card{'s' if cards != 1 else ''})" if card_set.kind == "deck" else ""
        counted = f", {card_set.copies_note}" if card_set.copies_note else ""
        parts.append(f"{card_set.copies} {what} of \u201c{card_set.title}\u201d{size}{counted}")
    return (
        f"cards.pdf once, {sides}{turn}: {count} {options.size} cards on {sheets} "
        f"sheet{'s' if sheets != 1 else ''}, holding " + "; ".join(parts)
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
