"""QR codes as inline vector SVG, so they print sharp at any size."""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(url: str, color: str = "#000000") -> Markup:
    """An <svg> element encoding `url`, sized by CSS (no width or height of its own)."""
    code = segno.make(url, error="m", micro=False)
    return Markup(code.svg_inline(dark=color, border=0, omitsize=True, svgclass="qr"))
