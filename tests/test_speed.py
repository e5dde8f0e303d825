"""Each slide laid out once: the notes handout shows the deck's own pages; a parallel build makes
the same bytes as a serial one; a rebuild starts from the fits the last build found; style
resolved before layout leaves the page as it was."""

from __future__ import annotations

import os
import re
from html import unescape
from pathlib import Path

import pdfplumber
import pytest

from conftest import MINIMAL_TALK, REPO, read_pdf, run_cli, squash
from handout_kit import schedule
from handout_kit.build import load_talk
from handout_kit.layout import resolved_custom_properties
from handout_kit.model.slides import build_deck


@pytest.fixture(scope="module")
def slides_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("speed-slides")
    result = run_cli("build", REPO, "--out", out, "--only", "slides", "--format", "pdf", "--jobs", "1")
    assert result.exit_code == 0, result.output
    return out


def _frames(page) -> list[tuple[float, float, float, float]]:
    """Where the thumbnails sit on a notes page: the quarter-size (240 x 135 pt) rectangles
    there, the frame's border and the slide's own background counted once."""
    boxes: list[tuple[float, float, float, float]] = []
    for r in page.rects:
        if abs(r["width"] - 240.6) < 1.5 and abs(r["height"] - 135.6) < 1.5:
            box = (r["x0"] - 1, r["top"] - 1, r["x1"] + 1, r["bottom"] + 1)
            if not any(abs(box[0] - b[0]) < 3 and abs(box[1] - b[1]) < 3 for b in boxes):
                boxes.append(box)
    return sorted(boxes, key=lambda b: b[1])


def test_notes_pdf_shows_every_slide_inside_its_frame(slides_build: Path) -> None:
    deck = build_deck(load_talk(REPO / "content" / "talk.yaml"))
    found: list[str] = []
    with pdfplumber.open(slides_build / "slides-notes.pdf") as pdf:
        for page in pdf.pages:
            for frame in _frames(page):
                found.append(squash(page.within_bbox(frame).extract_text()))
    assert len(found) == len(deck.slides) > 10
    for index, (inside, slide) in enumerate(zip(found, deck.slides, strict=True)):
        title = squash(unescape(re.sub(r"<[^>]+>", "", str(slide.title))))
        assert title in inside, f"slide {index + 1} is not in its frame"
        assert squash(f"{index + 1} / {len(deck.slides)}") in inside  # the slide's own footer


def test_notes_pdf_draws_the_deck_pages_and_does_not_lay_slides_out_again(slides_build: Path) -> None:
    notes = read_pdf(slides_build / "slides-notes.pdf")
    deck = read_pdf(slides_build / "slides.pdf")
    forms = {
        str(name): xobject.get_object()
        for page in notes.pages
        for name, xobject in page["/Resources"].get("/XObject", {}).items()
        if xobject.get_object()["/Subtype"] == "/Form"
    }
    assert len(forms) == len(deck.pages)
    for number, page in enumerate(deck.pages, start=1):
        form = forms[f"/Page{number}"]
        assert [float(v) for v in form["/BBox"]] == [float(v) for v in page.mediabox]
        assert b"BDC" not in form.get_data() and b"BT" in form.get_data()  # text, no stray tags
    assert notes.trailer["/Root"]["/MarkInfo"]["/Marked"]  # still a tagged PDF


_render_artefact = schedule.render_artefact


def _noted(name: str, job):
    """render_artefact, saying which process made which part (forked ones too)."""
    with Path(os.environ["RENDERERS"]).open("a") as file:
        file.write(f"{os.getpid()} {job.part}\n")
    return _render_artefact(name, job)


