"""The one place that talks to WeasyPrint: a locked-down fetcher, captured logs, measured pages."""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

from weasyprint import HTML, Document
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import network
from .errors import BuildWarning
from .fonts import GLYPH_CODE
from .reads import record_file

PT_PER_PX = 0.75  # WeasyPrint lays out in CSS px; PDF measures in points.
_NO_ALT = re.compile(r'^Image "(.*)" has no required alt description')
_NOTDEF = re.compile(r'^\.notdef glyph rendered for Unicode string unsupported by fonts: "(.*)"')


# Files beside the talk are addressed under this made-up folder, never under their real one:
# no absolute local path can reach a PDF (a link, a resource name), and the same talk built
# in two folders gives the same bytes.
TALK_ROOT = "/handout-kit-talk"
TALK_BASE_URL = f"file://{TALK_ROOT}/"
# What a template folder may give a layout: stylesheets and fonts, never content.
TEMPLATE_FILE_TYPES = (".css", ".woff", ".woff2", ".ttf", ".otf")


class ProjectFetcher(URLFetcher):  # type: ignore[misc]  # weasyprint ships no types
    """Fetches only `data:` URLs, files inside the talk's folder, stylesheets and fonts inside
    a template folder, plus web addresses when a network timeout is given (`--allow-network`);
    records what it refused. Every path is checked after its symlinks are followed."""

    def __init__(
        self, content_dir: Path, template_roots: Sequence[Path] = (), network_timeout: float | None = None
    ) -> None:
        super().__init__(allowed_protocols={"file", "data"}, timeout=1)
        self.content_dir = content_dir.resolve()
        self.template_roots = [root.resolve() for root in template_roots]
        self.network_timeout = network_timeout
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            asked = Path(unquote(urlsplit(url).path))
            shown = str(asked.relative_to(TALK_ROOT)) if asked.is_relative_to(TALK_ROOT) else str(asked)
            path = self.local_path(asked)
            if path is not None and path.is_file() and self.allowed(path):
                record_file(path)
                return URLFetcherResponse(url, path.read_bytes())
            exists = path is not None and path.exists()
            reason = "not found" if not exists else "outside the talk's folder"
            self.refused.append(f"{shown} ({reason})")
            raise ValueError(f"refused {shown}: {reason}")
        if self.network_timeout is not None and network.is_remote(url):
            try:
                data, kind = network.fetch(url, self.network_timeout)
            except network.RemoteFileError as error:
                self.refused.append(str(error))
                raise ValueError(str(error)) from None
            return URLFetcherResponse(url, data, {"Content-Type": kind})
        self.refused.append(f"{url} (network access is off; --allow-network turns it on)")
        raise ValueError(f"refused {url}: network access is off")

    def local_path(self, asked: Path) -> Path | None:
        """The real file for a path under TALK_ROOT (or a real absolute path), symlinks followed."""
        try:
            if asked.is_relative_to(TALK_ROOT):
                return (self.content_dir / asked.relative_to(TALK_ROOT)).resolve()
            return asked.resolve()
        except (OSError, RuntimeError):
            return None

    def allowed(self, path: Path) -> bool:
        if path.is_relative_to(self.content_dir):
            return True
        return path.suffix.lower() in TEMPLATE_FILE_TYPES and any(
            path.is_relative_to(root) for root in self.template_roots
        )


@dataclass
class Diagnostics:
    """What WeasyPrint said while rendering, and what the fetcher refused."""

    warnings: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


class _Collector(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record.getMessage())


@contextlib.contextmanager
def captured_warnings(sink: list[str]) -> Iterator[None]:
    """Route the `weasyprint` logger into `sink` instead of the terminal."""
    logger = logging.getLogger("weasyprint")
    handler = _Collector(sink)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


class Frame(NamedTuple):
    """A box on a laid-out page, in PDF points from the page's bottom left."""

    page: int
    key: str
    x: float
    y: float
    width: float
    height: float


