"""What the README promises and no other test holds the kit to: the logo, images inside every
HTML output, exercise slides after the point they serve, the print-shop file's order, and
exit code 70 for a bug."""

from __future__ import annotations

import base64
import re
import sys
from pathlib import Path

import pdfplumber
import pytest

from conftest import MINIMAL_TALK, read_pdf, run_cli

EXERCISES = """\
exercises:
  - id: pair-talk
    title: Pair talk
    prompt: Talk it over.
    steps: [{text: Talk, minutes: 5}]
    grouping: {mode: pairs}
    minutes: 5
    serves: "1"
  - id: solo
    title: On your own
    prompt: Write it down.
    steps: [{text: Write, minutes: 3}]
    grouping: {mode: alone}
    minutes: 3
    serves: "2"
"""


def png(color: tuple[int, int, int], size: tuple[int, int] = (60, 40)) -> bytes:
    from io import BytesIO

    from PIL import Image

    stream = BytesIO()
    Image.new("RGB", size, color).save(stream, "PNG")
    return stream.getvalue()


@pytest.fixture(scope="module")
def illustrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A talk with a logo, an image in a point and two exercises, built once."""
    project = tmp_path_factory.mktemp("illustrated")
    (project / "content").mkdir()
    (project / "content" / "logo.png").write_bytes(png((15, 92, 110)))
    (project / "content" / "figure.png").write_bytes(png((181, 72, 47), (120, 80)))
    text = MINIMAL_TALK.replace("Keep going.", "Keep going. ![A brick-red square](figure.png)")
    (project / "content" / "talk.yaml").write_text(text + EXERCISES + "theme:\n  logo: logo.png\n")
    result = run_cli("build", project)
    assert result.exit_code == 0, result.output
    return project / "build"


def test_the_logo_is_printed_on_the_handout_and_the_card_backs(illustrated: Path) -> None:
    with pdfplumber.open(illustrated / "handout.pdf") as pdf:
        first = pdf.pages[0]
        logos = [image for image in first.images if image["srcsize"] == (60, 40)]
        assert logos and logos[0]["top"] < first.height / 4, "the logo heads the first page"
    with pdfplumber.open(illustrated / "cards.pdf") as pdf:
        backs = pdf.pages[1::2]
        assert all(any(image["srcsize"] == (60, 40) for image in page.images) for page in backs)


def test_every_html_output_carries_its_images_inside(illustrated: Path) -> None:
    logo = base64.b64encode((illustrated.parent / "content" / "logo.png").read_bytes()).decode()
    figure = base64.b64encode((illustrated.parent / "content" / "figure.png").read_bytes()).decode()
    pages = sorted(illustrated.glob("*.html"))
    assert [p.name for p in pages] == [
        "cards.html",
        "handout.html",
        "run-sheet.html",
        "slides-presenter.html",
        "slides.html",
    ]
    for page in pages:
        html = page.read_text()
        sources = re.findall(r'<img\b[^>]*\bsrc="([^"]+)"', html)
        if page.name not in ("run-sheet.html", "slides.html"):  # these show neither logo nor figure
            assert sources, page.name
        assert all(source.startswith("data:image/") for source in sources), (page.name, sources)
    assert (
        logo in (illustrated / "handout.html").read_text()
        and logo in (illustrated / "cards.html").read_text()
    )
    assert figure in (illustrated / "handout.html").read_text()
    assert figure in (illustrated / "slides-presenter.html").read_text()  # in the point's notes


def test_exercise_slides_follow_the_point_they_serve(illustrated: Path) -> None:
    html = (illustrated / "slides.html").read_text()
    order = re.findall(r'<section[^>]*\bid="([a-z0-9-]+)"', html)
    assert order.index("exercise-pair-talk") == order.index("point-1") + 1
    assert order.index("exercise-solo") == order.index("point-2") + 1
    pages = [page.extract_text() or "" for page in read_pdf(illustrated / "slides.pdf").pages]
    assert len(pages) == len(order)
    assert "Pair talk" in pages[order.index("exercise-pair-talk")]
    assert "On your own" in pages[order.index("exercise-solo")]


def test_the_print_shop_file_alternates_front_and_back(illustrated: Path) -> None:
    with pdfplumber.open(illustrated / "cards-print.pdf") as pdf:
        texts = [page.extract_text() or "" for page in pdf.pages]
    assert len(texts) == 4  # two exercises, front and back each
    assert "Talk it over." in texts[0] and "Talk it over." not in texts[1]
    assert "Write it down." in texts[2] and "Write it down." not in texts[3]
    for back in (texts[1], texts[3]):
        assert "A Small Talk" in back  # the back's foot names the talk


def test_a_bug_ends_in_one_line_and_exit_code_70(monkeypatch, capsys, make_talk) -> None:
    from handout_kit import build, cli

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something the kit did not expect")

    monkeypatch.setattr(build, "build_many", broken)
    monkeypatch.setattr(sys, "argv", ["handout-kit", "build", str(make_talk())])
    monkeypatch.delenv("HANDOUT_KIT_DEBUG", raising=False)
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    assert stopped.value.code == 70
    err = capsys.readouterr().err
    assert err == "internal error: RuntimeError: something the kit did not expect (please report it)\n"
