"""`handout-kit serve`: build, serve build/ on localhost, rebuild on every save, reload pages.

A failed rebuild keeps the last good files and the server; the error shows in the terminal
and over every open page until the next good save.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .build import BuildOptions, build, find_content, project_dir_of
from .errors import KitError
from .interrupt import Interrupted
from .render import ARTEFACTS

STATUS_PATH = "/__handout_kit/status"
TEMPLATE_ARTEFACTS = {
    "handout": ("handout",),
    "slides": ("slides",),
    "cards": ("cards",),
    "runsheet": ("run-sheet",),
}

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
    state: ServeState

    def do_GET(self) -> None:
        if self.path.split("?")[0] == STATUS_PATH:
            self._send(self.state.as_json(), "application/json")
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir() and not (path / "index.html").exists():
            self._send(self._index(path).encode(), "text/html; charset=utf-8")
            return
        if path.suffix == ".html" and path.is_file():
            self._send(_with_reload(path.read_text(encoding="utf-8")).encode(), "text/html; charset=utf-8")
            return
        super().do_GET()

    def _index(self, folder: Path) -> str:
        links = "".join(
            f'<li><a href="{p.name}">{p.name}</a></li>' for p in sorted(folder.iterdir()) if p.is_file()
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


def artefacts_for(changes: set[Path], template_dirs: list[Path]) -> tuple[str, ...]:
    """Only what the changed files touch: a template folder names its artefact; anything
    else (the talk, its images, shared templates) touches them all."""
    touched: set[str] = set()
    for path in changes:
        folder = next((d for d in template_dirs if path.is_relative_to(d)), None)
        if folder is None:
            return tuple(ARTEFACTS)
        top = path.relative_to(folder).parts[0] if path.relative_to(folder).parts else ""
        if top not in TEMPLATE_ARTEFACTS:
            return tuple(ARTEFACTS)
        touched.update(TEMPLATE_ARTEFACTS[top])
    return tuple(name for name in ARTEFACTS if name in touched)


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
    out_dir = (options.out_dir or project / "build").resolve()
    # One process: forking beside the server's thread is not worth the risk for a rebuild.
    options = replace(options, source=content_file, out_dir=out_dir, jobs=1)
    template_dirs = [d.resolve() for d in (options.templates_dir, project / "templates") if d and d.is_dir()]
    state = ServeState()
    _rebuild(options, options.only, state, echo)
    handler = partial(type("Handler", (_Handler,), {"state": state}), directory=str(out_dir))
    server = ThreadingHTTPServer((host, port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    echo(f"serving http://{host}:{server.server_port}/ (Ctrl-C to stop)")
    watched = [content_file.parent.resolve(), *template_dirs]
    try:
        for changes in watch(*watched, stop_event=stop, debounce=100, step=30, rust_timeout=500):
            paths = {Path(p).resolve() for _, p in changes}
            paths = {p for p in paths if not p.is_relative_to(out_dir)}
            if paths:
                only = artefacts_for(paths, template_dirs)
                if options.only:
                    only = tuple(name for name in only if name in options.only)
                _rebuild(options, only, state, echo)
    except (KeyboardInterrupt, Interrupted):
        pass
    finally:
        server.shutdown()
        server.server_close()
        echo("stopped")


def _rebuild(
    options: BuildOptions, only: tuple[str, ...] | list[str], state: ServeState, echo: Callable
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
        echo(f"warning: {warning}")
    names = ", ".join(written.output.name for written in report.written)
    echo(f"rebuilt {names} in {time.perf_counter() - started:.2f} s")
