"""Images from the web: refused by default, fetched with --allow-network, never waited on long."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import MINIMAL_TALK, assert_clean_failure, read_pdf, run_cli

SQUARE = '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>'


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/square.svg":
            body = SQUARE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "image/svg+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/hang.svg":
            time.sleep(30)  # a server that accepts and never answers
        else:
            self.send_error(404)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def talk_with_image(address: str) -> str:
    return MINIMAL_TALK.replace("Keep going.", f"Keep going. ![a black square]({address})")


def test_allowed_network_fetches_the_image_into_pdf_and_html(make_talk, server: str) -> None:
    project = make_talk(talk_with_image(f"{server}/square.svg"))
    assert_clean_failure(run_cli("build", project, "--only", "handout"), "add --allow-network")
    result = run_cli("build", project, "--only", "handout", "--allow-network")
    assert result.exit_code == 0, result.output
    html = (project / "build" / "handout.html").read_text()
    source = re.search(r'<img src="([^"]+)" alt="a black square"', html)[1]
    assert base64.b64decode(source.removeprefix("data:image/svg+xml;base64,")).decode() == SQUARE
    assert read_pdf(project / "build" / "handout.pdf").pages


def test_a_missing_remote_image_names_the_address_and_the_answer(make_talk, server: str) -> None:
    project = make_talk(talk_with_image(f"{server}/gone.png"))
    result = run_cli("build", project, "--only", "handout", "--allow-network")
    assert_clean_failure(result, f"{server}/gone.png", "the server answered 404")
    assert not (project / "build" / "handout.pdf").exists()


def test_a_hanging_server_costs_one_short_timeout_not_the_build(make_talk, server: str) -> None:
    project = make_talk(talk_with_image(f"{server}/hang.svg"))
    command = [sys.executable, "-m", "handout_kit", "build", str(project), "--only", "handout"]
    command += ["--allow-network", "--network-timeout", "1"]
    # The subprocess timeout only stops a hung test; the build itself must give up on its own.
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert f"{server}/hang.svg: no answer within 1 s" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (project / "build" / "handout.pdf").exists()
