"""The corpus: every example talk under examples/ builds with --strict on Letter and on A4, and
every laid-out box of every artefact is read back from its PDF (pdfplumber) and found inside
its page, slide or card, clear of the footer, with no picture over any text.

Each paper is built once for the whole session (all examples in one `build`), so the corpus
costs two builds however many tests read it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pdfplumber
import pytest

from conftest import REPO, read_pdf, run_cli

EXAMPLES = sorted(
    folder for folder in (REPO / "examples").glob("*") if (folder / "content" / "talk.yaml").is_file()
)
PAPERS = {"letter": (612, 792), "a4": (595, 842)}
MM = 72 / 25.4
PX = 0.75  # a CSS px in PDF points
SLACK = 0.6  # pt: antialiasing and rounding, far below anything a reader would see


def test_there_is_a_corpus() -> None:
    names = {folder.name for folder in EXAMPLES}
    assert len(EXAMPLES) >= 6, names
    assert {"lightning-talk", "full-day-training", "image-heavy-talk", "long-words", "minimal"} <= names


@pytest.fixture(scope="session", params=sorted(PAPERS))
def corpus(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """Every example built once on this paper, with --strict: (paper, output folder)."""
    paper = request.param
    out = tmp_path_factory.mktemp(f"corpus-{paper}")
    # The HTML outputs do not depend on the paper: built once, with Letter.
    formats = () if paper == "letter" else ("--format", "pdf")
    result = run_cli("build", *EXAMPLES, "--out", out, "--paper", paper, "--strict", *formats)
    assert result.exit_code == 0, result.output
    return paper, out


def outputs(corpus: tuple[str, Path]) -> Iterator[tuple[str, str, Path]]:
    paper, out = corpus
    for folder in EXAMPLES:
        yield folder.name, paper, out / folder.name


def test_every_example_builds_strict_on_both_papers(corpus: tuple[str, Path]) -> None:
    for name, paper, folder in outputs(corpus):
        handout = read_pdf(folder / "handout.pdf")
        assert 1 <= len(handout.pages) <= 2, f"{name}: handout has {len(handout.pages)} pages"
        for page in handout.pages:
            size = (round(float(page.mediabox.width)), round(float(page.mediabox.height)))
            assert size == PAPERS[paper], f"{name}: handout page is {size} pt on {paper}"
        assert (folder / "slides.pdf").is_file(), name
        assert (folder / "slides.html").is_file() == (paper == "letter"), name
        if (folder / "run-sheet.pdf").is_file():
            assert len(read_pdf(folder / "run-sheet.pdf").pages) == 1, f"{name}: run-sheet not one page"
    made = {name for name, _, folder in outputs(corpus) if (folder / "cards.pdf").is_file()}
    assert made == {folder.name for folder in EXAMPLES} - {"minimal"}  # the minimal talk has none


def _inside(box: dict, area: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = area
    return (
        box["x0"] >= x0 - SLACK
        and box["x1"] <= x1 + SLACK
        and box["top"] >= top - SLACK
        and box["bottom"] <= bottom + SLACK
    )


def _overlaps(a: dict, b: dict) -> bool:
    """Over each other by more than a font's descent past its line (2 pt)."""
    return (
        min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > 2.0
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 2.0
    )


def _visible(chars: list[dict]) -> list[dict]:
    return [c for c in chars if c["text"].strip() and c["size"] >= 1]


