"""The two-page handout, read back from the real PDF that WeasyPrint wrote."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf.generic import NameObject

from conftest import REPO, pdf_text, read_pdf, run_cli, squash

SEED = (REPO / "tests" / "data" / "seed-handout.txt").read_text(encoding="utf-8")


def handout_sentences() -> list[str]:
    """Every sentence of the speaker's handout, from the title line on (the note above it
    announces the talk and is not printed)."""
    handout = SEED.split("\n", 2)[2]
    text = " ".join(handout.split())
    pieces = re.split(r"(?<=[.!?:”])\s+", text)
    return [piece for piece in pieces if len(squash(piece)) > 3]


def test_default_handout_is_two_letter_pages(default_build: Path) -> None:
    reader = read_pdf(default_build / "handout.pdf")
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)


def test_every_sentence_of_the_speakers_handout_is_printed(default_build: Path) -> None:
    printed = squash(pdf_text(read_pdf(default_build / "handout.pdf")))
    sentences = handout_sentences()
    assert len(sentences) > 90
    missing = [s for s in sentences if squash(s) not in printed]
    assert not missing, missing


def test_every_sentence_is_in_the_html_too(default_build: Path) -> None:
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

    parser = Text()
    parser.feed((default_build / "handout.html").read_text(encoding="utf-8"))
    text = squash(" ".join(parser.parts))
    assert all(squash(s) in text for s in handout_sentences())


def test_a4_by_option(tmp_path: Path) -> None:
    result = run_cli("build", REPO, "--out", tmp_path, "--paper", "a4", "--format", "pdf")
    assert result.exit_code == 0, result.output
    reader = read_pdf(tmp_path / "handout.pdf")
    assert len(reader.pages) == 2
    assert [round(float(x)) for x in reader.pages[0].mediabox[2:]] == [595, 842]
    assert "A4" in result.output
    assert not (tmp_path / "handout.html").exists()


def test_a4_by_the_talks_theme(make_talk, tmp_path: Path) -> None:
    from conftest import MINIMAL_TALK

    project = make_talk(MINIMAL_TALK + "theme:\n  paper: a4\n")
    assert run_cli("build", project).exit_code == 0
    page = read_pdf(project / "build" / "handout.pdf").pages[0]
    assert [round(float(x)) for x in page.mediabox[2:]] == [595, 842]


def test_all_fonts_are_embedded_and_the_chosen_faces_are_used(default_build: Path) -> None:
    reader = read_pdf(default_build / "handout.pdf")
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font
            names.add(str(font["/BaseFont"]))
    assert any("Inter" in name for name in names), names
    assert any("Charis" in name for name in names), names


def test_metadata_language_and_tags(default_build: Path) -> None:
    reader = read_pdf(default_build / "handout.pdf")
    assert reader.metadata.title == "7 Tips for Rapidly Fostering Self-Organizing Work Groups"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert NameObject("/StructTreeRoot") in root, "PDF is not tagged"
    assert root["/MarkInfo"]["/Marked"]


def test_page_footer_numbers_pages(default_build: Path) -> None:
    reader = read_pdf(default_build / "handout.pdf")
    assert "1 / 2" in reader.pages[0].extract_text()
    assert "2 / 2" in reader.pages[1].extract_text()


def test_same_input_gives_the_same_bytes(tmp_path: Path, default_build: Path) -> None:
    assert run_cli("build", REPO, "--out", tmp_path).exit_code == 0
    for name in ("handout.pdf", "handout.html"):
        assert (tmp_path / name).read_bytes() == (default_build / name).read_bytes(), name


def test_source_date_epoch_sets_the_pdf_dates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1776070800")  # 2026-04-13 09:00 UTC
    assert run_cli("build", REPO, "--out", tmp_path, "--format", "pdf").exit_code == 0
    info = read_pdf(tmp_path / "handout.pdf").metadata
    assert info["/CreationDate"].startswith("D:20260413")


def test_qr_code_and_links_are_live(make_talk) -> None:
    from conftest import MINIMAL_TALK

    url = "https://example.org/slides"
    extra = f"handout:\n  qr: {url}\n  qr_label: Slides\nlinks:\n  - label: Notes\n    url: https://example.org/n\n"
    project = make_talk(MINIMAL_TALK + extra)
    result = run_cli("build", project)
    assert result.exit_code == 0, result.output
    reader = read_pdf(project / "build" / "handout.pdf")
    uris = {
        annot.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annot in page.get("/Annots", [])
        if "/A" in annot.get_object()
    }
    assert {url, "https://example.org/n"} <= uris
    # The QR code is drawn as vector paths, not embedded as a bitmap.
    page = reader.pages[len(reader.pages) - 1]
    xobjects = page["/Resources"].get("/XObject", {})
    assert not any(x.get_object().get("/Subtype") == "/Image" for x in xobjects.values())
    html = (project / "build" / "handout.html").read_text()
    assert '<svg viewBox="0 0 ' in html and 'class="qr"' in html


def test_summary_reports_pages_and_fill(default_build: Path) -> None:
    result = run_cli("check", REPO)
    assert result.exit_code == 0, result.output
    assert re.search(r"handout\.pdf\s+\(2 pages of 2, Letter .* page 2 \d+% full", result.output), (
        result.output
    )
