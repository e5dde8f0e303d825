"""The slide deck: a self-contained HTML deck (audience and presenter builds), its PDF, and a
notes handout; every slide measured for overflow."""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field, replace
from html import unescape
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..errors import BuildWarning
from ..fonts import Face, embedded_font_css
from ..layout import Frame, Layout, Spill
from ..model.slides import Deck, Slide, build_deck
from .base import PAPER_NAMES, Job, Output, Result, clip, embed_images, lay_out_checked, merged
from .measure import check_image_sizes

DECK_TEMPLATE = "slides/deck.html"
NOTES_TEMPLATE = "slides/notes.html"
PRESENTER_FILE = "slides-presenter.html"
OVERFLOW_TOLERANCE_PX = 1.0
# A slide whose text does not fit is set again at these shares of its type sizes; 75% is the
# floor (body text 21 px of a 720 px high slide, about what a back row still reads).
SLIDE_STEPS = (1.0, 0.9, 0.82, 0.75)
# A slide's notes run longer than a notes page holds beside it are set again at these shares of
# their 9.5 pt type; 80% (7.6 pt) is the floor. Past it they are reported (`notes-overflow`).
NOTES_STEPS = (1.0, 0.9, 0.8)
MM_PER_PT = 25.4 / 72


@dataclass
class FramedNotes(Output):
    """The notes handout laid out with empty frames, waiting for the deck's pages."""

    frames: list[Frame] = field(default_factory=list)
    alts: list[str] = field(default_factory=list)  # each slide's text, its placed page's /Alt


