"""Markdown to safe HTML, once, at model time: raw HTML off, unsafe links refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
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


# Words set in a `<span class="name">` (never hyphenated, see base/theme.css): names of people,
# places and products. A capital marks a name in most languages, but not in German (and
# Luxembourgish), where every noun has one and long nouns must keep hyphenating; there only
# words with an inner capital or a digit (WeasyPrint, McDonald, COVID-19) count as names.
NOUNS_CAPITALISED = frozenset({"de", "lb"})
NAME_MIN_LETTERS = 5  # a shorter word is never hyphenated anyway (hyphenate-limit-chars)
# A longer word (or part of a hyphenated one) is left to hyphenation: it may not fit a line,
# and then it breaks somewhere anyway; better where the dictionary says.
NAME_MAX_LETTERS = 20
_PIECES = re.compile(r"(?P<word>\w+(?:['\u2019-]\w+)*)|(?P<end>[.!?\u2026]+)|(?P<other>\W)", re.UNICODE)


def _is_name(word: str, sentence_start: bool, language: str, capitals: bool = True) -> bool:
    """Whether `word` reads as a name that must not be hyphenated (Montréal, iPhone, WeasyPrint,
    COVID-19), in `language`: an inner capital, or a digit among letters; where a capital
    marks a name (`capitals`, and not in German), a capital not at a sentence's start, or at a
    sentence's start, in English, a capital word with letters outside ASCII (Zürich, Kraków),
    since English words rarely have them."""
    if len(word) < NAME_MIN_LETTERS or not any(c.isalpha() for c in word):
        return False
    if max(len(part) for part in word.split("-")) > NAME_MAX_LETTERS:
        return False
    if any(c.isupper() for part in word.split("-") for c in part[1:]) or any(c.isdigit() for c in word):
        return True  # an inner capital: not the first of a hyphenated part (Self-Organizing)
    if not capitals or not word[0].isupper() or language in NOUNS_CAPITALISED:
        return False
    if not sentence_start:
        return True
    return language == "en" and not word.isascii()


def _protect_names(tokens: list[Token], language: str) -> None:
    """Set each name in running text (`_is_name`) in a `<span class="name">`, so that prose
    hyphenates while names of people and places stay whole. A word found to be a name
    anywhere in the text is one at a sentence's start too. Text inside links, images and
    code is left as it is (links are never hyphenated; alt text and code stay plain)."""
    base = language.lower().replace("_", "-").split("-")[0]
    inlines = [token for token in tokens if token.type == "inline" and token.children]
    read = [(token, list(_words(token.children or []))) for token in inlines]
    names: set[str] = set()
    for _, children in read:
        capitals = not _title_case(children)  # In a Title Case Heading capitals mark no names
        names.update(word for word, start in _pieces_of(children) if _is_name(word, start, base, capitals))
    for token, children in read:
        rebuilt: list[Token] = []
        for child, pieces in children:
            if not pieces:
                rebuilt.append(child)
                continue
            plain: list[str] = []
            for text, _ in pieces:
                if text in names:
                    _append(rebuilt, "text", "".join(plain))
                    _append(rebuilt, "html_inline", Markup('<span class="name">%s</span>') % text)
                    plain = []
                else:
                    plain.append(text)
            _append(rebuilt, "text", "".join(plain))
        token.children = rebuilt


def _words(children: list[Token]) -> Iterator[tuple[Token, list[tuple[str, bool]]]]:
    """Each child of an inline token with, for running text outside links, its pieces (a word,
    a mark, a space) and whether each comes at a sentence's start; other children have none."""
    start, in_link = True, 0
    for child in children:
        in_link += (child.type == "link_open") - (child.type == "link_close")
        if child.type != "text" or in_link:
            start = start and child.type != "code_inline"
            yield child, []
            continue
        pieces = []
        for match in _PIECES.finditer(child.content):
            pieces.append((match[0], start))
            if match["word"]:
                start = False
            elif match["end"]:
                start = True
        yield child, pieces


def _pieces_of(children: list[tuple[Token, list[tuple[str, bool]]]]) -> Iterator[tuple[str, bool]]:
    return (piece for _, pieces in children for piece in pieces)


def _title_case(children: list[tuple[Token, list[tuple[str, bool]]]]) -> bool:
    """Whether a line is set in Title Case: three of four of its words of three letters or more,
    past its first, capitalised (a sentence full of names rarely gets there)."""
    words = [
        word for word, start in _pieces_of(children) if not start and len(word) > 2 and word[0].isalpha()
    ]
    return len(words) >= 3 and sum(word[0].isupper() for word in words) * 4 >= len(words) * 3


def _append(children: list[Token], kind: str, content: str) -> None:
    if content:
        made = Token(kind, "", 0)
        made.content = str(content)
        children.append(made)


def _bracket_spaced_targets(source: str) -> str:
    return _SPACED_TARGET.sub(lambda m: f"{m[1]}(<{m[2].strip()}>)", source) if "](" in source else source


def render_inline(source: str, language: str = "en") -> Text:
    """One line or paragraph of Markdown, without a wrapping <p>, typeset for `language`."""
    md = _parser(language)
    _refused.clear()
    tokens = md.parseInline(_bracket_spaced_targets(source))
    _set_addresses(tokens)
    _protect_names(tokens, language)
    html = md.renderer.render(tokens, md.options, {})
    return Text(source, Markup(html), _images(tokens), tuple(_refused), _missing_alt(tokens), language)


def render_block(source: str, language: str = "en") -> Text:
    """Markdown that may hold paragraphs, lists and quotes, typeset for `language`."""
    md = _parser(language)
    _refused.clear()
    tokens = md.parse(_bracket_spaced_targets(source))
    _set_addresses(tokens)
    _protect_names(tokens, language)
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