@dataclass
class Layout:
    """A laid-out document: its pages, measured, ready to be written as PDF."""

    document: Document
    fetcher: ProjectFetcher
    diagnostics: Diagnostics

    @property
    def page_count(self) -> int:
        return len(self.document.pages)

    def page_size_pt(self, index: int = 0) -> tuple[float, float]:
        page = self.document.pages[index]
        return page.width * PT_PER_PX, page.height * PT_PER_PX

    def with_pages(self, replaced: dict[int, int], other: Layout) -> Layout:
        """This layout with page i swapped for page `replaced[i]` of `other` (WeasyPrint's
        `Document.copy` joins pages of several layouts): what both layouts' WeasyPrint said and
        what both fetchers refused, kept."""
        pages = [
            other.document.pages[replaced[index]] if index in replaced else page
            for index, page in enumerate(self.document.pages)
        ]
        diagnostics = Diagnostics(
            [*self.diagnostics.warnings, *other.diagnostics.warnings],
            [*self.diagnostics.refused, *other.diagnostics.refused],
        )
        return Layout(self.document.copy(pages), self.fetcher, diagnostics)

    def refuse(self, artefact: str) -> None:
        """A file the templates asked for and did not get is an error, never a silent gap."""
        from .errors import ResourceError

        if self.diagnostics.refused:
            raise ResourceError(f"{artefact}: could not load " + "; ".join(self.diagnostics.refused))

    def pdf(self, artefact: str, variant: str | None = None) -> bytes:
        """The PDF's bytes, checked again: attachments are fetched only while writing.
        `variant` is WeasyPrint's `pdf_variant` ("pdf/ua-1"), or None for a tagged PDF."""
        data = self.write_pdf(variant)
        self.refuse(artefact)
        return data

    def untagged_pdf(self, artefact: str) -> bytes:
        """The PDF's bytes without structure tags, for pages that are only ever placed into
        another PDF as pictures (the cards' faces, drawn as artifacts on their sheets): half
        the writing work of a tagged file, and no marked content to strip again."""
        with captured_warnings(self.diagnostics.warnings):
            data: bytes = self.document.write_pdf()
        self.diagnostics.refused.extend(r for r in self.fetcher.refused if r not in self.diagnostics.refused)
        self.refuse(artefact)
        return data

    def messages(self, artefact: str) -> list[BuildWarning]:
        """WeasyPrint's warnings, named for the artefact they came from; its one line per
        character no font has becomes one line for them all."""
        missing: dict[str, None] = {}
        messages = []
        for warning in self.diagnostics.warnings:
            if (match := _NO_ALT.search(warning)) and match[1] in self.decorative_sources:
                continue  # alt="": decorative on purpose, written as an artifact
            if match := _NOTDEF.search(warning):
                missing.update(dict.fromkeys(match[1]))
            else:
                messages.append(BuildWarning("weasyprint", f"WeasyPrint: {warning}", artefact))
        if missing:
            shown = " ".join(list(missing)[:12]) + (" ..." if len(missing) > 12 else "")
            what = f"{len(missing)} character(s) printed as empty boxes, no font has them: {shown}"
            messages.append(BuildWarning(GLYPH_CODE, what, artefact))
        return messages

    def write_pdf(self, variant: str | None = None) -> bytes:
        """The tagged PDF (PDF/UA-1 when `variant` says so), finished for accessibility:
        what the HTML hides from screen readers (aria-hidden, alt="") becomes artifacts."""
        from . import pdftags

        decorative, pictures, alts = self._marked_boxes()
        with captured_warnings(self.diagnostics.warnings), _noting_marks(decorative, pictures) as noted:
            data = self.document.write_pdf(pdf_tags=True, pdf_variant=variant)
        self.diagnostics.refused.extend(r for r in self.fetcher.refused if r not in self.diagnostics.refused)
        hidden, shown = noted
        figures = [(page, alts[group], mcids) for (page, group), mcids in shown.items()]
        return pdftags.finish(data, hidden, figures, lang=self.document.metadata.lang)

    @cached_property
    def decorative_sources(self) -> set[str]:
        """The addresses of images the HTML marks decorative (alt="" or hidden)."""
        sources = set()
        for page in self.document.pages:
            for box, hidden, _ in _walk(page._page_box, False, None):
                element = getattr(box, "element", None)
                if hidden and element is not None and element.tag == "img":
                    sources.add(element.get("src", ""))
        return sources

    def _marked_boxes(self) -> tuple[dict[int, int], dict[int, tuple[int, int]], list[str]]:
        """By id(): every text and replaced box the HTML hides from assistive technology, with
        the index of its page; every one inside a picture made of HTML (`role="img"` with an
        `aria-label`, such as a slide's thumbnail), with its page and the picture's number;
        and the pictures' labels."""
        from weasyprint.formatting_structure import boxes

        decorative: dict[int, int] = {}
        pictures: dict[int, tuple[int, int]] = {}
        alts: list[str] = []
        numbers: dict[int, int] = {}
        for index, page in enumerate(self.document.pages):
            for box, hidden, picture in _walk(page._page_box, False, None):
                if not isinstance(box, (boxes.TextBox, boxes.ReplacedBox)):
                    continue
                if hidden:
                    decorative[id(box)] = index
                elif picture is not None:
                    if id(picture) not in numbers:
                        numbers[id(picture)] = len(alts)
                        alts.append(picture.get("aria-label", ""))
                    pictures[id(box)] = (index, numbers[id(picture)])
        return decorative, pictures, alts

    def fill(self, index: int) -> float:
        """How much of page `index`'s content area its content reaches down (0 to 1)."""
        page = self.document.pages[index]._page_box
        top = page.content_box_y()
        bottom = max((_bottom(box) for box in _flow_boxes(page)), default=top)
        return max(0.0, min(1.0, (bottom - top) / page.height)) if page.height else 0.0

    def first_marked(self, index: int, attribute: str) -> tuple[str, str] | None:
        """On page `index`, the innermost element carrying `attribute` around its first line:
        the attribute's value and the start of its text."""
        from weasyprint.formatting_structure import boxes

        marked = None
        for child in self.document.pages[index]._page_box.children:
            if isinstance(child, boxes.MarginBox):
                continue
            for box in child.descendants(placeholders=True):
                element = getattr(box, "element", None)
                if element is not None and element.get(attribute):
                    marked = element
                if isinstance(box, boxes.LineBox):
                    if marked is None:
                        return None
                    return marked.get(attribute), " ".join(_visible_text(marked).split())
        return None

    def overflows(self, index: int, container_class: str) -> list[tuple[object, float, float]]:
        """For every element with class `container_class` on page `index`: the element, and how
        far (px) its content reaches below and right of it (0 when it stays inside)."""
        from weasyprint.formatting_structure import boxes

        found = []
        page = self.document.pages[index]._page_box
        for container in page.descendants(placeholders=True):
            if not _has_class(container, container_class):
                continue
            bottom_limit = container.content_box_y() + container.height
            right_limit = container.content_box_x() + container.width
            below = right = 0.0
            for box in container.descendants(placeholders=True):
                if isinstance(box, boxes.LineBox):
                    below = max(below, box.position_y + box.height - bottom_limit)
                if isinstance(box, (boxes.TextBox, boxes.InlineReplacedBox, boxes.BlockReplacedBox)):
                    right = max(right, box.position_x + box.margin_width() - right_limit)
                    below = max(below, box.position_y + box.margin_height() - bottom_limit)
            found.append((container.element, max(0.0, below), max(0.0, right)))
        return found

    def frames(self, container_class: str, attribute: str) -> list[Frame]:
        """Every element with class `container_class`, page by page: its `attribute` and its
        content box in PDF points, measured from the page's bottom left as PDF does."""
        found = []
        for index, page in enumerate(self.document.pages):
            page_box = page._page_box
            for box in page_box.descendants(placeholders=True):
                if not _has_class(box, container_class):
                    continue
                top = box.content_box_y() + box.height
                found.append(
                    Frame(
                        index,
                        box.element.get(attribute) or "",
                        box.content_box_x() * PT_PER_PX,
                        (page.height - top) * PT_PER_PX,
                        box.width * PT_PER_PX,
                        box.height * PT_PER_PX,
                    )
                )
        return found

    def spills(self, index: int, container_class: str | None = None, tolerance: float = 1.0) -> list[Spill]:
        """Every laid-out box on page `index` (text and images alike) that reaches out of its
        container, the element with class `container_class` (None: the page's content area),
        by more than `tolerance` px: one Spill per container, for the box that reaches
        furthest, with the `data-where` of the innermost element around that box."""
        from weasyprint.formatting_structure import boxes

        page = self.document.pages[index]._page_box
        found: list[Spill] = []
        if container_class is None:
            area = (page.content_box_x(), page.content_box_y(), page.width, page.height)
            for child in page.children:
                if not isinstance(child, boxes.MarginBox):
                    found.extend(_spills_in(child, area, None, "", tolerance))
            return _worst_per_container(found)
        for container in _containers(page, container_class):
            area = (container.content_box_x(), container.content_box_y(), container.width, container.height)
            where = container.element.get("data-where", "") if container.element is not None else ""
            found.extend(_spills_in(container, area, container.element, where, tolerance))
        return _worst_per_container(found)

    def first_placed_text(self, index: int) -> tuple[str, str] | None:
        """On page `index`, the first line of text inside an element with `data-where` (a
        repeated table header is passed over): that place and the element's text."""
        from weasyprint.formatting_structure import boxes

        page = self.document.pages[index]._page_box
        for child in page.children:
            if isinstance(child, boxes.MarginBox):
                continue
            for box, element in _walk_marked(child, None):
                if element is not None and isinstance(box, boxes.TextBox) and box.text.strip():
                    return element.get("data-where"), " ".join(_visible_text(element).split())
        return None

    def images(self, index: int) -> list[Placed]:
        """The images drawn on page `index`: their box (px) and the `data-where` around them."""
        placed: list[Placed] = []
        page = self.document.pages[index]._page_box
        for box, where in _walk_where(page, ""):
            if _is_image(box):
                x, y = box.content_box_x(), box.content_box_y()
                src = box.element.get("src", "") if box.element is not None else ""
                natural = _natural_width(box)
                placed.append(Placed(src, where, (x, y, x + box.width, y + box.height), natural))
        return placed

    def font_families(self) -> set[str]:
        """Families actually embedded (known once `write_pdf` has run)."""
        return {
            font.family.decode() if isinstance(font.family, bytes) else str(font.family)
            for font in self.document.fonts.values()
        }


