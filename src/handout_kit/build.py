"""The build, top to bottom: find the talk, load, validate, render each artefact, then write."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import Manifest, build_lock, input_key
from .errors import ContentError, OutputError, Problem, StrictError
from .render import ARTEFACTS, Job, Output, Result, renderer
from .source import display_name
from .templates import Templates
from .write import remove_leftovers, safe_target, write_atomic

if TYPE_CHECKING:
    from .schema import Paper, Talk

CONTENT_FILE = Path("content") / "talk.yaml"
COST_ORDER = ("cards", "slides", "handout", "run-sheet")


@dataclass(frozen=True)
class BuildOptions:
    """What the user asked for on the command line."""

    source: Path | None = None
    out_dir: Path | None = None
    only: Sequence[str] = ()
    formats: frozenset[str] = frozenset({"html", "pdf"})
    paper: Paper | None = None
    strict: bool = False
    templates_dir: Path | None = None
    jobs: int | None = None  # worker processes; None: one per core
    force: bool = False  # render even what the cache says is unchanged


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
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


def find_content(source: Path | None) -> Path:
    """The talk file for SOURCE: a file, a project folder, or (none) ./content/talk.yaml."""
    candidate = source or Path.cwd()
    if candidate.is_dir():
        for inside in (candidate / CONTENT_FILE, candidate / "talk.yaml"):
            if inside.is_file():
                return inside
        what = f"no {CONTENT_FILE} here; run `handout-kit init` or name the talk file"
        raise ContentError([Problem(display_name(candidate), None, None, "", what)])
    if not candidate.exists():
        raise ContentError([Problem(display_name(candidate), None, None, "", "file not found")])
    return candidate


def project_dir_of(content_file: Path) -> Path:
    """The talk's project folder: the one holding `content/`, else the talk file's folder."""
    folder = content_file.resolve().parent
    return folder.parent if folder.name == "content" else folder


def load_talk(content_file: Path) -> Talk:
    """Load and validate the talk, reporting every problem with its place."""
    from .source import load
    from .validate import validate  # pydantic and Markdown load here, not at start-up

    return validate(load(content_file))


def render_all(names: list[str], job: Job, jobs: int | None, progress: Callable[[str], None]) -> list[Result]:
    """Render each artefact, in parallel processes when there are several and cores to spare.
    Results come back in the order asked, whatever order they finish in."""
    workers = min(len(names), jobs or os.cpu_count() or 1)
    if workers <= 1:
        results = []
        for name in names:
            progress(f"{name}: rendering")
            results.append(renderer(name).render(job))
        return results
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    quiet = replace(job, progress=_silent)  # a terminal callback does not cross processes
    context = multiprocessing.get_context("fork")  # workers start with the kit already imported
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(_render_one, name, quiet) for name in names]
        progress(f"rendering {', '.join(names)} in {workers} processes")
        return [future.result() for future in futures]


def _silent(message: str) -> None:
    del message


def _render_one(name: str, job: Job) -> Result:
    return renderer(name).render(job)


def build(
    options: BuildOptions,
    *,
    write: bool = True,
    progress: Callable[[str], None] = lambda message: None,
) -> BuildReport:
    """Build the talk's artefacts; nothing is written unless every artefact succeeded, and an
    artefact whose inputs did not change since the last build is not rendered again."""
    started = time.perf_counter()
    content_file = find_content(options.source)
    project = project_dir_of(content_file)
    out_dir = (options.out_dir or project / "build").resolve()
    if out_dir.is_relative_to(content_file.resolve().parent):
        raise OutputError(
            f"the output folder {out_dir} lies inside the content folder; choose another with --out"
        )
    user_templates = [d for d in (options.templates_dir, project / "templates") if d is not None]
    names = list(options.only or ARTEFACTS)
    settings = {"formats": sorted(options.formats), "paper": options.paper}
    if write and not options.force and out_dir.is_dir():
        unchanged = _unchanged(content_file, out_dir, names, Templates(user_templates).roots, settings)
        if unchanged is not None:
            unchanged.seconds = time.perf_counter() - started
            _fail_if_strict(unchanged, options)
            return unchanged
    from .cards import category_colors
    from .themes import contrast_warnings

    talk = load_talk(content_file)
    job = Job(
        talk=talk,
        content_file=content_file.resolve(),
        project_dir=project,
        templates=Templates(user_templates),
        formats=options.formats,
        paper=options.paper,
        cache_dir=out_dir / ".cache" if write else None,
        progress=progress,
    )
    report = BuildReport(content_file=content_file, out_dir=out_dir)
    talk_warnings = [*talk.warnings, *contrast_warnings(talk.theme.colors, category_colors(talk))]
    report.warnings.extend(talk_warnings)
    if not write:  # check: lay everything out, keep nothing
        _render_into(report, names, job, options, progress)
        _fail_if_strict(report, options)
        report.seconds = time.perf_counter() - started
        return report
    out_dir.mkdir(parents=True, exist_ok=True)
    with build_lock(out_dir, progress):
        manifest = Manifest(out_dir)
        roots = job.templates.roots
        keys = {name: input_key(name, job.content_dir, roots, settings, out_dir) for name in names}
        todo = []
        for name in names:
            entry = None if options.force else manifest.fresh(name, keys[name])
            if entry is None:
                todo.append(name)
            else:
                report.unchanged.append(name)
                report.warnings.extend(str(w) for w in entry.get("warnings", []))
        results = _render_into(report, todo, job, options, progress)
        _fail_if_strict(report, options)
        remove_leftovers(out_dir)
        targets = [(safe_target(out_dir, output.name), output) for output in report.outputs]
        for target, output in targets:
            write_atomic(target, output.data)
            report.written.append(WrittenOutput(target, output))
        for name, result in results.items():
            manifest.record(name, keys[name], {o.name: o.data for o in result.outputs}, result.warnings)
        manifest.talk_warnings = talk_warnings
        manifest.save()
    report.seconds = time.perf_counter() - started
    return report


def _unchanged(
    content_file: Path, out_dir: Path, names: list[str], roots: list[Path], settings: dict
) -> BuildReport | None:
    """The report of a build with nothing to do, when every artefact is unchanged; else None.
    Nothing but hashing happens here: the talk is not even parsed."""
    with build_lock(out_dir, lambda message: None):
        manifest = Manifest(out_dir)
        content_dir = content_file.resolve().parent
        entries = [manifest.fresh(n, input_key(n, content_dir, roots, settings, out_dir)) for n in names]
        if any(entry is None for entry in entries):
            return None
    report = BuildReport(content_file=content_file, out_dir=out_dir, unchanged=list(names))
    report.warnings.extend(manifest.talk_warnings)
    for entry in entries:
        report.warnings.extend(str(w) for w in entry.get("warnings", []))
    return report


def _render_into(
    report: BuildReport, names: list[str], job: Job, options: BuildOptions, progress: Callable[[str], None]
) -> dict[str, Result]:
    """Render `names` (costliest first, so two workers finish together); add them to `report`
    in the usual order."""
    order = sorted(names, key=lambda name: COST_ORDER.index(name) if name in COST_ORDER else len(COST_ORDER))
    results = dict(zip(order, render_all(order, job, options.jobs, progress), strict=True))
    for name in names:
        report.outputs.extend(results[name].outputs)
        report.warnings.extend(results[name].warnings)
    return results


def _fail_if_strict(report: BuildReport, options: BuildOptions) -> None:
    if options.strict and report.warnings:
        lines = "\n".join(f"  {warning}" for warning in report.warnings)
        raise StrictError(f"--strict: {len(report.warnings)} warning(s), nothing written:\n{lines}")
