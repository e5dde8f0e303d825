"""Every error path of the CLI ends in a clear message, never an internal error; `serve` is safe
on a laptop on a hostile network (issue #11)."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import MINIMAL_TALK, assert_clean_failure, run_cli
from test_serve import server  # noqa: F401  (the fixture: a real `serve` process)

EVIL_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="9" height="9">'
    '<image xlink:href="file:///etc/passwd" width="9" height="9"/></svg>'
)


def _talk(text: str = MINIMAL_TALK, files: dict | None = None) -> Callable[[Callable, Path], list]:
    def setup(make_talk: Callable, tmp_path: Path) -> list:
        return [make_talk(text, files=files)]

    return setup


def _init_under_a_file(make_talk: Callable, tmp_path: Path) -> list:
    (tmp_path / "a-file").write_text("not a folder")
    return [tmp_path / "a-file" / "talk"]


def _symlinked_build(make_talk: Callable, tmp_path: Path) -> list:
    project = make_talk()
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", project / "build")
    return [project]


def _a_folder_in_the_way(make_talk: Callable, tmp_path: Path) -> list:
    project = make_talk()
    (project / "build" / "handout.html").mkdir(parents=True)
    return [project]


def _taken_port(make_talk: Callable, tmp_path: Path) -> list:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    _KEEP.append(taken)
    return [make_talk(), str(taken.getsockname()[1])]


def _unreadable(make_talk: Callable, tmp_path: Path) -> list:
    # The build reads only what the talk names: an unreadable file it does not name is no error.
    text = MINIMAL_TALK.replace(
        "      - text: Keep going.", "      - text: Keep going.\n        notes: {file: notes/draft.md}"
    )
    project = make_talk(text, files={"content/notes/draft.md": "private"})
    (project / "content" / "notes" / "draft.md").chmod(0)
    return [project]


def _not_a_talk(make_talk: Callable, tmp_path: Path) -> list:
    (tmp_path / "empty").mkdir()
    return [tmp_path / "empty"]


_KEEP: list[socket.socket] = []
HANDOUT = "templates/handout/handout.html"

# (what is wrong, how the project is made, the command (SOURCE and ARG are filled in), message)
ERROR_PATHS = [
    ("top-level key links[0]:", _talk(MINIMAL_TALK + "links[0]:\n  x: 1\n"), ["check", "SOURCE"],
     ["talk.yaml:18:1: links[0]: unknown key 'links[0]'; did you mean 'links'?"]),
    ("top-level key function-after:", _talk(MINIMAL_TALK + "function-after: 1\n"), ["check", "SOURCE"],
     ["talk.yaml:18:1: function-after: unknown key 'function-after'"]),
    ("nested key function-after:",
     _talk(MINIMAL_TALK.replace("  - title: First things", "  - title: First things\n    function-after: 2")),
     ["check", "SOURCE"], ["talk.yaml:8:5: groups[0].function-after: unknown key 'function-after'"]),
    ("unreadable file in content/", _unreadable, ["build", "SOURCE"],
     ["content/notes/draft.md", "cannot be read (Permission denied)"]),
    ("template divides by zero", _talk(files={HANDOUT: "<p>\n{{ 1 / 0 }}</p>"}), ["build", "SOURCE"],
     ["templates/handout/handout.html:2: ZeroDivisionError: division by zero"]),
    ("template recursion",
     _talk(files={HANDOUT: "{% macro f() %}{{ f() }}{% endmacro %}\n{{ f() }}"}), ["build", "SOURCE"],
     ["templates/handout/handout.html:1: runaway recursion"]),
    ("missing include", _talk(files={HANDOUT: "<p>\n{% include 'handout/gone.html' %}</p>"}),
     ["build", "SOURCE"], ["templates/handout/handout.html:2: template not found: handout/gone.html"]),
    ("template reaches Python internals", _talk(files={HANDOUT: "{{ lipsum.__globals__ }}"}),
     ["build", "SOURCE"], ["templates/handout/handout.html:1: not allowed in a template"]),
    ("file refused from inside an SVG",
     _talk(MINIMAL_TALK.replace("Keep going.", "Keep going. ![x](evil.svg)"), {"content/evil.svg": EVIL_SVG}),
     ["build", "SOURCE"], ["talk.yaml:10:15:", "image 'evil.svg' refers to 'file:///etc/passwd'"]),
    ("init under a file", _init_under_a_file, ["init", "SOURCE"], ["a-file is a file, not a folder"]),
    ("init over an existing project", _talk(), ["init", "SOURCE"], ["already exist", "nothing was changed"]),
    ("serve --port above 65535", _talk(), ["serve", "SOURCE", "--port", "70000"],
     ["70000 is not in the range 0<=x<=65535"]),
    ("serve --port in use", _taken_port, ["serve", "SOURCE", "--port", "ARG"],
     ["is in use; choose another with --port"]),
    ("build --out /", _talk(), ["build", "SOURCE", "--out", "/"], ["refusing to write into /"]),
    ("serve --out /etc", _talk(), ["serve", "SOURCE", "--out", "/etc"], ["refusing to write into /etc"]),
    ("a symlinked build/", _symlinked_build, ["build", "SOURCE"], ["build is a symbolic link"]),
    ("a folder in the way of an output", _a_folder_in_the_way, ["build", "SOURCE", "--only", "handout"],
     ["handout.html: a folder of that name is in the way"]),
    ("--out inside content/", _talk(), ["build", "SOURCE", "--out", "SOURCE/content/out"],
     ["lies inside the content folder"]),
    ("no talk in the folder", _not_a_talk, ["build", "SOURCE"], ["no content/talk.yaml here"]),
    ("check of a folder without a talk", _not_a_talk, ["check", "SOURCE"], ["no content/talk.yaml here"]),
    ("talk file missing", _talk(), ["check", "SOURCE/content/nope.yaml"], ["file not found"]),
    ("talk not UTF-8", _talk(b"title: caf\xe9\n"), ["check", "SOURCE"], ["not UTF-8 text (byte 0xe9)"]),
    ("unknown artefact", _talk(), ["build", "SOURCE", "--only", "poster"], ["Invalid value for '--only'"]),
    ("--templates names a file", _talk(), ["build", "SOURCE", "--templates", "SOURCE/content/talk.yaml"],
     ["Invalid value for '--templates'"]),
    ("eject an unknown template", _talk(), ["templates", "eject", "nope.html", "SOURCE"],
     ["no built-in template 'nope.html'"]),
    ("eject over an ejected one", _talk(files={HANDOUT: "x"}),
     ["templates", "eject", "handout/handout.html", "SOURCE"], ["already exists; nothing was changed"]),
    ("templates list outside a project", _not_a_talk, ["templates", "list", "SOURCE"],
     ["no content/talk.yaml"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("setup", "command", "fragments"), [p[1:] for p in ERROR_PATHS], ids=[p[0] for p in ERROR_PATHS]
)
def test_every_cli_error_path_is_a_clear_message(
    make_talk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setup, command: list, fragments: list
) -> None:
    made = setup(make_talk, tmp_path)
    if os.geteuid() == 0:  # root reads any file: refuse what a user could not read, as the kernel would
        real = Path.read_bytes

        def read_bytes(path: Path) -> bytes:
            if path.exists() and path.stat().st_mode & 0o777 == 0:
                raise PermissionError(13, "Permission denied", str(path))
            return real(path)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    source = str(made[0])
    args = [a.replace("SOURCE", source).replace("ARG", str(made[-1])) for a in command]
    monkeypatch.chdir(tmp_path)
    result = run_cli(*args)
    assert_clean_failure(result, *fragments)
    assert "internal error" not in result.output
    for taken in _KEEP:
        taken.close()
    _KEEP.clear()


def test_check_json_reports_an_error_path_as_data(make_talk) -> None:
    result = run_cli("check", make_talk(MINIMAL_TALK + "links[0]: x\n"), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    error = report["errors"][0]
    assert report["ok"] is False and "links[0]: unknown key 'links[0]'" in error["message"]
    assert error["line"] == 18


def _get(port: int, path: str, host: str | None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("GET", path, skip_host=True)
    if host is not None:
        connection.putheader("Host", host)
    connection.endheaders()
    response = connection.getresponse()
    status, body = response.status, response.read()
    connection.close()
    return status, body


def test_serve_is_safe_on_a_hostile_network(server, tmp_path_factory) -> None:  # noqa: F811
    project, url, process = server
    port = int(url.rstrip("/").rsplit(":", 1)[1])
    build = project / "build"

    # DNS rebinding: a page of another site names its own host; only loopback names are served.
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1.evil.example:{port}", None):
        status, body = _get(port, "/handout.html", host)
        assert status == 403 and b"A Small Talk" not in body, host
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"):
        status, body = _get(port, "/handout.html", host)
        assert status == 200 and b"<title>A Small Talk</title>" in body, host

    # Symlinks out of build/ are not followed, to a file or to a folder.
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.txt").write_text("TOP SECRET")
    os.symlink(outside / "secret.txt", build / "secret.txt")
    os.symlink(outside, build / "linked")
    for path in ("/secret.txt", "/linked/secret.txt", "/linked/"):
        status, body = _get(port, path, f"127.0.0.1:{port}")
        assert status == 404 and b"TOP SECRET" not in body and b"secret.txt" not in body, path

    # The listing escapes file names; a file name or a page that is not UTF-8 is no trouble.
    (build / "handout.html").rename(build / "moved.html")
    (build / '<img src=x onerror="alert(1)">.txt').write_text("x")
    (build / os.fsdecode(b"caf\xe9.txt")).write_text("x")
    (build / "latin1.html").write_bytes(b"<html><body>caf\xe9</body></html>")
    status, body = _get(port, "/", f"localhost:{port}")
    assert status == 200
    assert b"<img src=x" not in body and b"&lt;img src=x onerror=&quot;alert(1)&quot;&gt;.txt" in body
    assert b"secret.txt" not in body and b"caf%E9.txt" in body
    status, body = _get(port, "/latin1.html", f"localhost:{port}")
    assert status == 200 and "caf\ufffd".encode() in body

    # A client that closes early (a reload, a closed tab) costs nothing.
    for _ in range(5):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
            client.sendall(f"GET /handout.pdf HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            client.recv(10)
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset
    status, _ = _get(port, "/handout.pdf", f"127.0.0.1:{port}")
    assert status == 200

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=15) == 0
    output = process.stdout.read()
    assert "stopped" in output and "Traceback" not in output and "Error" not in output, output
