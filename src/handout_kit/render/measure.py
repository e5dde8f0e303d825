"""Checks on laid-out pages that every renderer shares: images too small to read."""

from __future__ import annotations

from ..errors import LayoutError
from ..layout import Layout

MM_PER_PX = 25.4 / 96
# The shorter side of a picture below which nobody reads it: on paper, and on a 1280x720 slide.
MIN_PRINTED_MM = 12.0
MIN_SLIDE_PX = 80.0


def check_image_sizes(layout: Layout, artefact: str, *, on_paper: bool, advice: str) -> None:
    """Raise a LayoutError naming the talk's line of every image that, held to its box with its
    aspect kept, is drawn too small to read."""
    problems = []
    for index in range(layout.page_count):
        for image in layout.images(index):
            if image.src.startswith("data:") or not image.shrunk:
                # the theme's logo (carried as data:) is sized by the design; an icon drawn at
                # its own size is as small as its author made it
                continue
            short = min(image.width, image.height)
            if on_paper and short * MM_PER_PX < MIN_PRINTED_MM:
                size = f"{image.width * MM_PER_PX:.0f} x {image.height * MM_PER_PX:.1f} mm"
                limit = f"{MIN_PRINTED_MM:g} mm"
            elif not on_paper and short < MIN_SLIDE_PX:
                size = f"{image.width:.0f} x {image.height:.0f} px"
                limit = f"{MIN_SLIDE_PX:g} px"
            else:
                continue
            name = image.src
            place = f"{image.where}: " if image.where else ""
            problems.append(
                f"{place}image '{name}' fits its box in the {artefact} only at {size}, too small to "
                f"read (its shorter side needs {limit}); {advice}"
            )
    if problems:
        raise LayoutError("\n".join(dict.fromkeys(problems)))
