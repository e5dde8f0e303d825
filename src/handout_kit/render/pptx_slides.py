"""PowerPoint slides and their notes written as XML in one go, onto a layout's placeholders:
python-pptx's shape API walks every placeholder and part again for each slide, which costs
seconds on a long deck. Each placeholder's text is measured against its box first."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from ..errors import BuildWarning
from ..model.slides import Slide
from .base import _data_uri, clip
from .pptx_master import PX, QR_BOX, fit_box, normalized
from .pptx_text import STEP_HANG, Fit, Image, Para, Run, measure, paragraphs, runs_of

if TYPE_CHECKING:
    from .base import Job

EMU_PT = 12700
# Below these sizes (points) text is no longer read from the back of a room: the fit shrinks
# a placeholder's text to them at most, and reports what still does not fit.
FLOOR = {"title": 24.0, "body": 16.0}
SHRINK_STEPS = (1.0, 0.92, 0.85, 0.78, 0.72, 0.66, 0.6, 0.55, 0.5)
ROLE_SIZES = {"lead": 25.5, "step": 22.5}  # on the kit's master; a template's own sizes rule there
MERGED_ROLES = ("kicker", "lead", "body", "byline")  # roles that go into the body when a layout has no place


@dataclass
class Content:
    """What one slide says, by role: title runs, paragraphs per placeholder role, pictures."""

    title: list[Run]
    roles: dict[str, list[Para]] = field(default_factory=dict)
    images: list[Image] = field(default_factory=list)
    qr: bytes | None = None
    qr_name: str = "QR code"  # its name for a screen reader, in the talk's language


def image_bytes(job: Job, address: str) -> bytes | None:
    uri = _data_uri(address, job.content_dir, job.network_timeout)
    if uri is None or ";base64," not in uri:
        return None
    return base64.b64decode(uri.split(";base64,", 1)[1])


# -- layouts, read once ------------------------------------------------------------------


@dataclass
class Slot:
    """A placeholder of a layout that a slide fills: how to point at it, where it sits (EMU),
    and how it sets text (first-level size in points, insets in points)."""

    ph: str  # the layout's <p:ph .../> element, copied onto the slide
    name: str
    box: tuple[int, int, int, int]
    size: float
    insets: tuple[float, float]
    heading: bool  # set in the heading font
    line: float = 1.0  # line spacing of its first level (1.0: single)


@dataclass
class LayoutInfo:
    layout: Any
    slots: dict[str, Slot]
    chrome: list[tuple[str, Any]]  # (footer or number, the layout's placeholder element)


def _layout_info(layout: Any, themed: bool) -> LayoutInfo:
    """The roles a layout's placeholders take: by name on the kit's layouts ('Kicker', 'Lead'),
    by kind elsewhere (the title; the largest other text placeholder is the body)."""
    from lxml import etree
    from pptx.enum.shapes import PP_PLACEHOLDER as PH

    slots: dict[str, Slot] = {}
    chrome: list[tuple[str, Any]] = []
    bodies: list[tuple[bool, int, Slot]] = []
    for placeholder in layout.placeholders:
        kind = placeholder.placeholder_format.type
        if kind in (PH.FOOTER, PH.SLIDE_NUMBER):
            chrome.append(("number" if kind == PH.SLIDE_NUMBER else "footer", placeholder._element))
            continue
        if kind not in (PH.TITLE, PH.CENTER_TITLE, PH.BODY, PH.OBJECT, PH.SUBTITLE):
            continue
        name = normalized(placeholder.name)
        role = next((r for r in ("kicker", "lead", "byline", "ordinal", "timer") if name.startswith(r)), None)
        is_title = kind in (PH.TITLE, PH.CENTER_TITLE)
        box = (placeholder.left or 0, placeholder.top or 0, placeholder.width or 0, placeholder.height or 0)
        ph = etree.tostring(placeholder._element.ph, encoding="unicode")
        ph = (
            ph.replace(f' xmlns:p="{_P}"', "").replace(f' xmlns:a="{_A}"', "").replace(f' xmlns:r="{_R}"', "")
        )
        slot = Slot(
            ph,
            placeholder.name,
            box,
            _base_size(placeholder, is_title),
            _insets(placeholder),
            is_title or role in ("kicker", "byline", "ordinal", "timer"),
            _line_spacing(placeholder),
        )
        if is_title and "title" not in slots:
            slots["title"] = slot
        elif role and role not in slots:
            slots[role] = slot
        else:
            bodies.append((name.startswith("body"), box[2] * box[3], slot))
    if bodies:
        slots["body"] = max(bodies, key=lambda entry: entry[:2])[2]
    if themed and layout.name == "Closing" and "body" in slots:
        slots["body"].heading = True
    return LayoutInfo(layout, slots, chrome)


def _base_size(placeholder: Any, is_title: bool) -> float:
    """The point size the placeholder sets its first level in, as PowerPoint inherits it:
    the layout's placeholder, the master's, then the master's text styles."""
    from pptx.oxml.ns import qn

    element, seen = placeholder, 0
    while element is not None and seen < 3:
        found = element._element.find(
            f"{qn('p:txBody')}/{qn('a:lstStyle')}/{qn('a:lvl1pPr')}/{qn('a:defRPr')}"
        )
        if found is not None and found.get("sz"):
            return int(found.get("sz")) / 100
        element, seen = getattr(element, "_base_placeholder", None), seen + 1
    master = placeholder.part.slide_master._element
    style = "titleStyle" if is_title else "bodyStyle"
    found = master.find(f"{qn('p:txStyles')}/{qn('p:' + style)}/{qn('a:lvl1pPr')}/{qn('a:defRPr')}")
    if found is not None and found.get("sz"):
        return int(found.get("sz")) / 100
    return 18.0


