"""Several talks in one command: one pool, one report each, a broken talk stops no other."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import MINIMAL_TALK, assert_clean_failure, read_pdf, run_cli


def write_talk(folder: Path, title: str) -> Path:
    (folder / "content").mkdir(parents=True)
    (folder / "content" / "talk.yaml").write_text(MINIMAL_TALK.replace("A Small Talk", title))
    return folder


def title_of(pdf: Path) -> str:
    return read_pdf(pdf).metadata.title


def test_a_folder_of_talks_builds_each_into_its_own_build_folder(tmp_path: Path) -> None:
    talks = tmp_path / "talks"
    for name in ("alpha", "beta", "gamma"):
        write_talk(talks / name, f"Talk {name}")
    (talks / "notes").mkdir()  # a folder without a talk is passed over
    result = run_cli("build", talks, "--only", "handout", "--jobs", "2")
    assert result.exit_code == 0, result.output
    for name in ("alpha", "beta", "gamma"):
        assert title_of(talks / name / "build" / "handout.pdf") == f"Talk {name}"
        assert f"talks/{name}/content/talk.yaml" in result.output.replace("\\", "/")
    assert "built 3 of 3 talks" in result.output
    assert "[3/3]" in result.output  # progress as each artefact finishes
    again = run_cli("build", talks, "--only", "handout")
    assert again.output.count("unchanged handout") == 3 and "wrote" not in again.output


def test_a_broken_talk_keeps_its_last_good_output_and_stops_no_other(tmp_path: Path) -> None:
    good, broken = write_talk(tmp_path / "good", "Good Talk"), write_talk(tmp_path / "broken", "Broken Talk")
    assert run_cli("build", broken, "--only", "handout").exit_code == 0
    last_good = (broken / "build" / "handout.pdf").read_bytes()
    (broken / "content" / "talk.yaml").write_text(MINIMAL_TALK + "speeker: Ada\n")
    talk_files = [good / "content" / "talk.yaml", broken / "content" / "talk.yaml"]
    result = run_cli("build", *talk_files, "--only", "handout", "--jobs", "2")
    line = MINIMAL_TALK.count("\n") + 1
    assert_clean_failure(result, f"talk.yaml:{line}:1", "unknown key 'speeker'", "did you mean 'speaker'")
    assert "built 1 of 2 talks" in result.output and "1 failed" in result.output
    assert title_of(good / "build" / "handout.pdf") == "Good Talk"
    assert (broken / "build" / "handout.pdf").read_bytes() == last_good


def test_a_failure_while_rendering_is_that_talk_s_alone(tmp_path: Path) -> None:
    good, bad = write_talk(tmp_path / "good", "Good Talk"), write_talk(tmp_path / "bad", "Bad Talk")
    (bad / "templates" / "handout").mkdir(parents=True)
    (bad / "templates" / "handout" / "handout.html").write_text("{% block %}\n")
    for jobs in ("1", "2"):
        result = run_cli("build", good, bad, "--only", "handout", "--jobs", jobs, "--force")
        assert_clean_failure(result, "templates/handout/handout.html:1:", "expected token")
        assert "built 1 of 2 talks" in result.output
        assert (good / "build" / "handout.pdf").is_file()
        assert not (bad / "build" / "handout.pdf").exists()


def test_with_out_each_talk_gets_a_subfolder_named_after_its_project(tmp_path: Path) -> None:
    write_talk(tmp_path / "talks" / "alpha", "Alpha")
    write_talk(tmp_path / "talks" / "beta", "Beta")
    out = tmp_path / "site"
    result = run_cli("build", tmp_path / "talks", "--out", out, "--only", "handout", "--format", "html")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["alpha", "beta"]
    assert "Beta" in (out / "beta" / "handout.html").read_text()


def test_two_talks_that_would_share_an_output_folder_are_refused(tmp_path: Path) -> None:
    first = write_talk(tmp_path / "one" / "talk", "One")
    second = write_talk(tmp_path / "two" / "talk", "Two")
    result = run_cli("build", first, second, "--out", tmp_path / "site")
    assert_clean_failure(result, "would both write to", "site")
    assert not (tmp_path / "site").exists()


def test_the_same_talk_named_twice_is_built_once(tmp_path: Path) -> None:
    talk = write_talk(tmp_path / "alpha", "Alpha")
    result = run_cli("build", talk, talk / "content" / "talk.yaml", "--only", "handout")
    assert result.exit_code == 0, result.output
    assert result.output.count("wrote ") == 2 and "built in" in result.output


def test_a_folder_with_no_talk_anywhere_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    result = run_cli("build", tmp_path / "empty")
    assert_clean_failure(result, "empty", "no content/talk.yaml here, nor in any of its subfolders")


def test_a_shell_glob_of_talk_files_works_from_the_real_command(tmp_path: Path) -> None:
    for name in ("alpha", "beta"):
        write_talk(tmp_path / "talks" / name, f"Talk {name}")
    command = [sys.executable, "-m", "handout_kit", "build", "--only", "handout", "--format", "pdf"]
    files = sorted(str(p) for p in (tmp_path / "talks").glob("*/content/talk.yaml"))
    done = subprocess.run([*command, *files], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "built 2 of 2 talks" in done.stdout
    assert "Traceback" not in done.stderr
    for name in ("alpha", "beta"):
        assert title_of(tmp_path / "talks" / name / "build" / "handout.pdf") == f"Talk {name}"
