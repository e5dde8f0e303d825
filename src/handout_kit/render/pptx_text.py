"""Slide text for PowerPoint: the model's safe HTML as paragraphs of styled runs, and how much
room those paragraphs take in a box, measured with the installed fonts' own metrics."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from markupsafe import Markup

from ..fonts import Face, find_font_file
from ..i18n import current

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont

BLOCKS = {"p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "div"}


@dataclass(frozen=True)
class Run:
    """A stretch of text with one style; `href` makes it a live link."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str | None = None
    color: str | None = None  # a theme colour name (accent) or None: the placeholder's own


@dataclass
class Para:
    """One paragraph: its runs, its list level and its kind of bullet."""

    runs: list[Run] = field(default_factory=list)
    level: int = 0
    bullet: str = "none"  # none, bullet, number
    role: str = "body"  # body, lead, kicker, step: which size the writer gives it
    where: str = ""  # its line in the talk, when it has one of its own (a point's item)

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class Image:
    src: str
    alt: str


class _Reader(HTMLParser):
    """Walks the HTML the model made (from Markdown, so well formed and escaped)."""

    def __init__(self, role: str) -> None:
        super().__init__(convert_charrefs=True)
        self.role = role
        self.paras: list[Para] = []
        self.images: list[Image] = []
        self.lists: list[str] = []  # "ul"/"ol" of the lists we are inside
        self.style: dict[str, int] = {"b": 0, "i": 0, "code": 0}
        self.links: list[str | None] = []
        self.open: Para | None = None
        self.quotes = current().quotes  # the talk's language's marks for <q>, nested ones inside
        self.quoting = 0

    def _para(self) -> Para:
        if self.open is None:
            kind = {"ul": "bullet", "ol": "number"}.get(self.lists[-1], "none") if self.lists else "none"
            level = max(0, len(self.lists) - 1)
            self.open = Para(level=level, bullet=kind, role=self.role)
            self.paras.append(self.open)
        return self.open

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("ul", "ol"):
            self.open = None
            self.lists.append(tag)
        elif tag in BLOCKS:
            self.open = None
        elif tag in ("strong", "b"):
            self.style["b"] += 1
        elif tag in ("em", "i"):
            self.style["i"] += 1
        elif tag == "code":
            self.style["code"] += 1
        elif tag == "a":
            self.links.append(values.get("href"))
        elif tag == "br":
            self._add("\v")
        elif tag == "q":
            self._add(self.quotes[0 if self.quoting % 2 == 0 else 2])
            self.quoting += 1
        elif tag == "img":
            self.images.append(Image(values.get("src") or "", values.get("alt") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self.open = None
        elif tag in BLOCKS:
            self.open = None
        elif tag in ("strong", "b"):
            self.style["b"] -= 1
        elif tag in ("em", "i"):
            self.style["i"] -= 1
        elif tag == "code":
            self.style["code"] -= 1
        elif tag == "a" and self.links:
            self.links.pop()
        elif tag == "q" and self.quoting:
            self.quoting -= 1
            self._add(self.quotes[1 if self.quoting % 2 == 0 else 3])

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split()) if data.strip() else (" " if data else "")
        if data[:1].isspace() and text and not text.startswith(" "):
            text = " " + text
        if data[-1:].isspace() and text and not text.endswith(" "):
            text += " "
        if text.strip() or (self.open is not None and self.open.runs):
            self._add(text)

    def _add(self, text: str) -> None:
        para = self._para()
        href = next((link for link in reversed(self.links) if link), None)
        run = Run(text, self.style["b"] > 0, self.style["i"] > 0, self.style["code"] > 0, href)
        if para.runs and _same_style(para.runs[-1], run):
            para.runs[-1] = replace(para.runs[-1], text=para.runs[-1].text + text)
        else:
            para.runs.append(run)


def _same_style(a: Run, b: Run) -> bool:
    return (a.bold, a.italic, a.code, a.href, a.color) == (b.bold, b.italic, b.code, b.href, b.color)


def paragraphs(markup: Markup | str | None, role: str = "body") -> tuple[list[Para], list[Image]]:
    """The paragraphs and the images of a piece of the model's HTML, whitespace tidied."""
    if not markup:
        return [], []
    reader = _Reader(role)
    reader.feed(str(markup))
    reader.close()
    paras = []
    for para in reader.paras:
        runs = [replace(run, text=run.text.replace("\v ", "\v")) for run in para.runs]
        if runs:
            runs[0] = replace(runs[0], text=runs[0].text.lstrip())
            runs[-1] = replace(runs[-1], text=runs[-1].text.rstrip())
        para.runs = [run for run in runs if run.text]
        if para.runs:
            paras.append(para)
    return paras, reader.images


def runs_of(markup: Markup | str | None) -> list[Run]:
    """One line of inline HTML (a title, a bullet) as runs."""
    paras, _ = paragraphs(markup)
    runs: list[Run] = []
    for index, para in enumerate(paras):
        if index:
            runs.append(Run(" "))
        runs.extend(para.runs)
    return runs


def plain(markup: Markup | str | None) -> str:
    """The words of a piece of HTML, paragraphs on their own lines (for speaker notes)."""
    paras, _ = paragraphs(markup)
    lines = []
    for para in paras:
        mark = {"bullet": "\u2022 ", "number": "\u2013 "}.get(para.bullet, "")
        lines.append("    " * para.level + mark + para.text.replace("\v", "\n"))
    return "\n".join(lines)


# -- measuring ---------------------------------------------------------------------------

LINE_SPACING = 1.2  # a single line in PowerPoint and Impress: 1.2 em
STEP_HANG = 54.0  # points an exercise step's lines hang in, past its minutes ("15′")


REFERENCE = 200  # px size fonts are measured at; advance widths scale linearly from there


@cache
def _font(family: str, bold: bool, italic: bool) -> FreeTypeFont | None:
    """A Pillow font for measuring at the reference size; None when the family is not
    installed."""
    from PIL import ImageFont

    path = find_font_file(Face(family, 700 if bold else 400, italic))
    if path is None:
        path = find_font_file(Face(family, 400))
    if path is None:
        return None
    try:
        return ImageFont.truetype(str(path), REFERENCE, layout_engine=ImageFont.Layout.BASIC)
    except OSError:
        return None


@cache
def _em_width(text: str, family: str, bold: bool, italic: bool) -> float:
    """The advance width of `text` in ems of its font (a word at a time, so it is kept)."""
    font = _font(family, bold, italic)
    if font is None:
        return len(text) * 0.55
    return font.getlength(text) / REFERENCE


def text_width(text: str, family: str, points: float, bold: bool = False, italic: bool = False) -> float:
    """The advance width of `text` in points, from the font file fontconfig picks; a fallback
    of 0.55 em a character when the family is not installed."""
    return _em_width(text, family, bold, italic) * points


@dataclass(frozen=True)
class Fit:
    """How paragraphs sit in a box at one size: lines and height used, and which paragraph
    is the first that does not fit."""

    height: float
    lines: int
    first_outside: int | None


def measure(
    paras: list[Para],
    sizes: dict[str, float],
    family: str,
    width: float,
    height: float,
    indent: float = 0.0,
    space_before: float = 0.0,
    line: float = 1.0,
) -> Fit:
    """Wrap `paras` word by word into a box `width` x `height` points, each at the size of its
    role; list paragraphs lose `indent` per level plus one for the bullet; `line` is the
    placeholder's line spacing (1.0: single, which is 1.2 em in PowerPoint and Impress)."""
    used, count, outside = 0.0, 0, None
    for index, para in enumerate(paras):
        size = sizes.get(para.role, sizes["body"])
        inset = indent * (para.level + (1 if para.bullet != "none" else 0))
        inset += STEP_HANG if para.role == "step" else 0.0
        lines = _wrap(para.runs, family, size, max(width - inset, size))
        used += (space_before * size / sizes["body"] if index else 0.0) + lines * size * LINE_SPACING * line
        count += lines
        if outside is None and used > height + 0.5:
            outside = index
    return Fit(used, count, outside)


def _wrap(runs: list[Run], family: str, size: float, width: float) -> int:
    """Lines the runs take when wrapped at spaces (and forced breaks) to `width` points."""
    lines, x = 1, 0.0
    space = text_width(" ", family, size)
    for run in runs:
        for piece_index, piece in enumerate(run.text.split("\v")):
            if piece_index:
                lines, x = lines + 1, 0.0
            for word_index, word in enumerate(piece.split(" ")):
                if not word:
                    continue
                w = text_width(word, family, size, run.bold, run.italic)
                gap = space if x and (word_index or piece.startswith(" ") or x) else 0.0
                if x and x + gap + w > width:
                    lines, x = lines + 1, 0.0
                    gap = 0.0
                while w > width:  # a word longer than the line breaks anywhere
                    lines, w = lines + 1, w - width
                x += gap + w
    return lines
