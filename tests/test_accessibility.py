"""Accessible PDFs: every PDF of every example talk passes the PDF/UA-1 and WCAG 2.1 checks
(pdfua's rules and the kit's), the handout, notes and run-sheet claim PDF/UA-1, every figure
is described, and the handout's structure tree reads back in the talk's order."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from pikepdf import Array, Dictionary

from conftest import MINIMAL_TALK, REPO, run_cli
from handout_kit.build import load_talk
from handout_kit.model.slides import build_deck
from handout_kit.pdfcheck import check_pdf
from handout_kit.place import Placement, place_pages
from handout_kit.render.slides import slide_text

PDF_UA = {"handout.pdf", "slides-notes.pdf", "run-sheet.pdf"}
EXAMPLES = sorted(p for p in (REPO / "examples").glob("*") if (p / "content" / "talk.yaml").is_file())
TALKS = [REPO, *EXAMPLES]
SQUARE = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every example talk (and the default one) built once."""
    folders = {}
    for talk in TALKS:
        out = tmp_path_factory.mktemp(talk.name)
        result = run_cli("build", talk, "--out", out)
        assert result.exit_code == 0, result.output
        folders[talk.name] = out
    return folders


def _talk(name: str):
    folder = next(talk for talk in TALKS if talk.name == name)
    return load_talk(folder / "content" / "talk.yaml")


def _elements(node: Dictionary) -> list[Dictionary]:
    """The structure elements under `node`, depth first, in reading order."""
    found = []
    kids = node.get("/K")
    for kid in kids if isinstance(kids, Array) else [kids]:
        if isinstance(kid, Dictionary) and "/S" in kid:
            found.append(kid)
            found += _elements(kid)
    return found


@pytest.mark.parametrize("talk", [t.name for t in TALKS])
def test_every_pdf_passes_the_accessibility_check(built: dict[str, Path], talk: str) -> None:
    pdfs = sorted(built[talk].glob("*.pdf"))
    model = _talk(talk)
    expected = {"handout.pdf", "slides.pdf", "slides-notes.pdf"}
    if model.exercises or model.card_decks:  # a talk without them makes no cards, no run-sheet
        expected |= PDF_UA | {"cards.pdf", "cards-print.pdf"}
    assert {p.name for p in pdfs} >= expected
    for pdf in pdfs:
        findings = check_pdf(pdf.read_bytes(), pdf_ua=pdf.name in PDF_UA, name=pdf.name)
        errors = [f.line(pdf.name) for f in findings if f.severity == "error"]
        assert not errors, "\n".join(errors)
        if pdf.name in PDF_UA:  # what claims PDF/UA-1 has not even a warning
            assert not findings, "\n".join(f.line(pdf.name) for f in findings)


@pytest.mark.parametrize("talk", [t.name for t in TALKS])
def test_pdf_ua_identification_title_and_language(built: dict[str, Path], talk: str) -> None:
    source = _talk(talk)
    for path in sorted(built[talk].glob("*.pdf")):
        with pikepdf.open(path) as pdf:
            meta = pdf.open_metadata()
            claims = meta.get("pdfuaid:part")
            if path.name not in PDF_UA:
                assert claims is None, f"{path.name} claims PDF/UA without being asked to"
                continue
            assert claims == "1", path.name
            assert meta["dc:title"].startswith(source.title.plain)  # "· run-sheet" after it
            assert set(meta["dc:language"]) == {source.language}
            assert str(pdf.Root.Lang) == source.language
            assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
            assert pdf.Root.MarkInfo.Marked is True


@pytest.mark.parametrize("talk", [t.name for t in TALKS])
def test_every_figure_is_described(built: dict[str, Path], talk: str) -> None:
    figures = 0
    for path in sorted(built[talk].glob("*.pdf")):
        with pikepdf.open(path) as pdf:
            for element in _elements(pdf.Root.StructTreeRoot):
                if str(element.S) == "/Figure":
                    figures += 1
                    text = str(element.get("/Alt", "")) or str(element.get("/ActualText", ""))
                    assert text.strip(), f"{path.name}: a /Figure without /Alt or /ActualText"
    assert figures  # the calibration sheet's scales, at least


