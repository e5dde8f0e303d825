"""Exercise cards read back from the PDFs by position (pdfplumber): N-up, crop marks, duplex
backs, the print-shop file; and the facilitator's checks and run-sheet."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest

from conftest import MINIMAL_TALK, REPO, assert_clean_failure, read_pdf, run_cli

MM = 72 / 25.4  # points per millimetre
TOLERANCE_PT = 0.1 * MM


def statements_talk(count: int, cards: str = "", session: str = "") -> str:
    lines = "\n".join(f"      - Statement number {n} about groups." for n in range(1, count + 1))
    deck = f"card_decks:\n  - id: sort\n    title: A sort\n    statements:\n{lines}\n"
    return MINIMAL_TALK + deck + cards + session


def build_cards(make_talk, text: str, *extra: str) -> Path:
    project = make_talk(text)
    result = run_cli("build", project, "--only", "cards", "--format", "pdf", *extra)
    assert result.exit_code == 0, result.output
    return project / "build"


def card_boxes(page, size_mm: tuple[float, float], bleed_mm: float = 0.0) -> list[tuple[float, ...]]:
    """Rectangles drawn at a card's size (upright or turned), as (x0, top, x1, bottom) in pt."""
    width, height = ((size_mm[0] + 2 * bleed_mm) * MM, (size_mm[1] + 2 * bleed_mm) * MM)
    boxes = []
    for rect in page.rects:
        w, h = rect["x1"] - rect["x0"], rect["bottom"] - rect["top"]
        if (abs(w - width) < 0.5 and abs(h - height) < 0.5) or (
            abs(w - height) < 0.5 and abs(h - width) < 0.5
        ):
            boxes.append((rect["x0"], rect["top"], rect["x1"], rect["bottom"]))
    return sorted(set(boxes), key=lambda b: (round(b[1]), b[0]))


def label_in(page, box: tuple[float, ...]) -> int:
    """The card's number, read from the "k / N" printed inside its rectangle."""
    x0, top, x1, bottom = box

    def inside(char: dict) -> bool:
        return x0 < (char["x0"] + char["x1"]) / 2 < x1 and top < (char["top"] + char["bottom"]) / 2 < bottom

    text = pdfplumber.utils.extract_text([c for c in page.chars if inside(c)])
    match = re.search(r"(\d+) / \d+", text)
    assert match, text
    return int(match[1])


# Hand-computed: 6 mm margins, no bleed, no gap; turned a quarter turn when more fit.
N_UP = {
    ("poker", "letter"): 9, ("poker", "a4"): 9,
    ("bridge", "letter"): 9, ("bridge", "a4"): 10,
    ("tarot", "letter"): 4, ("tarot", "a4"): 4,
    ("a6", "letter"): 2, ("a6", "a4"): 2,
    ("index-3x5", "letter"): 4, ("index-3x5", "a4"): 4,
    ("index-4x6", "letter"): 2, ("index-4x6", "a4"): 2,
}  # fmt: skip


