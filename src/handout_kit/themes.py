"""Built-in themes and the contrast check (WCAG 2 relative luminance and contrast ratio)."""

from __future__ import annotations

from typing import Any

from .colors import contrast
from .errors import BuildWarning

THEMES: dict[str, dict[str, str]] = {
    # Deep teal and brick on white: the kit's own look.
    "default": {
        "accent": "#0f5c6e",
        "highlight": "#b5482f",
        "ink": "#1d2327",
        "muted": "#56616a",
        "paper": "#ffffff",
    },
    # Every text colour at 7:1 or more against the paper, and white on the accents likewise.
    "high-contrast": {
        "accent": "#003a70",
        "highlight": "#7a1a00",
        "ink": "#000000",
        "muted": "#2e2e2e",
        "paper": "#ffffff",
    },
    # Greys and outlines instead of solid colour areas: kind to a printer's toner.
    "ink-saver": {
        "accent": "#3b3b3b",
        "highlight": "#5a5a5a",
        "ink": "#000000",
        "muted": "#4d4d4d",
        "paper": "#ffffff",
    },
}
AA_BODY = 4.5


def with_theme_defaults(value: Any) -> Any:
    """Fill a theme mapping's colours from its named theme where the talk sets none."""
    if not isinstance(value, dict):
        return value
    name = value.get("name", "default")
    preset = THEMES.get(name) if isinstance(name, str) else None
    colors = value.get("colors")
    if preset is None or not (colors is None or isinstance(colors, dict)):
        return value
    return {**value, "colors": {**preset, **(colors or {})}}


def contrast_warnings(colors: Any, categories: dict[str, str]) -> list[BuildWarning]:
    """Text-on-background pairs the designs use that fall below WCAG AA for body text."""
    pairs = [
        ("ink", colors.ink, "paper", colors.paper),
        ("muted", colors.muted, "paper", colors.paper),
        ("accent", colors.accent, "paper", colors.paper),
        ("paper", colors.paper, "accent", colors.accent),
        ("white", "#ffffff", "highlight", colors.highlight),
    ]
    pairs += [("white", "#ffffff", f"category '{name}'", color) for name, color in categories.items()]
    warnings = []
    for text_name, text, ground_name, ground in pairs:
        ratio = contrast(text, ground)
        if ratio < AA_BODY:
            what = (
                f"{text_name} text ({text}) on {ground_name} ({ground}) has contrast "
                f"{ratio:.2f}:1; WCAG AA asks 4.5:1 for body text"
            )
            field = text_name if text_name != "white" else ground_name
            hint = "choose a darker text colour or a lighter ground in theme.colors"
            warnings.append(BuildWarning.at(colors.problem(what, field), "contrast", hint))
    return warnings
