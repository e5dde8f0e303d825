"""Card sizes and their imposition on sheets: how many fit, where each front and back goes,
and where the crop marks are. Pure geometry in millimetres, measured from the sheet's top left."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

CARD_PRESETS_MM: dict[str, tuple[float, float]] = {
    "poker": (63.0, 88.0),
    "bridge": (57.0, 89.0),
    "tarot": (70.0, 120.0),
    "a6": (105.0, 148.0),
    "index-3x5": (76.2, 127.0),
    "index-4x6": (101.6, 152.4),
}
PAPER_MM: dict[str, tuple[float, float]] = {"letter": (215.9, 279.4), "a4": (210.0, 297.0)}
MARK_GAP_MM = 1.5  # between the bleed (or the card) and the start of a crop mark
MARK_LENGTH_MM = 4.0
MIN_CARD_MM, MAX_CARD_MM = 20.0, 300.0
SIZE_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*x\s*(\d+(?:\.\d+)?)\s*(mm|in)\s*$", re.IGNORECASE)


def parse_card_size(text: str) -> tuple[float, float]:
    """A preset name or `WxH` with mm or in, as (width, height) in millimetres."""
    key = text.strip().lower()
    if key in CARD_PRESETS_MM:
        return CARD_PRESETS_MM[key]
    match = SIZE_PATTERN.match(text)
    if match is None:
        presets = ", ".join(f"{name} ({w:g}x{h:g} mm)" for name, (w, h) in CARD_PRESETS_MM.items())
        raise ValueError(f"unknown card size '{text}'; use {presets}, or WIDTHxHEIGHT with mm or in")
    factor = 25.4 if match[3].lower() == "in" else 1.0
    width, height = float(match[1]) * factor, float(match[2]) * factor
    if not (MIN_CARD_MM <= width <= MAX_CARD_MM and MIN_CARD_MM <= height <= MAX_CARD_MM):
        raise ValueError(f"card size '{text}' must be between {MIN_CARD_MM:g} and {MAX_CARD_MM:g} mm a side")
    return width, height


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def grown(self, by: float) -> Rect:
        return Rect(self.x - by, self.y - by, self.width + 2 * by, self.height + 2 * by)


@dataclass(frozen=True)
class Mark:
    """One crop mark: a line segment on a cut line, outside every card."""

    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Imposition:
    """Cards laid out N-up on a sheet, the grid centred so that a duplex flip maps it on itself."""

    paper: tuple[float, float]
    card: tuple[float, float]  # the card upright: width, height
    bleed: float
    spacing: float
    margin: float
    columns: int
    rows: int
    rotated: bool = False  # cards turned a quarter turn on the sheet, because more fit

    @property
    def slot(self) -> tuple[float, float]:
        """A card's footprint on the sheet: its size, turned when the cards are rotated."""
        return (self.card[1], self.card[0]) if self.rotated else self.card

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    @property
    def origin(self) -> tuple[float, float]:
        width, height = self.paper
        grid_w = self.columns * self.slot[0] + (self.columns - 1) * self.spacing
        grid_h = self.rows * self.slot[1] + (self.rows - 1) * self.spacing
        return (width - grid_w) / 2, (height - grid_h) / 2

    def front(self, slot: int) -> Rect:
        """The trimmed card's rectangle for slot `slot` (row by row) on a sheet of fronts."""
        x0, y0 = self.origin
        column, row = slot % self.columns, slot // self.columns
        return Rect(
            x0 + column * (self.slot[0] + self.spacing),
            y0 + row * (self.slot[1] + self.spacing),
            *self.slot,
        )

    def back(self, slot: int, flip: str = "long", dx: float = 0.0, dy: float = 0.0) -> Rect:
        """Where the back of slot `slot` goes on the back sheet, so that turning the sheet on
        its long edge (or short edge) puts it behind its front; then shifted by (dx, dy)."""
        front = self.front(slot)
        width, height = self.paper
        if flip == "long":
            x, y = width - front.right, front.y
        else:
            x, y = front.x, height - front.bottom
        return Rect(x + dx, y + dy, front.width, front.height)

    def _filled(self, filled: int | Iterable[int] | None) -> list[int]:
        """The slots a sheet holds: all, the first `filled`, or the slots named."""
        if filled is None:
            return list(range(self.per_sheet))
        if isinstance(filled, int):
            return list(range(filled))
        return sorted(set(filled))

    def cut_lines(self, filled: int | Iterable[int] | None = None) -> tuple[list[float], list[float]]:
        """The x positions of vertical cuts and the y positions of horizontal cuts of the
        filled slots: all of them by default, the first `filled`, or the slots named (a
        right-to-left sheet fills each row from its right end)."""
        rects = [self.front(s) for s in self._filled(filled)]
        xs = sorted({round(v, 4) for r in rects for v in (r.x, r.right)})
        ys = sorted({round(v, 4) for r in rects for v in (r.y, r.bottom)})
        return xs, ys

    def marks(self, filled: int | Iterable[int] | None = None) -> list[Mark]:
        """Crop marks in the margins around the grid, clear of the cards and their bleed, on
        every cut line of the filled slots (see `cut_lines`): a line that only bounds empty
        slots gets none."""
        width, height = self.paper
        x0, y0 = self.origin
        grid_right = self.front(self.columns - 1).right
        grid_bottom = self.front(self.per_sheet - 1).bottom
        start = self.bleed + MARK_GAP_MM
        xs, ys = self.cut_lines(filled)
        marks: list[Mark] = []
        top_end = max(y0 - start - MARK_LENGTH_MM, 0.5)
        bottom_end = min(grid_bottom + start + MARK_LENGTH_MM, height - 0.5)
        left_end = max(x0 - start - MARK_LENGTH_MM, 0.5)
        right_end = min(grid_right + start + MARK_LENGTH_MM, width - 0.5)
        for x in xs:
            marks.append(Mark(x, y0 - start, x, top_end))
            marks.append(Mark(x, grid_bottom + start, x, bottom_end))
        for y in ys:
            marks.append(Mark(x0 - start, y, left_end, y))
            marks.append(Mark(grid_right + start, y, right_end, y))
        return [m for m in marks if abs(m.x2 - m.x1) + abs(m.y2 - m.y1) >= 1.0]


def impose(paper: str, card: tuple[float, float], bleed: float, gap: float, margin: float) -> Imposition:
    """As many cards as fit inside the margins (their bleed too), upright or turned a quarter
    turn, whichever holds more; cards with bleed keep two bleeds apart so that no card's
    background runs onto its neighbour."""
    width, height = PAPER_MM[paper]
    spacing = max(gap, 2 * bleed)
    usable_w, usable_h = width - 2 * (margin + bleed), height - 2 * (margin + bleed)

    def fit(slot_w: float, slot_h: float) -> tuple[int, int]:
        columns = max(0, math.floor((usable_w + spacing + 1e-9) / (slot_w + spacing)))
        rows = max(0, math.floor((usable_h + spacing + 1e-9) / (slot_h + spacing)))
        return columns, rows

    upright, turned = fit(*card), fit(card[1], card[0])
    rotated = turned[0] * turned[1] > upright[0] * upright[1]
    columns, rows = turned if rotated else upright
    if columns == 0 or rows == 0:
        raise ValueError(
            f"a {card[0]:g}x{card[1]:g} mm card does not fit on {paper} paper inside {margin:g} mm margins"
        )
    return Imposition((width, height), card, bleed, spacing, margin, columns, rows, rotated)
