"""What a render reads, recorded as it reads it: every template (and the file it resolved to)
and every file of the talk's it loads (images, a logo). The cache keeps the record, so an edit
rebuilds exactly the artefacts that read what changed."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Reads:
    """Files read (resolved paths) and templates loaded (name -> file it resolved to)."""

    files: set[str] = field(default_factory=set)
    templates: dict[str, str] = field(default_factory=dict)

    def update(self, other: Reads) -> None:
        self.files |= other.files
        self.templates.update(other.templates)


_current: ContextVar[Reads | None] = ContextVar("handout_kit_reads", default=None)


@contextlib.contextmanager
def recording() -> Iterator[Reads]:
    """Record, until the block ends, everything read in this thread of work."""
    reads = Reads()
    token = _current.set(reads)
    try:
        yield reads
    finally:
        _current.reset(token)


def record_file(path: Path) -> None:
    """Note that the render read `path` (nothing happens outside `recording()`)."""
    reads = _current.get()
    if reads is not None:
        reads.files.add(str(path.resolve()))


def record_template(name: str, filename: str | None) -> None:
    """Note that the render loaded template `name`, found in `filename`."""
    reads = _current.get()
    if reads is not None and filename:
        resolved = str(Path(filename).resolve())
        reads.templates[name] = resolved
        reads.files.add(resolved)
