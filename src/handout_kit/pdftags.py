"""What WeasyPrint's tagged PDF still lacks for PDF/UA-1, added after it writes (with pikepdf):
decoration and page furniture as artifacts, table header scope, link descriptions, the
language in the XMP metadata; and a helper that tags a stamped page as a described figure."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import cast

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf

_ARTIFACT = Name.Artifact


def finish(
    data: bytes,
    decorative: dict[int, set[int]],
    figures: Iterable[tuple[int, str, list[int]]] = (),
    *,
    lang: str | None = None,
) -> bytes:
    """`data` (a tagged PDF from WeasyPrint) with the marked content in `decorative` (page index:
    marked-content ids) and everything outside the structure tree (the page margins' running
    footer and page numbers) turned into artifacts; each of `figures` (page index, alt text,
    marked-content ids: a picture made of HTML, like a slide's thumbnail) one /Figure with that
    /Alt; header cells scoped; links described."""
    with Pdf.open(io.BytesIO(data)) as pdf:
        if "/StructTreeRoot" not in pdf.Root:
            return data
        tree = pdf.Root.StructTreeRoot
        parents = pikepdf.NumberTree(tree.ParentTree)
        reachable = _reachable(tree)
        for index, page in enumerate(pdf.pages):
            key = page.obj.get("/StructParents")
            if key is None or int(key) not in parents:
                continue
            kids = parents[int(key)]
            if not isinstance(kids, Array):
                continue
            hidden = set(decorative.get(index, ()))
            outside = {mcid for mcid, elem in enumerate(kids) if _objgen(elem) not in reachable}
            if not hidden | outside:
                continue
            _mark_artifacts(pdf, page, hidden, outside)
            for mcid in sorted(hidden | outside):
                if mcid < len(kids):
                    if mcid in hidden and _objgen(kids[mcid]) in reachable:
                        _drop_content(kids[mcid], mcid)
                    kids[mcid] = None
        for index, alt, mcids in figures:
            _as_figure(pdf, parents, index, alt, [m for m in mcids if m not in decorative.get(index, ())])
        _scope_header_cells(tree)
        _describe_links(pdf)
        if lang:
            _xmp_language(pdf, lang)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def new_figure(
    pdf: Pdf, page_index: int, alt: str, parent: pikepdf.Object | None = None, position: int | None = None
) -> tuple[Dictionary, int]:
    """A new /Figure element with `alt` as its /Alt, for the marked content of page
    `page_index` with the MCID returned (which the caller paints: `/Figure <</MCID n>> BDC ...
    EMC`). It goes under `parent` (default: the document element) at `position` (default:
    last), so it is read in place."""
    page = pdf.pages[page_index]
    tree = pdf.Root.StructTreeRoot
    if parent is None:
        top = tree.K
        parent = top[0] if isinstance(top, Array) else top
    parents = pikepdf.NumberTree(tree.ParentTree)
    if "/StructParents" not in page.obj:
        page.obj.StructParents = _next_key(tree, parents)
    key = int(page.obj.StructParents)
    kids = parents[key] if key in parents else Array()
    mcid = len(kids)
    figure = pdf.make_indirect(
        Dictionary(Type=Name.StructElem, S=Name.Figure, P=parent, Pg=page.obj, K=mcid, Alt=alt)
    )
    kids.append(figure)
    parents[key] = kids
    if "/K" not in parent:
        parent.K = Array()
    elif not isinstance(parent.K, Array):
        parent.K = Array([parent.K])
    parent.K.insert(len(parent.K) if position is None else position, figure)
    return figure, mcid


def _as_figure(pdf: Pdf, parents: pikepdf.NumberTree, index: int, alt: str, mcids: list[int]) -> None:
    """The structure around marked content `mcids` of page `index` replaced by one /Figure with
    `alt`: the smallest element holding all of it gives its place to the figure."""
    page = pdf.pages[index]
    kids = parents[int(page.obj.StructParents)]
    elements = [kids[m] for m in mcids if m < len(kids) and isinstance(kids[m], Dictionary)]
    if not elements:
        return
    chains = [_ancestors(element) for element in elements]
    shared = set.intersection(*({_objgen(e) for e in chain} for chain in chains))
    holder = next(e for e in chains[0] if _objgen(e) in shared)
    parent = holder.get("/P")
    if holder.get("/S") == Name.Document or not isinstance(parent, Dictionary):
        return
    inside = {_objgen(holder)} | {_objgen(e) for e in _descendants(holder)}
    figure = pdf.make_indirect(
        Dictionary(Type=Name.StructElem, S=Name.Figure, P=parent, Pg=page.obj, K=Array(mcids), Alt=alt)
    )
    siblings = parent.K if isinstance(parent.K, Array) else Array([parent.K])
    parent.K = Array([figure if _objgen(kid) == _objgen(holder) else kid for kid in siblings])
    for mcid in mcids:
        kids[mcid] = figure
    # A picture's links (a closing slide's) are part of the picture, not links of their own.
    annotations = page.obj.get("/Annots")
    if isinstance(annotations, Array):
        keep = []
        for annotation in annotations:
            key = annotation.get("/StructParent")
            owner = parents.get(int(key)) if key is not None and int(key) in parents else None
            if owner is None or _objgen(owner) not in inside:
                keep.append(annotation)
        page.obj.Annots = Array(keep)


def _ancestors(element: pikepdf.Object) -> list[pikepdf.Object]:
    chain = [element]
    while isinstance(chain[-1].get("/P"), Dictionary) and chain[-1].P.get("/Type") == Name.StructElem:
        chain.append(chain[-1].P)
    return chain


def _descendants(element: pikepdf.Object) -> Iterator[Dictionary]:
    kids = element.get("/K")
    for kid in kids if isinstance(kids, Array) else [kids]:
        if isinstance(kid, Dictionary) and "/S" in kid:
            yield kid
            yield from _descendants(kid)


# -- artifacts -----------------------------------------------------------------------------


def _mark_artifacts(pdf: Pdf, page: pikepdf.Page, hidden: set[int], outside: set[int]) -> None:
    """Rewrite the page's content (and the form XObjects it paints) so the marked-content
    sequences with these ids become artifacts; the margins' (`outside`) as pagination."""
    chosen = hidden | outside
    seen: set[tuple[int, int]] = set()

    def rewrite(stream: pikepdf.Object | pikepdf.Page, resources: pikepdf.Object | None) -> bytes | None:
        changed = False
        out: list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage] = []
        for instruction in pikepdf.parse_content_stream(stream):
            operands, operator = instruction.operands, str(instruction.operator)
            if operator == "BDC" and len(operands) == 2 and isinstance(operands[1], Dictionary):
                mcid = operands[1].get("/MCID")
                if mcid is not None and int(mcid) in chosen:
                    kind = Name.Pagination if int(mcid) in outside else Name.Layout
                    instruction = pikepdf.ContentStreamInstruction(
                        [_ARTIFACT, Dictionary(Type=kind)], pikepdf.Operator("BDC")
                    )
                    changed = True
            elif operator == "Do":  # the forms this page paints hold its marked content too
                # A `Do` operand is a name; pikepdf's stubs type operands as Object.
                form = _form(resources, cast(Name, operands[0]))
                if form is not None and _objgen(form) not in seen:
                    seen.add(_objgen(form))
                    data = rewrite(form, form.get("/Resources", resources))
                    if data is not None:
                        form.write(data)
            out.append(instruction)
        return pikepdf.unparse_content_stream(out) if changed else None

    data = rewrite(page, page.obj.get("/Resources"))
    if data is not None:
        page.obj.Contents = pdf.make_stream(data)


