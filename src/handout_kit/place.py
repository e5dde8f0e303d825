"""Finished PDF pages placed on other pages as form XObjects, the way imposition tools do: a
page laid out once is drawn again, scaled, wherever it is wanted, without laying it out again."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import pikepdf

# Marked content of the source page refers to the source's structure tree, which the target
# does not have; the placed copy is a picture of a page, so its marks go.
_MARKS = {"BDC", "BMC", "EMC"}


class Placement(NamedTuple):
    """Page `source` of the source PDF, fitted (aspect kept, centred) into a box on page
    `target` of the target PDF; the box in points from that page's bottom left."""

    target: int
    source: int
    x: float
    y: float
    width: float
    height: float


def place_pages(
    target: bytes, source: bytes, placements: Sequence[Placement], alts: Sequence[str] | None = None
) -> bytes:
    """`target` with the pages of `source` drawn into it as `placements` say. With `alts` (a
    text per source page) each placed page is a /Figure described by its text in the target's
    structure; without, it is marked as an artifact. The same inputs give the same bytes."""
    import pikepdf  # loads only when pages are placed

    with pikepdf.open(BytesIO(target)) as document, pikepdf.open(BytesIO(source)) as pages:
        forms: dict[int, pikepdf.Object] = {}
        wrapped: set[int] = set()
        for place in placements:
            if not (0 <= place.source < len(pages.pages) and 0 <= place.target < len(document.pages)):
                continue  # a frame for a page that is not there (a template's own frames)
            page = pikepdf.Page(document.pages[place.target])
            if place.target not in wrapped:  # the page's own drawing leaves its transform set
                page.contents_add(pikepdf.Stream(document, b"q\n"), prepend=True)
                page.contents_add(pikepdf.Stream(document, b"\nQ\n"), prepend=False)
                wrapped.add(place.target)
            if place.source not in forms:
                forms[place.source] = document.copy_foreign(_form_of(pages, place.source))
            name = pikepdf.Name(f"/Page{place.source + 1}")  # named, not random: same input, same bytes
            page.add_resource(forms[place.source], pikepdf.Name.XObject, name, replace_existing=True)
            box = pages.pages[place.source].mediabox
            width, height = float(box[2]) - float(box[0]), float(box[3]) - float(box[1])
            scale = min(place.width / width, place.height / height)
            x = place.x + (place.width - width * scale) / 2
            y = place.y + (place.height - height * scale) / 2
            drawing = f"q {scale:.6f} 0 0 {scale:.6f} {x:.4f} {y:.4f} cm {name} Do Q"
            if alts is None:
                drawing = f"/Artifact BMC {drawing} EMC\n"
            else:  # marked as it is drawn: the page's own content is not read again
                from .pdftags import new_figure

                _, mcid = new_figure(document, place.target, alts[place.source])
                drawing = f"/Figure <</MCID {mcid}>> BDC {drawing} EMC\n"
            page.contents_add(pikepdf.Stream(document, drawing.encode()), prepend=False)
        out = BytesIO()
        document.save(out, deterministic_id=True, compress_streams=True)
    return out.getvalue()


def _form_of(pdf: pikepdf.Pdf, index: int) -> pikepdf.Stream:
    """Page `index` of `pdf` as a form XObject, without its marked-content operators."""
    import pikepdf

    page = pdf.pages[index]
    operations = [op for op in pikepdf.parse_content_stream(page) if str(op.operator) not in _MARKS]
    form = pikepdf.Stream(pdf, pikepdf.unparse_content_stream(operations))
    form.Type = pikepdf.Name.XObject
    form.Subtype = pikepdf.Name.Form
    form.BBox = page.mediabox
    form.Resources = page.Resources
    if "/Group" in page.obj:
        form.Group = page.obj.Group
    return form
