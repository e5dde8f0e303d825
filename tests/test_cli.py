"""The command line as a user meets it: help, version, schema, check, and a real install."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from conftest import MINIMAL_TALK, REPO, assert_clean_failure, read_pdf, run_cli


def test_help_lists_the_commands_without_importing_weasyprint() -> None:
    code = (
        "import sys\n"
        "from handout_kit.cli import cli\n"
        "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('WEASY' if 'weasyprint' in sys.modules else 'LIGHT')\n"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    for command in ("build", "check", "schema"):
        assert command in output
    assert output.strip().endswith("LIGHT")


def test_version() -> None:
    from handout_kit import __version__

    result = run_cli("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


def test_schema_is_json_schema_for_the_talk() -> None:
    result = run_cli("schema")
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert {"title", "groups", "questions", "exercises", "theme"} <= set(schema["properties"])
    assert "title" in schema["required"] and "groups" in schema["required"]
    point = schema["$defs"]["Point"]
    assert point["additionalProperties"] is False
    assert {"text", "slide", "notes", "card", "items"} <= set(point["properties"])


def test_schema_accepts_the_default_talk() -> None:
    """An editor's YAML plug-in (which types values the YAML way) accepts the real talk."""
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    schema = json.loads(run_cli("schema").output)
    jsonschema.validate(yaml.safe_load((REPO / "content" / "talk.yaml").read_text()), schema)


def test_check_writes_nothing_and_reports(make_talk) -> None:
    project = make_talk()
    result = run_cli("check", project)
    assert result.exit_code == 0, result.output
    assert "ok handout.pdf" in result.output
    assert not (project / "build").exists()


def test_check_json_for_ci(make_talk) -> None:
    project = make_talk()
    payload = json.loads(run_cli("check", project, "--format", "json").output)
    assert payload["ok"] is True and payload["errors"] == []
    names = [o["name"] for o in payload["outputs"]]
    assert names[:2] == ["handout.pdf", "handout.html"]
    assert {"slides.pdf", "slides-notes.pdf", "slides.html", "slides-presenter.html"} <= set(names)
    (project / "content" / "talk.yaml").write_text(MINIMAL_TALK.replace("title:", "titel:", 1))
    result = run_cli("check", project, "--format", "json")
    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert payload["ok"] is False
    assert any("did you mean 'title'" in e["message"] and e["line"] == 1 for e in payload["errors"])


def test_missing_font_warns_and_strict_fails(make_talk) -> None:
    project = make_talk(MINIMAL_TALK + "theme:\n  fonts:\n    body: Nowhere Sans\n")
    result = run_cli("build", project)
    assert result.exit_code == 0
    assert "body font 'Nowhere Sans' is not installed" in result.output
    assert read_pdf(project / "build" / "handout.pdf").pages
    (project / "build" / "handout.pdf").unlink()
    assert_clean_failure(run_cli("build", project, "--strict"), "--strict", "Nowhere Sans")
    assert not (project / "build" / "handout.pdf").exists()


def test_progress_and_one_line_per_output(make_talk) -> None:
    result = run_cli("build", make_talk())
    lines = [line for line in result.output.splitlines() if line.startswith("wrote ")]
    assert len(lines) == 7
    assert "handout.pdf" in lines[0] and " s)" in lines[0]


@pytest.mark.skipif(os.environ.get("HANDOUT_KIT_SKIP_INSTALL") == "1", reason="install test off")
def test_a_non_editable_install_builds_from_any_folder(tmp_path: Path, make_talk) -> None:
    """`pip install .` ships the templates inside the wheel; the console script works anywhere.

    Only what the README's set-up installed is used: the wheel is built with this environment's
    hatchling, and the new environment borrows this one's dependencies (a .pth line), so the
    test needs no package the base Python lacks and no network."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", wheels, REPO],
        check=True,
        capture_output=True,
    )
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site / "kit-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    wheel = next(wheels.glob("handout_kit-*.whl"))
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", wheel],
        check=True,
        capture_output=True,
    )
    project = make_talk()
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [env_dir / "bin" / "handout-kit", "build"],
        cwd=project,
        capture_output=True,
        text=True,
        env=environment,
    )
    assert result.returncode == 0, result.stderr
    assert (project / "build" / "handout.pdf").is_file()
    where = subprocess.run(
        [python, "-c", "import handout_kit.templates as t; print(t.builtin_templates_dir())"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    ).stdout.strip()
    assert where.startswith(str(env_dir)), where
    assert (Path(where) / "handout" / "handout.html").is_file()
