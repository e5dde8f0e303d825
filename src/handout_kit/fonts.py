"""Installed fonts found through fontconfig, subset to the text used and embedded as data: URIs,
so an HTML output works on a laptop that has none of them."""

from __future__ import annotations

import base64
import bisect
import hashlib
import io
import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .errors import BuildWarning

# CSS weight -> fontconfig weight (fontconfig's own scale).
GLYPH_CODE = "missing-glyph"
FC_WEIGHTS = {300: 50, 400: 80, 500: 100, 600: 180, 700: 200, 800: 205, 900: 210}


@dataclass(frozen=True)
class Face:
    family: str
    weight: int = 400
    italic: bool = False


def find_font_file(face: Face) -> Path | None:
    """The file fontconfig picks for `face`, or None when the family is not installed."""
    found = find_font(face)
    return found[0] if found else None


@cache
def find_font(face: Face) -> tuple[Path, int] | None:
    """The file fontconfig picks for `face` and the face's number in it (a collection such as
    Noto Sans CJK holds several), or None when the family is not installed."""
    if shutil.which("fc-match") is None:
        return None
    pattern = f"{face.family}:weight={FC_WEIGHTS.get(face.weight, 80)}"
    if face.italic:
        pattern += ":slant=100"
    result = subprocess.run(
        ["fc-match", "--format=%{family}\n%{file}\n%{index}", pattern],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = result.stdout.splitlines()
    if len(lines) < 2:
        return None
    families = [name.strip().lower() for name in lines[0].split(",")]
    if face.family.lower() not in families:
        return None
    return Path(lines[1]), int(lines[2]) if len(lines) > 2 and lines[2].isdigit() else 0


@cache
def _subset_woff2(path: Path, mtime: float, characters: str, number: int = 0) -> bytes:
    import logging

    from fontTools import subset

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    options = subset.Options()
    options.flavor = "woff2"
    # Kerning only: keeping every OpenType feature costs 0.3 s a face for no visible gain.
    options.layout_features = ["kern"]
    options.drop_tables += ["Silf", "Sill", "Glat", "Gloc", "Feat"]  # Graphite: browsers ignore it
    options.notdef_outline = True
    from fontTools.ttLib import TTFont

    if path.suffix.lower() in (".ttc", ".otc"):  # a collection: take the face fontconfig chose
        font = TTFont(str(path), fontNumber=number, lazy=True)
    else:
        font = subset.load_font(str(path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    return buffer.getvalue()


# Always kept, whatever the text: digits and signs for timers, counters and page numbers.
BASE_CHARACTERS = (
    "0123456789:/-+.,%() ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    "\u2013\u2014\u00b7\u00d7\u2032"  # en and em dash, middle dot, times, prime
)


def _cached_subset(path: Path, characters: str, cache_dir: Path | None, number: int = 0) -> bytes:
    """The subset font, from `cache_dir` when an earlier build made the same one."""
    stat = path.stat()
    if cache_dir is None:
        return _subset_woff2(path, stat.st_mtime, characters, number)
    key = f"{path}|{number}|{stat.st_mtime_ns}|{stat.st_size}|{characters}"
    key = hashlib.sha256(key.encode()).hexdigest()
    cached = cache_dir / f"{key[:32]}.woff2"
    if cached.is_file():
        return cached.read_bytes()
    data = _subset_woff2(path, stat.st_mtime, characters, number)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        temporary = cached.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, cached)
    except OSError:
        pass  # a cache that cannot be written only costs time
    return data


def embedded_font_css(faces: list[Face], text: str, cache_dir: Path | None = None) -> tuple[str, list[str]]:
    """@font-face rules carrying each face, subset to `text`; and the faces not found.
    Subsets are kept in `cache_dir`: a deck whose characters did not change reuses them."""
    characters = "".join(sorted(set(text) | set(BASE_CHARACTERS)))
    rules: list[str] = []
    missing: list[str] = []
    for face in faces:
        found = find_font(face)
        if found is None:
            label = f"{face.family} {face.weight}{' italic' if face.italic else ''}"
            if face.family not in " ".join(missing):
                missing.append(label)
            continue
        path, number = found
        data = base64.b64encode(_cached_subset(path, characters, cache_dir, number)).decode()
        rules.append(
            "@font-face { "
            f'font-family: "{face.family}"; font-weight: {face.weight}; '
            f"font-style: {'italic' if face.italic else 'normal'}; "
            f'src: url("data:font/woff2;base64,{data}") format("woff2"); }}'
        )
    return "\n".join(rules), missing


_scan: list[subprocess.Popen[str]] = []  # fontconfig's listing, started early by `start_coverage_scan`


def start_coverage_scan() -> None:
    """Start listing the installed fonts' coverage in another process, so that it runs while
    the talk loads; `installed_coverage` then reads it."""
    if not _scan and installed_coverage.cache_info().currsize == 0 and shutil.which("fc-list"):
        command = ["fc-list", "--format=%{charset}\n"]
        _scan.append(subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True))


@cache
def installed_coverage() -> tuple[list[int], list[int]] | None:
    """Every code point some installed font has, as sorted, merged ranges (their starts and
    their ends, inclusive); None when fontconfig is missing."""
    start_coverage_scan()
    if not _scan:
        return None
    listing, _ = _scan.pop().communicate()
    ranges = []
    for part in set(listing.split()):  # fonts share most ranges: parse each once
        low, _, high = part.partition("-")
        try:
            ranges.append((int(low, 16), int(high or low, 16)))
        except ValueError:
            continue
    starts: list[int] = []
    ends: list[int] = []
    for first, last in sorted(ranges):
        if ends and first <= ends[-1] + 1:
            ends[-1] = max(ends[-1], last)
        else:
            starts.append(first)
            ends.append(last)
    return starts, ends


def uncovered(characters: Iterable[str]) -> list[str]:
    """The characters no installed font can draw (they would print as empty boxes), in order."""
    coverage = installed_coverage()
    if coverage is None:
        return []
    starts, ends = coverage

    def covered(code: int) -> bool:
        index = bisect.bisect_right(starts, code) - 1
        return index >= 0 and code <= ends[index]

    return [ch for ch in dict.fromkeys(characters) if not ch.isspace() and not covered(ord(ch))]


def missing_glyph_warnings(talk: Any, limit: int = 5) -> list[BuildWarning]:
    """One warning per place in the talk whose text holds characters no installed font has."""
    warnings: list[BuildWarning] = []
    seen: set[str] = set()
    for model, field, text in _placed_texts(talk, None, None):
        unusual = [ch for ch in dict.fromkeys(text) if ord(ch) > 0x7E and ch not in seen]
        missing = uncovered(unusual) if unusual else []
        if not missing:
            continue
        seen.update(missing)
        shown = ", ".join(f"{ch} (U+{ord(ch):04X})" for ch in missing[:4])
        more = f" and {len(missing) - 4} more" if len(missing) > 4 else ""
        what = f"no installed font has {shown}{more}: they would print as empty boxes"
        hint = (
            "install a font that covers them "
            "(on Debian: fonts-noto-core, fonts-noto-cjk or fonts-noto-color-emoji)"
        )
        if model is not None:
            warnings.append(BuildWarning.at(model.problem(what, field), GLYPH_CODE, hint))
        else:
            warnings.append(BuildWarning(GLYPH_CODE, what, hint=hint))
    if len(warnings) > limit:
        more_places = f"... and {len(warnings) - limit} more places with characters no font has"
        warnings[limit:] = [BuildWarning(GLYPH_CODE, more_places)]
    return warnings


def _placed_texts(value: Any, model: Any, field: str | None) -> Iterator[tuple[Any, str | None, str]]:
    """Every piece of text in the talk, with the model and field it sits in."""
    from .markdown import Text
    from .schema import Model

    if isinstance(value, Text):
        yield model, field, value.plain
    elif isinstance(value, str):
        yield model, field, value
    elif isinstance(value, Model):
        for name in type(value).model_fields:
            yield from _placed_texts(getattr(value, name), value, name)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _placed_texts(item, model, field)