class SlidesRenderer:
    """Renders `slides.html`, `slides-presenter.html`, `slides.pdf`, `slides-notes.pdf` and
    `slides.pptx`. Each slide is laid out once: the notes handout draws the pages of slides.pdf
    into its frames, and the overflow check measures the same layout the PDF is written from."""

    name = "slides"

    def parts(self, job: Job) -> tuple[str, ...]:
        """Independent parts a parallel build renders in separate processes (see Job.part): the
        deck's layout, its PDF and the HTML decks (all three need the slides' fitted type
        sizes, decided by that layout); the notes frames; the PowerPoint file. `join` puts the
        deck's pages into the notes. A short deck is split too: the kit's own process renders
        one of the parts and the other starts forked, so even a 7-slide deck is done sooner
        (1.8 s against 2.3 s, measured)."""
        return ("deck", "notes", "pptx") if "pptx" in job.formats else ("deck", "notes")

    def render(self, job: Job) -> Result:
        deck = build_deck(job.talk)
        result = Result()
        if job.part in (None, "deck"):  # what the last build found, kept for the parts not made now
            result.memo.update(job.memo.get(self.name, {}))
        context = job.context(deck=deck, qr=_qr(job), presenter_file=PRESENTER_FILE)
        if job.part in (None, "deck") and job.formats & {"html", "pdf"}:
            started = time.perf_counter()
            deck_html = job.templates.render(DECK_TEMPLATE, **context, with_notes=False, font_css="")
            keys = _keys(deck_html, _slide_spans(deck_html), len(deck.slides), job.content_dir)
            remembered = _remembered(job.memo.get(self.name, {}).get("slide_fits"), keys, SLIDE_STEPS)
            if remembered:  # set as the last build found them: no trials, no second layout
                deck = replace(deck, slides=_fitted(deck.slides, remembered))
                context["deck"] = deck
                deck_html = job.templates.render(DECK_TEMPLATE, **context, with_notes=False, font_css="")
            layout = lay_out_checked(job, deck_html, self.name, result)
            over = self._overflowing(deck, layout, result)
            smaller = {i: spill for i, spill in over.items() if deck.slides[i].fit != SLIDE_STEPS[-1]}
            if smaller:  # step those slides down, measured, then lay the deck out again
                deck = self._step_down(job, context, deck, smaller)
                context["deck"] = deck
                deck_html = job.templates.render(DECK_TEMPLATE, **context, with_notes=False, font_css="")
                layout = self._relaid(job, deck_html, layout, set(smaller), result)
                over = self._overflowing(deck, layout, result)
                result.warnings[:] = dict.fromkeys(result.warnings)  # the deck was laid out twice
            result.warnings.extend(self._overflow_warnings(deck, over))
            result.memo["slide_fits"] = {
                keys[i]: s.fit for i, s in enumerate(deck.slides) if s.fit != 1 and i in keys
            }
            check_image_sizes(
                layout, "slides", on_paper=False, advice="crop it closer, or give it a slide of its own"
            )
            if "pdf" in job.formats:
                data = layout.pdf(self.name, job.pdf_variant("slides.pdf"))
                summary = f"{layout.page_count} slides, 16:9"
                stepped = sum(1 for slide in deck.slides if slide.fit != 1)
                if stepped:
                    summary += f", {stepped} set smaller to fit"
                result.outputs.append(Output("slides.pdf", data, summary, time.perf_counter() - started))
            if "html" in job.formats:  # the HTML decks show each slide at the size the PDF has
                result.outputs.extend(self._html(job, deck, context, result))
        if job.part in (None, "notes") and "pdf" in job.formats:
            result.outputs.append(self._notes_frames(job, deck, context, result))
        if job.part in (None, "pptx") and "pptx" in job.formats:
            from .pptx_deck import pptx_output  # python-pptx loads only when a deck is written

            output, warnings = pptx_output(job, deck)
            result.outputs.append(output)
            result.warnings.extend(warnings)
        return self.join([result]) if job.part is None else result

    def join(self, results: list[Result]) -> Result:
        """The parts as one result, the deck's pages drawn into the notes handout's frames."""
        joined = merged(results)
        deck_pdf = next((o for o in joined.outputs if o.name == "slides.pdf"), None)
        for index, output in enumerate(joined.outputs):
            if isinstance(output, FramedNotes):
                assert deck_pdf is not None
                joined.outputs[index] = _with_slides(output, deck_pdf)
        return joined

    def _overflowing(self, deck: Deck, layout: Layout, result: Result) -> dict[int, Spill]:
        """The slides whose text or images reach out of their content area (over the footer,
        off the slide), by index."""
        if layout.page_count != len(deck.slides):
            what = f"{layout.page_count} pages for {len(deck.slides)} slides; a slide broke in two"
            result.warn("slide-overflow", what)
            return {}
        over = {}
        for index in range(len(deck.slides)):
            spills = layout.spills(index, "slide-inner", OVERFLOW_TOLERANCE_PX)
            if spills:
                over[index] = spills[0]
        return over

    def _step_down(self, job: Job, context: dict[str, Any], deck: Deck, over: dict[int, Spill]) -> Deck:
        """The deck with each overflowing slide set at the largest step at which it fits, else
        at the floor: all trials laid out in one document, each slide at each step."""
        steps = SLIDE_STEPS[1:]
        trials = tuple(replace(deck.slides[i], fit=step) for i in over for step in steps)
        html = job.templates.render(
            DECK_TEMPLATE, **{**context, "deck": replace(deck, slides=trials)}, with_notes=False, font_css=""
        )
        layout = lay_out_checked(job, html, self.name, Result())
        fitted = {}
        for number, index in enumerate(over):
            fits = [
                step
                for offset, step in enumerate(steps)
                if not layout.spills(number * len(steps) + offset, "slide-inner", OVERFLOW_TOLERANCE_PX)
            ]
            fitted[index] = fits[0] if fits else steps[-1]
        return replace(deck, slides=_fitted(deck.slides, fitted))

    def _relaid(self, job: Job, deck_html: str, layout: Layout, changed: set[int], result: Result) -> Layout:
        """`layout` with the slides in `changed` laid out again from `deck_html`: only those
        slides' sections are laid out (the rest of the page kept, each slide's own number and
        place in the talk with it), and their pages take the place of the old ones. A slide is
        one page and depends on no other, so the pages are those a whole new layout would give
        (a test compares the bytes); a deck whose sections cannot be told apart is laid out
        whole again."""
        kept = _only_sections(deck_html, changed, layout.page_count)
        if kept is None:
            return lay_out_checked(job, deck_html, self.name, result)
        again = lay_out_checked(job, kept, self.name, result)
        if again.page_count != len(changed):
            return lay_out_checked(job, deck_html, self.name, result)
        return layout.with_pages(dict(zip(sorted(changed), range(again.page_count), strict=True)), again)

    def _overflow_warnings(self, deck: Deck, over: dict[int, Spill]) -> list[BuildWarning]:
        warnings: list[BuildWarning] = []
        for index, spill in over.items():
            slide = deck.slides[index]
            where = spill.where or slide.where
            floor = f" even at {slide.fit:.0%} type (the floor)" if slide.fit == SLIDE_STEPS[-1] else ""
            title = clip(_plain(slide.title))
            amount = spill.describe().replace("below", "below the slide's text area")
            file, _, line = where.rpartition(":")
            warnings.append(
                BuildWarning(
                    "slide-overflow",
                    f"slide {index + 1} \u201c{title}\u201d overflows{floor}: {amount}",
                    self.name,
                    file or where,
                    int(line) if line.isdigit() else None,
                    hint=_advice(slide, spill),
                )
            )
        return warnings

    def _notes_frames(self, job: Job, deck: Deck, context: dict[str, Any], result: Result) -> FramedNotes:
        """The notes handout, laid out with empty frames. Notes too long for a page beside
        their slide step their type down (NOTES_STEPS); past the floor they are reported."""
        started = time.perf_counter()
        tr = context["i18n"]
        alts = [
            tr.label(
                "labelled",
                "%(label)s: %(text)s",
                label=tr.label("slide-number", "Slide %(number)s", number=n),
                text=slide_text(slide),
            )
            for n, slide in enumerate(deck.slides, start=1)
        ]

        def notes_html(fits: dict[int, float]) -> str:
            return job.templates.render(
                NOTES_TEMPLATE, **context, font_css="", slide_texts=alts, notes_fit=fits
            )

        html = notes_html({})
        keys = _keys(html, _top_level(html, _ROW_TAG), len(deck.slides), job.content_dir)
        fits = _remembered(job.memo.get(self.name, {}).get("notes_fits"), keys, NOTES_STEPS)
        if fits:  # the rows the last build set smaller start there: the notes are laid out once
            html = notes_html(fits)
        while True:
            layout = lay_out_checked(job, html, self.name, result)
            over = _notes_running_over(layout)
            steps = {i: NOTES_STEPS.index(fits.get(i, NOTES_STEPS[0])) + 1 for i in over}
            smaller = {i: NOTES_STEPS[step] for i, step in steps.items() if step < len(NOTES_STEPS)}
            if not smaller:  # every page fits, or what runs over is at the floor
                break
            fits = {**fits, **smaller}
            html = notes_html(fits)
        result.warnings[:] = dict.fromkeys(result.warnings)  # the notes may be laid out again
        result.memo["notes_fits"] = {keys[i]: fit for i, fit in fits.items() if i in keys}
        result.warnings.extend(self._notes_warnings(deck, layout, over, fits))
        frames = layout.frames("thumb", "data-slide")
        if len(frames) != len(deck.slides):
            what = f"the notes handout has {len(frames)} slide frames for {len(deck.slides)} slides"
            hint = "give each slide an element with class 'thumb'; the slides without one are left out"
            result.warn("notes-frames", what, hint=hint)
        data = layout.pdf(self.name, job.pdf_variant("slides-notes.pdf"))
        paper = PAPER_NAMES[job.effective_paper]
        summary = f"{layout.page_count} pages, {paper}, notes for {len(deck.slides)} slides"
        if fits:
            summary += f", {len(fits)} set smaller to fit"
        seconds = time.perf_counter() - started
        return FramedNotes("slides-notes.pdf", data, summary, seconds, frames=frames, alts=alts)

    def _notes_warnings(
        self, deck: Deck, layout: Layout, over: dict[int, tuple[int, float]], fits: dict[int, float]
    ) -> list[BuildWarning]:
        """A `notes-overflow` warning for each slide whose notes run past their page even at
        the floor, and for anything else reaching out of a notes page's text area."""
        warnings: list[BuildWarning] = []

        def warn(where: str, what: str, hint: str) -> None:
            file, _, line = where.rpartition(":")
            number = int(line) if line.isdigit() else None
            warnings.append(
                BuildWarning("notes-overflow", what, self.name, file or where or None, number, hint=hint)
            )

        for index, (page, by_pt) in over.items():
            slide = deck.slides[index]
            floor = f" even at {fits[index]:.0%} type (the floor)" if index in fits else ""
            what = (
                f"the notes of slide {index + 1} \u201c{clip(_plain(slide.title))}\u201d run "
                f"{by_pt * MM_PER_PT:.0f} mm past notes page {page + 1}{floor}, away from their slide"
            )
            hint = "shorten them: a slide's notes are read beside it, on one page (`notes:`)"
            warn(slide.notes_where or slide.where, what, hint)
        rows = {slide.where: (index, slide) for index, slide in enumerate(deck.slides)}
        for page in range(layout.page_count):
            for spill in layout.spills(page):
                found = rows.get(spill.where)
                if found is not None:
                    index, row = found
                    what = f"the notes of slide {index + 1} \u201c{clip(_plain(row.title))}\u201d"
                else:
                    what = (
                        "an image" if spill.kind == "image" else f"\u201c{clip(spill.text.strip(), 30)}\u201d"
                    )
                what += f" run out of notes page {page + 1}: {spill.describe('mm')}"
                where = (row.notes_where or row.where) if found else spill.where
                hint = "break up the long word, address or code in them, or make the picture smaller"
                warn(where, what, hint)
        return warnings

    def _html(self, job: Job, deck: Deck, context: dict[str, Any], result: Result) -> list[Output]:
        started = time.perf_counter()
        fonts = job.talk.theme.fonts
        faces = [Face(fonts.heading, weight) for weight in (400, 600, 700, 800)]
        faces += [Face(fonts.body, 400), Face(fonts.body, 700), Face(fonts.body, 400, italic=True)]
        # for_browser: CSS that only browsers read (WeasyPrint would warn about it).
        context = {**context, "for_browser": True}
        presenter_html = job.templates.render(DECK_TEMPLATE, **context, with_notes=True, font_css="")
        shown = _text_of(presenter_html) + "".join(context["i18n"].deck_strings().values())
        css, missing = embedded_font_css(faces, shown, job.cache_dir and job.cache_dir / "fonts")
        font_css = Markup(css)  # generated here from font files, never from user text
        for face in missing:
            result.warn("font-missing", f"font '{face}' is not installed; the HTML deck falls back")
        outputs = []
        for name, with_notes in (("slides.html", False), (PRESENTER_FILE, True)):
            html = job.templates.render(DECK_TEMPLATE, **context, with_notes=with_notes, font_css=font_css)
            html = embed_images(html, job)
            if not with_notes:
                result.warnings.extend(_leaked_notes(deck, html))
            kind = "presenter build, with notes" if with_notes else "audience build, no notes"
            seconds = time.perf_counter() - started
            outputs.append(Output(name, html.encode(), f"{len(deck.slides)} slides, {kind}", seconds))
        return outputs


