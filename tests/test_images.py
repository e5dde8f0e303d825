"""Images fit everywhere: held to their box (a column, both columns, a slide) with their aspect
kept, SVG and raster alike, captioned and credited; one that cannot be shown at a readable
size is an error naming its line."""

from __future__ import annotations

import io

import pdfplumber
from PIL import Image

from conftest import assert_clean_failure, run_cli
from test_examples import PX, _check_page

MM = 72 / 25.4
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="480" height="360" viewBox="0 0 480 360">'
    '<rect x="10" y="10" width="460" height="340" fill="#7a3bd1"/></svg>'
)


def _png(width: int, height: int, kind: str = "PNG") -> bytes:
    image = Image.new("RGB", (width, height), (200, 120, 60))
    buffer = io.BytesIO()
    image.save(buffer, kind)
    return buffer.getvalue()


TALK = """\
title: Pictures
groups:
  - title: Seen
    points:
      - text: "**A photo.** Held to its column."
        figure:
          src: photo.jpg
          alt: An orange rectangle standing in for a photo.
          caption: A photo, held to the column.
          credit: Made by the test.
      - text: "**A wide figure.** Across both columns."
        figure: {src: wide.png, alt: A wide orange band., caption: The full width., width: full}
      - text: "**A drawing.** An SVG."
        figure: {src: drawing.svg, alt: A purple rectangle., caption: Vector.}
questions:
  - question: And in an answer?
    answer: "A picture drawn in the answer, at 1600 px wide: ![an orange rectangle](photo.jpg)"
"""
FILES = {
    "content/photo.jpg": _png(1600, 1200, "JPEG"),
    "content/wide.png": _png(3000, 750),
    "content/drawing.svg": SVG,
}


def test_every_picture_is_held_to_its_box_with_its_aspect_and_its_caption(make_talk) -> None:
    project = make_talk(TALK, FILES)
    result = run_cli("build", project, "--only", "handout", "--only", "slides", "--format", "pdf", "--strict")
    assert result.exit_code == 0, result.output
    with pdfplumber.open(project / "build" / "handout.pdf") as pdf:
        page_width = float(pdf.pages[0].width)
        column = (page_width - 30 * MM - 7 * MM) / 2
        images = [image for page in pdf.pages for image in page.images]
        purple = (0x7A / 255, 0x3B / 255, 0xD1 / 255)
        drawn = [  # the SVG's rectangle, drawn as vectors
            r
            for page in pdf.pages
            for r in page.rects
            if r["width"] > 50
            and len(colour := r.get("non_stroking_color") or ()) == 3
            and all(abs(a - b) < 0.01 for a, b in zip(colour, purple, strict=True))
        ]
        text = " ".join(page.extract_text() for page in pdf.pages)
        for number, page in enumerate(pdf.pages, start=1):
            body = (15 * MM, 14 * MM, page_width - 15 * MM, float(page.height) - 16 * MM)
            assert _check_page(page, body, float(page.height) - 16 * MM, f"page {number}", 2) == []
    assert "A photo, held to the column. Made by the test." in text and "The full width." in text
    sizes = sorted((round(i["x1"] - i["x0"]), round(i["bottom"] - i["top"])) for i in images)
    assert len(images) == 3, sizes  # photo twice (figure and answer) and the wide band
    svg = [r for r in drawn if r["height"] > 40]
    assert svg and all(r["x1"] - r["x0"] <= column for r in svg), svg  # the SVG, drawn as vectors
    for image in images:
        width, height = image["x1"] - image["x0"], image["bottom"] - image["top"]
        src_w, src_h = image["srcsize"]
        assert abs(width / height - src_w / src_h) < 0.02, (width, height, image["srcsize"])  # aspect kept
        if src_w == 3000:
            assert width > column + 20  # `width: full`: wider than one column
        else:
            assert width <= column + 0.5  # held to its column, not drawn at 1600 px
    with pdfplumber.open(project / "build" / "slides.pdf") as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            body = (88 * PX, 0, (1280 - 88) * PX, 640 * PX)
            assert _check_page(page, body, 656 * PX, f"slide {number}") == []
        point_one = pdf.pages[3]
        photo = point_one.images[0]
        title = next(w for w in point_one.extract_words() if w["text"] == "photo.")
        assert photo["x0"] > title["x1"]  # beside the text, not over it
        assert "A photo, held to the column." in point_one.extract_text()


def test_a_picture_too_thin_to_read_is_an_error_naming_its_line(make_talk) -> None:
    talk = TALK.replace("src: wide.png", "src: strip.png").replace(", width: full}", "}")
    project = make_talk(talk, {**FILES, "content/strip.png": _png(4000, 90)})
    result = run_cli("build", project, "--only", "handout", "--format", "pdf")
    assert_clean_failure(result, "talk.yaml:12: image 'strip.png'", "too small to read", "12 mm")
    assert not (project / "build" / "handout.pdf").exists()


CARD_TALK = """\
title: Cards with pictures
groups:
  - title: Seen
    points: [{{text: Nothing here.}}]
exercises:
  - id: look  # line 6: the exercise, named by its card
    title: Look closely
    prompt: "What do you see? ![a band of colour]({src})"
    steps: [{{text: Say it, minutes: 5}}]
    grouping: {{mode: alone}}
    minutes: 5
"""


def test_a_card_runs_the_same_readable_size_check_on_its_pictures(make_talk, tmp_path) -> None:
    project = make_talk(CARD_TALK.format(src="photo.jpg"), {"content/photo.jpg": _png(800, 600, "JPEG")})
    result = run_cli("build", project, "--only", "cards", "--format", "pdf", "--strict")
    assert result.exit_code == 0, result.output  # a picture of a readable size prints on its card
    with pdfplumber.open(project / "build" / "cards-print.pdf") as pdf:
        front = pdf.pages[0]
        x0, y0, x1, y1 = (float(v) for v in front.page_obj.attrs["TrimBox"])
        (picture,) = front.images
        top, bottom = float(front.height) - y1, float(front.height) - y0
        assert x0 <= picture["x0"] and picture["x1"] <= x1  # held to the card
        assert top <= picture["top"] and picture["bottom"] <= bottom
        assert min(picture["width"], picture["height"]) >= 12 * MM

    project = make_talk(CARD_TALK.format(src="band.png"), {"content/band.png": _png(2000, 150)})
    out = tmp_path / "second"
    result = run_cli("build", project, "--only", "cards", "--format", "pdf", "--out", out)
    assert_clean_failure(
        result, "talk.yaml:6: image 'band.png'", "in the cards", "too small to read", "12 mm"
    )
    assert not (out / "cards.pdf").exists()
