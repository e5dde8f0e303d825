"""Scheduling renders: every artefact of every talk, costliest first, in this process or in a
pool of processes, through one path; each talk is handed on as soon as all of its artefacts
are rendered, and a talk whose artefact failed is handed on at once."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .artefacts import ARTEFACTS, by_cost
from .errors import KitError, RenderProcessError
from .plan import Progress, TalkBuild
from .reads import recording
from .render.base import Job, Result, joined, parts_of

if TYPE_CHECKING:
    from concurrent.futures import Future

Task = tuple[TalkBuild, str, str | None]  # a talk, an artefact, one of its parts (None: whole)
Outcome = Result | KitError


def render_talks(
    talks: list[TalkBuild], jobs: int | None, progress: Progress, on_done: Callable[[TalkBuild], None]
) -> None:
    """Render what every talk has left to render and hand each talk to `on_done` when done."""
    for talk in talks:
        if not talk.todo:
            on_done(talk)
    pairs = [(talk, name) for talk in talks for name in by_cost(talk.todo)]
    if not pairs:
        return
    cores = jobs or os.cpu_count() or 1
    # An artefact with independent parts (a long deck, its notes and its PowerPoint file) is
    # split across processes, even when it is the only one to render; its renderer says when.
    tasks: list[Task] = [
        (talk, name, part)
        for talk, name in pairs
        for part in (parts_of(ARTEFACTS[name].renderer(), talk.job) if cores > 1 and talk.job else (None,))
    ]
    workers = min(len(tasks), cores)
    outcomes = _in_pool(tasks, workers, progress) if workers > 1 else _in_process(tasks, progress)
    _collect(tasks, outcomes, progress, on_done)


def render_artefact(name: str, job: Job) -> Outcome:
    """Render one artefact (or one part of it), recording what it read; an error is returned,
    not raised, so it crosses from a pool process as a value."""
    try:
        with recording() as reads:
            result = ARTEFACTS[name].renderer().render(job)
    except KitError as error:
        return error
    result.reads = reads
    return _claimed(name, result)


def _claimed(name: str, result: Result) -> Result:
    """`result` with its outputs and warnings said to be artefact `name`'s."""
    result.warnings = [warning.of(name) for warning in result.warnings]
    for output in result.outputs:
        output.artefact = name
    return result


def _in_process(tasks: list[Task], progress: Progress) -> Iterator[tuple[Task, Outcome]]:
    for task in tasks:
        talk, name, part = task
        if talk.report.error is not None or talk.job is None:
            continue
        progress(f"{talk.label}{name}: rendering")
        prefixed = (lambda m, label=talk.label: progress(label + m)) if talk.label else progress
        yield task, render_artefact(name, replace(talk.job, part=part, progress=prefixed))


def _in_pool(tasks: list[Task], workers: int, progress: Progress) -> Iterator[tuple[Task, Outcome]]:
    """Render `tasks` in `workers` processes: this one and `workers - 1` forked ones (a process
    only waiting on the others would hold its memory for nothing). Each process, when free,
    takes the costliest task left: the forked ones fed by a thread as each task is done."""
    import multiprocessing
    import queue
    import threading
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    context = multiprocessing.get_context("fork")  # workers start with the kit already imported
    count = min(len(tasks), workers)
    left = list(tasks)  # costliest first
    lock = threading.Lock()
    finished: queue.Queue[tuple[Task, Future[Outcome]] | None] = queue.Queue()
    with ProcessPoolExecutor(max_workers=count - 1, mp_context=context) as pool:
        running: dict[Future[Outcome], Task] = {}

        def feed() -> bool:
            """Give each idle forked process the costliest task left; False when all is done."""
            with lock:
                while left and len(running) < count - 1:
                    task = left.pop(0)
                    running[pool.submit(render_artefact, task[1], _job_of(task, progress=_silent))] = task
                return bool(running)

        def feeder() -> None:
            while feed():
                for future in wait(running, return_when=FIRST_COMPLETED)[0]:
                    finished.put((running.pop(future), future))
            finished.put(None)

        feed()  # here, in the only thread: the forked processes start now, from a quiet process
        threading.Thread(target=feeder, name="handout-kit-feeder", daemon=True).start()
        progress(f"rendering {len({(id(t), n) for t, n, _ in tasks})} artefact(s) in {count} processes")
        try:
            while True:
                while True:  # what the forked processes finished meanwhile
                    try:
                        item = finished.get_nowait()
                    except queue.Empty:
                        break
                    if item is None:
                        return
                    yield _outcome(*item)
                with lock:
                    mine = left.pop(0) if left else None
                if mine is None:  # nothing left for this process: wait for the others
                    item = finished.get()
                    if item is None:
                        return
                    yield _outcome(*item)
                elif mine[0].report.error is None:  # a failed talk's outputs stay as they were
                    # fork=False: no forking from here, where the feeder thread runs
                    yield mine, render_artefact(mine[1], _job_of(mine, progress=_silent, fork=False))
        except BaseException:
            with lock:
                left.clear()
            pool.shutdown(wait=True, cancel_futures=True)  # an error or Ctrl-C: start nothing more
            raise


def _outcome(task: Task, future: Future[Outcome]) -> tuple[Task, Outcome]:
    """A forked process's task and what it made."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        return task, future.result()
    except BrokenProcessPool as error:
        raise RenderProcessError(
            f"a render process stopped while making {task[0].label}{task[1]} (out of memory? try --jobs 1)"
        ) from error


def _job_of(task: Task, **changes: Any) -> Job:
    """The job of one task: its talk's, for the artefact's part the task names."""
    talk, _, part = task
    assert talk.job is not None
    return replace(talk.job, part=part, **changes)


def _collect(
    tasks: list[Task],
    outcomes: Iterator[tuple[Task, Outcome]],
    progress: Progress,
    on_done: Callable[[TalkBuild], None],
) -> None:
    """Take outcomes as they come, joining an artefact's parts in their declared order."""
    expected: dict[tuple[int, str], list[str | None]] = {}
    for talk, name, part in tasks:
        expected.setdefault((id(talk), name), []).append(part)
    done: dict[tuple[int, str], dict[str | None, Result]] = {}
    total, count = len(expected), 0
    for (talk, name, part), outcome in outcomes:
        if talk.report.error is not None:
            continue
        if isinstance(outcome, KitError):
            talk.report.error = outcome
            progress(f"{talk.label}{name} failed")
            on_done(talk)
            continue
        parts = done.setdefault((id(talk), name), {})
        parts[part] = outcome
        order = expected[(id(talk), name)]
        if len(parts) < len(order):
            continue
        if len(order) > 1:
            talk.results[name] = _claimed(name, joined(ARTEFACTS[name].renderer(), [parts[p] for p in order]))
        else:
            talk.results[name] = outcome
        count += 1
        progress(f"[{count}/{total}] {talk.label}{name} done")
        if len(talk.results) == len(talk.todo):
            on_done(talk)


def _silent(message: str) -> None:
    del message  # a terminal callback does not cross processes
