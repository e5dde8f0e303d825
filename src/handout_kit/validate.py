"""Check loaded data against the content model and report every problem at once, by line."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_origin
from urllib.parse import unquote

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .errors import BuildWarning, ContentError, Problem, suggestion
from .i18n import label_problems, language_warning
from .markdown import Text
from .network import is_remote
from .schema import Figure, Talk
from .source import PathKey, Source, format_path
from .typeset import unquoted


@dataclass(frozen=True)
class Validated:
    """A talk that passed validation, and what validation noticed that is no error."""

    talk: Talk
    warnings: list[BuildWarning]


def validate(source: Source, *, allow_network: bool = False) -> Validated:
    """The talk in `source` as a model; raise ContentError listing all problems, those that
    relate one part of the talk to another included, so no renderer finds one later. Images
    from the web are refused unless `allow_network`."""
    if not isinstance(source.data, dict):
        got = describe(source.data)
        raise ContentError(
            [source.problem((), f"expected a mapping of keys (title:, groups:, ...), got {got}")]
        )
    base = source.path.parent
    try:
        language = source.data.get("language")
        context = {
            "base": str(base),
            "source": source,
            "language": language if isinstance(language, str) else "en",
        }
        talk = Talk.model_validate(source.data, context=context)
    except ValidationError as error:
        problems = [_problem(source, detail) for detail in error.errors()]
        raise ContentError(sorted(set(problems), key=_order)) from None
    image_warnings: list[BuildWarning] = []
    nodes = list(_walk(talk))  # the talk's Markdown and figures, walked once
    texts = [(path, node) for path, node in nodes if isinstance(node, Text)]
    labels = [source.problem(("labels", key), what) for key, what in label_problems(talk)]
    problems = [
        *_missing_files(talk, nodes, source, base, allow_network, image_warnings),
        *_pptx_template_problems(talk, base),
        *labels,
    ]
    if not labels:  # the cross-references name points and questions with the talk's own words
        problems += cross_reference_problems(talk)
    if problems:
        raise ContentError(sorted(dict.fromkeys(problems), key=_order))
    warnings = [
        BuildWarning.at(
            source.problem(path, f"image '{image}' has no alt text"),
            "alt-text",
            "say what it shows in ![...]",
        )
        for path, text in texts
        for image in text.images_without_alt
    ] + image_warnings
    warnings += [
        BuildWarning.at(
            source.problem(path, "this quote carries its own quotation marks"),
            "quote-marks",
            "the kit sets them; drop yours",
        )
        for path, text in texts
        if len(path) >= 2 and path[-2] == "quotes" and unquoted(text.source)[1]
    ]
    if (unknown_language := language_warning(talk)) is not None:
        warnings.append(BuildWarning.at(unknown_language, "language"))
    return Validated(talk, warnings)


def cross_reference_problems(talk: Talk) -> list[Problem]:
    """What relates one part of the talk to another: what exercises and decks serve, the slide
    ids `slides:` names, the agenda's exercises, group sizes against the participants."""
    from .model.cards import card_problems
    from .model.slides import slide_problems

    exercise_ids = [exercise.id for exercise in talk.exercises]
    agenda = [
        item.problem(_unknown_exercise(item.exercise, exercise_ids), "exercise")
        for item in talk.session.agenda
        if item.exercise and item.exercise not in exercise_ids
    ]
    return [*card_problems(talk), *slide_problems(talk), *agenda]


def _unknown_exercise(name: str, known: list[str]) -> str:
    hint = suggestion(name, known, "the exercise ids are:") or "the talk has no exercises"
    return f"no exercise has the id '{name}'; {hint}"


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


def _problem(source: Source, detail: ErrorDetails) -> Problem:
    kind = detail["type"]
    path = _user_path(detail["loc"], source.data, keep_last=kind == "missing")
    value = detail.get("input")
    if kind == "extra_forbidden":
        # The schema is walked along pydantic's own path (`slides: [...]` is `slides.changes`).
        model_parent = tuple(part for part in detail["loc"][:-1] if not _is_union_tag(part))
        return source.problem(path, _unknown_key(str(path[-1]), model_parent, source), key=True)
    if kind == "missing":
        return source.problem(path[:-1], f"'{path[-1]}' is required but missing")
    return source.problem(path, _message(kind, detail, value))


def _user_path(loc: tuple[Any, ...], data: Any, *, keep_last: bool) -> PathKey:
    """The part of pydantic's location that is the user's: it also holds the names of
    validators and union members (`function-after[...]`), which the user never wrote, and
    the user may write a key that looks like one (`links[0]:`). So each part is kept only
    where the data has it (and the last, for a key reported missing)."""
    path: list[str | int] = []
    for index, part in enumerate(loc):
        in_mapping = isinstance(data, dict) and isinstance(part, str) and part in data
        in_list = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if in_mapping or in_list:
            data = data[part]
        elif not (keep_last and index == len(loc) - 1):
            continue
        path.append(part)
    return tuple(path)


def _is_union_tag(part: Any) -> bool:
    # pydantic inserts the validator or union member name into locations; not a user path.
    return isinstance(part, str) and (part.startswith("function-") or "[" in part)


