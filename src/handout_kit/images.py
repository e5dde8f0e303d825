"""Look inside the images a talk names before anything is laid out: a corrupt, truncated or
enormous picture is an error at its line, an animated one a warning, and an SVG may refer
only to files inside the talk's folder. (WeasyPrint would leave a silent gap instead.)"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from .network import is_remote

if TYPE_CHECKING:
    from xml.etree import ElementTree

# A handout at 300 dpi needs under 9 million pixels a page; a 60-million-pixel limit lets
# any camera's photo through and stops a decompression bomb (30000x30000 is 900 million).
MAX_PIXELS = 60_000_000
SVG_TYPES = (".svg",)
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")
_XLINK = "{http://www.w3.org/1999/xlink}href"


@dataclass
class Findings:
    """What is wrong with one image file (errors) and what is only worth saying (warnings)."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def inspect(path: Path, name: str, content_dir: Path, allow_network: bool) -> Findings:
    """The findings for the image file `path`, named `name` in the talk."""
    if path.suffix.lower() in SVG_TYPES:
        return _inspect_svg(path, name, content_dir.resolve(), allow_network)
    return _inspect_raster(path, name)


def _inspect_raster(path: Path, name: str) -> Findings:
    from PIL import Image, ImageFile, UnidentifiedImageError

    found = Findings()
    # WeasyPrint lets Pillow load truncated files once it is imported (serve, several talks in
    # one process): here a truncated file must still be found out.
    tolerant, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    found.errors.append(_too_big(name, width, height))
                    return found
                frames = getattr(image, "n_frames", 1)
                image.load()
    except Image.DecompressionBombError:
        found.errors.append(f"image '{name}' is a decompression bomb (more pixels than {MAX_PIXELS:,})")
        return found
    except UnidentifiedImageError:
        found.errors.append(f"image '{name}' is not a picture the kit can read (corrupt, or not an image)")
        return found
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        found.errors.append(f"image '{name}' is damaged ({_reason(error)}); export it again")
        return found
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = tolerant
    if frames > 1:
        found.warnings.append(
            f"image '{name}' is animated ({frames} frames); the PDFs show its first frame only"
        )
    return found


def _too_big(name: str, width: int, height: int) -> str:
    return (
        f"image '{name}' is {width:,}x{height:,} pixels ({width * height / 1e6:,.0f} million); the limit is "
        f"{MAX_PIXELS / 1e6:,.0f} million: scale it down"
    )


def _reason(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text.rstrip(".")


def _inspect_svg(path: Path, name: str, content_dir: Path, allow_network: bool) -> Findings:
    import xml.etree.ElementTree as ElementTree

    found = Findings()
    try:
        root = ElementTree.parse(path).getroot()  # expat refuses entity bombs and external entities
    except ElementTree.ParseError as error:
        line = error.position[0] if error.position else "?"
        found.errors.append(f"image '{name}' is not a valid SVG (line {line} of the file: {error.msg})")
        return found
    except (OSError, RecursionError) as error:
        found.errors.append(f"image '{name}' cannot be read ({_reason(error)})")
        return found
    for reference in dict.fromkeys(_svg_references(root)):
        what = _refused_reference(reference, path.resolve().parent, content_dir, allow_network)
        if what:
            found.errors.append(f"image '{name}' refers to '{reference}', {what}")
    return found


def _svg_references(root: ElementTree.Element) -> list[str]:
    """Every address an SVG names: href attributes, and url() or @import in its styles."""
    found = []
    for element in root.iter():
        for attribute in ("href", _XLINK, "src"):
            if value := element.get(attribute):
                found.append(value.strip())
        styles = [element.get("style") or ""]
        if isinstance(element.tag, str) and element.tag.endswith("style"):
            styles.append(element.text or "")
        for style in styles:
            found.extend(a or b for a, b in _CSS_URL.findall(style))
    return found


def _refused_reference(reference: str, svg_dir: Path, content_dir: Path, allow_network: bool) -> str | None:
    """Why an SVG may not use `reference` (None: it may)."""
    if not reference or reference.startswith(("#", "data:")):
        return None
    if is_remote(reference):
        return None if allow_network else "a web address, and the build is offline (add --allow-network)"
    parts = urlsplit(reference)
    if parts.scheme and parts.scheme != "file":
        return f"an address of kind '{parts.scheme}:' that the kit does not fetch"
    target = (svg_dir / unquote(parts.path)).resolve()
    if not target.is_relative_to(content_dir):
        return "which lies outside the talk's folder"
    if not target.is_file():
        return "which is not found"
    return None
