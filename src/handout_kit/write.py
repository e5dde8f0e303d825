"""Write outputs atomically: each to a temporary file beside its target, then renamed."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import OutputError

TEMP_PREFIX = ".handout-kit-"


def safe_target(out_dir: Path, name: str) -> Path:
    """`out_dir/name`, refusing any name that would land outside `out_dir`."""
    target = (out_dir / name).resolve()
    if not target.is_relative_to(out_dir.resolve()):
        raise OutputError(f"refusing to write {name}: outside {out_dir}")
    return target


def write_atomic(target: Path, data: bytes) -> None:
    """Replace `target` with `data` in one step; on any failure the old file stays."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=target.parent)
    except OSError as error:
        raise OutputError(f"cannot write to {target.parent}: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, target)
    except OSError as error:
        Path(temp_name).unlink(missing_ok=True)
        raise OutputError(f"cannot write {target}: {error.strerror or error}") from None


def remove_leftovers(out_dir: Path) -> None:
    """Delete temporary files an interrupted build left behind."""
    if out_dir.is_dir():
        for leftover in out_dir.glob(f"{TEMP_PREFIX}*"):
            try:
                leftover.unlink(missing_ok=True)
            except OSError as error:
                raise OutputError(f"cannot write to {out_dir}: {error.strerror or error}") from None
