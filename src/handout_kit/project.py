"""A talk project on disk: starting one (`init`), and its template overrides (`templates`)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from .errors import KitError
from .templates import builtin_templates_dir

INIT_FILES = {
    Path("content") / "talk.yaml": "init/talk.yaml",
    Path("templates") / "README.md": "init/templates-README.md",
}
GITIGNORE = "build/\n"
NOT_TEMPLATES = ("init/",)  # built-in files that are starting points, not templates in use


class ProjectError(KitError):
    """A project file could not be created, or would overwrite the user's."""


def init_project(folder: Path) -> list[Path]:
    """Create a talk project in `folder`; refuse, creating nothing, if any file exists."""
    builtin = builtin_templates_dir()
    planned = {folder / target: (builtin / source).read_bytes() for target, source in INIT_FILES.items()}
    planned[folder / ".gitignore"] = GITIGNORE.encode()
    existing = [path for path in planned if path.exists()]
    if existing:
        names = ", ".join(str(path) for path in existing)
        raise ProjectError(f"{names} already exist{'s' if len(existing) == 1 else ''}; nothing was changed")
    blocker = next((parent for parent in folder.parents if parent.exists() and not parent.is_dir()), None)
    if folder.exists() and not folder.is_dir():
        blocker = folder
    if blocker is not None:
        raise ProjectError(f"{blocker} is a file, not a folder; choose another place for the project")
    try:
        for path, data in planned.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("xb") as stream:  # "x": never over a file that appeared meanwhile
                stream.write(data)
    except OSError as error:
        raise ProjectError(f"cannot create {error.filename or folder}: {error.strerror or error}") from None
    return list(planned)


@dataclass(frozen=True)
class TemplateEntry:
    name: str
    source: str  # "built-in" or the overriding file
    artefacts: tuple[str, ...] = ()  # the artefacts that read it


def list_templates(user_dirs: list[Path]) -> list[TemplateEntry]:
    """Every built-in template and stylesheet, with the file that is in effect for it and the
    artefacts that read it (from the registry's entry templates)."""
    from .artefacts import template_readers
    from .templates import Templates

    builtin = builtin_templates_dir()
    user_dirs = [d for d in user_dirs if d.resolve() != builtin.resolve()]
    readers = template_readers(Templates(user_dirs))
    entries = []
    for path in sorted(builtin.rglob("*")):
        name = path.relative_to(builtin).as_posix()
        if not path.is_file() or name.startswith(NOT_TEMPLATES):
            continue
        override = next((d / name for d in user_dirs if (d / name).is_file()), None)
        used = tuple(readers.get(name, ()))
        entries.append(TemplateEntry(name, str(override) if override else "built-in", used))
    return entries


def eject_template(name: str, project: Path) -> Path:
    """Copy built-in template `name` into the project's templates/ to edit; never overwrite."""
    builtin = builtin_templates_dir()
    source = (builtin / name).resolve()
    if not source.is_relative_to(builtin.resolve()) or not source.is_file() or name.startswith(NOT_TEMPLATES):
        known = ", ".join(entry.name for entry in list_templates([]))
        raise ProjectError(f"no built-in template '{name}'; the built-ins are: {known}")
    target = project / "templates" / name
    if target.exists():
        raise ProjectError(f"{target} already exists; nothing was changed")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target
