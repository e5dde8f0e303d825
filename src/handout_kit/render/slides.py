"""The slide deck: a self-contained HTML deck (audience and presenter builds), its PDF, and a
notes handout; every slide measured for overflow."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from html import unescape

from markupsafe import Markup

from ..deck import Deck, Slide, build_deck
from ..errors import BuildWarning
from ..fonts import Face, embedded_font_css
from ..pdf import Frame, Layout
from .base import PAPER_NAMES, Job, Output, Result, clip, embed_images, lay_out_checked, merged

DECK_TEMPLATE = "slides/deck.html"
NOTES_TEMPLATE = "slides/notes.html"
PRESENTER_FILE = "slides-presenter.html"
OVERFLOW_TOLERANCE_PX = 1.0


# Below this many slides a parallel build keeps the deck in one process: a second one would
# cost more (its start, WeasyPrint's fonts and styles again) than the notes and HTML it takes.
PARALLEL_FROM_SLIDES = 40


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
        deck's layout and PDF; the notes frames with the HTML decks; the PowerPoint file. `join`
        puts the deck's pages into the notes. A short deck stays in one process."""
        if len(build_deck(job.talk).slides) < PARALLEL_FROM_SLIDES:
            return ()
        return ("deck", "notes", "pptx") if "pptx" in job.formats else ("deck", "notes")

    def render(self, job: Job) -> Result:
        deck = build_deck(job.talk)
        result = Result()
        context = job.context(deck=deck, qr=_qr(job), presenter_file=PRESENTER_FILE)
        if job.part in (None, "deck") and job.formats & {"html", "pdf"}:
            started = time.perf_counter()
            deck_html = job.templates.render(DECK_TEMPLATE, **context, with_notes=False, font_css="")
            layout = lay_out_checked(job, deck_html, self.name, result)
            result.warnings.extend(self._overflows(deck, layout))
            if "pdf" in job.formats:
                data = layout.pdf(self.name, job.pdf_variant("slides.pdf"))
                summary = f"{layout.page_count} slides, 16:9"
                result.outputs.append(Output("slides.pdf", data, summary, time.perf_counter() - started))
        if job.part in (None, "notes"):
            if "pdf" in job.formats:
                result.outputs.append(self._notes_frames(job, deck, context, result))
            if "html" in job.formats:
                result.outputs.extend(self._html(job, deck, context, result))
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

    def _overflows(self, deck: Deck, layout: Layout) -> list[BuildWarning]:
        if layout.page_count != len(deck.slides):
            what = f"{layout.page_count} pages for {len(deck.slides)} slides; a slide broke in two"
            return [BuildWarning("slide-overflow", what, self.name)]
        warnings: list[BuildWarning] = []
        for index, slide in enumerate(deck.slides):
            found = layout.overflows(index, "slide-inner")
            _, below, right = found[0] if found else (None, 0.0, 0.0)
            if below > OVERFLOW_TOLERANCE_PX or right > OVERFLOW_TOLERANCE_PX:
                where = ", ".join(
                    part
                    for part in (
                        f"{below:.0f} px below the slide" if below > OVERFLOW_TOLERANCE_PX else "",
                        f"{right:.0f} px past its right edge" if right > OVERFLOW_TOLERANCE_PX else "",
                    )
                    if part
                )
                file, _, line = slide.where.rpartition(":")
                what = f"slide {index + 1} \u201c{clip(_plain(slide.title))}\u201d overflows: {where}"
                warnings.append(
                    BuildWarning(
                        "slide-overflow",
                        what,
                        self.name,
                        file or slide.where,
                        int(line) if line.isdigit() else None,
                        hint="shorten it or give it a `slide:` version",
                    )
                )
        return warnings

    def _notes_frames(self, job: Job, deck: Deck, context: dict, result: Result) -> FramedNotes:
        started = time.perf_counter()
        alts = [slide_text(slide) for slide in deck.slides]
        html = job.templates.render(NOTES_TEMPLATE, **context, font_css="", slide_texts=alts)
        layout = lay_out_checked(job, html, self.name, result)
        frames = layout.frames("thumb", "data-slide")
        if len(frames) != len(deck.slides):
            what = f"the notes handout has {len(frames)} slide frames for {len(deck.slides)} slides"
            hint = "give each slide an element with class 'thumb'; the slides without one are left out"
            result.warn("notes-frames", what, hint=hint)
        data = layout.pdf(self.name, job.pdf_variant("slides-notes.pdf"))
        paper = PAPER_NAMES[job.effective_paper]
        summary = f"{layout.page_count} pages, {paper}, notes for {len(deck.slides)} slides"
        seconds = time.perf_counter() - started
        return FramedNotes("slides-notes.pdf", data, summary, seconds, frames=frames, alts=alts)

    def _html(self, job: Job, deck: Deck, context: dict, result: Result) -> list[Output]:
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


def _qr(job: Job):
    if not job.talk.handout.qr:
        return None
    from ..qr import qr_svg

    return qr_svg(job.talk.handout.qr, job.talk.theme.colors.ink)


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
