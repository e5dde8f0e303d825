"""One declaration per artefact: what a change rebuilds, every problem in one pass, and
warnings as data (JSON against its published schema, GitHub annotations, --strict by code)."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

import pytest
import yaml

from conftest import MINIMAL_TALK, REPO, assert_clean_failure, run_cli
from handout_kit.artefacts import ARTEFACTS, KNOWN_PARTS, template_readers
from handout_kit.build import BuildOptions
from handout_kit.discover import out_dir_for
from handout_kit.plan import plan_talk
from handout_kit.source import load
from handout_kit.templates import Templates, builtin_templates_dir

# Templates included under a condition the default talk does not meet (CJK fonts, RTL).
CONDITIONAL = {"base/cjk.css", "base/rtl.css"}
TEXT_KEYS = {"title", "text", "name", "question", "answer", "label", "prompt", "city", "when", "subtitle"}


def stale(project: Path) -> set[str]:
    """What the cache would render for `project` now (planning only, nothing rendered)."""
    content = project / "content" / "talk.yaml"
    options = BuildOptions(source=content, out_dir=out_dir_for(content, None))
    return set(plan_talk(options, True, time.perf_counter()).todo)


@pytest.fixture(scope="module")
def ejected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default talk with every built-in template ejected into its templates/, built once."""
    project = tmp_path_factory.mktemp("ejected")
    (project / "content").mkdir()
    shutil.copy(REPO / "content" / "talk.yaml", project / "content" / "talk.yaml")
    builtin = builtin_templates_dir()
    for path in builtin.rglob("*"):
        name = path.relative_to(builtin).as_posix()
        if path.is_file() and not name.startswith("init/"):
            target = project / "templates" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    result = run_cli("build", project)
    assert result.exit_code == 0, result.output
    assert stale(project) == set()
    return project


def test_each_template_edit_rebuilds_exactly_the_artefacts_that_read_it(ejected: Path) -> None:
    readers = template_readers(Templates([ejected / "templates"]))
    templates = sorted(p for p in (ejected / "templates").rglob("*") if p.is_file())
    assert len(templates) >= 15
    for path in templates:
        name = path.relative_to(ejected / "templates").as_posix()
        expected = set(readers.get(name, ()))
        assert expected, f"{name} is read by no artefact in the registry"
        if name in CONDITIONAL:  # loaded only for some talks: an edit rebuilds what did load it
            expected = set()
        original = path.read_bytes()
        path.write_bytes(original + b"\n{# edited #}\n")
        try:
            assert stale(ejected) == expected, name
        finally:
            path.write_bytes(original)
    assert stale(ejected) == set()


def test_each_part_of_the_talk_rebuilds_exactly_its_readers(ejected: Path) -> None:
    talk_file = ejected / "content" / "talk.yaml"
    original = talk_file.read_bytes()
    data = load(talk_file).data
    try:
        talk_file.write_text(yaml.safe_dump(data, default_style='"', allow_unicode=True, sort_keys=False))
        assert stale(ejected) == set(), "the same data, written differently, rebuilds nothing"
        talk_file.write_bytes(original + b"\n# a comment\n")
        assert stale(ejected) == set()
        for key in data:
            changed = json.loads(json.dumps(data))
            if not _edit_first_text(changed[key]):
                continue
            talk_file.write_text(
                yaml.safe_dump(changed, default_style='"', allow_unicode=True, sort_keys=False)
            )
            expected = {n for n, a in ARTEFACTS.items() if key in a.reads or key not in KNOWN_PARTS}
            assert stale(ejected) == expected, key
    finally:
        talk_file.write_bytes(original)
    assert stale(ejected) == set()


def _edit_first_text(value: object) -> bool:
    """Append to the first free text in `value` (a title, a point's text...), in place."""
    if isinstance(value, dict):
        for key, child in value.items():
            if key in TEXT_KEYS and isinstance(child, str):
                value[key] = child + " (edited)"
                return True
            if _edit_first_text(child):
                return True
    if isinstance(value, list):
        for index, child in enumerate(value):
            if isinstance(child, str):
                value[index] = child + " (edited)"
                return True
            if _edit_first_text(child):
                return True
    return False


def test_a_build_and_serve_render_exactly_what_read_an_edit(ejected: Path) -> None:
    """base/print.css is included by the three artefacts printed on the talk's paper (handout,
    notes handout, run-sheet), not by the cards: an edit there rebuilds those three."""
    from handout_kit.serve import serve

    card = ejected / "templates" / "base" / "print.css"
    original = card.read_bytes()
    lines: list[str] = []
    stop = threading.Event()
    options = BuildOptions(source=ejected / "content" / "talk.yaml")
    server = threading.Thread(target=serve, args=(options,), kwargs={"echo": lines.append, "stop": stop})
    server.start()
    try:
        deadline = time.monotonic() + 120
        while not any(line.startswith("serving") for line in lines) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert any(line.startswith("rebuilt nothing; unchanged:") for line in lines), lines
        card.write_bytes(original + b"/* edited */")
        while not sum(line.startswith("rebuilt") for line in lines) >= 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        rebuilt = [line for line in lines if line.startswith("rebuilt")][-1]
        for output in ("handout.pdf", "slides-notes.pdf", "run-sheet.pdf"):
            assert output in rebuilt, rebuilt
        assert "cards.pdf" not in rebuilt, rebuilt
        assert "unchanged: cards" in rebuilt, rebuilt
    finally:
        stop.set()
        server.join(timeout=30)
        card.write_bytes(original)
    assert not server.is_alive()


