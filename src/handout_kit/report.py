"""What a build made and noticed, and the forms it is reported in: lines for a person, JSON for
a program, GitHub annotations for a talk kept in a repository."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import BuildWarning, ContentError, KitError, Problem
from .render.base import Output

# The JSON `check --format json` prints; published in docs/check-output.schema.json.
SCHEMA_ID = "https://handout-kit.example/check-output.schema.json"


@dataclass
class WrittenOutput:
    path: Path
    output: Output


@dataclass
class BuildReport:
    """What a build made (or would make, for `check`) and what it noticed."""

    content_file: Path
    out_dir: Path
    outputs: list[Output] = field(default_factory=list)
    written: list[WrittenOutput] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # artefacts the cache kept
    kept_outputs: int = 0  # outputs of the unchanged artefacts
    warnings: list[BuildWarning] = field(default_factory=list)
    seconds: float = 0.0
    error: KitError | None = None  # set only by build_many, for a talk that failed

    def failing(self, output: Output, strict: bool) -> list[BuildWarning]:
        """The warnings that make `output` fail under --strict: its artefact's and the talk's."""
        if not strict:
            return []
        return [w for w in self.warnings if w.artefact in (None, output.artefact)]


def summary_line(outputs: int, warnings: int, failed: int = 0) -> str:
    """`12 outputs ok, 3 warnings`: the last line of every build and check."""
    parts = [f"{outputs} output{'s' if outputs != 1 else ''} ok"]
    if failed:
        parts.append(f"{failed} failed")
    parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return ", ".join(parts)


def error_records(error: KitError) -> list[dict[str, Any]]:
    """An error as data: one record per problem, with its place where it has one."""
    problems: list[Problem] = error.problems if isinstance(error, ContentError) else []
    if not problems:
        return [{"message": error.format_message(), "file": None, "line": None, "column": None}]
    return [
        {
            "message": str(p),
            "file": p.file or None,
            "line": p.line,
            "column": p.column,
            "where": p.where or None,
        }
        for p in problems
    ]


def check_payload(report: BuildReport | None, error: KitError | None, strict: bool) -> dict[str, Any]:
    """What `check --format json` prints (see docs/check-output.schema.json)."""
    warnings = report.warnings if report else []
    outputs: list[dict[str, Any]] = []
    for output in report.outputs if report else []:
        failing = report.failing(output, strict) if report else []
        outputs.append(
            {"name": output.name, "artefact": output.artefact, "ok": not failing, "summary": output.summary}
        )
    ok = error is None and not (strict and warnings)
    return {
        "$schema": SCHEMA_ID,
        "ok": ok,
        "errors": error_records(error) if error else [],
        "warnings": [warning.as_dict() for warning in warnings],
        "outputs": outputs,
        "summary": summary_line(
            sum(o["ok"] for o in outputs), len(warnings), sum(not o["ok"] for o in outputs)
        ),
    }


def github_lines(report: BuildReport | None, error: KitError | None) -> list[str]:
    """Workflow commands GitHub Actions turns into annotations on the talk's lines."""
    lines = [_annotation("error", record) for record in (error_records(error) if error else [])]
    for warning in report.warnings if report else []:
        record = {**warning.as_dict(), "message": str(warning)}
        lines.append(_annotation("warning", record))
    return lines


def _annotation(kind: str, record: dict[str, Any]) -> str:
    place = [f"file={_escape_property(record['file'])}"] if record.get("file") else []
    if record.get("line") is not None:
        place.append(f"line={record['line']}")
        if record.get("column") is not None:
            place.append(f"col={record['column']}")
    if record.get("code"):
        place.append(f"title=handout-kit {_escape_property(record['code'])}")
    properties = " " + ",".join(place) if place else ""
    return f"::{kind}{properties}::{_escape_data(record['message'])}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False)