def _hides(element: Any) -> bool:
    """Whether the HTML element is hidden from assistive technology: aria-hidden, a
    presentational role, or an image with an empty alt text (decorative by HTML's rules)."""
    if element.get("aria-hidden") == "true" or element.get("role") in ("presentation", "none"):
        return True
    return bool(element.tag == "img" and element.get("alt") == "")


def _walk(box: Any, hidden: bool, picture: Any) -> Iterator[tuple[Any, bool, Any]]:
    """Every box under `box` (placeholders resolved), with whether the HTML hides it and the
    element of the HTML picture (role="img" with a label) it belongs to, if any."""
    from weasyprint.layout.absolute import AbsolutePlaceholder

    if isinstance(box, AbsolutePlaceholder):
        box = box._box
    element = getattr(box, "element", None)
    own = element is not None and getattr(box, "element_tag", None) == element.tag
    hidden = hidden or (own and _hides(element))
    if own and picture is None and _is_picture(element):
        picture = element
    yield box, hidden, picture
    for child in getattr(box, "children", ()):
        yield from _walk(child, hidden, picture)


def _is_picture(element: Any) -> bool:
    """An element that is one picture to a screen reader, told by its label (a slide's
    thumbnail); <img> and <svg> are figures of their own already."""
    own_figure = element.tag in ("img", "{http://www.w3.org/2000/svg}svg", "svg")
    return element.get("role") == "img" and bool(element.get("aria-label")) and not own_figure


