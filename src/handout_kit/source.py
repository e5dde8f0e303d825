"""Load a talk's YAML into plain data, keeping the file, line and column of every value.

Every scalar is read as text: the schema, not YAML 1.1's guessing, decides what becomes a
number, a yes/no or a date. So `no`, `12:30` and `1.10` reach the model exactly as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml

from .errors import ContentError, Problem

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40
# An alias bomb makes many values out of few characters; an honest file spends at least one
# character on each value, so the limit grows with the file (10,000 exercises are fine).
MAX_VALUES = 50_000
NULL_WORDS = {"", "~", "null", "Null", "NULL"}

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Position:
    line: int
    column: int


@dataclass
class Source:
    """A talk file's data with the position of each value (and of each mapping key)."""

    path: Path
    display: str
    data: Any
    values: dict[PathKey, Position] = field(default_factory=dict)
    keys: dict[PathKey, Position] = field(default_factory=dict)

    def position(self, path: PathKey, *, key: bool = False) -> Position | None:
        """The closest known position for `path`, walking up to its parents if needed."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get(())

    def problem(self, path: PathKey, what: str, *, key: bool = False) -> Problem:
        place = self.position(path, key=key)
        return Problem(
            self.display,
            place.line if place else None,
            place.column if place else None,
            format_path(path),
            what,
        )


def format_path(path: PathKey) -> str:
    """`('groups', 0, 'points', 2)` -> `groups[0].points[2]`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def display_name(path: Path) -> str:
    """The path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_text(path: Path, display: str | None = None) -> str:
    """Read a UTF-8 text file, reporting a bad byte or a NUL by line and column."""
    display = display or display_name(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ContentError([Problem(display, None, None, "", "file not found")]) from None
    except IsADirectoryError:
        raise ContentError([Problem(display, None, None, "", "is a folder, not a file")]) from None
    except OSError as error:
        what = f"cannot be read ({error.strerror or error}); fix its permissions or move it out"
        raise ContentError([Problem(display, None, None, "", what)]) from None
    if len(raw) > MAX_FILE_BYTES:
        what = f"file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}"
        raise ContentError([Problem(display, None, None, "", what)])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _line_column(raw, error.start)
        what = f"not UTF-8 text (byte 0x{raw[error.start]:02x}); save the file as UTF-8"
        raise ContentError([Problem(display, line, column, "", what)]) from None
    if "\x00" in text:
        line, column = _line_column(raw, raw.index(b"\x00"))
        raise ContentError([Problem(display, line, column, "", "contains a NUL byte")])
    return text.removeprefix("\ufeff")


def _line_column(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line_start = before.rfind(b"\n") + 1
    return before.count(b"\n") + 1, len(before[line_start:].decode("utf-8", "replace")) + 1


def load(path: Path) -> Source:
    """Read and parse a talk file; raise ContentError naming the place of any problem."""
    display = display_name(path)
    text = read_text(path, display)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        raise ContentError([_yaml_problem(display, error, text)]) from None
    except yaml.YAMLError as error:
        raise ContentError([Problem(display, None, None, "", str(error))]) from None
    except RecursionError:
        what = f"nesting is too deep (more than {MAX_DEPTH} levels)"
        raise ContentError([Problem(display, None, None, "", what)]) from None
    source = Source(path=path, display=display, data=None)
    if node is None:
        raise ContentError([Problem(display, 1, 1, "", "the file is empty")])
    source.data = _Builder(source, max(MAX_VALUES, len(text))).build(node)
    return source


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yaml_problem(display: str, error: yaml.MarkedYAMLError, text: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    what = error.problem or "invalid YAML"
    at_mark = text[mark.index] if mark and 0 <= mark.index < len(text) else ""
    if "tab" in what or "\\t" in what or at_mark == "\t":
        what = "a tab character; YAML indents with spaces only"
    elif error.context and error.problem:
        what = f"{error.problem} ({error.context})"
    if "found duplicate anchor" in what:
        what = what.replace("found", "duplicate anchor:")
    return Problem(display, mark.line + 1 if mark else None, mark.column + 1 if mark else None, "", what)


class _Builder:
    """Turn composed YAML nodes into dicts, lists and strings, recording positions."""

    def __init__(self, source: Source, max_values: int = MAX_VALUES) -> None:
        self.source = source
        self.max_values = max_values
        self.count = 0
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node) -> Any:
        data = self._node(node, (), 0)
        if self.problems:
            raise ContentError(self.problems)
        return data

    def _fail(self, node: yaml.Node, path: PathKey, what: str) -> None:
        mark = node.start_mark
        self.problems.append(
            Problem(self.source.display, mark.line + 1, mark.column + 1, format_path(path), what)
        )

    def _node(self, node: yaml.Node, path: PathKey, depth: int) -> Any:
        self.count += 1
        if self.count > self.max_values:
            what = f"more than {self.max_values:,} values, more than the file has characters (an alias bomb?)"
            self._fail(node, path, what)
            raise ContentError(self.problems)
        if depth > MAX_DEPTH:
            self._fail(node, path, f"nesting is too deep (more than {MAX_DEPTH} levels)")
            raise ContentError(self.problems)
        mark = node.start_mark
        self.source.values[path] = Position(mark.line + 1, mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self._node(item, (*path, index), depth + 1) for index, item in enumerate(node.value)]
        return self._scalar(cast(yaml.ScalarNode, node))  # composed nodes: mappings, sequences, scalars

    def _scalar(self, node: yaml.ScalarNode) -> str | None:
        if node.style is None and node.value in NULL_WORDS and node.tag != "tag:yaml.org,2002:str":
            return None
        value: str = node.value
        return value

    def _mapping(self, node: yaml.MappingNode, path: PathKey, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._fail(key_node, path, "a key must be a plain word, not a list or mapping")
                continue
            key = key_node.value
            if key == "<<":
                self._fail(key_node, path, "merge keys (<<) are not supported; write the values out")
                continue
            child = (*path, key)
            if key in result:
                first = self.source.keys[child]
                self._fail(key_node, child, f"duplicate key '{key}' (first set on line {first.line})")
                continue
            mark = key_node.start_mark
            self.source.keys[child] = Position(mark.line + 1, mark.column + 1)
            result[key] = self._node(value_node, child, depth + 1)
        return result