def _line_spacing(placeholder: Any) -> float:
    """The line spacing the placeholder's first level sets, as a share of single."""
    from pptx.oxml.ns import qn

    path = f"{qn('p:txBody')}/{qn('a:lstStyle')}/{qn('a:lvl1pPr')}/{qn('a:lnSpc')}/{qn('a:spcPct')}"
    found = placeholder._element.find(path)
    return int(found.get("val")) / 100000 if found is not None and found.get("val") else 1.0


def _insets(placeholder: Any) -> tuple[float, float]:
    """Left+right and top+bottom insets in points, the layout's or else the master's."""
    from pptx.oxml.ns import qn

    element = placeholder
    values: dict[str, int] = {}
    for _ in range(2):
        if element is None:
            break
        body = element._element.find(f"{qn('p:txBody')}/{qn('a:bodyPr')}")
        if body is not None:
            for name in ("lIns", "rIns", "tIns", "bIns"):
                if name not in values and body.get(name) is not None:
                    values[name] = int(body.get(name))
        element = getattr(element, "_base_placeholder", None)
    sides = {"lIns": 91440, "rIns": 91440, "tIns": 45720, "bIns": 45720} | values
    return (sides["lIns"] + sides["rIns"]) / EMU_PT, (sides["tIns"] + sides["bIns"]) / EMU_PT


# -- writing a slide ---------------------------------------------------------------------

_P = "http://schemas.openxmlformats.org/presentationml/2006/main"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NSDECL = f'xmlns:a="{_A}" xmlns:p="{_P}" xmlns:r="{_R}"'
TREE_HEAD = (
    '<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm>'
    '<a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/>'
    "</a:xfrm></p:grpSpPr>"
)


