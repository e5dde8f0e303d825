"""The artefacts the kit can build, by name. Renderers load on first use (WeasyPrint is heavy)."""

from __future__ import annotations

from importlib import import_module

from .base import Job, Output, Renderer, Result

ARTEFACTS: dict[str, str] = {
    "handout": "handout_kit.render.handout:HandoutRenderer",
    "slides": "handout_kit.render.slides:SlidesRenderer",
    "cards": "handout_kit.render.cards:CardsRenderer",
    "run-sheet": "handout_kit.render.runsheet:RunSheetRenderer",
}


def renderer(name: str) -> Renderer:
    """The renderer registered under `name`."""
    module, _, cls = ARTEFACTS[name].partition(":")
    return getattr(import_module(module), cls)()


__all__ = ["ARTEFACTS", "Job", "Output", "Renderer", "Result", "renderer"]