@pytest.mark.parametrize(("size", "paper"), list(N_UP))
def test_sheets_hold_as_many_cards_as_fit(make_talk, size: str, paper: str) -> None:
    from handout_kit.imposition import CARD_PRESETS_MM

    out = build_cards(make_talk, statements_talk(12, f"cards:\n  size: {size}\n  paper: {paper}\n"))
    with pdfplumber.open(out / "cards.pdf") as pdf:
        first = pdf.pages[0]
        expected_size = {"letter": (612, 792), "a4": (595, 842)}[paper]
        assert (round(first.width), round(first.height)) == expected_size
        assert len(card_boxes(first, CARD_PRESETS_MM[size])) == N_UP[(size, paper)]
        assert len(pdf.pages) == 2 * -(-12 // N_UP[(size, paper)])  # fronts and backs


def test_crop_marks_lie_on_cut_lines_outside_the_cards(make_talk) -> None:
    out = build_cards(make_talk, statements_talk(9, "cards:\n  size: poker\n  bleed_mm: 2\n"))
    with pdfplumber.open(out / "cards.pdf") as pdf:
        page = pdf.pages[0]
        cards = card_boxes(page, (63, 88), bleed_mm=2)
        assert len(cards) == 6  # bleed keeps cards 4 mm apart: 3 x 2 on Letter
        trims = [(x0 + 2 * MM, t + 2 * MM, x1 - 2 * MM, b - 2 * MM) for x0, t, x1, b in cards]
        cuts_x = sorted({round(v, 1) for t in trims for v in (t[0], t[2])})
        cuts_y = sorted({round(v, 1) for t in trims for v in (t[1], t[3])})
        marks = [
            line
            for line in page.lines
            if line["x1"] - line["x0"] < 0.01 or line["bottom"] - line["top"] < 0.01
        ]
        assert marks
        seen_x, seen_y = set(), set()
        for mark in marks:
            vertical = abs(mark["x1"] - mark["x0"]) < 0.01
            if vertical:
                cut = min(cuts_x, key=lambda c: abs(c - mark["x0"]))
                assert abs(cut - mark["x0"]) < TOLERANCE_PT
                seen_x.add(cut)
            else:
                cut = min(cuts_y, key=lambda c: abs(c - mark["top"]))
                assert abs(cut - mark["top"]) < TOLERANCE_PT
                seen_y.add(cut)
            for x0, top, x1, bottom in cards:  # never over a card or its bleed
                overlap_x = min(mark["x1"], x1) - max(mark["x0"], x0)
                overlap_y = min(mark["bottom"], bottom) - max(mark["top"], top)
                assert overlap_x < 0 or overlap_y < 0 or (overlap_x <= 0.01 and overlap_y <= 0.01)
        assert seen_x == set(cuts_x) and seen_y == set(cuts_y)  # every cut line is marked


@pytest.mark.parametrize(("flip", "dx", "dy"), [("long", 0, 0), ("short", 0, 0), ("long", 1.5, -0.7)])
def test_each_back_lands_behind_its_front(make_talk, flip: str, dx: float, dy: float) -> None:
    options = f"cards:\n  size: poker\n  flip: {flip}\n  offset: {{dx_mm: {dx}, dy_mm: {dy}}}\n"
    out = build_cards(make_talk, statements_talk(7, options))
    with pdfplumber.open(out / "cards.pdf") as pdf:
        fronts, backs = pdf.pages[0], pdf.pages[1]
        width, height = fronts.width, fronts.height
        front_boxes = {label_in(fronts, box): box for box in card_boxes(fronts, (63, 88))}
        back_boxes = {label_in(backs, box): box for box in card_boxes(backs, (63, 88))}
        assert sorted(front_boxes) == sorted(back_boxes) == list(range(1, 8))
        for number, (x0, top, x1, bottom) in front_boxes.items():
            if flip == "long":  # turning on the long edge mirrors left and right
                expected = (width - x1, top, width - x0, bottom)
            else:  # turning on the short edge mirrors top and bottom
                expected = (x0, height - bottom, x1, height - top)
            expected = (
                expected[0] + dx * MM,
                expected[1] + dy * MM,
                expected[2] + dx * MM,
                expected[3] + dy * MM,
            )
            got = back_boxes[number]
            assert all(abs(a - b) < TOLERANCE_PT for a, b in zip(got, expected, strict=True)), (
                number,
                got,
                expected,
            )


def test_print_shop_file_has_trim_and_bleed_boxes(make_talk) -> None:
    out = build_cards(make_talk, statements_talk(3, "cards:\n  size: bridge\n"))
    reader = read_pdf(out / "cards-print.pdf")
    assert len(reader.pages) == 6  # front and back of each card
    for page in reader.pages:
        trim, bleed = page.trimbox, page.bleedbox
        assert abs(float(trim.width) - 57 * MM) < 0.05 and abs(float(trim.height) - 89 * MM) < 0.05
        assert abs(float(trim.left) - float(bleed.left) - 3 * MM) < 0.05
        assert abs(float(bleed.top) - float(trim.top) - 3 * MM) < 0.05


def test_calibration_sheet_is_two_sided_with_scales(make_talk) -> None:
    out = build_cards(make_talk, statements_talk(2, "cards:\n  offset: {dx_mm: 1, dy_mm: 0}\n"))
    reader = read_pdf(out / "cards-calibration.pdf")
    assert len(reader.pages) == 2
    assert "Front" in reader.pages[0].extract_text()
    back = reader.pages[1].extract_text()
    assert "dx_mm" in back and "dy_mm" in back and "+5" in back and "\u22125" in back


def test_default_talk_cards_and_html(tmp_path: Path) -> None:
    result = run_cli("build", REPO, "--out", tmp_path, "--only", "cards")
    assert result.exit_code == 0, result.output
    assert "overflows" not in result.output
    html = (tmp_path / "cards.html").read_text()
    assert html.count('class="pair"') == 15  # 14 cards and the card-sort deck's instructions card
    assert "Have you felt it?" in html and "We generate energy together." in html
    assert "How to use these cards" in html and "Sort the cards: which of these" in html


def test_an_overflowing_card_is_reported_and_fails_strict(make_talk) -> None:
    long = " ".join(["This prompt is far too long for a poker card."] * 30)
    exercise = f"""\
exercises:
  - id: wordy
    title: A wordy exercise
    prompt: {long}
    steps: [{{text: Read it, minutes: 5}}]
    grouping: {{mode: alone}}
    minutes: 5
"""
    project = make_talk(MINIMAL_TALK + exercise)
    result = run_cli("build", project, "--only", "cards", "--format", "pdf")
    assert result.exit_code == 0
    assert "the front of card \u201cA wordy exercise\u201d (" in result.output
    assert "talk.yaml:19) overflows by" in result.output
    assert_clean_failure(run_cli("build", project, "--only", "cards", "--strict"), "overflows")


EXERCISE = """\
exercises:
  - id: pairs-talk
    title: Talk
    prompt: Talk about it.
    steps:
      - {text: Think, minutes: 3}
      - {text: Talk, minutes: 5}
    grouping: {mode: groups, size: 4}
    minutes: 10
    serves: "9"
session:
  participants: 3
"""


def test_facilitator_mistakes_are_caught_by_line(make_talk) -> None:
    result = run_cli("build", make_talk(MINIMAL_TALK + EXERCISE), "--only", "cards")
    assert_clean_failure(
        result, "talk.yaml:19:5: exercises[0]: steps add up to 8 minutes but the exercise says 10"
    )
    fixed = EXERCISE.replace("minutes: 10", "minutes: 8")
    result = run_cli("build", make_talk(MINIMAL_TALK + fixed), "--only", "cards")
    assert_clean_failure(
        result,
        "talk.yaml:25: exercises[0].grouping.size: groups of 4 cannot be formed from 3 participants",
        "talk.yaml:27: exercises[0].serves: '9' is no point number or id",
    )
    no_prompt = fixed.replace("    prompt: Talk about it.\n", "")
    assert_clean_failure(
        run_cli("build", make_talk(MINIMAL_TALK + no_prompt)), "'prompt' is required but missing"
    )


def test_card_size_must_be_known(make_talk) -> None:
    result = run_cli("build", make_talk(statements_talk(2, "cards:\n  size: huge\n")), "--only", "cards")
    assert_clean_failure(result, "cards.size:", "unknown card size 'huge'; use poker (63x88 mm)")
    custom = build_cards(make_talk, statements_talk(2, "cards:\n  size: 2.5x3.5in\n"))
    with pdfplumber.open(custom / "cards.pdf") as pdf:
        assert len(card_boxes(pdf.pages[0], (63.5, 88.9))) == 2


def test_run_sheet_times_groups_and_materials(make_talk) -> None:
    from conftest import pdf_text

    result = run_cli("build", REPO, "--out", make_talk() / "out", "--only", "run-sheet")
    assert result.exit_code == 0, result.output
    out = make_talk() / "out"
    text = pdf_text(read_pdf(out / "run-sheet.pdf"))
    assert len(read_pdf(out / "run-sheet.pdf").pages) == 1
    for clock in ("09:00", "09:05", "09:15", "09:27", "09:42", "09:52", "10:00"):
        assert clock in text
    assert "72 sticky notes" in text  # 3 per person, 24 people
    assert "6 card-sort decks" in text  # one per group of 4
    assert "24 markers" in text
    assert "groups of 4" in text
    assert "15 tarot cards on 4 sheets, double-sided" in " ".join(text.split())


def test_run_sheet_warns_when_the_session_runs_over(make_talk) -> None:
    agenda = (
        "session:\n  participants: 9\n  agenda:\n"
        "    - {title: Talk, minutes: 50}\n    - {exercise: pairs-talk}\n"
    )
    exercise = EXERCISE.split("session:")[0].replace("minutes: 10", "minutes: 8")
    exercise = exercise.replace('    serves: "9"\n', "")
    text = (
        MINIMAL_TALK.replace("  when: Friday, 10:00", "  start: '14:00'\n  duration_minutes: 45")
        + exercise
        + agenda
    )
    result = run_cli("build", make_talk(text), "--only", "run-sheet")
    assert result.exit_code == 0, result.output
    assert "the agenda takes 58 minutes; the session has 45 (13 over)" in result.output
    assert "9 participants in groups of 4 leave one person alone" in result.output
