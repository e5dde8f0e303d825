"""Time handout-kit, output by output, against bare WeasyPrint on the very same HTML.

    python benchmarks/run.py [--runs N] [--quick]

Talks: the default talk, and talks generated from it: a 120-slide deck (and 30, 60 to show
growth), 300 cards (and 100), a handout pushed to the limit of its fitting ladder, and a
catalogue of three talks built in one command.

Cold figures are whole processes, as a user runs them (imports included); warm figures are
in one process after the imports, as `serve` or a catalogue build pays them. "Bare
WeasyPrint" lays out and writes, with the same options, exactly the HTML documents the kit
wrote PDFs of (captured while the kit rendered), so the difference is the kit's own cost:
loading and validating the talk, templating, the handout's fitting passes, checks, fonts
and writing. Peak MiB adds up the resident memory of every process of the command
(sampled every 20 ms), as one would for Marp and its Chromium.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TALK = REPO / "content" / "talk.yaml"
KIT = [sys.executable, "-m", "handout_kit"]
ARTEFACTS = ("handout", "slides", "cards", "run-sheet")
BARE_SCRIPT = """\
import sys
from pathlib import Path
from weasyprint import HTML
base = sys.argv[1]
for name in sys.argv[2:]:
    HTML(string=Path(name).read_text(encoding="utf-8"), base_url=base).write_pdf(pdf_tags=True)
