"""The `handout-kit` command: thin click commands over the library (heavy imports stay lazy)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__
from .artefacts import ARTEFACTS

if TYPE_CHECKING:
    from .errors import BuildWarning
    from .report import BuildReport
    from .schema import Paper

PAPERS = ("letter", "a4")
FORMATS = ("html", "pdf", "pptx")

source_argument = click.argument(
    "source", required=False, type=click.Path(path_type=Path, dir_okay=True, file_okay=True)
)
paper_option = click.option(
    "--paper",
    type=click.Choice(PAPERS, case_sensitive=False),
    help="Paper size (default: the talk's).",
)
strict_option = click.option("--strict", is_flag=True, help="Treat warnings as errors (for CI).")
ignore_option = click.option(
    "--ignore-warning",
    "ignore_warnings",
    multiple=True,
    metavar="CODE",
    help="Leave out warnings with this code (shown in [brackets]); repeatable.",
)
templates_option = click.option(
    "--templates",
    "templates_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="A folder of template overrides, searched before the talk's own templates/.",
)
only_option = click.option(
    "--only",
    multiple=True,
    type=click.Choice(tuple(ARTEFACTS)),
    help="Build only this artefact (repeatable).",
)


allow_network_option = click.option(
    "--allow-network", is_flag=True, help="Fetch images the talk names by web address (off by default)."
)
pptx_template_option = click.option(
    "--pptx-template",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="A PowerPoint template (.pptx) whose master and layouts slides.pptx uses.",
)
network_timeout_option = click.option(
    "--network-timeout",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="With --allow-network: seconds to wait for each file.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="handout-kit")
def cli() -> None:
    """Build a talk's handout, slide deck, exercise cards and run-sheet from one content file.

    SOURCE is a talk file, or a folder holding content/talk.yaml (default: the current folder);
    `build` also takes several, or a folder of talk projects.
    """


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path, dir_okay=True, file_okay=True))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Output folder (default: build/ beside content/; with several talks, a subfolder each).",
)
@only_option
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(FORMATS),
    help="Only this format (repeatable; pptx: slides.pptx).",
)
@paper_option
@strict_option
@ignore_option
@templates_option
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), help="Processes to render with (default: one per core)."
)
@click.option("--force", is_flag=True, help="Render everything, even what has not changed.")
@allow_network_option
@network_timeout_option
@pptx_template_option
@click.option(
    "--cards",
    "cards",
    multiple=True,
    metavar="ID[,ID...]",
    help="Print only these exercises, card decks or print sets (repeatable, or comma-separated).",
)
def build(
    sources: tuple[Path, ...],
    out_dir: Path | None,
    only: tuple[str, ...],
    formats: tuple[str, ...],
    paper: str | None,
    strict: bool,
    ignore_warnings: tuple[str, ...],
    templates_dir: Path | None,
    jobs: int | None,
    force: bool,
    allow_network: bool,
    network_timeout: float,
    pptx_template: Path | None,
    cards: tuple[str, ...],
) -> None:
    """Build the handout, slides, cards and run-sheet as PDF and HTML into build/.

    SOURCES are talk files, project folders, or folders of projects (default: the current
    folder). Several talks share one pool of processes; one that fails keeps its last good
    output and does not stop the others.
    """
    import time

    from .build import BuildOptions, build_many
    from .report import summary_line

    started = time.perf_counter()
    options = BuildOptions(
        out_dir=out_dir,
        only=only,
        formats=frozenset(formats or FORMATS),
        paper=_paper(paper),
        strict=strict,
        ignore_warnings=frozenset(ignore_warnings),
        templates_dir=templates_dir,
        jobs=jobs,
        force=force,
        network_timeout=network_timeout if allow_network else None,
        pptx_template=pptx_template,
        cards=tuple(dict.fromkeys(i.strip() for value in cards for i in value.split(",") if i.strip())),
    )
    reports = build_many(options, sources, progress=_progress)
    if len(reports) == 1:
        if reports[0].error is not None:
            raise reports[0].error
        report = reports[0]
        _print_report(report, indent="")
        outputs = len(report.written) + report.kept_outputs
        click.echo(f"{summary_line(outputs, len(report.warnings))}; built in {report.seconds:.2f} s")
        return
    for report in reports:
        click.echo(click.style(_relative(report.content_file), bold=True))
        if report.error is not None:
            message = _indent(report.error.format_message())
            click.echo(click.style("  error: ", fg="red", bold=True) + message, err=True)
        else:
            _print_report(report, indent="  ")
    failed = sum(report.error is not None for report in reports)
    built = len(reports) - failed
    outputs = sum(len(r.written) + r.kept_outputs for r in reports if r.error is None)
    warnings = sum(len(r.warnings) for r in reports if r.error is None)
    summary = (
        f"{summary_line(outputs, warnings)}; built {built} of {len(reports)} talks "
        f"in {time.perf_counter() - started:.2f} s"
    )
    click.echo(
        summary
        + (
            f"; {failed} failed (its last good output is kept)"
            if failed == 1
            else f"; {failed} failed (their last good outputs are kept)"
            if failed
            else ""
        )
    )
    if failed:
        sys.exit(1)


def _print_report(report: BuildReport, indent: str) -> None:
    _print_warnings(report.warnings, indent)
    for written in report.written:
        line = f"{indent}wrote {_relative(written.path)}"
        details = ", ".join(part for part in (written.output.summary,) if part)
        if written.output.seconds:
            details += f"; {written.output.seconds:.2f} s"
        click.echo(f"{line}  ({details})" if details else line)
    for name in report.unchanged:
        click.echo(f"{indent}unchanged {name} (--force rebuilds it)")


def _indent(text: str) -> str:
    return text.replace("\n", "\n  ")


@cli.command()
@source_argument
@paper_option
@strict_option
@ignore_option
@templates_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(("text", "json", "github")),
    default="text",
    help="How to report: lines, JSON (docs/check-output.schema.json), or GitHub annotations.",
)
@allow_network_option
@network_timeout_option
@pptx_template_option
def check(
    source: Path | None,
    paper: str | None,
    strict: bool,
    ignore_warnings: tuple[str, ...],
    templates_dir: Path | None,
    output_format: str,
    allow_network: bool,
    network_timeout: float,
    pptx_template: Path | None,
) -> None:
    """Validate the talk and lay out every artefact, writing nothing."""
    from .build import BuildOptions, build
    from .errors import KitError
    from .report import as_json, check_payload, github_lines, summary_line

    options = BuildOptions(
        source=source,
        paper=_paper(paper),
        ignore_warnings=frozenset(ignore_warnings),
        templates_dir=templates_dir,
        network_timeout=network_timeout if allow_network else None,
        pptx_template=pptx_template,
    )
    try:
        report, error = build(options, write=False), None
    except KitError as failure:
        if output_format == "text":
            raise
        report, error = None, failure
    if output_format == "json":
        payload = check_payload(report, error, strict)
        click.echo(as_json(payload))
        if not payload["ok"]:
            sys.exit(1)
        return
    if output_format == "github":
        for line in github_lines(report, error):
            click.echo(line)
    assert report is not None or error is not None
    if report is None:
        sys.exit(1)
    if output_format == "text":
        _print_warnings(report.warnings)
    failed = 0
    for output in report.outputs:
        failing = report.failing(output, strict)
        failed += bool(failing)
        status = click.style("fail", fg="red", bold=True) if failing else "ok"
        why = f"; fails --strict with {len(failing)} warning(s)" if failing else ""
        details = f"  ({output.summary}{why})" if output.summary or why else ""
        click.echo(f"{status} {output.name}{details}")
    click.echo(summary_line(len(report.outputs) - failed, len(report.warnings), failed))
    if strict and report.warnings:
        sys.exit(1)


@cli.command()
@source_argument
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), help="Output folder.")
@only_option
@paper_option
@templates_option
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="Port on 127.0.0.1 (0: a free one).",
)
@allow_network_option
@network_timeout_option
def serve(
    source: Path | None,
    out_dir: Path | None,
    only: tuple[str, ...],
    paper: str | None,
    templates_dir: Path | None,
    port: int,
    allow_network: bool,
    network_timeout: float,
) -> None:
    """Build, serve build/ on 127.0.0.1, and rebuild on every save; open pages reload."""
    from .build import BuildOptions
    from .serve import serve as run_server

    options = BuildOptions(
        source=source,
        out_dir=out_dir,
        only=only,
        paper=_paper(paper),
        templates_dir=templates_dir,
        network_timeout=network_timeout if allow_network else None,
    )
    run_server(options, port=port, echo=lambda line: click.echo(line, err=line.startswith(("error", "warn"))))


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False), default=".")
def init(folder: Path) -> None:
    """Start a talk project in FOLDER: content/talk.yaml, templates/ and .gitignore.

    Never overwrites a file: if any of them exists, nothing is created.
    """
    from .project import init_project

    for path in init_project(folder):
        click.echo(f"created {_relative(path)}")
    click.echo(f"next: cd {folder} && handout-kit build")


@cli.group()
def templates() -> None:
    """List the templates in effect, or copy a built-in one to edit."""


@templates.command("list")
@source_argument
@templates_option
def templates_list(source: Path | None, templates_dir: Path | None) -> None:
    """Every template and stylesheet, and which file is in effect for it."""
    from .discover import find_content, project_dir_of
    from .project import list_templates

    project = project_dir_of(find_content(source))
    user_dirs = [d for d in (templates_dir, project / "templates") if d is not None]
    entries = list_templates([d.resolve() for d in user_dirs])
    width = max(len(entry.name) for entry in entries)
    for entry in entries:
        where = entry.source if entry.source == "built-in" else _relative(Path(entry.source))
        used = f"  (read by {', '.join(entry.artefacts)})" if entry.artefacts else ""
        click.echo(f"{entry.name:<{width}}  {where}{used}")


@templates.command("eject")
@click.argument("name")
@source_argument
def templates_eject(name: str, source: Path | None) -> None:
    """Copy built-in template NAME into the talk's templates/ folder to edit."""
    from .discover import find_content, project_dir_of
    from .project import eject_template

    target = eject_template(name, project_dir_of(find_content(source)))
    click.echo(f"copied builtin/{name} to {_relative(target)}")