_MARKS_LOCK = threading.Lock()
# HTML elements WeasyPrint 70 tags as /NonStruct that have a standard structure type.
_STRUCTURE_TYPES = {"q": "Quote", "code": "Code"}


@contextlib.contextmanager
def _noting_marks(
    decorative: dict[int, int], pictures: dict[int, tuple[int, int]]
) -> Iterator[tuple[dict[int, set[int]], dict[tuple[int, int], list[int]]]]:
    """While WeasyPrint writes, note the marked-content ids (per page) it gives to the boxes
    in `decorative`, so they can be made artifacts afterwards, and name quotes as quotes.
    WeasyPrint tags every text and image as content and has no switch for this; its drawing
    is only observed, not changed."""
    from weasyprint.pdf import tags
    from weasyprint.pdf.stream import Stream

    noted: dict[int, set[int]] = {}
    shown: dict[tuple[int, int], list[int]] = {}
    original = getattr(Stream, "marked", None)
    original_tag = getattr(tags, "_get_pdf_tag", None)
    if original is None or original_tag is None:  # another WeasyPrint: `check` will say what is missing
        yield noted, shown
        return

    def pdf_tag(tag: str) -> Any:
        return _STRUCTURE_TYPES.get(tag) or original_tag(tag)

    def marked(stream: Any, box: Any, tag: str) -> Any:
        page = decorative.get(id(box))
        if page is not None and stream._tags is not None:
            noted.setdefault(page, set()).add(len(stream._tags))  # the id `marked` is about to give
        elif id(box) in pictures and stream._tags is not None:
            shown.setdefault(pictures[id(box)], []).append(len(stream._tags))
        return original(stream, box, tag)

    with _MARKS_LOCK:
        Stream.marked, tags._get_pdf_tag = marked, pdf_tag
        try:
            yield noted, shown
        finally:
            Stream.marked, tags._get_pdf_tag = original, original_tag


