"""Ctrl-C as the kit reports it: exit 130 with one line, never a traceback from any process."""

from __future__ import annotations

import os
import signal
from types import FrameType

EXIT_CODE = 130  # 128 + SIGINT, what shells expect of a program stopped by Ctrl-C


_seen: list[bool] = []


def was_interrupted() -> bool:
    """Whether Ctrl-C came (a render process may have ended before the main one heard it)."""
    return bool(_seen)


class Interrupted(BaseException):
    """Ctrl-C in the main process (not a KeyboardInterrupt: click would print its own lines)."""


def install() -> None:
    """Ctrl-C raises `Interrupted` in this process; a render process forked from it later just
    ends, silently (the main process reports the interruption once)."""
    main_pid = os.getpid()

    def handle(signum: int, frame: FrameType | None) -> None:
        if os.getpid() != main_pid:
            os._exit(EXIT_CODE)
        _seen.append(True)
        raise Interrupted

    signal.signal(signal.SIGINT, handle)
