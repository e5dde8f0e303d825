"""The deck as PDF and the notes handout, read back; slide overrides; overflow reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MINIMAL_TALK, REPO, assert_clean_failure, read_pdf, run_cli, squash
from handout_kit.build import load_talk
from handout_kit.model.slides import build_deck


@pytest.fixture(scope="module")
def slides_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("slides")
    result = run_cli("build", REPO, "--out", out, "--only", "slides")
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def deck():
    return build_deck(load_talk(REPO / "content" / "talk.yaml"))


def test_one_16_9_page_per_slide_with_its_title(slides_build: Path, deck) -> None:
    reader = read_pdf(slides_build / "slides.pdf")
    assert len(reader.pages) == len(deck.slides) > 10
    for page, slide in zip(reader.pages, deck.slides, strict=True):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width / height - 16 / 9) < 0.001
        assert squash(slide.title.striptags()) in squash(page.extract_text())


def test_deck_fonts_are_embedded(slides_build: Path) -> None:
    reader = read_pdf(slides_build / "slides.pdf")
    names = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            names.add(str(font["/BaseFont"]))
    assert any("Inter" in n for n in names) and any("Charis" in n for n in names)


def test_notes_handout_has_slides_beside_their_notes(slides_build: Path, deck) -> None:
    reader = read_pdf(slides_build / "slides-notes.pdf")
    assert [round(float(x)) for x in reader.pages[0].mediabox[2:]] == [612, 792]
    text = squash(" ".join(page.extract_text() for page in reader.pages))
    assert squash("This includes important people and groups you’ve been told you should know") in text
    assert squash("Hope to see some of you there.") in text
    assert squash(str(deck.slides[3].title)) in text


def test_notes_handout_follows_the_paper(tmp_path: Path) -> None:
    assert run_cli("build", REPO, "--out", tmp_path, "--only", "slides", "--paper", "a4").exit_code == 0
    page = read_pdf(tmp_path / "slides-notes.pdf").pages[0]
    assert [round(float(x)) for x in page.mediabox[2:]] == [595, 842]


def test_links_on_slides_are_live(make_talk) -> None:
    project = make_talk(MINIMAL_TALK + "links:\n  - label: Slides\n    url: https://example.org/deck\n")
    assert run_cli("build", project, "--only", "slides", "--format", "pdf").exit_code == 0
    reader = read_pdf(project / "build" / "slides.pdf")
    uris = [
        a.get_object()["/A"]["/URI"]
        for p in reader.pages
        for a in p.get("/Annots", [])
        if "/A" in a.get_object()
    ]
    assert "https://example.org/deck" in uris


SLIDE_CHANGES = """\
slides:
  - id: point-2
    title: Keep on going
    notes: Say why it matters.
  - id: outline
    hidden: true
  - id: extra-story
    title: A story
    body: Once, a *group* formed itself.
    after: title
  - id: closing
    after: extra-story
"""


def test_author_can_override_hide_add_and_move_slides(make_talk) -> None:
    project = make_talk(MINIMAL_TALK + SLIDE_CHANGES)
    deck = build_deck(load_talk(project / "content" / "talk.yaml"))
    ids = [slide.id for slide in deck.slides]
    assert ids[:3] == ["title", "extra-story", "closing"]
    assert "outline" not in ids
    keep = next(s for s in deck.slides if s.id == "point-2")
    assert str(keep.title) == "Keep on going" and "Say why it matters." in str(keep.notes)
    assert run_cli("build", project, "--only", "slides", "--format", "html").exit_code == 0
    html = (project / "build" / "slides.html").read_text()
    assert "Once, a <em>group</em> formed itself." in html


def test_unknown_slide_ids_are_reported_by_line(make_talk) -> None:
    text = MINIMAL_TALK + "slides:\n  - id: point-22\n    hidden: true\n  - id: point-1\n    after: outlin\n"
    result = run_cli("build", make_talk(text), "--only", "slides")
    assert_clean_failure(
        result,
        "talk.yaml:19:",
        "slides[0].id: 'point-22': a new slide needs a title; did you mean 'point-2'?",
        "talk.yaml:22:",
        "slides[1].after: 'outlin': no slide has this id; did you mean 'outline'?",
    )


def test_an_overflowing_slide_is_reported_by_title_and_line_and_fails_strict(make_talk) -> None:
    long_words = " ".join(["many words that will not fit"] * 60)
    text = MINIMAL_TALK.replace(
        "      - text: Keep going.", f"      - text: Keep going.\n        slide: {long_words}"
    )
    project = make_talk(text)
    result = run_cli("build", project, "--only", "slides", "--format", "pdf")
    assert result.exit_code == 0
    assert "slides: slide 5 \u201cmany words that will not fit" in result.output
    assert "\u2026\u201d overflows even at 75% type (the floor):" in result.output  # quoted, clipped
    assert "talk.yaml:10: slides: slide 5" in result.output
    assert "px below the slide's text area" in result.output
    assert_clean_failure(run_cli("build", project, "--only", "slides", "--strict"), "--strict", "overflows")


def test_an_unbreakable_word_wraps_instead_of_escaping(make_talk) -> None:
    word = "x" * 190  # longer ones are refused when the talk is read
    project = make_talk(MINIMAL_TALK.replace("Keep going.", f"Keep going.\n        slide: {word}"))
    result = run_cli("build", project, "--only", "slides", "--format", "pdf")
    assert result.exit_code == 0
    assert "past its right edge" not in result.output
