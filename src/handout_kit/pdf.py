"""The one place that talks to WeasyPrint: a locked-down fetcher, captured logs, measured pages."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from weasyprint import HTML, Document
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import network

PT_PER_PX = 0.75  # WeasyPrint lays out in CSS px; PDF measures in points.
_NOTDEF = re.compile(r'^\.notdef glyph rendered for Unicode string unsupported by fonts: "(.*)"')


class ProjectFetcher(URLFetcher):
    """Fetches only `data:` URLs and files under the given roots, plus web addresses when a
    network timeout is given (`--allow-network`); records what it refused."""

    def __init__(self, roots: Sequence[Path], network_timeout: float | None = None) -> None:
        super().__init__(allowed_protocols={"file", "data"}, timeout=1)
        self.roots = [root.resolve() for root in roots]
        self.network_timeout = network_timeout
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None):
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlsplit(url).path)).resolve()
            if path.is_file() and any(path.is_relative_to(root) for root in self.roots):
                return super().fetch(url, headers)
            reason = "not found" if not path.exists() else "outside the talk's folder"
            self.refused.append(f"{path} ({reason})")
            raise ValueError(f"refused {url}: {reason}")
        if self.network_timeout is not None and network.is_remote(url):
            try:
                data, kind = network.fetch(url, self.network_timeout)
            except network.RemoteFileError as error:
                self.refused.append(str(error))
                raise ValueError(str(error)) from None
            return URLFetcherResponse(url, data, {"Content-Type": kind})
        self.refused.append(f"{url} (network access is off; --allow-network turns it on)")
        raise ValueError(f"refused {url}: network access is off")


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

    def refuse(self, artefact: str) -> None:
        """A file the templates asked for and did not get is an error, never a silent gap."""
        from .errors import ResourceError

        if self.diagnostics.refused:
            raise ResourceError(f"{artefact}: could not load " + "; ".join(self.diagnostics.refused))

    def pdf(self, artefact: str) -> bytes:
        """The PDF's bytes, checked again: attachments are fetched only while writing."""
        data = self.write_pdf()
        self.refuse(artefact)
        return data

    def messages(self, artefact: str) -> list[str]:
        """WeasyPrint's warnings, named for the artefact they came from; its one line per
        character no font has becomes one line for them all."""
        missing: dict[str, None] = {}
        messages = []
        for warning in self.diagnostics.warnings:
            if match := _NOTDEF.search(warning):
                missing.update(dict.fromkeys(match[1]))
            else:
                messages.append(f"{artefact}: WeasyPrint: {warning}")
        if missing:
            shown = " ".join(list(missing)[:12]) + (" ..." if len(missing) > 12 else "")
            what = f"{len(missing)} character(s) printed as empty boxes, no font has them"
            messages.append(f"{artefact}: {what}: {shown}")
        return messages

    def write_pdf(self) -> bytes:
        with captured_warnings(self.diagnostics.warnings):
            data = self.document.write_pdf(pdf_tags=True)
        self.diagnostics.refused.extend(r for r in self.fetcher.refused if r not in self.diagnostics.refused)
        return data

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

    def font_families(self) -> set[str]:
        """Families actually embedded (known once `write_pdf` has run)."""
        return {
            font.family.decode() if isinstance(font.family, bytes) else str(font.family)
            for font in self.document.fonts.values()
        }


def _flow_boxes(page_box):
    """Line boxes of the page's flowing content (not its margin boxes), in order."""
    from weasyprint.formatting_structure import boxes

    for child in page_box.children:
        if isinstance(child, boxes.MarginBox):
            continue
        for box in child.descendants(placeholders=True):
            if isinstance(box, boxes.LineBox):
                yield box


def _has_class(box, name: str) -> bool:
    """Whether `box` is the (first) block or inline-block box of an element with class `name`."""
    from weasyprint.formatting_structure import boxes

    element = getattr(box, "element", None)
    if element is None or not isinstance(box, (boxes.BlockContainerBox, boxes.InlineBlockBox)):
        return False
    return name in (element.get("class") or "").split() and box.element_tag == element.tag


def _visible_text(element, tail: str = "") -> str:
    """The element's text, leaving out decorations marked aria-hidden (hanging numerals)."""
    if element.get("aria-hidden") == "true":
        return tail
    inner = "".join(_visible_text(child, child.tail or "") for child in element)
    return (element.text or "") + inner + tail


def _bottom(box) -> float:
    return box.position_y + box.margin_height()


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


def lay_out(html: str, base_dir: Path, roots: Sequence[Path], network_timeout: float | None = None) -> Layout:
    """Lay out `html` as paged media; files resolve against `base_dir`, only inside `roots`
    (and the web, within `network_timeout` seconds, when that is given)."""
    fetcher = ProjectFetcher([base_dir, *roots], network_timeout)
    diagnostics = Diagnostics()
    html = resolved_custom_properties(html)
    with captured_warnings(diagnostics.warnings):
        document = HTML(string=html, base_url=f"{base_dir.resolve().as_uri()}/", url_fetcher=fetcher).render(
            pdf_tags=True
        )
    diagnostics.refused.extend(fetcher.refused)
    return Layout(document, fetcher, diagnostics)
