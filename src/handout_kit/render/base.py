"""What every artefact's renderer shares: the build job it reads and the outputs it returns."""

from __future__ import annotations

import base64
import mimetypes
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote

from .. import __version__

if TYPE_CHECKING:
    from ..schema import Paper, Talk
    from ..templates import Templates

PAPER_NAMES = {"letter": "Letter", "a4": "A4"}


@dataclass
class Job:
    """One build of one talk: the model, where it lives, and the user's options."""

    talk: Talk
    content_file: Path
    project_dir: Path
    templates: Templates
    formats: frozenset[str] = frozenset({"html", "pdf"})
    paper: Paper | None = None
    cache_dir: Path | None = None
    progress: Callable[[str], None] = lambda message: None

    @property
    def content_dir(self) -> Path:
        return self.content_file.parent

    @property
    def effective_paper(self) -> Paper:
        """The paper for everything but the handout: --paper, else the theme's."""
        return self.paper or self.talk.theme.paper

    @property
    def handout_paper(self) -> Paper:
        """The handout's paper: --paper, else handout.paper, else the theme's."""
        return self.paper or self.talk.paper

    def context(self, **extra: Any) -> dict[str, Any]:
        """What every template sees: the talk, its theme, the kit's version, a fixed date."""
        return {
            "talk": self.talk,
            "theme": self.talk.theme,
            "version": __version__,
            "created": source_date(),
            "paper": self.effective_paper,
            "logo": self.logo_uri,
            **extra,
        }

    @cached_property
    def logo_uri(self) -> str | None:
        """The theme's logo as a data: URI, so HTML outputs carry it inside themselves."""
        logo = self.talk.theme.logo
        if logo is None:
            return None
        kind = "image/svg+xml" if logo.lower().endswith(".svg") else "image/png"
        encoded = base64.b64encode((self.content_dir / logo).read_bytes()).decode()
        return f"data:{kind};base64,{encoded}"


@dataclass
class Output:
    """One file a renderer made, kept in memory until the whole build has succeeded."""

    name: str
    data: bytes
    summary: str = ""
    seconds: float = 0.0


@dataclass
class Result:
    """All a renderer made, with what it noticed on the way."""

    outputs: list[Output] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Renderer(Protocol):
    """An artefact: it declares its name and turns a job into outputs, checking its own rules."""

    name: str

    def render(self, job: Job) -> Result: ...


def lay_out_checked(job: Job, html: str, artefact: str, result: Result):
    """Lay `html` out for `artefact`: refused files are an error, WeasyPrint's warnings go to
    `result`."""
    from ..pdf import lay_out  # WeasyPrint loads only when something is laid out

    layout = lay_out(html, job.content_dir, job.templates.roots)
    layout.refuse(artefact)
    result.warnings.extend(layout.messages(artefact))
    return layout


_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]+)(")')


def embed_images(html: str, folder: Path) -> str:
    """`html` with every image it takes from the talk's folder carried inside it as a data:
    URI, so the HTML output shows its pictures wherever it is opened (validation has already
    refused images that are missing or lie outside the folder)."""
    root = folder.resolve()

    def inline(match: re.Match) -> str:
        address = unescape(match[2])
        if ":" in address.split("/", 1)[0]:  # data:, or a scheme the page is not ours to fetch
            return match[0]
        path = (root / unquote(address)).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return match[0]
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        encoded = base64.b64encode(path.read_bytes()).decode()
        return f"{match[1]}data:{kind};base64,{encoded}{match[3]}"

    return _IMG_SRC.sub(inline, html)


def source_date() -> str | None:
    """SOURCE_DATE_EPOCH as an ISO date-time, for reproducible PDF dates."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch or not epoch.isdigit():
        return None
    import datetime as dt

    return dt.datetime.fromtimestamp(int(epoch), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def clip(text: str, limit: int = 60) -> str:
    """`text` cut to `limit` characters with an ellipsis, for quoting it in a message."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"
