"""Check loaded data against the content model and report every problem at once, by line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import ContentError, Problem, suggestion
from .markdown import Text
from .network import is_remote
from .schema import Figure, Model, Talk
from .source import PathKey, Source, format_path
from .typeset import unquoted


def validate(source: Source, *, allow_network: bool = False) -> Talk:
    """The talk in `source` as a model; raise ContentError listing all problems. Images from
    the web are refused unless `allow_network`."""
    if not isinstance(source.data, dict):
        got = describe(source.data)
        raise ContentError(
            [source.problem((), f"expected a mapping of keys (title:, groups:, ...), got {got}")]
        )
    base = source.path.parent
    try:
        talk = Talk.model_validate(source.data, context={"base": str(base)})
    except ValidationError as error:
        problems = [_problem(source, detail) for detail in error.errors()]
        raise ContentError(sorted(set(problems), key=_order)) from None
    _attach_places(talk, source, ())
    problems = list(_missing_files(talk, source, base, allow_network))
    if problems:
        raise ContentError(problems)
    talk._warnings = [
        str(source.problem(path, f"image '{image}' has no alt text; say what it shows in ![...]"))
        for path, text in _texts(talk, ())
        for image in text.images_without_alt
    ]
    talk._warnings += [
        str(source.problem(path, "this quote carries its own quotation marks; the kit sets them, drop yours"))
        for path, text in _texts(talk, ())
        if len(path) >= 2 and path[-2] == "quotes" and unquoted(text.source)[1]
    ]
    return talk


# Longer runs without a space cannot be set in a column (and cost WeasyPrint minutes to try).
MAX_WORD = 200


def _order(problem: Problem) -> tuple[int, int, str]:
    return (problem.line or 0, problem.column or 0, problem.what)


def describe(value: Any) -> str:
    """How a YAML value looks to the user: 'a list', 'a mapping', 'nothing', 'text'."""
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"'{_short(value)}'"


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _problem(source: Source, detail: dict[str, Any]) -> Problem:
    path: PathKey = tuple(part for part in detail["loc"] if not _is_union_tag(part))
    kind = detail["type"]
    value = detail.get("input")
    if kind == "extra_forbidden":
        return source.problem(path, _unknown_key(path, source), key=True)
    if kind == "missing":
        return source.problem(path[:-1], f"'{path[-1]}' is required but missing")
    return source.problem(path, _message(kind, detail, value))


def _is_union_tag(part: Any) -> bool:
    # pydantic inserts the validator or union member name into locations; not a user path.
    return isinstance(part, str) and (part.startswith("function-") or "[" in part)


def _unknown_key(path: PathKey, source: Source) -> str:
    key = str(path[-1])
    allowed = _allowed_keys(path[:-1], source)
    hint = suggestion(key, sorted(allowed), "expected one of:", shown=len(allowed))
    return f"unknown key '{key}'; {hint}" if hint else f"unknown key '{key}'"


def _allowed_keys(parent: PathKey, source: Source) -> list[str]:
    """The keys the model allows at `parent`, found by walking the schema along the path."""
    model: Any = Talk
    for part in parent:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if _is_model(model) else None
        if field is None:
            return []
        model = _model_of(field.annotation)
    return list(model.model_fields) if _is_model(model) else []


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _model_of(annotation: Any) -> Any:
    if _is_model(annotation):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


_EXPECTED = {
    "string_type": "text",
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "bool_parsing": "yes or no (true or false)",
    "bool_type": "yes or no (true or false)",
    "date_from_datetime_parsing": "a date like 2026-04-13",
    "date_parsing": "a date like 2026-04-13",
    "date_type": "a date like 2026-04-13",
    "time_parsing": "a time like 09:30",
    "time_type": "a time like 09:30",
    "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
    "dict_type": "a mapping (key: value lines)",
    "list_type": "a list (lines starting with '- ')",
}


def _message(kind: str, detail: dict[str, Any], value: Any) -> str:
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, got {describe(value)}"
    if kind == "literal_error":
        expected = detail.get("ctx", {}).get("expected", "")
        return f"expected one of {expected}, got {describe(value)}"
    if kind == "string_pattern_mismatch":
        return f"{describe(value)} is not {_pattern_hint(detail)}"
    if kind == "too_short" and isinstance(value, list):
        return "needs at least one entry" if not value else detail["msg"].lower()
    if kind == "value_error":
        return str(detail.get("ctx", {}).get("error", detail["msg"]))
    return detail["msg"][0].lower() + detail["msg"][1:] if detail["msg"] else kind


def _pattern_hint(detail: dict[str, Any]) -> str:
    pattern = detail.get("ctx", {}).get("pattern", "")
    hints = {
        "#": "a colour like #0f5c6e",
        "https": "a web address starting with https:// (or mailto:)",
        "A-Za-z0-9 ": "a font family name (letters, digits, spaces, hyphens)",
        "a-z0-9-": "an id of lower-case letters, digits and hyphens",
        "@": "an e-mail address",
        "a-zA-Z]{2,3}": "a language tag like en or en-US",
    }
    for marker, hint in hints.items():
        if marker in pattern:
            return hint
    return f"in the expected form ({pattern})"


def _attach_places(model: Model, source: Source, path: PathKey) -> None:
    """Tell each model object which line of the file it came from."""
    place = source.position(path)
    model._place = (source.display, place.line if place else None, format_path(path))
    model._field_lines = {
        name: source.values[(*path, name)].line
        for name in type(model).model_fields
        if (*path, name) in source.values
    }
    for name in type(model).model_fields:
        _attach_value(getattr(model, name), source, (*path, name))


def _attach_value(value: Any, source: Source, path: PathKey) -> None:
    if isinstance(value, Model):
        _attach_places(value, source, path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _attach_value(item, source, (*path, index))


def _missing_files(talk: Talk, source: Source, base: Path, allow_network: bool) -> Iterator[Problem]:
    """Images and logos the talk names that are not there, or lie outside its folder."""
    root = base.resolve()
    for path, text in _texts(talk, ()):
        longest = max((len(word) for word in text.plain.split()), default=0)
        if longest > MAX_WORD:
            what = f"a word of {longest:,} characters without a space; break it up (the limit is {MAX_WORD})"
            yield source.problem(path, what)
        for url in dict.fromkeys(text.refused):
            what = f"address '{url}' is not allowed (use http:, https:, mailto: or a file beside the talk)"
            yield source.problem(path, what)
    for path, name in _named_files(talk, ()):
        if is_remote(name):
            if not allow_network:
                what = f"'{name}': the build is offline; add --allow-network to fetch images from the web"
                yield source.problem(path, what)
            continue
        if "://" in name or name.startswith("data:"):
            what = f"'{name}': only files beside the talk are used (no web or data addresses)"
            yield source.problem(path, what)
            continue
        target = (base / name).resolve()
        if not target.is_relative_to(root):
            yield source.problem(path, f"'{name}' lies outside the talk's folder")
        elif not target.is_file():
            yield source.problem(path, f"image '{name}' not found (looked in {root})")


def _figures(value: Any, path: PathKey) -> Iterator[tuple[PathKey, str]]:
    """The image file of every `figure:` in the talk, with its path."""
    if isinstance(value, Figure):
        yield (*path, "src"), value.src
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _figures(getattr(value, name), (*path, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _figures(item, (*path, index))


def _texts(value: Any, path: PathKey) -> Iterator[tuple[PathKey, Text]]:
    """Every piece of Markdown in the talk, with its path."""
    if isinstance(value, Text):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _texts(getattr(value, name), (*path, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*path, index))


def _named_files(value: Any, path: PathKey) -> Iterator[tuple[PathKey, str]]:
    for text_path, text in _texts(value, path):
        for image in text.images:
            yield text_path, image
    yield from _figures(value, path)
    theme = getattr(value, "theme", None)
    if theme is not None and theme.logo:
        yield (*path, "theme", "logo"), theme.logo


__all__ = ["describe", "format_path", "validate"]
