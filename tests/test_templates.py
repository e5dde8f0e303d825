"""Template lookup (user, then built-in, with the builtin/ prefix) and template errors."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from conftest import MINIMAL_TALK, assert_clean_failure, read_pdf, run_cli

OVERRIDE = "handout/handout.html"


def test_a_user_template_extends_the_builtin_and_replaces_one_block(make_talk) -> None:
    project = make_talk(
        files={
            f"templates/{OVERRIDE}": (
                '{% extends "builtin/handout/handout.html" %}\n'
                "{% block body %}<p class=stamp>DRAFT COPY</p>{{ super() }}{% endblock %}\n"
            )
        }
    )
    result = run_cli("build", project)
    assert result.exit_code == 0, result.output
    html = (project / "build" / "handout.html").read_text()
    assert "DRAFT COPY" in html and "Start small." in html
    assert "DRAFT COPY" in read_pdf(project / "build" / "handout.pdf").pages[0].extract_text()


def test_templates_option_comes_before_the_talks_own(make_talk, tmp_path: Path) -> None:
    project = make_talk(files={f"templates/{OVERRIDE}": "project override"})
    option_dir = tmp_path / "elsewhere"
    (option_dir / "handout").mkdir(parents=True)
    (option_dir / OVERRIDE).write_text("<p>option override</p>")
    result = run_cli("build", project, "--templates", option_dir, "--format", "html")
    assert result.exit_code == 0, result.output
    assert (project / "build" / "handout.html").read_text() == "<p>option override</p>"


def test_a_stylesheet_is_overridden_like_a_template(make_talk) -> None:
    project = make_talk(files={"templates/handout/handout.css": "h1 { color: #ff0000; } /* mine */"})
    assert run_cli("build", project, "--format", "html").exit_code == 0
    assert "/* mine */" in (project / "build" / "handout.html").read_text()


@pytest.mark.parametrize(
    ("template", "fragments"),
    [
        ("<p>\n{% if %}\n</p>", ["templates/handout/handout.html:2:", "Expected an expression"]),
        ("<p>\n\n{{ talk.nope }}</p>", ["templates/handout/handout.html:3:", "has no attribute 'nope'"]),
        ("{{ missing_name }}", ["templates/handout/handout.html:1:", "'missing_name' is undefined"]),
    ],
)
def test_template_errors_name_file_and_line(make_talk, template: str, fragments: list[str]) -> None:
    project = make_talk(files={f"templates/{OVERRIDE}": template})
    assert_clean_failure(run_cli("build", project), *fragments)
    assert not [p for p in (project / "build").glob("*") if not p.name.startswith(".")]


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="file:///etc/passwd">',
        '<img src="../../../../../../etc/passwd">',
        '<link rel="attachment" href="/etc/passwd">',
        '<img src="https://example.org/tracker.png">',
        '<img src="/dev/urandom">',
    ],
)
def test_templates_cannot_reach_outside_the_talk(make_talk, markup: str) -> None:
    project = make_talk(files={f"templates/{OVERRIDE}": f"<html><body><p>x</p>{markup}</body></html>"})
    result = run_cli("build", project)
    assert_clean_failure(result, "handout: could not load")
    assert "outside the talk's folder" in result.output or "network access is off" in result.output
    assert not (project / "build" / "handout.pdf").exists()


def test_templates_may_use_images_inside_the_talk(make_talk) -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    )
    project = make_talk(
        files={
            "content/mark.svg": svg,
            f"templates/{OVERRIDE}": '<html><body><p>x</p><img src="mark.svg"></body></html>',
        }
    )
    assert run_cli("build", project).exit_code == 0


def test_a_weasyprint_css_warning_is_reported_and_fails_strict(make_talk) -> None:
    project = make_talk(files={"templates/handout/handout.css": "h1 { colr: red; }"})
    result = run_cli("build", project, "--format", "pdf")
    assert result.exit_code == 0
    assert "WeasyPrint: Ignored `colr: red`" in result.output
    assert_clean_failure(run_cli("build", project, "--strict"), "--strict", "Ignored `colr: red`")


def test_html_outputs_carry_the_talk_s_images_inside_them(make_talk) -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'
    text = MINIMAL_TALK.replace("Keep going.", "Keep going. ![a black square](pics/square.svg)")
    project = make_talk(text, files={"content/pics/square.svg": svg})
    assert run_cli("build", project, "--only", "handout", "--format", "html").exit_code == 0
    html = (project / "build" / "handout.html").read_text()
    images = re.findall(r'<img src="([^"]+)" alt="a black square"', html)
    assert len(images) == 1 and images[0].startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(images[0].split(",", 1)[1]).decode() == svg


def test_an_override_under_a_built_in_s_old_name_is_named_not_silently_dropped(make_talk) -> None:
    """run-sheet templates moved from runsheet/ to run-sheet/: a kept override is a warning."""
    project = make_talk(files={"templates/runsheet/run-sheet.css": "h1 { color: red; }\n"})
    result = run_cli("build", project, "--only", "handout")
    assert result.exit_code == 0, result.output
    moved = [line for line in result.output.splitlines() if line.endswith("[template-moved]")]
    assert len(moved) == 1, result.output
    assert "templates/runsheet/run-sheet.css" in moved[0] and "now run-sheet/run-sheet.css" in moved[0]
    strict = run_cli("build", project, "--only", "handout", "--strict")
    assert strict.exit_code != 0 and "[template-moved]" in strict.output, strict.output
    kept = project / "templates" / "runsheet" / "run-sheet.css"
    (project / "templates" / "run-sheet").mkdir()
    kept.rename(project / "templates" / "run-sheet" / "run-sheet.css")
    result = run_cli("build", project, "--only", "handout", "--strict")  # the handout is cached
    assert result.exit_code == 0 and "[template-moved]" not in result.output, result.output
