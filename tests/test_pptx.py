"""slides.pptx read back with python-pptx: one slide per deck slide, text native in its
placeholders, notes, live links, pictures inside the slide; a company template's layouts
filled; the fit report; and the file opened by LibreOffice Impress."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.enum.shapes import PP_PLACEHOLDER as PH
from pptx.util import Emu

from conftest import MINIMAL_TALK, REPO, assert_clean_failure, read_pdf, run_cli, squash
from handout_kit.build import load_talk
from handout_kit.markdown import plain_text
from handout_kit.model.slides import build_deck
from handout_kit.render.pptx_text import runs_of

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
TITLES = (PH.TITLE, PH.CENTER_TITLE)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pptx")
    result = run_cli("build", REPO, "--out", out, "--only", "slides")
    assert result.exit_code == 0, result.output
    assert "slides.pptx" not in "".join(line for line in result.output.splitlines() if "warning" in line)
    return out


@pytest.fixture(scope="module")
def deck():
    return build_deck(load_talk(REPO / "content" / "talk.yaml"))


def title_of(slide) -> str:
    return next(
        shape.text_frame.text for shape in slide.placeholders if shape.placeholder_format.type in TITLES
    )


def body_texts(slide) -> list[str]:
    """Every paragraph of every text placeholder but the title, footer and number."""
    skip = (*TITLES, PH.FOOTER, PH.SLIDE_NUMBER)
    return [
        paragraph.text
        for shape in slide.placeholders
        if shape.placeholder_format.type not in skip
        for paragraph in shape.text_frame.paragraphs
    ]


def plain(markup) -> str:
    return "".join(run.text for run in runs_of(markup))


def test_one_16_9_slide_per_pdf_page_with_titles_in_title_placeholders(built: Path, deck) -> None:
    prs = Presentation(built / "slides.pptx")
    pages = read_pdf(built / "slides.pdf").pages
    assert len(prs.slides) == len(pages) == len(deck.slides) > 10
    assert prs.slide_width * 9 == prs.slide_height * 16
    for slide, model in zip(prs.slides, deck.slides, strict=True):
        assert title_of(slide) == plain(model.title)
        kind = {"outline": "Content", "custom": "Content"}.get(model.kind, model.kind.capitalize())
        assert slide.slide_layout.name == kind


def test_the_master_carries_named_layouts_and_the_theme(built: Path) -> None:
    prs = Presentation(built / "slides.pptx")
    names = [layout.name for layout in prs.slide_layouts]
    assert {"Title", "Section", "Point", "Question", "Exercise", "Closing"} <= set(names)
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    theme = prs.slide_master.part.part_related_by(RT.THEME).blob.decode()
    assert 'typeface="Inter"' in theme and 'typeface="Charis SIL"' in theme
    assert 'val="0F5C6E"' in theme  # the default theme's accent


def test_bullets_and_exercise_steps_are_text_in_placeholders(built: Path, deck) -> None:
    prs = Presentation(built / "slides.pptx")
    for slide, model in zip(prs.slides, deck.slides, strict=True):
        texts = body_texts(slide)
        for bullet in model.bullets:
            assert plain(bullet) in texts, (model.id, bullet)
        if model.exercise is not None:
            for step in model.exercise.steps:
                assert f"{step.minutes}\u2032\t{step.text.plain}" in texts
            assert f"{model.exercise.minutes}:00" in texts
    numbers = [
        shape.text_frame.text
        for slide in prs.slides
        for shape in slide.placeholders
        if shape.placeholder_format.type == PH.SLIDE_NUMBER
    ]
    assert numbers == [str(n) for n in range(1, len(prs.slides) + 1)]


def test_notes_are_in_the_notes_pane_where_the_deck_has_them(built: Path, deck) -> None:
    prs = Presentation(built / "slides.pptx")
    with_notes = 0
    for slide, model in zip(prs.slides, deck.slides, strict=True):
        if model.notes:
            with_notes += 1
            notes = slide.notes_slide.notes_text_frame.text
            assert squash(plain(model.notes))[:80] in squash(notes)
        else:
            assert not slide.has_notes_slide, model.id
    assert 5 < with_notes < len(prs.slides)
    first = prs.slides[0].notes_slide.notes_text_frame.text
    assert "Hope to see some of you there." in first


RICH_TALK = (
    MINIMAL_TALK
    + """\
