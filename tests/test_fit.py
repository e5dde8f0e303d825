"""Fitting the handout to exactly two pages, and failing clearly when it cannot."""

from __future__ import annotations

import re

from conftest import assert_clean_failure, read_pdf, run_cli

WORDS = ("speakers rebuild their handouts many times before a talk and every word must stay readable").split()


def long_talk(points: int, words: int = 110) -> str:
    def paragraph(seed: int) -> str:
        return " ".join(WORDS[(i * 7 + seed) % len(WORDS)] for i in range(words)).capitalize() + "."

    body = "\n".join(f"      - text: {paragraph(i)}" for i in range(points))
    return f"title: Fitting test\ngroups:\n  - title: Many points\n    points:\n{body}\n"


def test_text_a_little_too_long_is_fitted_by_tighter_setting(make_talk) -> None:
    project = make_talk(long_talk(16))
    result = run_cli("build", project, "--only", "handout")
    assert result.exit_code == 0, result.output
    assert len(read_pdf(project / "build" / "handout.pdf").pages) == 2
    match = re.search(r"wrote .*handout\.pdf .* ([\d.]+) pt type, spacing (\d+)%", result.output)
    assert match and (float(match[1]) < 10 or int(match[2]) < 100), result.output
    assert "tightening" in result.output  # progress while it fits


def test_text_far_too_long_fails_saying_how_much_and_where(make_talk) -> None:
    project = make_talk(long_talk(12))
    assert run_cli("build", project).exit_code == 0
    before = (project / "build" / "handout.pdf").read_bytes()
    (project / "content" / "talk.yaml").write_text(long_talk(30))
    result = run_cli("build", project)
    assert_clean_failure(result, "the handout runs ", "pages over its 2 pages", "8.5 pt type")
    match = re.search(r"runs (\d+\.\d+) pages over", result.output)
    assert match and 0.5 < float(match[1]) < 2.5
    # Page three begins in one of the points, named by its line in the file.
    line = int(re.search(r"page 3 would start at .*talk\.yaml:(\d+)", result.output)[1])
    assert 5 <= line <= 34
    assert (project / "build" / "handout.pdf").read_bytes() == before


def test_a_short_talk_fills_one_page_and_says_so(make_talk) -> None:
    result = run_cli("build", make_talk(), "--only", "handout", "--strict")
    assert result.exit_code == 0, result.output
    assert re.search(r"handout\.pdf\s+\(1 page of 2, Letter .* page 1 \d+% full", result.output)


def test_the_next_build_starts_where_the_last_one_fitted_and_finds_the_same(make_talk) -> None:
    project = make_talk(long_talk(18))
    first = run_cli("build", project, "--only", "handout", "--format", "pdf")
    assert first.exit_code == 0 and first.output.count("tightening") >= 2, first.output
    setting = re.search(r"handout\.pdf .*?(\d[\d.]* pt type, spacing \d+%)", first.output)[1]
    pdf = (project / "build" / "handout.pdf").read_bytes()
    again = run_cli("build", project, "--only", "handout", "--format", "pdf", "--force")
    assert "tightening" not in again.output  # no pass spent on settings known to overflow
    assert setting in again.output and (project / "build" / "handout.pdf").read_bytes() == pdf
    (project / "content" / "talk.yaml").write_text(long_talk(4))  # now it fits loosely again
    shorter = run_cli("build", project, "--only", "handout", "--format", "pdf")
    assert "10 pt type, spacing 100%" in shorter.output, shorter.output
    (project / "content" / "talk.yaml").write_text(long_talk(18))
    (project / "build" / ".cache" / "manifest.json").write_text('{"kit": "x"}')  # no hint at all
    assert run_cli("build", project, "--only", "handout", "--format", "pdf").exit_code == 0
    assert (project / "build" / "handout.pdf").read_bytes() == pdf