@dataclass(frozen=True)
class Spill:
    """A box that reaches out of its container: how far (px) on each side, what it is (text
    or image) and where in the talk it comes from."""

    container: object  # the container's element (None: the page's content area)
    where: str
    kind: str  # "text" or "image"
    text: str
    left: float = 0.0
    right: float = 0.0
    above: float = 0.0
    below: float = 0.0

    @property
    def worst(self) -> float:
        return max(self.left, self.right, self.above, self.below)

    def describe(self, unit: str = "px") -> str:
        """`12 px below, 3 px past the right edge`, in px or mm."""
        factor = 25.4 / 96 if unit == "mm" else 1.0
        sides = (
            (self.below, "below"),
            (self.right, "past the right edge"),
            (self.left, "past the left edge"),
            (self.above, "above the top"),
        )
        return ", ".join(
            f"{amount * factor:.{1 if unit == 'mm' else 0}f} {unit} {side}"
            for amount, side in sides
            if amount > 0
        )


@dataclass(frozen=True)
class Placed:
    """An image on a page: its file, its place in the talk and its box (x0, y0, x1, y1 in px)."""

    src: str
    where: str
    box: tuple[float, float, float, float]
    natural_width: float | None = None  # px, at its own size (None: it has none, e.g. some SVG)

    @property
    def shrunk(self) -> bool:
        """Drawn smaller than its own size: its box, not its author, decided how big it is."""
        return self.natural_width is None or self.width < self.natural_width - 0.5

    @property
    def width(self) -> float:
        return self.box[2] - self.box[0]

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]


def _natural_width(box: Any) -> float | None:
    try:
        width, _, _ = box.replacement.get_intrinsic_size(
            box.style["image_resolution"], box.style["font_size"]
        )
    except Exception:  # an image kind that cannot tell: treat it as held to its box
        return None
    return float(width) if width is not None else None


def _is_image(box: Any) -> bool:
    from weasyprint.formatting_structure import boxes

    return isinstance(box, (boxes.InlineReplacedBox, boxes.BlockReplacedBox))


def _walk_where(box: Any, where: str) -> Iterator[tuple[Any, str]]:
    """Every box under `box` (itself included) with the `data-where` of the innermost
    element around it."""
    box = getattr(box, "_box", box)  # an absolutely positioned box, behind its placeholder
    element = getattr(box, "element", None)
    if element is not None and element.get("data-where"):
        where = element.get("data-where")
    yield box, where
    for child in getattr(box, "children", ()) or ():
        yield from _walk_where(child, where)


def _walk_marked(box: Any, marked: Any) -> Iterator[tuple[Any, Any]]:
    box = getattr(box, "_box", box)
    element = getattr(box, "element", None)
    if element is not None and element.get("data-where"):
        marked = element
    yield box, marked
    for child in getattr(box, "children", ()) or ():
        yield from _walk_marked(child, marked)


def _containers(page: Any, name: str) -> Iterator[Any]:
    for box in page.descendants(placeholders=True):
        if _has_class(box, name):
            yield box


def _spills_in(
    container: Any, area: tuple[float, float, float, float], element: Any, where: str, tolerance: float
) -> list[Spill]:
    from weasyprint.formatting_structure import boxes

    left_limit, top_limit, width, height = area
    right_limit, bottom_limit = left_limit + width, top_limit + height
    found = []
    for box, box_where in _walk_where(container, where):
        image = _is_image(box)
        if not (image or isinstance(box, boxes.TextBox)):
            continue
        if isinstance(box, boxes.TextBox) and not box.text.strip():
            continue
        x, y = box.position_x, box.position_y
        sides = {
            "left": left_limit - x,
            "right": x + box.margin_width() - right_limit,
            "above": top_limit - y,
            "below": y + box.margin_height() - bottom_limit,
        }
        if image:  # an image's own margins may sit outside; its picture may not
            x, y = box.content_box_x(), box.content_box_y()
            sides = {
                "left": left_limit - x,
                "right": x + box.width - right_limit,
                "above": top_limit - y,
                "below": y + box.height - bottom_limit,
            }
        sides = {side: amount for side, amount in sides.items() if amount > tolerance}
        if sides:
            text = box.element.get("alt", "") if image else box.text
            found.append(Spill(element, box_where, "image" if image else "text", text or "", **sides))
    return found


