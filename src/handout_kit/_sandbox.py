"""The Jinja sandbox every template runs in, and a loader that stays inside its root."""

from __future__ import annotations

import io
import operator
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

# What one template may build: a longer text or list, or a power with a larger exponent, is
# refused, so a theme pack cannot fill the memory with `"x" * 10**12`.
MAX_PRODUCT = 10_000_000
MAX_EXPONENT = 1_000
_BINOPS = {"*": operator.mul, "**": operator.pow}
_FILE_LIKE = (os.PathLike, io.IOBase)


class KitSandbox(SandboxedEnvironment):
    """Jinja's sandbox (no `__globals__`, `__class__`, `mro`, unsafe `str.format`), plus: no
    attribute of a path or an open file (a template never reads a file itself) and no
    products or powers big enough to exhaust the memory."""

    intercepted_binops = frozenset(_BINOPS)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, _FILE_LIKE):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: jinja2.runtime.Context, operator_name: str, left: Any, right: Any) -> Any:
        if operator_name == "**" and isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
            raise SecurityError(f"an exponent above {MAX_EXPONENT:,}")
        if operator_name == "*":
            for sized, times in ((left, right), (right, left)):
                if hasattr(sized, "__len__") and isinstance(times, int) and len(sized) * times > MAX_PRODUCT:
                    raise SecurityError(f"a repeated value longer than {MAX_PRODUCT:,}")
        return _BINOPS[operator_name](left, right)


class RootedLoader(jinja2.FileSystemLoader):
    """Jinja's file loader, refusing a template whose file lies outside the root once symlinks
    are followed: a link inside a theme pack cannot include `/etc/passwd`."""

    def __init__(self, root: Path) -> None:
        super().__init__(root, followlinks=True)
        self.root = Path(root).resolve()

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        if filename is None or not Path(filename).resolve().is_relative_to(self.root):
            # Not TemplateNotFound: the next folder in the lookup must not be tried instead.
            raise SecurityError(f"{template} is a link to a file outside {self.root.name}/")
        return source, filename, uptodate

    def list_templates(self) -> list[str]:
        names = super().list_templates()
        return [name for name in names if (self.root / name).resolve().is_relative_to(self.root)]
