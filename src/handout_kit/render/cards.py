"""Exercise cards: sheets for the office printer (N-up, crop marks, bleed, duplex backs), a
print-shop file (one card a page, TrimBox and BleedBox), a calibration sheet, and HTML."""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..cards import Card, build_cards
from ..errors import ContentError
from ..i18n import direction_of
from ..imposition import PAPER_MM, Imposition, Rect, impose, parse_card_size
from ..pdf import Layout
from .base import PAPER_NAMES, Job, Output, Result, clip, embed_images, lay_out_checked

SHEETS_TEMPLATE = "cards/sheets.html"
PRINT_TEMPLATE = "cards/print.html"
CALIBRATION_TEMPLATE = "cards/calibration.html"
SCREEN_TEMPLATE = "cards/cards.html"
PRINT_SHOP_BLEED_MM = 3.0
OVERFLOW_TOLERANCE_PX = 1.0


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


def _right_to_left(sheet: Sheet, imposition: Imposition, flip: str, offset) -> Sheet:
    """The sheet with its cards placed right to left in each row, as a right-to-left reader
    takes them; each back stays behind its front, because both follow the mirrored slot."""

    def mirrored(index: int) -> int:
        row, column = divmod(index, imposition.columns)
        return row * imposition.columns + imposition.columns - 1 - column

    fronts = tuple(
        Placed(p.card, imposition.front(mirrored(i)), p.number) for i, p in enumerate(sheet.fronts)
    )
    backs = tuple(
        Placed(p.card, imposition.back(mirrored(i), flip, offset.dx_mm, offset.dy_mm), p.number)
        for i, p in enumerate(sheet.backs)
    )
    return Sheet(fronts, backs)


class CardsRenderer:
    """Renders `cards.pdf`, `cards-print.pdf`, `cards-calibration.pdf` and `cards.html`."""

    name = "cards"

    def render(self, job: Job) -> Result:
        result = Result()
        cards = build_cards(job.talk)
        if not cards:
            result.warnings.append("cards: the talk has no exercises or card decks; no cards made")
            return result
        options = job.talk.cards
        paper = options.paper or job.effective_paper
        size = parse_card_size(options.size)
        try:
            imposition = impose(paper, size, options.bleed_mm, options.gap_mm, options.margin_mm)
        except ValueError as error:
            raise ContentError([job.talk.cards.problem(str(error), "size")]) from None
        sheets = self._sheets(cards, imposition, options.duplex, options.flip, options.offset)
        if direction_of(job.talk.language) == "rtl":
            sheets = [_right_to_left(sheet, imposition, options.flip, options.offset) for sheet in sheets]
        context = job.context(
            cards=cards,
            card_size=size,
            base_pt=round(size[0] * 0.145, 2),
            qr=None,
        )
        started = time.perf_counter()
        html = job.templates.render(
            SHEETS_TEMPLATE,
            **context,
            sheets=sheets,
            imposition=imposition,
            sheet_paper=PAPER_MM[paper],
            flip=options.flip,
        )
        layout = lay_out_checked(job, html, self.name, result)
        result.warnings.extend(self._overflows(layout, cards))
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

    def _overflows(self, layout: Layout, cards: list[Card]) -> list[str]:
        by_id = {card.id: card for card in cards}
        warnings = []
        seen = set()
        for index in range(layout.page_count):
            for element, below, right in layout.overflows(index, "card-content"):
                card = by_id.get(element.get("data-card", ""))
                if card is None or card.id in seen:
                    continue
                if below > OVERFLOW_TOLERANCE_PX or right > OVERFLOW_TOLERANCE_PX:
                    seen.add(card.id)
                    side = element.get("data-side", "front")
                    title = clip(element.get("data-title", card.id))
                    warnings.append(
                        f"cards: the {side} of card \u201c{title}\u201d ({card.where}) overflows by "
                        f"{max(below, right) * 0.2646:.1f} mm; shorten its text or choose a larger card size"
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
