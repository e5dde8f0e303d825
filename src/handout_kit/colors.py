"""Colours as the talk writes them (#rgb or #rrggbb): parsed once here for every use, the
tints the CSS gets, the contrast check and the PowerPoint master."""

from __future__ import annotations


def channels(color: str) -> tuple[int, int, int]:
    """The red, green and blue of `color` (#rgb or #rrggbb), 0 to 255 each."""
    digits = color.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    red, green, blue = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    return red, green, blue


def six_digits(color: str) -> str:
    """`color` as RRGGBB, upper case, without the hash (as PowerPoint writes it)."""
    return "".join(f"{c:02X}" for c in channels(color))


def mix(color: str, other: str, share: float) -> str:
    """`share` of `color` over `other`, as #rrggbb: tints for CSS."""
    mixed = (
        round(a * share + b * (1 - share)) for a, b in zip(channels(color), channels(other), strict=True)
    )
    return "#" + "".join(f"{c:02x}" for c in mixed)


def luminance(color: str) -> float:
    """WCAG 2 relative luminance, 0 (black) to 1 (white)."""
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
        for c in (v / 255 for v in channels(color))
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours, from 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
