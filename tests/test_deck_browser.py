"""The HTML deck in a real Chromium (Debian's), driven by Playwright: keys, hash, overview,
presenter window, timers, scaling, and no request that leaves the file."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from conftest import CHROMIUM, MINIMAL_TALK, REPO, current_id, run_cli, wait_until

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")


@pytest.fixture(scope="module")
def deck_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("deck")
    result = run_cli("build", REPO, "--out", out, "--only", "slides", "--format", "html")
    assert result.exit_code == 0, result.output
    return out


def open_deck(context, path: Path, hash_: str = ""):
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.requests = requests
    page.goto(path.as_uri() + hash_)
    wait_until(page, "document.querySelector('.slide.current') !== null")
    return page


def slide_count(page) -> int:
    return page.evaluate("document.querySelectorAll('.stage > .slide').length")


def test_keys_move_and_the_hash_follows(context, deck_dir: Path) -> None:
    page = open_deck(context, deck_dir / "slides.html")
    assert current_id(page) == "title"
    for key, expected_hash in [
        ("ArrowRight", "#2"),
        ("Space", "#3"),
        ("PageDown", "#4"),
        ("ArrowLeft", "#3"),
        ("PageUp", "#2"),
        ("End", f"#{slide_count(page)}"),
        ("Home", "#1"),
    ]:
        page.keyboard.press(key)
        assert page.evaluate("location.hash") == expected_hash, key
    page.keyboard.type("12")
    assert "Go to slide 12" in page.inner_text(".jump")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#12"
    assert page.evaluate("document.querySelector('.slide.current').dataset.index") == "11"


def test_reload_stays_on_the_slide(context, deck_dir: Path) -> None:
    page = open_deck(context, deck_dir / "slides.html", "#5")
    assert page.evaluate("document.querySelector('.slide.current').dataset.index") == "4"
    page.reload()
    wait_until(page, "document.querySelector('.slide.current') !== null")
    assert page.evaluate("document.querySelector('.slide.current').dataset.index") == "4"


def test_click_and_progress_bar(context, deck_dir: Path) -> None:
    page = open_deck(context, deck_dir / "slides.html")
    page.mouse.click(1000, 360)
    assert page.evaluate("location.hash") == "#2"
    page.mouse.click(100, 360)
    assert page.evaluate("location.hash") == "#1"
    page.keyboard.press("End")
    width = page.evaluate("document.querySelector('.progress-bar').style.width")
    assert width == "100%"


def test_overview_black_screen_and_fullscreen_keys(context, deck_dir: Path) -> None:
    page = open_deck(context, deck_dir / "slides.html")
    page.keyboard.press("o")
    assert page.evaluate("document.body.classList.contains('overview')")
    visible = page.evaluate(
        "Array.from(document.querySelectorAll('.stage > .slide'))"
        ".filter(s => getComputedStyle(s).visibility === 'visible').length"
    )
    assert visible == slide_count(page)
    page.click("#group-2")  # choose a slide from the grid
    assert not page.evaluate("document.body.classList.contains('overview')")
    assert current_id(page) == "group-2"
    page.keyboard.press("Escape")
    assert page.evaluate("document.body.classList.contains('overview')")
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    assert page.evaluate("getComputedStyle(document.querySelector('.blackout')).display") == "block"
    page.keyboard.press("b")
    assert page.evaluate("getComputedStyle(document.querySelector('.blackout')).display") == "none"


def test_slides_scale_to_the_window_letterboxed(browser, deck_dir: Path) -> None:
    context = browser.new_context(viewport={"width": 1000, "height": 1000})
    page = open_deck(context, deck_dir / "slides.html")
    box = page.evaluate("JSON.stringify(document.querySelector('.slide.current').getBoundingClientRect())")
    import json

    rect = json.loads(box)
    assert abs(rect["width"] - 1000) < 1 and abs(rect["height"] - 562.5) < 1
    assert abs(rect["top"] - (1000 - 562.5) / 2) < 1  # black bars above and below
    context.close()


def test_every_request_stays_in_the_file(context, deck_dir: Path) -> None:
    page = open_deck(context, deck_dir / "slides.html")
    page.keyboard.press("End")
    page.keyboard.press("o")
    assert page.requests, "no request was seen at all"
    assert all(url.startswith(("file:", "data:")) for url in page.requests), page.requests
    fonts = page.evaluate("Array.from(document.fonts).filter(f => f.status === 'loaded').map(f => f.family)")
    assert any("Inter" in family for family in fonts), fonts


def test_presenter_window_follows_and_leads(context, deck_dir: Path) -> None:
    from handout_kit.build import load_talk
    from handout_kit.model.slides import build_deck

    slides = build_deck(load_talk(REPO / "content" / "talk.yaml")).slides
    start = [s.id for s in slides].index("point-trust-your-instincts")
    page = open_deck(context, deck_dir / "slides.html", f"#{start + 1}")
    with context.expect_page() as popup_info:
        page.keyboard.press("p")
    popup = popup_info.value
    popup.wait_for_load_state()
    wait_until(popup, "document.querySelector('.pv-notes').textContent.length > 0")
    assert "presenter" in popup.url
    assert "Prioritize working/being with people" in popup.inner_text(".pv-notes")
    assert popup.inner_text(".pv-position") == f"{start + 1} / {len(slides)}"
    assert popup.inner_text(".pv-elapsed").startswith("0:0")
    assert popup.inner_text(".pv-left") == "60:00" or popup.inner_text(".pv-left").startswith("59:")
    # The audience window drives: the presenter follows, with the next slide's notes.
    page.keyboard.press("ArrowRight")
    wait_until(popup, f"document.querySelector('.pv-position').textContent.startsWith('{start + 2} /')")
    expected = plain(str(slides[start + 1].notes))[:40]
    assert expected in " ".join(popup.inner_text(".pv-notes").split())
    assert popup.inner_text(".pv-next .slide-title") == plain(str(slides[start + 2].title))
    # The presenter drives: the audience follows.
    popup.keyboard.press("ArrowRight")
    wait_until(page, f"location.hash === '#{start + 3}'")
    assert current_id(page) == slides[start + 2].id


def plain(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_audience_file_carries_no_notes(deck_dir: Path) -> None:
    from handout_kit.build import load_talk
    from handout_kit.model.slides import build_deck

    audience = plain((deck_dir / "slides.html").read_text())
    presenter = plain((deck_dir / "slides-presenter.html").read_text())
    assert 'class="notes"' not in (deck_dir / "slides.html").read_text()
    deck = build_deck(load_talk(REPO / "content" / "talk.yaml"))
    on_slides = plain(
        " ".join(
            " ".join(str(part) for part in (s.title, s.lead or "", s.body or "", *s.bullets))
            for s in deck.slides
        )
    )
    notes = [plain(str(slide.notes)) for slide in deck.slides if slide.notes]
    sentences = [s for text in notes for s in re.split(r"(?<=[.!?”])\s+", text) if len(s) > 25]
    notes_only = [s for s in sentences if s not in on_slides]
    assert len(notes_only) > 50
    leaked = [s for s in notes_only if s in audience]
    assert not leaked
    assert all(s in presenter for s in notes_only)
    assert "Hope to see some of you there." in presenter and "Hope to see" not in audience


def test_exercise_countdown_runs(browser, make_talk) -> None:
    exercise = """\