def _check_page(
    page: pdfplumber.page.Page,
    body: tuple[float, float, float, float],
    footer_top: float | None,
    what: str,
    footer_lines: int = 1,
) -> list[str]:
    """Every character and picture inside `body` (the text area), or, below `footer_top`, on
    the footer's line(s) inside the page; no picture over any text."""
    problems = []
    chars = _visible(page.chars)
    footer = [c for c in chars if footer_top is not None and c["top"] >= footer_top - SLACK]
    for char in chars:
        if char in footer:
            if not _inside(char, (body[0], footer_top, body[2], float(page.height))):
                problems.append(
                    f"{what}: footer character {char['text']!r} outside the page at {char['x0']:.0f}"
                )
        elif not _inside(char, body):
            problems.append(
                f"{what}: {char['text']!r} at ({char['x0']:.0f}, {char['top']:.0f}) outside its box {body}"
            )
    if footer and len({round(c["top"] / 3) for c in footer}) > 2 * footer_lines:
        problems.append(f"{what}: text runs into the footer ({''.join(c['text'] for c in footer)[:60]!r})")
    for image in page.images:
        if not _inside(image, body):
            problems.append(f"{what}: an image at ({image['x0']:.0f}, {image['top']:.0f}) outside {body}")
        for char in chars:
            if _overlaps(image, char):
                problems.append(f"{what}: an image lies over the text {char['text']!r}")
                break
    return problems[:5]


def test_every_box_of_every_artefact_lies_inside_its_page_slide_or_card(corpus: tuple[str, Path]) -> None:
    problems: list[str] = []
    for name, paper, folder in outputs(corpus):
        width, height = PAPERS[paper]
        with pdfplumber.open(folder / "handout.pdf") as pdf:  # margins 14 15 16 15 mm
            for number, page in enumerate(pdf.pages, start=1):
                body = (15 * MM, 14 * MM, width - 15 * MM, height - 16 * MM)
                where = f"{name} {paper} handout p{number}"
                problems += _check_page(page, body, height - 16 * MM, where, footer_lines=2)
        with pdfplumber.open(folder / "slides.pdf") as pdf:  # text area 88 px in, 640 px down
            for number, page in enumerate(pdf.pages, start=1):
                body = (88 * PX, 0, (1280 - 88) * PX, 640 * PX)
                problems += _check_page(page, body, 656 * PX, f"{name} slide {number}")
        if (folder / "run-sheet.pdf").is_file():
            with pdfplumber.open(folder / "run-sheet.pdf") as pdf:  # margins 14 15 mm
                body = (15 * MM, 14 * MM, width - 15 * MM, height - 14 * MM)
                problems += _check_page(pdf.pages[0], body, None, f"{name} {paper} run-sheet")
        if (folder / "cards-print.pdf").is_file():
            problems += _check_cards(folder / "cards-print.pdf", name)
        with pdfplumber.open(folder / "slides-notes.pdf") as pdf:  # margins 14 15 16 15 mm
            for number, page in enumerate(pdf.pages, start=1):
                body = (15 * MM, 14 * MM, width - 15 * MM, height - 16 * MM)
                problems += _check_page(page, body, height - 16 * MM, f"{name} {paper} notes p{number}")
    assert not problems, "\n".join(problems)


def _check_cards(path: Path, name: str) -> list[str]:
    """Each card of the print-shop file (one a page): every character inside the card's
    TrimBox, the text above its footer rule, and under the rule only the footer's own type."""
    problems = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            x0, y0, x1, y1 = (float(v) for v in page.page_obj.attrs["TrimBox"])
            trim = (x0, float(page.height) - y1, x1, float(page.height) - y0)
            what = f"{name} card page {number}"
            rules = [
                r
                for r in page.rects + page.lines
                if r["x1"] - r["x0"] > 0.5 * (x1 - x0)
                and r["bottom"] - r["top"] < 1.5
                and r["top"] > trim[1] + 0.6 * (trim[3] - trim[1])
            ]
            rule = max(rules, key=lambda r: r["top"])["top"] if rules else trim[3]
            chars = _visible(page.chars)
            below = [c for c in chars if c["bottom"] > rule + SLACK]
            sizes = {round(c["size"], 1) for c in below}
            if len(sizes) > 1:
                problems.append(f"{what}: text over the footer ({''.join(c['text'] for c in below)[:60]!r})")
            problems += [
                f"{what}: {c['text']!r} at ({c['x0']:.0f}, {c['top']:.0f}) outside the card"
                for c in chars
                if not _inside(c, trim)
            ][:3]
            problems += [
                f"{what}: an image outside the card" for image in page.images if not _inside(image, trim)
            ]
    return problems
