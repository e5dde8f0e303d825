"""The registry: every artefact the kit builds, declared once with what it makes and what it reads.

The cache, `serve`, `--only`, `check`, `templates list` and the progress lines all read these
declarations. What an artefact's templates load (includes, imports, stylesheets) and which
files it reads (images, a logo) are recorded while it renders, not listed here by hand; the
parts of the talk it reads are declared, so an edit to a part rebuilds only its readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .render.base import Renderer
    from .templates import Templates

# What every artefact reads of the talk: its name, its language, who gives it, where, and how
# it looks. A top-level key no artefact declares (a newer part of the format) counts as read by
# every artefact, so forgetting a declaration costs a rebuild, never a stale output.
COMMON_PARTS = frozenset({"title", "subtitle", "language", "speaker", "event", "theme", "labels"})


@dataclass(frozen=True)
class Artefact:
    """One artefact: the renderer that makes it, its outputs per format, the templates it
    starts from, the parts of the talk it reads, and its cost rank (costliest first)."""

    name: str
    renderer_path: str  # "module:Class", imported on first use (WeasyPrint is heavy)
    outputs: dict[str, tuple[str, ...]]  # format -> file names
    entry_templates: tuple[str, ...]
    reads: frozenset[str]
    cost: int

    def renderer(self) -> Renderer:
        module, _, cls = self.renderer_path.partition(":")
        made: Renderer = getattr(import_module(module), cls)()
        return made

    def output_names(self, formats: frozenset[str] | None = None) -> list[str]:
        return [
            name for fmt, names in self.outputs.items() if formats is None or fmt in formats for name in names
        ]


ARTEFACTS: dict[str, Artefact] = {
    artefact.name: artefact
    for artefact in (
        Artefact(
            "handout",
            "handout_kit.render.handout:HandoutRenderer",
            {"pdf": ("handout.pdf",), "html": ("handout.html",)},
            ("handout/handout.html",),
            COMMON_PARTS | {"links", "handout", "groups", "questions"},
            cost=2,
        ),
        Artefact(
            "slides",
            "handout_kit.render.slides:SlidesRenderer",
            {
                "pdf": ("slides.pdf", "slides-notes.pdf"),
                "html": ("slides.html", "slides-presenter.html"),
                "pptx": ("slides.pptx",),
            },
            ("slides/deck.html", "slides/notes.html"),
            COMMON_PARTS
            | {"announcement", "links", "handout", "groups", "questions", "exercises", "slides", "session"},
            cost=1,
        ),
        Artefact(
            "cards",
            "handout_kit.render.cards:CardsRenderer",
            {
                "pdf": ("cards.pdf", "cards-print.pdf", "cards-calibration.pdf"),
                "html": ("cards.html",),
            },
            ("cards/faces.html", "cards/calibration.html", "cards/cards.html"),
            COMMON_PARTS | {"groups", "questions", "exercises", "card_decks", "cards", "session"},
            cost=0,
        ),
        Artefact(
            "run-sheet",
            "handout_kit.render.run_sheet:RunSheetRenderer",
            {"pdf": ("run-sheet.pdf",), "html": ("run-sheet.html",)},
            ("run-sheet/run-sheet.html",),
            COMMON_PARTS | {"groups", "questions", "exercises", "card_decks", "cards", "session"},
            cost=3,
        ),
    )
}

# Every part of the talk some artefact declares; any other top-level key is read by all.
KNOWN_PARTS = frozenset().union(*(artefact.reads for artefact in ARTEFACTS.values()))


def artefact(name: str) -> Artefact:
    """The artefact registered under `name`."""
    return ARTEFACTS[name]


def by_cost(names: list[str] | tuple[str, ...]) -> list[str]:
    """`names` with the costliest artefact first, so the longest work starts earliest."""
    return sorted(names, key=lambda name: ARTEFACTS[name].cost)


def template_readers(templates: Templates) -> dict[str, list[str]]:
    """For every template an artefact reaches from its entry templates (by reading them, not
    rendering), the artefacts that read it."""
    readers: dict[str, list[str]] = {}
    for entry in ARTEFACTS.values():
        for name in sorted(set().union(*(templates.referenced(t) for t in entry.entry_templates))):
            readers.setdefault(name, []).append(entry.name)
    return readers


def parts_read(name: str, keys: list[str] | tuple[str, ...]) -> list[str]:
    """Which of the talk's top-level `keys` artefact `name` reads."""
    reads = ARTEFACTS[name].reads
    return [key for key in keys if key in reads or key not in KNOWN_PARTS]
