"""The PowerPoint master a deck is built on: one made from the talk's theme (colours, fonts,
logo) with a named layout per kind of slide, or a company's own template, whose layouts are
found by name in a documented fallback order."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from lxml import etree

from ..colors import mix, six_digits

if TYPE_CHECKING:
    from pptx.parts.slide import SlideMasterPart
    from pptx.presentation import Presentation
    from pptx.slide import SlideLayout, SlideMaster

    from ..schema import Theme

PX = 9525  # EMU per CSS pixel: the HTML deck's 1280 x 720 px is PowerPoint's 16:9, 13.33 x 7.5 in
SLIDE_W, SLIDE_H = 1280, 720
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NSDECL = f'xmlns:a="{A}" xmlns:p="{P}" xmlns:r="{R}"'

# Which layout each kind of slide takes, first name found wins. Names compare without case,
# spaces or punctuation; the kit's own master has the first name of each list, PowerPoint's
# stock templates the later ones.
LAYOUT_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("Title", "Title Slide"),
    "section": ("Section", "Section Header", "Title Only"),
    "point": ("Point", "Title and Content", "Content"),
    "question": ("Question", "Point", "Title and Content", "Content"),
    "exercise": ("Exercise", "Point", "Title and Content", "Content"),
    "closing": ("Closing", "Title and Content", "Content"),
    "outline": ("Content", "Outline", "Point", "Title and Content"),
    "custom": ("Content", "Point", "Title and Content"),
    # The agenda's own blocks (`slides: {order: agenda}`): a welcome, a break.
    "agenda": ("Agenda", "Section", "Section Header", "Title Only"),
    "break": ("Break", "Section", "Section Header", "Title Only"),
}


@dataclass(frozen=True)
class Style:
    """How a placeholder sets its text (sizes in points, colours by theme name)."""

    size: float
    font: str = "mn"  # mj: the heading font, mn: the body font
    bold: bool = False
    color: str = "tx1"
    caps: bool = False
    spacing: int = 0  # letter spacing, hundredths of a point
    align: str = "l"
    anchor: str = "t"
    bullets: bool = False
    line: int = 100  # line spacing, per cent of single


@dataclass(frozen=True)
class Box:
    """A placeholder of a layout: its role (how the deck finds it), kind and place in px."""

    role: str
    ph: str  # PowerPoint placeholder type: title, ctrTitle, subTitle, body, ftr, sldNum
    idx: int
    x: int
    y: int
    w: int
    h: int
    style: Style
    frame: str = ""  # extra shape properties (a border for the exercise timer)


TITLE = Style(40.5, "mj", True, line=92)
BODY = Style(22.5, bullets=True)
FOOTER = Style(11, "mj", color="tx2", anchor="ctr")
NUMBER = Style(11, "mj", True, color="tx2", align="r", anchor="ctr")
KICKER = Style(15, "mj", True, color="accent1", caps=True, spacing=200)
TIMER_FRAME = (
    '<a:prstGeom prst="roundRect"><a:avLst/></a:prstGeom>'
    '<a:ln w="38100"><a:solidFill><a:schemeClr val="accent1"/></a:solidFill></a:ln>'
)

FOOT = [
    Box("footer", "ftr", 11, 88, 656, 880, 64, FOOTER),
    Box("number", "sldNum", 12, 992, 656, 200, 64, NUMBER),
]
LAYOUTS: dict[str, tuple[str | None, list[Box]]] = {
    # name: (background colour role, placeholders)
    "Title": (
        "accent1",
        [
            Box("kicker", "body", 13, 88, 140, 1104, 60, Style(15, "mj", True, "bg1", True, 200, anchor="b")),
            Box(
                "title", "ctrTitle", 0, 88, 210, 1050, 250, Style(51, "mj", True, "bg1", anchor="b", line=92)
            ),
            Box("lead", "subTitle", 1, 88, 480, 1104, 90, Style(25.5, color="bg1")),
            Box("byline", "body", 14, 88, 580, 1104, 50, Style(19.5, "mj", True, "bg1")),
            Box(
                "number",
                "sldNum",
                12,
                992,
                656,
                200,
                64,
                Style(11, "mj", True, "bg1", align="r", anchor="ctr"),
            ),
        ],
    ),
    "Section": (
        "lt2",
        [
            Box("kicker", "body", 13, 88, 200, 1104, 60, Style(18, "mj", True, "tx2", True, 200, anchor="b")),
            Box("title", "title", 0, 88, 270, 1104, 300, Style(60, "mj", True, "accent1", line=92)),
            *FOOT,
        ],
    ),
    "Point": (
        None,
        [
            Box(
                "ordinal", "body", 13, 88, 40, 400, 136, Style(90, "mj", True, "accent1", anchor="b", line=90)
            ),
            Box("title", "title", 0, 88, 186, 1060, 140, TITLE),
            Box("body", "body", 1, 88, 340, 1104, 300, BODY),
            *FOOT,
        ],
    ),
    "Question": (
        None,
        [
            Box(
                "title",
                "title",
                0,
                88,
                64,
                1104,
                130,
                Style(34.5, "mj", True, "accent1", anchor="b", line=92),
            ),
            Box("body", "body", 1, 88, 220, 1104, 420, BODY),
            *FOOT,
        ],
    ),
    "Exercise": (
        None,
        [
            Box("kicker", "body", 13, 88, 56, 1104, 36, KICKER),
            Box("title", "title", 0, 88, 100, 1104, 120, TITLE),
            Box(
                "timer",
                "body",
                14,
                892,
                236,
                300,
                150,
                Style(66, "mj", True, "accent1", align="ctr", anchor="ctr"),
                TIMER_FRAME,
            ),
            Box("body", "body", 1, 88, 236, 760, 404, BODY),
            *FOOT,
        ],
    ),
    "Closing": (
        None,
        [
            Box(
                "title", "title", 0, 88, 110, 1104, 140, Style(60, "mj", True, "accent1", anchor="b", line=92)
            ),
            Box("body", "body", 1, 360, 290, 832, 350, Style(21, "mj")),
            *FOOT,
        ],
    ),
    "Content": (
        None,
        [
            Box("title", "title", 0, 88, 64, 1104, 130, Style(40.5, "mj", True, anchor="b", line=92)),
            Box("body", "body", 1, 88, 220, 1104, 420, BODY),
            *FOOT,
        ],
    ),
}
# The QR code's box on the closing slide, and the logo's, in px.
QR_BOX = (88, 290, 230, 230)
LOGO_BOX = (1072, 20, 120, 40)


class TemplateProblem(Exception):
    """A template that cannot be used; the message says why (the caller adds where)."""


def normalized(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", name.casefold())


def pick_layouts(prs: Presentation, kinds: set[str]) -> dict[str, SlideLayout]:
    """The layout for each kind of slide, by name in LAYOUT_NAMES' order; a kind none of whose
    names the master has is a TemplateProblem naming the layouts it does have."""
    layouts = {normalized(layout.name): layout for layout in prs.slide_layouts}
    chosen, missing = {}, []
    for kind in sorted(kinds):
        found = next((layouts[normalized(n)] for n in LAYOUT_NAMES[kind] if normalized(n) in layouts), None)
        if found is None:
            missing.append(f"{kind} slides (looked for {', '.join(repr(n) for n in LAYOUT_NAMES[kind])})")
        else:
            chosen[kind] = found
    if missing:
        names = ", ".join(repr(layout.name) for layout in prs.slide_layouts) or "none"
        raise TemplateProblem(f"no layout for {'; '.join(missing)}; its layouts are: {names}")
    return chosen


def open_template(path: Path) -> Presentation:
    """A company's template with its slides removed (a template often carries samples)."""
    import zipfile

    from pptx import Presentation as open_presentation
    from pptx.exc import PackageNotFoundError

    try:
        prs = open_presentation(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as error:
        raise TemplateProblem(f"not a PowerPoint file python-pptx can read ({error})") from None
    ids = prs.slides._sldIdLst
    for slide_id in list(ids):
        prs.part.drop_rel(slide_id.rId)
        ids.remove(slide_id)
    return prs


def themed_presentation(theme: Theme, logo: bytes | None) -> Presentation:
    """A 16:9 presentation whose master carries the talk's theme: colours and fonts in the
    PowerPoint theme (so restyling there changes every slide), the logo on the master, and one
    named layout per kind of slide."""
    from pptx import Presentation as new_presentation
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT
    from pptx.util import Emu

    prs = new_presentation()
    prs.slide_width, prs.slide_height = Emu(SLIDE_W * PX), Emu(SLIDE_H * PX)
    master = prs.slide_master
    theme_part = master.part.part_related_by(RT.THEME)
    theme_part._blob = _theme_xml(theme_part.blob, theme)
    _set_master(master, logo)
    layout_ids = master._element.find(f"{{{P}}}sldLayoutIdLst")
    stock = list(layout_ids)
    for (name, (background, boxes)), layout_id in zip(LAYOUTS.items(), stock, strict=False):
        layout = master.part.related_part(layout_id.get(f"{{{R}}}id")).slide_layout
        _set_layout(layout._element, name, background, boxes)
    for layout_id in stock[len(LAYOUTS) :]:
        master.part.drop_rel(layout_id.get(f"{{{R}}}id"))
        layout_ids.remove(layout_id)
    return prs


# -- XML ---------------------------------------------------------------------------------


def _theme_xml(blob: bytes, theme: Theme) -> bytes:
    colors = theme.colors
    scheme = {
        "dk1": colors.ink,
        "lt1": colors.paper,
        "dk2": colors.muted,
        "lt2": mix(colors.accent, colors.paper, 0.08),
        "accent1": colors.accent,
        "accent2": colors.highlight,
        "accent3": colors.muted,
        "accent4": mix(colors.accent, colors.paper, 0.25),
        "accent5": mix(colors.highlight, colors.paper, 0.5),
        "accent6": colors.ink,
        "hlink": colors.accent,
        "folHlink": colors.accent,
    }
    root = etree.fromstring(blob)
    clr = root.find(f".//{{{A}}}clrScheme")
    clr.set("name", "handout-kit")
    for slot, value in scheme.items():
        element = clr.find(f"{{{A}}}{slot}")
        for child in list(element):
            element.remove(child)
        etree.SubElement(element, f"{{{A}}}srgbClr", val=six_digits(value))
    fonts = root.find(f".//{{{A}}}fontScheme")
    fonts.set("name", "handout-kit")
    for which, family in (("majorFont", theme.fonts.heading), ("minorFont", theme.fonts.body)):
        fonts.find(f"{{{A}}}{which}/{{{A}}}latin").set("typeface", family)
    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return xml


def _run_props(style: Style, tag: str = "defRPr") -> str:
    attrs = f'sz="{round(style.size * 100)}" b="{1 if style.bold else 0}"'
    if style.caps:
        attrs += ' cap="all"'
    if style.spacing:
        attrs += f' spc="{style.spacing}"'
    face = f"+{style.font}-lt"
    return (
        f'<a:{tag} {attrs}><a:solidFill><a:schemeClr val="{style.color}"/></a:solidFill>'
        f'<a:latin typeface="{face}"/><a:ea typeface="+{style.font}-ea"/>'
        f'<a:cs typeface="+{style.font}-cs"/></a:{tag}>'
    )


def _levels(style: Style) -> str:
    """lvl1pPr..lvl3pPr: bullets (square, dash, dot) indented per level, or none."""
    parts = []
    for level, char in enumerate(("\u25a0", "\u2013", "\u2022")):
        size = style.size if level == 0 else style.size * 0.9
        spacing = (
            f'<a:lnSpc><a:spcPct val="{style.line * 1000}"/></a:lnSpc>'
            '<a:spcBef><a:spcPts val="900"/></a:spcBef>'
        )
        if style.bullets:
            margin = (34 + 40 * level) * PX
            bullet = (
                '<a:buClr><a:schemeClr val="accent1"/></a:buClr>'
                f'<a:buSzPct val="{60000 if level == 0 else 100000}"/>'
                f'<a:buFont typeface="Arial"/><a:buChar char="{char}"/>'
            )
            head = f'<a:lvl{level + 1}pPr marL="{margin}" indent="{-34 * PX}" algn="{style.align}">'
        else:
            bullet = "<a:buNone/>"
            head = f'<a:lvl{level + 1}pPr marL="{40 * level * PX}" indent="0" algn="{style.align}">'
        parts.append(
            head
            + spacing
            + bullet
            + _run_props(Style(**{**style.__dict__, "size": size}))
            + f"</a:lvl{level + 1}pPr>"
        )
    return "".join(parts)


def _placeholder(box: Box, shape_id: int) -> str:
    idx = f' idx="{box.idx}"' if box.idx else ""
    geometry = box.frame or '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
    inset = ' lIns="0" rIns="0" tIns="0" bIns="0"' if not box.frame else ""
    field = ""
    if box.ph == "sldNum":
        field = (
            '<a:fld id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}" type="slidenum">'
            '<a:rPr lang="en-US"/><a:t>&lt;#&gt;</a:t></a:fld>'
        )
    prompt = field or f'<a:r><a:rPr lang="en-US"/><a:t>{box.role.capitalize()}</a:t></a:r>'
    return (
        f'<p:sp {NSDECL}><p:nvSpPr><p:cNvPr id="{shape_id}" name="{box.role.capitalize()}"/>'
        '<p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>'
        f'<p:nvPr><p:ph type="{box.ph}"{idx}/></p:nvPr></p:nvSpPr>'
        f'<p:spPr><a:xfrm><a:off x="{box.x * PX}" y="{box.y * PX}"/>'
        f'<a:ext cx="{box.w * PX}" cy="{box.h * PX}"/></a:xfrm>'
        f"{geometry}</p:spPr>"
        f'<p:txBody><a:bodyPr wrap="square"{inset} anchor="{box.style.anchor}"><a:noAutofit/></a:bodyPr>'
        f"<a:lstStyle>{_levels(box.style)}</a:lstStyle><a:p>{prompt}</a:p></p:txBody></p:sp>"
    )


def _tree(boxes: list[Box]) -> list[etree._Element]:
    return [etree.fromstring(_placeholder(box, number)) for number, box in enumerate(boxes, start=2)]


def _clear_tree(tree: etree._Element) -> None:
    for child in list(tree)[2:]:  # keep the group's own properties
        tree.remove(child)


def _background(color: str) -> etree._Element:
    return etree.fromstring(
        f'<p:bg {NSDECL}><p:bgPr><a:solidFill><a:schemeClr val="{color}"/></a:solidFill>'
        "<a:effectLst/></p:bgPr></p:bg>"
    )


def _set_master(master: SlideMaster, logo: bytes | None) -> None:
    element = master._element
    tree = element.find(f"{{{P}}}cSld/{{{P}}}spTree")
    _clear_tree(tree)
    boxes = [
        Box("title", "title", 0, 88, 64, 1104, 130, Style(40.5, "mj", True, anchor="b", line=92)),
        Box("body", "body", 1, 88, 220, 1104, 420, BODY),
        *FOOT,
    ]
    tree.extend(_tree(boxes))
    styles = element.find(f"{{{P}}}txStyles")
    for name, style in (("titleStyle", TITLE), ("bodyStyle", BODY), ("otherStyle", Style(18))):
        old = styles.find(f"{{{P}}}{name}")
        new = etree.fromstring(f"<p:{name} {NSDECL}>{_levels(style)}</p:{name}>")
        styles.replace(old, new)
    if logo is not None:
        _add_logo(master, tree, logo)


def _add_logo(master: SlideMaster, tree: etree._Element, logo: bytes) -> None:
    import io

    from pptx.oxml.shapes.picture import CT_Picture

    part = cast("SlideMasterPart", master.part)  # python-pptx types a slide's part as XmlPart
    image_part, rel_id = part.get_or_add_image_part(io.BytesIO(logo))
    width, height = image_part.image.size
    x, y, w, h = fit_box(width, height, LOGO_BOX)
    # python-pptx leaves new_pic unannotated.
    pic = CT_Picture.new_pic(20, "Logo", "", rel_id, x * PX, y * PX, w * PX, h * PX)  # type: ignore[no-untyped-call]
    tree.append(pic)


def fit_box(width: float, height: float, box: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    """An image of `width` x `height` scaled into `box` (x, y, w, h) with its aspect kept,
    centred across and set at the top; in whole px."""
    x, y, w, h = box
    scale = min(w / width, h / height)
    fitted_w, fitted_h = width * scale, height * scale
    return round(x + (w - fitted_w) / 2), round(y), max(1, round(fitted_w)), max(1, round(fitted_h))


def _set_layout(element: etree._Element, name: str, background: str | None, boxes: list[Box]) -> None:
    element.set("preserve", "1")
    element.attrib.pop("type", None)
    c_sld = element.find(f"{{{P}}}cSld")
    c_sld.set("name", name)
    old = c_sld.find(f"{{{P}}}bg")
    if old is not None:
        c_sld.remove(old)
    if background is not None:
        c_sld.insert(0, _background(background))
    tree = c_sld.find(f"{{{P}}}spTree")
    _clear_tree(tree)
    tree.extend(_tree(boxes))
