"""Exercise cards: sheets for the office printer (N-up, crop marks, bleed, duplex backs), a
print-shop file (one card a page, TrimBox and BleedBox), a calibration sheet, and HTML.

Each distinct face is laid out once (a deck's identical backs once in all); the sheets, the
print-shop file and every copy place those pages at the PDF level (see `imposer`)."""

from __future__ import annotations

import multiprocessing
import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..cards import Card, CardSet, build_card_sets, select_sets
from ..errors import BuildWarning, ContentError
from ..i18n import direction_of, translator
from ..imposition import PAPER_MM, Imposition, impose, parse_card_size
from .base import PAPER_NAMES, Job, Output, Result, _data_uri, clip, embed_images, lay_out_checked

if TYPE_CHECKING:
    from ..imposer import Slot
    from ..pdf import Layout

FACES_TEMPLATE = "cards/faces.html"
CALIBRATION_TEMPLATE = "cards/calibration.html"
SCREEN_TEMPLATE = "cards/cards.html"
PRINT_SHOP_BLEED_MM = 3.0
OVERFLOW_TOLERANCE_PX = 1.0
CHUNK_FACES = 100  # faces one layout holds at most: bounds memory
PARALLEL_FACES = 40  # from this many faces on, two processes share the layout
MM_PER_PX = 25.4 / 96

# The card's type size grows with its width, but slowly (a third power of it), and stops at
# 10.5 pt: a larger card holds more text instead of the same text set larger.
POKER_WIDTH_MM, POKER_TYPE_PT = 63.0, 9.1
LARGEST_TYPE_PT = 10.5


def card_type_pt(size: tuple[float, float]) -> float:
    """The type size (pt) a card of `size` (mm) is set in."""
    width = min(size)  # a landscape card reads across its short side's measure too
    return round(min(LARGEST_TYPE_PT, POKER_TYPE_PT * (width / POKER_WIDTH_MM) ** 0.3), 2)


@dataclass(frozen=True)
class Plan:
    """What is printed: the faces to lay out, and each printed card as (front, back) faces."""

    faces: list[tuple[str, Card]]  # ("front" | "back", card)
    printed: list[tuple[int, int]]
    distinct: int


def plan(sets: list[CardSet]) -> Plan:
    """Every card's front once, every distinct back once; then each copy of each set."""
    faces: list[tuple[str, Card]] = []
    fronts: dict[str, int] = {}
    backs: dict[tuple, int] = {}
    for card_set in sets:
        for card in card_set.cards:
            fronts[card.id] = len(faces)
            faces.append(("front", card))
    for card_set in sets:
        for card in card_set.cards:
            if card.back_key not in backs:
                backs[card.back_key] = len(faces)
                faces.append(("back", card))
    printed = [
        (fronts[card.id], backs[card.back_key])
        for card_set in sets
        for _ in range(card_set.copies)
        for card in card_set.cards
    ]
    return Plan(faces, printed, len(fronts))