def _notes_running_over(layout: Layout) -> dict[int, tuple[int, float]]:
    """The slides (by index) whose notes row does not fit on one page: the page it starts on
    and how far (pt) it runs past that page, measured from its pieces on the pages after."""
    pieces: dict[int, list[Frame]] = {}
    for frame in layout.frames("notes-row", "data-slide"):
        if frame.key.isdigit():
            pieces.setdefault(int(frame.key), []).append(frame)
    return {
        index: (frames[0].page, sum(frame.height for frame in frames[1:]))
        for index, frames in pieces.items()
        if len(frames) > 1
    }


def _with_slides(notes: FramedNotes, deck_pdf: Output) -> Output:
    """The notes handout with each slide's page of the deck PDF drawn into its frame."""
    from ..place import Placement, place_pages

    started = time.perf_counter()
    placements = [
        Placement(frame.page, int(frame.key), frame.x, frame.y, frame.width, frame.height)
        for frame in notes.frames
        if frame.key.isdigit()
    ]
    data = place_pages(notes.data, deck_pdf.data, placements, notes.alts or None)
    return Output(notes.name, data, notes.summary, notes.seconds + time.perf_counter() - started)


_SECTION_TAG = re.compile(r"<(/?)section\b[^>]*>", re.I)
_ROW_TAG = re.compile(r"<(/?)article\b[^>]*>", re.I)
# What a slide's or notes row's layout does not depend on: its line in the talk file (which
# moves with every edit above it) and its accessible label (which counts the slides).
_UNLAID = re.compile(r'\s(?:data-where|aria-label)="[^"]*"')
_SOURCE = re.compile(r'\ssrc="([^"]*)"')
_SLIDE_INDEX = re.compile(r'\bclass="slide(?:\s[^"]*)?"[^>]*\bdata-index="(\d+)"')


