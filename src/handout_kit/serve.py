"""`handout-kit serve`: build, serve build/ on localhost, rebuild on every save, reload pages.

A failed rebuild keeps the last good files and the server; the error shows in the terminal
and over every open page until the next good save.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import cast
from urllib.parse import quote

from .build import BuildOptions, build
from .discover import find_content, project_dir_of
from .errors import KitError
from .interrupt import Interrupted
from .messages import clean
from .write import check_out_dir

STATUS_PATH = "/__handout_kit/status"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")

# Polls the server; reloads when a new build is in, shows the error while one is not.
RELOAD_SCRIPT = """
<script>
(function () {
  var seen = null, box = null;
  function show(error) {
    if (!error) { if (box) { box.remove(); box = null; } return; }
    if (!box) {
      box = document.createElement("pre");
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;z-index:99;margin:0;" +
        "padding:12px 16px;background:#7a1a00;color:#fff;font:13px/1.4 monospace;" +
        "white-space:pre-wrap;max-height:50%;overflow:auto";
      document.body.appendChild(box);
    }
    box.textContent = "handout-kit: the last save did not build\\n\\n" + error;
  }
  function poll() {
    fetch("STATUS_PATH", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
      if (seen !== null && s.version !== seen && !s.error) { location.reload(); return; }
      seen = s.version; show(s.error);
    }).catch(function () {}).finally(function () { setTimeout(poll, 400); });
  }
  poll();
})();
</script>
""".replace("STATUS_PATH", STATUS_PATH)


@dataclass
class ServeState:
    """What the pages poll: the build number, and the error of the last build if it failed."""

    version: int = 0
    error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def as_json(self) -> bytes:
        with self.lock:
            return json.dumps({"version": self.version, "error": self.error}).encode()


class _Handler(SimpleHTTPRequestHandler):
    """Serves the output folder to this machine only: a request must name the server by a
    loopback name (a DNS-rebinding page names its own), and only files that lie inside the
    folder once links are followed are sent."""

    state: ServeState
    root: Path

    def handle(self) -> None:
        with contextlib.suppress(ConnectionError, TimeoutError):  # a tab closed early: no news
            super().handle()

    def do_GET(self) -> None:
        if not self._host_allowed():
            self.send_error(HTTPStatus.FORBIDDEN, "This server answers only to localhost")
            return
        if self.path.split("?")[0] == STATUS_PATH:
            self._send(self.state.as_json(), "application/json")
            return
        path = Path(self.translate_path(self.path))
        if not self._inside(path):
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return
        if path.is_dir() and not (path / "index.html").exists():
            self._send(self._index(path).encode(), "text/html; charset=utf-8")
            return
        if path.suffix == ".html" and path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            self._send(_with_reload(text).encode(), "text/html; charset=utf-8")
            return
        super().do_GET()

    def do_HEAD(self) -> None:
        if not self._host_allowed() or not self._inside(Path(self.translate_path(self.path))):
            self.send_error(HTTPStatus.FORBIDDEN)
            return
        super().do_HEAD()

    def _host_allowed(self) -> bool:
        host = self.headers.get("Host", "")
        port = cast("tuple[str, int]", self.server.server_address)[1]  # a TCP server's (host, port)
        return host in {f"{name}:{port}" for name in LOOPBACK_NAMES}

    def _inside(self, path: Path) -> bool:
        try:
            return path.resolve().is_relative_to(self.root)
        except (OSError, RuntimeError):
            return False

    def _index(self, folder: Path) -> str:
        names = [
            os.fsencode(p.name)
            for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.startswith(".") and self._inside(p)
        ]
        links = "".join(
            f'<li><a href="{quote(name)}">{escape(name.decode("utf-8", "replace"))}</a></li>'
            for name in names
        )
        return _with_reload(f"<!doctype html><title>handout-kit</title><h1>build/</h1><ul>{links}</ul>")

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # the terminal is for builds, not for every request


def _with_reload(html: str) -> str:
    """The page with the reload script, and without the deck's offline-only policy (which
    forbids the script's request to this server)."""
    import re

    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    return html.replace("</body>", RELOAD_SCRIPT + "</body>") if "</body>" in html else html + RELOAD_SCRIPT


def serve(
    options: BuildOptions,
    host: str = "127.0.0.1",
    port: int = 0,
    echo: Callable[[str], None] = print,
    stop: threading.Event | None = None,
) -> None:
    """Build, serve the output folder, and rebuild on every change until Ctrl-C (or `stop`)."""
    from watchfiles import watch

    content_file = find_content(options.source)
    project = project_dir_of(content_file)
    check_out_dir(options.out_dir or project / "build", named=options.out_dir is not None)
    out_dir = (options.out_dir or project / "build").resolve()
    # One process: forking beside the server's thread is not worth the risk for a rebuild.
    options = replace(options, source=content_file, out_dir=out_dir, jobs=1)
    template_dirs = [d.resolve() for d in (options.templates_dir, project / "templates") if d and d.is_dir()]
    state = ServeState()
    handler = partial(type("Handler", (_Handler,), {"state": state, "root": out_dir}), directory=str(out_dir))
    server = _listen(host, port, handler)  # before the first build: a taken port fails at once
    _rebuild(options, options.only, state, echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    echo(f"serving http://{host}:{server.server_port}/ (Ctrl-C to stop)")
    watched = [content_file.parent.resolve(), *template_dirs]
    try:
        for changes in watch(*watched, stop_event=stop, debounce=100, step=30, rust_timeout=500):
            paths = {Path(p).resolve() for _, p in changes}
            if any(not p.is_relative_to(out_dir) for p in paths):
                _rebuild(options, options.only, state, echo)  # the cache renders what read a change
    except (KeyboardInterrupt, Interrupted):
        pass
    finally:
        server.shutdown()
        server.server_close()
        echo("stopped")


def _listen(host: str, port: int, handler: Callable[..., BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    if not 0 <= port <= 65535:
        raise ServeError(f"--port {port}: a port is a number from 1 to 65535 (0 picks a free one)")
    try:
        return _Server((host, port), handler)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            what = f"port {port} is in use; choose another with --port, or --port 0 for a free one"
            raise ServeError(what) from None
        raise ServeError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A request that failed is the browser's business, not a traceback in the terminal."""
        import sys

        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError | TimeoutError):
            print(f"warning: a request failed: {type(error).__name__}: {error}", file=sys.stderr)


class ServeError(KitError):
    """The server could not start."""


def _rebuild(
    options: BuildOptions, only: Sequence[str], state: ServeState, echo: Callable[[str], None]
) -> None:
    started = time.perf_counter()
    try:
        report = build(replace(options, only=tuple(only)))
    except KitError as error:
        with state.lock:
            state.error = error.format_message()
            state.version += 1
        echo(f"error: {error.format_message()}")
        return
    with state.lock:
        state.error = None
        state.version += 1
    for warning in report.warnings:
        echo(f"warning: {clean(str(warning))}")
    names = ", ".join(written.output.name for written in report.written) or "nothing"
    kept = f"; unchanged: {', '.join(report.unchanged)}" if report.unchanged else ""
    echo(f"rebuilt {names}{kept} in {time.perf_counter() - started:.2f} s")
