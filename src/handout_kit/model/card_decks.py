"""Card decks kept in a spreadsheet: a CSV, TSV or XLSX file beside the talk, a header row, one
card a row; every problem is named by file, line, row and column, all of them at once."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from pydantic import ValidationError

from ..errors import ContentError, Problem
from ..schema import CardDeck, Statement, Talk
from ..source import Source, display_name, read_text

MAX_ROWS = 5000
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def read_deck_files(talk: Talk, source: Source, base: Path) -> None:
    """Read the file of every deck that names one (`from:`) into the deck; raise ContentError
    listing every problem in every file."""
    problems: list[Problem] = []
    root = base.resolve()
    for index, deck in enumerate(talk.card_decks):
        if deck.from_ is None:
            continue
        place = ("card_decks", index, "from")
        target = (base / deck.from_).resolve()
        if not target.is_relative_to(root):
            problems.append(source.problem(place, f"'{deck.from_}' lies outside the talk's folder"))
        elif not target.is_file():
            problems.append(source.problem(place, f"file '{deck.from_}' not found (looked in {root})"))
        else:
            rows, found = read_deck(target, deck, source, index)
            problems.extend(found)
            deck._rows = rows
    if problems:
        raise ContentError(problems)


def column_letter(number: int) -> str:
    """1 -> A, 27 -> AA: the column as a spreadsheet names it."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Each record with the file line it starts on (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records, line = [], 1
    for cells in reader:
        records.append((line, cells))
        line = reader.line_num + 1
    return records


def _delimiter(path: Path, text: str) -> str:
    if path.suffix.lower() == ".tsv":
        return "\t"
    header = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _workbook_records(path: Path, display: str) -> list[tuple[int, list[str]]]:
    """The first sheet of an .xlsx workbook, each row with its number, cells as text."""
    from openpyxl import load_workbook  # only for workbooks

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # a damaged or disguised file: openpyxl raises many kinds
        what = f"cannot be read as an Excel workbook ({type(error).__name__}); save it again as .xlsx or .csv"
        raise ContentError([Problem(display, None, None, "", what)]) from None
    try:
        sheet = book.worksheets[0]
        records = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = ["" if value is None else _cell_text(value) for value in row]
            while cells and not cells[-1].strip():
                cells.pop()
            records.append((number, cells))
            if number > MAX_ROWS + 1:
                break
        return records
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_deck(
    path: Path, deck: CardDeck, source: Source, index: int
) -> tuple[list[Statement], list[Problem]]:
    """The deck's statements from `path`, and what is wrong with the file."""
    display = display_name(path)
    try:
        if path.suffix.lower() == ".xlsx":
            found = _workbook_records(path, display)
        else:
            text = read_text(path, display)
            found = _records(text, _delimiter(path, text))
        records = [(line, cells) for line, cells in found if any(c.strip() for c in cells)]
    except csv.Error as error:
        return [], [Problem(display, None, None, "", f"cannot be read as CSV: {error}")]
    if not records:
        return [], [
            Problem(display, 1, None, "", "the file is empty; it needs a header row and one row a card")
        ]
    header_line, header = records[0]
    names = [name.strip().lower() for name in header]
    problems: list[Problem] = []

    def column(key: str, wanted: str | None, required: bool) -> int | None:
        name = (wanted or key).strip().lower()
        if name in names:
            return names.index(name)
        if wanted is None and not required:
            return None
        listed = ", ".join(f"'{h.strip()}'" for h in header)
        field = f"columns.{key}" if wanted is not None else "from"
        what = f"{deck.from_} has no column '{wanted or key}' (its header row has {listed})"
        hint = "" if wanted is not None else f"; name the column to use with columns: {{{key}: ...}}"
        problems.append(source.problem(("card_decks", index, *field.split(".")), what + hint))
        return None

    columns = deck.columns
    statement_at = column("statement", columns.statement if columns.statement != "statement" else None, True)
    category_at = column("category", columns.category, False)
    back_at = column("back", columns.back, False)
    if problems:
        return [], problems
    assert statement_at is not None
    if len(records) - 1 > MAX_ROWS:
        what = f"{len(records) - 1:,} rows; a deck takes at most {MAX_ROWS:,} cards"
        return [], [Problem(display, None, None, "", what)]
    if len(records) == 1:
        return [], [Problem(display, header_line, None, "", "has a header row but no cards below it")]
    statements: list[Statement] = []
    for row, (line, cells) in enumerate(records[1:], start=2):

        def problem(at: int, what: str, line: int = line, row: int = row) -> Problem:
            where = f"row {row}, column {column_letter(at + 1)} ({header[at].strip() or 'no name'})"
            return Problem(display, line, at + 1, where, what)

        if len(cells) > len(header):
            what = (
                f"row {row} has {len(cells)} cells but the header has {len(header)}; "
                "put text that holds the separator in double quotes"
            )
            problems.append(Problem(display, line, len(header) + 1, "", what))
            continue
        cells = cells + [""] * (len(header) - len(cells))
        values: dict[str, str] = {"text": cells[statement_at].strip()}
        if not values["text"]:
            problems.append(problem(statement_at, "the statement is empty"))
            continue
        if category_at is not None and cells[category_at].strip():
            category = re.sub(r"[\s_]+", "-", cells[category_at].strip().lower())
            if not SLUG.match(category):
                what = f"'{cells[category_at].strip()}' is no category name (letters, digits and hyphens)"
                problems.append(problem(category_at, what))
                continue
            values["category"] = category
        if back_at is not None and cells[back_at].strip():
            values["back"] = cells[back_at].strip()
        try:
            statement = Statement.model_validate(values)
        except ValidationError as error:
            for detail in error.errors():
                key = str(detail["loc"][0]) if detail["loc"] else "text"
                at = {"text": statement_at, "category": category_at, "back": back_at}.get(key)
                problems.append(problem(at if at is not None else statement_at, detail["msg"]))
            continue
        for text_value, at in ((statement.text, statement_at), (statement.back, back_at)):
            if text_value is None or at is None:
                continue
            for url in dict.fromkeys(text_value.refused):
                what = f"address '{url}' is not allowed (use http:, https: or mailto:)"
                problems.append(problem(at, what))
            if text_value.images:
                problems.append(problem(at, "a card from a spreadsheet cannot hold an image"))
        statement._place = (display, line, f"{display} row {row}")
        statements.append(statement)
    return statements, problems
