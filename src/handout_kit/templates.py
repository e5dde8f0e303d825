"""Find and render templates: the user's first, then the built-ins (also under `builtin/`).

Every template, built-in or downloaded, runs in Jinja's sandbox: it sees the talk and the
names the kit passes, never Python's internals, and it reads only template files that lie,
after symlinks, inside a template root.
"""

from __future__ import annotations

from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .colors import mix
from .errors import TemplateError
from .reads import record_file, record_template
from .typeset import url_text

if TYPE_CHECKING:
    import jinja2

BUILTIN_PREFIX = "builtin/"


def builtin_templates_dir() -> Path:
    """The built-in templates: inside the installed package, or the repo's top-level folder."""
    packaged = Path(__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


@lru_cache(maxsize=8)
def _environment(
    user_dirs: tuple[Path, ...], builtin_dir: Path, files: tuple[str, ...]
) -> jinja2.Environment:
    """One environment per lookup order, kept for the process: `serve` and a catalogue build
    compile each template once (Jinja still reloads a template whose file changed)."""
    del files  # only part of the cache key
    import jinja2  # here, not at import time: a build with nothing to render never needs it

    from ._sandbox import KitSandbox, RootedLoader

    class RecordingEnvironment(KitSandbox):
        """The sandbox, noting every template it hands out (includes, imports and stylesheets
        too), so the cache knows what each artefact read."""

        def get_template(self, name: Any, parent: Any = None, globals: Any = None) -> jinja2.Template:
            template = super().get_template(name, parent, globals)
            record_template(template.name or str(name), template.filename)
            return template

        def select_template(self, names: Any, parent: Any = None, globals: Any = None) -> jinja2.Template:
            template = super().select_template(names, parent, globals)
            record_template(template.name or "", template.filename)
            return template

    builtin = RootedLoader(builtin_dir)
    loader = jinja2.ChoiceLoader(
        [
            jinja2.PrefixLoader({"builtin": builtin}, delimiter="/"),
            *(RootedLoader(d) for d in user_dirs),
            builtin,
        ]
    )
    environment = RecordingEnvironment(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "svg"], default_for_string=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=True,
        bytecode_cache=_bytecode_cache(),
    )
    environment.filters["mix"] = mix
    environment.filters["url_text"] = url_text
    from . import i18n

    i18n.install(environment)  # gettext in templates, for the talk being rendered
    return environment


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between processes (Jinja's per-user folder in the temporary
    directory, checked against each template's source), so a cold build does not compile them
    again; none where that folder cannot be made safely."""
    import jinja2

    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None


# Built-in templates that were renamed: an override kept under the old name would silently stop
# applying, so it is named in a warning instead.
MOVED = {
    "runsheet/run-sheet.html": "run-sheet/run-sheet.html",
    "runsheet/run-sheet.css": "run-sheet/run-sheet.css",
}


class Templates:
    """One Jinja environment with the kit's lookup order and strict undefined names."""

    def __init__(self, user_dirs: list[Path] | tuple[Path, ...] = ()) -> None:
        builtin = builtin_templates_dir().resolve()
        self.builtin_dir = builtin
        self.user_dirs = [d.resolve() for d in user_dirs if d.is_dir() and d.resolve() != builtin]

    @cached_property
    def environment(self) -> jinja2.Environment:
        # Which files the user's folders hold is part of the key: a template added or removed
        # changes what a name resolves to, which Jinja's own reload check does not see.
        files = tuple(sorted(str(p) for d in self.user_dirs for p in d.rglob("*") if p.is_file()))
        return _environment(tuple(self.user_dirs), self.builtin_dir, files)

    def __getstate__(self) -> dict[str, Any]:
        # The Jinja environment is rebuilt where needed (in a worker process), not pickled.
        return {key: value for key, value in self.__dict__.items() if key != "environment"}

    def moved_overrides(self) -> list[tuple[Path, str]]:
        """The user's override files kept under a built-in's old name, each with its new name."""
        return [(d / old, new) for d in self.user_dirs for old, new in MOVED.items() if (d / old).is_file()]

    def resolve(self, name: str) -> Path | None:
        """The file template `name` comes from in this lookup order (None: no such template)."""
        if name.startswith(BUILTIN_PREFIX):
            candidates = [self.builtin_dir / name.removeprefix(BUILTIN_PREFIX)]
        else:
            candidates = [*(d / name for d in self.user_dirs), self.builtin_dir / name]
        found = next((path for path in candidates if path.is_file()), None)
        return found.resolve() if found is not None else None

    def referenced(self, name: str) -> set[str]:
        """Template `name` and every template it includes, imports or extends, read from the
        sources without rendering (names Jinja cannot know before rendering are left out)."""
        import jinja2.meta

        seen: set[str] = set()
        todo = [name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            source, _, _ = self.environment.loader.get_source(self.environment, current)  # type: ignore[union-attr]
            tree = self.environment.parse(source)
            todo.extend(ref for ref in jinja2.meta.find_referenced_templates(tree) if ref)
        return seen

    @property
    def roots(self) -> list[Path]:
        """Folders templates and stylesheets may be read from."""
        return [*self.user_dirs, self.builtin_dir]

    def render(self, name: str, **context: Any) -> str:
        """Render template `name`, turning any failure inside a template (a syntax error, an
        unknown name, a refused attribute, a division by zero, runaway recursion, a missing
        include) into a TemplateError with the template's file and line."""
        import jinja2

        from . import i18n

        translator = context.get("i18n")
        token = i18n.using(translator)
        if translator is not None and translator.catalogue:  # its words are read: a change rebuilds
            record_file(i18n.catalogue_file(translator.catalogue))
        try:
            return self.environment.get_template(name).render(**context)
        except jinja2.TemplateSyntaxError as error:
            raise TemplateError(
                f"{self._display(error.filename, error.name)}:{error.lineno}: {error.message}"
            ) from None
        except jinja2.TemplateNotFound as error:
            place = self._failing_place(error)
            missing = f"template not found: {error.name}"
            raise TemplateError(missing if place == "template" else f"{place}: {missing}") from None
        except jinja2.UndefinedError as error:
            raise TemplateError(f"{self._failing_place(error)}: {error.message}") from None
        except jinja2.exceptions.SecurityError as error:
            what = f"not allowed in a template: {error}"
            raise TemplateError(f"{self._failing_place(error)}: {what}") from None
        except RecursionError as error:
            what = "runaway recursion (a macro or include that calls itself without end)"
            raise TemplateError(f"{self._failing_place(error)}: {what}") from None
        except MemoryError as error:
            raise TemplateError(f"{self._failing_place(error)}: ran out of memory") from None
        except (ArithmeticError, LookupError, TypeError, ValueError, AttributeError) as error:
            what = f"{type(error).__name__}: {error}"
            raise TemplateError(f"{self._failing_place(error)}: {what}") from None
        except jinja2.TemplateError as error:
            raise TemplateError(f"{self._failing_place(error)}: {error.message}") from None
        finally:
            i18n.done(token)

    def _display(self, filename: str | None, name: str | None) -> str:
        if not filename:
            return f"templates/{name}"
        path = Path(filename).resolve()
        for root in self.user_dirs:
            if path.is_relative_to(root):
                return f"{root.name}/{path.relative_to(root)}"
        return (
            f"builtin/{path.relative_to(self.builtin_dir)}"
            if path.is_relative_to(self.builtin_dir)
            else str(path)
        )

    def _failing_place(self, error: Exception) -> str:
        """The template file and line where a render error happened, from its traceback."""
        frame = error.__traceback__
        place = "template"
        while frame is not None:
            filename = frame.tb_frame.f_code.co_filename
            if filename.endswith((".html", ".css", ".svg", ".js", ".j2")):
                place = f"{self._display(filename, None)}:{frame.tb_lineno}"
            frame = frame.tb_next
        return place