def test_parallel_deck_is_byte_identical_to_serial(tmp_path: Path, monkeypatch) -> None:

    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    result = run_cli("build", REPO, "--out", serial, "--only", "slides", "--jobs", "1")
    assert result.exit_code == 0, result.output
    renderers = tmp_path / "renderers"
    monkeypatch.setenv("RENDERERS", str(renderers))
    monkeypatch.setattr(schedule, "render_artefact", _noted)
    result = run_cli("build", REPO, "--out", parallel, "--only", "slides", "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert "in 2 processes" in result.output  # the deck and its notes were rendered apart
    made = dict(line.split()[::-1] for line in renderers.read_text().splitlines())
    assert set(made) == {"deck", "notes", "pptx"}
    # this process renders too, beside one forked process: none sits idle holding its memory
    # while the others work
    assert made["deck"] != str(os.getpid()) and made["notes"] == str(os.getpid())
    assert len(set(made.values())) == 2
    names = sorted(p.name for p in serial.iterdir() if p.is_file())
    assert names == ["slides-notes.pdf", "slides-presenter.html", "slides.html", "slides.pdf", "slides.pptx"]
    assert names == sorted(p.name for p in parallel.iterdir() if p.is_file())
    assert [n for n in names if (serial / n).read_bytes() != (parallel / n).read_bytes()] == []


def test_root_custom_properties_are_resolved_only_where_that_cannot_change_the_page() -> None:
    html = (
        '<html style="--size: 9pt"><style>'
        ":root { --a: #123456; --b: var(--a); --size: 3pt; --twice: 1px }\n"
        "@media screen { :root { --screen: blue } }\n"
        "p.x { --twice: 2px }\n"
        "p { color: var(--b); font-size: var(--size); border-color: var(--screen);"
        " width: var(--twice); outline-color: var(--a, red) }"
        "</style><p>write var(--a) in CSS</p>"
    )
    out = resolved_custom_properties(html)
    assert "color: #123456;" in out  # through --b, declared once in :root
    assert "font-size: var(--size)" in out  # also set in a style attribute
    assert "border-color: var(--screen)" in out  # only inside @media
    assert "width: var(--twice)" in out  # also set by another rule
    assert "outline-color: var(--a, red)" in out  # a fallback is left to WeasyPrint
    assert "<p>write var(--a) in CSS</p>" in out  # the talk's own text is never touched
    assert resolved_custom_properties("<p>no style</p>") == "<p>no style</p>"


def _stepping_talk() -> str:
    """A talk one of whose slides is too full at its own type size, with links on its closing slide."""
    wrapping = "Words that make this bullet long enough to wrap, " * 4 + "and then it ends"
    bullets = "".join(f"          - {wrapping} {n}\n" for n in range(6))
    text = MINIMAL_TALK.replace("          - One\n", bullets)
    links = "".join(f"  - {{label: Reading {n}, url: https://example.org/reading/{n}}}\n" for n in range(3))
    return text + f"links:\n{links}"


def test_a_stepped_slide_is_laid_out_alone_and_gives_the_bytes_of_a_whole_new_layout(
    make_talk, tmp_path: Path, monkeypatch
) -> None:
    from handout_kit.render import slides

    # a user's stylesheet that counts slides: the stepped one (the fifth) must still be counted
    counting = (
        '{% include "builtin/slides/deck.css" %}\n.slide:nth-child(5) .slide-title { color: #ff0000 }\n'
    )
    project = make_talk(_stepping_talk(), files={"templates/slides/deck.css": counting})
    cut: list[str | None] = []

    def spied(html: str, keep: set[int], count: int) -> str | None:
        cut.append(slides_only(html, keep, count))
        return cut[-1]

    slides_only = slides._only_sections
    monkeypatch.setattr(slides, "_only_sections", spied)
    alone, whole = tmp_path / "alone", tmp_path / "whole"
    result = run_cli("build", project, "--out", alone, "--only", "slides", "--format", "pdf", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "1 set smaller to fit" in result.output
    assert len(cut) == 1 and cut[0] is not None and cut[0].count("<h2") == 1  # that slide alone

    monkeypatch.setattr(slides, "_only_sections", lambda html, keep, count: None)  # the whole deck again
    result = run_cli("build", project, "--out", whole, "--only", "slides", "--format", "pdf", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert (alone / "slides.pdf").read_bytes() == (whole / "slides.pdf").read_bytes()
    assert (alone / "slides-notes.pdf").read_bytes() == (whole / "slides-notes.pdf").read_bytes()

    deck = read_pdf(alone / "slides.pdf")
    deck_slides = build_deck(load_talk(project / "content" / "talk.yaml")).slides
    assert len(deck.pages) == len(deck_slides)
    for page, slide in zip(deck.pages, deck_slides, strict=True):
        title = squash(unescape(re.sub(r"<[^>]+>", "", str(slide.title))))
        assert title in squash(page.extract_text())
    uris = {
        str(annotation.get_object()["/A"]["/URI"]): None
        for annotation in deck.pages[-1].get("/Annots", [])
        if "/URI" in annotation.get_object().get("/A", {})
    }
    assert list(uris) == [f"https://example.org/reading/{n}" for n in range(3)]
    entries = [(entry.title, deck.get_destination_page_number(entry)) for entry in _flat(deck.outline)]
    titles = [unescape(re.sub(r"<[^>]+>", "", str(slide.title))) for slide in deck_slides]
    assert entries == [(title, number) for number, title in enumerate(titles)]  # the stepped slide's too
    assert deck.trailer["/Root"]["/StructTreeRoot"]["/K"]
    fonts = {  # each font embedded once, for the pages of both layouts
        (str(font["/BaseFont"]), font.indirect_reference.idnum)
        for page in deck.pages
        for font in (f.get_object() for f in page["/Resources"]["/Font"].values())
    }
    names = [name.partition("+")[2] for name, _ in fonts]
    assert len(names) == len(set(names)) > 1
    with pdfplumber.open(alone / "slides.pdf") as pdf:
        red = {c["text"] for page in pdf.pages for c in page.chars if c["non_stroking_color"] == (1, 0, 0)}
        assert red and red <= set(squash(titles[4])) | set(titles[4])  # the stepped slide's title alone


def _flat(outline: list) -> list:
    return [e for item in outline for e in (_flat(item) if isinstance(item, list) else [item])]


def test_only_sections_keeps_the_page_around_the_slides_and_refuses_a_deck_it_cannot_read() -> None:
    from handout_kit.render.slides import _only_sections

    def section(index: int) -> str:
        inner = "<section>in</section>"
        return f'<section class="slide kind-point" id="s{index}" data-index="{index}">{inner}</section>'

    html = "<main>" + "".join(section(i) for i in range(3)) + '</main><section class="help">h</section>'
    kept = _only_sections(html, {1}, 3)
    attributes = 'class="slide kind-point" id="s{0}" data-index="{0}"'
    hidden = f'<section style="display: none !important" {attributes}></section>'
    assert (
        kept
        == "<main>"
        + hidden.format(0)
        + section(1)
        + hidden.format(2)
        + '</main><section class="help">h</section>'
    )
    assert _only_sections(html, {1}, 4) is None  # not the deck's slides
    assert _only_sections(html.replace('data-index="2"', 'data-index="7"'), {1}, 3) is None
    assert _only_sections(html.replace("</main>", "</section></main>"), {1}, 3) is None


def test_a_rebuild_lays_the_deck_and_its_notes_out_once_at_the_fits_the_last_build_found(
    make_talk, tmp_path: Path, monkeypatch
) -> None:
    from handout_kit.render import slides

    sentence = "These notes go on and on, far longer than any notes page holds beside its slide."
    long_notes = f"        notes: {' '.join([sentence] * 50)}\n"
    text = _stepping_talk().replace("      - text: Keep going.\n", "      - text: Keep going.\n" + long_notes)
    project = make_talk(text)
    laid: list[str] = []
    lay_out = slides.lay_out_checked

    def counted(job, html, artefact, result):
        laid.append("notes" if 'class="notes-row"' in html else "deck")
        return lay_out(job, html, artefact, result)

    monkeypatch.setattr(slides, "lay_out_checked", counted)
    out = tmp_path / "out"
    build = ("build", project, "--out", out, "--only", "slides", "--format", "pdf", "--jobs", "1", "--force")
    first = run_cli(*build)
    assert first.exit_code == 0, first.output
    assert (
        "16:9, 1 set smaller to fit" in first.output and "notes for 7 slides, 1 set smaller" in first.output
    )
    assert laid.count("deck") == 3 and laid.count("notes") > 1  # trials, the slide again; notes again
    before = {name: (out / name).read_bytes() for name in ("slides.pdf", "slides-notes.pdf")}

    laid.clear()
    second = run_cli(*build)
    assert second.exit_code == 0, second.output
    assert laid == ["deck", "notes"]  # each once, the stepped slide and notes set small at once
    assert {name: (out / name).read_bytes() for name in before} == before
    assert second.output.count("set smaller to fit") == 2

    # a build of the HTML decks alone in between keeps what the notes' last build found
    html_only = run_cli(*build[:7], "html", *build[8:])
    assert html_only.exit_code == 0, html_only.output
    assert "slides-notes.pdf" not in html_only.output
    laid.clear()
    assert run_cli(*build).exit_code == 0
    assert laid == ["deck", "notes"]

    # the full slide made short: its fit is not carried over, it is set at its own size again
    talk = project / "content" / "talk.yaml"
    wrapping = "Words that make this bullet long enough to wrap, " * 4 + "and then it ends"
    talk.write_text(talk.read_text().replace(wrapping, "Short"))
    laid.clear()
    third = run_cli(*build)
    assert third.exit_code == 0, third.output
    assert "16:9;" in third.output and "notes for 7 slides, 1 set smaller" in third.output
    assert laid == ["deck", "notes"]


def test_a_fit_is_remembered_for_what_lays_the_slide_out_and_nothing_else(tmp_path: Path) -> None:
    from handout_kit.render.slides import _keys, _slide_spans

    def deck(where: int, text: str = "Words", style: str = "h2 { font-size: 40px }") -> str:
        section = (
            f'<section class="slide" data-index="0" data-where="talk.yaml:{where}" aria-label="Slide 1 of 9">'
            f'<h2>{text}</h2><img src="pic.png"></section>'
        )
        return f"<style>{style}</style><main>{section}</main>"

    def key(html: str) -> str:
        return _keys(html, _slide_spans(html), 1, tmp_path)[0]

    picture = tmp_path / "pic.png"
    picture.write_bytes(b"small")
    first = key(deck(3))
    assert key(deck(40)) == first  # moved down the talk file: laid out the same
    assert key(deck(3, text="Other words")) != first
    assert key(deck(3, style="h2 { font-size: 30px }")) != first
    picture.write_bytes(b"a larger picture")
    assert key(deck(3)) != first
    assert _keys(deck(3), _slide_spans(deck(3)), 2, tmp_path) == {}  # not the slides it was told of