exercises:
  - id: pair-talk
    title: Who are you drawn to?
    prompt: Name three people you are naturally drawn to.
    steps:
      - {text: Think alone, minutes: 2}
      - {text: Share in pairs, minutes: 8}
    grouping: {mode: pairs}
    minutes: 10
"""
    project = make_talk(MINIMAL_TALK + exercise)
    assert run_cli("build", project, "--only", "slides", "--format", "html").exit_code == 0
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.clock.install(time=1_000_000)
    page.clock.pause_at(1_001_000)
    page.goto((project / "build" / "slides.html").as_uri() + "#1")
    wait_until(page, "document.querySelector('.slide.current') !== null")
    page.evaluate(
        "location.hash = '#' + (Array.from(document.querySelectorAll('.stage > .slide'))"
        ".findIndex(s => s.id === 'exercise-pair-talk') + 1)"
    )
    wait_until(page, "document.querySelector('.slide.current').id === 'exercise-pair-talk'")
    countdown = "#exercise-pair-talk .countdown"
    assert page.inner_text(countdown) == "10:00"
    assert "EXERCISE · 10 MIN · IN PAIRS" in page.inner_text("#exercise-pair-talk .kicker")
    page.clock.run_for(20_000)
    assert page.inner_text(countdown) == "10:00"  # armed until T
    page.keyboard.press("t")
    page.clock.run_for(65_000)
    assert page.inner_text(countdown) == "8:55"
    page.keyboard.press("t")  # pause
    page.clock.run_for(10_000)
    assert page.inner_text(countdown) == "8:55"
    context.close()