class CardsRenderer:
    """Renders `cards.pdf`, `cards-print.pdf`, `cards-calibration.pdf` and `cards.html`."""

    name = "cards"

    def render(self, job: Job) -> Result:
        result = Result()
        sets = select_sets(job.talk, build_card_sets(job.talk), job.cards)
        sets = [card_set for card_set in sets if card_set.cards]
        if not sets:
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
        work = plan(sets)
        cards = [card for card_set in sets for card in card_set.cards]
        logo_light = job.talk.theme.logo_light
        context = job.context(
            cards=cards,
            card_size=size,
            base_pt=card_type_pt(size),
            qr=None,
            logo_light=_data_uri(logo_light, job.content_dir, job.network_timeout) if logo_light else None,
        )
        if "pdf" in job.formats:
            self._pdfs(job, context, work, imposition, paper, result)
        if "html" in job.formats:
            screen = embed_images(job.templates.render(SCREEN_TEMPLATE, **context), job)
            result.outputs.append(
                Output("cards.html", screen.encode(), f"{len(cards)} cards, fronts and backs")
            )
        return result

    def _pdfs(
        self, job: Job, context: dict, work: Plan, imposition: Imposition, paper: str, result: Result
    ) -> None:
        from .. import imposer

        started = time.perf_counter()
        options = job.talk.cards
        bleed = max(options.bleed_mm, PRINT_SHOP_BLEED_MM)
        calibration: list[Output] = []

        def meanwhile() -> None:
            calibration.append(self._calibration(job, context, paper, result))

        documents = self._lay_out_faces(job, context, work.faces, bleed, result, meanwhile)
        faces = imposer.Faces(documents, imposition.card, bleed)
        try:
            rtl = direction_of(job.talk.language) == "rtl"
            pages = self._sheet_pages(work, imposition, options.duplex, options.flip, options.offset, rtl)
            title = job.talk.title.plain
            tr = translator(job.talk)
            sheets_title = tr.label("title-cards", "cards")
            data = imposer.sheets(faces, imposition, pages, f"{title} · {sheets_title}")
            sides = "duplex, backs follow their fronts" if options.duplex else "fronts only"
            count = len(work.printed)
            copies = f" ({work.distinct} distinct)" if count != work.distinct else ""
            summary = (
                f"{count} cards{copies}, {imposition.per_sheet} a sheet "
                f"({imposition.columns}x{imposition.rows}), "
                f"{len(pages)} {PAPER_NAMES[paper]} pages, {sides}; {len(work.faces)} faces laid out"
            )
            seconds = time.perf_counter() - started
            result.outputs.append(Output("cards.pdf", data, summary, seconds))
            started = time.perf_counter()
            order = [face for pair in work.printed for face in pair]
            print_title = tr.label("title-print", "cards for print")
            data = imposer.print_shop(faces, order, f"{title} · {print_title}")
            size = imposition.card
            summary = f"{count} cards, front and back each, {size[0]:g}x{size[1]:g} mm + {bleed:g} mm bleed"
            result.outputs.append(Output("cards-print.pdf", data, summary, time.perf_counter() - started))
        finally:
            faces.close()
        result.outputs.extend(calibration)

    def _sheet_pages(
        self, work: Plan, imposition: Imposition, duplex: bool, flip: str, offset: Any, rtl: bool = False
    ) -> list[tuple[list[Slot], bool]]:
        """The sheets' slots, fronts then (duplex) backs; right to left in each row for a
        right-to-left talk, each back still behind its front (both follow the mirrored slot)."""
        from ..imposer import Slot

        def at(index: int) -> int:
            if not rtl:
                return index
            row, column = divmod(index, imposition.columns)
            return row * imposition.columns + imposition.columns - 1 - column

        pages: list[tuple[list[Slot], bool]] = []
        per = imposition.per_sheet
        turn = 90 if imposition.rotated else 0
        back_turn = (-90 if flip == "long" else 90) if imposition.rotated else 0
        for start in range(0, len(work.printed), per):
            chunk = work.printed[start : start + per]
            pages.append(
                ([Slot(front, imposition.front(at(i)), turn) for i, (front, _) in enumerate(chunk)], True)
            )
            if duplex:
                backs = [
                    Slot(back, imposition.back(at(i), flip, offset.dx_mm, offset.dy_mm), back_turn)
                    for i, (_, back) in enumerate(chunk)
                ]
                pages.append((backs, False))
        return pages

    def _lay_out_faces(
        self, job: Job, context: dict, faces: list[tuple[str, Card]], bleed: float, result: Result, meanwhile
    ) -> list[bytes]:
        """The faces as PDF documents of at most CHUNK_FACES pages each. When there are enough
        of them and this is the build's only process, a forked process lays out the second
        half while this one lays out the first and then runs `meanwhile` (the calibration)."""
        global _WORK
        share = len(faces) // 2 if job.fork and self._parallel(len(faces)) else len(faces)
        mine, theirs = faces[:share], faces[share:]
        future = pool = None
        if theirs:
            from concurrent.futures import ProcessPoolExecutor

            _load_hyphenation(job.talk.language)  # once, here: the forked process inherits it
            _WORK = (self, job, context, bleed)
            pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
            future = pool.submit(_lay_out_share, theirs)
        try:
            answers = self._lay_out_share(job, context, mine, bleed)
            meanwhile()
            if future is not None:
                answers += future.result()
        finally:
            if pool is not None:
                pool.shutdown()
            _WORK = None
        for _, warnings in answers:
            result.warnings.extend(w for w in warnings if w not in result.warnings)
        return [data for data, _ in answers]

    @staticmethod
    def _parallel(faces: int) -> bool:
        return (
            faces >= PARALLEL_FACES
            and (os.cpu_count() or 1) > 1
            and multiprocessing.parent_process() is None  # not inside the build's own pool
        )

    def _lay_out_share(
        self, job: Job, context: dict, faces: list[tuple[str, Card]], bleed: float
    ) -> list[tuple[bytes, list[BuildWarning]]]:
        return [
            self._lay_out_chunk(job, context, faces[i : i + CHUNK_FACES], bleed)
            for i in range(0, len(faces), CHUNK_FACES)
        ]

    def _lay_out_chunk(
        self, job: Job, context: dict, faces: list[tuple[str, Card]], bleed: float
    ) -> tuple[bytes, list[BuildWarning]]:
        html = job.templates.render(FACES_TEMPLATE, **context, faces=faces, bleed=bleed)
        html = inline_variables(
            html,
            {
                "--base": f"{context['base_pt']}pt",
                "--card-w": f"{context['card_size'][0]}mm",
                "--card-h": f"{context['card_size'][1]}mm",
                "--bleed": f"{bleed}mm",
            },
        )
        local = Result()
        layout = lay_out_checked(job, html, self.name, local)
        local.warnings.extend(self._overflows(layout, faces))
        return layout.pdf(self.name, job.pdf_variant("cards.pdf")), local.warnings

    def _overflows(self, layout: Layout, faces: list[tuple[str, Card]]) -> list[BuildWarning]:
        warnings: list[BuildWarning] = []
        for index, (side, card) in enumerate(faces):
            for _element, below, right in layout.overflows(index, "card-content"):
                if below > OVERFLOW_TOLERANCE_PX or right > OVERFLOW_TOLERANCE_PX:
                    title = clip(
                        _plain(card.statement or card.title)
                        if side == "front"
                        else _plain(card.deck_title or card.title)
                    )
                    file, _, line = card.where.rpartition(":")
                    by = max(below, right) * 0.2646
                    warnings.append(
                        BuildWarning(
                            "card-overflow",
                            f"the {side} of card \u201c{title}\u201d overflows by {by:.1f} mm",
                            self.name,
                            file or card.where,
                            int(line) if line.isdigit() else None,
                            hint="shorten its text or choose a larger card size",
                        )
                    )
                    break
        return warnings

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
        layout = lay_out_checked(job, html, self.name, result)
        data = layout.pdf(self.name, job.pdf_variant("cards-calibration.pdf"))
        summary = f"2 pages, {PAPER_NAMES[paper]}: print double-sided, read offset.dx_mm and dy_mm"
        return Output("cards-calibration.pdf", data, summary, time.perf_counter() - started)


def inline_variables(html: str, values: dict[str, str]) -> str:
    """`html` with `var(--name)` replaced by its value for each custom property that the
    document sets exactly once (on its body): the same layout, and a fifth less work for
    WeasyPrint, which resolves every var() again for every box of every card. A property set
    anywhere else (a template that scales one card) is left alone."""
    for name, value in values.items():
        if html.count(f"{name}:") == 1:
            html = html.replace(f"var({name})", value)
    return html


def _load_hyphenation(language: str) -> None:
    """Load the hyphenation patterns for `language` into pyphen's cache."""
    import pyphen

    lang = pyphen.language_fallback(language.replace("-", "_"))
    if lang:
        pyphen.Pyphen(lang=lang)


_WORK: tuple | None = None  # what forked chunk processes read (set just before the fork)


def _lay_out_share(faces: list[tuple[str, Card]]) -> list[tuple[bytes, list[BuildWarning]]]:
    assert _WORK is not None
    renderer, job, context, bleed = _WORK
    return renderer._lay_out_share(job, context, faces, bleed)


def _plain(markup) -> str:
    from markupsafe import Markup

    return Markup(markup or "").striptags()
