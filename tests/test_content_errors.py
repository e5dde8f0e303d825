"""Bad input: every problem reported at once, with file, line and column; no traceback; the
last good output left in place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import MINIMAL_TALK, assert_clean_failure, run_cli


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal talk, built once for the whole module."""
    project = tmp_path_factory.mktemp("built-once")
    (project / "content").mkdir()
    (project / "content" / "talk.yaml").write_text(MINIMAL_TALK)
    assert run_cli("build", project).exit_code == 0
    return project


@pytest.fixture
def built(built_once: Path, tmp_path: Path) -> Path:
    """A project that built once (a copy of the module's build), so failures can be checked
    to keep its outputs."""
    project = tmp_path / "project"
    shutil.copytree(built_once, project)
    return project


def rebuild_with(project: Path, text: str | bytes) -> tuple[object, dict[str, bytes]]:
    before = {p.name: p.read_bytes() for p in (project / "build").glob("handout.*")}
    data = text.encode() if isinstance(text, str) else text
    (project / "content" / "talk.yaml").write_bytes(data)
    return run_cli("build", project), before


def assert_outputs_kept(project: Path, before: dict[str, bytes]) -> None:
    after = {p.name: p.read_bytes() for p in (project / "build").glob("handout.*")}
    assert after == before
    assert not list((project / "build").glob(".handout-kit-*")), "temporary files left behind"


