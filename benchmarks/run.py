"""Time handout-kit against bare WeasyPrint on the same HTML; print a table of medians.

    python benchmarks/run.py [--runs N]

Cold figures are whole processes (imports included), as a user runs them; warm figures are
in one process after the imports, which is what a watcher or a batch build pays per talk.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TALK = REPO / "content" / "talk.yaml"
KIT = [sys.executable, "-m", "handout_kit"]


def run_process(command: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one child process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")
    return seconds, usage.ru_maxrss / 1024


def median_process(command: list[str], runs: int) -> tuple[float, float]:
    results = [run_process(command) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def median_call(function: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    work = Path(tempfile.mkdtemp(prefix="handout-kit-bench-"))
    try:
        rows = measure(work, runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nhandout-kit benchmarks: default talk, median of {runs} runs, {os.cpu_count()} cores\n")
    print(f"{'what':<58} {'seconds':>8} {'peak MiB':>9}")
    for label, seconds, memory in rows:
        mib = f"{memory:9.0f}" if memory else " " * 9
        print(f"{label:<58} {seconds:8.3f} {mib}")


def measure(work: Path, runs: int) -> list[tuple[str, float, float]]:
    out = work / "build"
    build = [*KIT, "build", str(TALK), "--out", str(out), "--only", "handout", "--force"]
    run_process(build)  # warm the file cache and write the HTML the bare run reads
    html_file = out / "handout.html"
    bare_script = work / "bare.py"
    bare_script.write_text(
        "import sys\nfrom weasyprint import HTML\nHTML(filename=sys.argv[1]).write_pdf(sys.argv[2])\n"
    )
    rows: list[tuple[str, float, float]] = []
    rows.append(("handout-kit --help (cold process)", *median_process([*KIT, "--help"], runs)))
    kit_cold = median_process(build, runs)
    rows.append(("handout-kit build --only handout (cold, PDF+HTML)", *kit_cold))
    pdf_only = [*build, "--format", "pdf"]
    kit_pdf = median_process(pdf_only, runs)
    rows.append(("handout-kit build --only handout --format pdf (cold)", *kit_pdf))
    bare = median_process([sys.executable, str(bare_script), str(html_file), str(work / "bare.pdf")], runs)
    rows.append(("bare WeasyPrint, same HTML to PDF (cold)", *bare))
    import_only = median_process([sys.executable, "-c", "import weasyprint"], runs)
    rows.append(("  of which: python + import weasyprint", *import_only))
    rows.append((f"  kit overhead over bare WeasyPrint (cold, PDF): {kit_pdf[0] / bare[0] - 1:+.0%}", 0, 0))
    rows.extend(measure_warm(work, html_file, runs))
    rows.extend(measure_full_builds(work, max(3, runs // 2)))
    rows.extend(measure_decks(work, max(3, runs // 2)))
    rows.extend(measure_cards(work, max(3, runs // 2)))
    rows.extend(measure_serve(work))
    return rows


def large_talk(folder: Path, slides: int) -> Path:
    """The default talk grown to about `slides` slides by repeating its groups of points."""
    import yaml

    talk = yaml.safe_load(TALK.read_text(encoding="utf-8"))
    talk.pop("slides", None)
    base_groups = talk["groups"]
    groups: list[dict] = []
    # title, outline, questions and closing are fixed; each group adds a section slide.
    fixed = 3 + len(talk.get("questions", []))
    while fixed + sum(1 + len(g["points"]) for g in groups) < slides:
        source = base_groups[len(groups) % len(base_groups)]
        points = [dict(point, id=f"{point['id']}-{len(groups)}") for point in source["points"]]
        room = slides - fixed - sum(1 + len(g["points"]) for g in groups) - 1
        groups.append(dict(source, points=points[: max(1, room)]))
    talk["groups"] = groups
    path = folder / f"talk-{slides}" / "content" / "talk.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(talk, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def measure_decks(work: Path, runs: int) -> list[tuple[str, float, float]]:
    rows = []
    for count in (30, 60, 120):
        talk = large_talk(work, count)
        for fmt in ("pdf", "html"):
            out = str(work / f"deck-{count}")
            command = [*KIT, "build", str(talk), "--out", out, "--only", "slides", "--force"]
            seconds, memory = median_process([*command, "--format", fmt], runs)
            what = "deck PDF + notes PDF" if fmt == "pdf" else "deck HTML (audience + presenter)"
            rows.append((f"{count}-slide {what} (cold)", seconds, memory))
    return rows


def measure_cards(work: Path, runs: int, count: int = 300) -> list[tuple[str, float, float]]:
    """A deck of `count` statement cards on poker size, duplex: sheets, print file, calibration."""
    import yaml

    talk = yaml.safe_load(TALK.read_text(encoding="utf-8"))
    talk["exercises"], talk["slides"] = [], []
    talk["session"] = {"participants": 24}
    statements = [f"Statement {n}: what we notice when a group organizes itself." for n in range(count)]
    talk["card_decks"] = [{"id": "many", "title": "Many cards", "statements": statements}]
    talk["cards"] = {"size": "poker", "duplex": True}
    path = work / "cards" / "content" / "talk.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(talk, allow_unicode=True, sort_keys=False), encoding="utf-8")
    command = [
        *KIT,
        "build",
        str(path),
        "--out",
        str(work / "cards-out"),
        "--only",
        "cards",
        "--format",
        "pdf",
        "--force",
    ]
    seconds, memory = median_process(command, runs)
    from pypdf import PdfReader

    pages = len(PdfReader(work / "cards-out" / "cards.pdf").pages)
    return [
        (f"{count} poker cards, duplex: cards.pdf ({pages} pages) + print + calibration", seconds, memory)
    ]


def measure_full_builds(work: Path, runs: int) -> list[tuple[str, float, float]]:
    """The whole default talk: serial, in parallel, and rebuilt with nothing or one line changed."""
    import shutil as sh

    project = work / "full"
    sh.copytree(REPO / "content", project / "content")
    build = [*KIT, "build", str(project), "--force"]
    serial = median_process([*build, "--jobs", "1"], runs)
    parallel = median_process(build, runs)
    rows = [
        ("full build, 12 outputs, one process (cold)", *serial),
        (f"full build, {os.cpu_count()} processes (cold)", *parallel),
        (f"  parallel / serial: {parallel[0] / serial[0]:.0%}", 0, 0),
    ]
    run_process([*KIT, "build", str(project)])
    rows.append(("no-change rebuild (cold process)", *median_process([*KIT, "build", str(project)], runs)))
    talk = project / "content" / "talk.yaml"
    original = talk.read_text(encoding="utf-8")
    times = []
    for edit in range(runs):
        talk.write_text(original.replace("Orlando", f"Orlando {edit}"), encoding="utf-8")
        times.append(run_process([*KIT, "build", str(project)]))
    rows.append(("one-edit rebuild, all artefacts (cold process)", statistics.median(t[0] for t in times), 0))
    return rows


def measure_serve(work: Path, edits: int = 7) -> list[tuple[str, float, float]]:
    """Median time from saving the talk to `serve` having rebuilt the handout."""
    import json
    import shutil as sh
    import signal
    import urllib.request

    project = work / "serve"
    sh.copytree(REPO / "content", project / "content")
    process = subprocess.Popen(
        [*KIT, "serve", str(project), "--only", "handout"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = next(line.split()[1] for line in process.stdout if line.startswith("serving "))

    def version() -> int:
        with urllib.request.urlopen(url + "__handout_kit/status", timeout=5) as response:
            return json.loads(response.read())["version"]

    talk = project / "content" / "talk.yaml"
    original = talk.read_text(encoding="utf-8")
    times = []
    for edit in range(edits):
        before = version()
        time.sleep(0.3)
        started = time.perf_counter()
        talk.write_text(original.replace("Orlando", f"Orlando {edit}"), encoding="utf-8")
        while version() == before:
            time.sleep(0.01)
        times.append(time.perf_counter() - started)
    process.send_signal(signal.SIGINT)
    process.wait(timeout=15)
    return [(f"serve: saved edit to rebuilt handout (median of {edits})", statistics.median(times), 0)]


def measure_warm(work: Path, html_file: Path, runs: int) -> list[tuple[str, float, float]]:
    from weasyprint import HTML

    from handout_kit.build import BuildOptions, build, load_talk

    options = BuildOptions(
        source=TALK, out_dir=work / "warm", only=("handout",), formats=frozenset({"pdf"}), force=True
    )
    build(options)  # first call pays imports and font loading
    html = html_file.read_text()
    kit = median_call(lambda: build(options), runs)
    load = median_call(lambda: load_talk(TALK), runs)
    bare = median_call(lambda: HTML(string=html, base_url=str(REPO)).write_pdf(), runs)
    return [
        ("handout-kit build, in process (warm, PDF)", kit, 0),
        ("  of which: load + validate the talk", load, 0),
        ("bare WeasyPrint, same HTML, in process (warm)", bare, 0),
        (f"  kit overhead over bare WeasyPrint (warm): {kit / bare - 1:+.0%}", 0, 0),
    ]


if __name__ == "__main__":
    main()