@cli.command()
def schema() -> None:
    """Print the talk format as JSON Schema (for editor completion and checks)."""
    from .schema import Talk

    document = Talk.model_json_schema()
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "handout-kit talk"
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


def _progress(message: str) -> None:
    click.echo(click.style(message, dim=True), err=True)


def _paper(paper: str | None) -> Paper | None:
    return "a4" if paper and paper.lower() == "a4" else "letter" if paper else None


def _print_warnings(warnings: Sequence[BuildWarning], indent: str = "") -> None:
    from .messages import clean

    for warning in warnings:
        click.echo(indent + click.style("warning: ", fg="yellow", bold=True) + clean(str(warning)), err=True)


def _relative(path: Path) -> str:
    from .messages import clean

    try:
        return clean(str(path.relative_to(Path.cwd())))
    except ValueError:
        return clean(str(path))


def main() -> None:
    """Entry point: a bug still ends in one line, never a traceback (set HANDOUT_KIT_DEBUG=1);
    Ctrl-C ends in one line and exit code 130."""
    import os

    from . import interrupt

    interrupt.install()
    # The kit's models use no pydantic plugin; looking for them scans every installed package's
    # metadata (measured: a fifth of loading the models). A user who sets this keeps their value.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        code = cli.main(standalone_mode=False)
    except interrupt.Interrupted:
        _interrupted()
    except click.ClickException as error:
        if interrupt.was_interrupted():  # a render process ended by the same Ctrl-C
            _interrupted()
        error.show()
        sys.exit(error.exit_code)
    except click.Abort:
        click.echo("Aborted!", err=True)
        sys.exit(1)
    except Exception as error:
        if os.environ.get("HANDOUT_KIT_DEBUG"):
            raise
        if interrupt.was_interrupted():
            _interrupted()
        what = _clean(f"{type(error).__name__}: {error}")
        click.echo(f"internal error: {what} (please report it)", err=True)
        sys.exit(70)
    sys.exit(code if isinstance(code, int) else 0)


def _interrupted() -> None:
    from .interrupt import EXIT_CODE

    click.echo("interrupted: every output is either the last good one or complete", err=True)
    sys.exit(EXIT_CODE)


def _clean(text: str) -> str:
    from .messages import clean

    return clean(text)