def _keys(html: str, spans: list[tuple[int, int, str]] | None, count: int, files: Path) -> dict[int, str]:
    """A key for each of the `count` elements of `html` at `spans` (a deck's slides, a notes
    handout's rows), by index: a hash of the element and of everything around it (the
    styles, the page), and of the size and time of each picture it shows. Two builds that give
    an element the same key lay it out the same, so a fit found for it holds for the other. No
    keys when the elements cannot be told apart (a template of the user's own making)."""
    if spans is None or len(spans) != count:
        return {}
    around = hashlib.sha256()
    last = 0
    for start, end, _ in spans:
        around.update(html[last:start].encode())
        last = end
    around.update(html[last:].encode())
    keys = {}
    for index, (start, end, _) in enumerate(spans):
        key = around.copy()
        element = html[start:end]
        key.update(_UNLAID.sub("", element).encode())
        for source in _SOURCE.findall(element):
            path = files / unescape(source)
            if not source.startswith(("data:", "http:", "https:")) and path.is_file():
                stat = path.stat()
                key.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
        keys[index] = key.hexdigest()[:32]
    return keys


def _remembered(memo: object, keys: dict[int, str], steps: tuple[float, ...]) -> dict[int, float]:
    """The fits the last build noted (`memo`, by key) for the elements whose keys are in it."""
    if not isinstance(memo, dict):
        return {}
    found = {index: memo.get(key) for index, key in keys.items()}
    return {index: fit for index, fit in found.items() if fit in steps[1:]}


