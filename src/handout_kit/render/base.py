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
from ..errors import BuildWarning
from ..reads import Reads, record_file

if TYPE_CHECKING:
    from ..layout import Layout
    from ..schema import Paper, Talk
    from ..templates import Templates

PAPER_NAMES = {"letter": "Letter", "a4": "A4"}
# The PDFs that are PDF/UA-1 unless `theme.accessibility: tagged` says otherwise; the others
# (slides, cards) are tagged, and PDF/UA-1 too with `theme.accessibility: pdf-ua`.
PDF_UA_BY_DEFAULT = frozenset({"handout.pdf", "slides-notes.pdf", "run-sheet.pdf"})


@dataclass
class Job:
    """One build of one talk: the model, where it lives, and the user's options."""

    talk: Talk
    content_file: Path
    project_dir: Path
    templates: Templates
    formats: frozenset[str] = frozenset({"html", "pdf", "pptx"})
    paper: Paper | None = None
    cache_dir: Path | None = None
    network_timeout: float | None = None  # None: offline (the default); else --allow-network
    memo: dict[str, dict[str, Any]] = field(default_factory=dict)  # per artefact: what its last build noted
    part: str | None = None  # one of the renderer's `parts` to render alone; None: all of it
    cards: tuple[str, ...] = ()  # --cards: exercise, deck or print-set ids to print; () all
    fork: bool = True  # may a renderer fork a helper process (not with --jobs 1, nor in serve)
    progress: Callable[[str], None] = lambda message: None
    pptx_template: Path | None = None  # --pptx-template: a PowerPoint file whose master slides.pptx uses

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

    def pdf_variant(self, output: str) -> str | None:
        """WeasyPrint's `pdf_variant` for the PDF named `output`: PDF/UA-1, or None (tagged)."""
        chosen = self.talk.theme.accessibility
        ua = chosen == "pdf-ua" or (chosen is None and output in PDF_UA_BY_DEFAULT)
        return "pdf/ua-1" if ua else None

    def context(self, **extra: Any) -> dict[str, Any]:
        """What every template sees: the talk, its theme, the kit's version, a fixed date, and the
        talk's fixed words and formats (`i18n`)."""
        from ..i18n import translator

        return {
            "i18n": translator(self.talk),
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
        return _data_uri(logo, self.content_dir, self.network_timeout)


@dataclass
class Output:
    """One file a renderer made, kept in memory until the whole build has succeeded."""

    name: str
    data: bytes
    summary: str = ""
    seconds: float = 0.0
    artefact: str = ""  # set by the scheduler from the registry


@dataclass
class Result:
    """All a renderer made, with what it noticed and what it read on the way."""

    outputs: list[Output] = field(default_factory=list)
    warnings: list[BuildWarning] = field(default_factory=list)
    memo: dict[str, Any] = field(default_factory=dict)  # a hint for the next build (kept in the cache)
    reads: Reads = field(default_factory=Reads)  # filled in by the scheduler, for the cache

    def warn(self, code: str, message: str, *, hint: str | None = None) -> None:
        """Note a warning about the artefact as a whole (the scheduler names the artefact)."""
        self.warnings.append(BuildWarning(code, message, hint=hint))


class Renderer(Protocol):
    """An artefact: it declares its name and turns a job into outputs, checking its own rules.
    A renderer may also declare `parts(job)`: halves it can render alone (`Job.part`), which a
    parallel build gives to separate processes and puts together with its `join` (or `merged`);
    and `precheck(job)`: a cheap check the build runs before rendering anything, so a talk that
    cannot succeed fails in seconds."""

    name: str

    def render(self, job: Job) -> Result: ...


def parts_of(renderer: Renderer, job: Job) -> tuple[str | None, ...]:
    """The parts a parallel build renders `renderer`'s artefact in; (None,): all in one."""
    parts = getattr(renderer, "parts", ())
    return tuple(parts(job) if callable(parts) else parts) or (None,)


def joined(renderer: Renderer, results: list[Result]) -> Result:
    """The results of an artefact's parts, in their order, as one result."""
    return getattr(renderer, "join", merged)(results)


def merged(results: list[Result]) -> Result:
    """The parts of one artefact as one result: outputs PDFs first (each part keeps its order),
    warnings once each."""
    outputs = sorted((o for r in results for o in r.outputs), key=lambda o: not o.name.endswith(".pdf"))
    warnings = list(dict.fromkeys(w for r in results for w in r.warnings))
    memo = {key: value for r in results for key, value in r.memo.items()}
    reads = Reads()
    for result in results:
        reads.update(result.reads)
    return Result(outputs, warnings, memo, reads)


def lay_out_checked(job: Job, html: str, artefact: str, result: Result) -> Layout:
    """Lay `html` out for `artefact`: refused files are an error, WeasyPrint's warnings go to
    `result`."""
    from ..layout import lay_out  # WeasyPrint loads only when something is laid out

    layout = lay_out(html, job.content_dir, job.templates.roots, job.network_timeout)
    layout.refuse(artefact)
    result.warnings.extend(layout.messages(artefact))
    return layout


_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]+)(")')


def embed_images(html: str, job: Job) -> str:
    """`html` with every image it takes from the talk's folder (or, with --allow-network, the
    web) carried inside it as a data: URI, so the HTML output shows its pictures wherever it
    is opened, offline too. Validation has already refused what is missing or out of bounds."""

    def inline(match: re.Match[str]) -> str:
        uri = _data_uri(unescape(match[2]), job.content_dir, job.network_timeout)
        return f"{match[1]}{uri}{match[3]}" if uri else match[0]

    return _IMG_SRC.sub(inline, html)


def _data_uri(address: str, folder: Path, network_timeout: float | None) -> str | None:
    """The file at `address` (relative to `folder`, or on the web when allowed) as a data: URI;
    None for what is not ours to embed."""
    from .. import network

    if network.is_remote(address):
        if network_timeout is None:
            return None
        try:
            data, kind = network.fetch(address, network_timeout)
        except network.RemoteFileError as error:
            from ..errors import ResourceError

            raise ResourceError(f"could not load {error}") from None
    elif ":" in address.split("/", 1)[0]:  # data:, or a scheme that is not ours to fetch
        return None
    else:
        root = folder.resolve()
        path = (root / unquote(address)).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return None
        data, kind = path.read_bytes(), mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        record_file(path)
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


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