def _unknown_key(key: str, parent: PathKey, source: Source) -> str:
    allowed = _allowed_keys(parent, source)
    hint = suggestion(key, sorted(allowed), "expected one of:", shown=len(allowed))
    return f"unknown key '{key}'; {hint}" if hint else f"unknown key '{key}'"


def _allowed_keys(parent: PathKey, source: Source) -> list[str]:
    """The keys the model allows at `parent`, found by walking the schema along the path (a
    field that takes a list or a mapping, like `slides`, is followed the way the path goes)."""
    model: Any = Talk
    for position, part in enumerate(parent):
        if isinstance(part, int):
            continue
        fields = (
            {info.alias or name: info for name, info in model.model_fields.items()}
            if _is_model(model)
            else {}
        )
        field = fields.get(part)
        if field is None:
            return []
        listed = position + 1 < len(parent) and isinstance(parent[position + 1], int)
        candidates = list(_models_in(field.annotation))
        model = next((m for m, inside in candidates if inside == listed), None)
        if model is None and candidates:
            model = candidates[0][0]
    return [info.alias or name for name, info in model.model_fields.items()] if _is_model(model) else []


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _models_in(annotation: Any, in_list: bool = False) -> Iterator[tuple[Any, bool]]:
    """The models an annotation names, each with whether it sits inside a list."""
    if _is_model(annotation):
        yield annotation, in_list
        return
    is_list = get_origin(annotation) is list
    for arg in getattr(annotation, "__args__", ()):
        yield from _models_in(arg, in_list or is_list)


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


def _message(kind: str, detail: ErrorDetails, value: Any) -> str:
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


def _pattern_hint(detail: ErrorDetails) -> str:
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


def _missing_files(
    talk: Talk,
    nodes: list[tuple[PathKey, Text | Figure]],
    source: Source,
    base: Path,
    allow_network: bool,
    warnings: list[BuildWarning],
) -> Iterator[Problem]:
    """Images and logos the talk names that are not there, lie outside its folder (once
    symlinks are followed), or cannot be used (damaged, enormous, an SVG reaching out);
    what is only worth a word (an animated image) goes into `warnings`."""
    from .images import inspect

    root = base.resolve()
    inspected: dict[Path, Any] = {}
    texts = [(path, node) for path, node in nodes if isinstance(node, Text)]
    for path, text in texts:
        longest = max((len(word) for word in text.plain.split()), default=0)
        if longest > MAX_WORD:
            what = f"a word of {longest:,} characters without a space; break it up (the limit is {MAX_WORD})"
            yield source.problem(path, what)
        for url in dict.fromkeys(text.refused):
            what = f"address '{url}' is not allowed (use http:, https:, mailto: or a file beside the talk)"
            yield source.problem(path, what)
    for path, name in _named_files(talk, nodes):
        if is_remote(name):
            if not allow_network:
                what = f"'{name}': the build is offline; add --allow-network to fetch images from the web"
                yield source.problem(path, what)
            continue
        if "://" in name or name.startswith("data:"):
            what = f"'{name}': only files beside the talk are used (no web or data addresses)"
            yield source.problem(path, what)
            continue
        target = (base / unquote(name)).resolve()
        if not target.is_relative_to(root):
            yield source.problem(path, f"'{name}' lies outside the talk's folder")
        elif not target.is_file():
            yield source.problem(path, f"image '{name}' not found (looked in {source.path.parent.name}/)")
        else:
            if target not in inspected:
                inspected[target] = inspect(target, unquote(name), base, allow_network)
            for what in inspected[target].errors:
                yield source.problem(path, what)
            warnings.extend(
                BuildWarning.at(source.problem(path, w), "image") for w in inspected[target].warnings
            )


def _pptx_template_problems(talk: Talk, base: Path) -> Iterator[Problem]:
    """`slides.pptx_template` names a PowerPoint file beside the talk (whether or not this
    build writes slides.pptx: a talk is checked whole)."""
    options = talk.slide_options
    if options.pptx_template is None:
        return
    root = base.resolve()
    path = (root / options.pptx_template).resolve()
    if not path.is_relative_to(root):
        yield options.problem(f"'{options.pptx_template}' lies outside the talk's folder", "pptx_template")
    elif not path.is_file():
        what = f"PowerPoint template '{options.pptx_template}' not found (looked in {base.name}/)"
        yield options.problem(what, "pptx_template")


def _walk(value: Any, path: PathKey = ()) -> Iterator[tuple[PathKey, Text | Figure]]:
    """Every piece of Markdown and every `figure:` in the talk, with its path."""
    if isinstance(value, Text | Figure):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _walk(getattr(value, name), (*path, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*path, index))


def _named_files(talk: Talk, nodes: list[tuple[PathKey, Text | Figure]]) -> Iterator[tuple[PathKey, str]]:
    """Every file the talk names: images in its Markdown, figures, the theme's logos."""
    for path, node in nodes:
        if isinstance(node, Text):
            for image in node.images:
                yield path, image
    for path, node in nodes:
        if isinstance(node, Figure):
            yield (*path, "src"), node.src
    for key in ("logo", "logo_light"):
        if name := getattr(talk.theme, key):
            yield ("theme", key), name


__all__ = ["Validated", "cross_reference_problems", "describe", "format_path", "validate"]
