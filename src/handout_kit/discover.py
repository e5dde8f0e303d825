"""Finding the talks a command names: talk files, project folders, folders of projects; and
where each one's outputs go."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .errors import ContentError, OutputError, Problem
from .source import display_name
from .write import check_out_dir

CONTENT_FILE = Path("content") / "talk.yaml"


def find_content(source: Path | None) -> Path:
    """The talk file for SOURCE: a file, a project folder, or (none) ./content/talk.yaml."""
    candidate = source or Path.cwd()
    if candidate.is_dir():
        inside = _talk_in(candidate)
        if inside is not None:
            return inside
        what = f"no {CONTENT_FILE} here; run `handout-kit init` or name the talk file"
        raise ContentError([Problem(display_name(candidate), None, None, "", what)])
    if not candidate.exists():
        raise ContentError([Problem(display_name(candidate), None, None, "", "file not found")])
    return candidate


def find_talks(sources: Sequence[Path]) -> list[Path]:
    """The talk files for SOURCES, in order and each once: talk files, project folders, and
    folders of projects (every subfolder holding a talk)."""
    found: list[Path] = []
    for source in sources or [Path.cwd()]:
        if source.is_dir() and _talk_in(source) is None:
            inside = [talk for sub in sorted(source.iterdir()) if sub.is_dir() and (talk := _talk_in(sub))]
            if not inside:
                what = f"no {CONTENT_FILE} here, nor in any of its subfolders"
                raise ContentError([Problem(display_name(source), None, None, "", what)])
            found.extend(inside)
        else:
            found.append(find_content(source))
    unique: dict[Path, Path] = {}
    for talk in found:
        unique.setdefault(talk.resolve(), talk)
    return list(unique.values())


def _talk_in(folder: Path) -> Path | None:
    for inside in (folder / CONTENT_FILE, folder / "talk.yaml"):
        if inside.is_file():
            return inside
    return None


def project_dir_of(content_file: Path) -> Path:
    """The talk's project folder: the one holding `content/`, else the talk file's folder."""
    folder = content_file.resolve().parent
    return folder.parent if folder.name == "content" else folder


def out_dir_for(content_file: Path, out_dir: Path | None, *, several: bool = False) -> Path:
    """Where a talk's outputs go: --out (a subfolder per talk when there are several), else
    build/ beside content/. Never inside the content folder, which the cache reads."""
    project = project_dir_of(content_file)
    named = out_dir is not None
    if out_dir is None:
        out_dir = project / "build"
    elif several:
        out_dir = out_dir / project.name
    check_out_dir(out_dir, named=named)
    chosen = out_dir.resolve()
    if chosen.is_relative_to(content_file.resolve().parent):
        raise OutputError(
            f"the output folder {chosen} lies inside the content folder of {display_name(content_file)}; "
            "choose another with --out"
        )
    return chosen


def refuse_shared_out_dirs(talks: list[Path], out_dirs: list[Path]) -> None:
    """Two talks never write into one folder."""
    seen: dict[Path, Path] = {}
    for talk, out_dir in zip(talks, out_dirs, strict=True):
        if out_dir in seen:
            raise OutputError(
                f"{display_name(seen[out_dir])} and {display_name(talk)} would both write to {out_dir}; "
                "give their project folders different names"
            )
        seen[out_dir] = talk