def _fitted(slides: tuple[Slide, ...], fits: dict[int, float]) -> tuple[Slide, ...]:
    return tuple(replace(slide, fit=fits.get(index, slide.fit)) for index, slide in enumerate(slides))


def _only_sections(html: str, keep: set[int], count: int) -> str | None:
    """The deck's HTML with every slide's `<section>` but those in `keep` (by index) emptied
    and hidden (`display: none`, which lays out nothing; the element stays, so a user's
    `:nth-child` or `.slide + .slide` still counts it), or None when its slides are not
    `count` sections marked with their index in order (a template of the user's own making
    may shape its deck otherwise)."""
    spans = _slide_spans(html)
    if spans is None or len(spans) != count:
        return None
    pieces, last = [], 0
    for index, (start, end, opening) in enumerate(spans):
        pieces.append(html[last:start])
        if index in keep:
            pieces.append(html[start:end])
        else:  # the first style attribute is the one that counts
            pieces.append(f'{opening[:8]} style="display: none !important"{opening[8:]}</section>')
        last = end
    pieces.append(html[last:])
    return "".join(pieces)


def _slide_spans(html: str) -> list[tuple[int, int, str]] | None:
    """The deck's slides: its top-level sections marked with their index, in order."""
    spans = _top_level(html, _SECTION_TAG)
    if spans is None:
        return None
    slides: list[tuple[int, int, str]] = []
    for start, end, opening in spans:
        marked = _SLIDE_INDEX.search(opening)
        if marked is None:
            continue
        if int(marked[1]) != len(slides):
            return None
        slides.append((start, end, opening))
    return slides