class SlideWriter:
    """Adds slides to a presentation as XML written in one go: python-pptx's shape API walks
    every placeholder and part again for each slide, which costs seconds on a long deck."""

    def __init__(
        self, prs: Any, job: Job, themed: bool, fonts: dict[str, str], warnings: list[BuildWarning]
    ) -> None:
        self.prs, self.job, self.themed, self.fonts, self.warnings = prs, job, themed, fonts, warnings
        self.infos: dict[int, LayoutInfo] = {}
        self.notes_master = None
        self.footer = job.talk.title.plain

    def add(self, slide: Slide, index: int, layout: Any, content: Content) -> None:
        from pptx.opc.constants import CONTENT_TYPE as CT
        from pptx.opc.constants import RELATIONSHIP_TYPE as RT
        from pptx.oxml import parse_xml
        from pptx.oxml.ns import qn
        from pptx.parts.slide import SlidePart

        info = self.infos.get(id(layout)) or self.infos.setdefault(
            id(layout), _layout_info(layout, self.themed)
        )
        presentation = self.prs.part
        # The element is parsed once the shapes are known (below); python-pptx types it as required.
        part = SlidePart(
            presentation._next_slide_partname,
            CT.PML_SLIDE,
            presentation.package,
            None,  # type: ignore[arg-type]
        )
        _relate(part, layout.part, RT.SLIDE_LAYOUT)
        shapes = Shapes(part)
        roles = {role: paras for role, paras in content.roles.items() if paras}
        merged = [
            para
            for role in MERGED_ROLES
            if role in roles and role not in info.slots
            for para in roles.pop(role)
        ]
        if merged:
            roles["body"] = merged
        if "title" in info.slots:
            roles["title"] = [Para(content.title, role="title")]
        pictures = self._pictures(content)
        for role in [role for role in info.slots if role in roles]:  # the layout's reading order
            paras = roles[role]
            slot = info.slots.get(role)
            if slot is None:
                continue  # a decoration (the point's number, the timer) this layout has no place for
            box = slot.box
            if role == "body" and pictures:
                box = self._place(
                    shapes, box, pictures, bool(paras), content.qr is not None and not content.images
                )
                pictures = []
            scale, columns = self._fit(slot, box, paras, slide, index, role)
            shapes.text(slot, box, paras, scale, self.themed, columns)
        if pictures:
            self._place(
                shapes, (88 * PX, 220 * PX, 1104 * PX, 420 * PX), pictures, False, content.qr is not None
            )
        for kind, element in info.chrome:
            shapes.chrome(kind, element, index + 1, self.footer, slide.kind == "title" and self.themed)
        part._element = parse_xml(
            f"<p:sld {NSDECL}><p:cSld><p:spTree>{TREE_HEAD}{''.join(shapes.xml)}</p:spTree></p:cSld>"
            "<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>"
        )
        rel_id = _relate(presentation, part, RT.SLIDE)
        slide_ids = self.prs.slides._sldIdLst
        slide_ids.append(slide_ids.makeelement(qn("p:sldId"), {"id": str(256 + index), qn("r:id"): rel_id}))
        if slide.notes:
            self._notes(part, slide, index)

    # pictures ----------------------------------------------------------------------------

    def _pictures(self, content: Content) -> list[tuple[bytes, str]]:
        pictures: list[tuple[bytes, str]] = []
        if content.qr is not None:
            pictures.append((content.qr, content.qr_name))
        for image in content.images:
            if image.src.lower().split("?")[0].endswith(".svg"):
                what = f"slides.pptx: image '{image.src}' is SVG, which the PowerPoint slide leaves out"
                self.warnings.append(BuildWarning("pptx-svg", what, hint="use PNG or JPEG for it"))
                continue
            data = image_bytes(self.job, image.src)
            if data is not None:
                pictures.append((data, image.alt))
        return pictures

    def _place(
        self,
        shapes: Shapes,
        box: tuple[int, int, int, int],
        pictures: list[tuple[bytes, str]],
        with_text: bool,
        qr_only: bool,
    ) -> tuple[int, int, int, int]:
        """Pictures fitted into the body's box, aspect kept: beside the text on the right when
        there is text (the QR code on the left), else filling the box. Returns the text's box."""
        x, y, w, h = box
        if qr_only:
            qx, _, qw, qh = QR_BOX
            area, text_box = (
                (qx * PX, y, qw * PX, min(qh * PX, h)),
                (x + (qw + 42) * PX, y, w - (qw + 42) * PX, h),
            )
            if x > (qx + qw) * PX:  # the layout already leaves the QR code its room (the kit's closing)
                text_box = box
        elif with_text:
            area, text_box = (x + round(w * 0.58), y, round(w * 0.42), h), (x, y, round(w * 0.55), h)
        else:
            area, text_box = box, box
        gap = 16 * PX
        share = (area[3] - gap * (len(pictures) - 1)) // len(pictures)
        for number, (data, alt) in enumerate(pictures):
            cell = (area[0], area[1] + number * (share + gap), area[2], share)
            shapes.picture(data, alt, cell)
        return text_box

    # fit ---------------------------------------------------------------------------------

    def _fit(
        self,
        slot: Slot,
        box: tuple[int, int, int, int],
        paras: list[Para],
        slide: Slide,
        index: int,
        role: str,
    ) -> tuple[float, int]:
        """The scale the placeholder's text needs to fit (1.0: as designed), never below the
        readable floor, and its columns: a closing slide's list of links that does not fit in
        one column at the floor goes into two, as on the HTML deck. What still does not fit is
        reported with the slide's place."""
        chosen, fit = self._fit_in(slot, box, paras, role, 1)
        columns = 1
        if fit is not None and fit.first_outside is not None and role == "body" and slide.kind == "closing":
            columns = 2
            chosen, fit = self._fit_in(slot, box, paras, role, columns)
        if fit is not None and fit.first_outside is not None:
            self._report(slot, box, paras, slide, index, role, chosen, fit, columns)
        return chosen, columns

    def _fit_in(
        self, slot: Slot, box: tuple[int, int, int, int], paras: list[Para], role: str, columns: int
    ) -> tuple[float, Fit | None]:
        """The largest step at which `paras` fit the placeholder in `columns` columns (the
        columns hold as much as one of their width and `columns` times the height), and the
        measurement there."""
        gap = COLUMN_GAP_PT * (columns - 1)
        width = (box[2] / EMU_PT - slot.insets[0] - gap) / columns
        height = (box[3] / EMU_PT - slot.insets[1]) * columns
        base = slot.size
        sizes = {
            "body": base,
            **({r: s for r, s in ROLE_SIZES.items()} if self.themed and role == "body" else {}),
        }
        floor = min(FLOOR["title"] if role == "title" else FLOOR["body"], base)
        family = self.fonts["mj" if slot.heading else "mn"]
        indent = 34 * 0.75 if self.themed else 27.0
        chosen: float = 1.0
        fit: Fit | None = None
        for scale in SHRINK_STEPS:
            if base * scale < floor - 0.01:
                break
            chosen = scale
            scaled = {r: s * scale for r, s in sizes.items()}
            fit = measure(paras, scaled, family, width, height, indent, 9, slot.line)
            if fit.first_outside is None:
                break
        return chosen, fit

    def _report(
        self,
        slot: Slot,
        box: tuple[int, int, int, int],
        paras: list[Para],
        slide: Slide,
        index: int,
        role: str,
        chosen: float,
        fit: Fit,
        columns: int,
    ) -> None:
        base = slot.size
        height = (box[3] / EMU_PT - slot.insets[1]) * columns
        # `_fit` reports only a fit that has a first paragraph outside.
        outside = paras[fit.first_outside]  # type: ignore[index]
        line = clip(outside.text.replace("\v", " "), 50)
        title = clip(" ".join(run.text for run in runs_of(slide.title)))
        what = (
            f"slides.pptx: slide {index + 1} \u201c{title}\u201d: its {role} does not "
            f"fit its placeholder even at {base * chosen:.0f} pt "
            f"(needs {fit.height:.0f} of {height:.0f} pt); from \u201c{line}\u201d on it runs over"
        )
        hint = "shorten it or give it a `slide:` version"
        # The warning is placed at the overflowing bullet's own line when it has one.
        where = outside.where or slide.where
        file, _, number = where.rpartition(":")
        line_number = int(number) if number.isdigit() else None
        self.warnings.append(BuildWarning("pptx-overflow", what, None, file or where, line_number, hint=hint))

    # notes -------------------------------------------------------------------------------

    def _notes(self, slide_part: Any, slide: Slide, index: int) -> None:
        from pptx.opc.constants import CONTENT_TYPE as CT
        from pptx.opc.constants import RELATIONSHIP_TYPE as RT
        from pptx.opc.packuri import PackURI
        from pptx.oxml import parse_xml
        from pptx.parts.slide import NotesSlidePart

        if self.notes_master is None:
            self.notes_master = self.prs.part.notes_master_part
        partname = PackURI(f"/ppt/notesSlides/notesSlide{index + 1}.xml")
        # The element is parsed once the notes are known (below); python-pptx types it as required.
        part = NotesSlidePart(partname, CT.PML_NOTES_SLIDE, slide_part.package, None)  # type: ignore[arg-type]
        _relate(part, self.notes_master, RT.NOTES_MASTER)
        _relate(part, slide_part, RT.SLIDE)
        _relate(slide_part, part, RT.NOTES_SLIDE)
        paras, _ = paragraphs(slide.notes)
        for para in paras:
            if para.bullet != "none":
                para.runs.insert(0, Run("\u2022 " if para.bullet == "bullet" else "\u2013 "))
            para.bullet = "inherit"
        body = "".join(
            _paragraph(para, None, lambda url: part.relate_to(url, RT.HYPERLINK, is_external=True))
            for para in paras
        )
        part._element = parse_xml(
            f"<p:notes {NSDECL}><p:cSld><p:spTree>{TREE_HEAD}"
            '<p:sp><p:nvSpPr><p:cNvPr id="2" name="Slide Image Placeholder 1"/><p:cNvSpPr>'
            '<a:spLocks noGrp="1" noRot="1" noChangeAspect="1"/></p:cNvSpPr>'
            '<p:nvPr><p:ph type="sldImg"/></p:nvPr></p:nvSpPr><p:spPr/></p:sp>'
            '<p:sp><p:nvSpPr><p:cNvPr id="3" name="Notes Placeholder 2"/>'
            '<p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>'
            '<p:nvPr><p:ph type="body" idx="1"/></p:nvPr></p:nvSpPr><p:spPr/>'
            "<p:txBody><a:bodyPr/><a:lstStyle/>"
            f"{body or '<a:p/>'}</p:txBody></p:sp></p:spTree></p:cSld>"
            "<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:notes>"
        )