def _texts_by_mcid(path: Path) -> dict[tuple[int, int], str]:
    """(page index, marked-content id): the text shown inside it."""
    texts: dict[tuple[int, int], str] = {}
    with pdfplumber.open(path) as pdf:
        for index, page in enumerate(pdf.pages):
            for char in page.chars:
                if char.get("mcid") is not None:
                    key = (index, char["mcid"])
                    texts[key] = texts.get(key, "") + char["text"]
    return texts


def _read(element: Dictionary, pages: dict, texts: dict, page: int | None = None) -> str:
    """The text an element holds, from its marked content, in order."""
    if "/Pg" in element:
        page = pages[tuple(element.Pg.objgen)]
    out = []
    kids = element.get("/K")
    for kid in kids if isinstance(kids, Array) else [kids]:
        if isinstance(kid, int):
            out.append(texts.get((page, kid), ""))
        elif isinstance(kid, Dictionary) and "/S" in kid:
            out.append(_read(kid, pages, texts, page))
    return "".join(out)


def _quotes(items) -> list:
    """The quotes under `items`, in the order the handout sets them."""
    return [quote for item in items for quote in [*item.quotes, *_quotes(item.items)]]


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).lower()


def test_handout_structure_reads_headings_lists_and_quotes_in_order(built: dict[str, Path]) -> None:
    path = built[REPO.name] / "handout.pdf"
    talk = _talk(REPO.name)
    texts = _texts_by_mcid(path)
    with pikepdf.open(path) as pdf:
        pages = {tuple(page.obj.objgen): index for index, page in enumerate(pdf.pages)}
        read = [(str(e.S), _read(e, pages, texts)) for e in _elements(pdf.Root.StructTreeRoot)]

    headings = [(role, text) for role, text in read if re.fullmatch(r"/H\d", role)]
    assert headings[0][0] == "/H1" and _squash(headings[0][1]) == _squash(talk.title.plain)
    expected = [_squash(group.title.plain) for group in talk.groups]
    assert [_squash(text) for role, text in headings if role == "/H2"] == expected
    expected = [_squash(q.question.plain) for q in talk.questions]
    assert [_squash(text) for role, text in headings if role == "/H3"] == expected

    quotes = [_squash(text) for role, text in read if role == "/Quote"]
    said = [_squash(q.plain) for g in talk.groups for p in g.points for q in _quotes(p.items)]
    assert said and quotes == said

    # Every point is a list item, read in the talk's order across both columns and pages.
    items = [_squash(text) for role, text in read if role == "/LI"]
    points = [_squash(p.text.plain)[:40] for g in talk.groups for p in g.points]
    found = [next(i for i, item in enumerate(items) if item.startswith(point)) for point in points]
    assert found == sorted(found)
    assert "/L" in {role for role, _ in read}

    # The running footer and the page numbers are artifacts, outside the structure.
    whole = " ".join(text for _, text in read)
    assert "1 / 2" not in whole and "2 / 2" not in whole
    with pdfplumber.open(path) as pdf:
        footer = [c for c in pdf.pages[0].chars if c["top"] > float(pdf.pages[0].height) - 50]
        assert footer and {c["tag"] for c in footer} == {"Artifact"}


def test_run_sheet_header_cells_say_what_they_head(built: dict[str, Path]) -> None:
    with pikepdf.open(built[REPO.name] / "run-sheet.pdf") as pdf:
        cells = [e for e in _elements(pdf.Root.StructTreeRoot) if str(e.S) == "/TH"]
        assert len(cells) == 4
        assert {str(cell.A.Scope) for cell in cells} == {"/Column"}


def test_slide_footers_and_crop_marks_are_artifacts(built: dict[str, Path]) -> None:
    out = built[REPO.name]
    with pdfplumber.open(out / "slides.pdf") as pdf:
        page = pdf.pages[2]
        footer = [c for c in page.chars if c["top"] > float(page.height) - 40]
        assert footer and {c["tag"] for c in footer} == {"Artifact"}
    with pdfplumber.open(out / "cards.pdf") as pdf:  # placed cards and crop marks: artifacts
        page = pdf.pages[0]
        assert page.chars and {c["tag"] for c in page.chars} == {"Artifact"}
    with pikepdf.open(out / "cards.pdf") as pdf:  # a tagged file; its accessible form is cards.html
        assert pdf.Root.MarkInfo.Marked and "/Figure" not in {
            str(e.S) for e in _elements(pdf.Root.StructTreeRoot)
        }


