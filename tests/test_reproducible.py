"""The same input gives the same bytes, for every output: across two processes, one rendering
serially and one with a pool of processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO


def build_in_a_process(out: Path, *options: str) -> None:
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    command = [sys.executable, "-m", "handout_kit", "build", str(REPO), "--out", str(out), *options]
    finished = subprocess.run(command, capture_output=True, text=True, env=environment)
    assert finished.returncode == 0, finished.stderr


def test_two_processes_give_byte_identical_outputs(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    build_in_a_process(first, "--jobs", "1")
    build_in_a_process(second, "--jobs", "2")
    names = sorted(p.name for p in first.iterdir() if p.is_file())
    assert len(names) == 13
    assert names == sorted(p.name for p in second.iterdir() if p.is_file())
    different = [name for name in names if (first / name).read_bytes() != (second / name).read_bytes()]
    assert not different
