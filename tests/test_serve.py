"""`handout-kit serve`: a real server process, real saves, real rebuilds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import MINIMAL_TALK


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def wait_for(predicate, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)


@pytest.fixture
def server(make_talk):
    project = make_talk()
    process = subprocess.Popen(
        [sys.executable, "-m", "handout_kit", "serve", str(project), "--only", "handout"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = None
    deadline = time.monotonic() + 60
    while url is None and time.monotonic() < deadline:
        line = process.stdout.readline()
        if line.startswith("serving "):
            url = line.split()[1]
    assert url, "the server did not start"
    yield project, url, process
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)


def test_serve_rebuilds_on_save_and_survives_a_bad_edit(server) -> None:
    project, url, process = server
    talk = project / "content" / "talk.yaml"
    page = fetch(url + "handout.html")
    assert "<title>A Small Talk</title>" in page and "/__handout_kit/status" in page
    assert "handout.pdf" in fetch(url)

    talk.write_text(MINIMAL_TALK.replace("A Small Talk", "A Larger Talk"))
    wait_for(lambda: "<title>A Larger Talk</title>" in fetch(url + "handout.html"))

    talk.write_text(MINIMAL_TALK.replace("title: A Small Talk", "titel: Broken"))
    wait_for(lambda: json.loads(fetch(url + "__handout_kit/status"))["error"] is not None)
    error = json.loads(fetch(url + "__handout_kit/status"))["error"]
    assert "unknown key 'titel'; did you mean 'title'?" in error
    assert process.poll() is None  # still serving, the last good page still there
    assert "<title>A Larger Talk</title>" in fetch(url + "handout.html")

    talk.write_text(MINIMAL_TALK.replace("A Small Talk", "Fixed Again"))
    wait_for(lambda: json.loads(fetch(url + "__handout_kit/status"))["error"] is None)
    wait_for(lambda: "<title>Fixed Again</title>" in fetch(url + "handout.html"))

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=15) == 0
    assert "stopped" in process.stdout.read()
