"""The deck as an editable PowerPoint file, `slides.pptx`: one slide per deck slide on a named
layout, text native in its placeholders (bullet levels, bold, italic, live links), pictures
fitted into their boxes, the speaker notes in the notes pane; text measured against its
placeholder and shrunk no further than a readable floor."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BuildWarning, ContentError, ResourceError
from ..i18n import Translator, done, translator, using
from ..model.slides import Deck, Slide
from ..reads import record_file
from .base import Output, source_date
from .pptx_master import TemplateProblem, open_template, pick_layouts, themed_presentation
from .pptx_slides import Content, SlideWriter, image_bytes
from .pptx_text import Para, Run, paragraphs, runs_of

if TYPE_CHECKING:
    from pptx.presentation import Presentation

    from .base import Job

OUTPUT = "slides.pptx"


def pptx_output(job: Job, deck: Deck) -> tuple[Output, list[BuildWarning]]:
    """`slides.pptx` for the deck, and what its fit check noticed."""
    started = time.perf_counter()
    warnings: list[BuildWarning] = []
    template = _template_path(job)
    if template is None:
        prs = themed_presentation(job.talk.theme, _logo(job, warnings))
        themed = True
    else:
        prs = _open(job, template)
        themed = False
    try:
        layouts = pick_layouts(prs, {slide.kind for slide in deck.slides})
    except TemplateProblem as error:
        raise _template_error(job, template, str(error)) from None
    writer = SlideWriter(prs, job, themed, _theme_fonts(prs), warnings)
    token = using(translator(job.talk))  # <q> takes the language's quotation marks (pptx_text)
    try:
        for index, slide in enumerate(deck.slides):
            writer.add(slide, index, layouts[slide.kind], _content(job, slide, warnings))
    finally:
        done(token)
    _properties(prs, job)
    buffer = io.BytesIO()
    prs.save(buffer)
    data = _reproducible(buffer.getvalue())
    design = f"on {template.name}" if template else "theme master"
    summary = f"{len(deck.slides)} slides, 16:9, {design}"
    return Output(OUTPUT, data, summary, time.perf_counter() - started), warnings


# -- the template ------------------------------------------------------------------------


def _template_path(job: Job) -> Path | None:
    if job.pptx_template is not None:
        return job.pptx_template
    options = job.talk.slide_options
    if options is None or options.pptx_template is None:
        return None
    return (job.content_dir / options.pptx_template).resolve()  # the validator saw it there


def _open(job: Job, path: Path) -> Any:
    record_file(path)  # a changed template rebuilds the deck
    try:
        return open_template(path)
    except TemplateProblem as error:
        raise _template_error(job, path, str(error)) from None


def _template_error(job: Job, path: Path | None, what: str) -> Exception:
    options = job.talk.slide_options
    if job.pptx_template is None and options is not None and path is not None:
        return ContentError(
            [options.problem(f"PowerPoint template '{options.pptx_template}': {what}", "pptx_template")]
        )
    return ResourceError(f"--pptx-template {path}: {what}")


def _theme_fonts(prs: Presentation) -> dict[str, str]:
    """The template's heading and body fonts (its theme's major and minor Latin faces)."""
    from lxml import etree
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    from .pptx_master import A

    fonts = {"mj": "Calibri", "mn": "Calibri"}
    try:
        root = etree.fromstring(prs.slide_master.part.part_related_by(RT.THEME).blob)
    except (KeyError, etree.XMLSyntaxError):
        return fonts
    for key, which in (("mj", "majorFont"), ("mn", "minorFont")):
        latin = root.find(f".//{{{A}}}{which}/{{{A}}}latin")
        if latin is not None and latin.get("typeface"):
            fonts[key] = latin.get("typeface")
    return fonts


def _logo(job: Job, warnings: list[BuildWarning]) -> bytes | None:
    logo = job.talk.theme.logo
    if logo is None:
        return None
    if logo.lower().endswith(".svg"):
        what = f"slides.pptx: the logo '{logo}' is SVG, which the PowerPoint master leaves out"
        warnings.append(BuildWarning("pptx-svg", what, hint="give theme.logo as a PNG to have it there"))
        return None
    return image_bytes(job, logo)


# -- what a slide says -------------------------------------------------------------------


def _content(job: Job, slide: Slide, warnings: list[BuildWarning]) -> Content:
    talk = job.talk
    tr = translator(talk)
    content = Content(runs_of(slide.title))
    body: list[Para] = []
    body_paras, content.images = paragraphs(slide.body)
    if slide.kind == "title":
        if talk.event:
            content.roles["kicker"] = [Para([Run(_event_line(talk, tr))], role="kicker")]
        content.roles["lead"] = paragraphs(slide.lead, "lead")[0]
        if talk.speaker:
            byline = talk.speaker.name + (f" \u00b7 {talk.speaker.role}" if talk.speaker.role else "")
            content.roles["byline"] = [Para([Run(byline)], role="byline")]
    elif slide.kind == "section":
        content.roles["kicker"] = paragraphs(slide.lead, "kicker")[0]
    elif slide.kind in ("agenda", "break"):
        # as on the HTML slide: "Block 2 · 10 min", "Break · 10 min · Back at 10:32"
        if slide.kind == "break":
            parts = [tr.label("slide-break", "Break")]
        else:
            parts = [tr.label("slide-block", "Block %(number)s", number=(slide.block or 0) + 1)]
        if slide.minutes:
            parts.append(tr.minutes(slide.minutes))
        if slide.kind == "break" and slide.lead:
            parts.append(f"{tr.label('deck-js-backAt', 'Back at')} {slide.lead}")
        content.roles["kicker"] = [Para([Run(" \u00b7 ".join(parts))], role="kicker")]
    elif slide.kind == "exercise" and slide.exercise is not None:
        exercise = slide.exercise
        kicker = " \u00b7 ".join(
            (tr.label("exercise", "Exercise"), tr.minutes(exercise.minutes), _grouping(exercise.grouping, tr))
        )
        content.roles["kicker"] = [Para([Run(kicker)], role="kicker")]
        content.roles["timer"] = [Para([Run(f"{exercise.minutes}:00")], role="timer")]
        body += body_paras or paragraphs(slide.lead, "lead")[0]
        for step in exercise.steps:
            step_minutes = Run(f"{step.minutes}\u2032\t", bold=True, color="accent1")
            body.append(Para([step_minutes, *runs_of(step.text.html)], role="step"))
    else:
        if slide.kind == "point" and slide.number is not None:
            content.roles["ordinal"] = [Para([Run(str(slide.number))], role="ordinal")]
        body += paragraphs(slide.lead, "lead")[0]
        body += body_paras
        kind = "number" if slide.kind == "outline" else "bullet"
        places = _item_places(talk, slide)
        body += [
            Para(runs_of(bullet), bullet=kind, where=places[n] if n < len(places) else "")
            for n, bullet in enumerate(slide.bullets)
        ]
        if slide.kind == "closing":
            body += _closing_links(job)
            if talk.handout.qr:
                content.qr = _qr_png(talk.handout.qr, talk.theme.colors.ink)
                content.qr_name = tr.label("qr-code", "QR code")
    content.roles["body"] = body
    return content


def _item_places(talk: Any, slide: Slide) -> list[str]:
    """Where each bullet of a point's or question's slide was written (its item's line)."""
    if slide.kind == "point" and slide.number is not None and slide.number <= len(talk.points):
        return [item.where for item in talk.points[slide.number - 1].items]
    if slide.kind == "question":
        for index, question in enumerate(talk.questions, start=1):
            if slide.id == f"question-{question.id or index}":
                return [item.where for item in question.items]
    return []


def _event_line(talk: Any, tr: Translator) -> str:
    event = talk.event
    parts = [event.name, event.city, event.venue, event.room]
    if event.when:
        parts.append(event.when)
    elif event.date:
        parts.append(tr.date(event.date))
    return " \u00b7 ".join(part for part in parts if part)


def _grouping(grouping: Any, tr: Translator) -> str:
    """As the HTML slide's kicker says it (slide.html's grouping_label)."""
    if grouping.mode == "alone":
        return tr.label("grouping-alone", "alone")
    if grouping.mode == "pairs":
        return tr.label("grouping-pairs", "in pairs")
    if grouping.mode == "room":
        return tr.label("grouping-room", "whole room")
    return tr.label("grouping-groups", "groups of %(size)s", size=grouping.size)


def _closing_links(job: Job) -> list[Para]:
    talk = job.talk
    tr = translator(talk)
    paras = []
    if talk.handout.qr:
        paras.append(Para([Run(talk.handout.qr.split("://", 1)[-1], href=talk.handout.qr)]))
    for link in talk.links:
        # "label: address" as the language writes it (a no-break space before the colon in
        # French): the catalogue's pattern, split around the address
        before, _, after = tr.label(
            "link", "%(label)s: %(address)s", label=link.label, address="\0"
        ).partition("\0")
        runs = [Run(before)] if before else []
        runs.append(Run(link.url.split("://", 1)[-1], href=link.url))
        paras.append(Para([*runs, *([Run(after)] if after else [])]))
    if talk.speaker and talk.speaker.email:
        paras.append(Para([Run(talk.speaker.email, href=f"mailto:{talk.speaker.email}")]))
    return paras


def _qr_png(url: str, color: str) -> bytes:
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=10, border=0, dark=color)
    return buffer.getvalue()


