"""Shared fixtures: scratch talk projects, the CLI, and PDFs read back with pypdf."""

from __future__ import annotations

import io
import re
import shutil
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader

from handout_kit.cli import cli

REPO = Path(__file__).resolve().parents[1]
DEFAULT_TALK = REPO / "content" / "talk.yaml"

MINIMAL_TALK = """\
title: A Small Talk
event:
  name: Test Conference
  city: Lyon
  when: Friday, 10:00
groups:
  - title: First things
    points:
      - text: "**Start small.** Then grow."
      - text: Keep going.
        items:
          - One
          - text: Two
            quotes: [Said by someone.]
questions:
  - question: Why?
    answer: Because.
"""


def run_cli(*args: str | Path) -> Result:
    """Run `handout-kit ARGS` in-process, as a user would from the shell."""
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=True)


def assert_clean_failure(result: Result, *fragments: str) -> None:
    """Non-zero exit, every fragment in the message, and no traceback anywhere."""
    output = result.output
    assert result.exit_code != 0, output
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    for fragment in fragments:
        assert fragment in output, f"{fragment!r} not in:\n{output}"


@pytest.fixture
def make_talk(tmp_path: Path) -> Callable[..., Path]:
    """Write a talk project (content/talk.yaml plus extra files); return the project folder."""

    def make(text: str = MINIMAL_TALK, files: dict[str, str | bytes] | None = None) -> Path:
        content = tmp_path / "content"
        content.mkdir(exist_ok=True)
        data = text if isinstance(text, bytes) else textwrap.dedent(text).encode()
        (content / "talk.yaml").write_bytes(data)
        for name, body in (files or {}).items():
            target = tmp_path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body.encode() if isinstance(body, str) else body)
        return tmp_path

    return make


def read_pdf(path: Path | bytes) -> PdfReader:
    data = path if isinstance(path, bytes) else path.read_bytes()
    return PdfReader(io.BytesIO(data))


def pdf_text(reader: PdfReader, *, without_footer: bool = True) -> str:
    """The text of all pages in reading order; the running footer ("... 1 / 2") dropped so
    a sentence that crosses a page break reads on."""
    pages = []
    for page in reader.pages:
        lines = (page.extract_text() or "").splitlines()
        if without_footer:
            lines = [line for line in lines if not re.search(r"\d+ / \d+\s*$", line)]
        pages.append("\n".join(lines))
    return "\n".join(pages)


def squash(text: str) -> str:
    """Letters and digits only, lower case: compares text across line breaks and hyphenation."""
    return re.sub(r"[\W_]+", "", text).lower()


@pytest.fixture(scope="session")
def default_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default talk built once (Letter) into a scratch folder."""
    out = tmp_path_factory.mktemp("default-build")
    result = run_cli("build", REPO, "--out", out)
    assert result.exit_code == 0, result.output
    return out


# -- a real browser: Debian's chromium through playwright ------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One Chromium for the whole run (each test opens its own context in it)."""
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh browser window set (cookies, storage) at the deck's 16:9 size."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    yield context
    context.close()


def wait_until(page, expression: str, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    """Poll `expression` with page.evaluate (the deck's Content-Security-Policy forbids the
    eval that Playwright's wait_for_function uses)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {expression}")
        page.wait_for_timeout(50)


def current_id(page) -> str:  # type: ignore[no-untyped-def]
    return str(page.evaluate("document.querySelector('.stage > .slide.current').id"))
