"""What the talk says is what prints: nested items on slides, `card:` and deck instructions on
cards, addresses shown as addresses (and never broken at their own hyphens), quotes quoted
once, the paper colour over the whole page, a calibration sheet legible at arm's length."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pdfplumber
from PIL import Image

from conftest import MINIMAL_TALK, REPO, pdf_text, read_pdf, run_cli

MM = 72 / 25.4

TALK = """\
title: What prints
speaker: {name: Ana Costa, email: ana@example.org}
event: {name: Printing Day, city: Montréal-Nord}
theme: {colors: {paper: "#f4ecd8"}}
links:
  - {label: Write to me, url: "mailto:ana.costa@example.org"}
  - {label: Toolkit, url: "https://example.org/self-organizing-work-groups-and-facilitation-toolkit-for-teams"}
handout:
  qr: https://example.org/slides/what-prints
groups:
  - title: Methods
    points:
      - text: "**Decide how to decide.** Before the topic."
        card: Which decision method did your last meeting use?
        items:
          - text: "Choose one of four methods:"
            items: [Dot voting, Fist of five, Silent sorting, Lean coffee]
          - text: Said in the room
            quotes: ["“We never agreed on how to agree.”", Plain voice without marks.]
questions:
  - id: why
    question: Why?
    answer: Because.
    card: What would change if you decided how to decide?
card_decks:
  - id: signals
    title: Signals
    instructions: Sort the signals from weakest to strongest.
    statements: [A long silence., A quick yes.]
"""


def _build(make_talk, *only: str) -> tuple[Path, str]:
    project = make_talk(TALK)
    args = [a for name in only for a in ("--only", name)]
    result = run_cli("build", project, *args, "--format", "pdf")
    assert result.exit_code == 0, result.output
    return project / "build", result.output


def test_nested_items_mailto_and_the_qr_label_on_slides(make_talk) -> None:
    out, _ = _build(make_talk, "slides")
    text = pdf_text(read_pdf(out / "slides.pdf"))
    for method in ("Dot voting", "Fist of five", "Silent sorting", "Lean coffee"):
        assert method in text  # the four methods under "Choose one of four methods:"
    assert "Choose one of four methods:" in text
    assert "mailto" not in text and "ana.costa@example.org" in text
    assert "Slides and links" in text  # the QR code's label


def test_card_text_of_points_and_questions_and_deck_instructions_are_printed(make_talk) -> None:
    out, _ = _build(make_talk, "cards")
    text = " ".join(pdf_text(read_pdf(out / "cards.pdf")).split())
    assert "Which decision method did your last meeting use?" in text
    assert "What would change if you decided how to decide?" in text
    assert "Sort the signals from weakest to strongest." in text  # the deck's instructions, on its backs
    assert "A long silence." in text


def test_the_handout_quotes_once_shows_addresses_and_breaks_them_only_where_a_reader_expects(
    make_talk,
) -> None:
    out, output = _build(make_talk, "handout")
    assert "quotes[0]: this quote carries its own quotation marks" in output  # warned, with its line
    assert "quotes[1]" not in output
    with pdfplumber.open(out / "handout.pdf") as pdf:
        text = pdf.pages[0].extract_text()
        lines = text.splitlines()
    assert "\u201cWe never agreed on how to agree.\u201d" in text  # quoted once
    assert "\u201c\u201c" not in text and "\u201d\u201d" not in text
    assert "\u201cPlain voice without marks.\u201d" in text
    assert "mailto" not in text and "ana.costa@example.org" in text
    # the long address wraps, but never after one of its own hyphens, and is never hyphenated
    toolkit = next(i for i, line in enumerate(lines) if "example.org/self" in line)
    address = "".join(lines[toolkit : toolkit + 3])
    assert "example.org/self-organizing-work-groups-and-facilitation" in address  # it did wrap...
    assert lines[toolkit + 1].startswith("-")  # ...before a hyphen of its own
    # no line anywhere ends in a hyphen: no address broken after one, no name hyphenated
    assert not any(line.rstrip().endswith(("-", "\u2010")) for line in lines), lines


def test_the_paper_colour_covers_the_whole_page(make_talk, tmp_path: Path) -> None:
    out, _ = _build(make_talk, "handout")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "20", "-f", "1", "-l", "1", out / "handout.pdf", tmp_path / "p"],
        check=True,
    )
    page = Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")
    paper = (0xF4, 0xEC, 0xD8)
    for corner in ((1, 1), (page.width - 2, 1), (1, page.height - 2), (page.width - 2, page.height - 2)):
        assert all(abs(a - b) <= 3 for a, b in zip(page.getpixel(corner), paper, strict=True)), corner


def test_the_init_starter_talk_quotes_once_and_checks_strict(tmp_path: Path) -> None:
    starter = (REPO / "templates" / "init" / "talk.yaml").read_text()
    assert "quotes: [\u201c" not in starter
    assert run_cli("init", tmp_path / "talk").exit_code == 0
    result = run_cli("check", tmp_path / "talk", "--strict")
    assert result.exit_code == 0, result.output
    assert "quotation marks" not in result.output


def test_the_calibration_scales_are_legible(make_talk) -> None:
    project = make_talk(MINIMAL_TALK + "card_decks:\n  - {id: d, title: D, statements: [One.]}\n")
    assert run_cli("build", project, "--only", "cards", "--format", "pdf").exit_code == 0
    with pdfplumber.open(project / "build" / "cards-calibration.pdf") as pdf:
        words = pdf.pages[1].extract_words(extra_attrs=["size"])
    labels = {"\u221210", "\u22125", "0", "+5", "+10"}
    found = [w for w in words if w["text"] in labels]
    # both scales carry every label as a word of its own (nothing run together) ...
    assert sorted(w["text"] for w in found) == sorted(list(labels) * 2), [w["text"] for w in words]
    assert all(w["size"] >= 9 for w in found)  # ... at least 9 pt, legible at arm's length
    # ... and no two labels on one line come within 1.5 mm of each other
    for a in found:
        for b in found:
            if a is not b and abs(a["top"] - b["top"]) < 2 and a["x0"] < b["x0"]:
                assert b["x0"] - a["x1"] >= 1.5 * MM, (a["text"], b["text"])


NAMES = ("Montréal", "Saskatchewan", "Yellowknife", "Charlottetown", "WeasyPrint", "Mississauga")


def _prose_talk(language: str, sentence: str) -> str:
    """A talk whose one point is a long paragraph: `sentence` with each name in turn, so that
    the names fall at every place of the handout's narrow column, line ends included."""
    text = " ".join(sentence.format(name=name, n=n) for n in range(4) for name in NAMES)
    return (
        f"title: Names\nlanguage: {language}\ngroups:\n  - title: Places\n    points:\n      - text: {text}\n"
    )


