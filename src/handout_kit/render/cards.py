"""Exercise cards: sheets for the office printer (N-up, crop marks, bleed, duplex backs), a
print-shop file (one card a page, TrimBox and BleedBox), a calibration sheet, and HTML."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from ..cards import Card, build_cards
from ..errors import ContentError
from ..imposition import CARD_PRESETS_MM, PAPER_MM, Imposition, Rect, impose, parse_card_size
from ..pdf import Layout
from .base import PAPER_NAMES, Job, Output, Result, clip, embed_images, lay_out_checked

SHEETS_TEMPLATE = "cards/sheets.html"
PRINT_TEMPLATE = "cards/print.html"
CALIBRATION_TEMPLATE = "cards/calibration.html"
SCREEN_TEMPLATE = "cards/cards.html"
PRINT_SHOP_BLEED_MM = 3.0
OVERFLOW_TOLERANCE_PX = 1.0
MM_PER_PX = 25.4 / 96

# The card's type size grows with its width, but slowly (a third power of it), and stops at
# 10.5 pt: a larger card holds more text instead of the same text set larger.
POKER_WIDTH_MM, POKER_TYPE_PT = 63.0, 9.1
LARGEST_TYPE_PT = 10.5
# A card whose text does not fit steps its type down, to 78% of its size and never below
# 7 pt (see docs/content-format.md, cards); only then is it reported.
CARD_STEPS = (1.0, 0.93, 0.86, 0.78)
CARD_FLOOR_PT = 7.0


def card_type_pt(size: tuple[float, float]) -> float:
    """The type size (pt) a card of `size` (mm) is set in before any stepping down."""
    width = min(size)  # a landscape card reads across its short side's measure too
    return round(min(LARGEST_TYPE_PT, POKER_TYPE_PT * (width / POKER_WIDTH_MM) ** 0.3), 2)


def card_steps(size: tuple[float, float]) -> list[float]:
    """The type sizes a card of `size` may be set in, largest first, down to the floor."""
    base = card_type_pt(size)
    sizes = [round(max(CARD_FLOOR_PT, base * factor), 2) for factor in CARD_STEPS]
    return list(dict.fromkeys(sizes))


@dataclass(frozen=True)
class Placed:
    """A card on a sheet: which card, its trimmed rectangle, and its number in the set."""

    card: Card
    rect: Rect
    number: int


@dataclass(frozen=True)
class Sheet:
    fronts: tuple[Placed, ...]
    backs: tuple[Placed, ...]


class CardsRenderer:
    """Renders `cards.pdf`, `cards-print.pdf`, `cards-calibration.pdf` and `cards.html`."""

    name = "cards"

    def render(self, job: Job) -> Result:
        result = Result()
        cards = build_cards(job.talk)
        if not cards:
            # Nothing to make is not a problem (a talk need not have exercises): said, not warned.
            job.progress("cards: the talk has no exercises or card decks; no cards made")
            return result
        options = job.talk.cards
        paper = options.paper or job.effective_paper
        size = parse_card_size(options.size)
        try:
            imposition = impose(paper, size, options.bleed_mm, options.gap_mm, options.margin_mm)
        except ValueError as error:
            raise ContentError([job.talk.cards.problem(str(error), "size")]) from None
        context = job.context(cards=cards, card_size=size, base_pt=card_type_pt(size), qr=None)
        started = time.perf_counter()
        layout = self._lay_out_sheets(job, context, cards, imposition, paper, result)
        over = self._overflowing(layout, cards)
        if over:  # step those cards down, measured one by one, then lay the sheets out again
            fitted = self._step_down(job, context, [c for c in cards if c.id in over], size)
            cards = [replace(card, base_pt=fitted.get(card.id)) for card in cards]
            context["cards"] = cards
            layout = self._lay_out_sheets(job, context, cards, imposition, paper, result)
            over = self._overflowing(layout, cards)
            result.warnings.extend(self._too_long(job, context, cards, over, size, result))
            result.warnings[:] = dict.fromkeys(result.warnings)  # the sheets were laid out twice
        if "pdf" in job.formats:
            data = layout.pdf(self.name)
            sides = "duplex, backs follow their fronts" if options.duplex else "fronts only"
            summary = (
                f"{len(cards)} cards, {imposition.per_sheet} a sheet "
                f"({imposition.columns}x{imposition.rows}), "
                f"{layout.page_count} {PAPER_NAMES[paper]} pages, {sides}"
            )
            result.outputs.append(Output("cards.pdf", data, summary, time.perf_counter() - started))
            result.outputs.append(self._print_shop(job, context, cards, size, result))
            result.outputs.append(self._calibration(job, context, paper, result))
        if "html" in job.formats:
            screen = embed_images(job.templates.render(SCREEN_TEMPLATE, **context), job)
            result.outputs.append(
                Output("cards.html", screen.encode(), f"{len(cards)} cards, fronts and backs")
            )
        return result

    def _lay_out_sheets(
        self, job: Job, context: dict, cards: list[Card], imposition: Imposition, paper: str, result: Result
    ) -> Layout:
        options = job.talk.cards
        sheets = self._sheets(cards, imposition, options.duplex, options.flip, options.offset)
        html = job.templates.render(
            SHEETS_TEMPLATE,
            **context,
            sheets=sheets,
            imposition=imposition,
            sheet_paper=PAPER_MM[paper],
            flip=options.flip,
        )
        return lay_out_checked(job, html, self.name, result)

    def _sheets(
        self, cards: list[Card], imposition: Imposition, duplex: bool, flip: str, offset
    ) -> list[Sheet]:
        sheets = []
        per = imposition.per_sheet
        for start in range(0, len(cards), per):
            chunk = cards[start : start + per]
            fronts = tuple(Placed(c, imposition.front(i), start + i + 1) for i, c in enumerate(chunk))
            backs = ()
            if duplex:
                backs = tuple(
                    Placed(c, imposition.back(i, flip, offset.dx_mm, offset.dy_mm), start + i + 1)
                    for i, c in enumerate(chunk)
                )
            sheets.append(Sheet(fronts, backs))
        return sheets

    def _overflowing(self, layout: Layout, cards: list[Card]) -> dict[str, tuple[str, float]]:
        """Cards whose text runs out of their box: id -> (side, how far in mm)."""
        ids = {card.id for card in cards}
        found: dict[str, tuple[str, float]] = {}
        for index in range(layout.page_count):
            for element, below, right in layout.overflows(index, "card-content"):
                card_id = element.get("data-card", "")
                if card_id in ids and card_id not in found and max(below, right) > OVERFLOW_TOLERANCE_PX:
                    found[card_id] = (element.get("data-side", "front"), max(below, right) * MM_PER_PX)
        return found

    def _probe(
        self, job: Job, context: dict, cards: list[Card], size: tuple[float, float], result: Result
    ) -> list[float]:
        """How far (mm) each of `cards`, as given (its own type size), runs out of a card of
        `size`: each laid out alone, front then back, as in the print-shop file."""
        html = job.templates.render(
            PRINT_TEMPLATE, **{**context, "card_size": size, "cards": cards, "bleed": 0}
        )
        layout = lay_out_checked(job, html, self.name, result)
        spill = []
        for index in range(len(cards)):
            worst = 0.0
            for page in (2 * index, 2 * index + 1):
                for _, below, right in layout.overflows(page, "card-content"):
                    worst = max(worst, below, right)
            spill.append(worst * MM_PER_PX if worst > OVERFLOW_TOLERANCE_PX else 0.0)
        return spill

    def _step_down(
        self, job: Job, context: dict, cards: list[Card], size: tuple[float, float]
    ) -> dict[str, float]:
        """For each card, the largest step of the ladder at which it fits, else the floor (one
        layout for all cards at all steps)."""
        steps = card_steps(size)[1:]
        trials = [replace(card, base_pt=step) for card in cards for step in steps]
        spill = self._probe(job, context, trials, size, Result())
        fitted: dict[str, float] = {}
        for number, card in enumerate(cards):
            runs = spill[number * len(steps) : (number + 1) * len(steps)]
            fits = [step for step, over in zip(steps, runs, strict=True) if not over]
            fitted[card.id] = fits[0] if fits else steps[-1]
        return fitted

    def _too_long(
        self,
        job: Job,
        context: dict,
        all_cards: list[Card],
        over: dict[str, tuple[str, float]],
        size: tuple[float, float],
        result: Result,
    ) -> list[str]:
        """A warning per card that does not fit even at the floor, naming a preset on which it
        would fit, measured (each larger preset tried at its own floor)."""
        if not over:
            return []
        cards = [card for card in all_cards if card.id in over]
        fits_on: dict[str, str] = {}
        area = size[0] * size[1]
        for name, preset in sorted(CARD_PRESETS_MM.items(), key=lambda item: item[1][0] * item[1][1]):
            waiting = [card for card in cards if card.id not in fits_on]
            if preset[0] * preset[1] <= area or not waiting:
                continue
            at_size = [replace(card, base_pt=card_steps(preset)[-1]) for card in waiting]
            for card, spill in zip(waiting, self._probe(job, context, at_size, preset, result), strict=True):
                if not spill:
                    fits_on[card.id] = f"{name} ({preset[0]:g}x{preset[1]:g} mm)"
        floor = card_steps(size)[-1]
        warnings = []
        for card in cards:
            side, mm = over[card.id]
            title = clip(_plain_title(card))
            advice = (
                f"cards.size: {fits_on[card.id]} holds it"
                if card.id in fits_on
                else "no preset size holds it"
            )
            warnings.append(
                f"cards: the {side} of card \u201c{title}\u201d ({card.where}) overflows by {mm:.1f} mm "
                f"even at {floor:g} pt type (the floor); shorten its text, or choose a larger card: {advice}"
            )
        return warnings

    def _print_shop(
        self, job: Job, context: dict, cards: list[Card], size: tuple[float, float], result: Result
    ) -> Output:
        started = time.perf_counter()
        bleed = max(job.talk.cards.bleed_mm, PRINT_SHOP_BLEED_MM)
        html = job.templates.render(PRINT_TEMPLATE, **context, bleed=bleed)
        data = lay_out_checked(job, html, self.name, result).pdf(self.name)
        summary = f"{len(cards)} cards, front and back each, {size[0]:g}x{size[1]:g} mm + {bleed:g} mm bleed"
        return Output("cards-print.pdf", data, summary, time.perf_counter() - started)

    def _calibration(self, job: Job, context: dict, paper: str, result: Result) -> Output:
        started = time.perf_counter()
        options = job.talk.cards
        html = job.templates.render(
            CALIBRATION_TEMPLATE,
            **context,
            sheet_paper=PAPER_MM[paper],
            flip=options.flip,
            offset=options.offset,
        )
        data = lay_out_checked(job, html, self.name, result).pdf(self.name)
        summary = f"2 pages, {PAPER_NAMES[paper]}: print double-sided, read offset.dx_mm and dy_mm"
        return Output("cards-calibration.pdf", data, summary, time.perf_counter() - started)


def _plain_title(card: Card) -> str:
    from markupsafe import Markup

    return Markup(card.statement or card.title).striptags()