def _relate(source: Any, target: Any, kind: str) -> str:
    """A new relationship from part `source` to part `target`. python-pptx's `relate_to` first
    looks through every relationship the part has, which on a long deck's presentation part
    costs more than all the rest; a new part has no such relationship yet."""
    add = getattr(source.rels, "_add_relationship", None)
    rel_id: str = add(kind, target) if add is not None else source.relate_to(target, kind)
    return rel_id


class Shapes:
    """The shapes of one slide as XML, numbered in order; links and pictures related to it."""

    def __init__(self, part: Any) -> None:
        self.part = part
        self.xml: list[str] = []
        self.next_id = 2

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def _link(self, url: str) -> str:
        from pptx.opc.constants import RELATIONSHIP_TYPE as RT

        rel_id: str = self.part.relate_to(url, RT.HYPERLINK, is_external=True)
        return rel_id

    def text(
        self,
        slot: Slot,
        box: tuple[int, int, int, int],
        paras: list[Para],
        scale: float,
        themed: bool,
        columns: int = 1,
    ) -> None:
        moved = "" if box == slot.box else _xfrm(box)
        sizes = {
            "body": slot.size * scale,
            **({r: s * scale for r, s in ROLE_SIZES.items()} if themed else {}),
        }
        explicit = scale != 1.0 or themed
        body = "".join(
            _paragraph(
                para,
                sizes.get(para.role, sizes["body"])
                if explicit and (scale != 1.0 or para.role in ROLE_SIZES)
                else None,
                self._link,
            )
            for para in paras
        )
        self.xml.append(
            f'<p:sp><p:nvSpPr><p:cNvPr id="{self._id()}" name="{escape(slot.name, QUOTE)}"/><p:cNvSpPr>'
            f'<a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr>{slot.ph}</p:nvPr></p:nvSpPr><p:spPr>{moved}</p:spPr>'
            f"<p:txBody>{_body_properties(columns)}<a:lstStyle/>{body}</p:txBody></p:sp>"
        )

    def picture(self, data: bytes, alt: str, cell: tuple[int, int, int, int]) -> None:
        from PIL import Image as PILImage

        _, rel_id = self.part.get_or_add_image_part(io.BytesIO(data))
        with PILImage.open(io.BytesIO(data)) as image:
            width, height = image.size
        x, y, w, h = fit_box(width, height, cell)
        number = self._id()
        self.xml.append(
            f'<p:pic><p:nvPicPr><p:cNvPr id="{number}" name="Picture {number}" descr="{escape(alt, QUOTE)}"/>'
            '<p:cNvPicPr><a:picLocks noChangeAspect="1"/></p:cNvPicPr><p:nvPr/></p:nvPicPr>'
            f'<p:blipFill><a:blip r:embed="{rel_id}"/><a:stretch><a:fillRect/></a:stretch></p:blipFill>'
            f'<p:spPr>{_xfrm((x, y, w, h))}<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr></p:pic>'
        )

    def chrome(self, kind: str, element: Any, number: int, title: str, hide_footer: bool) -> None:
        """The layout's footer or slide number, copied onto the slide (PowerPoint shows neither
        unless the slide has its own); the number as a live field."""
        from lxml import etree

        ph = etree.tostring(element.ph, encoding="unicode")
        ph = (
            ph.replace(f' xmlns:p="{_P}"', "").replace(f' xmlns:a="{_A}"', "").replace(f' xmlns:r="{_R}"', "")
        )
        if kind == "number":
            text = (
                '<a:fld id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}" type="slidenum"><a:rPr lang="en-US"/>'
                f"<a:t>{number}</a:t></a:fld>"
            )
            name = "Slide Number"
        elif hide_footer:
            return
        else:
            text, name = f'<a:r><a:rPr lang="en-US"/><a:t>{escape(title)}</a:t></a:r>', "Footer"
        self.xml.append(
            f'<p:sp><p:nvSpPr><p:cNvPr id="{self._id()}" name="{name}"/><p:cNvSpPr><a:spLocks noGrp="1"/>'
            f"</p:cNvSpPr><p:nvPr>{ph}</p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/>"
            f"<a:p>{text}</a:p></p:txBody></p:sp>"
        )


