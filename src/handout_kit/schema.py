"""The content model of a talk: typed, frozen, with Markdown already turned into safe HTML.

One model serves every artefact: the handout reads the full text, slides read the short
`slide` variants and `notes`, cards read `exercises` and `card_decks`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    PrivateAttr,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .errors import Problem
from .markdown import Text, render_block, render_inline
from .source import format_path
from .themes import THEMES, with_theme_defaults

# -- value types -------------------------------------------------------------------------


def _expect_text(value: Any) -> str:
    if isinstance(value, Text):
        return value.source
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "expected text")
    return value


def _language(info: ValidationInfo) -> str:
    """The talk's language, for its quotation marks and spacing (see validate())."""
    return str((info.context or {}).get("language") or "en")


def _inline(value: Any, info: ValidationInfo) -> Text:
    text = _expect_text(value)
    if not text.strip():
        raise PydanticCustomError("empty_text", "is empty")
    return render_inline(text.strip(), _language(info))


def _quote(value: Any) -> Text:
    """A quoted voice: the template sets the quotation marks, so marks typed around it are
    dropped from what prints (validation warns about them); its source keeps them."""
    from dataclasses import replace

    from .typeset import unquoted

    text = _expect_text(value)
    inner, _ = unquoted(text)
    if not inner.strip():
        raise PydanticCustomError("empty_text", "is empty")
    return replace(render_inline(inner.strip()), source=text)


def _prose(value: Any, info: ValidationInfo) -> Text:
    if isinstance(value, dict) and set(value) == {"file"}:
        return render_block(_read_included(value["file"], info), _language(info))
    text = _expect_text(value)
    if not text.strip():
        raise PydanticCustomError("empty_text", "is empty")
    return render_block(text, _language(info))


def _read_included(name: Any, info: ValidationInfo) -> str:
    from .source import read_text  # late: keeps the model free of I/O until needed

    if not isinstance(name, str) or not name.endswith(".md"):
        raise PydanticCustomError("include", "file: must name a Markdown (.md) file")
    base = Path((info.context or {}).get("base", "."))
    path = (base / name).resolve()
    if not path.is_relative_to(base.resolve()):
        raise PydanticCustomError("include", "file: {name} lies outside the talk's folder", {"name": name})
    if not path.is_file():
        raise PydanticCustomError("include", "file: {name} not found", {"name": name})
    return read_text(path)


Inline = Annotated[Text, PlainValidator(_inline), WithJsonSchema({"type": "string"})]
Quote = Annotated[Text, PlainValidator(_quote), WithJsonSchema({"type": "string"})]
Prose = Annotated[
    Text,
    PlainValidator(_prose),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string"},
                {
                    "type": "object",
                    "properties": {"file": {"type": "string", "pattern": r"\.md$"}},
                    "required": ["file"],
                    "additionalProperties": False,
                },
            ],
            "description": "Markdown text, or {file: notes.md} to read it from a file.",
        }
    ),
]
LabelText = Annotated[
    str | list[str] | dict[Literal["zero", "one", "two", "few", "many", "other"], str],
    Field(description="Text; or [singular, plural]; or forms by plural category (one:, other:, ...)."),
]
Color = Annotated[str, Field(pattern=r"^#(?:[0-9a-fA-F]{3}){1,2}$", examples=["#0f5c6e"])]
FontFamily = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9 \-]{0,63}$", examples=["Inter"])]
Url = Annotated[str, Field(pattern=r"^(https?://|mailto:)\S+$", examples=["https://example.org/talk"])]
Paper = Literal["letter", "a4"]
COPIES_MODES = ("per-group", "per-table", "per-person")
MAX_COPIES = 500


def _copies(value: Any) -> int | str:
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    if text in COPIES_MODES:
        return text
    if text is not None and text.isdigit() and 1 <= int(text) <= MAX_COPIES:
        return int(text)
    raise PydanticCustomError(
        "copies",
        "expected a number of copies (1 to {most}) or per-group, per-table or per-person, got {got}",
        {
            "most": MAX_COPIES,
            "got": repr(value) if not isinstance(value, (list, dict)) else "a list or mapping",
        },
    )


Copies = Annotated[
    int | str,
    PlainValidator(_copies),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": MAX_COPIES},
                {"enum": list(COPIES_MODES)},
            ],
            "description": "How many sets to print: a number, or one per group, table or person.",
        }
    ),
]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]


