"""Exercise cards read back from the PDFs by position (pdfplumber): N-up, crop marks, duplex
backs, the print-shop file; and the facilitator's checks and run-sheet."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
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


def placed_cards(path: Path, index: int) -> list[tuple[tuple[float, ...], str]]:
    """Every card drawn on page `index` of the PDF at `path`: the rectangle it is clipped to
    (x0, top, x1, bottom in pt, from the page's top left) and the form XObject it draws, read
    from the page's content stream (the cards are placed pages, not laid out again)."""
    from pypdf.generic import ContentStream

    reader = read_pdf(path)
    page = reader.pages[index]
    height = float(page.mediabox.height)
    forms = page["/Resources"]["/XObject"]
    operations = ContentStream(page.get_contents(), reader).operations
    ctm, stack, rect, clip, found = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), [], None, None, []

    def apply(m: tuple, x: float, y: float) -> tuple[float, float]:
        return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]

    for operands, operator in operations:
        if operator == b"q":
            stack.append((ctm, clip))
        elif operator == b"Q":
            ctm, clip = stack.pop()
        elif operator == b"cm":
            a, b, c, d, e, f = (float(v) for v in operands)
            m = ctm
            ctm = (
                a * m[0] + b * m[2], a * m[1] + b * m[3], c * m[0] + d * m[2],
                c * m[1] + d * m[3], e * m[0] + f * m[2] + m[4], e * m[1] + f * m[3] + m[5],
            )  # fmt: skip
        elif operator == b"re":
            x, y, w, h = (float(v) for v in operands)
            corners = [apply(ctm, x, y), apply(ctm, x + w, y + h)]
            rect = (
                min(p[0] for p in corners), max(p[1] for p in corners),
                max(p[0] for p in corners), min(p[1] for p in corners),
            )  # fmt: skip
        elif operator == b"W":
            clip = rect
        elif operator == b"Do" and forms[operands[0]]["/Subtype"] == "/Form" and clip:
            x0, y_top, x1, y_bottom = clip
            found.append(((x0, height - y_top, x1, height - y_bottom), str(operands[0])))
    return sorted(found, key=lambda f: (round(f[0][1]), f[0][0]))


def card_boxes(path: Path, index: int, size_mm: tuple[float, float], bleed_mm: float = 0.0) -> list:
    """The rectangles of the cards placed on a page, checked to have the card's size plus its
    bleed (upright or turned)."""
    width, height = ((size_mm[0] + 2 * bleed_mm) * MM, (size_mm[1] + 2 * bleed_mm) * MM)
    boxes = [box for box, _ in placed_cards(path, index)]
    for x0, top, x1, bottom in boxes:
        w, h = x1 - x0, bottom - top
        assert (abs(w - width) < 0.05 and abs(h - height) < 0.05) or (
            abs(w - height) < 0.05 and abs(h - width) < 0.05
        ), (w, h, width, height)
    return boxes


FACE_BLEED_MM = 3.0  # the faces are laid out once with the print shop's bleed around them


def assert_drawn_in_place(path: Path, index: int, size_mm: tuple[float, float]) -> None:
    """Each placed card's own background (laid out with 3 mm bleed, clipped on the sheet) is
    centred on the card's slot, upright or turned: the content lands where the cut is."""
    width, height = ((v + 2 * FACE_BLEED_MM) * MM for v in size_mm)
    with pdfplumber.open(path) as pdf:
        rects = pdf.pages[index].rects
    for (x0, top, x1, bottom), form in placed_cards(path, index):
        centre = ((x0 + x1) / 2, (top + bottom) / 2)
        backgrounds = [
            r
            for r in rects
            if abs((r["x0"] + r["x1"]) / 2 - centre[0]) < TOLERANCE_PT
            and abs((r["top"] + r["bottom"]) / 2 - centre[1]) < TOLERANCE_PT
            and {round(r["width"], 1), round(r["height"], 1)} == {round(width, 1), round(height, 1)}
        ]
        assert backgrounds, (form, centre)


def text_in(page, box: tuple[float, ...]) -> str:
    """The text drawn inside a rectangle of a pdfplumber page (the cards' text is real text)."""
    x0, top, x1, bottom = box

    def inside(char: dict) -> bool:
        return x0 < (char["x0"] + char["x1"]) / 2 < x1 and top < (char["top"] + char["bottom"]) / 2 < bottom

    chars = [c for c in page.chars if inside(c)]
    turned = {}
    if chars and abs(chars[0]["matrix"][0]) < 0.01:  # a card turned a quarter turn: read it turned
        clockwise = chars[0]["matrix"][1] < 0
        turned = (
            {"char_dir_rotated": "ttb", "line_dir_rotated": "rtl"}
            if clockwise
            else {"char_dir_rotated": "btt", "line_dir_rotated": "ltr"}
        )
    return pdfplumber.utils.extract_text(chars, **turned)