def _form(resources: pikepdf.Object | None, name: Name) -> pikepdf.Stream | None:
    xobjects = resources.get("/XObject") if isinstance(resources, Dictionary) else None
    xobject = xobjects.get(name) if isinstance(xobjects, Dictionary) else None
    return xobject if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == Name.Form else None


def _drop_content(element: pikepdf.Object, mcid: int) -> None:
    """Take marked-content id `mcid` out of `element`, and the element out of the tree when
    nothing is left in it (then its parent, if that is empty too)."""
    kids = element.get("/K")
    if isinstance(kids, Array):
        keep = [kid for kid in kids if not _is_mcid(kid, mcid)]
        element.K = Array(keep)
        empty = not keep
    else:
        empty = kids is None or _is_mcid(kids, mcid)
        if empty:
            element.K = Array()
    parent = element.get("/P")
    while empty and isinstance(parent, Dictionary) and parent.get("/Type") == Name.StructElem:
        siblings = parent.get("/K")
        if not isinstance(siblings, Array):
            break
        parent.K = Array([kid for kid in siblings if _objgen(kid) != _objgen(element)])
        empty = len(parent.K) == 0 and parent.get("/S") != Name.Document
        element, parent = parent, parent.get("/P")


def _is_mcid(kid: object, mcid: int) -> bool:
    """Whether a structure element's kid is marked-content id `mcid` (pikepdf gives PDF
    integers as Python ints, though its stubs say Object)."""
    return isinstance(kid, int) and int(kid) == mcid