def test_an_image_is_a_described_figure_and_one_without_alt_text_is_reported(make_talk) -> None:
    described = MINIMAL_TALK.replace("Keep going.", "Keep going. ![a black square](square.svg)")
    project = make_talk(described, files={"content/square.svg": SQUARE})
    report = json.loads(run_cli("check", project, "--format", "json").output)
    assert report["ok"] and not [w for w in report["warnings"] if "handout" in w["message"]], report[
        "warnings"
    ]
    assert run_cli("build", project, "--only", "handout").exit_code == 0
    with pikepdf.open(project / "build" / "handout.pdf") as pdf:
        figures = [e for e in _elements(pdf.Root.StructTreeRoot) if str(e.S) == "/Figure"]
        assert [str(f.Alt) for f in figures] == ["a black square"]

    # In the talk: a warning with its line (an error under --strict), before any PDF is made.
    (project / "content" / "talk.yaml").write_text(described.replace("a black square", ""))
    strict = run_cli("check", project, "--strict")
    assert strict.exit_code != 0
    assert re.search(r"talk\.yaml:\d+:\d+: .*image 'square\.svg' has no alt text", strict.output), (
        strict.output
    )

    # In a template the kit cannot validate: the PDF check finds the undescribed figure.
    (project / "content" / "talk.yaml").write_text(described)
    override = '{% extends "builtin/handout/handout.html" %}'
    override += '{% block body %}{{ super() }}<img src="square.svg">{% endblock %}'
    (project / "templates" / "handout").mkdir(parents=True)
    (project / "templates" / "handout" / "handout.html").write_text(override)
    report = json.loads(run_cli("check", project, "--format", "json").output)
    warnings = "\n".join(w["message"] for w in report["warnings"] if w["code"] == "accessibility")
    assert re.search(
        r"handout\.pdf: accessibility error UA-13-004 \(page 1\): Figure has neither", warnings
    ), warnings
    assert run_cli("check", project, "--strict").exit_code != 0


def test_theme_accessibility_chooses_which_pdfs_claim_pdf_ua(make_talk, tmp_path: Path) -> None:
    def claims(project: Path, name: str) -> str | None:
        with pikepdf.open(project / "build" / name) as pdf:
            return pdf.open_metadata().get("pdfuaid:part")

    everywhere = make_talk(MINIMAL_TALK + "theme:\n  accessibility: pdf-ua\n")
    assert run_cli("build", everywhere, "--only", "slides").exit_code == 0
    assert claims(everywhere, "slides.pdf") == "1" and claims(everywhere, "slides-notes.pdf") == "1"
    assert not check_pdf((everywhere / "build" / "slides.pdf").read_bytes(), pdf_ua=True)

    nowhere = make_talk(MINIMAL_TALK + "theme:\n  accessibility: tagged\n")
    assert run_cli("build", nowhere, "--only", "handout", "--force").exit_code == 0
    assert claims(nowhere, "handout.pdf") is None
    assert any(
        f.rule == "KIT-UA-ID"
        for f in check_pdf((nowhere / "build" / "handout.pdf").read_bytes(), pdf_ua=True)
    )

    wrong = make_talk(MINIMAL_TALK + "theme:\n  accessibility: yes\n")
    result = run_cli("check", wrong)
    assert result.exit_code != 0 and "accessibility" in result.output and "Traceback" not in result.output


