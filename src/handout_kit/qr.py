"""QR codes as inline vector SVG, so they print sharp at any size."""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(url: str, color: str = "#000000", title: str | None = None) -> Markup:
    """An <svg> element encoding `url`, sized by CSS (no width or height of its own). Its
    <title> says where the code leads: the image's name for a screen reader, and the /Alt
    of its /Figure in the PDF."""
    code = segno.make(url, error="m", micro=False)
    title = title or f"QR code: {url}"
    svg = code.svg_inline(dark=color, border=0, omitsize=True, svgclass="qr", title=title)
    return Markup(svg.replace('class="qr"', 'class="qr" role="img"', 1))
