"""The one family of errors the kit raises: each prints as clean lines, never a traceback."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import IO, Any

import click

from .messages import clean


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the user's input, and where to fix it."""

    file: str
    line: int | None
    column: int | None
    where: str
    what: str

    def __str__(self) -> str:
        place = self.file
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        where = f" {self.where}:" if self.where else ""
        return clean(f"{place}:{where} {self.what}")


@dataclass(frozen=True)
class BuildWarning:
    """Something a build noticed that is not an error, as data: a code users can look up
    and ignore (`--ignore-warning CODE`), the artefact it concerns (None: the whole talk),
    the place in the talk when there is one, the message and a hint."""

    code: str
    message: str
    artefact: str | None = None
    file: str | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None

    @classmethod
    def at(cls, problem: Problem, code: str, hint: str | None = None) -> BuildWarning:
        """A warning placed where `problem` is (its path in the talk leads the message)."""
        message = f"{problem.where}: {problem.what}" if problem.where else problem.what
        return cls(
            code, message, file=problem.file or None, line=problem.line, column=problem.column, hint=hint
        )

    def of(self, artefact: str) -> BuildWarning:
        """This warning, said of `artefact` unless it already names one."""
        return self if self.artefact is not None else replace(self, artefact=artefact)

    @property
    def place(self) -> str:
        if not self.file:
            return ""
        line = f":{self.line}" if self.line is not None else ""
        column = f":{self.column}" if self.line is not None and self.column is not None else ""
        return f"{self.file}{line}{column}"

    def __str__(self) -> str:
        lead = ": ".join(part for part in (self.place, self.artefact) if part)
        hint = f"; {self.hint}" if self.hint else ""
        return f"{lead + ': ' if lead else ''}{self.message}{hint} [{self.code}]"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BuildWarning:
        fields = {"code", "message", "artefact", "file", "line", "column", "hint"}
        return cls(**{key: value for key, value in data.items() if key in fields})


def suggestion(name: str, known: Sequence[str], listing: str, shown: int = 12) -> str:
    """ "did you mean 'x'?" for a near miss, else `listing` followed by what is known (at most
    `shown` of them, so a long list does not bury the message)."""
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    more = f", and {len(known) - shown} more" if len(known) > shown else ""
    return f"{listing} {', '.join(known[:shown])}{more}" if known else ""


class KitError(click.ClickException):
    """Base of every error the kit reports to the user; click prints it without a traceback."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(clean(message))

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(click.style("error: ", fg="red", bold=True) + self.format_message(), err=True)


class ContentError(KitError):
    """The talk's content cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        header = f"{count} problem{'s' if count != 1 else ''} in the talk's content:"
        super().__init__("\n".join([header, *(f"  {problem}" for problem in self.problems)]))

    def __reduce__(self) -> tuple[type[ContentError], tuple[list[Problem]]]:
        # Crosses from a render process intact.
        return (type(self), (self.problems,))


class TemplateError(KitError):
    """A template could not be found, parsed or rendered."""


class LayoutError(KitError):
    """The laid-out output breaks a rule of its artefact (a handout longer than two pages)."""


class ResourceError(KitError):
    """A file an output needs is missing, or lies where the kit may not read."""


class StrictError(KitError):
    """Warnings were raised while building with --strict."""


class OutputError(KitError):
    """An output could not be written."""


class RenderProcessError(KitError):
    """A process rendering an artefact stopped without an answer (killed, out of memory)."""
