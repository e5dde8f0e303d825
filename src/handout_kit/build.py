"""The build, top to bottom: find the talks, load, validate, render each artefact, then write.

One talk or many, every artefact to render goes into one pool of processes; each talk is
written as soon as all of its artefacts are done, and a talk that fails leaves its last good
output in place without stopping the others.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import Manifest, build_lock, input_key
from .errors import ContentError, KitError, OutputError, Problem, RenderProcessError, StrictError
from .render import ARTEFACTS, Job, Output, Result, renderer
from .source import display_name
from .templates import Templates
from .write import check_out_dir, remove_leftovers, replace_all

if TYPE_CHECKING:
    from .schema import Paper, Talk

CONTENT_FILE = Path("content") / "talk.yaml"
COST_ORDER = ("cards", "slides", "handout", "run-sheet")

Progress = Callable[[str], None]


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
    network_timeout: float | None = None  # None: offline; else --allow-network, seconds a file


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
    error: KitError | None = None  # set only by build_many, for a talk that failed


def find_content(source: Path | None) -> Path:
    """The talk file for SOURCE: a file, a project folder, or (none) ./content/talk.yaml."""
    candidate = source or Path.cwd()
    if candidate.is_dir():
        inside = _talk_in(candidate)
        if inside is not None:
            return inside
        what = f"no {CONTENT_FILE} here; run `handout-kit init` or name the talk file"
        raise ContentError([Problem(display_name(candidate), None, None, "", what)])
    if not candidate.exists():
        raise ContentError([Problem(display_name(candidate), None, None, "", "file not found")])
    return candidate


def find_talks(sources: Sequence[Path]) -> list[Path]:
    """The talk files for SOURCES, in order and each once: talk files, project folders, and
    folders of projects (every subfolder holding a talk)."""
    found: list[Path] = []
    for source in sources or [Path.cwd()]:
        if source.is_dir() and _talk_in(source) is None:
            inside = [talk for sub in sorted(source.iterdir()) if sub.is_dir() and (talk := _talk_in(sub))]
            if not inside:
                what = f"no {CONTENT_FILE} here, nor in any of its subfolders"
                raise ContentError([Problem(display_name(source), None, None, "", what)])
            found.extend(inside)
        else:
            found.append(find_content(source))
    unique: dict[Path, Path] = {}
    for talk in found:
        unique.setdefault(talk.resolve(), talk)
    return list(unique.values())


def _talk_in(folder: Path) -> Path | None:
    for inside in (folder / CONTENT_FILE, folder / "talk.yaml"):
        if inside.is_file():
            return inside
    return None


def project_dir_of(content_file: Path) -> Path:
    """The talk's project folder: the one holding `content/`, else the talk file's folder."""
    folder = content_file.resolve().parent
    return folder.parent if folder.name == "content" else folder


def load_talk(content_file: Path, *, allow_network: bool = False) -> Talk:
    """Load and validate the talk, reporting every problem with its place."""
    from .source import load
    from .validate import validate  # pydantic and Markdown load here, not at start-up

    return validate(load(content_file), allow_network=allow_network)


@dataclass
class TalkBuild:
    """One talk on its way through the build: what is left to render and what it has made."""

    options: BuildOptions
    report: BuildReport
    write: bool
    label: str = ""  # how progress lines name the talk when there are several
    job: Job | None = None
    todo: list[str] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)
    manifest: Manifest | None = None
    talk_warnings: list[str] = field(default_factory=list)
    results: dict[str, Result] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)


def build(options: BuildOptions, *, write: bool = True, progress: Progress = lambda m: None) -> BuildReport:
    """Build one talk's artefacts; nothing is written unless every artefact succeeded, and an
    artefact whose inputs did not change since the last build is not rendered again."""
    started = time.perf_counter()
    content_file = find_content(options.source)
    out_dir = _out_dir(content_file, options.out_dir)
    options = replace(options, source=content_file, out_dir=out_dir)
    with contextlib.ExitStack() as locks:
        if write:
            _lock(locks, out_dir, progress)
        talk = _prepare(options, write, started)
        _render_talks([talk], options.jobs, progress, on_done=_finish)
    return talk.report


def build_many(
    options: BuildOptions, sources: Sequence[Path], *, progress: Progress = lambda message: None
) -> list[BuildReport]:
    """Build several talks with one pool of processes. Each talk gets its own report; a talk
    that fails has `report.error` set and keeps its last good output, the others go on."""
    talks = find_talks(sources)
    out_dirs = [_out_dir(talk, options.out_dir, several=len(talks) > 1) for talk in talks]
    _refuse_shared_out_dirs(talks, out_dirs)
    reports: list[BuildReport] = []
    builds: list[TalkBuild] = []
    with contextlib.ExitStack() as locks:
        for out_dir in sorted(set(out_dirs)):  # always in the same order: two such builds never deadlock
            _lock(locks, out_dir, progress)
        for content_file, out_dir in zip(talks, out_dirs, strict=True):
            started = time.perf_counter()
            talk_options = replace(options, source=content_file, out_dir=out_dir)
            try:
                talk = _prepare(talk_options, True, started)
            except KitError as error:
                reports.append(BuildReport(content_file, out_dir, error=error))
                continue
            talk.label = f"{display_name(content_file)}: " if len(talks) > 1 else ""
            builds.append(talk)
            reports.append(talk.report)
        _render_talks(builds, options.jobs, progress, on_done=_finish_or_record)
    return reports


def _out_dir(content_file: Path, out_dir: Path | None, *, several: bool = False) -> Path:
    """Where a talk's outputs go: --out (a subfolder per talk when there are several), else
    build/ beside content/. Never inside the content folder, which the cache reads."""
    project = project_dir_of(content_file)
    named = out_dir is not None
    if out_dir is None:
        out_dir = project / "build"
    elif several:
        out_dir = out_dir / project.name
    check_out_dir(out_dir, named=named)
    chosen = out_dir.resolve()
    if chosen.is_relative_to(content_file.resolve().parent):
        raise OutputError(
            f"the output folder {chosen} lies inside the content folder of {display_name(content_file)}; "
            "choose another with --out"
        )
    return chosen


def _refuse_shared_out_dirs(talks: list[Path], out_dirs: list[Path]) -> None:
    seen: dict[Path, Path] = {}
    for talk, out_dir in zip(talks, out_dirs, strict=True):
        if out_dir in seen:
            raise OutputError(
                f"{display_name(seen[out_dir])} and {display_name(talk)} would both write to {out_dir}; "
                "give their project folders different names"
            )
        seen[out_dir] = talk


def _lock(locks: contextlib.ExitStack, out_dir: Path, progress: Progress) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        locks.enter_context(build_lock(out_dir, progress))
    except OSError as error:
        raise OutputError(f"cannot write to {out_dir}: {error.strerror or error}") from None


def _prepare(options: BuildOptions, write: bool, started: float) -> TalkBuild:
    """Decide what to render for one talk. The cache is asked first, by hashing alone: when
    nothing changed, the talk is not even parsed (and jinja2 and pydantic never load)."""
    assert options.source is not None and options.out_dir is not None
    content_file, out_dir = options.source, options.out_dir
    project = project_dir_of(content_file)
    user_templates = [d for d in (options.templates_dir, project / "templates") if d is not None]
    templates = Templates(user_templates)
    names = list(options.only or ARTEFACTS)
    talk = TalkBuild(options, BuildReport(content_file, out_dir), write, started=started)
    if write:
        network = options.network_timeout is not None
        settings = {"formats": sorted(options.formats), "paper": options.paper, "network": network}
        talk.manifest = Manifest(out_dir)
        content_dir = content_file.resolve().parent
        talk.keys = {n: input_key(n, content_dir, templates.roots, settings, out_dir) for n in names}
        entries = {n: None if options.force else talk.manifest.fresh(n, talk.keys[n]) for n in names}
        talk.todo = [name for name in names if entries[name] is None]
        talk.report.unchanged = [name for name in names if entries[name] is not None]
        if not talk.todo:
            talk.report.warnings.extend(talk.manifest.talk_warnings)
        for name in talk.report.unchanged:
            talk.report.warnings.extend(str(w) for w in entries[name].get("warnings", []))
    else:
        talk.todo = names
    if talk.todo:
        from . import network
        from .cards import category_colors
        from .fonts import missing_glyph_warnings
        from .themes import contrast_warnings

        network.forget()

        model = load_talk(content_file, allow_network=options.network_timeout is not None)
        talk.talk_warnings = [
            *model.warnings,
            *contrast_warnings(model.theme.colors, category_colors(model)),
            *missing_glyph_warnings(model),
        ]
        talk.report.warnings[:0] = talk.talk_warnings
        talk.job = Job(
            talk=model,
            content_file=content_file.resolve(),
            project_dir=project,
            templates=templates,
            formats=options.formats,
            paper=options.paper,
            cache_dir=out_dir / ".cache" if write else None,
            network_timeout=options.network_timeout,
            memo=talk.manifest.memos() if talk.manifest else {},
            progress=_silent,  # a terminal callback does not cross processes; the serial path sets one
        )
        for name in talk.todo:  # a renderer's cheap checks first: what cannot succeed fails in seconds
            getattr(renderer(name), "precheck", lambda job: None)(talk.job)
    return talk


def _render_talks(
    talks: list[TalkBuild], jobs: int | None, progress: Progress, on_done: Callable[[TalkBuild], None]
) -> None:
    """Render every talk's remaining artefacts in one pool (each talk's costliest first), and
    hand each talk to `on_done` as soon as all of its artefacts are rendered."""
    tasks = [(talk, name) for talk in talks for name in sorted(talk.todo, key=_cost_rank)]
    for talk in talks:
        if not talk.todo:
            on_done(talk)
    workers = min(len(tasks), jobs or os.cpu_count() or 1)
    if workers <= 1:
        for talk, name in tasks:
            if talk.report.error is not None:
                continue
            progress(f"{talk.label}{name}: rendering")
            assert talk.job is not None
            job = replace(talk.job, progress=_prefixed(progress, talk))
            try:
                talk.results[name] = renderer(name).render(job)
            except KitError as error:
                talk.report.error = error
                on_done(talk)
                continue
            if len(talk.results) == len(talk.todo):
                on_done(talk)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # An artefact with independent parts (the deck and its notes) is split across processes.
    split = [
        (talk, name, part) for talk, name in tasks for part in getattr(renderer(name), "parts", ()) or (None,)
    ]
    context = multiprocessing.get_context("fork")  # workers start with the kit already imported
    with ProcessPoolExecutor(max_workers=min(len(split), workers), mp_context=context) as pool:
        pending = {
            pool.submit(_render_one, name, replace(talk.job, part=part)): (talk, name, part)
            for talk, name, part in split
        }
        progress(f"rendering {len(tasks)} artefact(s) in {min(len(split), workers)} processes")
        try:
            _collect(pending, progress, on_done)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)  # an error or Ctrl-C: start nothing more
            raise


def _collect(pending: dict, progress: Progress, on_done: Callable[[TalkBuild], None]) -> None:
    """Take results as they come, joining an artefact's parts; a talk whose artefact failed is
    done (with its error) at once."""
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    from .render.base import merged

    parts: dict[tuple[int, str], list[tuple[str | None, Result]]] = {}
    expected = {(id(talk), name): 0 for talk, name, _ in pending.values()}
    for talk, name, _ in pending.values():
        expected[(id(talk), name)] += 1
    total, count = len(expected), 0
    while pending:
        finished, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in finished:
            talk, name, part = pending.pop(future)
            if talk.report.error is not None:
                continue
            try:
                result = future.result()
            except BrokenProcessPool as error:
                raise RenderProcessError(
                    f"a render process stopped while making {talk.label}{name} (out of memory? try --jobs 1)"
                ) from error
            except KitError as error:
                talk.report.error = error
                progress(f"{talk.label}{name} failed")
                on_done(talk)
                continue
            done = parts.setdefault((id(talk), name), [])
            done.append((part, result))
            if len(done) < expected[(id(talk), name)]:
                continue
            order = getattr(renderer(name), "parts", ()) or (None,)
            talk.results[name] = merged([r for _, r in sorted(done, key=lambda pr: order.index(pr[0]))])
            count += 1
            progress(f"[{count}/{total}] {talk.label}{name} done")
            if len(talk.results) == len(talk.todo):
                on_done(talk)


def _render_one(name: str, job: Job) -> Result:
    """Render one artefact in a pool process (module level, so it can be sent there)."""
    return renderer(name).render(job)


def _silent(message: str) -> None:
    del message


def _cost_rank(name: str) -> int:
    return COST_ORDER.index(name) if name in COST_ORDER else len(COST_ORDER)


def _prefixed(progress: Progress, talk: TalkBuild) -> Progress:
    return (lambda message: progress(talk.label + message)) if talk.label else progress


def _finish(talk: TalkBuild) -> None:
    """Check, then write one talk's outputs and its cache entry (nothing at all on an error)."""
    if talk.report.error is not None:
        raise talk.report.error
    report, options = talk.report, talk.options
    for name in (name for name in options.only or ARTEFACTS if name in talk.results):
        report.outputs.extend(talk.results[name].outputs)
        report.warnings.extend(talk.results[name].warnings)
    if options.strict and report.warnings:
        lines = "\n".join(f"  {warning}" for warning in report.warnings)
        raise StrictError(f"--strict: {len(report.warnings)} warning(s), nothing written:\n{lines}")
    if talk.write:
        assert talk.manifest is not None
        remove_leftovers(report.out_dir)
        # All of the talk's outputs or none: staged first, renamed into place together.
        targets = replace_all(report.out_dir, [(output.name, output.data) for output in report.outputs])
        report.written.extend(map(WrittenOutput, targets, report.outputs))
        for name, result in talk.results.items():
            outputs = {output.name: output.data for output in result.outputs}
            talk.manifest.record(name, talk.keys[name], outputs, result.warnings, result.memo)
        if talk.todo:
            talk.manifest.talk_warnings = talk.talk_warnings
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