def test_a_placed_slide_is_a_figure_with_the_slides_text(built: dict[str, Path]) -> None:
    """Placing slides as pictures on notes pages: a page stamped without tags is content outside
    the structure, which the check refuses; placed by the kit, it is one /Figure whose /Alt is
    the slide's text."""
    out = built[REPO.name]
    notes_data, slides_data = (out / "handout.pdf").read_bytes(), (out / "slides.pdf").read_bytes()
    with pikepdf.open(io.BytesIO(notes_data)) as notes, pikepdf.open(io.BytesIO(slides_data)) as slides:
        notes.pages[1].add_overlay(slides.pages[0], pikepdf.Rectangle(36, 36, 236, 148), push_stack=False)
        stamped = io.BytesIO()
        notes.save(stamped)
    assert any(f.severity == "error" for f in check_pdf(stamped.getvalue(), pdf_ua=True))

    alt = "Slide 1: 7 Tips for Rapidly Fostering Self-Organizing Work Groups"
    tagged = place_pages(notes_data, slides_data, [Placement(1, 0, 36, 36, 200, 112)], [alt])
    assert not check_pdf(tagged, pdf_ua=True)
    with pikepdf.open(io.BytesIO(tagged)) as pdf:
        figures = [e for e in _elements(pdf.Root.StructTreeRoot) if str(e.S) == "/Figure"]
        assert [str(f.Alt) for f in figures][-1].startswith("Slide 1: 7 Tips")
        assert figures[-1].Pg.objgen == pdf.pages[1].objgen


def test_notes_thumbnails_are_figures_with_the_slides_text(built: dict[str, Path]) -> None:
    deck = build_deck(_talk(REPO.name))
    with pikepdf.open(built[REPO.name] / "slides-notes.pdf") as pdf:
        elements = _elements(pdf.Root.StructTreeRoot)
        alts = [str(e.Alt) for e in elements if str(e.S) == "/Figure"]
        headings = [str(e.S) for e in elements if re.fullmatch(r"/H\d", str(e.S))]
    assert alts == [f"Slide {i}: {slide_text(slide)}" for i, slide in enumerate(deck.slides, start=1)]
    assert alts[3].startswith("Slide 4: ") and len(alts[3]) > 20
    assert headings == ["/H1"]  # the slides' own headings are inside their pictures


@pytest.mark.parametrize("talk", [t.name for t in TALKS])
def test_cards_html_is_clean_under_the_axe_browser_scan(built: dict[str, Path], talk: str, browser) -> None:
    """The cards' accessible form: axe-core (WCAG 2.1 A and AA rules) finds nothing in Chromium."""
    if not (built[talk] / "cards.html").is_file():
        pytest.skip(f"{talk} has no exercises or decks: no cards")
    axe = pytest.importorskip("axe_playwright_python.sync_playwright")
    page = browser.new_page()
    try:
        page.goto((built[talk] / "cards.html").as_uri())
        response = axe.Axe().run(page).response
    finally:
        page.close()
    assert response["passes"], "axe ran no rule"
    found = [f"{v['id']}: {v['help']} ({v['nodes'][0]['html'][:80]})" for v in response["violations"]]
    assert not found, "\n".join(found)


def test_the_logo_is_described_once_or_decorative(make_talk) -> None:
    talk = MINIMAL_TALK + "exercises:\n  - {id: pair, title: Pair up, prompt: Talk., minutes: 5,\n"
    talk += "     grouping: {mode: alone}, steps: [{text: Talk, minutes: 5}]}\n"
    talk += "theme:\n  logo: logo.svg\n  logo_alt: Example Society\n"
    project = make_talk(talk, files={"content/logo.svg": SQUARE})
    result = run_cli("build", project, "--only", "handout", "--only", "cards")
    assert result.exit_code == 0, result.output
    with pikepdf.open(project / "build" / "handout.pdf") as pdf:
        alts = [str(e.Alt) for e in _elements(pdf.Root.StructTreeRoot) if str(e.S) == "/Figure"]
    assert alts == ["Example Society"]
    for name in ("cards.pdf", "cards-print.pdf"):  # on card backs it is decorative
        with pikepdf.open(project / "build" / name) as pdf:
            assert not [e for e in _elements(pdf.Root.StructTreeRoot) if str(e.S) == "/Figure"]
        assert not check_pdf((project / "build" / name).read_bytes(), pdf_ua=False)

    (project / "content" / "talk.yaml").write_text(talk.replace("Example Society", '""'))
    assert run_cli("build", project, "--only", "handout").exit_code == 0
    with pikepdf.open(project / "build" / "handout.pdf") as pdf:
        assert not [e for e in _elements(pdf.Root.StructTreeRoot) if str(e.S) == "/Figure"]
    assert not check_pdf((project / "build" / "handout.pdf").read_bytes(), pdf_ua=True)
