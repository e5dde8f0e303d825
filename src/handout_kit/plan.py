"""Planning one talk's build: which artefacts the cache keeps, which must be rendered, and the
job (the validated talk and the user's options) the renderers read."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .artefacts import ARTEFACTS
from .cache import Manifest, TalkState, settings_key
from .discover import project_dir_of
from .errors import BuildWarning
from .render.base import Job, Result
from .report import BuildReport
from .templates import Templates

if TYPE_CHECKING:
    from .schema import Paper
    from .source import Source

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildOptions:
    """What the user asked for on the command line."""

    source: Path | None = None
    out_dir: Path | None = None
    only: Sequence[str] = ()
    formats: frozenset[str] = frozenset({"html", "pdf", "pptx"})
    paper: Paper | None = None
    strict: bool = False
    ignore_warnings: frozenset[str] = frozenset()  # warning codes not reported (nor failing --strict)
    templates_dir: Path | None = None
    jobs: int | None = None  # worker processes; None: one per core
    force: bool = False  # render even what the cache says is unchanged
    network_timeout: float | None = None  # None: offline; else --allow-network, seconds a file
    pptx_template: Path | None = None  # --pptx-template (its content is recorded as a read)
    cards: tuple[str, ...] = ()  # --cards: exercise, deck or print-set ids; () prints every card


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
    state: TalkState | None = None
    talk_warnings: list[BuildWarning] = field(default_factory=list)
    results: dict[str, Result] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)


def plan_talk(options: BuildOptions, write: bool, started: float) -> TalkBuild:
    """Decide what to render for one talk. The cache is asked first: when the talk file did not
    change and nothing an artefact read did, the talk is not even parsed (and jinja2 and
    pydantic never load)."""
    assert options.source is not None and options.out_dir is not None
    content_file, out_dir = options.source, options.out_dir
    project = project_dir_of(content_file)
    user_templates = [d for d in (options.templates_dir, project / "templates") if d is not None]
    templates = Templates(user_templates)
    names = list(options.only or ARTEFACTS)
    talk = TalkBuild(options, BuildReport(content_file, out_dir), write, started=started)
    source: list[Source] = []

    def parsed() -> Any:
        from .source import load

        source.append(load(content_file))
        return source[-1].data

    talk.state = TalkState(content_file, parsed)
    if write:
        settings = {
            "formats": sorted(options.formats),
            "paper": options.paper,
            "network": options.network_timeout is not None,
            "templates": [str(d.resolve()) for d in user_templates],  # whether they exist yet or not
            "pptx_template": str(options.pptx_template.resolve()) if options.pptx_template else None,
            "cards": list(options.cards),
        }
        talk.manifest = Manifest(out_dir)
        talk.keys = {name: settings_key(name, settings) for name in names}
        entries = {
            name: None
            if options.force
            else talk.manifest.fresh(name, talk.keys[name], talk.state, templates.resolve)
            for name in names
        }
        talk.todo = [name for name in names if entries[name] is None]
        for name in names:
            entry = entries[name]
            if entry is None:
                continue
            talk.report.unchanged.append(name)
            talk.report.kept_outputs += len(entry.get("outputs", {}))
            talk.report.warnings.extend(BuildWarning.from_dict(w) for w in entry.get("warnings", []))
        if not talk.todo:
            talk.report.warnings[:0] = [BuildWarning.from_dict(w) for w in talk.manifest.talk_warnings]
    else:
        talk.todo = names
    if talk.todo:
        talk.job = _job(talk, templates, source[-1] if source else None)
        for name in talk.todo:  # a renderer's cheap checks first: what cannot succeed fails in seconds
            getattr(ARTEFACTS[name].renderer(), "precheck", lambda job: None)(talk.job)
    talk.report.warnings[:0] = _moved_overrides(templates)  # of the folders as they are now, never cached
    return talk


def _moved_overrides(templates: Templates) -> list[BuildWarning]:
    from .source import display_name

    return [
        BuildWarning(
            "template-moved",
            f"this override is not used: the built-in {new.split('/')[-1]} is now {new}",
            file=display_name(path),
            hint=f"move it to templates/{new}",
        )
        for path, new in templates.moved_overrides()
    ]


def _job(talk: TalkBuild, templates: Templates, source: Source | None) -> Job:
    """Load and validate the talk (every problem at once, whatever --only says) and make the
    job its renderers read."""
    from . import network
    from .fonts import missing_glyph_warnings, start_coverage_scan
    from .model.cards import category_colors
    from .source import load
    from .themes import contrast_warnings
    from .validate import validate  # pydantic and Markdown load here, not at start-up

    options, content_file = talk.options, talk.report.content_file
    assert options.out_dir is not None
    network.forget()
    start_coverage_scan()  # fontconfig lists its fonts while the talk loads
    checked = validate(source or load(content_file), allow_network=options.network_timeout is not None)
    model = checked.talk
    talk.talk_warnings = [
        *checked.warnings,
        *contrast_warnings(model.theme.colors, category_colors(model)),
        *missing_glyph_warnings(model),
    ]
    talk.report.warnings[:0] = talk.talk_warnings
    return Job(
        talk=model,
        content_file=content_file.resolve(),
        project_dir=project_dir_of(content_file),
        templates=templates,
        formats=options.formats,
        paper=options.paper,
        cache_dir=options.out_dir / ".cache" if talk.write else None,
        network_timeout=options.network_timeout,
        pptx_template=options.pptx_template.resolve() if options.pptx_template else None,
        cards=tuple(options.cards),
        fork=options.jobs != 1,
        memo=talk.manifest.memos() if talk.manifest else {},
    )
