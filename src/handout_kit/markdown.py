"""Markdown to safe HTML, once, at model time: raw HTML off, unsafe links refused."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import Markup

_refused: list[str] = []


@cache
def _parser(language: str = "en") -> MarkdownIt:
    # CommonMark with raw HTML off. Typographer gives real dashes and quotes for text typed
    # with straight ones: the quotation marks of the talk's language.
    from .i18n import quotes_for

    md = MarkdownIt("commonmark", {"html": False, "typographer": True, "quotes": list(quotes_for(language))})
    md.enable(["replacements", "smartquotes", "strikethrough"])
    if language.lower().split("-")[0] == "fr":
        md.core.ruler.push("french_spacing", _french_spacing)
    md.validateLink = _allowed_link  # type: ignore[method-assign]  # markdown-it-py's hook for it
    return md


def _french_spacing(state: StateCore) -> None:
    from .i18n import french_spacing

    for token in state.tokens:
        for child in token.children or ():
            if child.type == "text":
                child.content = french_spacing(child.content)


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
    language: str = "en"

    def __html__(self) -> str:
        return str(self.html)

    def __str__(self) -> str:
        return self.source

    @property
    def plain(self) -> str:
        """The text without markup, for PDF metadata, titles and alt text."""
        return plain_text(self.source)


# `![photo](my photo.png)`: CommonMark wants a file name with spaces in angle brackets, and
# without them leaves the whole thing as text; people write it plainly, so it is bracketed here.
_SPACED_TARGET = re.compile(r"(!?\[[^\]\n]*\])\(([^()<>\"'\n]*?[^()<>\"'\s][ \t]+[^()<>\"'\n]*?)\)")


def _set_addresses(tokens: list[Token]) -> None:
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


def _bracket_spaced_targets(source: str) -> str:
    return _SPACED_TARGET.sub(lambda m: f"{m[1]}(<{m[2].strip()}>)", source) if "](" in source else source


def render_inline(source: str, language: str = "en") -> Text:
    """One line or paragraph of Markdown, without a wrapping <p>, typeset for `language`."""
    md = _parser(language)
    _refused.clear()
    tokens = md.parseInline(_bracket_spaced_targets(source))
    _set_addresses(tokens)
    html = md.renderer.render(tokens, md.options, {})
    return Text(source, Markup(html), _images(tokens), tuple(_refused), _missing_alt(tokens), language)


def render_block(source: str, language: str = "en") -> Text:
    """Markdown that may hold paragraphs, lists and quotes, typeset for `language`."""
    md = _parser(language)
    _refused.clear()
    tokens = md.parse(_bracket_spaced_targets(source))
    _set_addresses(tokens)
    html = md.renderer.render(tokens, md.options, {})
    return Text(source, Markup(html), _images(tokens), tuple(_refused), _missing_alt(tokens), language)


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


def _missing_alt(tokens: list[Token]) -> tuple[str, ...]:
    found: list[str] = []
    for token in tokens:
        if token.type == "image" and not (token.content or "").strip():
            found.append(str(token.attrGet("src") or ""))
        if token.children:
            found.extend(_missing_alt(token.children))
    return tuple(found)


def _images(tokens: list[Token]) -> tuple[str, ...]:
    found: list[str] = []
    for token in tokens:
        if token.type == "image":
            found.append(str(token.attrGet("src") or ""))
        if token.children:
            found.extend(_images(token.children))
    return tuple(found)
