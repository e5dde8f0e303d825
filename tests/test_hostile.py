"""Hostile input: generated documents, enormous and pathological text, scripts the fonts may
not cover. Only clean errors (or clean builds) come out: never a traceback."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINIMAL_TALK, assert_clean_failure, pdf_text, read_pdf, run_cli
from handout_kit.errors import ContentError
from handout_kit.schema import Talk

KEYS = [*Talk.model_fields, "titel", "points", "text", "items", "quotes", "minutes", "<<", "", "0"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30))
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.sampled_from(KEYS), children, max_size=5)
    ),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=documents)
def test_generated_documents_give_only_clean_errors(tmp_path_factory, document: object) -> None:
    from handout_kit.source import load
    from handout_kit.validate import validate

    folder = tmp_path_factory.mktemp("gen")
    path = folder / "talk.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    try:
        talk = validate(load(path))
    except ContentError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.file.endswith("talk.yaml") and problem.what
    else:
        assert isinstance(talk, Talk)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300))
def test_random_bytes_give_only_clean_errors(tmp_path_factory, raw: bytes) -> None:
    from handout_kit.source import load
    from handout_kit.validate import validate

    path = tmp_path_factory.mktemp("bytes") / "talk.yaml"
    path.write_bytes(raw)
    try:
        validate(load(path))
    except ContentError as error:
        assert all(str(problem) for problem in error.problems)


def test_an_unbreakable_20000_character_word_is_refused_by_line(make_talk) -> None:
    word = "x" * 20_000
    project = make_talk(MINIMAL_TALK.replace("Keep going.", f"Keep going. {word}"))
    result = run_cli("build", project, "--only", "handout", "--format", "pdf")
    assert_clean_failure(
        result, "talk.yaml:10:15: groups[0].points[1].text: a word of 20,000 characters without a space"
    )


def test_a_long_word_wraps_inside_the_column(make_talk) -> None:
    word = "Self" + "-organizing" * 15  # 169 characters, hyphens only
    project = make_talk(MINIMAL_TALK.replace("Keep going.", f"Keep going. {word}"))
    result = run_cli("build", project, "--only", "handout", "--format", "pdf")
    assert result.exit_code == 0, result.output
    import pdfplumber

    with pdfplumber.open(project / "build" / "handout.pdf") as pdf:
        page = pdf.pages[0]
        assert max(char["x1"] for char in page.chars) < page.width - 36  # inside the margin


def test_enormous_text_is_a_clear_failure(make_talk) -> None:
    paragraph = "Enormous text that goes on and on. " * 6000
    result = run_cli("build", make_talk(MINIMAL_TALK.replace("Because.", paragraph)), "--only", "handout")
    assert_clean_failure(result, "the handout runs", "pages over its 2 pages", "talk.yaml:")


def test_pathological_markdown(make_talk) -> None:
    nasty = " ".join(["*" * 60, "[" * 60, "`" * 40, "![" * 40, "<" * 60, "_a_" * 30, "](" * 40] * 8)
    project = make_talk(MINIMAL_TALK.replace("Because.", f"'{nasty}'"))
    result = run_cli("build", project, "--only", "handout", "--format", "html")
    assert result.exit_code == 0, result.output
    assert "<script" not in (project / "build" / "handout.html").read_text().split("<body", 1)[1]


def test_rtl_cjk_and_emoji_text(make_talk) -> None:
    from handout_kit.fonts import uncovered

    text = "مجموعات العمل الذاتية 自组织工作小组 🤝🌱"
    project = make_talk(MINIMAL_TALK.replace("Keep going.", text))
    result = run_cli("build", project, "--only", "handout")
    assert result.exit_code == 0, result.output
    assert "自组织" in (project / "build" / "handout.html").read_text()
    assert read_pdf(project / "build" / "handout.pdf").pages  # laid out, whatever the fonts hold
    assert "Start small." in pdf_text(read_pdf(project / "build" / "handout.pdf"))
    missing = uncovered(text)  # what this machine's fonts lack decides what must be reported
    for character in missing:
        assert f"{character} (U+{ord(character):04X})" in result.output or len(missing) > 4
    if missing:
        assert "talk.yaml:10: groups[0].points[1].text: no installed font has" in result.output
        assert f"{missing[0]} (U+{ord(missing[0]):04X})" in result.output
        assert f"handout: {len(missing)} character(s) printed as empty boxes" in result.output


def test_characters_no_font_has_are_placed_and_fail_strict(make_talk) -> None:
    unassigned = "\u0378\u0379"  # no font can have these: Unicode assigns them nothing
    project = make_talk(MINIMAL_TALK.replace("Keep going.", f"Keep going {unassigned}."))
    result = run_cli("build", project, "--only", "handout", "--format", "pdf")
    assert result.exit_code == 0, result.output
    assert (
        "talk.yaml:10: groups[0].points[1].text: no installed font has \u0378 (U+0378), \u0379 (U+0379)"
        in (result.output)
    )
    assert "handout: 2 character(s) printed as empty boxes" in result.output
    assert_clean_failure(run_cli("build", project, "--strict"), "--strict", "no installed font has")


def test_remote_addresses_are_refused_offline(make_talk) -> None:
    text = MINIMAL_TALK.replace("Keep going.", "Keep going. ![x](https://example.org/a.png)")
    result = run_cli("build", make_talk(text), "--only", "handout")
    assert_clean_failure(result, "talk.yaml:10:", "the build is offline; add --allow-network")
