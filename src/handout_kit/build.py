"""The build, top to bottom: find the talks, plan what the cache keeps, load and validate,
render each artefact, then write.

One talk or many, every artefact to render goes into one schedule; each talk is written as
soon as all of its artefacts are done, and a talk that fails leaves its last good output in
place without stopping the others.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .artefacts import ARTEFACTS
from .cache import build_lock
from .discover import find_content, find_talks, out_dir_for, project_dir_of, refuse_shared_out_dirs
from .errors import KitError, OutputError, StrictError
from .plan import BuildOptions, Progress, TalkBuild, plan_talk
from .report import BuildReport, WrittenOutput
from .schedule import render_talks
from .source import display_name
from .write import remove_leftovers, replace_all

if TYPE_CHECKING:
    from .schema import Talk

__all__ = [
    "BuildOptions",
    "BuildReport",
    "build",
    "build_many",
    "find_content",
    "load_talk",
    "project_dir_of",
]


def build(options: BuildOptions, *, write: bool = True, progress: Progress = lambda m: None) -> BuildReport:
    """Build one talk's artefacts; nothing is written unless every artefact succeeded, and an
    artefact whose inputs did not change since the last build is not rendered again."""
    started = time.perf_counter()
    content_file = find_content(options.source)
    out_dir = out_dir_for(content_file, options.out_dir)
    options = replace(options, source=content_file, out_dir=out_dir)
    with contextlib.ExitStack() as locks:
        if write:
            _lock(locks, out_dir, progress)
        talk = plan_talk(options, write, started)
        render_talks([talk], options.jobs, progress, on_done=_finish)
    return talk.report


def build_many(
    options: BuildOptions, sources: Sequence[Path], *, progress: Progress = lambda message: None
) -> list[BuildReport]:
    """Build several talks with one schedule. Each talk gets its own report; a talk that
    fails has `report.error` set and keeps its last good output, the others go on."""
    talks = find_talks(sources)
    out_dirs = [out_dir_for(talk, options.out_dir, several=len(talks) > 1) for talk in talks]
    refuse_shared_out_dirs(talks, out_dirs)
    reports: list[BuildReport] = []
    builds: list[TalkBuild] = []
    with contextlib.ExitStack() as locks:
        for out_dir in sorted(set(out_dirs)):  # always in the same order: two such builds never deadlock
            _lock(locks, out_dir, progress)
        for content_file, out_dir in zip(talks, out_dirs, strict=True):
            started = time.perf_counter()
            talk_options = replace(options, source=content_file, out_dir=out_dir)
            try:
                talk = plan_talk(talk_options, True, started)
            except KitError as error:
                reports.append(BuildReport(content_file, out_dir, error=error))
                continue
            talk.label = f"{display_name(content_file)}: " if len(talks) > 1 else ""
            builds.append(talk)
            reports.append(talk.report)
        render_talks(builds, options.jobs, progress, on_done=_finish_or_record)
    return reports


def load_talk(content_file: Path, *, allow_network: bool = False) -> Talk:
    """Load and validate a talk file (every problem reported at once) into its model."""
    from .source import load
    from .validate import validate  # pydantic and Markdown load here, not at start-up

    return validate(load(content_file), allow_network=allow_network).talk


def _lock(locks: contextlib.ExitStack, out_dir: Path, progress: Progress) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        locks.enter_context(build_lock(out_dir, progress))
    except OSError as error:
        raise OutputError(f"cannot write to {out_dir}: {error.strerror or error}") from None


def _finish(talk: TalkBuild) -> None:
    """Check, then write one talk's outputs and its cache entry (nothing at all on an error)."""
    if talk.report.error is not None:
        raise talk.report.error
    report, options = talk.report, talk.options
    for name in (name for name in options.only or ARTEFACTS if name in talk.results):
        report.outputs.extend(talk.results[name].outputs)
        report.warnings.extend(talk.results[name].warnings)
    if not talk.write and talk.job is not None:  # `check`: what the PDFs fail of PDF/UA-1 and WCAG
        from .pdfcheck import output_warnings

        report.warnings.extend(output_warnings(report.outputs, talk.job.pdf_variant))
    report.warnings = [w for w in dict.fromkeys(report.warnings) if w.code not in options.ignore_warnings]
    if options.strict and report.warnings:
        lines = "\n".join(f"  {warning}" for warning in report.warnings)
        raise StrictError(f"--strict: {len(report.warnings)} warning(s), nothing written:\n{lines}")
    if talk.write:
        assert talk.manifest is not None and talk.state is not None
        remove_leftovers(report.out_dir)
        # All of the talk's outputs or none: staged first, renamed into place together.
        targets = replace_all(report.out_dir, [(output.name, output.data) for output in report.outputs])
        report.written.extend(map(WrittenOutput, targets, report.outputs))
        for name, result in talk.results.items():
            outputs = {output.name: output.data for output in result.outputs}
            warnings = [w.as_dict() for w in result.warnings]
            talk.manifest.record(
                name, talk.keys[name], talk.state, result.reads, outputs, warnings, result.memo
            )
        if talk.todo:
            talk.manifest.talk_warnings = [w.as_dict() for w in talk.talk_warnings]
            talk.manifest.save()
    report.seconds = time.perf_counter() - talk.started


def _finish_or_record(talk: TalkBuild) -> None:
    """`_finish` for one of several talks: its error goes into its report, the others go on."""
    try:
        _finish(talk)
    except KitError as error:
        talk.report.error = error
        talk.report.written.clear()
        talk.report.seconds = time.perf_counter() - talk.started
    for output in talk.report.outputs:
        output.data = b""  # written: let the memory go while other talks render
    talk.results.clear()
