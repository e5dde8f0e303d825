"""Exercise cards: sheets for the office printer (N-up, crop marks, bleed, duplex backs), a
print-shop file (one card a page, TrimBox and BleedBox), a calibration sheet, and HTML.

Each distinct face is laid out once (a deck's identical backs once in all); the sheets, the
print-shop file and every copy place those pages at the PDF level (see `imposer`)."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, cast

from ..card_sheets import CARD_PRESETS_MM, PAPER_MM, Imposition, impose, parse_card_size
from ..errors import BuildWarning, ContentError
from ..i18n import direction_of, translator
from ..model.cards import Card, CardSet, build_card_sets, select_sets
from .base import PAPER_NAMES, Job, Output, Result, _data_uri, clip, embed_images, lay_out_checked
from .measure import check_image_sizes

if TYPE_CHECKING:
    from ..imposer import Slot
    from ..layout import Layout

FACES_TEMPLATE = "cards/faces.html"
CALIBRATION_TEMPLATE = "cards/calibration.html"
SCREEN_TEMPLATE = "cards/cards.html"
PRINT_SHOP_BLEED_MM = 3.0
OVERFLOW_TOLERANCE_PX = 1.0
CHUNK_FACES = 40  # faces one layout holds at most: bounds memory (40 cost no more CPU than 100)
PARALLEL_FACES = 40  # from this many faces on, two processes share the layout
MM_PER_PX = 25.4 / 96
SIDES = ("front", "back")

# A laid-out chunk of faces: its PDF, WeasyPrint's warnings, how far (mm) each face runs over.
Chunk = tuple[bytes, list[BuildWarning], list[float]]

# The card's type size grows with its width, but slowly (a third power of it), and stops at
# 10.5 pt: a larger card holds more text instead of the same text set larger.
POKER_WIDTH_MM, POKER_TYPE_PT = 63.0, 9.1
LARGEST_TYPE_PT = 10.5
# A card whose text does not fit steps its type down, to 78% of its size and never below 7 pt
# (see docs/content-format.md, cards); only a card that does not fit even there is reported.
CARD_STEPS = (1.0, 0.93, 0.86, 0.78)
CARD_FLOOR_PT = 7.0


def card_type_pt(size: tuple[float, float]) -> float:
    """The type size (pt) a card of `size` (mm) is set in before any stepping down."""
    width = min(size)  # a landscape card reads across its short side's measure too
    grown: float = POKER_TYPE_PT * (width / POKER_WIDTH_MM) ** 0.3
    return round(min(LARGEST_TYPE_PT, grown), 2)


def card_steps(size: tuple[float, float]) -> list[float]:
    """The type sizes a card of `size` may be set in, largest first, down to its floor (never
    below CARD_FLOOR_PT, nor above the card's own size on a card too small for the floor)."""
    base = card_type_pt(size)
    sizes = [round(min(base, max(CARD_FLOOR_PT, base * factor)), 2) for factor in CARD_STEPS]
    return list(dict.fromkeys(sizes))


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
    backs: dict[tuple[str, ...], int] = {}
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


def refit(work: Plan, fronts: dict[str, float], backs: dict[tuple[str, ...], float] | None = None) -> Plan:
    """`work` with the front of each card in `fronts` (card id -> type size) and each back in
    `backs` (back key -> type size) set at its own type size: their faces follow the faces
    already laid out, which keep their places (a replaced one is no longer printed). A back
    steps down only when the back itself does not fit, and then for every card that shares
    it, so a deck's backs stay identical when one of its fronts is set smaller."""
    backs = backs or {}
    faces = list(work.faces)
    added: dict[tuple[object, ...], int] = {}

    def face(side: str, card: Card, pt: float) -> int:
        key = (side, card.id if side == "front" else card.back_key, pt)
        if key not in added:
            added[key] = len(faces)
            faces.append((side, replace(card, base_pt=pt)))
        return added[key]

    printed = []
    for front, back in work.printed:
        card = work.faces[front][1]
        if card.id in fronts:
            front = face("front", card, fronts[card.id])
        if card.back_key in backs:
            back = face("back", card, backs[card.back_key])
        printed.append((front, back))
    return Plan(faces, printed, work.distinct)


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
            backs={},  # card id -> the card as its back is printed, where that differs
            logo_light=_data_uri(logo_light, job.content_dir, job.network_timeout) if logo_light else None,
        )
        if "pdf" in job.formats:
            fitted, backs = self._pdfs(job, context, work, imposition, paper, result)
            # cards.html shows each face at the type size it is printed in
            context["backs"] = {
                card.id: replace(card, base_pt=backs.get(card.back_key))
                for card in cards
                if card.id in fitted or card.back_key in backs
            }
            cards = [replace(card, base_pt=fitted[card.id]) if card.id in fitted else card for card in cards]
            context["cards"] = cards
        if "html" in job.formats:
            screen = embed_images(job.templates.render(SCREEN_TEMPLATE, **context), job)
            result.outputs.append(
                Output("cards.html", screen.encode(), f"{len(cards)} cards, fronts and backs")
            )
        return result

    def _pdfs(
        self,
        job: Job,
        context: dict[str, Any],
        work: Plan,
        imposition: Imposition,
        paper: str,
        result: Result,
    ) -> tuple[dict[str, float], dict[tuple[str, ...], float]]:
        """The sheets, the print-shop file and the calibration sheet; returns the type size (pt)
        of each front that was stepped down to fit (by card id) and of each back (by back key)."""
        from .. import imposer

        started = time.perf_counter()
        options = job.talk.cards
        bleed = max(options.bleed_mm, PRINT_SHOP_BLEED_MM)
        calibration: list[Output] = []

        def meanwhile() -> None:
            calibration.append(self._calibration(job, context, paper, result))
            _release()

        documents, spills = self._lay_out_faces(job, context, work.faces, bleed, result, meanwhile)
        laid_out = len(work.faces)
        over = {face: work.faces[face] for pair in work.printed for face in pair if spills[face]}
        stepped = self._step_down(job, context, list(over.values()), bleed) if over else {}
        stepped = {key: pt for key, pt in stepped.items() if pt < context["base_pt"]}
        fitted = {str(key[1]): pt for key, pt in stepped.items() if key[0] == "front"}
        backs = {cast(tuple[str, ...], key[1]): pt for key, pt in stepped.items() if key[0] == "back"}
        if stepped:  # lay out again the faces set smaller, and place those
            work = refit(work, fitted, backs)
            answers = self._lay_out_share(job, context, work.faces[laid_out:], bleed)
            self._keep_warnings(answers, result)
            documents += [data for data, _, _ in answers]
            spills += [spill for _, _, chunk in answers for spill in chunk]
            laid_out = len(work.faces)
        result.warnings.extend(self._too_long(job, context, work, spills, bleed))
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
            smaller_cards = {card.id for side, card in work.faces if card.base_pt and side == "front"}
            smaller_cards |= {
                work.faces[front][1].id for front, back in work.printed if work.faces[back][1].base_pt
            }
            smaller = f", {len(smaller_cards)} set smaller to fit" if smaller_cards else ""
            summary = (
                f"{count} cards{copies}, {imposition.per_sheet} a sheet "
                f"({imposition.columns}x{imposition.rows}), "
                f"{len(pages)} {PAPER_NAMES[paper]} pages, {sides}; {laid_out} faces laid out{smaller}"
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
        return fitted, backs

    def _sheet_pages(
        self, work: Plan, imposition: Imposition, duplex: bool, flip: str, offset: Any, rtl: bool = False
    ) -> list[tuple[list[Slot], list[int] | None]]:
        """The sheets' slots, fronts then (duplex) backs, each with the grid slots whose cut
        lines get crop marks (the fronts' filled slots; none on backs); right to left in each
        row for a right-to-left talk, each back still behind its front (both follow the
        mirrored slot), the marks with the slots filled."""
        from ..imposer import Slot

        def at(index: int) -> int:
            if not rtl:
                return index
            row, column = divmod(index, imposition.columns)
            return row * imposition.columns + imposition.columns - 1 - column

        pages: list[tuple[list[Slot], list[int] | None]] = []
        per = imposition.per_sheet
        turn = 90 if imposition.rotated else 0
        back_turn = (-90 if flip == "long" else 90) if imposition.rotated else 0
        for start in range(0, len(work.printed), per):
            chunk = work.printed[start : start + per]
            filled = [at(i) for i in range(len(chunk))]
            fronts = [Slot(front, imposition.front(at(i)), turn) for i, (front, _) in enumerate(chunk)]
            pages.append((fronts, filled))
            if duplex:
                backs = [
                    Slot(back, imposition.back(at(i), flip, offset.dx_mm, offset.dy_mm), back_turn)
                    for i, (_, back) in enumerate(chunk)
                ]
                pages.append((backs, None))
        return pages

    def _lay_out_faces(
        self,
        job: Job,
        context: dict[str, Any],
        faces: list[tuple[str, Card]],
        bleed: float,
        result: Result,
        meanwhile: Callable[[], None],
    ) -> tuple[list[bytes], list[float]]:
        """The faces as PDF documents of at most CHUNK_FACES pages each, and how far (mm) each
        face's text runs out of its card (0 when it fits). When there are enough of them and
        this is the build's only process, a forked process lays out the second half while
        this one lays out the first and then runs `meanwhile` (the calibration)."""
        global _WORK
        share = len(faces) // 2 if job.fork and self._parallel(len(faces)) else len(faces)
        mine, theirs = faces[:share], faces[share:]
        future = pool = None
        if theirs:
            from concurrent.futures import ProcessPoolExecutor

            # once, here: the forked process inherits WeasyPrint and the hyphenation patterns
            from .. import layout  # noqa: F401

            _load_hyphenation(job.talk.language)
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
        self._keep_warnings(answers, result)
        return [data for data, _, _ in answers], [spill for _, _, spills in answers for spill in spills]

    @staticmethod
    def _keep_warnings(answers: list[Chunk], result: Result) -> None:
        for _, warnings, _ in answers:
            result.warnings.extend(w for w in warnings if w not in result.warnings)

    @staticmethod
    def _parallel(faces: int) -> bool:
        return (
            faces >= PARALLEL_FACES
            and (os.cpu_count() or 1) > 1
            and multiprocessing.parent_process() is None  # not inside the build's own pool
        )

    def _lay_out_share(
        self, job: Job, context: dict[str, Any], faces: list[tuple[str, Card]], bleed: float, pdf: bool = True
    ) -> list[Chunk]:
        """`faces` laid out CHUNK_FACES at a time; each chunk's layout is let go (and its memory
        given back) before the next is made, so memory holds one chunk's boxes at most."""
        chunks = []
        for i in range(0, len(faces), CHUNK_FACES):
            chunks.append(self._lay_out_chunk(job, context, faces[i : i + CHUNK_FACES], bleed, pdf))
            _release()
        return chunks

    def _lay_out_chunk(
        self, job: Job, context: dict[str, Any], faces: list[tuple[str, Card]], bleed: float, pdf: bool = True
    ) -> Chunk:
        """Some faces laid out, one a page: the PDF (empty when not `pdf`: a trial, measured
        only), WeasyPrint's warnings, and how far (mm) each face runs out of its card."""
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
        if pdf:  # a picture held to its card too small to read is an error, as in every artefact
            advice = "crop it closer, or choose a larger card"
            check_image_sizes(layout, "cards", on_paper=True, advice=advice)
        spills = [self._spill(layout, index) for index in range(len(faces))]
        data = layout.untagged_pdf(self.name) if pdf else b""
        return data, local.warnings, spills

    @staticmethod
    def _spill(layout: Layout, index: int) -> float:
        """How far (mm) the text of the face on page `index` runs out of its card, 0 if it fits."""
        worst = 0.0
        for _element, below, right in layout.overflows(index, "card-content"):
            worst = max(worst, below, right)
        return worst * MM_PER_PX if worst > OVERFLOW_TOLERANCE_PX else 0.0

    def _measure(
        self, job: Job, context: dict[str, Any], faces: list[tuple[str, Card]], bleed: float
    ) -> dict[tuple[str, str, float | None], float]:
        """Trial layouts: how far (mm) each face runs out of its card, by (side, card id,
        type size). A deck's back is laid out once for all its cards at each size."""

        def key(side: str, card: Card) -> tuple[object, ...]:
            return (side, card.id if side == "front" else card.back_key, card.base_pt)

        keys: dict[tuple[object, ...], int] = {}
        distinct: list[tuple[str, Card]] = []
        for side, card in faces:
            if key(side, card) not in keys:
                keys[key(side, card)] = len(distinct)
                distinct.append((side, card))
        answers = self._lay_out_share(job, context, distinct, bleed, pdf=False)
        spills = [spill for _, _, chunk in answers for spill in chunk]
        return {(side, card.id, card.base_pt): spills[keys[key(side, card)]] for side, card in faces}

    def _step_down(
        self, job: Job, context: dict[str, Any], faces: list[tuple[str, Card]], bleed: float
    ) -> dict[tuple[str, object], float]:
        """For each face that does not fit, the largest step of the ladder at which it fits,
        else the floor, by ("front", card id) or ("back", back key): a front steps down
        alone, a back for every card that shares it. All faces at all steps are laid out as
        one trial (a shared back once)."""
        steps = card_steps(context["card_size"])[1:]
        keys = {_face_key(side, card): (side, card) for side, card in faces}
        if not steps:  # a card too small for the floor: its size is the floor
            return dict.fromkeys(keys, context["base_pt"])
        trials = [(side, replace(card, base_pt=step)) for side, card in keys.values() for step in steps]
        spill = self._measure(job, context, trials, bleed)
        fitted: dict[tuple[str, object], float] = {}
        for key, (side, card) in keys.items():
            fits = [step for step in steps if not spill[(side, card.id, step)]]
            fitted[key] = fits[0] if fits else steps[-1]
        return fitted

    def _too_long(
        self, job: Job, context: dict[str, Any], work: Plan, spills: list[float], bleed: float
    ) -> list[BuildWarning]:
        """A warning for each printed face that does not fit even at the floor, naming the
        smallest larger preset on which its card fits, measured at that preset's own floor."""
        used = dict.fromkeys(face for pair in work.printed for face in pair)
        over = [(index, spills[index]) for index in used if spills[index]]
        if not over:
            return []
        holds = self._preset_that_holds(job, context, [work.faces[index][1] for index, _ in over], bleed)
        warnings: list[BuildWarning] = []
        for index, by in over:
            side, card = work.faces[index]
            title = clip(
                _plain(card.statement or card.title)
                if side == "front"
                else _plain(card.deck_title or card.title)
            )
            floor = card.base_pt or context["base_pt"]
            preset = holds.get(card.id)
            if preset is None:
                hint = "shorten its text; no preset size holds it"
            else:
                width, height = CARD_PRESETS_MM[preset]
                hint = (
                    f"shorten its text, or choose a larger card: "
                    f"cards.size: {preset} ({width:g}x{height:g} mm) holds it"
                )
            file, _, line = card.where.rpartition(":")
            warnings.append(
                BuildWarning(
                    "card-overflow",
                    f"the {side} of card \u201c{title}\u201d overflows by {by:.1f} mm "
                    f"even at {floor:g} pt type (the floor)",
                    self.name,
                    file or card.where,
                    int(line) if line.isdigit() else None,
                    hint=hint,
                )
            )
        return warnings

    def _preset_that_holds(
        self, job: Job, context: dict[str, Any], cards: list[Card], bleed: float
    ) -> dict[str, str]:
        """For each card (by id), the smallest preset larger than the cards' size on which both
        its faces fit at that preset's floor, laid out there; a card no preset holds is left out."""
        size = context["card_size"]
        found: dict[str, str] = {}
        cards = list({card.id: card for card in cards}.values())
        for name, preset in sorted(CARD_PRESETS_MM.items(), key=lambda item: item[1][0] * item[1][1]):
            waiting = [card for card in cards if card.id not in found]
            if not waiting:
                break
            if preset[0] * preset[1] <= size[0] * size[1]:
                continue
            floor = card_steps(preset)[-1]
            there = {**context, "card_size": preset, "base_pt": card_type_pt(preset)}
            trials = [(side, replace(card, base_pt=floor)) for card in waiting for side in SIDES]
            spill = self._measure(job, there, trials, bleed)
            for card in waiting:
                if not any(spill[(side, card.id, floor)] for side in SIDES):
                    found[card.id] = name
        return found

    def _calibration(self, job: Job, context: dict[str, Any], paper: str, result: Result) -> Output:
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


def _release() -> None:
    """Free what a finished layout left behind (its boxes hold cycles) and hand the freed
    memory back to the system, where the C library allows it."""
    import contextlib
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(AttributeError, OSError):  # not glibc
        ctypes.CDLL(None).malloc_trim(0)


def _load_hyphenation(language: str) -> None:
    """Load the hyphenation patterns for `language` into pyphen's cache."""
    import pyphen

    lang = pyphen.language_fallback(language.replace("-", "_"))
    if lang:
        pyphen.Pyphen(lang=lang)


# what forked chunk processes read (set just before the fork)
_WORK: tuple[CardsRenderer, Job, dict[str, Any], float] | None = None


def _lay_out_share(faces: list[tuple[str, Card]]) -> list[Chunk]:
    assert _WORK is not None
    renderer, job, context, bleed = _WORK
    return renderer._lay_out_share(job, context, faces, bleed)


def _face_key(side: str, card: Card) -> tuple[str, object]:
    """What a face is one of: a card's own front, or a back its set's cards may share."""
    return (side, card.id if side == "front" else card.back_key)


def _plain(markup: object) -> str:
    from markupsafe import Markup

    return Markup(markup or "").striptags()