def _worst_per_container(found: list[Spill]) -> list[Spill]:
    worst: dict[int, Spill] = {}
    for spill in found:
        key = id(spill.container)
        if key not in worst or spill.worst > worst[key].worst:
            worst[key] = spill
    return list(worst.values())


def _flow_boxes(page_box: Any) -> Iterator[Any]:
    """Line boxes of the page's flowing content (not its margin boxes), in order."""
    from weasyprint.formatting_structure import boxes

    for child in page_box.children:
        if isinstance(child, boxes.MarginBox):
            continue
        for box in child.descendants(placeholders=True):
            if isinstance(box, boxes.LineBox):
                yield box


def _has_class(box: Any, name: str) -> bool:
    """Whether `box` is the (first) block or inline-block box of an element with class `name`."""
    from weasyprint.formatting_structure import boxes

    element = getattr(box, "element", None)
    if element is None or not isinstance(box, (boxes.BlockContainerBox, boxes.InlineBlockBox)):
        return False
    return name in (element.get("class") or "").split() and box.element_tag == element.tag


def _visible_text(element: Any, tail: str = "") -> str:
    """The element's text, leaving out decorations marked aria-hidden (hanging numerals)."""
    if element.get("aria-hidden") == "true":
        return tail
    inner = "".join(_visible_text(child, child.tail or "") for child in element)
    return (element.text or "") + inner + tail


def _bottom(box: Any) -> float:
    bottom: float = box.position_y + box.margin_height()
    return bottom


_STYLE = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.S | re.I)
_DECLARED = re.compile(r"(?<![\w-])(--[\w-]+)\s*:")
_ROOT_RULE = re.compile(r":root\s*\{([^{}]*)\}")
_ROOT_DECLARATION = re.compile(r"(--[\w-]+)\s*:\s*([^;{}]*?)\s*(?:;|$)")
_USE = re.compile(r"var\(\s*(--[\w-]+)\s*\)")


def resolved_custom_properties(html: str) -> str:
    """`html` with every `var(--name)` in its style sheets replaced by the value, for the
    custom properties declared once, in a top-level `:root` rule, and nowhere else (not in a
    `style` attribute, not in another rule): those have that value on every element, so the
    page does not change, and WeasyPrint need not resolve them for each element (measured: a
    tenth of a 120-slide deck's layout time). Everything else is left as it is."""
    sheets = [match[2] for match in _STYLE.finditer(html)]
    if not sheets:
        return html
    declared: dict[str, int] = {}
    for match in _DECLARED.finditer(html):
        declared[match[1]] = declared.get(match[1], 0) + 1
    values: dict[str, str] = {}
    for sheet in sheets:
        for rule in _ROOT_RULE.finditer(sheet):
            before = sheet[: rule.start()]
            if before.count("{") != before.count("}"):  # inside @media or the like
                continue
            for name, value in _ROOT_DECLARATION.findall(rule[1]):
                if declared.get(name) == 1 and value and "!" not in value:
                    values[name] = value
    if not values:
        return html

    def substitute(text: str) -> str:
        for _ in range(4):  # values that name other properties
            text, count = _USE.subn(lambda use: values.get(use[1], use[0]), text)
            if not count:
                break
        return text

    return _STYLE.sub(lambda match: match[1] + substitute(match[2]) + match[3], html)


def lay_out(
    html: str, content_dir: Path, template_roots: Sequence[Path], network_timeout: float | None = None
) -> Layout:
    """Lay out `html` as paged media; relative addresses resolve in `content_dir`, stylesheets
    and fonts may also come from `template_roots` (and files from the web, within
    `network_timeout` seconds, when that is given)."""
    fetcher = ProjectFetcher(content_dir, template_roots, network_timeout)
    diagnostics = Diagnostics()
    html = resolved_custom_properties(html)
    with captured_warnings(diagnostics.warnings):
        page = HTML(string=_without_local_links(html), base_url=TALK_BASE_URL, url_fetcher=fetcher)
        document = page.render(pdf_tags=True)
    diagnostics.refused.extend(fetcher.refused)
    return Layout(document, fetcher, diagnostics)


_LOCAL_LINK = re.compile(r'(<a\b[^>]*?)\s+href="(?![a-zA-Z][a-zA-Z0-9+.-]*:|#)[^"]*"')


def _without_local_links(html: str) -> str:
    """A link to a file beside the talk keeps its text but loses its address in a PDF: the PDF
    travels without the file, and the address would be a path on this machine."""
    return _LOCAL_LINK.sub(r"\1", html)
