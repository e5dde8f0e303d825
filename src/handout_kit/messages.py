"""Make text from a talk safe to print: control characters escaped, endless values clipped.

A talk must not be able to retitle the terminal or clear it (an escape sequence in a title),
nor bury a message under a megabyte of one refused value."""

from __future__ import annotations

import re

# C0 controls but newline and tab, DEL, C1 controls, and the bidirectional overrides that
# can make a line read differently from what it holds.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
LONGEST_RUN = 200  # characters without a space quoted whole; a longer run is cut
KEPT = 80


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _clip(match: re.Match[str]) -> str:
    run = match[0]
    return f"{run[:KEPT]}\u2026 ({len(run):,} characters)"


def clean(text: str) -> str:
    """`text` with control characters written as escapes (\\x1b) and every run of more than
    LONGEST_RUN characters without a space or a quote cut to its start and its length."""
    text = _CONTROL.sub(_escape, text)
    return re.sub(rf"[^\s'\"\u2018-\u201d]{{{LONGEST_RUN + 1},}}", _clip, text)