def _lines_of(pdf_path: Path) -> list[str]:
    with pdfplumber.open(pdf_path) as pdf:
        return [line for page in pdf.pages for line in (page.extract_text() or "").splitlines()]


def test_names_in_running_text_are_never_hyphenated_while_the_prose_around_them_is(make_talk) -> None:
    english = "Our internationalisation responsibilities took {n} colleagues to {name} for consultations."
    project = make_talk(_prose_talk("en", english))
    result = run_cli("build", project, "--only", "handout", "--format", "pdf")
    assert result.exit_code == 0, result.output
    lines = _lines_of(project / "build" / "handout.pdf")
    broken = [line for line in lines if line.rstrip().endswith(("-", "\u2010"))]
    assert broken, "the column hyphenates nothing: the test proves nothing"  # prose hyphenates...
    text = "\n".join(lines)
    for name in NAMES:
        assert text.count(name) == 4, (name, broken)  # ...and every name is printed whole

    # German capitalises every noun: its nouns keep hyphenating; names with an inner capital do not
    german = "Die Internationalisierungsverantwortlichen schickten {n} Beratungsteams nach {name}."
    project = make_talk(_prose_talk("de", german))
    result = run_cli("build", project, "--only", "handout", "--format", "pdf")
    assert result.exit_code == 0, result.output
    lines = _lines_of(project / "build" / "handout.pdf")
    ends = [line.split()[-1] for line in lines if line.rstrip().endswith(("-", "\u2010"))]
    assert any(word[0].isupper() for word in ends), lines  # a capitalised noun broken at a line end
    assert "\n".join(lines).count("WeasyPrint") == 4


def test_which_words_count_as_names_depends_on_the_language_and_the_line() -> None:
    from handout_kit.markdown import render_inline

    def kept_whole(text: str, language: str = "en") -> list[str]:
        return re.findall(r'<span class="name">([^<]+)</span>', str(render_inline(text, language).html))

    assert kept_whole("We met in Montréal with Jean-Pierre. Zürich was cold.") == [
        "Montréal",
        "Jean-Pierre",
        "Zürich",  # at a sentence's start, a capital word with letters outside ASCII, in English
    ]
    assert kept_whole("Lyon first, then Marseille. Marseille again, [Marseille](https://x.org).") == [
        "Marseille",
        "Marseille",  # a name elsewhere in the text is one at a sentence's start too; a link is left alone
    ]
    assert kept_whole("Rendered by WeasyPrint, tested on COVID-19 data, on an iPhone.") == [
        "WeasyPrint",
        "COVID-19",
        "iPhone",
    ]
    assert kept_whole("Seven Tips for Rapidly Fostering Self-Organizing Groups") == []  # Title Case
    # German: every noun has a capital and long nouns must hyphenate; inner capitals still count
    assert kept_whole("Die Donaudampfschifffahrt fährt mit WeasyPrint nach Regensburg.", "de-AT") == [
        "WeasyPrint"
    ]
    assert kept_whole("Nous irons à Montréal demain.", "fr") == ["Montréal"]
