"""The two-page handout: laid out, fitted to exactly two pages, then written as PDF and HTML."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from html import unescape

from ..errors import BuildWarning, LayoutError
from ..layout import Layout, Spill, lay_out
from .base import PAPER_NAMES, Job, Output, Result, clip, embed_images
from .measure import check_image_sizes

PAGE_BUDGET = 2
# An upper bound for what a page can hold, tighter than any real setting: every character
# 0.4 em wide, lines 1 em apart, no margins. Text beyond it cannot fit, so it is refused
# before layout (see precheck).
GLYPH_WIDTH_EM = 0.4
LINE_HEIGHT_EM = 1.0
PAPER_POINTS = {"letter": (612.0, 792.0), "a4": (595.3, 841.9)}
TEMPLATE = "handout/handout.html"


@dataclass(frozen=True)
class Fit:
    """One step of the fitting ladder: body type size and a spacing factor."""

    size_pt: float
    space: float

    def describe(self) -> str:
        return f"{self.size_pt:g} pt type, spacing {self.space:.0%}"


# Tighter spacing first, then smaller type; 8.5 pt is the floor (see docs/handout.md).
FITS = (
    Fit(10.0, 1.0),
    Fit(10.0, 0.85),
    Fit(9.5, 0.85),
    Fit(9.5, 0.7),
    Fit(9.0, 0.7),
    Fit(8.5, 0.6),
)
FLOOR = FITS[-1]


class HandoutRenderer:
    """Renders `handout.pdf` and `handout.html`."""

    name = "handout"

    def render(self, job: Job) -> Result:
        started = time.perf_counter()
        result = Result()
        layout, fit = self._fit(job)
        layout.refuse(self.name)
        check_image_sizes(
            layout, "handout", on_paper=True, advice="crop it closer, or give its figure `width: full`"
        )
        for index in range(layout.page_count):
            for spill in layout.spills(index):
                where = spill.where or job.talk.where
                file, _, line = where.rpartition(":")
                what = f"{_what(spill)} runs out of page {index + 1}'s text area: {spill.describe('mm')}"
                number = int(line) if line.isdigit() else None
                result.warnings.append(BuildWarning("page-overflow", what, self.name, file or where, number))
        fill = layout.fill(layout.page_count - 1)
        width, height = layout.page_size_pt()
        summary = (
            f"{layout.page_count} page{'s' if layout.page_count != 1 else ''} of {PAGE_BUDGET}, "
            f"{PAPER_NAMES[job.handout_paper]} "
            f"({width:.0f}x{height:.0f} pt), {fit.describe()}, page {layout.page_count} {fill:.0%} full"
        )
        if "pdf" in job.formats:
            data = layout.pdf(self.name, job.pdf_variant("handout.pdf"))
            self._check_fonts(job, layout, result)
            result.outputs.append(Output("handout.pdf", data, summary, time.perf_counter() - started))
        result.memo["fit_step"] = FITS.index(fit)
        if "html" in job.formats:
            html = embed_images(self._html(job, fit, medium="screen"), job)
            result.outputs.append(Output("handout.html", html.encode(), "self-contained page"))
        result.warnings.extend(layout.messages(self.name))
        return result

    def _html(self, job: Job, fit: Fit, medium: str) -> str:
        talk = job.talk
        qr = None
        if talk.handout.qr:
            from ..i18n import translator
            from ..qr import qr_svg  # segno loads only for talks that ask for a QR code

            qr = qr_svg(talk.handout.qr, talk.theme.colors.ink, translator(talk).qr_title(talk.handout.qr))
        context = job.context(fit=fit, qr=qr, medium=medium)
        context["paper"] = job.handout_paper
        return job.templates.render(TEMPLATE, **context)

    def _fit(self, job: Job) -> tuple[Layout, Fit]:
        """The loosest step of the ladder at which the handout fits its page budget.

        The search starts at the step that fitted last time (a talk changes little between
        builds) and moves up or down from there, so a handout near its limit costs two layouts
        a build, not one per step. A tighter step never takes more pages than a looser one, so
        where the search starts does not change what it finds."""
        self.precheck(job)
        step = self._hint(job)
        layout = self._lay_out_at(job, step)
        if layout.page_count <= PAGE_BUDGET:
            while step > 0:  # a looser step may fit too
                looser = self._lay_out_at(job, step - 1)
                if looser.page_count > PAGE_BUDGET:
                    break
                step, layout = step - 1, looser
            return layout, FITS[step]
        while step + 1 < len(FITS):
            job.progress(f"handout: {layout.page_count} pages at {FITS[step].describe()}; tightening")
            step += 1
            layout = self._lay_out_at(job, step)
            if layout.page_count <= PAGE_BUDGET:
                return layout, FITS[step]
        raise LayoutError(self._overflow_message(layout))

    def precheck(self, job: Job) -> None:
        """Refuse, before any layout, text that two pages cannot hold even set tighter than the
        smallest step allows: laying out a 400-page handout once per step takes minutes. (The
        build runs this before it renders any artefact, so the deck does not lay out the same
        text first.)"""
        html = self._html(job, FLOOR, "print")
        parts = _text_by_place(html)
        total = sum(count for _, count, _ in parts)
        width, height = PAPER_POINTS[job.handout_paper]
        per_page = int(width * height / (GLYPH_WIDTH_EM * FLOOR.size_pt * LINE_HEIGHT_EM * FLOOR.size_pt))
        if total <= per_page * PAGE_BUDGET:
            return
        place, count, start = max(parts, key=lambda part: part[1])
        paper = PAPER_NAMES[job.handout_paper]
        raise LayoutError(
            f"the handout runs at least {total / per_page - PAGE_BUDGET:,.1f} pages over its {PAGE_BUDGET} "
            f"pages even at the smallest setting: it holds {total:,} characters of text, and two {paper} "
            f"pages hold fewer than {per_page * PAGE_BUDGET:,}. The most is at {place} "
            f"(\u201c{clip(start)}\u201d, {count:,} characters). Cut it, or move long passages into "
            "speaker notes."
        )

    def _hint(self, job: Job) -> int:
        step = job.memo.get(self.name, {}).get("fit_step", 0)
        return step if isinstance(step, int) and 0 <= step < len(FITS) else 0

    def _lay_out_at(self, job: Job, step: int) -> Layout:
        html = self._html(job, FITS[step], "print")
        return lay_out(html, job.content_dir, job.templates.roots, job.network_timeout)

    def _overflow_message(self, layout: Layout) -> str:
        over = layout.page_count - 1 - PAGE_BUDGET + layout.fill(layout.page_count - 1)
        where = layout.first_marked(PAGE_BUDGET, "data-where")
        place = ""
        if where:
            source, text = where
            place = f"; page {PAGE_BUDGET + 1} would start at {source} (\u201c{clip(text)}\u201d)"
        return (
            f"the handout runs {over:.2f} pages over its {PAGE_BUDGET} pages even at the smallest "
            f"setting ({FLOOR.describe()}){place}. Cut about that much text, or move long "
            "passages into speaker notes."
        )

    def _check_fonts(self, job: Job, layout: Layout, result: Result) -> None:
        used = {family.lower() for family in layout.font_families()}
        fonts = job.talk.theme.fonts
        for role, family in (("body", fonts.body), ("heading", fonts.heading)):
            if family.lower() not in used:
                fallback = ", ".join(sorted(layout.font_families())) or "none"
                what = f"{role} font '{family}' is not installed; the PDF uses {fallback} instead"
                result.warn("font-missing", what, hint="install it, or name another in theme.fonts")


_PLACE = re.compile(r'data-where="([^"]*)"')
_TAG = re.compile(r"<[^>]*>")


def _text_by_place(html: str) -> list[tuple[str, int, str]]:
    """The handout's visible text cut at each marked place: (place, characters, first words).
    Text before the first mark (title, event) belongs to the talk file as a whole."""
    body = html.split("<body", 1)[-1]
    body = re.sub(r"<(style|script)\b.*?</\1>", "", body, flags=re.S)
    pieces = _PLACE.split(body)
    places = ["the talk's title and event", *(unescape(p) for p in pieces[1::2])]
    found = []
    for place, piece in zip(places, pieces[0::2], strict=True):
        text = " ".join(unescape(_TAG.sub(" ", piece.split(">", 1)[-1])).split())
        found.append((place, len(text), text[:80]))
    return found


def _what(spill: Spill) -> str:
    return "an image" if spill.kind == "image" else f"\u201c{clip(spill.text.strip(), 30)}\u201d"
