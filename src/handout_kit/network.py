"""Files from the web, only when the user allows it (`--allow-network`), each within a short
timeout. A build is offline by default; a slow or hanging server costs seconds, not minutes.

Each address is fetched once per process, and a failure is remembered too, so a dead server
is waited for once, not once per layout pass.
"""

from __future__ import annotations

import time

DEFAULT_TIMEOUT = 5.0  # seconds, for the whole of one file
MAX_BYTES = 20 * 1024 * 1024
REMOTE_SCHEMES = ("http://", "https://")

_fetched: dict[str, tuple[bytes, str] | str] = {}  # address -> (data, content type) or why it failed


class RemoteFileError(Exception):
    """A file from the web could not be had in time; the message says why."""


def forget() -> None:
    """Start afresh: a new build fetches again what the last one fetched or failed to."""
    _fetched.clear()


def is_remote(address: str) -> bool:
    return address.lower().startswith(REMOTE_SCHEMES)


def fetch(address: str, timeout: float = DEFAULT_TIMEOUT) -> tuple[bytes, str]:
    """The body and content type at `address`, or RemoteFileError within about `timeout` s."""
    if not is_remote(address):
        raise RemoteFileError(f"{address}: not a web address")
    if address not in _fetched:
        try:
            _fetched[address] = _download(address, timeout)
        except RemoteFileError as error:
            _fetched[address] = str(error)
    outcome = _fetched[address]
    if isinstance(outcome, str):
        raise RemoteFileError(outcome)
    return outcome


def _download(address: str, timeout: float) -> tuple[bytes, str]:
    import urllib.error
    import urllib.request  # only a build that fetches pays for importing these

    deadline = time.monotonic() + timeout
    request = urllib.request.Request(address, headers={"User-Agent": "handout-kit"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            kind = response.headers.get_content_type()
            chunks, size = [], 0
            while chunk := response.read(64 * 1024):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise RemoteFileError(f"{address}: larger than {MAX_BYTES // 2**20} MiB")
                if time.monotonic() > deadline:
                    raise TimeoutError
                chunks.append(chunk)
    except TimeoutError:
        raise RemoteFileError(f"{address}: no answer within {timeout:g} s") from None
    except urllib.error.HTTPError as error:
        raise RemoteFileError(f"{address}: the server answered {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError):
            raise RemoteFileError(f"{address}: no answer within {timeout:g} s") from None
        raise RemoteFileError(f"{address}: {reason}") from None
    return b"".join(chunks), kind