speaker:
  name: Ada Lovelace
  email: ada@example.org
links:
  - label: Slides
    url: https://example.org/deck
handout:
  qr: https://example.org/talk
slides:
  - id: extra
    title: A *rich* slide
    body: |
      Some **bold** and *italic* words, and [a link](https://example.org/more).

      - Level one
        - Level two
      - Back at one

      ![A wide chart](chart.png)
    notes: Say **this**.
  - id: point-2
    hidden: true
  - id: question-1
    after: title
"""
)


def png(width: int, height: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "#0f5c6e").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def rich(make_talk) -> Path:
    project = make_talk(RICH_TALK, {"content/chart.png": png(800, 200)})
    result = run_cli("build", project, "--only", "slides", "--format", "pptx", "--format", "pdf")
    assert result.exit_code == 0, result.output
    return project / "build"


def test_runs_keep_bold_italic_links_and_list_levels(rich: Path) -> None:
    prs = Presentation(rich / "slides.pptx")
    slide = next(s for s in prs.slides if title_of(s) == "A rich slide")
    body = next(s for s in slide.placeholders if s.placeholder_format.type == PH.BODY)
    runs = [run for paragraph in body.text_frame.paragraphs for run in paragraph.runs]
    assert any(run.text == "bold" and run.font.bold for run in runs)
    assert any(run.text == "italic" and run.font.italic for run in runs)
    assert any(run.text == "a link" and run.hyperlink.address == "https://example.org/more" for run in runs)
    levels = {paragraph.text: paragraph.level for paragraph in body.text_frame.paragraphs}
    assert levels["Level one"] == 0 and levels["Level two"] == 1 and levels["Back at one"] == 0
    title_runs = next(s for s in slide.placeholders if s.placeholder_format.type == PH.TITLE).text_frame
    assert any(run.text == "rich" and run.font.italic for run in title_runs.paragraphs[0].runs)
    assert slide.notes_slide.notes_text_frame.text == "Say this."


def test_links_on_the_closing_slide_are_live(rich: Path) -> None:
    slide = Presentation(rich / "slides.pptx").slides[-1]
    addresses = {
        run.hyperlink.address
        for shape in slide.placeholders
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
        if run.hyperlink.address
    }
    assert {"https://example.org/deck", "https://example.org/talk", "mailto:ada@example.org"} <= addresses


def test_pictures_sit_inside_the_slide_with_their_aspect(rich: Path) -> None:
    prs = Presentation(rich / "slides.pptx")
    pictures = [
        (slide, shape)
        for slide in prs.slides
        for shape in slide.shapes
        if shape.shape_type == MSO_SHAPE_TYPE.PICTURE
    ]
    assert {shape.name.split()[0] for _, shape in pictures} == {"Picture"}
    described = {shape._element.nvPicPr.cNvPr.get("descr") for _, shape in pictures}
    assert described == {"A wide chart", "QR code"}
    for _, shape in pictures:
        assert shape.left >= 0 and shape.left + shape.width <= prs.slide_width
        assert shape.top >= 0 and shape.top + shape.height <= prs.slide_height
        width, height = shape.image.size
        assert abs(shape.width / shape.height - width / height) < 0.02
    chart = next(
        shape for _, shape in pictures if shape._element.nvPicPr.cNvPr.get("descr") == "A wide chart"
    )
    slide = next(slide for slide, shape in pictures if shape is chart)
    body = next(s for s in slide.placeholders if s.placeholder_format.type == PH.BODY)
    assert body.left + body.width <= chart.left  # beside the text, not on it


def test_hidden_and_moved_slides_as_in_the_pdf(rich: Path) -> None:
    prs = Presentation(rich / "slides.pptx")
    titles = [title_of(slide) for slide in prs.slides]
    assert titles[:2] == ["A Small Talk", "Why?"]
    assert "Keep going." not in titles
    assert len(titles) == len(read_pdf(rich / "slides.pdf").pages)


def test_only_pptx_writes_the_pptx_alone(make_talk) -> None:
    project = make_talk()
    result = run_cli("build", project, "--format", "pptx")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (project / "build").iterdir() if p.is_file()) == ["slides.pptx"]


# -- a company's template ----------------------------------------------------------------


def brand_template(
    path: Path, keep: tuple[str, ...] = ("Title Slide", "Title and Content", "Title Only")
) -> None:
    """python-pptx's stock template in 16:9 with its layouts renamed, cut down and its title
    placeholders moved: a stand-in for a company's brand.pptx."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)
    master = prs.slide_master
    ids = master._element.sldLayoutIdLst
    for layout_id, layout in zip(list(ids), list(prs.slide_layouts), strict=True):
        if layout.name not in keep:
            master.part.drop_rel(layout_id.rId)
            ids.remove(layout_id)
            continue
        layout._element.cSld.set("name", f"Brand {layout.name}")
        for shape in layout.placeholders:
            if shape.placeholder_format.type in TITLES:
                shape.left, shape.top, shape.width, shape.height = (
                    Emu(6096000),
                    Emu(300000),
                    Emu(5500000),
                    Emu(1200000),
                )
    prs.save(path)


def test_a_template_s_layouts_are_found_by_name_and_filled(make_talk, tmp_path: Path) -> None:
    project = make_talk(MINIMAL_TALK)
    template = tmp_path / "brand.pptx"
    brand_template(template, keep=("Title Slide", "Title and Content", "Section Header"))
    prs = Presentation(template)
    for layout in prs.slide_layouts:  # the kit looks for PowerPoint's names, not these
        layout._element.cSld.set("name", layout.name.replace("Brand ", ""))
    prs.save(template)
    result = run_cli("build", project, "--only", "slides", "--format", "pptx", "--pptx-template", template)
    assert result.exit_code == 0, result.output
    assert "on brand.pptx" in result.output
    deck = Presentation(project / "build" / "slides.pptx")
    used = [slide.slide_layout.name for slide in deck.slides]
    assert used[0] == "Title Slide" and "Section Header" in used and "Title and Content" in used
    expected = build_deck(load_talk(project / "content" / "talk.yaml"))
    for slide, model in zip(deck.slides, expected.slides, strict=True):
        title = next(s for s in slide.placeholders if s.placeholder_format.type in TITLES)
        assert title.text_frame.text == plain(model.title)
        assert (title.left, title.top) == (6096000, 300000)  # the template's place, not the kit's
        for bullet in model.bullets:
            assert plain(bullet) in body_texts(slide)


def test_a_template_named_in_the_talk_and_its_fallback_layouts(make_talk) -> None:
    talk = (
        MINIMAL_TALK
        + "slides:\n  pptx_template: brand.pptx\n  changes:\n    - id: point-1\n      title: Begin\n"
    )
    project = make_talk(talk)
    template = project / "content" / "brand.pptx"
    brand_template(template, keep=("Title Slide", "Title and Content", "Title Only"))
    prs = Presentation(template)
    for layout in prs.slide_layouts:
        layout._element.cSld.set("name", layout.name.replace("Brand ", ""))
    prs.save(template)
    result = run_cli("build", project, "--only", "slides", "--format", "pptx")
    assert result.exit_code == 0, result.output
    deck = Presentation(project / "build" / "slides.pptx")
    by_title = {title_of(slide): slide.slide_layout.name for slide in deck.slides}
    assert by_title["First things"] == "Title Only"  # a section, where there is no Section Header
    assert by_title["Begin"] == "Title and Content"


def test_a_template_without_a_needed_layout_is_a_clear_error(make_talk, tmp_path: Path) -> None:
    talk = MINIMAL_TALK + "slides:\n  pptx_template: brand.pptx\n"
    project = make_talk(talk)
    brand_template(project / "content" / "brand.pptx", keep=("Title Slide", "Blank"))
    result = run_cli("build", project, "--only", "slides")
    line = talk.splitlines().index("  pptx_template: brand.pptx") + 1
    assert_clean_failure(
        result,
        f"content/talk.yaml:{line}",
        "slides.pptx_template",
        "no layout for",
        "point slides",
        "its layouts are: 'Brand Title Slide', 'Brand Blank'",
    )
    assert not (project / "build" / "slides.pdf").exists()  # nothing written
    outside = tmp_path / "elsewhere.pptx"
    outside.write_bytes(b"not a presentation")
    result = run_cli("check", make_talk(MINIMAL_TALK), "--pptx-template", outside)
    assert_clean_failure(result, f"--pptx-template {outside}", "not a PowerPoint file")


def test_a_missing_template_names_its_line(make_talk) -> None:
    talk = MINIMAL_TALK + "slides:\n  pptx_template: nowhere.pptx\n  colour: red\n"
    project = make_talk(talk)
    result = run_cli("check", project)
    assert_clean_failure(
        result, "unknown key 'colour'; expected one of: changes, countdown, order, pptx_template, reveal"
    )
    project = make_talk(MINIMAL_TALK + "slides:\n  pptx_template: nowhere.pptx\n")
    line = len(MINIMAL_TALK.splitlines()) + 2
    # Found by the validator, before any renderer: also when this build writes no slides.pptx.
    for args in (("check",), ("build", "--only", "handout")):
        result = run_cli(*args[:1], project, *args[1:])
        assert_clean_failure(result, f"content/talk.yaml:{line}", "'nowhere.pptx' not found")
    assert not (project / "build" / "handout.pdf").exists()


# -- fit ---------------------------------------------------------------------------------


def test_text_that_overflows_is_shrunk_to_the_floor_and_reported(make_talk) -> None:
    items = "".join(
        f"          - Item number {n} says something long enough to wrap at least once here\n"
        for n in range(12)
    )
    talk = MINIMAL_TALK.replace(
        "      - text: Keep going.\n", "      - text: Keep going.\n        items:\n" + items, 1
    )
    talk = talk.replace(
        "        items:\n          - One\n          - text: Two\n            quotes: [Said by someone.]\n",
        "",
        1,
    )
    project = make_talk(talk)
    result = run_cli("build", project, "--only", "slides", "--format", "pptx")
    assert result.exit_code == 0, result.output
    warning = next(line for line in result.output.splitlines() if "slides.pptx: slide" in line)
    assert "\u201cKeep going.\u201d" in warning and "content/talk.yaml:" in warning and "at 16 pt" in warning
    first_item = next(n for n, line in enumerate(talk.splitlines(), start=1) if "Item number 0" in line)
    outside = int(re.search(r"\u201cItem number (\d+)", warning)[1])
    assert warning.startswith(f"warning: content/talk.yaml:{first_item + outside}: ")  # the item's own line
    prs = Presentation(project / "build" / "slides.pptx")
    sizes = [
        run.font.size.pt
        for slide in prs.slides
        for shape in slide.placeholders
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
        if run.font.size is not None
    ]
    assert min(sizes) >= 16
    assert run_cli("check", project, "--strict").exit_code != 0


def explicit_sizes(path: Path) -> dict[str, set[float]]:
    """The point sizes runs set themselves, by slide title (the rest come from the layouts)."""
    found: dict[str, set[float]] = {}
    for slide in Presentation(path).slides:
        for shape in slide.placeholders:
            for paragraph in shape.text_frame.paragraphs:
                for run in paragraph.runs:
                    if run.font.size is not None:
                        found.setdefault(title_of(slide), set()).add(run.font.size.pt)
    return found


def test_text_that_fits_is_left_at_its_size(make_talk, built: Path) -> None:
    project = make_talk()
    assert run_cli("build", project, "--only", "slides", "--format", "pptx").exit_code == 0
    sizes = explicit_sizes(project / "build" / "slides.pptx")
    assert set().union(*sizes.values()) <= {25.5}  # the question's lead; the rest from the layouts
    # The default deck: seven bullets shrink a step, as the HTML deck's do; none below the floor.
    sizes = explicit_sizes(built / "slides.pptx")
    assert max(sizes["Spend your time with the people you are naturally drawn to."]) < 22.5
    assert min(min(found) for found in sizes.values()) >= 16
    assert "Work with people who help you trust\u2014and stretch\u2014your instincts." not in sizes


# -- a real presentation program ---------------------------------------------------------


@pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice Impress is not installed (scripts/setup.sh installs it)"
)
def test_libreoffice_opens_the_deck_with_every_slide_and_title(built: Path, deck, tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    command = [
        SOFFICE,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(tmp_path),
        str(built / "slides.pptx"),
    ]
    subprocess.run(
        command, check=True, capture_output=True, timeout=240, env={**os.environ, "HOME": str(tmp_path)}
    )
    reader = read_pdf(tmp_path / "slides.pdf")
    assert len(reader.pages) == len(deck.slides)
    for page, model in zip(reader.pages, deck.slides, strict=True):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width / height - 16 / 9) < 0.01
        assert squash(plain_text(plain(model.title))) in squash(page.extract_text())