def _top_level(html: str, tag: re.Pattern[str]) -> list[tuple[int, int, str]] | None:
    """Where each top-level element matched by `tag` starts and ends, and its opening tag;
    None when they do not nest."""
    spans: list[tuple[int, int, str]] = []
    depth, start, opening = 0, 0, ""
    for match in tag.finditer(html):
        if match[1]:
            depth -= 1
            if depth < 0:
                return None
            if depth == 0:
                spans.append((start, match.end(), opening))
            continue
        if depth == 0:
            start, opening = match.start(), match[0]
        depth += 1
    return None if depth else spans


def _advice(slide: Slide, spill: Spill) -> str:
    """What the author can change, for this kind of slide and this kind of box."""
    if spill.kind == "image":
        return (
            "the text around the image leaves it no room; shorten the text or move the image to its own slide"
        )
    if slide.kind == "closing" and spill.where != slide.where:
        return "list fewer links, or shorten their labels (`links:`)"
    if slide.changed:
        return "shorten its `slides:` entry (title or body)"
    if slide.kind == "closing":
        return "list fewer links, or shorten their labels (`links:`)"
    if slide.kind == "exercise":
        return "shorten the exercise's prompt or steps, or give the slide a `slides:` body"
    if slide.kind in ("point", "question"):
        return "give it a shorter `slide:` version, or fewer items"
    return "shorten it, or change it with a `slides:` entry"


def _leaked_notes(deck: Deck, audience_html: str) -> list[BuildWarning]:
    """Speaker notes that a (user's) template put into the audience deck."""
    return [
        BuildWarning(
            "notes-in-audience-deck",
            f"the audience deck slides.html shows the speaker notes of slide {index + 1} ({slide.where})",
            "slides",
            hint=f"notes belong in {PRESENTER_FILE} only",
        )
        for index, slide in enumerate(deck.slides)
        if slide.notes and len(str(slide.notes)) > 40 and str(slide.notes) in audience_html
    ]


def _qr(job: Job) -> Markup | None:
    if not job.talk.handout.qr:
        return None
    from ..i18n import translator
    from ..qr import qr_svg

    url = job.talk.handout.qr
    return qr_svg(url, job.talk.theme.colors.ink, translator(job.talk).qr_title(url))


def slide_text(slide: Slide) -> str:
    """What a slide says, as one line of plain text: the alt text of its picture wherever the
    slide is shown small (the notes handout's thumbnails, a stamped slides.pdf page)."""
    parts = [slide.title, slide.lead, slide.body, *slide.bullets]
    if slide.exercise is not None:
        parts += [step.text.html for step in slide.exercise.steps]
    lines = (" ".join(_plain(str(part)).split()) for part in parts if part)
    return " ".join(line if line[-1:] in ".:;!?" else line + "." for line in lines if line)


def _plain(markup: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", str(markup)))


def _text_of(html: str) -> str:
    """The characters a page shows, for subsetting its fonts."""
    body = html.split("<body", 1)[-1]
    body = re.sub(r"<script.*?</script>", "", body, flags=re.S)
    return _plain(body)


__all__ = ["Slide", "SlidesRenderer", "slide_text"]
