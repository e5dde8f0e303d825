"""The slide deck: a self-contained HTML deck (audience and presenter builds), its PDF, and a
notes handout; every slide measured for overflow."""

from __future__ import annotations

import re
import time
from html import unescape

from markupsafe import Markup

from ..deck import Deck, Slide, build_deck
from ..fonts import Face, embedded_font_css
from ..pdf import Layout
from .base import PAPER_NAMES, Job, Output, Result, clip, embed_images, lay_out_checked

DECK_TEMPLATE = "slides/deck.html"
NOTES_TEMPLATE = "slides/notes.html"
PRESENTER_FILE = "slides-presenter.html"
OVERFLOW_TOLERANCE_PX = 1.0


class SlidesRenderer:
    """Renders `slides.html`, `slides-presenter.html`, `slides.pdf` and `slides-notes.pdf`."""

    name = "slides"
    # Independent halves a parallel build renders in two processes (see Job.part).
    parts = ("deck", "notes")

    def render(self, job: Job) -> Result:
        deck = build_deck(job.talk)
        result = Result()
        context = job.context(deck=deck, qr=_qr(job), presenter_file=PRESENTER_FILE)
        if job.part in (None, "deck"):
            started = time.perf_counter()
            deck_html = job.templates.render(DECK_TEMPLATE, **context, with_notes=False, font_css="")
            layout = lay_out_checked(job, deck_html, self.name, result)
            result.warnings.extend(self._overflows(deck, layout))
            if "pdf" in job.formats:
                data = layout.pdf(self.name)
                summary = f"{layout.page_count} slides, 16:9"
                result.outputs.append(Output("slides.pdf", data, summary, time.perf_counter() - started))
            if "html" in job.formats:
                result.outputs.extend(self._html(job, deck, context, deck_html, result))
        if job.part in (None, "notes") and "pdf" in job.formats:
            result.outputs.append(self._notes_pdf(job, deck, context, result))
        result.outputs.sort(key=lambda output: not output.name.endswith(".pdf"))  # PDFs first
        return result

    def _overflows(self, deck: Deck, layout: Layout) -> list[str]:
        if layout.page_count != len(deck.slides):
            return [f"slides: {layout.page_count} pages for {len(deck.slides)} slides; a slide broke in two"]
        warnings = []
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
                warnings.append(
                    f"slides: slide {index + 1} \u201c{clip(_plain(slide.title))}\u201d ({slide.where}) "
                    f"overflows: {where}; shorten it or give it a `slide:` version"
                )
        return warnings

    def _notes_pdf(self, job: Job, deck: Deck, context: dict, result: Result) -> Output:
        started = time.perf_counter()
        html = job.templates.render(NOTES_TEMPLATE, **context, font_css="")
        layout = lay_out_checked(job, html, self.name, result)
        data = layout.pdf(self.name)
        paper = PAPER_NAMES[job.effective_paper]
        summary = f"{layout.page_count} pages, {paper}, notes for {len(deck.slides)} slides"
        return Output("slides-notes.pdf", data, summary, time.perf_counter() - started)

    def _html(self, job: Job, deck: Deck, context: dict, plain_html: str, result: Result) -> list[Output]:
        started = time.perf_counter()
        fonts = job.talk.theme.fonts
        faces = [Face(fonts.heading, weight) for weight in (400, 600, 700, 800)]
        faces += [Face(fonts.body, 400), Face(fonts.body, 700), Face(fonts.body, 400, italic=True)]
        presenter_html = job.templates.render(DECK_TEMPLATE, **context, with_notes=True, font_css="")
        shown = _text_of(presenter_html) + "".join(context["i18n"].deck_strings().values())
        css, missing = embedded_font_css(faces, shown, job.cache_dir and job.cache_dir / "fonts")
        font_css = Markup(css)  # generated here from font files, never from user text
        for face in missing:
            result.warnings.append(f"slides: font '{face}' is not installed; the HTML deck falls back")
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


def _leaked_notes(deck: Deck, audience_html: str) -> list[str]:
    """Speaker notes that a (user's) template put into the audience deck."""
    return [
        f"slides: the audience deck slides.html shows the speaker notes of slide {index + 1} "
        f"({slide.where}); notes belong in {PRESENTER_FILE} only"
        for index, slide in enumerate(deck.slides)
        if slide.notes and len(str(slide.notes)) > 40 and str(slide.notes) in audience_html
    ]


def _qr(job: Job):
    if not job.talk.handout.qr:
        return None
    from ..qr import qr_svg

    return qr_svg(job.talk.handout.qr, job.talk.theme.colors.ink)


def _plain(markup: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", str(markup)))


def _text_of(html: str) -> str:
    """The characters a page shows, for subsetting its fonts."""
    body = html.split("<body", 1)[-1]
    body = re.sub(r"<script.*?</script>", "", body, flags=re.S)
    return _plain(body)


__all__ = ["Slide", "SlidesRenderer"]
