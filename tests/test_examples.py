"""Every example talk under examples/ builds cleanly (--strict) into a handout of at most
two A4 pages, with cards and a run-sheet."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO, read_pdf, run_cli

EXAMPLES = sorted(
    folder for folder in (REPO / "examples").glob("*") if (folder / "content" / "talk.yaml").is_file()
)

A4_POINTS = (595, 842)


def test_there_are_examples() -> None:
    assert EXAMPLES, "no example talks found under examples/"


@pytest.mark.parametrize("folder", EXAMPLES, ids=[folder.name for folder in EXAMPLES])
def test_example_builds(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / folder.name
    result = run_cli("build", folder, "--out", out, "--strict")
    assert result.exit_code == 0, result.output

    handout = read_pdf(out / "handout.pdf")
    assert 1 <= len(handout.pages) <= 2, f"handout has {len(handout.pages)} pages"
    for page in handout.pages:
        size = (round(float(page.mediabox.width)), round(float(page.mediabox.height)))
        assert size == A4_POINTS, f"handout page is {size} pt, not A4"

    assert (out / "cards.pdf").is_file()
    assert (out / "run-sheet.pdf").is_file()