def _reachable(tree: pikepdf.Object) -> set[tuple[int, int]]:
    """The structure elements the tree's root leads to."""
    found: set[tuple[int, int]] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        kids = node.get("/K")
        for kid in kids if isinstance(kids, Array) else [kids]:
            if (
                isinstance(kid, Dictionary)
                and kid.get("/Type", Name.StructElem) == Name.StructElem
                and "/S" in kid
                and _objgen(kid) not in found
            ):
                found.add(_objgen(kid))
                stack.append(kid)
    return found


def _objgen(obj: object) -> tuple[int, int]:
    return obj.objgen if isinstance(obj, pikepdf.Object) else (0, 0)


def _next_key(tree: pikepdf.Object, parents: pikepdf.NumberTree) -> int:
    key = max((int(k) for k, _ in parents.items()), default=-1) + 1
    tree.ParentTreeNextKey = key + 1
    return key


# -- tables, links, metadata ---------------------------------------------------------------


def _scope_header_cells(tree: pikepdf.Object) -> None:
    """Every /TH gets a /Scope: /Column in the table's head, /Row when it starts a body row."""
    for cell, row in _header_cells(tree):
        group = row.get("/P")
        in_head = isinstance(group, Dictionary) and group.get("/S") == Name.THead
        first = isinstance(row.K, Array) and len(row.K) and _objgen(row.K[0]) == _objgen(cell)
        scope = Name.Column if in_head or not first else Name.Row
        attributes = cell.get("/A")
        if isinstance(attributes, Array):
            attributes = next((a for a in attributes if a.get("/O") == Name.Table), None)
        if not isinstance(attributes, Dictionary):
            attributes = Dictionary(O=Name.Table)
            cell.A = attributes
        attributes.Scope = scope


def _header_cells(tree: pikepdf.Object) -> Iterator[tuple[Dictionary, pikepdf.Object]]:
    stack: list[pikepdf.Object] = [tree]
    while stack:
        node = stack.pop()
        kids = node.get("/K")
        for kid in kids if isinstance(kids, Array) else [kids]:
            if isinstance(kid, Dictionary) and "/S" in kid:
                if kid.S == Name.TH:
                    yield kid, node
                stack.append(kid)


def _describe_links(pdf: Pdf) -> None:
    """Link annotations say where they lead (/Contents), as PDF/UA-1 7.18.5 asks."""
    for number, page in enumerate(pdf.pages, start=1):
        for annotation in page.obj.get("/Annots", Array()):
            if annotation.get("/Subtype") != Name.Link or "/Contents" in annotation:
                continue
            action = annotation.get("/A")
            uri = str(action.get("/URI", "")) if isinstance(action, Dictionary) else ""
            if uri.startswith("mailto:"):
                annotation.Contents = f"Email {uri[7:]}"
            elif uri:
                annotation.Contents = f"Link to {uri}"
            else:
                annotation.Contents = f"Link within the document (page {number})"


def _xmp_language(pdf: Pdf, lang: str) -> None:
    """The document's language in its XMP metadata (dc:language), beside the title WeasyPrint
    writes there; only where WeasyPrint wrote XMP (the PDF/UA variant)."""
    if "/Metadata" not in pdf.Root:
        return
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:language"] = [lang]
