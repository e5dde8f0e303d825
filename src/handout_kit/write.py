"""Write outputs all or nothing: every file of a talk is staged beside its target first, and
only when all are staged are they renamed into place; on any failure nothing is replaced."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from .errors import OutputError

TEMP_PREFIX = ".handout-kit-"
# Folders a build must never write into (nor below, but for the temporary ones), whatever
# --out says: the kit writes several files and a .cache/ folder there, and cleans leftovers.
SYSTEM_FOLDERS = tuple(
    Path(p)
    for p in (
        "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc",
        "/run", "/sbin", "/sys", "/usr", "/var", "/System", "/Library", "/Applications",
    )
)  # fmt: skip
TEMP_FOLDERS = (Path("/var/tmp"), Path("/var/folders"))


def safe_target(out_dir: Path, name: str) -> Path:
    """`out_dir/name`, refusing any name that would land outside `out_dir`."""
    target = (out_dir / name).resolve()
    if not target.is_relative_to(out_dir.resolve()):
        raise OutputError(f"refusing to write {name}: outside {out_dir}")
    return target


def check_out_dir(out_dir: Path, *, named: bool) -> None:
    """Refuse an output folder the kit must not write into: the root, a system folder, the
    home folder itself; and build/ as a symlink the user did not name (a talk folder someone
    shared could point it anywhere)."""
    if not named and out_dir.is_symlink():
        raise OutputError(
            f"{out_dir} is a symbolic link (to {os.readlink(out_dir)}); the kit writes only into a real "
            "build/ folder. Remove the link, or name the folder you mean with --out"
        )
    chosen = out_dir.resolve()
    home = Path.home().resolve()
    system = [
        folder
        for folder in SYSTEM_FOLDERS
        if chosen.is_relative_to(folder) and not any(chosen.is_relative_to(t) for t in TEMP_FOLDERS)
    ]
    if chosen == Path(chosen.anchor) or chosen == home or system:
        raise OutputError(
            f"refusing to write into {chosen}: a system or home folder; name a folder of its own with --out"
        )


def write_atomic(target: Path, data: bytes) -> None:
    """Replace `target` with `data` in one step; on any failure the old file stays."""
    with Staging(target.parent) as staging:
        staging.stage_path(target, data)
        staging.commit()


def replace_all(out_dir: Path, files: Sequence[tuple[str, bytes]]) -> list[Path]:
    """Write every file of `files` (name under `out_dir`, bytes) or none: the targets, in order."""
    with Staging(out_dir) as staging:
        targets = [staging.stage(name, data) for name, data in files]
        staging.commit()
    return targets


class Staging:
    """Files written beside their targets under temporary names, renamed into place together.

    Before the renames, each existing target gets a hard link under a temporary name, so a
    rename that fails half-way puts the old files back. Leaving the `with` block removes
    whatever is still staged; Ctrl-C is held off while the renames run."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.staged: list[tuple[Path, Path]] = []  # (temporary file, target)
        self.backups: dict[Path, Path] = {}  # target -> hard link to its old bytes

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.discard()

    def stage(self, name: str, data: bytes) -> Path:
        return self.stage_path(safe_target(self.out_dir, name), data)

    def stage_path(self, target: Path, data: bytes) -> Path:
        if target.is_dir():
            raise OutputError(f"cannot write {_shown(target)}: a folder of that name is in the way")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=target.parent)
        except OSError as error:
            raise OutputError(f"cannot write to {_shown(target.parent)}: {_reason(error)}") from None
        temp = Path(temp_name)
        self.staged.append((temp, target))
        try:
            with os.fdopen(handle, "wb") as stream:
                _write_file(stream, data)
            os.chmod(temp, 0o644)
        except OSError as error:
            raise OutputError(f"cannot write {_shown(target)}: {_reason(error)}") from None
        return target

    def commit(self) -> None:
        """Rename every staged file into place; if one rename fails, undo the others."""
        done: list[Path] = []
        with _no_interrupt():
            try:
                self._keep_old_files()
                for temp, target in self.staged:
                    os.replace(temp, target)
                    done.append(target)
            except OSError as error:
                self._restore(done)
                failed = error.filename or self.out_dir
                raise OutputError(f"cannot write {_shown(Path(failed))}: {_reason(error)}") from None
            self.staged.clear()

    def _keep_old_files(self) -> None:
        for _, target in self.staged:
            if target.is_file():
                backup = target.with_name(f"{TEMP_PREFIX}{os.urandom(6).hex()}.old")
                try:
                    os.link(target, backup)
                except OSError:  # a file system without hard links (a FAT memory stick)
                    shutil.copyfile(target, backup)
                self.backups[target] = backup

    def _restore(self, replaced: list[Path]) -> None:
        for target in replaced:
            backup = self.backups.pop(target, None)
            with contextlib.suppress(OSError):
                if backup is not None:
                    os.replace(backup, target)
                else:
                    target.unlink()

    def discard(self) -> None:
        """Remove staged files that were not renamed, and the links kept to old files."""
        for temp in [*(temp for temp, _ in self.staged), *self.backups.values()]:
            with contextlib.suppress(OSError):
                temp.unlink()
        self.staged.clear()
        self.backups.clear()


def _write_file(stream: IO[bytes], data: bytes) -> None:  # one place to write a staged file's bytes
    stream.write(data)
    stream.flush()
    os.fsync(stream.fileno())


@contextlib.contextmanager
def _no_interrupt() -> Iterator[None]:
    """Hold Ctrl-C (delivered once this block ends) so the renames are not cut in half."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


def remove_leftovers(out_dir: Path) -> None:
    """Delete temporary files an interrupted build left behind."""
    if out_dir.is_dir():
        for leftover in out_dir.rglob(f"{TEMP_PREFIX}*"):
            if not leftover.is_file() or leftover.is_symlink():
                continue
            try:
                leftover.unlink(missing_ok=True)
            except OSError as error:
                raise OutputError(f"cannot write to {_shown(out_dir)}: {_reason(error)}") from None


def _reason(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return "No space left on device; nothing was replaced"
    return error.strerror or str(error)


def _shown(path: Path) -> str:
    return str(path)