class Model(BaseModel):
    """Base of every content model: frozen, no unknown keys, knows its source line."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)
    _place: tuple[str, int | None, str] = PrivateAttr(default=("", None, ""))
    _field_lines: dict[str, int] = PrivateAttr(default_factory=dict)

    @property
    def where(self) -> str:
        """`content/talk.yaml:42`: where this part of the talk was written."""
        file, line, _ = self._place
        return f"{file}:{line}" if line else file

    def problem(self, what: str, field: str | None = None) -> Problem:
        """A problem with this part of the talk, placed at its line."""
        file, line, path = self._place
        where = f"{path}.{field}" if field and path else (field or path)
        return Problem(file, self._field_lines.get(field or "", line), None, where, what)


# -- talk metadata -----------------------------------------------------------------------


class Speaker(Model):
    name: str
    role: str | None = None
    organization: str | None = None
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    url: Url | None = None


class Event(Model):
    name: str = Field(description="The conference or occasion, e.g. 'ISPI Conference'.")
    city: str | None = None
    venue: str | None = None
    room: str | None = None
    when: str | None = Field(default=None, description="Day and time as the audience should read them.")
    date: dt.date | None = Field(default=None, description="ISO date, e.g. 2026-04-13.")
    start: dt.time | None = Field(default=None, description="Start time, e.g. '09:00'.")
    duration_minutes: int | None = Field(default=None, gt=0, le=24 * 60)


class Link(Model):
    label: str
    url: Url


class Colors(Model):
    accent: Color = THEMES["default"]["accent"]
    highlight: Color = THEMES["default"]["highlight"]
    ink: Color = THEMES["default"]["ink"]
    muted: Color = THEMES["default"]["muted"]
    paper: Color = THEMES["default"]["paper"]


class Fonts(Model):
    body: FontFamily = "Charis SIL"
    heading: FontFamily = "Inter"


class Theme(Model):
    name: Literal["default", "high-contrast", "ink-saver"] = Field(
        default="default", description="A built-in theme; `colors` below override its colours."
    )
    colors: Colors = Colors()
    fonts: Fonts = Fonts()
    categories: dict[str, Color] = Field(default={}, description="Card colour per category.")
    logo: str | None = Field(default=None, description="SVG or PNG file beside talk.yaml.")
    logo_alt: str | None = Field(
        default=None,
        description="What the logo says or shows, for screen readers (once, on the handout); "
        '"" marks it decorative. Default: the event\'s name.',
    )
    logo_light: str | None = Field(
        default=None,
        description="A light logo for coloured card backs; without it the logo sits on a white plate.",
    )
    paper: Paper = "letter"
    accessibility: Literal["pdf-ua", "tagged"] | None = Field(
        default=None,
        description="pdf-ua: every PDF is PDF/UA-1; tagged: tagged PDFs that claim no standard. "
        "Default: PDF/UA-1 for the handout, the notes handout and the run-sheet, tagged for "
        "slides and cards.",
    )

    @model_validator(mode="before")
    @classmethod
    def _named_theme(cls, value: Any) -> Any:
        return with_theme_defaults(value)

    @field_validator("logo", "logo_light")
    @classmethod
    def _logo_kind(cls, value: str | None) -> str | None:
        if value is not None and not re.search(r"\.(svg|png)$", value, re.IGNORECASE):
            raise PydanticCustomError("logo", "logo must be an .svg or .png file")
        return value


class HandoutOptions(Model):
    paper: Paper | None = Field(default=None, description="Overrides theme.paper.")
    qr: Url | None = Field(default=None, description="URL printed as a QR code on page two.")
    qr_label: str | None = None
    footer: Inline | None = None


# -- the body ----------------------------------------------------------------------------


class Figure(Model):
    """A picture with its caption and credit, printed under a point or a question."""

    src: str = Field(
        pattern=r"(?i)^\S.*\.(png|jpe?g|gif|svg|webp)$",
        description="An image file beside talk.yaml (PNG, JPEG, GIF, SVG or WebP).",
    )
    alt: str = Field(min_length=1, description="What the picture shows, for those who cannot see it.")
    caption: Inline | None = None
    credit: Inline | None = Field(default=None, description="Who made it; printed after the caption.")
    width: Literal["column", "full"] = Field(
        default="column",
        description="`full`: across both columns of the handout, where the layout allows (a point's "
        "figure, not a question's).",
    )


class Variants(Model):
    """Per-artefact wording where one text does not fit all."""

    slide: Inline | None = Field(default=None, description="Short version for the slide.")
    notes: Prose | None = Field(default=None, description="Speaker notes; default: full text.")
    card: Inline | None = Field(default=None, description="Printed as a prompt card with the exercise cards.")


class TextShorthand(Model):
    """A part of the talk that may be written as a bare string, shorthand for {text: ...}."""

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"text": value} if isinstance(value, str) else value

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        # Editors must know that a bare string is shorthand for {text: ...}.
        mapping = handler.resolve_ref_schema(handler(core_schema))
        return {"anyOf": [{"type": "string"}, dict(mapping)], "description": mapping.get("description")}


class Item(TextShorthand):
    """A list item: its text, quoted voices, and a nested list."""

    text: Inline
    quotes: list[Quote] = Field(default=[], description="Voices, set in quotation marks by the kit.")
    items: list[Item] = []


class Point(Variants):
    """A numbered point of the talk (one of the seven tips)."""

    id: Slug | None = None
    text: Inline = Field(description="The point as printed; **bold** its opening words.")
    items: list[Item] = []
    figure: Figure | None = None


class Group(Model):
    title: Inline
    intro: Inline | None = None
    points: list[Point] = Field(min_length=1)


class Question(Variants):
    """A definition or question with its answer, as the handout's second half holds."""

    id: Slug | None = None
    question: Inline
    answer: Prose
    items: list[Item] = []
    figure: Figure | None = None


