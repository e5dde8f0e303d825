"""Every fixed-size artefact fits by design: a slide, a card and the run-sheet pushed past their
limits step down their type first, and only past the floor are reported, saying by how much
and where (the talk's line)."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber

from conftest import MINIMAL_TALK, REPO, assert_clean_failure, read_pdf, run_cli
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


def test_a_long_deck_built_in_parts_shows_a_stepped_down_slide_stepped_down_in_html_too(make_talk) -> None:
    wraps = "Words that make this bullet long enough to wrap, " * 4 + "and then it ends"
    long_point = "      - text: Too much to say.\n        items:\n" + "".join(
        f"          - {wraps} {n}\n" for n in range(6)
    )
    points = "".join(f"      - text: Point number {n}.\n" for n in range(12))
    project = make_talk(MINIMAL_TALK.replace("      - text: Keep going.\n", long_point + points))
    result = run_cli(
        "build", project, "--only", "slides", "--format", "pdf", "--format", "html", "--jobs", "2"
    )
    assert result.exit_code == 0, result.output
    assert "in 2 processes" in result.output  # the deck's part and the notes' part ran apart
    assert "1 set smaller to fit" in result.output

    with pdfplumber.open(project / "build" / "slides.pdf") as pdf:
        assert len(pdf.pages) > 12
        stepped, plain = pdf.pages[4], pdf.pages[5]  # title, outline, group, point 1, then these
        assert "Too much to say" in stepped.extract_text()
        size_of = {page: max(_sizes(page)) for page in (stepped, plain)}  # the point's numeral
        printed = size_of[stepped] / size_of[plain]
    assert printed < 0.95
    for name in ("slides.html", "slides-presenter.html"):
        html = (project / "build" / name).read_text()
        fits = re.findall(r'<section class="slide[^>]*style="--fit: ([0-9.]+)"', html)
        assert len(fits) == 1, (name, fits)  # one slide stepped down, the same one as in the PDF
        section = re.search(
            r'<section class="slide[^>]*style="--fit: [0-9.]+"[^>]*>.*?</section>', html, re.S
        )
        assert section and "Too much to say" in section[0]
        assert abs(float(fits[0]) - printed) < 0.01, (name, fits, printed)


def _with_notes(notes: dict[str, int]) -> str:
    """The minimal talk with speaker notes of so many sentences on the points named."""
    sentence = "These notes go on and on, far longer than any notes page holds beside its slide."
    text = MINIMAL_TALK
    for point, sentences in notes.items():
        line = f"      - text: {point}\n"
        text = text.replace(line, f"{line}        notes: {' '.join([sentence] * sentences)}\n")
    return text


def test_long_notes_step_their_type_down_and_notes_past_the_floor_are_reported(make_talk) -> None:
    text = _with_notes({'"**Start small.** Then grow."': 50, "Keep going.": 200})
    unbreakable = "`" + "x" * 150 + "`"
    # the talk's own stylesheet keeps words whole, so this one runs off the page
    own_css = (REPO / "templates" / "slides" / "notes.css").read_text()
    assert "overflow-wrap: anywhere;" in own_css
    own_css = own_css.replace("overflow-wrap: anywhere;", "overflow-wrap: normal;")
    project = make_talk(
        text.replace("    answer: Because.\n", f"    answer: Because.\n    notes: Say {unbreakable}.\n"),
        {"templates/slides/notes.css": own_css},
    )
    result = run_cli("build", project, "--only", "slides", "--format", "pdf")
    assert result.exit_code == 0, result.output
    talk = (project / "content" / "talk.yaml").read_text()
    far_too_long = [n for n, line in enumerate(talk.splitlines(), start=1) if "notes:" in line][1]
    warning = re.search(
        r"talk\.yaml:(\d+): slides: the notes of slide (\d+) [^\n]*\[notes-overflow\]", result.output
    )
    assert warning, result.output
    assert (int(warning[1]), warning[2]) == (far_too_long, "5")  # the line of its `notes:`
    assert re.search(r"run \d+ mm past notes page \d even at 80% type \(the floor\)", warning[0])
    assert result.output.count("[notes-overflow]") == 2  # the notes that stepped down fit
    code_line = [n for n, line in enumerate(talk.splitlines(), start=1) if "notes:" in line][2]
    assert re.search(
        rf"talk\.yaml:{code_line}: slides: the notes of slide 6 \u201cWhy\?\u201d run out of notes page \d: "
        r"[\d.]+ mm past the right edge",
        result.output,
    ), result.output
    assert "set smaller to fit" in result.output

    with pdfplumber.open(project / "build" / "slides-notes.pdf") as pdf:
        pages = [" ".join(page.extract_text().split()) for page in pdf.pages]
        # slide 4's notes, 50 sentences, now fit on the page of their slide, in smaller type
        home = next(i for i, text in enumerate(pages) if "Slide 4" in text)
        assert pages[home].count("beside its slide.") == 50
        page = pdf.pages[home]
        row = [c for c in page.chars if c["x0"] > 300 and 100 < c["top"] < page.height - 50]  # no footer
        sizes = {round(c["size"], 2) for c in row if c["text"].strip()} - {8.5}  # the label's size
        assert sizes and max(sizes) < 9.5 and min(sizes) >= 7.6, sizes
        # slide 5's notes run on past their page: what the warning says
        start = next(i for i, text in enumerate(pages) if "Slide 5" in text)
        assert pages[start + 1].lstrip().startswith("These notes go on")
    assert_clean_failure(run_cli("check", project, "--strict"), "[notes-overflow]", "notes of slide 5")


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
