"""`init`, themes and the contrast check, and `templates list | eject`."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MINIMAL_TALK, assert_clean_failure, read_pdf, run_cli


def test_init_creates_a_project_that_builds(tmp_path: Path) -> None:
    project = tmp_path / "talk"
    result = run_cli("init", project)
    assert result.exit_code == 0, result.output
    for name in ("content/talk.yaml", "templates/README.md", ".gitignore"):
        assert (project / name).is_file(), name
    assert "build/" in (project / ".gitignore").read_text()
    built = run_cli("build", project)
    assert built.exit_code == 0, built.output
    assert len(read_pdf(project / "build" / "slides.pdf").pages) >= 8
    assert (project / "build" / "cards.pdf").is_file() and (project / "build" / "run-sheet.pdf").is_file()


def test_init_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    mine = "title: My own talk\n"
    (tmp_path / "content" / "talk.yaml").write_text(mine)
    result = run_cli("init", tmp_path)
    assert_clean_failure(result, "content/talk.yaml already exists; nothing was changed")
    assert (tmp_path / "content" / "talk.yaml").read_text() == mine
    assert not (tmp_path / ".gitignore").exists() and not (tmp_path / "templates").exists()


@pytest.mark.parametrize("name", ["default", "high-contrast", "ink-saver"])
def test_built_in_themes_meet_aa(make_talk, name: str) -> None:
    project = make_talk(MINIMAL_TALK + f"theme:\n  name: {name}\n")
    result = run_cli("build", project, "--only", "handout", "--format", "html", "--strict")
    assert result.exit_code == 0, result.output
    html = (project / "build" / "handout.html").read_text()
    assert f'data-theme="{name}"' in html


def test_themes_differ_in_earnest(make_talk) -> None:
    from handout_kit.colors import contrast
    from handout_kit.themes import THEMES

    accents = {theme["accent"] for theme in THEMES.values()}
    assert len(accents) == 3
    high = THEMES["high-contrast"]
    assert min(contrast(high[k], high["paper"]) for k in ("ink", "muted", "accent", "highlight")) >= 7


def test_low_contrast_colours_warn_and_fail_strict(make_talk) -> None:
    project = make_talk(MINIMAL_TALK + "theme:\n  colors:\n    muted: '#bbbbbb'\n")
    result = run_cli("build", project, "--only", "handout", "--format", "html")
    assert result.exit_code == 0
    assert (
        "theme.colors.muted: muted text (#bbbbbb) on paper (#ffffff) has contrast 1.92:1; WCAG AA asks 4.5:1"
        in result.output
    )
    assert_clean_failure(run_cli("build", project, "--only", "handout", "--strict"), "--strict", "contrast")


def test_unknown_theme_name(make_talk) -> None:
    result = run_cli("build", make_talk(MINIMAL_TALK + "theme:\n  name: neon\n"))
    assert_clean_failure(result, "theme.name: expected one of 'default', 'high-contrast' or 'ink-saver'")


def test_templates_list_shows_the_override_in_effect(make_talk) -> None:
    project = make_talk(files={"templates/handout/handout.css": "/* mine */"})
    result = run_cli("templates", "list", project)
    assert result.exit_code == 0
    lines = {line.split()[0]: line.split()[1] for line in result.output.splitlines()}
    assert lines["handout/handout.css"].endswith("templates/handout/handout.css")
    assert lines["handout/handout.html"] == "built-in"
    assert "slides/deck.js" in lines and "init/talk.yaml" not in lines


def test_eject_copies_a_builtin_and_never_overwrites(make_talk) -> None:
    from handout_kit.templates import builtin_templates_dir

    project = make_talk()
    assert run_cli("templates", "eject", "slides/deck.css", project).exit_code == 0
    copied = project / "templates" / "slides" / "deck.css"
    assert copied.read_bytes() == (builtin_templates_dir() / "slides" / "deck.css").read_bytes()
    copied.write_text("/* edited */")
    assert_clean_failure(run_cli("templates", "eject", "slides/deck.css", project), "already exists")
    assert copied.read_text() == "/* edited */"
    assert_clean_failure(
        run_cli("templates", "eject", "nope.html", project), "no built-in template 'nope.html'"
    )


def test_check_reports_missing_alt_text_and_notes_in_the_audience_deck(make_talk) -> None:
    import json

    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'
    leaky = (
        '{% extends "builtin/slides/deck.html" %}'
        "{% block body %}{% for s in deck.slides %}{{ s.notes or '' }}{% endfor %}{{ super() }}{% endblock %}"
    )
    notes = "        notes: This is a long note that only the speaker should ever see on the day.\n"
    text = MINIMAL_TALK.replace("Keep going.", "Keep going. ![](dot.svg)").replace(
        '      - text: "**Start small.** Then grow."\n',
        '      - text: "**Start small.** Then grow."\n' + notes,
    )
    project = make_talk(text, files={"content/dot.svg": svg, "templates/slides/deck.html": leaky})
    result = run_cli("check", project, "--format", "json")
    payload = json.loads(result.output)
    warnings = " ".join(w["message"] for w in payload["warnings"])
    assert "groups[0].points[1].text: image 'dot.svg' has no alt text" in warnings
    assert "slides.html shows the speaker notes of slide 4" in warnings
    assert payload["ok"] is True and result.exit_code == 0
    strict = run_cli("check", project, "--format", "json", "--strict")
    assert strict.exit_code == 1 and json.loads(strict.output)["ok"] is False