def test_a_part_no_artefact_declares_is_read_by_all() -> None:
    from handout_kit.artefacts import parts_read

    assert parts_read("handout", ["exercises", "groups", "a-future-key"]) == ["groups", "a-future-key"]


BROKEN = (
    MINIMAL_TALK
    + """\
exercises:
  - id: pair-talk
    title: Pair talk
    prompt: Talk.
    steps: [{text: Talk, minutes: 5}]
    grouping: {mode: pairs}
    minutes: 5
    serves: "9"
slides:
  - id: closing
    after: nowhere
session:
  agenda:
    - exercise: pair-tlak
"""
)


def test_broken_references_are_all_reported_in_one_pass_whatever_only_says(make_talk) -> None:
    project = make_talk(BROKEN)
    messages = []
    for args in (("check", project), ("build", project, "--only", "handout"), ("check", project)):
        result = run_cli(*args)
        assert_clean_failure(result, "3 problems")
        assert "content/talk.yaml:25:" in result.output and "'9' is no point number" in result.output
        assert "content/talk.yaml:28:" in result.output and "'nowhere': no slide has this id" in result.output
        assert "content/talk.yaml:31:" in result.output and "did you mean 'pair-talk'?" in result.output
        messages.append(result.output)
    assert messages[0] == messages[2]
    assert not (project / "build" / "handout.pdf").exists()


CONTRAST = MINIMAL_TALK + "theme:\n  colors:\n    muted: '#bbbbbb'\n"


def test_check_json_warnings_follow_the_published_schema(make_talk, monkeypatch) -> None:
    import jsonschema

    schema = json.loads((REPO / "docs" / "check-output.schema.json").read_text())
    from PIL import Image

    project = make_talk(CONTRAST.replace("Keep going.", "Keep going. ![](pic.png)"))
    Image.new("RGB", (40, 30), "#0f5c6e").save(project / "content" / "pic.png")
    monkeypatch.chdir(project)  # places are given as the user types them, from where they work
    result = run_cli("check", project, "--format", "json", "--strict")
    payload = json.loads(result.output)
    jsonschema.validate(payload, schema)
    assert result.exit_code == 1 and payload["ok"] is False
    by_code = {w["code"]: w for w in payload["warnings"]}
    assert by_code["contrast"]["file"] == "content/talk.yaml" and by_code["contrast"]["line"] == 20
    assert by_code["alt-text"]["line"] == 10 and by_code["alt-text"]["artefact"] is None
    assert {o["ok"] for o in payload["outputs"]} == {False}  # talk-wide warnings fail every output
    assert payload["summary"].startswith("0 outputs ok, ")
    errors = json.loads(run_cli("check", make_talk("titel: x\n"), "--format", "json").output)
    jsonschema.validate(errors, schema)
    assert errors["errors"][0]["line"] == 1


def test_check_prints_github_annotations_on_the_talks_lines(make_talk, monkeypatch) -> None:
    # As in CI: from the repository that holds the talk. A missing font is a warning of no line.
    monkeypatch.chdir(make_talk(CONTRAST + "  fonts:\n    body: Nowhere Sans\n"))
    result = run_cli("check", "--format", "github")
    annotations = [line for line in result.output.splitlines() if line.startswith("::warning ")]
    placed = [line for line in annotations if "title=handout-kit contrast::" in line]
    assert len(placed) == 1 and placed[0].startswith("::warning file=content/talk.yaml,line=20,")
    assert "::warning title=handout-kit font-missing::" in result.output
    make_talk(BROKEN)
    broken = run_cli("check", "--format", "github")
    assert broken.exit_code == 1
    errors = [line for line in broken.output.splitlines() if line.startswith("::error ")]
    assert len(errors) == 3 and all(
        line.startswith("::error file=content/talk.yaml,line=") for line in errors
    )


def test_strict_check_never_says_ok_for_an_output_it_fails(make_talk) -> None:
    project = make_talk(CONTRAST)
    plain = run_cli("check", project)
    assert plain.exit_code == 0 and "ok handout.pdf" in plain.output
    assert plain.stdout.rstrip().splitlines()[-1] == "7 outputs ok, 1 warning"
    strict = run_cli("check", project, "--strict")
    assert strict.exit_code == 1
    assert "ok handout.pdf" not in strict.output and "fail handout.pdf" in strict.output
    assert strict.stdout.rstrip().splitlines()[-1] == "0 outputs ok, 7 failed, 1 warning"
    codes = ("contrast",)
    ignored = run_cli("check", project, "--strict", *(f"--ignore-warning={code}" for code in codes))
    assert ignored.exit_code == 0, ignored.output
    assert "[contrast]" not in ignored.output and "ok handout.pdf" in ignored.output


def test_every_build_ends_with_a_summary_line(make_talk) -> None:
    project = make_talk(CONTRAST)
    first = run_cli("build", project)
    assert first.stdout.rstrip().splitlines()[-1].startswith("7 outputs ok, 1 warning; built in ")
    again = run_cli("build", project)
    assert again.stdout.rstrip().splitlines()[-1].startswith("7 outputs ok, 1 warning; built in ")
    assert "[contrast]" in again.output  # replayed from the cache
