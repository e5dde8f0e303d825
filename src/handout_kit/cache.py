"""The build cache: an artefact is not rendered again while nothing it read has changed.

For each artefact the manifest keeps what its last render read: the options it was built
with, a hash of the parts of the talk it reads (see `artefacts.py`), every file it read with
its hash (templates and stylesheets as the template loader loaded them, images, included
Markdown), which file each template name resolved to, and the hash of each output it wrote.
An output changed or deleted by hand is rebuilt; a manifest that cannot be read is ignored,
never trusted. When the talk file is byte-for-byte unchanged it is not even parsed.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from . import __version__
from .artefacts import parts_read
from .reads import Reads
from .write import write_atomic

MANIFEST = "manifest.json"
# A string in the talk that could name a file beside it (an include, a spreadsheet, a logo).
_FILE_LIKE = re.compile(r"^[^\n\r\0]{1,255}$")
# The target of a Markdown image or link inside a text.
_MARKDOWN_TARGET = re.compile(r"\]\(\s*<?([^)\s>]+)")

Resolver = Callable[[str], Path | None]


def file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def settings_key(name: str, settings: dict[str, Any]) -> str:
    """A hash of the options an artefact is built with (and the kit's version)."""
    values = {"kit": __version__, "artefact": name, "epoch": os.environ.get("SOURCE_DATE_EPOCH"), **settings}
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def referenced_files(value: Any, content_dir: Path) -> set[Path]:
    """Files beside the talk that strings in `value` name: `{file: notes.md}` includes, a
    `from:` spreadsheet, a logo, Markdown images and links."""
    root = content_dir.resolve()
    found: set[Path] = set()

    def visit(item: Any) -> None:
        if isinstance(item, dict):
            for child in item.values():
                visit(child)
        elif isinstance(item, list):
            for child in item:
                visit(child)
        elif isinstance(item, str):
            for name in [item, *_MARKDOWN_TARGET.findall(item)]:
                if not _FILE_LIKE.match(name) or "://" in name or name.startswith(("data:", "mailto:")):
                    continue
                try:
                    path = (root / name).resolve()
                except (OSError, ValueError):
                    continue
                if path.is_relative_to(root) and path.is_file():
                    found.add(path)

    visit(value)
    return found


def parts_hash(name: str, data: Any, content_dir: Path) -> str:
    """A hash of the parts of the talk artefact `name` reads, files they name included."""
    digest = hashlib.sha256()
    parts = {key: data[key] for key in parts_read(name, list(data))} if isinstance(data, dict) else data
    digest.update(json.dumps(parts, sort_keys=True, default=str).encode())
    for path in sorted(referenced_files(parts, content_dir)):
        digest.update(str(path).encode() + b"\0" + (file_hash(path) or "-").encode())
    return digest.hexdigest()


class TalkState:
    """The talk file as the cache sees it: its hash at once, its parsed data only if needed."""

    def __init__(self, content_file: Path, load: Callable[[], Any]) -> None:
        self.content_file = content_file
        self.content_dir = content_file.resolve().parent
        self.hash = file_hash(content_file)
        self._load = load
        self._data: Any = None
        self._loaded = False

    @property
    def data(self) -> Any:
        if not self._loaded:
            self._data, self._loaded = self._load(), True
        return self._data

    def parts_hash(self, name: str) -> str:
        return parts_hash(name, self.data, self.content_dir)

    def part_files(self, name: str) -> set[Path]:
        data = self.data
        parts = {key: data[key] for key in parts_read(name, list(data))} if isinstance(data, dict) else data
        return referenced_files(parts, self.content_dir)


class Manifest:
    """What the last successful build made from which inputs, kept under build/.cache/."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / ".cache" / MANIFEST
        self.out_dir = out_dir
        self.talk_warnings: list[dict[str, Any]] = []
        self.entries: dict[str, dict[str, Any]] = self._read()

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("kit") != __version__:
            return {}
        warnings = data.get("talk_warnings")
        if isinstance(warnings, list):
            self.talk_warnings = [w for w in warnings if isinstance(w, dict)]
        entries = data.get("artefacts")
        return entries if isinstance(entries, dict) else {}

    def fresh(self, name: str, key: str, talk: TalkState, resolve: Resolver) -> dict[str, Any] | None:
        """The recorded entry for `name` if nothing it read has changed and its outputs are
        untouched; None when it must be rendered."""
        entry = self.entries.get(name)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        try:
            outputs, files, templates = entry["outputs"], entry["files"], entry["templates"]
            if not all(isinstance(x, dict) for x in (outputs, files, templates)):
                return None
            if any(file_hash(self.out_dir / str(f)) != expected for f, expected in outputs.items()):
                return None
            if any(file_hash(Path(f)) != expected for f, expected in files.items()):
                return None
            if any(str(resolve(str(n))) != where for n, where in templates.items()):
                return None  # a template added or removed in the user's folders
            if entry.get("talk") != talk.hash and entry.get("parts") != talk.parts_hash(name):
                return None
        except (KeyError, TypeError, ValueError):
            return None
        return entry

    def record(
        self,
        name: str,
        key: str,
        talk: TalkState,
        reads: Reads,
        outputs: dict[str, bytes],
        warnings: list[dict[str, Any]],
        memo: dict[str, Any],
    ) -> None:
        files = {Path(f) for f in reads.files} | talk.part_files(name)
        self.entries[name] = {
            "key": key,
            "talk": talk.hash,
            "parts": talk.parts_hash(name),
            "files": {str(f): file_hash(f) for f in sorted(files)},
            "templates": dict(sorted(reads.templates.items())),
            "outputs": {filename: hashlib.sha256(data).hexdigest() for filename, data in outputs.items()},
            "warnings": warnings,
            "memo": memo,
        }

    def readers_of(self, path: Path) -> list[str]:
        """The artefacts whose last render read `path`."""
        where = str(path.resolve())
        return [n for n, e in self.entries.items() if isinstance(e, dict) and where in e.get("files", {})]

    def memos(self) -> dict[str, dict[str, Any]]:
        """What each artefact's last build noted for the next one (a hint, never an output)."""
        found = {name: entry.get("memo") for name, entry in self.entries.items() if isinstance(entry, dict)}
        return {name: memo for name, memo in found.items() if isinstance(memo, dict)}

    def save(self) -> None:
        data = {"kit": __version__, "artefacts": self.entries, "talk_warnings": self.talk_warnings}
        write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True).encode())


@contextlib.contextmanager
def build_lock(out_dir: Path, waiting: Callable[[str], None]) -> Iterator[None]:
    """One build at a time into `out_dir`: a second one waits for the first to finish."""
    lock_path = out_dir / ".cache" / "lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting(f"waiting for another build into {out_dir}")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
