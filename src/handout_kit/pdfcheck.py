"""The accessibility check of every PDF a build makes: the machine-checkable PDF/UA-1 and WCAG 2.1
rules of the `pdfua` package (pikepdf, no JVM), with the kit's own rules where it has none or
decides too coarsely. What no program can decide (whether an alt text is meaningful, whether
colour carries meaning alone) is left to a person; see the README."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

import pikepdf
from pdfua import PdfDocument, Severity, default_registry
from pdfua.model import Finding, Location
from pdfua.rules.base import Rule
from pikepdf import Array, Dictionary, Name

from .errors import BuildWarning

if TYPE_CHECKING:
    from .render.base import Output

# pdfua rules the kit replaces: UA-01-003 counts a form XObject painted outside marked content
# as untagged even when everything inside it is tagged (WeasyPrint paints opacity that way);
# UA-14-001 fails on WeasyPrint's arrays of kids (pdfua 0.1.3); UA-28-004 asks every PDF to
# claim PDF/UA, which only some of the kit's do (KIT-UA-ID checks those).
REPLACED = frozenset({"UA-01-003", "UA-14-001", "UA-28-004"})
TEXT_SHOWING = frozenset({"Tj", "TJ", "'", '"'})
PAINTING = frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "BI", "INLINE IMAGE"})
HEADING = re.compile(r"^/H([1-6])$")


@dataclass(frozen=True)
class PdfFinding:
    """One rule a PDF fails, where."""

    rule: str
    severity: str  # "error" or "warning"
    page: int | None
    message: str

    def line(self, output: str) -> str:
        where = f" (page {self.page})" if self.page else ""
        return f"{output}: accessibility {self.severity} {self.rule}{where}: {self.message}"


def check_pdf(data: bytes, *, pdf_ua: bool, name: str = "document.pdf") -> list[PdfFinding]:
    """What `data` fails of the checked rules; `pdf_ua`: whether it must claim PDF/UA-1."""
    rules = [rule for rule in default_registry() if rule.id not in REPLACED]
    rules += [rule() for rule in KIT_RULES if pdf_ua or rule is not IdentificationRule]
    found: list[PdfFinding] = []
    with PdfDocument(pikepdf.Pdf.open(io.BytesIO(data)), name) as document:
        for rule in rules:
            try:
                findings = list(rule.check(document))
            except Exception as error:  # a rule that cannot run says so instead of passing
                findings = [rule.finding(f"could not be checked: {error}", severity=Severity.WARNING)]
            found += [_plain(finding) for finding in findings if finding.severity >= Severity.WARNING]
    return found


def output_warnings(
    outputs: Iterable[Output], pdf_variant: Callable[[str], str | None]
) -> list[BuildWarning]:
    """One warning per finding (code `accessibility`), for every PDF among the build's
    `outputs`; `pdf_variant(name)` tells which must be PDF/UA-1."""
    warnings = []
    for output in outputs:
        if output.name.endswith(".pdf") and output.data:
            ua = pdf_variant(output.name) == "pdf/ua-1"
            findings = check_pdf(output.data, pdf_ua=ua, name=output.name)
            artefact = output.artefact or None
            warnings += [
                BuildWarning("accessibility", finding.line(output.name), artefact) for finding in findings
            ]
    return warnings


def _plain(finding: Finding) -> PdfFinding:
    severity = "error" if finding.severity >= Severity.ERROR else "warning"
    return PdfFinding(finding.rule_id, severity, finding.location.page, finding.message)


# -- the kit's rules -------------------------------------------------------------------------


class KitRule(Rule):
    severity = Severity.ERROR
    covers: tuple[str, ...] = ()


class MarkedContentRule(KitRule):
    """PDF/UA-1 7.1: every piece of page content is tagged or an artifact, inside form XObjects
    too (a form painted outside marked content is looked into, not counted as untagged)."""

    id = "KIT-UA-CONTENT"
    title = "Content is tagged or an artifact"
    pdfua_clause = "7.1"
    wcag = ("1.3.1",)

    def check(self, doc: PdfDocument) -> Iterable[Finding]:
        for number, page in enumerate(doc._pdf.pages, start=1):
            content = _content(page, page.obj.get("/Resources"))
            untagged = sum(1 for kind, _ in content if kind == "unmarked")
            if untagged:
                yield self.finding(
                    f"{untagged} text, image or drawing operation(s) are neither tagged nor an artifact",
                    location=Location(page=number),
                )


def _content(
    stream: pikepdf.Object | pikepdf.Page, resources: pikepdf.Object | None, depth: int = 0
) -> Iterator[tuple[str, str | int]]:
    """Walk the content of `stream`: ("unmarked", operator) for each text, image or drawing
    operation outside any marked-content sequence, ("mcid", id) for each sequence of real (not
    artifact) content. A form XObject painted outside a sequence is looked into; one painted
    inside belongs to that sequence."""
    artifact = 0
    stack: list[bool] = []
    for instruction in pikepdf.parse_content_stream(stream):
        operator, operands = str(instruction.operator), instruction.operands
        if operator in ("BDC", "BMC"):
            is_artifact = bool(operands) and operands[0] == Name.Artifact
            stack.append(is_artifact)
            artifact += is_artifact
            properties = operands[-1] if operator == "BDC" else None
            if not artifact and isinstance(properties, Dictionary) and "/MCID" in properties:
                yield "mcid", int(properties.MCID)
        elif operator == "EMC":
            if stack:
                artifact -= stack.pop()
        elif stack:
            continue
        elif operator in TEXT_SHOWING or operator in PAINTING:
            yield "unmarked", operator
        elif operator == "Do" and depth < 8:
            # A `Do` operand is a name; pikepdf's stubs type operands as Object.
            xobject = _xobject(resources, cast(Name, operands[0]))
            if xobject is not None and xobject.get("/Subtype") == Name.Form:
                yield from _content(xobject, xobject.get("/Resources", resources), depth + 1)
            else:
                yield "unmarked", operator


def _xobject(resources: pikepdf.Object | None, name: Name) -> pikepdf.Object | None:
    if not isinstance(resources, Dictionary) or not isinstance(resources.get("/XObject"), Dictionary):
        return None
    return resources.XObject.get(name)


class ParentTreeRule(KitRule):
    """PDF/UA-1 7.1: every marked-content sequence of real content belongs to an element of
    the structure tree (through the parent tree), none is left dangling."""

    id = "KIT-UA-PARENT"
    title = "Marked content belongs to the structure tree"
    pdfua_clause = "7.1"
    wcag = ("1.3.1",)

    def check(self, doc: PdfDocument) -> Iterable[Finding]:
        root = doc.struct_root
        if root is None or "/ParentTree" not in root:
            return
        parents = pikepdf.NumberTree(root.ParentTree)
        reachable = {tuple(e.obj.objgen) for e in doc.struct_elements}
        for number, page in enumerate(doc._pdf.pages, start=1):
            key = page.obj.get("/StructParents")
            kids = parents.get(int(key)) if key is not None and int(key) in parents else None
            content = _content(page, page.obj.get("/Resources"))
            used = [int(mcid) for kind, mcid in content if kind == "mcid"]
            twice = sorted({mcid for mcid in used if used.count(mcid) > 1})
            if twice:
                yield self.finding(
                    f"marked content {', '.join(map(str, twice[:6]))} is used twice on the page (a "
                    "page placed as a picture, untagged?)",
                    location=Location(page=number, mcids=tuple(twice)),
                )
            lost = []
            for mcid in sorted(set(used)):
                element = kids[mcid] if isinstance(kids, Array) and mcid < len(kids) else None
                if not isinstance(element, Dictionary) or tuple(element.objgen) not in reachable:
                    lost.append(mcid)
            if lost:
                yield self.finding(
                    f"marked content {', '.join(map(str, lost[:6]))} belongs to no element of the "
                    "structure tree",
                    location=Location(page=number, mcids=tuple(lost)),
                )


class HeadingRule(KitRule):
    """PDF/UA-1 7.4.2 (Matterhorn 14-002, 14-003): the first heading is H1, no level is skipped
    going down, and no heading is empty."""

    id = "KIT-UA-HEADINGS"
    title = "Headings start at H1 and skip no level"
    pdfua_clause = "7.4"
    wcag = ("1.3.1", "2.4.6")

    def check(self, doc: PdfDocument) -> Iterable[Finding]:
        previous = 0
        for element in doc.struct_elements:
            match = HEADING.match(element.role or "")
            if not match:
                continue
            level = int(match[1])
            if level > previous + 1:
                what = "the first heading" if previous == 0 else f"after an H{previous}"
                yield self.finding(
                    f"H{level} is {what}: heading level {previous + 1} is skipped",
                    location=Location(page=element.page, struct_role=element.role),
                )
            if not _has_content(element.obj):
                yield self.finding("an empty heading", location=Location(page=element.page))
            previous = level


def _has_content(node: pikepdf.Object, depth: int = 0) -> bool:
    kids = node.get("/K")
    for kid in kids if isinstance(kids, Array) else [kids]:
        if isinstance(kid, int) or (isinstance(kid, Dictionary) and kid.get("/Type") == Name.MCR):
            return True
        if isinstance(kid, Dictionary) and depth < 64 and _has_content(kid, depth + 1):
            return True
    return False


class ListRule(KitRule):
    """ISO 32000-1 14.8.4.3.3, PDF/UA-1 7.6: a list holds list items (or a caption, or a list
    nested in it) and a list item holds a label and a body."""

    id = "KIT-UA-LISTS"
    title = "Lists are made of list items"
    pdfua_clause = "7.6"
    wcag = ("1.3.1",)
    allowed: ClassVar[dict[str, set[str]]] = {"/L": {"/LI", "/Caption", "/L"}, "/LI": {"/Lbl", "/LBody"}}

    def check(self, doc: PdfDocument) -> Iterable[Finding]:
        for element in doc.elements_with_role("/L", "/LI"):
            wrong = {child.role for child in element.children} - self.allowed[element.role or ""]
            if wrong:
                yield self.finding(
                    f"{element.role} holds {', '.join(sorted(str(w) for w in wrong))}",
                    location=Location(page=element.page, struct_role=element.role),
                )


class HeaderScopeRule(KitRule):
    """PDF/UA-1 7.5: every table header cell says what it heads (/Scope), which the kit always
    writes, so a screen reader never has to guess."""

    id = "KIT-UA-SCOPE"
    title = "Table header cells have a scope"
    pdfua_clause = "7.5"
    wcag = ("1.3.1",)

    def check(self, doc: PdfDocument) -> Iterable[Finding]:
        for cell in doc.elements_with_role("/TH"):
            if not cell.has_scope:
                yield self.finding("a table header cell has no /Scope", location=Location(page=cell.page))


class TabOrderRule(KitRule):
    """PDF/UA-1 7.18.3: a page with annotations (links) moves through them in structure order."""

    id = "KIT-UA-TABS"
    title = "Pages with links follow the structure for tab order"
    pdfua_clause = "7.18.3"
    wcag = ("2.4.3",)

    def check(self, doc: PdfDocument) -> Iterable[Finding]:
        for number, page in enumerate(doc._pdf.pages, start=1):
            if page.obj.get("/Annots") and page.obj.get("/Tabs") != Name.S:
                yield self.finding("the page has links but no /Tabs /S", location=Location(page=number))


class IdentificationRule(KitRule):
    """PDF/UA-1 5 and 7.1: the file says it is PDF/UA-1 (XMP pdfuaid:part), and its XMP holds
    the title (dc:title) and the language (dc:language); the viewer shows the title."""

    id = "KIT-UA-ID"
    title = "PDF/UA-1 identification, title and language in the metadata"
    pdfua_clause = "5"
    wcag = ("2.4.2", "3.1.1")

    def check(self, doc: PdfDocument) -> Iterable[Finding]:
        xmp = doc.xmp_metadata() or ""
        if not re.search(r"pdfuaid:part(=\"|>)1", xmp):
            yield self.finding("no PDF/UA-1 identification (pdfuaid:part 1) in the XMP metadata")
        if "<dc:title" not in xmp:
            yield self.finding("no dc:title in the XMP metadata")
        if "<dc:language" not in xmp:
            yield self.finding("no dc:language in the XMP metadata", severity=Severity.WARNING)
        if not doc.display_doc_title:
            yield self.finding("the viewer is not told to show the title (DisplayDocTitle)")


KIT_RULES: tuple[type[KitRule], ...] = (
    MarkedContentRule,
    ParentTreeRule,
    HeadingRule,
    ListRule,
    HeaderScopeRule,
    TabOrderRule,
    IdentificationRule,
)
