"""Find and render templates: the user's first, then the built-ins (also under `builtin/`)."""

from __future__ import annotations

from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import TemplateError
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


def mix_colors(color: str, other: str, share: float) -> str:
    """`share` of `color` over `other` (both #rgb or #rrggbb), as #rrggbb: tints for CSS."""

    def channels(value: str) -> list[int]:
        digits = value.lstrip("#")
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        return [int(digits[i : i + 2], 16) for i in (0, 2, 4)]

    mixed = [
        round(a * share + b * (1 - share)) for a, b in zip(channels(color), channels(other), strict=True)
    ]
    return "#" + "".join(f"{c:02x}" for c in mixed)


@lru_cache(maxsize=8)
def _environment(
    user_dirs: tuple[Path, ...], builtin_dir: Path, files: tuple[str, ...]
) -> jinja2.Environment:
    """One environment per lookup order, kept for the process: `serve` and a catalogue build
    compile each template once (Jinja still reloads a template whose file changed)."""
    del files  # only part of the cache key
    import jinja2  # here, not at import time: a build with nothing to render never needs it

    builtin = jinja2.FileSystemLoader(builtin_dir)
    loader = jinja2.ChoiceLoader(
        [
            jinja2.PrefixLoader({"builtin": builtin}, delimiter="/"),
            *(jinja2.FileSystemLoader(d) for d in user_dirs),
            builtin,
        ]
    )
    environment = jinja2.Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "svg"], default_for_string=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=True,
    )
    environment.filters["mix"] = mix_colors
    environment.filters["url_text"] = url_text
    return environment


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

    def __getstate__(self) -> dict:
        # The Jinja environment is rebuilt where needed (in a worker process), not pickled.
        return {key: value for key, value in self.__dict__.items() if key != "environment"}

    @property
    def roots(self) -> list[Path]:
        """Folders templates and stylesheets may be read from."""
        return [*self.user_dirs, self.builtin_dir]

    def render(self, name: str, **context: Any) -> str:
        """Render template `name`, turning any Jinja failure into a TemplateError with a line."""
        import jinja2

        try:
            return self.environment.get_template(name).render(**context)
        except jinja2.TemplateSyntaxError as error:
            raise TemplateError(
                f"{self._display(error.filename, error.name)}:{error.lineno}: {error.message}"
            ) from None
        except jinja2.TemplateNotFound as error:
            raise TemplateError(f"template not found: {error.name}") from None
        except jinja2.UndefinedError as error:
            raise TemplateError(f"{self._failing_place(error)}: {error.message}") from None

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
            if filename.endswith((".html", ".css", ".svg", ".j2")):
                place = f"{self._display(filename, None)}:{frame.tb_lineno}"
            frame = frame.tb_next
        return place