CASES = {
    "unknown key with a suggestion": (
        MINIMAL_TALK.replace("title: A Small Talk", "titel: A Small Talk"),
        ["content/talk.yaml:1:1: titel: unknown key 'titel'; did you mean 'title'?"],
    ),
    "nested unknown key": (
        MINIMAL_TALK.replace("            quotes:", "            qoutes:"),
        [
            "content/talk.yaml:14:13: groups[0].points[1].items[1].qoutes: unknown key 'qoutes'; "
            "did you mean 'quotes'?"
        ],
    ),
    "wrong type": (
        MINIMAL_TALK.replace("  - title: First things", "  - title: [a, b]"),
        ["content/talk.yaml:7:12: groups[0].title: expected text, got a list"],
    ),
    "missing field": (
        MINIMAL_TALK.replace("    answer: Because.\n", ""),
        ["content/talk.yaml:16:5: questions[0]: 'answer' is required but missing"],
    ),
    "duplicate key": (
        MINIMAL_TALK + "title: Again\n",
        ["content/talk.yaml:18:1: title: duplicate key 'title' (first set on line 1)"],
    ),
    "tab indentation": (
        MINIMAL_TALK.replace("  city: Lyon", "\tcity: Lyon"),
        ["content/talk.yaml:4:1:", "a tab character; YAML indents with spaces only"],
    ),
    "tab before a list item": (
        MINIMAL_TALK.replace("      - text: Keep going.", "\t- text: Keep going."),
        ["content/talk.yaml:10:1:", "a tab character; YAML indents with spaces only"],
    ),
    "malformed YAML": (
        MINIMAL_TALK.replace("    answer: Because.", "    answer: [Because."),
        ["content/talk.yaml:", "expected ',' or ']'"],
    ),
    "empty file": ("", ["content/talk.yaml:1:1: the file is empty"]),
    "a list at the top": ("- one\n- two\n", ["content/talk.yaml:1:1:", "expected a mapping of keys"]),
    "not a number": (
        MINIMAL_TALK.replace("  when: Friday, 10:00", "  duration_minutes: an hour"),
        ["content/talk.yaml:5:21: event.duration_minutes: expected a whole number, got 'an hour'"],
    ),
    "bad colour": (
        MINIMAL_TALK + "theme:\n  colors:\n    accent: teal\n",
        ["content/talk.yaml:20:13: theme.colors.accent: 'teal' is not a colour like #0f5c6e"],
    ),
    "CSS smuggled into a font name": (
        MINIMAL_TALK + "theme:\n  fonts:\n    body: 'x; } body { display: none'\n",
        ["theme.fonts.body:", "is not a font family name"],
    ),
    "paper that does not exist": (
        MINIMAL_TALK + "theme:\n  paper: legal\n",
        ["content/talk.yaml:19:10: theme.paper: expected one of 'letter' or 'a4', got 'legal'"],
    ),
    "deep nesting": (
        "title: " + "[" * 300 + "]" * 300 + "\n",
        ["content/talk.yaml:", "nesting is too deep"],
    ),
    "anchor bomb": (
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
        ["content/talk.yaml:", "more than 50,000 values"],
    ),
    "merge keys": (
        "base: &b {title: x}\ntalk:\n  <<: *b\n",
        ["content/talk.yaml:3:3:", "merge keys (<<) are not supported"],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_content_is_reported_by_place(built: Path, name: str) -> None:
    text, fragments = CASES[name]
    result, before = rebuild_with(built, text)
    assert_clean_failure(result, *fragments)
    assert_outputs_kept(built, before)


def test_all_problems_are_reported_at_once(built: Path) -> None:
    text = (
        MINIMAL_TALK.replace("title: A Small Talk", "titel: A Small Talk")
        .replace("  city: Lyon", "  city: [Lyon]")
        .replace("    answer: Because.", "    answr: Because.")
    )
    result, before = rebuild_with(built, text)
    assert_clean_failure(
        result,
        "problems in the talk's content",
        ":1:1: titel: unknown key",
        ":1:1: 'title' is required but missing",
        ":4:9: event.city: expected text, got a list",
        ":17:5: questions[0].answr: unknown key 'answr'; did you mean 'answer'?",
    )
    assert_outputs_kept(built, before)


def test_non_utf8_text_names_line_and_column(built: Path) -> None:
    text = MINIMAL_TALK.replace("city: Lyon", "city: Ly\u00f6n").encode("latin-1")
    result, before = rebuild_with(built, text)
    assert_clean_failure(result, "content/talk.yaml:4:11:", "not UTF-8 text (byte 0xf6)")
    assert_outputs_kept(built, before)


def test_nul_byte(built: Path) -> None:
    result, before = rebuild_with(built, MINIMAL_TALK.replace("Lyon", "Ly\x00on"))
    assert_clean_failure(result, "content/talk.yaml:4:11: contains a NUL byte")
    assert_outputs_kept(built, before)


def test_oversized_file(built: Path) -> None:
    result, before = rebuild_with(built, MINIMAL_TALK + "# " + "x" * 3_000_000 + "\n")
    assert_clean_failure(result, "content/talk.yaml:", "the limit is")
    assert_outputs_kept(built, before)


def test_yaml_1_1_surprises_stay_as_written(make_talk) -> None:
    """`no`, `12:30`, `1.10` and `on` are what the speaker typed, not false or 750 or 1.1."""
    project = make_talk(
        MINIMAL_TALK.replace("title: A Small Talk", "title: no")
        .replace("when: Friday, 10:00", "when: 12:30")
        .replace("- One", "- 1.10")
        .replace("- text: Keep going.", "- text: on")
    )
    result = run_cli("build", project)
    assert result.exit_code == 0, result.output
    html = (project / "build" / "handout.html").read_text()
    assert "<title>no</title>" in html
    assert "12:30" in html and ">1.10" in html and "</span>on</p>" in html


def test_times_and_dates_are_checked_where_the_schema_wants_them(built: Path) -> None:
    text = MINIMAL_TALK.replace("  when: Friday, 10:00", "  date: April 13\n  start: 25:99")
    result, before = rebuild_with(built, text)
    assert_clean_failure(
        result,
        "event.date: expected a date like 2026-04-13, got 'April 13'",
        "event.start: expected a time like 09:30, got '25:99'",
    )
    assert_outputs_kept(built, before)


def test_missing_image_names_the_content_line(built: Path) -> None:
    text = MINIMAL_TALK.replace("Keep going.", "Keep going. ![chart](chart.png)")
    result, before = rebuild_with(built, text)
    assert_clean_failure(result, "talk.yaml:10:15: groups[0].points[1].text: image 'chart.png' not found")
    assert_outputs_kept(built, before)


@pytest.mark.parametrize("name", ["../secret.png", "/etc/passwd", "file:///etc/passwd"])
def test_images_outside_the_talk_are_refused(built: Path, name: str) -> None:
    (built / "secret.png").write_bytes(b"not really")
    text = MINIMAL_TALK.replace("Keep going.", f"Keep going. ![x]({name})")
    result, before = rebuild_with(built, text)
    assert_clean_failure(result, "talk.yaml:10:", "groups[0].points[1].text")
    assert "outside the talk's folder" in result.output or "is not allowed" in result.output
    assert_outputs_kept(built, before)


def test_a_symlink_out_of_the_talk_is_refused(built: Path) -> None:
    (built / "content" / "leak.png").symlink_to("/etc/passwd")
    result, before = rebuild_with(built, MINIMAL_TALK.replace("Keep going.", "Keep going. ![x](leak.png)"))
    assert_clean_failure(result, "talk.yaml:10:", "'leak.png' lies outside the talk's folder")
    assert_outputs_kept(built, before)


def test_missing_talk_file(tmp_path: Path) -> None:
    assert_clean_failure(run_cli("build", tmp_path), "no content/talk.yaml here")
    assert_clean_failure(run_cli("build", tmp_path / "nope.yaml"), "nope.yaml: file not found")


def test_notes_from_a_markdown_file(make_talk) -> None:
    text = MINIMAL_TALK.replace(
        "      - text: Keep going.", "      - text: Keep going.\n        notes: {file: notes.md}"
    )
    project = make_talk(text, files={"content/notes.md": "Say *more* here.\n"})
    assert run_cli("build", project, "--format", "html").exit_code == 0
    broken = make_talk(text.replace("notes.md", "../../outside.md"))
    assert_clean_failure(run_cli("build", broken), "notes: file: ../../outside.md lies outside")


def test_script_links_and_raw_html_are_refused(built: Path) -> None:
    text = MINIMAL_TALK.replace("Keep going.", "Keep [going](javascript:alert(1)).")
    result, before = rebuild_with(built, text)
    assert_clean_failure(result, "talk.yaml:10:15:", "address 'javascript:alert(1)' is not allowed")
    assert_outputs_kept(built, before)


def test_raw_html_in_markdown_is_shown_as_text(make_talk) -> None:
    project = make_talk(MINIMAL_TALK.replace("Keep going.", "Keep <b onclick=x>going</b>."))
    assert run_cli("build", project).exit_code == 0
    html = (project / "build" / "handout.html").read_text()
    assert "<b onclick" not in html and "&lt;b onclick=x&gt;going&lt;/b&gt;" in html
