"""Markdown to safe HTML, once, at model time: raw HTML off, unsafe links refused."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from markdown_it import MarkdownIt
from markupsafe import Markup

_refused: list[str] = []


@cache
def _parser() -> MarkdownIt:
    # CommonMark with raw HTML off. Typographer gives real dashes and quotes for text typed
    # with straight ones.
    md = MarkdownIt("commonmark", {"html": False, "typographer": True})
    md.enable(["replacements", "smartquotes", "strikethrough"])
    md.validateLink = _allowed_link
    return md


def _allowed_link(url: str) -> bool:
    """Web, mail and relative addresses only: no javascript:, file:, data: or other schemes.
    Refusals are remembered so validation can name them, not just drop the link."""
    scheme = url.split(":", 1)[0].lower() if ":" in url.split("/", 1)[0] else ""
    if scheme in {"", "http", "https", "mailto"} and not url.startswith("//"):
        return True
    _refused.append(url)
    return False


@dataclass(frozen=True)
class Text:
    """A piece of the user's Markdown: its source, its HTML, and the images it names."""

    source: str
    html: Markup
    images: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()
    images_without_alt: tuple[str, ...] = ()

    def __html__(self) -> str:
        return str(self.html)

    def __str__(self) -> str:
        return self.source

    @property
    def plain(self) -> str:
        """The text without markup, for PDF metadata, titles and alt text."""
        return plain_text(self.source)


def _set_addresses(tokens) -> None:
    """An address written as a link (`<https://...>`) prints as addresses do everywhere in
    the kit: breaking only at its slashes and dots, never at its own hyphens."""
    from markdown_it.token import Token

    from .typeset import url_text

    for token in tokens:
        children = token.children or []
        for index, child in enumerate(children[:-1]):
            following = children[index + 1]
            if child.type == "link_open" and child.markup == "autolink" and following.type == "text":
                replacement = Token("html_inline", "", 0)
                replacement.content = str(url_text(following.content))
                children[index + 1] = replacement


def render_inline(source: str) -> Text:
    """One line or paragraph of Markdown, without a wrapping <p>."""
    md = _parser()
    _refused.clear()
    tokens = md.parseInline(source)
    _set_addresses(tokens)
    html = md.renderer.render(tokens, md.options, {})
    return Text(source, Markup(html), _images(tokens), tuple(_refused), _missing_alt(tokens))


def render_block(source: str) -> Text:
    """Markdown that may hold paragraphs, lists and quotes."""
    md = _parser()
    _refused.clear()
    tokens = md.parse(source)
    _set_addresses(tokens)
    html = md.renderer.render(tokens, md.options, {})
    return Text(source, Markup(html), _images(tokens), tuple(_refused), _missing_alt(tokens))


def plain_text(source: str) -> str:
    """Markdown source reduced to its words."""
    md = _parser()
    words: list[str] = []
    for token in md.parseInline(source):
        for child in token.children or ():
            if child.type in {"text", "code_inline"}:
                words.append(child.content)
            elif child.type in {"softbreak", "hardbreak"}:
                words.append(" ")
    return "".join(words).strip()


def _missing_alt(tokens) -> tuple[str, ...]:
    found: list[str] = []
    for token in tokens:
        if token.type == "image" and not (token.content or "").strip():
            found.append(str(token.attrGet("src") or ""))
        if token.children:
            found.extend(_missing_alt(token.children))
    return tuple(found)


def _images(tokens) -> tuple[str, ...]:
    found: list[str] = []
    for token in tokens:
        if token.type == "image":
            found.append(str(token.attrGet("src") or ""))
        if token.children:
            found.extend(_images(token.children))
    return tuple(found)
