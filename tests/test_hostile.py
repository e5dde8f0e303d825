"""Hostile input: generated documents, enormous and pathological text, scripts the fonts may
not cover. Only clean errors (or clean builds) come out: never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINIMAL_TALK, assert_clean_failure, pdf_text, read_pdf, run_cli
from handout_kit.errors import ContentError
from handout_kit.schema import Talk

KEYS = [*Talk.model_fields, "titel", "points", "text", "items", "quotes", "minutes", "<<", "", "0"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30))
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.sampled_from(KEYS), children, max_size=5)
    ),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=documents)
def test_generated_documents_give_only_clean_errors(tmp_path_factory, document: object) -> None:
    from handout_kit.source import load
    from handout_kit.validate import validate

    folder = tmp_path_factory.mktemp("gen")
    path = folder / "talk.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    try:
        talk = validate(load(path))
    except ContentError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.file.endswith("talk.yaml") and problem.what
    else:
        assert isinstance(talk, Talk)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300))
def test_random_bytes_give_only_clean_errors(tmp_path_factory, raw: bytes) -> None:
    from handout_kit.source import load
    from handout_kit.validate import validate

    path = tmp_path_factory.mktemp("bytes") / "talk.yaml"
    path.write_bytes(raw)
    try:
        validate(load(path))
    except ContentError as error:
        assert all(str(problem) for problem in error.problems)


def test_an_unbreakable_20000_character_word_is_refused_by_line(make_talk) -> None:
    word = "x" * 20_000
    project = make_talk(MINIMAL_TALK.replace("Keep going.", f"Keep going. {word}"))
    result = run_cli("build", project, "--only", "handout", "--format", "pdf")
    assert_clean_failure(
        result, "talk.yaml:10:15: groups[0].points[1].text: a word of 20,000 characters without a space"
    )


def test_a_long_word_wraps_inside_the_column(make_talk) -> None:
    word = "Self" + "-organizing" * 15  # 169 characters, hyphens only
    project = make_talk(MINIMAL_TALK.replace("Keep going.", f"Keep going. {word}"))
    result = run_cli("build", project, "--only", "handout", "--format", "pdf")
    assert result.exit_code == 0, result.output
    import pdfplumber

    with pdfplumber.open(project / "build" / "handout.pdf") as pdf:
        page = pdf.pages[0]
        assert max(char["x1"] for char in page.chars) < page.width - 36  # inside the margin


def test_enormous_text_is_a_clear_failure(make_talk) -> None:
    paragraph = "Enormous text that goes on and on. " * 6000
    result = run_cli("build", make_talk(MINIMAL_TALK.replace("Because.", paragraph)), "--only", "handout")
    assert_clean_failure(result, "the handout runs", "pages over its 2 pages", "talk.yaml:")


def test_pathological_markdown(make_talk) -> None:
    nasty = " ".join(["*" * 60, "[" * 60, "`" * 40, "![" * 40, "<" * 60, "_a_" * 30, "](" * 40] * 8)
    project = make_talk(MINIMAL_TALK.replace("Because.", f"'{nasty}'"))
    result = run_cli("build", project, "--only", "handout", "--format", "html")
    assert result.exit_code == 0, result.output
    assert "<script" not in (project / "build" / "handout.html").read_text().split("<body", 1)[1]


def test_rtl_cjk_and_emoji_text(make_talk) -> None:
    from handout_kit.fonts import uncovered

    text = "مجموعات العمل الذاتية 自组织工作小组 🤝🌱"
    project = make_talk(MINIMAL_TALK.replace("Keep going.", text))
    result = run_cli("build", project, "--only", "handout")
    assert result.exit_code == 0, result.output
    assert "自组织" in (project / "build" / "handout.html").read_text()
    assert read_pdf(project / "build" / "handout.pdf").pages  # laid out, whatever the fonts hold
    assert "Start small." in pdf_text(read_pdf(project / "build" / "handout.pdf"))
    missing = uncovered(text)  # what this machine's fonts lack decides what must be reported
    for character in missing:
        assert f"{character} (U+{ord(character):04X})" in result.output or len(missing) > 4
    if missing:
        assert "talk.yaml:10: groups[0].points[1].text: no installed font has" in result.output
        assert f"{missing[0]} (U+{ord(missing[0]):04X})" in result.output
        assert f"handout: {len(missing)} character(s) printed as empty boxes" in result.output


def test_characters_no_font_has_are_placed_and_fail_strict(make_talk) -> None:
    unassigned = "\u0378\u0379"  # no font can have these: Unicode assigns them nothing
    project = make_talk(MINIMAL_TALK.replace("Keep going.", f"Keep going {unassigned}."))
    result = run_cli("build", project, "--only", "handout", "--format", "pdf")
    assert result.exit_code == 0, result.output
    assert (
        "talk.yaml:10: groups[0].points[1].text: no installed font has \u0378 (U+0378), \u0379 (U+0379)"
        in (result.output)
    )
    assert "handout: 2 character(s) printed as empty boxes" in result.output
    assert_clean_failure(run_cli("build", project, "--strict"), "--strict", "no installed font has")


def test_remote_addresses_are_refused_offline(make_talk) -> None:
    text = MINIMAL_TALK.replace("Keep going.", "Keep going. ![x](https://example.org/a.png)")
    result = run_cli("build", make_talk(text), "--only", "handout")
    assert_clean_failure(result, "talk.yaml:10:", "the build is offline; add --allow-network")


# --- Trust (issue #11): one case per class of failure, each asserting what the user sees ---

OVERRIDE = "templates/handout/handout.html"
SECRET = "root:x:0:0"  # what /etc/passwd starts with


def _all_bytes(folder) -> bytes:
    return (
        b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()) if folder.exists() else b""
    )


@pytest.mark.parametrize(
    "template",
    [
        '{{ lipsum.__globals__.os.popen("touch MARKER; cat /etc/passwd").read() }}',
        '{{ cycler.__init__.__globals__.os.popen("touch MARKER").read() }}',
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ talk.__class__.__init__.__globals__ }}",
        "{{ '{0.__class__.__base__}'.format(talk) }}",
        '{% include "/etc/passwd" %}',
        '{% include "../../../../../../../../etc/passwd" %}',
        '{% include "handout/passwd.html" %}',  # a symlink to /etc/passwd inside the theme
    ],
)
def test_a_template_cannot_run_a_command_or_read_passwd(make_talk, template: str) -> None:
    import os

    project = make_talk(files={OVERRIDE: f"<p>\n{template}</p>"})
    os.symlink("/etc/passwd", project / "templates" / "handout" / "passwd.html")
    result = run_cli("build", project, "--only", "handout")
    assert_clean_failure(result, "templates/handout/handout.html:2:")
    assert "not allowed in a template" in result.output or "template not found" in result.output
    assert not (project / "MARKER").exists() and not (project / "content" / "MARKER").exists()
    assert SECRET not in result.output
    assert SECRET.encode() not in _all_bytes(project / "build")


@pytest.mark.parametrize(
    ("template", "fragments"),
    [
        ("<p>\n\n{{ 1 // 0 }}</p>", ["templates/handout/handout.html:3:", "ZeroDivisionError"]),
        (
            "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}\n{{ f(1) }}",
            ["templates/handout/handout.html:1:", "runaway recursion"],
        ),
        ("<p>\n{% include 'handout/nope.html' %}</p>", ["templates/handout/handout.html:2:", "not found"]),
        ('<p>{{ "x" * 10 ** 9 }}</p>', ["templates/handout/handout.html:1:", "not allowed in a template"]),
    ],
)
def test_template_runtime_errors_name_the_template_line(make_talk, template: str, fragments: list) -> None:
    result = run_cli("build", make_talk(files={OVERRIDE: template}), "--only", "handout")
    assert_clean_failure(result, *fragments)
    assert "internal error" not in result.output


def test_a_template_folder_linked_out_of_the_project_grants_no_content_reads(
    make_talk, tmp_path_factory
) -> None:
    import os

    elsewhere = tmp_path_factory.mktemp("home")
    (elsewhere / "secret.png").write_bytes(_png())
    (elsewhere / "handout").mkdir()
    project = make_talk()
    os.symlink(elsewhere, project / "templates")
    # Content cannot reach into the linked folder, directly or from inside an SVG.
    text = MINIMAL_TALK.replace("Keep going.", "Keep going. ![a secret](../templates/secret.png)")
    (project / "content" / "talk.yaml").write_text(text)
    assert_clean_failure(run_cli("build", project), "talk.yaml:10:", "lies outside the talk's folder")
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg"><image href="{(elsewhere / "secret.png").as_uri()}"/></svg>'
    )
    (project / "content" / "look.svg").write_text(svg)
    (project / "content" / "talk.yaml").write_text(
        MINIMAL_TALK.replace("Keep going.", "Keep going. ![x](look.svg)")
    )
    result = run_cli("build", project, "--only", "handout")
    assert_clean_failure(result, "talk.yaml:10:", "image 'look.svg' refers to", "outside the talk's folder")
    # A template may take a stylesheet from its folder, never a picture.
    (elsewhere / "extra.css").write_text("h1 { color: #123456; }")
    (project / "content" / "talk.yaml").write_text(MINIMAL_TALK)
    page = '<html><head><link rel="stylesheet" href="{}"></head><body><h1>x</h1>{}</body></html>'
    (elsewhere / "handout" / "handout.html").write_text(page.format((elsewhere / "extra.css").as_uri(), ""))
    assert run_cli("build", project, "--only", "handout", "--format", "pdf").exit_code == 0
    image = f'<img src="{(elsewhere / "secret.png").as_uri()}">'
    (elsewhere / "handout" / "handout.html").write_text(
        page.format((elsewhere / "extra.css").as_uri(), image)
    )
    result = run_cli("build", project, "--only", "handout", "--format", "pdf")
    assert_clean_failure(result, "handout: could not load", "secret.png (outside the talk's folder)")


def test_a_symlinked_build_folder_and_system_folders_are_refused(make_talk, tmp_path_factory) -> None:
    import os

    elsewhere = tmp_path_factory.mktemp("documents")
    (elsewhere / "keep.txt").write_text("mine")
    project = make_talk()
    os.symlink(elsewhere, project / "build")
    assert_clean_failure(run_cli("build", project), "build is a symbolic link", "--out")
    assert sorted(p.name for p in elsewhere.iterdir()) == ["keep.txt"]
    for folder in ("/", "/etc", "/usr/local/share", str(Path.home())):
        assert_clean_failure(run_cli("build", project, "--out", folder), "refusing to write into")
    assert not Path("/handout.pdf").exists() and not Path("/etc/handout.pdf").exists()


def test_a_full_disk_after_the_first_staged_output_keeps_every_previous_output(
    make_talk, monkeypatch
) -> None:
    import errno
    import os

    from handout_kit import write

    project = make_talk()
    assert run_cli("build", project, "--only", "handout").exit_code == 0
    build = project / "build"
    before = {p.name: p.read_bytes() for p in build.iterdir() if p.is_file()}
    assert {"handout.pdf", "handout.html"} <= set(before)
    (project / "content" / "talk.yaml").write_text(MINIMAL_TALK.replace("A Small Talk", "Changed"))
    real, staged = write._write_file, []

    def fills_the_disk(stream, data: bytes) -> None:
        if staged:
            stream.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(stream, data)
        staged.append(stream.name)

    monkeypatch.setattr(write, "_write_file", fills_the_disk)
    result = run_cli("build", project, "--only", "handout")
    assert_clean_failure(result, "cannot write", "No space left on device", "nothing was replaced")
    assert len(staged) == 1  # the first output was staged in full before the disk filled
    assert {p.name: p.read_bytes() for p in build.iterdir() if p.is_file()} == before
    assert not list(build.rglob(".handout-kit-*"))


def test_a_folder_in_the_way_of_one_output_replaces_none(make_talk) -> None:
    project = make_talk()
    assert run_cli("build", project, "--only", "handout", "--format", "pdf").exit_code == 0
    pdf = (project / "build" / "handout.pdf").read_bytes()
    (project / "build" / "handout.html").mkdir()
    (project / "content" / "talk.yaml").write_text(MINIMAL_TALK.replace("A Small Talk", "Changed"))
    result = run_cli("build", project, "--only", "handout")
    assert_clean_failure(result, "handout.html: a folder of that name is in the way")
    assert (project / "build" / "handout.pdf").read_bytes() == pdf
    assert not list((project / "build").rglob(".handout-kit-*"))


@pytest.mark.parametrize("delay", [0.0, 4.0])
def test_ctrl_c_exits_130_with_one_line_and_leaves_whole_files(make_talk, delay: float) -> None:
    import hashlib
    import os
    import signal
    import subprocess
    import sys
    import time

    project = make_talk()
    command = [
        sys.executable,
        "-m",
        "handout_kit",
        "build",
        str(project),
        "--only",
        "handout",
        "--only",
        "slides",
    ]
    assert subprocess.run(command, capture_output=True).returncode == 0
    build = project / "build"
    old = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in build.iterdir() if p.is_file()}
    (project / "content" / "talk.yaml").write_text(MINIMAL_TALK.replace("A Small Talk", "Changed"))
    assert ".handout-kit-leftover" not in old
    (build / ".handout-kit-leftover").write_bytes(b"half a file")  # as an earlier kill would leave
    process = subprocess.Popen(
        [*command, "--force", "--jobs", "2"],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    first = process.stderr.readline()  # the build has started: the kit is running, not Python
    time.sleep(delay)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the whole process group
    stdout, stderr = process.communicate(timeout=120)
    stderr = first + stderr
    output = (stdout + stderr).decode()
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output
    if process.returncode == 0:  # the build was already over: nothing to interrupt
        return
    assert process.returncode == 130, output
    lines = [line for line in stderr.decode().splitlines() if line.startswith("interrupted")]
    assert lines == [stderr.decode().splitlines()[-1]], output
    assert not [p for p in build.rglob(".handout-kit-*") if p.name != ".handout-kit-leftover"]
    new = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in build.iterdir() if p.is_file()}
    new.pop(".handout-kit-leftover", None)
    assert set(new) == set(old)
    changed = {name for name in old if new[name] != old[name]}
    assert changed in (set(), set(old)), changed  # all of the talk's outputs replaced, or none
    assert subprocess.run(command, capture_output=True).returncode == 0  # the next build cleans up
    assert not list(build.rglob(".handout-kit-*"))


def _png(size: tuple[int, int] = (40, 30), color: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    import io

    from PIL import Image

    stream = io.BytesIO()
    Image.new("RGB", size, color).save(stream, "PNG")
    return stream.getvalue()


def _noise() -> bytes:
    """A 200x200 PNG of random pixels (about 120 KB: cutting it anywhere cuts picture data)."""
    import io
    import random

    from PIL import Image

    stream = io.BytesIO()
    Image.frombytes("RGB", (200, 200), random.Random(1).randbytes(200 * 200 * 3)).save(stream, "PNG")
    return stream.getvalue()


def _png_bomb() -> bytes:
    import io

    from PIL import Image

    stream = io.BytesIO()
    Image.new("1", (30000, 30000)).save(stream, "PNG")  # 900 million pixels in a ~100 KB file
    return stream.getvalue()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (lambda: _noise()[:3000], "is damaged"),
        (lambda: b"this is no picture at all " * 30, "is not a picture the kit can read"),
        (_png_bomb, "decompression bomb"),
    ],
)
def test_a_bad_image_is_an_error_at_its_line(make_talk, data, reason: str) -> None:
    import weasyprint  # noqa: F401  (it tells Pillow to accept truncated files, as in `serve`)

    text = MINIMAL_TALK.replace("Keep going.", "Keep going. ![a picture](pic.png)")
    result = run_cli("build", make_talk(text, files={"content/pic.png": data()}), "--only", "handout")
    assert_clean_failure(result, "talk.yaml:10:15: groups[0].points[1].text: image 'pic.png'", reason)


def test_an_animated_gif_is_a_warning_and_names_with_spaces_or_accents_work(make_talk) -> None:
    import io

    from PIL import Image

    frames = [Image.new("RGB", (20, 20), color) for color in ((255, 0, 0), (0, 0, 255))]
    stream = io.BytesIO()
    frames[0].save(stream, "GIF", save_all=True, append_images=frames[1:])
    text = MINIMAL_TALK.replace(
        "Keep going.", "Keep going. ![moving](moving.gif) ![red](my photo.png) ![blue](café.png)"
    )
    files = {
        "content/moving.gif": stream.getvalue(),
        "content/my photo.png": _png(),
        "content/café.png": _png(),
    }
    project = make_talk(text, files=files)
    result = run_cli("build", project, "--only", "handout")
    assert result.exit_code == 0, result.output
    assert (
        "talk.yaml:10:15: groups[0].points[1].text: image 'moving.gif' is animated (2 frames)"
        in result.output
    )
    page = read_pdf(project / "build" / "handout.pdf").pages[0]
    assert len(page.images) == 3
    html = (project / "build" / "handout.html").read_text()
    assert html.count('src="data:image/') == 3
    assert_clean_failure(run_cli("build", project, "--only", "handout", "--strict"), "is animated")


def test_outputs_hold_no_local_path_and_do_not_depend_on_the_folder(tmp_path_factory) -> None:
    import os
    import shutil

    first = tmp_path_factory.mktemp("first-place")
    second = tmp_path_factory.mktemp("second-place-with-a-longer-name")
    text = MINIMAL_TALK.replace("Keep going.", "Keep going. ![red](my photo.png), see [the notes](notes.md)")
    for folder in (first, second):
        (folder / "content").mkdir()
        (folder / "content" / "talk.yaml").write_text(text)
        (folder / "content" / "my photo.png").write_bytes(_png())
        (folder / "content" / "notes.md").write_text("notes")
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    for folder in (first, second):
        import subprocess
        import sys

        command = [sys.executable, "-m", "handout_kit", "build", str(folder)]
        done = subprocess.run(command, capture_output=True, text=True, env=environment)
        assert done.returncode == 0, done.stdout + done.stderr
    outputs = sorted(p.name for p in (first / "build").iterdir() if p.is_file())
    assert "handout.pdf" in outputs and "slides.pdf" in outputs
    for name in outputs:
        data = (first / "build" / name).read_bytes()
        assert data == (second / "build" / name).read_bytes(), name
        for private in (str(first), str(first.parent), "file:///"):
            assert private.encode() not in data, (name, private)
    shutil.rmtree(second)


def test_two_mib_of_text_is_refused_before_layout(make_talk) -> None:
    paragraph = "Enormous text that goes on and on. " * 59_000  # just under the 2 MiB file limit
    result = run_cli("build", make_talk(MINIMAL_TALK.replace("Because.", paragraph)))
    assert_clean_failure(
        result, "the handout runs at least", "pages over its 2 pages", "content/talk.yaml:16", "2,065,0"
    )
    assert "rendering" not in result.output  # refused before any artefact was laid out


def test_the_alias_bomb_limit_lets_10000_exercises_through(tmp_path) -> None:
    from handout_kit.source import load

    exercises = "".join(
        f"  - {{id: e{i}, title: Exercise {i}, prompt: Case {i}., minutes: 5,"
        f" steps: [{{text: Alone, minutes: 2}}, {{text: Share, minutes: 3}}], grouping: {{mode: pairs}}}}\n"
        for i in range(10_000)
    )
    path = tmp_path / "talk.yaml"
    path.write_text(MINIMAL_TALK + "exercises:\n" + exercises)
    assert len(load(path).data["exercises"]) == 10_000
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    )
    path.write_text(bomb)
    with pytest.raises(ContentError, match="alias bomb"):
        load(path)


def test_messages_escape_control_characters_and_clip_long_values(make_talk) -> None:
    title = r"\e]0;pwned\a\e[2J"
    text = MINIMAL_TALK + f'theme:\n  paper: "{title}"\n'
    result = run_cli("check", make_talk(text))
    assert_clean_failure(result, "theme.paper", "\\x1b]0;pwned\\x07")
    assert "\x1b" not in result.output and "\x07" not in result.output
    uri = "data:image/png;base64," + "A" * 1_400_000
    result = run_cli("check", make_talk(MINIMAL_TALK.replace("Keep going.", f"Keep going. [x]({uri})")))
    assert_clean_failure(result, "talk.yaml:10:", "is not allowed", "(1,400,022 characters)")
    assert len(result.output) < 2_000