# -- exercises and card decks ------------------------------------------------------------


class Step(Model):
    text: Inline
    minutes: int = Field(gt=0, le=600)


class Grouping(Model):
    mode: Literal["alone", "pairs", "groups", "room"]
    size: int | None = Field(default=None, ge=2, le=50, description="People per group.")

    @model_validator(mode="after")
    def _size_fits_mode(self) -> Grouping:
        if self.mode == "groups" and self.size is None:
            raise PydanticCustomError("grouping", "groups need a size (people per group)")
        if self.mode == "pairs" and self.size not in (None, 2):
            raise PydanticCustomError("grouping", "pairs are groups of 2; drop the size")
        if self.mode in {"alone", "room"} and self.size is not None:
            raise PydanticCustomError("grouping", "{mode} takes no size", {"mode": self.mode})
        return self


class Material(Model):
    """Something a facilitator hands out, counted per person, pair, group or for the room."""

    name: str = Field(description="What it is, for one: 'sticky note'.")
    plural: str | None = Field(default=None, description="For more than one: 'sticky notes'.")
    count: int = Field(default=1, ge=1, le=1000)
    per: Literal["person", "pair", "group", "room"] = "group"

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value

    def called(self, quantity: int, category: str = "other") -> str:
        """Its name for `quantity` of it (`category`: the language's plural category)."""
        return self.name if quantity == 1 or category == "one" or not self.plural else self.plural


class Participants(Model):
    min: int = Field(default=2, ge=1, le=10_000)
    max: int = Field(default=200, ge=1, le=10_000)


class Exercise(Model):
    id: Slug
    title: Inline
    purpose: Inline | None = None
    prompt: Inline
    steps: list[Step] = Field(min_length=1)
    grouping: Grouping
    minutes: int = Field(gt=0, le=600)
    materials: list[Material] = []
    category: Slug = "reflection"
    participants: Participants | None = Field(default=None, description="Room sizes it suits.")
    serves: str | None = Field(default=None, description="Point number or id, or question id.")
    copies: Copies = Field(
        default=1, description="Cards to print: a number, per-group, per-table, per-person."
    )

    @model_validator(mode="after")
    def _steps_add_up(self) -> Exercise:
        total = sum(step.minutes for step in self.steps)
        if total != self.minutes:
            raise PydanticCustomError(
                "minutes",
                "steps add up to {total} minutes but the exercise says {minutes}",
                {"total": total, "minutes": self.minutes},
            )
        return self


class Statement(TextShorthand):
    """One statement card of a deck: its text, and optionally its own category and back."""

    text: Inline
    category: Slug | None = Field(default=None, description="Overrides the deck's category (colour).")
    back: Inline | None = Field(default=None, description="Text on this card's back.")


class DeckColumns(Model):
    """Which columns of a deck's spreadsheet hold what (header names, any case)."""

    statement: str = Field(default="statement", description="The card's text.")
    category: str | None = Field(default=None, description="Default: a column named 'category', if any.")
    back: str | None = Field(default=None, description="Default: a column named 'back', if any.")