def label_in(page, box: tuple[float, ...]) -> int:
    """The card's number, read from the "k / N" printed inside its rectangle."""
    text = text_in(page, box)
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
    from handout_kit.card_sheets import CARD_PRESETS_MM

    out = build_cards(make_talk, statements_talk(12, f"cards:\n  size: {size}\n  paper: {paper}\n"))
    with pdfplumber.open(out / "cards.pdf") as pdf:
        first = pdf.pages[0]
        expected_size = {"letter": (612, 792), "a4": (595, 842)}[paper]
        assert (round(first.width), round(first.height)) == expected_size
        assert len(pdf.pages) == 2 * -(-12 // N_UP[(size, paper)])  # fronts and backs
    assert len(card_boxes(out / "cards.pdf", 0, CARD_PRESETS_MM[size])) == N_UP[(size, paper)]


def crop_marks(page) -> list[dict]:
    return [
        line for line in page.lines if line["x1"] - line["x0"] < 0.01 or line["bottom"] - line["top"] < 0.01
    ]


def test_crop_marks_lie_on_cut_lines_outside_the_cards(make_talk) -> None:
    out = build_cards(make_talk, statements_talk(9, "cards:\n  size: poker\n  bleed_mm: 2\n"))
    cards = card_boxes(out / "cards.pdf", 0, (63, 88), bleed_mm=2)
    assert len(cards) == 6  # bleed keeps cards 4 mm apart: 3 x 2 on Letter
    with pdfplumber.open(out / "cards.pdf") as pdf:
        page = pdf.pages[0]
        trims = [(x0 + 2 * MM, t + 2 * MM, x1 - 2 * MM, b - 2 * MM) for x0, t, x1, b in cards]
        cuts_x = sorted({round(v, 1) for t in trims for v in (t[0], t[2])})
        cuts_y = sorted({round(v, 1) for t in trims for v in (t[1], t[3])})
        marks = crop_marks(page)
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


def test_empty_slots_on_the_last_sheet_get_no_crop_marks(make_talk) -> None:
    out = build_cards(make_talk, statements_talk(11, "cards:\n  size: poker\n"))  # 9 + 2
    full = card_boxes(out / "cards.pdf", 0, (63, 88))
    last = card_boxes(out / "cards.pdf", 2, (63, 88))
    assert len(full) == 9 and len(last) == 2
    empty = [box for box in full if box not in last]  # the same grid, the slots left empty
    assert len(empty) == 7
    cuts_x = {round(v, 1) for box in last for v in (box[0], box[2])}
    cuts_y = {round(v, 1) for box in last for v in (box[1], box[3])}
    with pdfplumber.open(out / "cards.pdf") as pdf:
        marks = crop_marks(pdf.pages[2])
        assert len(crop_marks(pdf.pages[0])) == 16  # 4 vertical and 4 horizontal cuts, both ends
    grid = (
        min(b[0] for b in full),
        min(b[1] for b in full),
        max(b[2] for b in full),
        max(b[3] for b in full),
    )
    seen = set()
    for mark in marks:
        vertical = abs(mark["x1"] - mark["x0"]) < 0.01
        at = round(mark["x0"] if vertical else mark["top"], 1)
        assert at in (cuts_x if vertical else cuts_y), mark  # only the cut lines of the two cards
        seen.add((vertical, at))
        outside = (  # in the sheet's margins, off the grid of slots, empty or not
            mark["bottom"] < grid[1] or mark["top"] > grid[3] or mark["x1"] < grid[0] or mark["x0"] > grid[2]
        )
        assert outside, mark
    assert seen == {(True, x) for x in cuts_x} | {(False, y) for y in cuts_y}
    assert len(marks) == 2 * (len(cuts_x) + len(cuts_y))
    assert len(cuts_x) == 3 and len(cuts_y) == 2  # not the lines that bound only empty slots


def test_right_to_left_crop_marks_go_with_the_filled_slots(make_talk) -> None:
    """An Arabic talk fills each row from its right end: the last sheet's two cards sit in the
    two rightmost slots of the top row, and its crop marks are on their cut lines, not on the
    left-hand slots a left-to-right sheet would fill."""
    text = "language: ar\n" + statements_talk(11, "cards:\n  size: poker\n")  # 9 + 2
    out = build_cards(make_talk, text)
    full = card_boxes(out / "cards.pdf", 0, (63, 88))
    last = card_boxes(out / "cards.pdf", 2, (63, 88))
    assert len(full) == 9 and len(last) == 2
    columns = sorted({round(box[0], 1) for box in full})
    top_row = min(box[1] for box in full)
    assert {round(box[0], 1) for box in last} == set(columns[1:])  # the right two slots
    assert all(abs(box[1] - top_row) < 0.01 for box in last)
    cuts_x = {round(v, 1) for box in last for v in (box[0], box[2])}
    cuts_y = {round(v, 1) for box in last for v in (box[1], box[3])}
    left_edge = round(min(box[0] for box in full), 1)
    assert left_edge not in cuts_x  # the leftmost column's outer edge bounds only empty slots
    with pdfplumber.open(out / "cards.pdf") as pdf:
        marks = crop_marks(pdf.pages[2])
    seen = set()
    for mark in marks:
        vertical = abs(mark["x1"] - mark["x0"]) < 0.01
        at = round(mark["x0"] if vertical else mark["top"], 1)
        assert at in (cuts_x if vertical else cuts_y), mark
        seen.add((vertical, at))
    assert seen == {(True, x) for x in cuts_x} | {(False, y) for y in cuts_y}
    assert len(marks) == 2 * (len(cuts_x) + len(cuts_y))


MIXED = (
    """\
exercises:
"""
    + "".join(
        f"""\
  - id: ex-{n}
    title: Exercise {name}
    prompt: Do {name}.
    steps: [{{text: Do it, minutes: 5}}]
    grouping: {{mode: alone}}
    minutes: 5
"""
        for n, name in enumerate(["Alpha", "Bravo", "Charlie", "Delta"], start=1)
    )
    + """\
card_decks:
  - id: sort
    title: Sorting deck
    instructions: Sort them into two piles.
    statements: [First statement., Second statement., Third statement.]
"""
)


@pytest.mark.parametrize(
    ("size", "paper", "flip", "dx", "dy"),
    [
        ("poker", "letter", "long", 0, 0),
        ("poker", "letter", "short", 0, 0),
        ("poker", "letter", "long", 1.5, -0.7),
        ("bridge", "a4", "long", 0.8, 0.3),  # turned a quarter turn on the sheet
        ("bridge", "a4", "short", 0, 0),
    ],
)
def test_each_back_lands_behind_its_front(make_talk, size, paper, flip: str, dx: float, dy: float) -> None:
    from handout_kit.card_sheets import CARD_PRESETS_MM

    options = (
        f"cards:\n  size: {size}\n  paper: {paper}\n  flip: {flip}\n  offset: {{dx_mm: {dx}, dy_mm: {dy}}}\n"
    )
    out = build_cards(make_talk, MINIMAL_TALK + MIXED + options)
    path = out / "cards.pdf"
    card = CARD_PRESETS_MM[size]
    fronts, backs = card_boxes(path, 0, card), card_boxes(path, 1, card)
    assert len(fronts) == len(backs) == 7
    assert_drawn_in_place(path, 0, card)
    assert_drawn_in_place(path, 1, card)
    with pdfplumber.open(path) as pdf:
        width, height = pdf.pages[0].width, pdf.pages[0].height
        front_text = {box: " ".join(text_in(pdf.pages[0], box).split()) for box in fronts}
        back_text = {box: " ".join(text_in(pdf.pages[1], box).split()) for box in backs}
    if size == "bridge":
        assert all(b[2] - b[0] > b[3] - b[1] for b in fronts)  # turned: wider than tall
    for (x0, top, x1, bottom), text in front_text.items():
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
        behind = [
            b for b in backs if all(abs(p - q) < TOLERANCE_PT for p, q in zip(b, expected, strict=True))
        ]
        assert len(behind) == 1, (text, expected, backs)
        back = back_text[behind[0]]
        words, back_words = set(text.split()), set(back.split())  # turned cards read word by word
        exercise = words & {"Alpha", "Bravo", "Charlie", "Delta"}
        if exercise:  # each exercise's own back, behind its own front
            assert exercise < back_words and "EXERCISE" in back_words, (text, back)
        else:  # a deck's back: its name and instructions
            assert {"Sorting", "deck", "Sort", "piles."} <= back_words, (text, back)
            assert "EXERCISE" not in back_words


def test_print_shop_file_has_trim_and_bleed_boxes(make_talk) -> None:
    out = build_cards(make_talk, statements_talk(3, "cards:\n  size: bridge\n"))
    reader = read_pdf(out / "cards-print.pdf")
    assert len(reader.pages) == 6  # front and back of each card
    for page in reader.pages:
        trim, bleed = page.trimbox, page.bleedbox
        assert abs(float(trim.width) - 57 * MM) < 0.05 and abs(float(trim.height) - 89 * MM) < 0.05
        assert abs(float(trim.left) - float(bleed.left) - 3 * MM) < 0.05
        assert abs(float(bleed.top) - float(trim.top) - 3 * MM) < 0.05
    texts = [page.extract_text() for page in reader.pages]
    assert "Statement number 2 about groups." in " ".join(texts[2].split())  # front, back, front...
    with pdfplumber.open(out / "cards-print.pdf") as pdf:  # each face's background fills the page
        for page in pdf.pages:
            assert any(
                abs(r["x0"]) < 0.05 and abs(r["top"]) < 0.05 and abs(r["width"] - float(page.width)) < 0.05
                for r in page.rects
            ), "the background does not reach the bleed's edge"
    assert "A sort" in texts[3]
    with pdfplumber.open(out / "cards-print.pdf") as pdf:  # the text is real text in real fonts
        assert {c["fontname"].split("+")[-1] for c in pdf.pages[0].chars} >= {"Charis-SIL", "Inter-Bold"}


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
    assert html.count('class="pair"') == 14  # every card once, whatever the copies
    assert "Have you felt it?" in html and "We generate energy together." in html
    assert "Sort the cards: which of these" in html  # the deck's instructions, on its backs


def wordy_exercise(sentences: int) -> str:
    """An exercise whose prompt is `sentences` times the same sentence (on line 19 of the talk)."""
    prompt = " ".join(["Tell your neighbour what you would change first."] * sentences)
    return f"""\
exercises:
  - id: wordy
    title: A wordy exercise
    prompt: {prompt}
    steps: [{{text: Read it, minutes: 5}}]
    grouping: {{mode: alone}}
    minutes: 5
"""


def prompt_size(path: Path, page: int = 0) -> float:
    """The type size (pt) most of the characters of a face in the print-shop file are set in."""
    with pdfplumber.open(path) as pdf:
        sizes = [round(c["size"], 2) for c in pdf.pages[page].chars]
    return max(set(sizes), key=sizes.count)


def test_a_card_a_little_too_long_steps_its_type_down_and_fits(make_talk) -> None:
    normal = build_cards(make_talk, MINIMAL_TALK + wordy_exercise(2), "--strict")
    normal_pt = prompt_size(normal / "cards-print.pdf")
    project = make_talk(MINIMAL_TALK + wordy_exercise(9))  # overflows a poker card at its own size
    result = run_cli("build", project, "--only", "cards", "--format", "pdf", "--strict")
    assert result.exit_code == 0, result.output
    assert "overflow" not in result.output
    assert "1 set smaller to fit" in result.output
    path = project / "build" / "cards-print.pdf"
    assert prompt_size(path) < normal_pt * 0.95  # one step or more down the ladder
    reader = read_pdf(path)
    trim = reader.pages[0].trimbox
    height = float(reader.pages[0].mediabox.height)
    box = (float(trim.left), height - float(trim.top), float(trim.right), height - float(trim.bottom))
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        inside = " ".join(text_in(page, box).split())
        assert len(page.chars) == len(  # every character of the face lies inside the trimmed card
            [c for c in page.chars if box[0] <= c["x0"] and c["x1"] <= box[2] and box[1] <= c["top"]]
        )
        assert all(c["bottom"] <= box[3] for c in page.chars)
        lines = sorted({round(c["top"], 1) for c in page.chars})
        foot = [c for c in page.chars if round(c["top"], 1) == lines[-1]]  # the card's number, "1 / 1"
        assert "1/1" in "".join(c["text"] for c in foot).replace(" ", "")
        body = [c for c in page.chars if c not in foot]
        assert max(c["bottom"] for c in body) < min(c["top"] for c in foot)  # no text runs into the foot
    assert inside.count("what you would change first.") == 9  # all of the prompt, none cut off


def test_a_stepped_down_statement_keeps_its_decks_back(make_talk) -> None:
    """One statement too long for its card is set smaller; its back is the deck's back all the
    same (one form drawn behind every card, type the same size), so it cannot be told apart
    from the back once cut."""
    words = "groups find their own shape when nobody hurries them along, "
    long = ("A statement that keeps going: " + words * 6).strip().rstrip(",") + "."
    deck = (
        "card_decks:\n  - id: sort\n    title: A sorting deck\n"
        "    instructions: Sort the cards into two piles.\n"
        f'    statements:\n      - Short one.\n      - "{long}"\n      - Another short one.\n'
    )
    project = make_talk(MINIMAL_TALK + deck + "cards:\n  size: poker\n")
    result = run_cli("build", project, "--only", "cards", "--format", "pdf", "--format", "html", "--strict")
    assert result.exit_code == 0, result.output
    assert "1 set smaller to fit" in result.output
    out = project / "build"
    screen = (out / "cards.html").read_text(encoding="utf-8")  # each face at its printed size
    styles = re.findall(r'<div class="card (front|back) kind-statement" style="([^"]*)"', screen)
    assert [side for side, _ in styles] == ["front", "back"] * 3
    assert ["--base" in style for _, style in styles] == [False, False, True, False, False, False]
    backs = placed_cards(out / "cards.pdf", 1)
    assert len(backs) == 3 and len({form for _, form in backs}) == 1  # one back, drawn three times
    with pdfplumber.open(out / "cards-print.pdf") as pdf:
        sizes = [sorted({round(c["size"], 2) for c in page.chars}) for page in pdf.pages]
        texts = [" ".join(page.extract_text().split()) for page in pdf.pages]
    fronts, back_sizes = sizes[0::2], sizes[1::2]
    assert "keeps going" in texts[2] and max(fronts[1]) < max(fronts[0])  # the long one is smaller
    assert back_sizes[0] == back_sizes[1] == back_sizes[2]
    assert texts[1] == texts[3] == texts[5] and "A sorting deck" in texts[3]


def test_a_card_far_too_long_is_reported_at_the_floor_with_a_preset_that_holds_it(make_talk) -> None:
    project = make_talk(MINIMAL_TALK + wordy_exercise(18))
    result = run_cli("build", project, "--only", "cards", "--format", "pdf")
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert (
        "content/talk.yaml:19: cards: the front of card \u201cA wordy exercise\u201d overflows by" in output
    )
    assert re.search(r"overflows by \d+\.\d mm even at 7\.1 pt type \(the floor\)", output), output
    assert "[card-overflow]" in output
    match = re.search(r"cards\.size: ([\w-]+) \(", output)
    assert match and match[1] in {"tarot", "index-3x5", "a6", "index-4x6"}, output  # larger than poker
    assert_clean_failure(
        run_cli("build", project, "--only", "cards", "--strict"),
        "pt type (the floor)",
        match[1],
        "talk.yaml:19",
    )
    # measured, not guessed: on the preset it names the card fits (stepped down as far as it must)
    text = MINIMAL_TALK + wordy_exercise(18) + f"cards:\n  size: {match[1]}\n"
    build_cards(make_talk, text, "--strict")


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
    assert len(card_boxes(custom / "cards.pdf", 0, (63.5, 88.9))) == 2


def test_run_sheet_times_groups_and_materials(make_talk) -> None:
    from conftest import pdf_text

    result = run_cli("build", REPO, "--out", make_talk() / "out", "--only", "run-sheet")
    assert result.exit_code == 0, result.output
    out = make_talk() / "out"
    text = pdf_text(read_pdf(out / "run-sheet.pdf"))
    assert len(read_pdf(out / "run-sheet.pdf").pages) == 1
    # English (en) writes the clock as the CLDR data for it says: 12-hour, with AM and PM
    for clock in ("9:00 AM", "9:05 AM", "9:15 AM", "9:27 AM", "9:42 AM", "9:52 AM", "10:00 AM"):
        assert clock.replace(" ", "\u202f") in text  # CLDR keeps the time and AM together
    assert "72 sticky notes" in text  # 3 per person, 24 people
    assert "6 card-sort decks" in text  # one per group of 4
    assert "24 markers" in text
    assert "groups of 4" in text
    line = " ".join(text.split())
    assert "cards.pdf once, double-sided (turn on the long edge): 49 tarot cards on 13 sheets" in line
    assert "1 card of each of 7 exercises" in line
    assert (
        "6 sets of \u201cThe moment a group comes into existence\u201d (7 cards), "
        "one per group of 4, 6 groups" in line
    )
    assert "Tip 5" in text  # the point "Follow the draw" serves


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


COPIES = """\
exercises:
  - id: pairs-ex
    title: Pairs exercise
    prompt: Talk.
    steps: [{text: Talk, minutes: 5}]
    grouping: {mode: pairs}
    minutes: 5
    copies: per-group
  - id: groups-ex
    title: Groups exercise
    prompt: Talk.
    steps: [{text: Talk, minutes: 5}]
    grouping: {mode: groups, size: 4}
    minutes: 5
    copies: per-group
  - id: room-ex
    title: Room exercise
    prompt: Talk.
    steps: [{text: Talk, minutes: 5}]
    grouping: {mode: room}
    minutes: 5
    copies: per-group
  - id: alone-ex
    title: Alone exercise
    prompt: Think.
    steps: [{text: Think, minutes: 5}]
    grouping: {mode: alone}
    minutes: 5
    copies: per-table
card_decks:
  - id: sort
    title: Sort deck
    exercise: groups-ex
    copies: per-group
    statements: [Sort card one., Sort card two.]
  - id: mine
    title: Personal deck
    copies: per-person
    statements: [A card for everyone.]
  - id: fixed
    title: Fixed deck
    copies: 3
    statements: [Three of these.]
session:
  participants: 10
  tables: 3
"""
# 10 people: 5 pairs, 2 groups of 4 (the two left over join them), 1 room, 3 tables.
EXPECTED_COPIES = {
    "Pairs exercise": 5,
    "Groups exercise": 2,
    "Room exercise": 1,
    "Alone exercise": 3,
    "Sort card one.": 2,
    "Sort card two.": 2,
    "A card for everyone.": 10,
    "Three of these.": 3,
}


def printed_fronts(path: Path) -> list[str]:
    """The text of every card placed on the front sheets (every other page when duplex)."""
    texts = []
    with pdfplumber.open(path) as pdf:
        for index in range(0, len(pdf.pages), 2):
            for box in card_boxes(path, index, (63, 88)):
                texts.append(" ".join(text_in(pdf.pages[index], box).split()))
    return texts


def count_cards(texts: list[str]) -> dict[str, int]:
    return {name: sum(name in text for text in texts) for name in EXPECTED_COPIES}


def test_copies_per_grouping_mode_are_printed(make_talk) -> None:
    from conftest import pdf_text

    project = make_talk(MINIMAL_TALK + COPIES)
    result = run_cli("build", project, "--only", "cards", "--only", "run-sheet", "--format", "pdf")
    assert result.exit_code == 0, result.output
    out = project / "build"
    texts = printed_fronts(out / "cards.pdf")
    assert len(texts) == 28 and count_cards(texts) == EXPECTED_COPIES
    assert "28 cards (8 distinct)" in result.output and "8 faces" not in result.output
    shop = read_pdf(out / "cards-print.pdf")
    assert len(shop.pages) == 2 * 28  # every copy, front then back
    assert sum("A card for everyone." in " ".join(page.extract_text().split()) for page in shop.pages) == 10
    line = " ".join(pdf_text(read_pdf(out / "run-sheet.pdf")).split())
    for fragment in (
        "cards.pdf once, double-sided (turn on the long edge): 28 poker cards on 4 sheets",
        "5 cards of \u201cPairs exercise\u201d, one per pair, 5 pairs",
        "2 cards of \u201cGroups exercise\u201d, one per group of 4, 2 groups",
        "1 card of \u201cRoom exercise\u201d, one for the whole room",
        "3 cards of \u201cAlone exercise\u201d, one per table, 3 tables",
        "2 sets of \u201cSort deck\u201d (2 cards), one per group of 4, 2 groups",
        "10 sets of \u201cPersonal deck\u201d (1 card), one per person, 10 participants",
        "3 sets of \u201cFixed deck\u201d (1 card)",
    ):
        assert fragment in line, (fragment, line)


def test_copies_that_cannot_be_counted_are_errors(make_talk) -> None:
    text = (MINIMAL_TALK + COPIES).replace("  tables: 3\n", "").replace("    exercise: groups-ex\n", "")
    result = run_cli("build", make_talk(text), "--only", "cards")
    assert_clean_failure(
        result,
        "exercises[3].copies: per-table needs session.tables",
        "card_decks[0].copies: per-group needs exercise: ID",
    )
    result = run_cli("build", make_talk(text.replace("copies: 3", "copies: lots")), "--only", "cards")
    assert_clean_failure(
        result,
        "card_decks[2].copies: expected a number of copies (1 to 500) or per-group, per-table "
        "or per-person, got 'lots'",
    )


def test_cards_option_and_print_sets_choose_what_is_printed(make_talk) -> None:
    text = MINIMAL_TALK + COPIES + "cards:\n  print_sets:\n    tables: [sort, fixed]\n"
    project = make_talk(text)
    result = run_cli("build", project, "--only", "cards", "--format", "pdf", "--cards", "groups-ex,mine")
    assert result.exit_code == 0, result.output
    counts = count_cards(printed_fronts(project / "build" / "cards.pdf"))
    assert {name: n for name, n in counts.items() if n} == {"Groups exercise": 2, "A card for everyone.": 10}
    result = run_cli("build", project, "--only", "cards", "--format", "pdf", "--cards", "tables")
    assert result.exit_code == 0, result.output
    assert "unchanged" not in result.output  # a different choice is a different build
    counts = count_cards(printed_fronts(project / "build" / "cards.pdf"))
    assert {name: n for name, n in counts.items() if n} == {
        "Sort card one.": 2,
        "Sort card two.": 2,
        "Three of these.": 3,
    }
    assert_clean_failure(
        run_cli("build", project, "--only", "cards", "--cards", "sortt"),
        "--cards: no exercise, card deck or print set is called 'sortt'; did you mean 'sort'?",
    )
    bad = text.replace("[sort, fixed]", "[sort, fixd]")
    assert_clean_failure(
        run_cli("build", make_talk(bad), "--only", "cards"),
        "cards.print_sets: print set 'tables': no exercise or deck has the id 'fixd'; did you mean 'fixed'?",
    )


CSV_DECK = """\
card_decks:
  - id: values
    title: Our values
    instructions: Pick the three that matter most.
    from: values.csv
    columns: {statement: Value, back: Note}
"""


def test_a_deck_from_a_spreadsheet(make_talk) -> None:
    rows = (
        "Value,Category,Note\n"
        '"We say what we think, kindly.",honesty,\n'
        "We finish what we start.,Follow Through,Ask who helps\n"
    )
    project = make_talk(MINIMAL_TALK + CSV_DECK, {"content/values.csv": rows})
    result = run_cli("build", project, "--only", "cards", "--format", "pdf")
    assert result.exit_code == 0, result.output
    shop = read_pdf(project / "build" / "cards-print.pdf")
    texts = [" ".join(page.extract_text().split()) for page in shop.pages]
    assert len(texts) == 4
    assert "We say what we think, kindly." in texts[0] and "HONESTY" in texts[0]
    assert "We finish what we start." in texts[2] and "FOLLOW THROUGH" in texts[2]
    assert "Ask who helps" in texts[3] and "Ask who helps" not in texts[1]  # the back column
    assert "Our values" in texts[1] and "Pick the three that matter most." in texts[1]
    # the cache reads the spreadsheet: a change to it alone rebuilds the cards
    (project / "content" / "values.csv").write_text(rows.replace("kindly", "gently"))
    result = run_cli("build", project, "--only", "cards", "--format", "pdf")
    assert result.exit_code == 0 and "unchanged" not in result.output, result.output
    assert "gently" in read_pdf(project / "build" / "cards-print.pdf").pages[0].extract_text()


def test_a_bad_spreadsheet_is_reported_by_file_row_and_column(make_talk) -> None:
    rows = (
        "Value;Note\n"
        "Fine;\n"
        ";A back without a statement\n"
        "One; two; three\n"
        '"A statement\n'
        'on two lines";Note\n'
        "[link](javascript:alert(1));\n"
    )
    project = make_talk(MINIMAL_TALK + CSV_DECK, {"content/values.csv": rows})
    result = run_cli("build", project, "--only", "cards")
    assert_clean_failure(
        result,
        "content/values.csv:3:1: row 3, column A (Value): the statement is empty",
        "content/values.csv:4:3: row 4 has 3 cells but the header has 2; "
        "put text that holds the separator in double quotes",
        "content/values.csv:7:1: row 6, column A (Value): address 'javascript:alert(1)' is not allowed",
    )
    result = run_cli(
        "build", make_talk(MINIMAL_TALK + CSV_DECK.replace("Value", "Values")), "--only", "cards"
    )
    assert_clean_failure(
        result,
        "card_decks[0].columns.statement: values.csv has no column 'Values' "
        "(its header row has 'Value', 'Note')",
    )
    missing = CSV_DECK.replace("values.csv", "../secret.csv")
    assert_clean_failure(
        run_cli("build", make_talk(MINIMAL_TALK + missing), "--only", "cards"),
        "card_decks[0].from: '../secret.csv' lies outside the talk's folder",
    )


def test_logo_on_coloured_backs_sits_on_a_plate(make_talk) -> None:
    logo = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
        '<rect width="40" height="20" fill="#0f5c6e"/></svg>'
    )
    theme = "theme:\n  logo: logo.svg\n"
    project = make_talk(statements_talk(1, theme), {"content/logo.svg": logo})
    result = run_cli("build", project, "--only", "cards", "--format", "pdf")
    assert result.exit_code == 0, result.output
    with pdfplumber.open(project / "build" / "cards-print.pdf") as pdf:
        back = pdf.pages[1]
        logos = [r for r in back.rects if abs(r["width"] - r["height"] * 2) < 0.5 and r["width"] < 100]
        assert logos, back.rects
        mark = logos[0]
        plates = [
            r
            for r in back.rects + back.curves
            if r["fill"]
            and r["width"] < 100  # the plate, not the deck's frame
            and tuple(r["non_stroking_color"] or ()) == (1, 1, 1)
            and r["x0"] < mark["x0"]
            and r["x1"] > mark["x1"]
            and r["top"] < mark["top"]
            and r["bottom"] > mark["bottom"]
        ]
        assert plates, "the logo sits on a light plate"
    light = logo.replace("#0f5c6e", "#ffffff")
    (project / "content" / "light.svg").write_text(light)
    project = make_talk(statements_talk(1, theme + "  logo_light: light.svg\n"))
    result = run_cli("build", project, "--only", "cards", "--format", "pdf")
    assert result.exit_code == 0, result.output
    with pdfplumber.open(project / "build" / "cards-print.pdf") as pdf:
        back = pdf.pages[1]
        logos = [r for r in back.rects if abs(r["width"] - r["height"] * 2) < 0.5 and r["width"] < 100]
        assert [tuple(r["non_stroking_color"]) for r in logos] == [(1, 1, 1)]  # the light variant
        mark = logos[0]
        around = [
            c for c in back.curves if c["x0"] < mark["x0"] and c["x1"] > mark["x1"] and c["width"] < 100
        ]
        assert not around, "no plate behind a light logo"


