"""Cards placed at the PDF level: every face, laid out once, becomes a form XObject that the
office sheets (fronts, and backs turned and shifted for duplex), the print-shop file and every
copy draw again; crop marks are vector paths. The text inside stays text, its fonts embedded."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name

from .card_sheets import Imposition, Mark, Rect

PT_PER_MM = 72 / 25.4
MARK_WIDTH_MM = 0.12


@dataclass(frozen=True)
class Slot:
    """One card on one side of a sheet: which face, where its trimmed card goes (mm from the
    sheet's top left) and which way it is turned (0, 90 clockwise, -90 counter-clockwise)."""

    face: int
    rect: Rect
    turn: int = 0


class Faces:
    """The laid-out faces (one PDF page each, from one or more laid-out documents) as form
    XObjects of a new PDF, ready to be placed."""

    def __init__(self, documents: Sequence[bytes], card_mm: tuple[float, float], bleed_mm: float) -> None:
        self.card_mm, self.bleed_mm = card_mm, bleed_mm
        self.sources = [pikepdf.open(io.BytesIO(data)) for data in documents]

    def into(self, target: pikepdf.Pdf) -> list[pikepdf.Object]:
        """The faces as form XObjects owned by `target` (fonts copied once per document). In
        a form the trimmed card spans (0, 0) to its size; its bleed lies around it, inside
        the form's box (a page's own form would clip to its TrimBox)."""
        forms = []
        for source in self.sources:
            for page in source.pages:
                form = source.make_indirect(page.as_form_xobject())
                _unmark(form)
                form.BBox = Array([float(v) for v in page.mediabox])
                trim_x, trim_y = (float(v) for v in page.trimbox[:2])
                if trim_x or trim_y:
                    form.Matrix = Array([1, 0, 0, 1, -trim_x, -trim_y])
                forms.append(target.copy_foreign(form))
        return forms

    def new_pdf(self, title: str) -> pikepdf.Pdf:
        """An empty PDF with the faces' metadata (title, dates, language)."""
        pdf = pikepdf.new()
        first = self.sources[0]
        info = {key: value for key, value in first.docinfo.items()}
        info[Name.Title] = pikepdf.String(title)  # type: ignore[index]  # a Name key; pikepdf's stubs want str
        pdf.docinfo = pdf.make_indirect(Dictionary(info))
        if Name.Lang in first.Root:
            pdf.Root.Lang = first.Root.Lang
        # A tagged file whose every placed card is an artifact: its accessible form is cards.html.
        document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
        tree = Dictionary(Type=Name.StructTreeRoot, K=document, ParentTree=Dictionary(Nums=Array()))
        pdf.Root.StructTreeRoot = pdf.make_indirect(tree)
        document.P = pdf.Root.StructTreeRoot
        pdf.Root.MarkInfo = Dictionary(Marked=True)
        pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        return pdf

    def close(self) -> None:
        for source in self.sources:
            source.close()


# Marked content in a face refers to the structure of the document it was laid out in, which
# the imposed file does not have: a placed face is drawn as an artifact, without those marks.
_MARKS = {"BDC", "BMC", "EMC"}


def _unmark(form: pikepdf.Object) -> None:
    data = form.read_bytes()
    if b"BDC" not in data and b"BMC" not in data:  # faces are laid out untagged: nothing to do
        return
    operations = [op for op in pikepdf.parse_content_stream(form) if str(op.operator) not in _MARKS]
    form.write(pikepdf.unparse_content_stream(operations))


def _number(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") or "0"


def _matrix(slot: Slot, sheet_height_mm: float, card: tuple[float, float]) -> str:
    """The `cm` that puts a face's trimmed card on `slot.rect` (PDF points, from bottom left)."""
    x, y = slot.rect.x, sheet_height_mm - slot.rect.bottom
    width, height = card
    if slot.turn == 90:  # clockwise: the face's left edge becomes the top
        values = (0, -1, 1, 0, x, y + width)
    elif slot.turn == -90:  # counter-clockwise
        values = (0, 1, -1, 0, x + height, y)
    else:
        values = (1, 0, 0, 1, x, y)
    a, b, c, d, e, f = values
    return " ".join(_number(v) for v in (a, b, c, d, e * PT_PER_MM, f * PT_PER_MM))


def _marks_stream(marks: Sequence[Mark], sheet_height_mm: float) -> str:
    if not marks:
        return ""
    paths = " ".join(
        f"{_number(m.x1 * PT_PER_MM)} {_number((sheet_height_mm - m.y1) * PT_PER_MM)} m "
        f"{_number(m.x2 * PT_PER_MM)} {_number((sheet_height_mm - m.y2) * PT_PER_MM)} l"
        for m in marks
    )
    return f"q 0 G {_number(MARK_WIDTH_MM * PT_PER_MM)} w 0 J {paths} S Q\n"


def _add_page(
    pdf: pikepdf.Pdf,
    size_mm: tuple[float, float],
    content: str,
    forms: dict[str, pikepdf.Object],
    boxes: dict[str, list[float]] | None = None,
) -> None:
    width, height = (v * PT_PER_MM for v in size_mm)
    page = Dictionary(
        Type=Name.Page,
        MediaBox=Array([0, 0, round(width, 4), round(height, 4)]),
        Resources=Dictionary(XObject=Dictionary({f"/{k}": v for k, v in forms.items()})),
        Contents=pdf.make_stream(f"/Artifact BMC\n{content}EMC\n".encode("ascii")),
    )
    for name, box in (boxes or {}).items():
        page[Name("/" + name)] = Array([round(v, 4) for v in box])
    pdf.pages.append(pikepdf.Page(page))


def _save(pdf: pikepdf.Pdf) -> bytes:
    buffer = io.BytesIO()
    pdf.save(
        buffer,
        deterministic_id=True,
        compress_streams=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
    )
    return buffer.getvalue()


def sheets(
    faces: Faces,
    imposition: Imposition,
    pages: Sequence[tuple[Sequence[Slot], Sequence[int] | None]],
    title: str,
) -> bytes:
    """The office sheets: each page a list of slots and the grid slots it fills, whose cut
    lines get crop marks (fronts), or None for no marks (backs)."""
    pdf = faces.new_pdf(title)
    forms = faces.into(pdf)
    width, height = imposition.paper
    bleed = imposition.bleed
    for slots, filled in pages:
        used = {f"C{slot.face}": forms[slot.face] for slot in slots}
        parts = []
        for slot in slots:
            grown = slot.rect.grown(bleed)
            clip = " ".join(
                _number(v * PT_PER_MM) for v in (grown.x, height - grown.bottom, grown.width, grown.height)
            )
            matrix = _matrix(slot, height, imposition.card)
            parts.append(f"q {clip} re W n {matrix} cm /C{slot.face} Do Q\n")
        if filled is not None:
            parts.append(_marks_stream(imposition.marks(filled), height))
        _add_page(pdf, (width, height), "".join(parts), used)
    return _save(pdf)


def print_shop(faces: Faces, order: Sequence[int], title: str) -> bytes:
    """One card a page, at its trimmed size with the faces' bleed around it: TrimBox, BleedBox."""
    pdf = faces.new_pdf(title)
    forms = faces.into(pdf)
    width, height = faces.card_mm
    bleed = faces.bleed_mm
    size = (width + 2 * bleed, height + 2 * bleed)
    full = [0.0, 0.0, size[0] * PT_PER_MM, size[1] * PT_PER_MM]
    trim = [bleed * PT_PER_MM, bleed * PT_PER_MM, (width + bleed) * PT_PER_MM, (height + bleed) * PT_PER_MM]
    shift = f"1 0 0 1 {_number(bleed * PT_PER_MM)} {_number(bleed * PT_PER_MM)} cm"
    for face in order:
        boxes = {"BleedBox": full, "TrimBox": trim}
        _add_page(pdf, size, f"q {shift} /C{face} Do Q\n", {f"C{face}": forms[face]}, boxes)
    return _save(pdf)