class CardDeck(Model):
    """Cards that are plain statements, e.g. for a card-sort."""

    id: Slug
    title: Inline
    category: Slug = "statements"
    serves: str | None = Field(default=None, description="Point number or id, or question id.")
    instructions: Inline | None = None
    statements: list[Statement] = []
    from_: str | None = Field(
        default=None,
        alias="from",
        description="A CSV, TSV or XLSX file beside talk.yaml with a header row: one card per row.",
    )
    columns: DeckColumns = DeckColumns()
    copies: Copies = Field(
        default=1, description="Sets to print: a number, per-group, per-table, per-person."
    )
    exercise: Slug | None = Field(
        default=None, description="The exercise that uses the deck (per-group copies)."
    )

    _rows: list[Statement] = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _one_source(self) -> CardDeck:
        if self.from_ is None and not self.statements:
            raise PydanticCustomError("deck", "give statements: (a list) or from: (a CSV or TSV file)")
        if self.from_ is not None and self.statements:
            raise PydanticCustomError("deck", "give statements: or from:, not both")
        if self.from_ is not None and not re.search(r"\.(csv|tsv|xlsx)$", self.from_, re.IGNORECASE):
            raise PydanticCustomError("deck", "from: must name a .csv, .tsv or .xlsx file")
        return self

    @property
    def cards(self) -> list[Statement]:
        """The deck's statements: written in the talk, or read from its file."""
        return self.statements or self._rows


# -- slides ------------------------------------------------------------------------------


class SlideSpec(Model):
    """Changes one slide of the derived deck, or adds a new one.

    Derived slides have the ids `title`, `outline`, `group-N`, `point-ID` (or `point-N`),
    `question-ID` (or `question-N`), `exercise-ID` and `closing`; any other id adds a slide.
    """

    id: Slug
    after: Slug | None = Field(default=None, description="Place this slide after that one.")
    title: Inline | None = None
    body: Prose | None = None
    notes: Prose | None = None
    hidden: bool = False
    reveal: bool | None = Field(
        default=None, description="Reveal this slide's bullets one press at a time (default: the deck's)."
    )


class CountdownOptions(Model):
    """How exercise countdowns behave in the HTML deck."""

    autostart: bool = Field(default=False, description="Start a countdown when its slide appears.")
    chime: bool = Field(default=False, description="A soft chime at one minute left and at time up.")


class SlideOptions(Model):
    """`slides:` as a mapping: the deck's order and behaviour, and the changes to its slides.
    A plain list is shorthand for `{changes: [...]}`."""

    order: Literal["talk", "agenda"] = Field(
        default="talk", description="`agenda`: slides in the order of session.agenda."
    )
    reveal: Literal["none", "bullets"] = Field(
        default="none", description="`bullets`: every slide reveals its bullets one at a time."
    )
    countdown: CountdownOptions = CountdownOptions()
    pptx_template: str | None = Field(
        default=None,
        pattern=r"(?i)\.pptx$",
        description="A PowerPoint file beside talk.yaml whose master and layouts slides.pptx uses.",
    )
    changes: list[SlideSpec] = Field(default=[], description="Add, hide, move or change slides.")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"changes": value} if isinstance(value, list) else value

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        mapping = handler.resolve_ref_schema(handler(core_schema))
        changes = mapping["properties"]["changes"]
        return {"anyOf": [changes, dict(mapping)], "description": mapping.get("description")}


# -- cards and the session --------------------------------------------------------------


class Offset(Model):
    dx_mm: float = Field(default=0, ge=-10, le=10, description="Moves backs right, seen on the back.")
    dy_mm: float = Field(default=0, ge=-10, le=10, description="Moves backs down, seen on the back.")


class CardOptions(Model):
    size: str = Field(
        default="poker",
        description="poker, bridge, tarot, a6, index-3x5, index-4x6, or WxH in mm or in (63x88mm).",
    )
    paper: Paper | None = Field(default=None, description="Sheet paper; default: theme.paper.")
    bleed_mm: float = Field(default=0, ge=0, le=6, description="Background beyond the cut, per side.")
    margin_mm: float = Field(default=6, ge=3, le=40, description="Unprinted border of each sheet.")
    gap_mm: float = Field(default=0, ge=0, le=30, description="Space between cards on a sheet.")
    duplex: bool = True
    flip: Literal["long", "short"] = Field(default="long", description="Edge the sheet turns on.")
    offset: Offset = Offset()
    print_sets: dict[Slug, list[Slug]] = Field(
        default={},
        description="Named selections of exercise and deck ids, printed with --cards NAME.",
    )

    @field_validator("size")
    @classmethod
    def _known_size(cls, value: str) -> str:
        from .card_sheets import parse_card_size

        parse_card_size(value)  # raises ValueError with a message naming the choices
        return value


