"""The build cache: an artefact whose inputs did not change is not rendered again.

Its key covers the kit's version, the artefact, the options, every file in the talk's content
folder (the talk, included Markdown, images) and every template and stylesheet that could be
in effect. The manifest also records each output's hash, so an output changed or deleted by
hand is rebuilt; a manifest that cannot be read is ignored, never trusted.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from . import __version__
from .write import write_atomic

MANIFEST = "manifest.json"
# The template folders each artefact reads (its own, and the ones it includes from).
TEMPLATE_FOLDERS = {
    "handout": ("base", "handout"),
    "slides": ("base", "slides"),
    "cards": ("base", "cards"),
    "run-sheet": ("base", "cards", "runsheet"),
}


def _hash_tree(digest: Any, folder: Path, skip: Path | None) -> None:
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts):
            if skip is not None and path.resolve().is_relative_to(skip):
                continue
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())


def input_key(name: str, content_dir: Path, template_roots: list[Path], options: dict, out_dir: Path) -> str:
    """A hash of everything that decides artefact `name`'s outputs."""
    digest = hashlib.sha256()
    settings = {"kit": __version__, "artefact": name, "epoch": os.environ.get("SOURCE_DATE_EPOCH"), **options}
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    _hash_tree(digest, content_dir, out_dir)
    _hash_tree(digest, Path(__file__).parent / "locale", None)  # the catalogues of fixed words
    folders = TEMPLATE_FOLDERS.get(name)
    for root in template_roots:
        if folders is None:
            _hash_tree(digest, root, out_dir)
            continue
        for folder in folders:
            _hash_tree(digest, root / folder, out_dir)
        for loose in sorted(p for p in root.glob("*") if p.is_file()):  # could be included by any
            digest.update(loose.name.encode() + b"\0" + hashlib.sha256(loose.read_bytes()).digest())
    return digest.hexdigest()


class Manifest:
    """What the last successful build made from which inputs, kept under build/.cache/."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / ".cache" / MANIFEST
        self.out_dir = out_dir
        self.talk_warnings: list[str] = []
        self.entries: dict[str, dict] = self._read()

    def _read(self) -> dict[str, dict]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("kit") != __version__:
            return {}
        warnings = data.get("talk_warnings")
        if isinstance(warnings, list):
            self.talk_warnings = [str(w) for w in warnings]
        entries = data.get("artefacts")
        return entries if isinstance(entries, dict) else {}

    def fresh(self, name: str, key: str) -> dict | None:
        """The recorded entry for `name` if its key matches and its outputs are untouched."""
        entry = self.entries.get(name)
        if (
            not isinstance(entry, dict)
            or entry.get("key") != key
            or not isinstance(entry.get("outputs"), dict)
        ):
            return None
        for filename, expected in entry["outputs"].items():
            target = self.out_dir / str(filename)
            try:
                if hashlib.sha256(target.read_bytes()).hexdigest() != expected:
                    return None
            except OSError:
                return None
        return entry

    def record(
        self, name: str, key: str, outputs: dict[str, bytes], warnings: list[str], memo: dict[str, Any]
    ) -> None:
        hashes = {filename: hashlib.sha256(data).hexdigest() for filename, data in outputs.items()}
        self.entries[name] = {"key": key, "outputs": hashes, "warnings": list(warnings), "memo": memo}

    def memos(self) -> dict[str, dict]:
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