def test_serve_rebuilds_the_cards_when_their_spreadsheet_changes(make_talk) -> None:
    rows = "Value\nThe first version of the card.\n"
    project = make_talk(MINIMAL_TALK + CSV_DECK.replace(", back: Note", ""), {"content/values.csv": rows})
    process = subprocess.Popen(
        [sys.executable, "-m", "handout_kit", "serve", str(project), "--only", "cards"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        url = None
        while url is None and process.poll() is None:
            line = process.stdout.readline()
            url = line.split()[1] if line.startswith("serving ") else None
        assert url, "the server did not start"

        def page() -> str:
            with urllib.request.urlopen(url + "cards.html", timeout=5) as response:
                return response.read().decode()

        assert "The first version of the card." in page()
        (project / "content" / "values.csv").write_text(rows.replace("first", "second"))
        deadline = time.monotonic() + 180
        while "The second version of the card." not in page():
            assert time.monotonic() < deadline, "serve did not rebuild the cards"
            time.sleep(0.2)
    finally:
        process.kill()
        process.wait(timeout=10)


def test_a_deck_from_an_excel_workbook(make_talk, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in (["Value", "Note"], ["Numbers count too:", None], [None, "a note alone"], [42, None]):
        sheet.append(row)
    data = tmp_path / "book.xlsx"
    book.save(data)
    talk = MINIMAL_TALK + CSV_DECK.replace("values.csv", "values.xlsx")
    project = make_talk(talk, {"content/values.xlsx": data.read_bytes()})
    assert_clean_failure(
        run_cli("build", project, "--only", "cards"),
        "content/values.xlsx:3:1: row 3, column A (Value): the statement is empty",
    )
    sheet.delete_rows(3)
    book.save(project / "content" / "values.xlsx")
    result = run_cli("build", project, "--only", "cards", "--format", "pdf")
    assert result.exit_code == 0, result.output
    texts = [
        " ".join(p.extract_text().split()) for p in read_pdf(project / "build" / "cards-print.pdf").pages
    ]
    assert len(texts) == 4 and "Numbers count too:" in texts[0] and "42" in texts[2]
