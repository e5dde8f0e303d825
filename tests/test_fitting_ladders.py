"""Every fixed-size artefact fits by design: a slide, a card and the run-sheet pushed past their
limits step down their type first, and only past the floor are reported, saying by how much
and where (the talk's line)."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber

from conftest import MINIMAL_TALK, assert_clean_failure, read_pdf, run_cli
from test_examples import PX, _check_page

SENTENCE = "This prompt is longer than a card is meant to hold."


def _sizes(page) -> set[float]:
    return {round(c["size"], 1) for c in page.chars if c["text"].strip()}


def _line_of(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if marker in line)


# -- slides --------------------------------------------------------------------------------


def test_a_slide_steps_its_type_down_then_reports_with_the_right_line_and_advice(make_talk) -> None:
    fits_smaller = "Words that make this bullet long enough to wrap, " * 4 + "and then it ends"
    text = MINIMAL_TALK.replace(
        "          - One\n",
        "".join(f"          - {fits_smaller} {n}\n" for n in range(6)),
    )
    links = "".join(
        f"  - {{label: Reading list number {n} with a long label, url: https://example.org/reading/{n}}}\n"
        for n in range(16)
    )
    far_too_long = " ".join(["A body far longer than any slide can hold."] * 40)
    text += f"links:\n{links}slides:\n  - id: point-1\n    body: {far_too_long}\n"
    project = make_talk(text)
    result = run_cli("build", project, "--only", "slides", "--format", "pdf")
    assert result.exit_code == 0, result.output
    assert "set smaller to fit" in result.output

    talk = (project / "content" / "talk.yaml").read_text()
    # the changed slide: reported at its `slides:` entry, with advice for a `slides:` entry
    body_line = _line_of(talk, "  - id: point-1")
    assert re.search(
        rf"talk\.yaml:{body_line}: slides: slide 4 .* overflows even at 75% type \(the floor\): \d+ px below",
        result.output,
    ), result.output
    assert "shorten its `slides:` entry" in result.output
    # the closing slide: reported at the link that runs off, with advice about links
    closing = re.search(
        r"talk\.yaml:(\d+): slides: slide (\d+) \u201cThank you\u201d overflows[^\n]*", result.output
    )
    assert closing, result.output
    assert "list fewer links" in closing[0]
    assert talk.splitlines()[int(closing[1]) - 1].lstrip().startswith("- {label: Reading list number")

    with pdfplumber.open(project / "build" / "slides.pdf") as pdf:
        point_two = pdf.pages[4]  # title, outline, group, point 1, point 2
        assert "Words that make this bullet" in point_two.extract_text()
        assert max(_sizes(point_two)) < 120 * PX  # its 120 px numeral stepped down...
        assert 46 * PX in _sizes(pdf.pages[5])  # ...while the question slide keeps its 46 px title
        # and it now fits: nothing of it outside its text area
        body = (88 * PX, 0, (1280 - 88) * PX, 640 * PX)
        assert _check_page(point_two, body, 656 * PX, "point 2") == []
        # the slide reported at the floor does run over, and the corpus check sees it
        assert _check_page(pdf.pages[3], body, 656 * PX, "point 1")
    assert_clean_failure(run_cli("build", project, "--only", "slides", "--strict"), "overflows even at 75%")


def test_the_closing_slide_shows_the_qr_label_and_links_beside_the_code(make_talk) -> None:
    text = MINIMAL_TALK + (
        "handout: {qr: 'https://example.org/slides/closing', qr_label: Slides and the reading list}\n"
        "links:\n" + "".join(f"  - {{label: Link {n}, url: 'https://example.org/{n}'}}\n" for n in range(5))
    )
    project = make_talk(text)
    result = run_cli("build", project, "--only", "slides", "--format", "pdf", "--strict")
    assert result.exit_code == 0, result.output
    with pdfplumber.open(project / "build" / "slides.pdf") as pdf:
        closing = pdf.pages[-1]
        words = closing.extract_words()
        label = next(w for w in words if w["text"] == "reading")
        assert "Slides and the reading list" in closing.extract_text()
        drawn = closing.rects + closing.curves + closing.lines
        qr = [r for r in drawn if r["x1"] < 300 and r["top"] > 150 and r["bottom"] < 480]  # the code
        assert qr, "no QR code drawn"
        qr_right = max(r["x1"] for r in qr)
        assert label["x0"] > qr_right  # beside the code, not under or over it
        link_words = [w for w in words if w["text"].startswith("Link")]
        assert len({round(w["x0"]) for w in link_words}) == 2  # two columns of links
        assert all(w["x0"] > qr_right for w in link_words)


# -- cards ---------------------------------------------------------------------------------


def _wordy_card(sentences: int, size: str = "poker") -> str:
    prompt = " ".join([SENTENCE] * sentences)
    return MINIMAL_TALK + (
        f"cards: {{size: {size}}}\n"
        "exercises:\n  - id: wordy\n    title: A wordy exercise\n"
        f"    prompt: {prompt}\n"
        "    steps: [{text: Read it, minutes: 5}]\n    grouping: {mode: alone}\n    minutes: 5\n"
    )


def _prompt_size(pdf_path: Path) -> float:
    with pdfplumber.open(pdf_path) as pdf:
        page = pdf.pages[0]
        words = [w for w in page.extract_words(extra_attrs=["size"]) if w["text"] == "prompt"]
        return words[0]["size"]


def test_a_card_steps_down_then_names_a_preset_that_holds_it_measured(make_talk, tmp_path: Path) -> None:
    short = make_talk(_wordy_card(2))
    assert run_cli("build", short, "--only", "cards", "--format", "pdf", "--strict").exit_code == 0
    normal = _prompt_size(short / "build" / "cards-print.pdf")

    project = make_talk(_wordy_card(12))  # does not fit at the card's size, fits smaller
    result = run_cli("build", project, "--only", "cards", "--format", "pdf", "--strict")
    assert result.exit_code == 0, result.output
    stepped = _prompt_size(project / "build" / "cards-print.pdf")
    assert 0.75 * normal <= stepped < normal

    project = make_talk(_wordy_card(24))  # does not fit even at the floor
    result = run_cli("build", project, "--only", "cards", "--format", "pdf")
    assert result.exit_code == 0, result.output
    match = re.search(
        r"talk\.yaml:(\d+): cards: the front of card \u201cA wordy exercise\u201d overflows by ([\d.]+) mm "
        r"even at ([\d.]+) pt type \(the floor\); .*cards\.size: ([a-z0-9-]+) \(",
        result.output,
    )
    assert match, result.output
    talk = (project / "content" / "talk.yaml").read_text()
    assert int(match[1]) == _line_of(talk, "- id: wordy") and float(match[2]) > 1 and float(match[3]) >= 7.0
    # the preset named holds it: measured, not guessed
    bigger = tmp_path / "bigger"
    bigger.mkdir()
    (bigger / "content").mkdir()
    (bigger / "content" / "talk.yaml").write_text(_wordy_card(24, match[4]))
    result = run_cli("build", bigger, "--only", "cards", "--format", "pdf", "--strict")
    assert result.exit_code == 0, result.output


def test_a_larger_card_holds_more_text_not_the_same_text_larger(make_talk, tmp_path: Path) -> None:
    poker = make_talk(_wordy_card(2))
    assert run_cli("build", poker, "--only", "cards", "--format", "pdf").exit_code == 0
    a6 = tmp_path / "a6"
    (a6 / "content").mkdir(parents=True)
    (a6 / "content" / "talk.yaml").write_text(_wordy_card(24, "a6"))  # more than poker holds at its floor
    result = run_cli("build", a6, "--only", "cards", "--format", "pdf", "--strict")
    assert result.exit_code == 0, result.output  # A6 holds what poker could not
    ratio = _prompt_size(a6 / "build" / "cards-print.pdf") / _prompt_size(poker / "build" / "cards-print.pdf")
    assert 0.9 <= ratio < 1.25  # the card is 1.67 times wider; its type is not


# -- the run-sheet -------------------------------------------------------------------------


def _session(exercises: int) -> str:
    blocks = "".join(
        f"  - id: ex-{n}\n    title: Exercise number {n} with a longer title\n    prompt: Do it.\n"
        "    steps:\n"
        "      - {text: Think about the question alone and write one sticky note, minutes: 3}\n"
        "      - {text: Share in your group and pick the strongest note, minutes: 5}\n"
        "      - {text: Report back to the room in one sentence, minutes: 2}\n"
        "    grouping: {mode: groups, size: 4}\n    minutes: 10\n"
        f"    materials: [sticky notes, {{name: marker {n}, per: person}}]\n"
        for n in range(exercises)
    )
    return (
        "title: Run-sheet ladder\nevent: {name: Day, start: '09:00', duration_minutes: 600}\n"
        "groups:\n  - title: G\n    points: [{text: One.}]\n"
        f"exercises:\n{blocks}"
    )


def test_the_run_sheet_steps_down_to_one_page_then_fails_saying_by_how_much_and_where(make_talk) -> None:
    project = make_talk(_session(14))
    result = run_cli("build", project, "--only", "run-sheet", "--format", "pdf", "--strict")
    assert result.exit_code == 0, result.output
    assert "tightening" in result.output
    setting = re.search(r"run-sheet\.pdf .*, ([\d.]+) pt type, ([\d.]+) pt rows", result.output)
    assert setting and float(setting[1]) < 9.5, result.output
    assert len(read_pdf(project / "build" / "run-sheet.pdf").pages) == 1
    with pdfplumber.open(project / "build" / "run-sheet.pdf") as pdf:
        assert "Exercise number 13" in pdf.pages[0].extract_text()

    (project / "content" / "talk.yaml").write_text(_session(40))
    result = run_cli("build", project, "--only", "run-sheet", "--format", "pdf")
    assert_clean_failure(result, "the run-sheet runs ", "pages over its one page", "7 pt type")
    over = float(re.search(r"runs (\d+\.\d+) pages over", result.output)[1])
    assert 0.2 < over < 3
    line = int(re.search(r"page 2 would start at .*talk\.yaml:(\d+)", result.output)[1])
    talk = (project / "content" / "talk.yaml").read_text().splitlines()
    assert talk[line - 1].lstrip().startswith("- id: ex-")