class AgendaItem(Model):
    """A block of the session: an exercise by id, or a segment with a title and minutes."""

    exercise: Slug | None = None
    title: Inline | None = None
    minutes: int | None = Field(default=None, gt=0, le=600)
    slides: list[Slug] = Field(
        default=[], description="With slides: {order: agenda}, the slides this block shows, by id."
    )
    is_break: bool = Field(
        default=False, alias="break", description="A break: its slide says when the room is back."
    )

    @model_validator(mode="after")
    def _one_kind(self) -> AgendaItem:
        if (self.exercise is None) == (self.title is None):
            raise PydanticCustomError("agenda", "give either exercise: ID or title: with minutes:")
        if self.title is not None and self.minutes is None:
            raise PydanticCustomError("agenda", "a segment needs minutes:")
        return self


class Session(Model):
    participants: int = Field(default=20, ge=1, le=10_000, description="Expected head count.")
    tables: int | None = Field(
        default=None, ge=1, le=1000, description="Tables in the room (per-table copies)."
    )
    agenda: list[AgendaItem] = Field(default=[], description="Default: the exercises in order.")


# -- the talk ----------------------------------------------------------------------------


class Talk(Model):
    """One talk: everything the handout, the slides and the cards are made from."""

    title: Inline
    subtitle: Inline | None = None
    language: str = Field(default="en", pattern=r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
    labels: dict[str, LabelText] = Field(
        default={},
        description="Your own words for fixed words, by key (point: [principle, principles]).",
    )
    announcement: Prose | None = Field(
        default=None, description="The speaker's note announcing the talk; not on the handout."
    )
    speaker: Speaker | None = None
    event: Event | None = None
    links: list[Link] = []
    theme: Theme = Theme()
    handout: HandoutOptions = HandoutOptions()
    groups: list[Group] = Field(min_length=1, description="The numbered points, in groups.")
    questions: list[Question] = []
    exercises: list[Exercise] = []
    card_decks: list[CardDeck] = []
    slides: SlideOptions = Field(
        default=SlideOptions(),
        description="Add, hide, move or change slides; order, reveal, countdowns, PowerPoint template.",
    )
    cards: CardOptions = CardOptions()
    session: Session = Session()

    @model_validator(mode="wrap")
    @classmethod
    def _placed(cls, value: Any, handler: Any, info: ValidationInfo) -> Talk:
        """Each part of the talk learns the line it was written on while it is validated, so
        the finished model is never changed afterwards."""
        talk: Talk = handler(value)
        context = info.context or {}
        source = context.get("source")
        if source is not None:
            _place(talk, source, ())
            from .model.card_decks import (
                read_deck_files,  # a deck's spreadsheet, once the talk itself is sound
            )

            read_deck_files(talk, source, Path(context["base"]))
        return talk

    @property
    def points(self) -> list[Point]:
        return [point for group in self.groups for point in group.points]

    @property
    def paper(self) -> Paper:
        return self.handout.paper or self.theme.paper

    @property
    def slide_changes(self) -> list[SlideSpec]:
        """The changes to the derived deck, whichever form `slides:` takes."""
        return self.slides.changes

    @property
    def slide_options(self) -> SlideOptions:
        return self.slides


def _place(model: Model, source: Any, path: tuple[str | int, ...]) -> None:
    """Tell `model` and everything in it which line of `source` it came from."""
    written = _as_written(path, source)
    place = source.position(written)
    model._place = (_project_name(source.path), place.line if place else None, format_path(written))
    names = {name: info.alias or name for name, info in type(model).model_fields.items()}  # `from:`
    lines = source.values
    model._field_lines = {
        n: lines[(*written, key)].line for n, key in names.items() if (*written, key) in lines
    }
    for name in type(model).model_fields:
        value = getattr(model, name)
        for index, item in enumerate(value) if isinstance(value, list) else [(None, value)]:
            if isinstance(item, Model):
                _place(item, source, (*path, name) if index is None else (*path, name, index))


def _as_written(path: tuple[str | int, ...], source: Any) -> tuple[str | int, ...]:
    """The path as the file spells it: `slides: [...]` is shorthand for `slides: {changes: [...]}`."""
    data = source.data if isinstance(source.data, dict) else {}
    if path[:2] == ("slides", "changes") and isinstance(data.get("slides"), list):
        return ("slides", *path[2:])
    return path


def _project_name(path: Path) -> str:
    """The talk file as named inside its project (`content/talk.yaml`): where a part of the
    talk was written goes into outputs (data-where), which must not hold a local path."""
    return f"content/{path.name}" if path.resolve().parent.name == "content" else path.name


Item.model_rebuild()
