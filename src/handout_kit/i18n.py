"""Fixed words in the talk's language: gettext catalogues (read from the shipped .po files with
Babel, so there is no compile step to forget), the talk's own `labels:`, and the locale's way of
writing dates, times, numbers, durations, lists and quotation marks.

Templates call `_()`, `gettext`, `ngettext`, `pgettext` and `npgettext` (jinja2.ext.i18n,
new-style: `{{ pgettext("materials", "Materials:") }}`) and the filters `date`, `clock`,
`minutes`, `number`, `join` and `category`; Python code calls the same methods on
`translator(talk)`. Every message has a context (msgctxt), and that context is the key a talk
uses under `labels:` to reword it.
"""

from __future__ import annotations

import contextvars
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

if TYPE_CHECKING:
    import datetime as dt

    from babel import Locale
    from babel.messages.catalog import Catalog
    from babel.support import NullTranslations

    from .errors import Problem

DOMAIN = "handout_kit"
LOCALE_DIR = Path(__file__).parent / "locale"
TEMPLATE_FILE = LOCALE_DIR / f"{DOMAIN}.pot"
SOURCE_LANGUAGE = "en"

# Quotation marks (primary open/close, secondary open/close) the outputs add around quoted
# voices and that straight quotes in the talk's text become. French keeps a narrow no-break
# space inside its guillemets.
NNBSP, NBSP = "\u202f", "\u00a0"
QUOTES: dict[str, tuple[str, str, str, str]] = {
    "en": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "de": ("\u201e", "\u201c", "\u201a", "\u2018"),
    "fr": ("\u00ab" + NNBSP, NNBSP + "\u00bb", "\u201c", "\u201d"),
    "es": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "it": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "nl": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "pt": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "ar": ("\u00ab", "\u00bb", "\u2039", "\u203a"),
    "he": ("\u201d", "\u201d", "\u2019", "\u2019"),
    "ja": ("\u300c", "\u300d", "\u300e", "\u300f"),
    "zh": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "ko": ("\u201c", "\u201d", "\u2018", "\u2019"),
}
QUOTES_BY_TAG = {"de-ch": ("\u00ab", "\u00bb", "\u2039", "\u203a"), "pt-pt": QUOTES["es"]}

# Fonts that cover other scripts, tried after the theme's own (Debian: fonts-noto-core and
# fonts-noto-cjk). The CJK variant of the talk's language comes first: the same code point has
# a Japanese, Chinese or Korean form.
CJK_FONTS = {
    "ja": ("Noto Sans CJK JP", "Noto Serif CJK JP"),
    "ko": ("Noto Sans CJK KR", "Noto Serif CJK KR"),
    "zh": ("Noto Sans CJK SC", "Noto Serif CJK SC"),
    "zh-hant": ("Noto Sans CJK TC", "Noto Serif CJK TC"),
}
SERIF_FALLBACKS = ("Noto Naskh Arabic", "Noto Serif Hebrew", "Noto Serif", "Noto Serif Devanagari")
SANS_FALLBACKS = ("Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans", "Noto Sans Devanagari")

_current: contextvars.ContextVar[Translator | None] = contextvars.ContextVar("translator", default=None)


# -- catalogues --------------------------------------------------------------------------


