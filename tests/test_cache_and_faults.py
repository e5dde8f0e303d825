"""The build cache, the build lock, and faults of the disk: nothing lost, nothing half-written."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MINIMAL_TALK, assert_clean_failure, read_pdf, run_cli


def stamps(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.is_file()}


def test_an_unchanged_talk_is_not_rendered_again(make_talk) -> None:
    project = make_talk()
    assert run_cli("build", project).exit_code == 0
    before = stamps(project / "build")
    result = run_cli("build", project)
    assert result.exit_code == 0
    assert "wrote " not in result.output
    assert result.output.count("unchanged ") == 4
    assert stamps(project / "build") == before
    forced = run_cli("build", project, "--force")
    assert forced.output.count("wrote ") == 7  # no exercises: handout and slides only


def test_only_what_changed_is_rebuilt(make_talk) -> None:
    project = make_talk()
    assert run_cli("build", project).exit_code == 0
    (project / "templates" / "slides").mkdir(parents=True)
    (project / "templates" / "slides" / "notes.css").write_text("/* mine */")
    result = run_cli("build", project)
    assert "wrote" in result.output and "slides-notes.pdf" in result.output
    assert "unchanged handout" in result.output and "handout.pdf" not in result.output
    (project / "content" / "talk.yaml").write_text(MINIMAL_TALK.replace("A Small Talk", "Another Talk"))
    again = run_cli("build", project)
    assert again.output.count("wrote ") == 7
    assert "Another Talk" in (project / "build" / "handout.html").read_text()


def test_a_corrupt_manifest_is_ignored_not_trusted(make_talk) -> None:
    project = make_talk()
    assert run_cli("build", project).exit_code == 0
    manifest = project / "build" / ".cache" / "manifest.json"
    manifest.write_text('{"kit": "0.1.0", "artefacts": {"handout": {"key": 5}}')  # cut short
    result = run_cli("build", project)
    assert result.exit_code == 0
    assert result.output.count("wrote ") == 7


def test_an_output_changed_by_hand_is_rebuilt(make_talk) -> None:
    project = make_talk()
    assert run_cli("build", project).exit_code == 0
    (project / "build" / "handout.pdf").write_bytes(b"not a pdf")
    result = run_cli("build", project)
    assert "wrote " in result.output and "unchanged slides" in result.output
    assert read_pdf(project / "build" / "handout.pdf").pages


def test_cached_warnings_still_fail_strict(make_talk) -> None:
    project = make_talk(MINIMAL_TALK + "theme:\n  colors:\n    muted: '#bbbbbb'\n")
    assert run_cli("build", project).exit_code == 0
    assert_clean_failure(run_cli("build", project, "--strict"), "--strict", "contrast")


def test_output_folder_inside_the_content_folder_is_refused(make_talk) -> None:
    project = make_talk()
    result = run_cli("build", project, "--out", project / "content" / "out")
    assert_clean_failure(result, "lies inside the content folder")
    assert not (project / "content" / "out").exists()


def test_an_interrupted_build_leaves_no_leftovers_after_the_next(make_talk) -> None:
    project = make_talk()
    (project / "build").mkdir()
    leftover = project / "build" / ".handout-kit-a1b2c3"
    leftover.write_bytes(b"half a pdf")
    assert run_cli("build", project, "--only", "handout").exit_code == 0
    assert not leftover.exists()


def test_a_full_disk_keeps_the_last_good_output(make_talk, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_talk()
    assert run_cli("build", project, "--only", "handout").exit_code == 0
    before = (project / "build" / "handout.pdf").read_bytes()
    (project / "content" / "talk.yaml").write_text(MINIMAL_TALK.replace("A Small Talk", "Changed"))

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", full)
    result = run_cli("build", project, "--only", "handout")
    assert_clean_failure(result, "cannot write", "No space left on device")
    monkeypatch.undo()
    assert (project / "build" / "handout.pdf").read_bytes() == before
    assert not list((project / "build").glob(".handout-kit-*"))


def test_two_builds_at_once_into_one_folder(make_talk) -> None:
    project = make_talk()
    command = [sys.executable, "-m", "handout_kit", "build", str(project), "--force", "--only", "handout"]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    outputs = [first.communicate(timeout=120)[0], second.communicate(timeout=120)[0]]
    assert first.returncode == 0 and second.returncode == 0, outputs
    assert len(read_pdf(project / "build" / "handout.pdf").pages) == 1
    assert not list((project / "build").glob(".handout-kit-*"))


@pytest.fixture
def immutable(tmp_path: Path):
    """Make a folder read-only even for root (`chattr +i`); undone after the test."""
    made: list[Path] = []

    def make(folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot make a folder read-only here: {done.stderr.strip()}")
        made.append(folder)
        return folder

    yield make
    for folder in made:
        subprocess.run(["chattr", "-i", str(folder)], check=False)


def test_a_read_only_output_folder_keeps_the_last_good_output(make_talk, immutable) -> None:
    project = make_talk()
    assert run_cli("build", project, "--only", "handout").exit_code == 0
    before = {p.name: p.read_bytes() for p in (project / "build").iterdir() if p.is_file()}
    (project / "content" / "talk.yaml").write_text(MINIMAL_TALK.replace("A Small Talk", "Changed"))
    immutable(project / "build")
    result = run_cli("build", project, "--only", "handout")
    assert_clean_failure(result, "cannot write", str(project / "build"), "Operation not permitted")
    assert {p.name: p.read_bytes() for p in (project / "build").iterdir() if p.is_file()} == before


def test_an_output_folder_that_cannot_be_made_is_a_clear_error(make_talk, immutable, tmp_path: Path) -> None:
    project = make_talk()
    locked = immutable(tmp_path / "locked")
    result = run_cli("build", project, "--out", locked / "site")
    assert_clean_failure(result, "cannot write", "locked", "Operation not permitted")
    assert not (locked / "site").exists()