"""


# -- measuring ------------------------------------------------------------------------------


def _tree_rss_mib(pid: int) -> float:
    """Resident MiB of `pid` and all its descendants, from /proc."""
    total, todo = 0, [pid]
    page = os.sysconf("SC_PAGE_SIZE")
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/statm") as statm:
                total += int(statm.read().split()[1]) * page
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo.extend(int(child) for child in children.read().split())
        except (OSError, ValueError):
            continue
    return total / 2**20


def run_process(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, peak MiB over all processes of one command, and its CPU seconds (user and
    system, of the process and the children it waited for: all of the kit's, only part of
    Chromium's)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak, done = 0.0, threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_mib(process.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")
    return seconds, peak, usage.ru_utime + usage.ru_stime


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


# -- the talks ------------------------------------------------------------------------------


def _load_default() -> dict:
    import yaml

    return yaml.safe_load(TALK.read_text(encoding="utf-8"))


def _write_talk(folder: Path, talk: dict) -> Path:
    import yaml

    path = folder / "content" / "talk.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(talk, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def default_talk(work: Path, name: str = "default") -> Path:
    shutil.copytree(REPO / "content", work / name / "content")
    return work / name / "content" / "talk.yaml"


def deck_talk(work: Path, slides: int) -> Path:
    """The default talk grown to about `slides` slides by repeating its groups of points."""
    talk = _load_default()
    talk.pop("slides", None)
    base_groups, groups = talk["groups"], []
    fixed = 6 + len(talk.get("questions", []))  # title, outline, questions, closing and the like
    while fixed + sum(1 + len(g["points"]) for g in groups) < slides:
        source = base_groups[len(groups) % len(base_groups)]
        copy = len(groups) // len(base_groups)  # the first copy keeps its ids: exercises name them
        points = [dict(point, id=f"{point['id']}-{copy}") if copy else point for point in source["points"]]
        room = slides - fixed - sum(1 + len(g["points"]) for g in groups) - 1
        groups.append(dict(source, points=points[: max(1, room)]))
    talk["groups"] = groups
    return _write_talk(work / f"deck-{slides}", talk)


def slide_count(talk: Path) -> int:
    from handout_kit.build import load_talk
    from handout_kit.model.slides import build_deck

    return len(build_deck(load_talk(talk)).slides)


def cards_talk(work: Path, count: int, copies: int = 1) -> Path:
    """A deck of `count` statement cards on poker size, printed duplex, `copies` sets of it."""
    talk = _load_default()
    talk["exercises"], talk["slides"] = [], []
    talk["session"] = {"participants": 24}
    statements = [f"Statement {n}: what we notice when a group organizes itself." for n in range(count)]
    deck = {"id": "many", "title": "Many cards", "statements": statements}
    if copies != 1:
        deck["copies"] = str(copies)
    talk["card_decks"] = [deck]
    talk["cards"] = {"size": "poker", "duplex": True}
    return _write_talk(work / (f"cards-{count}" + (f"-x{copies}" if copies != 1 else "")), talk)


def fit_limit_talk(work: Path) -> Path:
    """The default talk with as many extra list items as still fit two pages: the handout then
    needs the last steps of its fitting ladder. Found by bisection, in process."""
    from handout_kit.build import BuildOptions, build
    from handout_kit.errors import LayoutError

    sentences = [
        "Notice who you are drawn to, and who is drawn to you.",
        "Say what you need from the group, out loud and early.",
        "Leave room for the work to find its own shape.",
    ]

    def talk_with(extra: int) -> dict:
        talk = _load_default()
        points = [p for g in talk["groups"] for p in g["points"]]
        for n in range(extra):
            point = points[n % len(points)]
            point.setdefault("items", []).append(sentences[n % len(sentences)])
        return talk

    def fits(extra: int) -> bool:
        path = _write_talk(work / "fit-probe", talk_with(extra))
        options = BuildOptions(source=path, only=("handout",), formats=frozenset({"pdf"}), force=True)
        try:
            build(options, write=False)
        except LayoutError:
            return False
        return True

    low, high = 0, 8
    while fits(high):
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if fits(middle) else (low, middle)
    shutil.rmtree(work / "fit-probe")
    return _write_talk(work / "fit-limit", talk_with(low))


# -- what the kit lays out ------------------------------------------------------------------


@dataclass
class Captured:
    """The HTML documents one artefact wrote PDFs of, saved for the bare runs."""

    base_url: str
    files: list[Path]


def capture(talk: Path, artefact: str, folder: Path) -> tuple[Captured, str]:
    """Render `artefact` in process, saving every HTML it wrote a PDF of; also the outputs'
    summaries."""
    import handout_kit.layout as pdf
    import handout_kit.render.cards as cards_module
    import handout_kit.render.handout as handout_module
    from handout_kit.build import BuildOptions, build

    original_lay_out, original_write = pdf.lay_out, pdf.Layout.write_pdf
    original_untagged = pdf.Layout.untagged_pdf
    written: list[str] = []

    def recording_lay_out(html, *args, **kwargs):
        layout = original_lay_out(html, *args, **kwargs)
        layout.bench_html = pdf.resolved_custom_properties(html)  # what WeasyPrint was given
        return layout

    def recording_write(self, *args, **kwargs):
        if hasattr(self, "bench_html"):  # not a deck whose re-fitted slides took new pages
            written.append(self.bench_html)
        return original_write(self, *args, **kwargs)

    def recording_untagged(self, *args, **kwargs):  # the cards' faces
        if hasattr(self, "bench_html"):
            written.append(self.bench_html)
        return original_untagged(self, *args, **kwargs)

    pdf.lay_out = handout_module.lay_out = recording_lay_out
    pdf.Layout.write_pdf = recording_write
    pdf.Layout.untagged_pdf = recording_untagged
    parallel = cards_module.CardsRenderer.__dict__["_parallel"]
    cards_module.CardsRenderer._parallel = staticmethod(lambda faces: False)  # every layout recorded here
    options = BuildOptions(source=talk, only=(artefact,), formats=frozenset({"pdf"}), force=True)
    try:
        report = build(options, write=False)
    finally:
        pdf.lay_out = handout_module.lay_out = original_lay_out
        pdf.Layout.write_pdf = original_write
        pdf.Layout.untagged_pdf = original_untagged
        cards_module.CardsRenderer._parallel = parallel
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for index, html in enumerate(written):
        path = folder / f"{artefact}-{index}.html"
        path.write_text(html, encoding="utf-8")
        files.append(path)
    summaries = "; ".join(f"{o.name}: {o.summary}" for o in report.outputs)
    return Captured(f"{talk.parent.as_uri()}/", files), summaries


def warm_pair(talk: Path, artefact: str, captured: Captured, runs: int) -> tuple[float, float]:
    """Median seconds, in this process, of the kit building `artefact` as `serve` does (load,
    validate, render, lay out, PDF, write) and of bare WeasyPrint on the captured HTML."""
    from weasyprint import HTML

    from handout_kit.build import BuildOptions, build

    out_dir = Path(tempfile.mkdtemp(prefix="warm-"))  # written, as `serve` does, so the fit memo is used
    options = BuildOptions(
        source=talk, out_dir=out_dir, only=(artefact,), formats=frozenset({"pdf"}), force=True, jobs=1
    )
    build(options)
    texts = [path.read_text(encoding="utf-8") for path in captured.files]

    def bare() -> None:
        for text in texts:
            HTML(string=text, base_url=captured.base_url).write_pdf(pdf_tags=True)

    kit_times, bare_times = [], []
    for _ in range(runs):
        kit_times.append(median_call(lambda: build(options), 1))
        bare_times.append(median_call(bare, 1))
    return statistics.median(kit_times), statistics.median(bare_times)


# -- the table ------------------------------------------------------------------------------


@dataclass
class Row:
    what: str
    kit: float | None = None
    bare: float | None = None
    mib: float | None = None
    note: str = ""

    def cells(self) -> list[str]:
        overhead = f"{self.kit / self.bare - 1:+.0%}" if self.kit and self.bare else ""
        return [
            self.what,
            f"{self.kit:.2f}" if self.kit is not None else "",
            f"{self.bare:.2f}" if self.bare is not None else "",
            overhead,
            f"{self.mib:.0f}" if self.mib else "",
            self.note,
        ]


def print_table(title: str, header: list[str], rows: list[Row]) -> None:
    cells = [header, *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(header))]
    print(f"\n{title}\n")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for line in cells[1:]:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |", flush=True)


# -- the measurements -----------------------------------------------------------------------


def per_output(work: Path, talks: list[tuple[str, Path, tuple[str, ...]]], runs: int) -> list[Row]:
    """Each artefact of each talk, cold and warm, against bare WeasyPrint on the same HTML.
    Kit and bare runs take turns, so a busy moment of the machine falls on both."""
    bare_script = work / "bare.py"
    bare_script.write_text(BARE_SCRIPT)
    rows = []
    for label, talk, artefacts in talks:
        for artefact in artefacts:
            captured, summary = capture(talk, artefact, work / "html" / label)
            options = ["--only", artefact, "--format", "pdf", "--force"]
            kit = [*KIT, "build", str(talk), "--out", str(work / "out" / label), *options]
            bare = [sys.executable, str(bare_script), captured.base_url, *map(str, captured.files)]
            cold = [(run_process(kit), run_process(bare)) for _ in range(runs)]
            warm_kit, warm_bare = warm_pair(talk, artefact, captured, runs)
            name = f"{label}: {artefact}"
            cold_kit = statistics.median(k[0] for k, _ in cold)
            cold_bare = statistics.median(b[0] for _, b in cold)
            cpu = statistics.median(k[2] for k, _ in cold)  # all of the kit's processes
            note = f"CPU {cpu:.1f} s, load {os.getloadavg()[0]:.1f}; {summary}"
            rows.append(Row(f"{name} (cold)", cold_kit, cold_bare, max(k[1] for k, _ in cold), note))
            if artefact == "handout":  # the cold runs above start from the fit the last build found
                fresh = [
                    [*KIT, "build", str(talk), "--out", str(work / f"first-{n}"), *options]
                    for n in range(runs)
                ]
                first = [run_process(command) for command in fresh]
                first_kit = statistics.median(f[0] for f in first)
                rows.append(Row(f"{name}, first build: no fit to start from (cold)", first_kit, cold_bare))
            rows.append(Row(f"{name} (warm)", warm_kit, warm_bare))
    return rows


def builds(work: Path, runs: int) -> list[Row]:
    """The whole default talk: serial, parallel, no change, one edit; and a catalogue."""
    talk = default_talk(work, "full")
    project = talk.parents[1]
    build = [*KIT, "build", str(project)]
    serial = median_process([*build, "--force", "--jobs", "1"], runs)
    parallel = median_process([*build, "--force"], runs)
    rows = [
        Row("default talk, 13 outputs, --jobs 1 (cold)", serial[0], None, serial[1]),
        Row(
            f"default talk, 13 outputs, {os.cpu_count()} processes (cold)",
            parallel[0],
            None,
            parallel[1],
            f"{parallel[0] / serial[0]:.0%} of --jobs 1",
        ),
    ]
    run_process(build)
    unchanged = median_process(build, runs)
    rows.append(Row("no-change rebuild (cold process)", unchanged[0], None, unchanged[1]))
    original = talk.read_text(encoding="utf-8")
    edits = []
    for edit in range(runs):
        talk.write_text(original.replace("Orlando", f"Orlando {edit}"), encoding="utf-8")
        edits.append(run_process(build))
    rows.append(
        Row(
            "one-edit rebuild (cold process)",
            statistics.median(e[0] for e in edits),
            None,
            max(e[1] for e in edits),
        )
    )
    catalogue = work / "catalogue"
    for name, source in (
        ("talk-a", REPO / "content"),
        ("talk-b", REPO / "examples" / "retrospective-workshop" / "content"),
    ):
        shutil.copytree(source, catalogue / name / "content")
    shutil.copytree(cards_talk(work, 100).parent, catalogue / "cards-100" / "content")
    together = median_process([*KIT, "build", str(catalogue), "--force"], max(2, runs // 2))
    apart = [
        median_process([*KIT, "build", str(catalogue / name), "--force"], max(2, runs // 2))
        for name in ("talk-a", "talk-b", "cards-100")
    ]
    apart_seconds = sum(a[0] for a in apart)
    rows.append(
        Row(
            "catalogue of 3 talks, one command (cold)",
            together[0],
            None,
            together[1],
            f"{together[0] / apart_seconds:.0%} of 3 separate commands ({apart_seconds:.2f} s)",
        )
    )
    return rows


def pptx(work: Path, talks: list[tuple[str, Path]], runs: int) -> list[Row]:
    """slides.pptx alone (`--format pptx`): a whole process, and the writer alone in this
    process (python-pptx imported, the deck model built), as `serve` pays it."""
    from handout_kit.build import load_talk
    from handout_kit.model.slides import build_deck
    from handout_kit.render.base import Job
    from handout_kit.render.pptx_deck import pptx_output
    from handout_kit.templates import Templates

    rows = []
    for label, talk in talks:
        out = work / "pptx" / label
        command = [
            *KIT,
            "build",
            str(talk),
            "--out",
            str(out),
            "--only",
            "slides",
            "--format",
            "pptx",
            "--force",
        ]
        seconds, mib = median_process(command, runs)
        model = load_talk(talk)
        deck = build_deck(model)
        job = Job(model, talk.resolve(), talk.parents[1], Templates([]), formats=frozenset({"pptx"}))
        pptx_output(job, deck)  # fonts found and measured once, as in a running serve
        warm = median_call(lambda job=job, deck=deck: pptx_output(job, deck), runs)
        cpu = []
        for _ in range(runs):  # CPU seconds: what the writer costs, however busy the machine is
            before = time.process_time()
            pptx_output(job, deck)
            cpu.append(time.process_time() - before)
        size = (out / "slides.pptx").stat().st_size / 1024
        rows.append(
            Row(
                f"{label}: slides.pptx (cold)",
                seconds,
                None,
                mib,
                f"{len(deck.slides)} slides, {size:.0f} KiB",
            )
        )
        note = f"{statistics.median(cpu):.2f} s of CPU"
        rows.append(Row(f"{label}: slides.pptx, the writer alone (warm)", warm, note=note))
    return rows


def start_up(runs: int) -> list[Row]:
    seconds, mib = median_process([*KIT, "--help"], runs)
    imported = median_process([sys.executable, "-c", "import weasyprint"], runs)
    return [
        Row("handout-kit --help (cold)", seconds, None, mib),
        Row("python -c 'import weasyprint' (the floor of any PDF)", imported[0], None, imported[1]),
    ]


def serve(work: Path, edits: int) -> list[Row]:
    """Median time from saving the talk to `serve` having rebuilt the handout."""
    project = default_talk(work, "serve").parents[1]
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
    process.terminate()  # not SIGINT: a process started in the background ignores it
    process.wait(timeout=15)
    return [Row(f"serve: save to rebuilt handout (median of {edits})", statistics.median(times))]


# -- peers: the same job done by other tools, in the same run -------------------------------

PEERS = Path(os.environ.get("PEERS", "/tmp/peers"))
MARP = PEERS / "marp" / "node_modules" / ".bin" / "marp"
CHROMIUM = Path(os.environ.get("CHROME_PATH", "/usr/bin/chromium"))


def peers_source() -> Path | None:
    """The shared peers folder (setup.sh, make_scaled.py, inputs/), looked for as `shared/peers`
    beside the repository or one of its parents, or named by $PEERS_SRC."""
    if "PEERS_SRC" in os.environ:
        return Path(os.environ["PEERS_SRC"])
    for parent in REPO.parents:
        if (parent / "shared" / "peers" / "make_scaled.py").is_file():
            return parent / "shared" / "peers"
    return None


def peers_missing(source: Path | None) -> str:
    """Why the peer comparison cannot run here ("" when it can)."""
    if source is None:
        return "no shared/peers folder found (set PEERS_SRC)"
    absent = [str(path) for path in (MARP, CHROMIUM) if not path.exists()]
    if absent:
        return f"not installed: {', '.join(absent)}; run `bash {source / 'setup.sh'}` once"
    return ""


def peers(work: Path, runs: int) -> None:
    """The kit against Marp CLI (120 slides to PDF through Chromium) and bare WeasyPrint, every
    command taking its turn in each round, so a busy moment falls on all of them; then the
    ratios the kit aims at."""
    source = peers_source()
    missing = peers_missing(source)
    if missing:
        print(f"\nPeers: skipped: {missing}")
        return
    assert source is not None
    gen = work / "peers-gen"
    make_scaled = [sys.executable, str(source / "make_scaled.py"), str(source / "inputs"), str(gen)]
    subprocess.run(make_scaled, check=True, stdout=subprocess.DEVNULL)
    os.environ.setdefault("CHROME_NO_SANDBOX", "1")  # marp-cli then passes --no-sandbox (as run.sh)
    marp = [str(MARP), "--no-config-file", "--pdf", "--browser-path", str(CHROMIUM)]
    marp += [str(gen / "deck120.marp.md"), "-o", str(work / "marp-deck120.pdf")]
    deck, small, talk = deck_talk(work, 120), deck_talk(work, 30), default_talk(work, "peers-default")
    slides, small_slides = slide_count(deck), slide_count(small)
    captured, _ = capture(talk, "handout", work / "html" / "peers")
    bare_script = work / "bare.py"
    bare_script.write_text(BARE_SCRIPT)

    def kit(source: Path, out: str, *options: str) -> list[str]:
        return [*KIT, "build", str(source), "--force", "--out", str(work / "peers-out" / out), *options]

    commands: dict[str, list[str]] = {
        "marp": marp,
        # HTML + PDF + notes, as the aim says: slides.pptx (#16) has its own table (--pptx)
        "deck": kit(deck, "deck", "--only", "slides", "--format", "html", "--format", "pdf"),
        "deck 30": kit(small, "deck30", "--only", "slides", "--format", "html", "--format", "pdf"),
        "handout": kit(talk, "handout", "--only", "handout", "--format", "pdf"),
        "bare handout": [sys.executable, str(bare_script), captured.base_url, *map(str, captured.files)],
        "all": kit(talk, "all"),
    }
    weasyprint = PEERS / "wp-venv" / "bin" / "weasyprint"
    if weasyprint.exists():  # the engine alone on the peers' plain 120-slide HTML deck
        commands["wp deck"] = [str(weasyprint), str(gen / "deck120.html"), str(work / "wp-deck120.pdf")]
    for command in commands.values():  # once each, unmeasured: disk caches, fonts, the fit memo
        run_process(command)
    measured: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            measured[name].append(run_process(command))
    wall = {name: statistics.median(m[0] for m in values) for name, values in measured.items()}
    mib = {name: max(m[1] for m in values) for name, values in measured.items()}
    cpu = {name: statistics.median(m[2] for m in values) for name, values in measured.items()}

    def row(what: str, name: str, bare: str | None = None, note: str = "") -> Row:
        return Row(
            what, wall[name], wall[bare] if bare else None, mib[name], f"CPU {cpu[name]:.2f} s; {note}"
        )

    ratio = wall["deck"] / wall["marp"]
    print_table(
        f"Peers, median of {runs} cold runs taken in turns",
        ["what", "wall s", "bare WeasyPrint s", "overhead", "peak MiB (all processes)", "note"],
        [
            row(f"Marp CLI: {slides - 1}-slide deck to PDF (Chromium)", "marp", note="CPU undercounted"),
            row(
                f"kit: {slides}-slide deck, HTML + presenter + PDF + notes", "deck", note=f"{ratio:.2f}x Marp"
            ),
            row(f"kit: {small_slides}-slide deck, the same outputs", "deck 30"),
            row("kit: handout PDF, default talk", "handout", "bare handout"),
            row("kit: default talk, all 12 outputs", "all"),
            *(
                [row("WeasyPrint CLI alone: the peers' 120-slide deck.html to PDF", "wp deck")]
                if "wp deck" in wall
                else []
            ),
        ],
    )
    aims = [
        ("deck HTML + PDF + notes / Marp PDF (wall)", ratio, 1.0),
        ("deck peak memory / Marp's processes summed", mib["deck"] / mib["marp"], 1 / 3),
        ("handout / bare WeasyPrint on the same HTML (wall)", wall["handout"] / wall["bare handout"], 1.10),
        ("handout / bare WeasyPrint (CPU)", cpu["handout"] / cpu["bare handout"], 1.10),
    ]
    print("\n| ratio | value | aim | met |\n|---|---|---|---|")
    for what, value, aim in aims:
        print(f"| {what} | {value:.2f} | <= {aim:.2f} | {'yes' if value <= aim else 'no'} |")
    growth = (wall["deck"] - wall["deck 30"]) / (slides - small_slides) * 1000
    cpu_growth = (cpu["deck"] - cpu["deck 30"]) / (slides - small_slides) * 1000
    print(
        f"\nDeck growth, all four outputs, {small_slides} to {slides} slides: {growth:.0f} ms wall, "
        f"{cpu_growth:.0f} ms CPU per slide. Load average at the end: {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores."
    )


def card_talks(work: Path) -> list[tuple[str, Path, tuple[str, ...]]]:
    """How the cards' cost grows with cards (100, 300, 1,000) and with copies (40 cards, once
    and six times)."""
    return [
        ("40 cards", cards_talk(work, 40), ("cards",)),
        ("40 cards x 6 copies", cards_talk(work, 40, copies=6), ("cards",)),
        ("100 cards", cards_talk(work, 100), ("cards",)),
        ("300 cards", cards_talk(work, 300), ("cards",)),
        ("1000 cards", cards_talk(work, 1000), ("cards",)),
    ]


def compile_kit() -> None:
    """Bytecode for the kit's own modules, as `pip install` leaves an installed kit. An editable
    install where PYTHONDONTWRITEBYTECODE is set (CI, many containers) would otherwise compile
    every module of the kit from source on every cold run, which the peers, installed with
    their bytecode, never pay."""
    import compileall

    compileall.compile_dir(REPO / "src" / "handout_kit", quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per cold figure (median)")
    parser.add_argument("--quick", action="store_true", help="the default talk only")
    parser.add_argument("--pptx", action="store_true", help="the PowerPoint table only (a minute or two)")
    parser.add_argument(
        "--peers", action="store_true", help="only the comparison with Marp CLI and bare WeasyPrint"
    )
    parser.add_argument("--cards", action="store_true", help="the card talks only")
    arguments = parser.parse_args()
    runs = arguments.runs
    work = Path(tempfile.mkdtemp(prefix="handout-kit-bench-"))
    header = ["what", "kit s", "bare WeasyPrint s", "overhead", "peak MiB", "outputs"]
    today = time.strftime("%Y-%m-%d")
    print(f"handout-kit benchmarks: median of {runs} cold runs, {os.cpu_count()} cores, {today}")
    compile_kit()
    try:
        if arguments.pptx:
            deck = deck_talk(work, 120)
            pptx_talks = [("default", default_talk(work)), (f"{slide_count(deck)} slides", deck)]
            print_table("PowerPoint", header, pptx(work, pptx_talks, runs))
            return
        if arguments.peers:
            peers(work, runs)
            return
        if arguments.cards:
            print_table("Cards", header, per_output(work, card_talks(work), runs))
            return
        print_table("Start-up", header, start_up(runs))
        talks = [("default", default_talk(work), ARTEFACTS)]
        if not arguments.quick:
            decks = [deck_talk(work, count) for count in (30, 60, 120)]
            talks += [
                ("fit-limit", fit_limit_talk(work), ("handout",)),
                *((f"{slide_count(deck)} slides", deck, ("slides",)) for deck in decks),
                *card_talks(work),
            ]
        print_table(
            "Each output, against bare WeasyPrint on the same HTML", header, per_output(work, talks, runs)
        )
        pptx_talks = [("default", talks[0][1])]
        if not arguments.quick:
            pptx_talks.append((f"{slide_count(decks[-1])} slides", decks[-1]))
        print_table("PowerPoint", header, pptx(work, pptx_talks, runs))
        print_table("Builds", header, builds(work, runs))
        print_table("Live preview", header, serve(work, 7))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