def catalogue_file(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def available_languages() -> list[str]:
    """The languages with a shipped catalogue (English included)."""
    return sorted(p.parents[1].name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


@cache
def read_catalogue(language: str) -> Catalog:
    """The .po file for `language`, read with Babel."""
    from babel.messages.pofile import read_po

    with catalogue_file(language).open("rb") as handle:
        return read_po(handle, locale=language.replace("-", "_"), domain=DOMAIN)


@cache
def _translations(language: str) -> NullTranslations:
    """gettext translations compiled in memory from the .po file (no .mo step to forget)."""
    from babel.messages.mofile import write_mo
    from babel.support import Translations

    buffer = io.BytesIO()
    write_mo(buffer, read_catalogue(language), use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def catalogue_language(tag: str) -> str | None:
    """The shipped catalogue for a language tag: `de-CH` uses `de`, `pt-BR` uses `pt`."""
    parts = tag.replace("_", "-").split("-")
    available = available_languages()
    for length in range(len(parts), 0, -1):
        candidate = "_".join([parts[0].lower(), *(p.upper() for p in parts[1:length])])
        if candidate in available:
            return candidate
    return None


@cache
def messages() -> dict[str, tuple[str, str | None]]:
    """Every fixed word, by its context (the `labels:` key): (English text, English plural)."""
    found: dict[str, tuple[str, str | None]] = {}
    for message in read_catalogue(SOURCE_LANGUAGE):
        if not message.id or not message.context:
            continue
        if isinstance(message.id, tuple | list):
            found[message.context] = (message.id[0], message.id[1])
        else:
            found[message.context] = (message.id, None)
    return found


PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


# -- labels ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    """A talk's own wording for one fixed word: one form, or forms by CLDR plural category."""

    forms: tuple[tuple[str, str], ...]  # (category, text); category "" for a single form

    @classmethod
    def of(cls, value: Any) -> Label:
        if isinstance(value, str):
            return cls((("", value),))
        if isinstance(value, list | tuple):
            if len(value) == 1:
                return cls((("", str(value[0])),))
            return cls((("one", str(value[0])), ("other", str(value[1]))))
        return cls(tuple((str(key), str(text)) for key, text in value.items()))

    def texts(self) -> list[str]:
        return [text for _, text in self.forms]

    def pick(self, category: str) -> str:
        forms = dict(self.forms)
        return forms.get(category) or forms.get("other") or forms.get("") or self.forms[-1][1]


def _escaped(label: str) -> str:
    # Labels are written with %(name)s placeholders; a lone % is a percent sign.
    return re.sub(r"%(?!\()", "%%", label)


# -- the translator ----------------------------------------------------------------------


@dataclass(frozen=True)
class Translator:
    """Fixed words and formats for one talk: its language's catalogue, then its labels."""

    language: str
    catalogue: str | None  # the shipped catalogue in use; None: English fallback
    labels: Mapping[str, Label] = field(default_factory=dict)

    @property
    def locale(self) -> Locale:
        return _locale(self.language)

    @property
    def _gettext(self) -> NullTranslations:
        return _translations(self.catalogue or SOURCE_LANGUAGE)

    # gettext, with the talk's labels first

    def gettext(self, message: str) -> str:
        return self._gettext.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._gettext.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        label = self.labels.get(context)
        if label is not None:
            return _escaped(label.pick(""))
        # Babel types pgettext as `str | object`; it gives the translation or `message`, a str.
        return cast(str, self._gettext.pgettext(context, message))

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        label = self.labels.get(context)
        if label is not None:
            return _escaped(label.pick(self.plural_category(n)))
        return self._gettext.npgettext(context, singular, plural, n)

    def plural_category(self, n: int) -> str:
        return self.locale.plural_form(n)

    # the same, formatted (for Python code; templates format through Jinja)

    def label(self, context: str, message: str, **values: Any) -> str:
        return self.pgettext(context, message) % values

    def plural_label(self, context: str, singular: str, plural: str, n: int, **values: Any) -> str:
        return self.npgettext(context, singular, plural, n) % {"num": n, **values}

    # the point noun: "Tip 5", "Tips 1–3", or whatever the talk calls its points

    def point(self, number: int) -> str:
        noun = self.npgettext("point", "Tip", "Tips", 1)
        return self.label("point-number", "%(point)s %(number)s", point=noun, number=number)

    def points(self, first: int, last: int) -> str:
        if first == last:
            return self.point(first)
        noun = self.npgettext("point", "Tip", "Tips", last - first + 1)
        return self.label(
            "point-range", "%(points)s %(first)s\u2013%(last)s", points=noun, first=first, last=last
        )

    def question(self, number: int) -> str:
        return self.label("question-number", "Question %(number)s", number=number)

    # formats

    def date(self, value: dt.date) -> str:
        from babel.dates import format_date

        return format_date(value, "full", locale=self.locale)

    def clock(self, value: dt.time) -> str:
        """A time of day as the locale writes it: 14:30 in German, 2:30 PM in English."""
        from babel.dates import format_time

        return format_time(value, "short", locale=self.locale)

    def clock_format(self) -> dict[str, str]:
        """The locale's short clock for the deck's script: its CLDR pattern (`HH:mm`,
        `h:mm a`) and the names of the morning and afternoon, so the script writes the times
        it computes as `clock` does."""
        import datetime as dt

        from babel.dates import format_time, get_time_format

        return {
            "pattern": get_time_format("short", locale=self.locale).pattern,
            "am": format_time(dt.time(9), "a", locale=self.locale),
            "pm": format_time(dt.time(15), "a", locale=self.locale),
        }

    def minutes(self, value: int, length: Literal["short", "long", "narrow"] = "short") -> str:
        """A duration: `10 min`, `10 Min.`, `10 分`; `long`: `10 minutes`, `10 Minuten`, by the
        language's plural rules."""
        from babel.units import format_unit

        return format_unit(value, "duration-minute", length=length, locale=self.locale)

    def number(self, value: float) -> str:
        from babel.numbers import format_decimal

        return format_decimal(value, locale=self.locale)

    def join(self, items: list[str]) -> str:
        """`a, b and c` in the talk's language."""
        from babel.lists import format_list

        return format_list([str(item) for item in items], locale=self.locale) if items else ""

    def category(self, slug: str) -> str:
        """A card category's name: the talk's label, the catalogue's for the built-in ones, else
        the slug with spaces."""
        key = f"category-{slug}"
        if key in self.labels:
            return self.labels[key].pick("")
        built_in = {  # the categories a card gets when the talk names none
            "reflection": self.label("category-reflection", "reflection"),
            "statements": self.label("category-statements", "statements"),
        }
        return built_in.get(slug) or slug.replace("-", " ")

    # typography and script

    @property
    def quotes(self) -> tuple[str, str, str, str]:
        return quotes_for(self.language)

    @property
    def quotes_css(self) -> str:
        return " ".join('"' + "".join(f"\\{ord(c):04x} " for c in mark).strip() + '"' for mark in self.quotes)

    @property
    def direction(self) -> str:
        return direction_of(self.language)

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"

    @property
    def cjk(self) -> bool:
        return _cjk(self.language) is not None

    @property
    def sans_fallbacks(self) -> tuple[str, ...]:
        cjk = _cjk(self.language)
        return (*(cjk[:1] if cjk else ()), *SANS_FALLBACKS, *_other_cjk(cjk, 0))

    @property
    def serif_fallbacks(self) -> tuple[str, ...]:
        cjk = _cjk(self.language)
        return (*(cjk[1:] if cjk else ()), *SERIF_FALLBACKS, *_other_cjk(cjk, 1))

    def font_stack(self, role: str) -> str:
        """The fallback part of a CSS font-family list, per script, for `body` or `heading`."""
        families = self.serif_fallbacks if role == "body" else self.sans_fallbacks
        return ", ".join(f'"{family}"' for family in families)

    def qr_title(self, url: str) -> str:
        """What a QR code is called for a screen reader and in the PDF's /Alt."""
        qr_code = self.label("qr-code", "QR code")
        return self.label("labelled", "%(label)s: %(text)s", label=qr_code, text=url)

    def deck_strings(self) -> dict[str, str]:
        """What the deck's script writes on screen, in the talk's language (deck.js reads it)."""
        return {
            "goTo": self.label("deck-go-to", "Go to slide %(number)s", number="{n}"),
            "noNotes": self.label("deck-no-notes", "No notes for this slide."),
            "notesElsewhere": self.label(
                "deck-notes-elsewhere",
                "This file carries no speaker notes; they are in %(file)s.",
                file="{file}",
            ),
        }


def _cjk(language: str) -> tuple[str, str] | None:
    tag = language.lower()
    if tag.startswith("zh") and any(part in tag for part in ("hant", "-tw", "-hk", "-mo")):
        return CJK_FONTS["zh-hant"]
    return CJK_FONTS.get(tag.split("-")[0])


def _other_cjk(chosen: tuple[str, str] | None, index: int) -> tuple[str, ...]:
    # A Japanese talk quoting a Korean word still finds a font: the other CJK fonts come last.
    return tuple(pair[index] for pair in CJK_FONTS.values() if pair != chosen)


def quotes_for(language: str) -> tuple[str, str, str, str]:
    tag = language.lower()
    return QUOTES_BY_TAG.get(tag) or QUOTES.get(tag.split("-")[0]) or QUOTES["en"]


def direction_of(language: str) -> str:
    return "rtl" if language.lower().split("-")[0] in {"ar", "he", "fa", "ur", "yi", "ps", "dv"} else "ltr"


@cache
def _locale(language: str) -> Locale:
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        try:
            return Locale.parse(language.split("-")[0])
        except (UnknownLocaleError, ValueError):
            return Locale.parse(SOURCE_LANGUAGE)


def translator(talk: Any) -> Translator:
    """The translator for a talk (its `language:` and `labels:`)."""
    labels = tuple(sorted((key, Label.of(value)) for key, value in (talk.labels or {}).items()))
    return _translator(talk.language, labels)


@cache
def _translator(language: str, labels: tuple[tuple[str, Label], ...]) -> Translator:
    return Translator(language, catalogue_language(language), dict(labels))


ENGLISH = Translator(SOURCE_LANGUAGE, SOURCE_LANGUAGE)


def language_warning(talk: Any) -> Problem | None:
    """A warning when the talk's language has no catalogue and its labels do not cover every
    fixed word: those stay in English. It says how to add the language."""
    if catalogue_language(talk.language) is not None:
        return None
    missing = [key for key in messages() if key not in (talk.labels or {})]
    if not missing:
        return None
    shipped = ", ".join(available_languages())
    what = (
        f"language '{talk.language}' has no catalogue of fixed words (there are: {shipped}); "
        f"{len(missing)} fixed words stay in English. Reword them for this talk under labels: "
        "(docs/content-format.md lists the keys), or add the language for everyone: "
        f"pybabel init -D {DOMAIN} -i src/handout_kit/locale/{DOMAIN}.pot -d src/handout_kit/locale "
        f"-l {talk.language.replace('-', '_')}, then translate the new .po file"
    )
    result: Problem = talk.problem(what, "language")
    return result


def label_problems(talk: Any) -> Iterator[tuple[str, str]]:
    """(key, what is wrong) for each entry of the talk's `labels:` that cannot be used."""
    from .errors import suggestion

    known = messages()
    categories = {f"category-{e.category}" for e in talk.exercises} | {
        f"category-{d.category}" for d in talk.card_decks
    }
    for key, value in (talk.labels or {}).items():
        if key not in known and key not in categories:
            hint = suggestion(key, sorted(set(known) | categories), "labels are:")
            yield key, f"no fixed word has the label '{key}'" + (f"; {hint}" if hint else "")
            continue
        if isinstance(value, list) and not 1 <= len(value) <= 2:
            yield key, f"'{key}': give one text, or [singular, plural], or forms by category (one:, other:)"
            continue
        label = Label.of(value)
        english, plural = known.get(key, (key, None))
        if plural is None and len(label.forms) > 1:
            yield key, f"'{key}' has one form; give it as text, not a list"
            continue
        allowed = placeholders(english) | placeholders(plural or "") | ({"num"} if plural else set())
        for text in label.texts():
            unknown = placeholders(text) - allowed
            if unknown:
                names = ", ".join(f"%({name})s" for name in sorted(allowed)) or "none"
                yield key, f"'{key}' uses %({sorted(unknown)[0]})s; its placeholders are: {names}"
                break


# -- Jinja -------------------------------------------------------------------------------


def current() -> Translator:
    return _current.get() or ENGLISH


def using(talk_translator: Translator | None) -> contextvars.Token[Translator | None]:
    return _current.set(talk_translator)


def done(token: contextvars.Token[Translator | None]) -> None:
    _current.reset(token)


def install(environment: Any) -> None:
    """Give a Jinja environment the i18n extension, new-style gettext functions that read the
    translator of the template being rendered, and the locale filters."""
    environment.add_extension("jinja2.ext.i18n")
    environment.install_gettext_callables(
        lambda message: current().gettext(message),
        lambda singular, plural, n: current().ngettext(singular, plural, n),
        newstyle=True,
        pgettext=lambda context, message: current().pgettext(context, message),
        npgettext=lambda context, singular, plural, n: current().npgettext(context, singular, plural, n),
    )
    environment.filters.update(
        date=lambda value: current().date(value),
        clock=lambda value: current().clock(value),
        minutes=lambda value, length="short": current().minutes(value, length),
        number=lambda value: current().number(value),
        join_words=lambda items: current().join(list(items)),
        category=lambda slug: current().category(slug),
        plural_category=lambda n: current().plural_category(n),
    )


# -- Markdown typography -----------------------------------------------------------------

_FRENCH_HIGH = re.compile(r"(?<=[^\s;:!?\u202f\u00a0])[ \u00a0\u202f]?([;!?]+)(?=\s|$|[\u00bb\u201d)\]])")
_FRENCH_COLON = re.compile(r"(?<=[^\s;:!?\u202f\u00a0\d])[ \u00a0\u202f]?:(?=\s|$)")
_GUILLEMET_OPEN = re.compile(r"\u00ab[ \u00a0\u202f]?")
_GUILLEMET_CLOSE = re.compile(r"[ \u00a0\u202f]?\u00bb")


def french_spacing(text: str) -> str:
    """A narrow no-break space before ; ! ? and inside « », a no-break space before a colon."""
    text = _FRENCH_HIGH.sub(lambda m: NNBSP + m[1], text)
    text = _FRENCH_COLON.sub(NBSP + ":", text)
    text = _GUILLEMET_OPEN.sub("\u00ab" + NNBSP, text)
    return _GUILLEMET_CLOSE.sub(NNBSP + "\u00bb", text)