def _properties(prs: Presentation, job: Job) -> None:
    import datetime as dt

    talk = job.talk
    core = prs.core_properties
    core.title = talk.title.plain
    core.subject = talk.subtitle.plain if talk.subtitle else ""
    core.author = talk.speaker.name if talk.speaker else ""
    core.last_modified_by = "handout-kit"
    core.revision = 1
    core.language = talk.language
    stamp = source_date()
    when = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")) if stamp else dt.datetime(2000, 1, 1)
    core.created = core.modified = when.replace(tzinfo=None)
    core.last_printed = when.replace(tzinfo=None)


def _reproducible(data: bytes) -> bytes:
    """The zip with every member dated 1980-01-01 (python-pptx stamps the time of saving), so
    the same deck gives the same bytes. The dates are set in place, in each member's local
    header and its central directory entry, without compressing anything again."""
    import struct

    buffer = bytearray(data)
    fixed = struct.pack("<HH", 0, (0 << 9) | (1 << 5) | 1)  # 00:00:00, 1980-01-01
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        position = archive.start_dir
        for info in archive.infolist():
            buffer[info.header_offset + 10 : info.header_offset + 14] = fixed
            assert buffer[position : position + 4] == b"PK\x01\x02"
            buffer[position + 12 : position + 16] = fixed
            names, extra, comment = struct.unpack("<HHH", buffer[position + 28 : position + 34])
            position += 46 + names + extra + comment
    return bytes(buffer)
