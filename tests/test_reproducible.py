"""The same input gives the same bytes, for every output (SOURCE_DATE_EPOCH or not)."""

from __future__ import annotations

from pathlib import Path

from conftest import REPO, run_cli


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert run_cli("build", REPO, "--out", first).exit_code == 0
    assert run_cli("build", REPO, "--out", second).exit_code == 0
    names = sorted(p.name for p in first.iterdir() if p.is_file())
    assert len(names) == 13
    assert names == sorted(p.name for p in second.iterdir() if p.is_file())
    different = [name for name in names if (first / name).read_bytes() != (second / name).read_bytes()]
    assert not different
