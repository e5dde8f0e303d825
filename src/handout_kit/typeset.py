"""How addresses and quotations are set in print: the small typesetting rules every artefact shares."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# Where an address may break (after the scheme's "//", before "/", ".", "-", "_", "?", "#", "&",
# "=", "~", "%"), as The Chicago Manual of Style advises: never after its own hyphen, so a line
# ending in "-" is never taken for a hyphenated word.
_BREAK_BEFORE = re.compile(r"(?=[/.\-_?#&=~%@])")
# Longer pieces may still break anywhere (overflow-wrap) rather than run out of their box.
_LONGEST_KEPT_WHOLE = 28
QUOTATION_MARKS = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u201a\u2039\u203a"


def shown_address(url: str) -> str:
    """The address as a reader types it: no `https://`, and `mailto:` shows the address."""
    for scheme in ("mailto:", "https://", "http://"):
        if url.lower().startswith(scheme):
            return url[len(scheme) :]
    return url


def url_text(url: str) -> Markup:
    """An address as printed: without its scheme, in pieces that do not break inside, with a
    line-break opportunity (<wbr>) only where a reader expects one."""
    shown = shown_address(str(url))
    pieces = [piece for piece in _BREAK_BEFORE.split(shown) if piece]
    parts = []
    for piece in pieces:
        text = escape(piece)
        if len(piece) <= _LONGEST_KEPT_WHOLE:
            text = Markup('<span class="url-part">') + text + Markup("</span>")
        parts.append(text)
    return Markup('<span class="url">') + Markup("<wbr>").join(parts) + Markup("</span>")


def unquoted(source: str) -> tuple[str, bool]:
    """`source` without the quotation marks around it (a quote is set in marks by the
    template); and whether it had them."""
    text = source.strip()
    if len(text) >= 2 and text[0] in QUOTATION_MARKS and text[-1] in QUOTATION_MARKS:
        return text[1:-1].strip(), True
    return source, False