QUOTE = {'"': "&quot;"}


def _xfrm(box: tuple[int, int, int, int]) -> str:
    x, y, w, h = (round(v) for v in box)
    return f'<a:xfrm><a:off x="{x}" y="{y}"/><a:ext cx="{w}" cy="{h}"/></a:xfrm>'


def _paragraph(para: Para, size: float | None, link: Callable[[str], str]) -> str:
    """One <a:p>: list level, bullet or none, and the runs with their styles and links."""
    attrs = f' lvl="{min(para.level, 8)}"' if para.level else ""
    inner = ""
    if para.bullet == "none":
        margin = 40 * para.level * PX
        hang = round(STEP_HANG * EMU_PT) if para.role == "step" else 0
        attrs += f' marL="{margin + hang}" indent="{-hang}"'
        inner = "<a:buNone/>"
    elif para.bullet == "number":
        inner = (
            '<a:buClr><a:schemeClr val="accent1"/></a:buClr><a:buSzPct val="100000"/>'
            '<a:buAutoNum type="arabicPeriod"/>'
        )
    runs = []
    for piece in para.runs:
        props = ' lang="en-US"'
        if size:
            props += f' sz="{round(size * 100)}"'
        if piece.bold:
            props += ' b="1"'
        if piece.italic:
            props += ' i="1"'
        children = ""
        if piece.color:
            children += f'<a:solidFill><a:schemeClr val="{piece.color}"/></a:solidFill>'
        if piece.code:
            children += '<a:latin typeface="DejaVu Sans Mono"/>'
        if piece.href:
            children += f'<a:hlinkClick r:id="{link(piece.href)}"/>'
        for number, line in enumerate(piece.text.split("\v")):
            if number:
                runs.append(f"<a:br><a:rPr{props}/></a:br>")
            if line:
                runs.append(f"<a:r><a:rPr{props}>{children}</a:rPr><a:t>{escape(line)}</a:t></a:r>")
    p_pr = f"<a:pPr{attrs}>{inner}</a:pPr>" if attrs or inner else ""
    return f"<a:p>{p_pr}{''.join(runs)}</a:p>"


COLUMN_GAP_PT = 24.0  # between the columns of a closing slide's links


def _body_properties(columns: int) -> str:
    """A text body's properties: the layout's own, or its text in `columns` columns."""
    if columns == 1:
        return "<a:bodyPr/>"
    return f'<a:bodyPr numCol="{columns}" spcCol="{round(COLUMN_GAP_PT * 12700)}"/>'
