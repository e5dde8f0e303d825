"""Talks in other languages: complete catalogues, every output of the German, French, Arabic and
Japanese examples read back (no English fixed word, the locale's date, the language's quotation
marks), Arabic set right to left, Japanese with embedded fonts, `labels:` and unknown languages."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pdfplumber
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from conftest import MINIMAL_TALK, REPO, assert_clean_failure, read_pdf, run_cli
from handout_kit.i18n import LOCALE_DIR, TEMPLATE_FILE, available_languages, read_catalogue

LANGUAGES = ["de", "fr", "ar", "ja"]
DATES = {
    "de": "Donnerstag, 14. Mai 2026",
    "fr": "jeudi 14 mai 2026",
    "ar": "الخميس، 14 مايو 2026",
    "ja": "2026年5月14日木曜日",
}
QUOTES = {
    "de": ("\u201e", "\u201c"),
    "fr": ("\u00ab\u202f", "\u202f\u00bb"),
    "ar": ("\u00ab", "\u00bb"),
    "ja": ("\u300c", "\u300d"),
}
ENGLISH_WORDS = [
    line.strip()
    for line in (LOCALE_DIR / "english-fixed-words.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]
# Outputs that show the event's date, and those that show quoted text.
DATED = {
    "handout.pdf",
    "handout.html",
    "slides.pdf",
    "slides.html",
    "slides-presenter.html",
    "slides.pptx",
    "run-sheet.pdf",
}
QUOTING = {"handout.pdf", "cards.pdf", "cards-print.pdf", "cards.html", "slides.pdf", "slides.html"}


# -- catalogues --------------------------------------------------------------------------


def test_the_template_holds_every_fixed_word_of_the_code_and_templates() -> None:
    method_map = [("src/handout_kit/**.py", "python"), ("templates/**.html", "jinja2")]
    options = {
        "templates/**.html": {"trim_blocks": "true", "lstrip_blocks": "true", "newstyle_gettext": "true"}
    }
    keywords = {
        "pgettext": ((1, "c"), 2),
        "npgettext": ((1, "c"), 2, 3),
        "label": ((1, "c"), 2),
        "plural_label": ((1, "c"), 2, 3),
        "gettext": None,
        "ngettext": (1, 2),
        "_": None,
    }
    found = {
        (context, message if isinstance(message, str) else tuple(message))
        for _, _, message, _, context in extract_from_dir(REPO, method_map, options, keywords)
    }
    with TEMPLATE_FILE.open("rb") as handle:
        template = read_po(handle)
    shipped = {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)) for m in template if m.id}
    assert found == shipped, "run `make messages` to bring handout_kit.pot up to date"
    assert all(context for context, _ in found), "every fixed word needs a context: its labels: key"


@pytest.mark.parametrize("language", ["en", "de", "fr", "es", "it", "nl", "pt", "ar", "ja"])
def test_catalogue_is_complete_and_its_placeholders_match(language: str) -> None:
    assert language in available_languages()
    with TEMPLATE_FILE.open("rb") as handle:
        template = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(handle) if m.id}
    catalogue = read_catalogue(language)
    translated = {}
    for message in catalogue:
        if not message.id:
            continue
        assert not message.fuzzy, f"{language}: fuzzy {message.context}"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert len(strings) == (catalogue.num_plurals if isinstance(message.id, tuple) else 1)
        assert all(s.strip() for s in strings), f"{language}: {message.context} is not translated"
        translated[(message.context, message.id if isinstance(message.id, str) else message.id[0])] = strings
    assert set(translated) == template
    assert not [(m.context, errors) for m, errors in catalogue.check()]


def test_english_fixed_words_come_from_the_english_catalogue() -> None:
    english = " ".join(
        " ".join(m.id) if isinstance(m.id, tuple) else m.id for m in read_catalogue("en") if m.id
    )
    stale = [word for word in ENGLISH_WORDS if word not in english and word not in ("Thursday", "May")]
    assert not stale, f"not fixed words of the kit any more: {stale}"


# -- the example talks -------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    outs = {}
    for language in LANGUAGES:
        out = tmp_path_factory.mktemp(f"i18n-{language}")
        result = run_cli("build", REPO / "examples" / f"i18n-{language}", "--out", out, "--strict")
        assert result.exit_code == 0, result.output
        outs[language] = out
    return outs


class _Visible(HTMLParser):
    """The words an HTML output shows or reads out: text outside scripts and styles, alt,
    title and aria-label; plus the deck's interface words (its #deck-labels JSON block)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0
        self.json = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = dict(attrs)
        if tag in ("script", "style"):
            self.skip += 1
            self.json = values.get("id") == "deck-labels"  # not #deck-data: timings, not words
        for name in ("alt", "title", "aria-label"):
            if values.get(name):
                self.parts.append(values[name])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip -= 1
            self.json = False

    def handle_data(self, data: str) -> None:
        if self.json:
            self.parts.extend(json.loads(data).values())
        elif not self.skip:
            self.parts.append(data)


def html_text(path: Path) -> str:
    parser = _Visible()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(parser.parts)


LEFT_TO_RIGHT = re.compile(r"[0-9A-Za-z.:/_\-]+(?: [0-9A-Za-z.:/_\-]+)*")


def pdf_lines(path: Path, rtl: bool) -> str:
    """The PDF's text line by line; for right-to-left talks the characters of each line are
    put back in reading order (right to left, runs of digits and Latin letters left to right)."""
    with pdfplumber.open(path) as pdf:
        if not rtl:
            return "\n".join(page.extract_text(keep_blank_chars=True) or "" for page in pdf.pages)
        lines = []
        for page in pdf.pages:
            rows: dict[int, list] = {}
            for char in page.chars:  # by baseline: Arabic and Latin fonts differ in height
                rows.setdefault(round(char["matrix"][5] / 2), []).append(char)
            for _, chars in sorted(rows.items(), reverse=True):  # PDF y runs upwards
                text = "".join(c["text"] for c in sorted(chars, key=lambda c: -c["x0"]))
                lines.append(
                    re.sub(r"[0-9A-Za-z.:/_\-]+(?: [0-9A-Za-z.:/_\-]+)*", lambda m: m[0][::-1], text)
                )
        return "\n".join(lines)


def pptx_text(path: Path) -> str:
    """Every paragraph of every slide of a PowerPoint file and of its notes, one a line."""
    from pptx import Presentation

    lines = []
    for slide in Presentation(str(path)).slides:
        shapes = list(slide.shapes)
        if slide.has_notes_slide:
            shapes += list(slide.notes_slide.shapes)
        for shape in shapes:
            if shape.has_text_frame:
                lines.extend(paragraph.text for paragraph in shape.text_frame.paragraphs)
    return "\n".join(lines)


def pdf_names(path: Path) -> str:
    """What a PDF says besides its page text: its title and the alternative texts of its
    figures (a QR code, the slide pictures of the notes), as a screen reader reads them."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        names = [str(pdf.docinfo.get("/Title", ""))]
        names += [str(o["/Alt"]) for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and "/Alt" in o]
    return "\n".join(names)


def outputs(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if p.suffix in (".pdf", ".html", ".pptx"))


def output_text(path: Path, language: str) -> str:
    if path.suffix == ".pptx":
        text = pptx_text(path)
    else:
        text = (
            pdf_lines(path, language == "ar") + "\n" + pdf_names(path)
            if path.suffix == ".pdf"
            else html_text(path)
        )
    return re.sub(r"\b(cards|slides-presenter|slides|handout|run-sheet)\.(pdf|html|offset)\b", "", text)


def squashed(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


def translated_words(language: str) -> str:
    strings = []
    for message in read_catalogue(language):
        if message.id:
            strings.extend(message.string if isinstance(message.string, tuple) else (message.string,))
    return " ".join(strings)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_output_speaks_the_language(built: dict[str, Path], language: str) -> None:
    files = outputs(built[language])
    assert {p.name for p in files} >= DATED | QUOTING | {"run-sheet.html", "slides-notes.pdf", "slides.pptx"}
    own = translated_words(language)
    words = [w for w in ENGLISH_WORDS if not re.search(rf"(?<!\w){re.escape(w)}(?!\w)", own)]
    # kickers and headings set in capitals by the CSS ("BREAK · 10 MIN") read back in capitals
    words += [
        w.upper()
        for w in ENGLISH_WORDS
        if w.upper() != w and not re.search(rf"(?<!\w){re.escape(w)}(?!\w)", own, re.IGNORECASE)
    ]
    open_mark, close_mark = QUOTES[language]
    for path in files:
        text = output_text(path, language)
        assert len(text) > 50, path.name
        english = [w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]
        assert not english, f"{language}/{path.name} shows English fixed words: {english}"
        if path.name in DATED:
            assert squashed(DATES[language]) in squashed(text), f"{language}/{path.name}: no date"
        if path.name in QUOTING:
            assert open_mark in text and close_mark in text, (
                f"{language}/{path.name}: no {open_mark}{close_mark}"
            )
        assert "\u201c" not in text or language == "de", f"{language}/{path.name}: English quotation marks"
    css = (built[language] / "handout.html").read_text(encoding="utf-8")
    marks = re.search(r"q, :root \{ quotes: ([^;]+);", css)
    assert marks is not None
    expected = "".join(open_mark + close_mark).replace("\u202f", "")
    assert all(f"\\{ord(ch):04x}" in marks[1] for ch in expected)


def test_french_spacing_before_high_punctuation(built: dict[str, Path]) -> None:
    text = output_text(built["fr"] / "handout.pdf", "fr")
    assert re.search("suffit\u00a0:\\s+que", text)  # typed "suffit : que" in the talk
    assert "fin\u202f?" in text  # typed "à la fin ?"
    assert re.search(r"[^\s\u202f\u00a0][?;!]", text.replace("http", "")) is None


def test_french_spacing_before_colons_in_every_output(built: dict[str, Path]) -> None:
    """The kit's own colons ("label: address", the presenter's "Next slide: title", the
    print line) take the no-break space French puts before them, in every output."""
    for path in outputs(built["fr"]):
        text = output_text(path, "fr")
        if path.suffix == ".html":  # the deck script's words too (#deck-labels), as shown
            text += " " + " ".join(json.loads(_json_block(path, "deck-labels") or "{}").values())
        tight = re.findall(r"\S{0,15}[^\s\u00a0\u202f\d]:(?=\s)", text)
        assert not tight, f"fr/{path.name}: a colon without its no-break space: {tight}"


def _json_block(path: Path, element_id: str) -> str | None:
    found = re.search(
        rf'<script type="application/json" id="{element_id}">(.*?)</script>', path.read_text("utf-8"), re.S
    )
    return found[1] if found else None


# The agenda-ordered decks (examples/i18n-de and i18n-fr have `slides: {order: agenda}`): the
# agenda's own slide and the break slide, in the slides PDF and in slides.pptx.
AGENDA_WORDS = {
    "de": ("Programmpunkt 1 · 5 Min.", "Pause · 5 Min.", "Weiter um 10:00"),
    "fr": ("Séquence 1 · 5 min", "Pause · 5 min", "Reprise à 10:00"),
}


@pytest.mark.parametrize("language", ["de", "fr"])
def test_agenda_and_break_slides_speak_the_language(built: dict[str, Path], language: str) -> None:
    block, pause, back = AGENDA_WORDS[language]
    slides = re.sub("[\u00a0\u202f]", " ", output_text(built[language] / "slides.pdf", language))
    assert block.upper() in slides.upper(), f"{language}: no agenda slide {block!r}"  # kickers: capitals
    assert pause.upper() in slides.upper() and back in slides, f"{language}: no break slide saying {back!r}"
    pptx = re.sub("[\u00a0\u202f]", " ", pptx_text(built[language] / "slides.pptx"))
    assert block in pptx and f"{pause} · {back}" in pptx
    # the clock of the break comes from the locale: 24-hour here, and the script knows it
    data = json.loads(_json_block(built[language] / "slides.html", "deck-data") or "{}")
    assert data["clock"]["pattern"] == "HH:mm"


def test_the_run_sheet_counts_copies_in_the_language(built: dict[str, Path]) -> None:
    """How the copies of a card set were counted ("one per group of 4, 3 groups", "one per
    table, 3 tables") is part of
    the run-sheet's print line, in the talk's language and with its plural rules."""
    de = output_text(built["de"] / "run-sheet.pdf", "de").replace("\n", " ")
    assert "einmal pro Gruppe zu 4, 3 Gruppen" in de
    fr = output_text(built["fr"] / "run-sheet.pdf", "fr").replace("\n", " ")
    assert "un exemplaire par groupe de 4, 3 groupes" in fr
    ar = output_text(built["ar"] / "run-sheet.pdf", "ar")
    assert "نسخة لكل طاولة، 3 طاولات" in ar.replace("\n", " ")  # Arabic's "few" form (3 to 10)


def test_german_words_break_by_the_german_dictionary(built: dict[str, Path]) -> None:
    import pyphen

    with pdfplumber.open(built["de"] / "handout.pdf") as pdf:
        page = pdf.pages[0]
        halves = [
            page.crop((0, 0, page.width / 2, page.height)),
            page.crop((page.width / 2, 0, page.width, page.height)),
        ]
        text = "\n".join(half.extract_text() or "" for half in halves)
    broken = re.findall(r"(\w+)\u2010\n(\w+)", text)  # WeasyPrint's hyphen at a line end
    assert len(broken) >= 3, "hardly a word hyphenated in the German handout"
    dictionary = pyphen.Pyphen(lang="de_DE")
    for head, tail in broken:
        assert len(head) in dictionary.positions(head + tail), f"{head}|{tail}: no German hyphenation point"


# -- right to left -----------------------------------------------------------------------


def words_on_line(page, top: float) -> list[dict]:
    return sorted(
        (w for w in page.extract_words() if abs(w["top"] - top) < 3), key=lambda w: w["x0"], reverse=True
    )


def test_arabic_lines_run_right_to_left(built: dict[str, Path]) -> None:
    out = built["ar"]
    title = "اجتماعات أقصر وقرارات أفضل"
    with pdfplumber.open(out / "handout.pdf") as pdf:
        page = pdf.pages[0]
        first = next(w for w in page.extract_words() if w["text"] == "اجتماعات"[::-1])
        line = words_on_line(page, first["top"])
        # the words of the title from right to left are the title in reading order,
        # and each word's characters lie right to left too
        assert " ".join(w["text"][::-1] for w in line) == title
        chars = sorted(
            (c for c in page.chars if abs(c["top"] - first["top"]) < 3 and c["text"].strip()),
            key=lambda c: -c["x0"],
        )
        assert "".join(c["text"] for c in chars) == title.replace(" ", "")
        # the line starts at the right margin (15 mm)
        assert page.width - line[0]["x1"] == pytest.approx(15 / 25.4 * 72, abs=1.5)
    with pdfplumber.open(out / "slides.pdf") as pdf:
        page = pdf.pages[0]
        words = [w for w in page.extract_words() if w["text"] == "اجتماعات"[::-1]]
        assert words and words[0]["x0"] > page.width / 2  # the title slide's title starts at the right
    with pdfplumber.open(out / "run-sheet.pdf") as pdf:
        page = pdf.pages[0]
        clock = next(w for w in page.extract_words() if w["text"] == "9:30")
        title = next(w for w in page.extract_words() if w["text"] == "الترحيب"[::-1])
        assert clock["x0"] > title["x1"]  # the time column is the first from the right


def test_arabic_cards_are_placed_right_to_left_and_backs_register(built: dict[str, Path]) -> None:
    def word(page, text: str) -> dict:
        return next(w for w in page.extract_words() if w["text"] == text[::-1])

    def slot(page, x: float) -> float:
        """The middle of the card-wide box (a card's background, drawn with its bleed) around x."""
        card, bleed = 63 / 25.4 * 72, 3 / 25.4 * 72
        boxes = {(r["x0"], r["x1"]) for r in page.rects if card - 1 < r["width"] < card + 2 * bleed + 1}
        x0, x1 = next(box for box in boxes if box[0] <= x <= box[1])
        return (x0 + x1) / 2

    with pdfplumber.open(built["ar"] / "cards.pdf") as pdf:
        front, back = pdf.pages[0], pdf.pages[1]
        first, second = word(front, "إعادة"), word(front, "تخطيط")  # the titles of cards 1 and 2
        assert first["x0"] > second["x1"] and first["x0"] > front.width * 2 / 3
        first_back, second_back = word(back, "تأمل"), word(back, "تطبيق")  # their backs' categories
        assert first_back["x1"] < second_back["x0"] and first_back["x1"] < back.width / 3
        # duplex, long edge: each back lies where its front's mirror image falls
        for front_word, back_word in ((first, first_back), (second, second_back)):
            middle = slot(front, (front_word["x0"] + front_word["x1"]) / 2)
            back_middle = slot(back, (back_word["x0"] + back_word["x1"]) / 2)
            assert back_middle == pytest.approx(front.width - middle, abs=0.5)


# -- Japanese ----------------------------------------------------------------------------


def test_japanese_text_is_present_with_embedded_fonts(built: dict[str, Path]) -> None:
    for name in ("handout.pdf", "slides.pdf", "cards.pdf", "run-sheet.pdf"):
        path = built["ja"] / name
        text = squashed(output_text(path, "ja"))
        assert "短い会議、よりよい決定" in text, name
        reader = read_pdf(path)
        fonts = {}
        for page in reader.pages:
            for font in _fonts(page["/Resources"]):
                descriptor = (font.get("/DescendantFonts") or [font])[0].get_object().get("/FontDescriptor")
                embedded = descriptor is not None and any(
                    key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
                )
                fonts[str(font["/BaseFont"])] = embedded
        cjk = [name for name in fonts if "CJK-JP" in name]
        assert cjk, f"{name}: no Japanese font in {sorted(fonts)}"
        assert all(fonts.values()), f"{name}: fonts not embedded: {fonts}"


def _fonts(resources) -> list:
    """Every font a page's resources hold, those of the forms it draws (placed cards) included."""
    resources = resources.get_object()
    found = [font.get_object() for font in resources.get("/Font", {}).values()]
    for xobject in resources.get("/XObject", {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
            found += _fonts(xobject["/Resources"])
    return found


def test_japanese_lines_break_between_characters(built: dict[str, Path]) -> None:
    with pdfplumber.open(built["ja"] / "handout.pdf") as pdf:
        lines = (pdf.pages[0].extract_text() or "").splitlines()
    # a long sentence wraps although it has no spaces; no line starts with a closing mark
    assert any(len(line) > 15 and " " not in line.strip() for line in lines)
    assert not [line for line in lines if line[:1] in "\u3001\u3002\u300d\u300f\uff09"]


# -- labels and languages ----------------------------------------------------------------

LABELLED = (
    MINIMAL_TALK
    + """\
labels:
  point: [Principle, Principles]
exercises:
  - id: try-it
    title: Try it
    prompt: Do the thing.
    steps: [{text: Do it, minutes: 5}]
    grouping: {mode: pairs}
    minutes: 5
    materials:
      - {name: sticky note, plural: sticky notes, count: 2, per: person}
      - {name: consent cards (green / amber / red), per: pair}
    serves: "2"
session:
  participants: 8
"""
)


def test_labels_rename_the_point_on_cards_slides_and_run_sheet(make_talk) -> None:
    project = make_talk(LABELLED)
    result = run_cli(
        "build", project, "--only", "cards", "--only", "slides", "--only", "run-sheet", "--format", "pdf"
    )
    assert result.exit_code == 0, result.output
    out = project / "build"
    cards = pdf_lines(out / "cards.pdf", False)
    assert "Principle 2" in cards and "Tip" not in cards
    slides = pdf_lines(out / "slides.pdf", False)
    assert "PRINCIPLES 1–2" in slides and "Tip" not in slides  # the section slide's kicker
    notes = pdf_lines(out / "slides-notes.pdf", False)
    assert "Tip" not in notes
    run_sheet = pdf_lines(out / "run-sheet.pdf", False)
    assert "Principle 2" in run_sheet and "Tip" not in run_sheet
    # plurals as the talk gives them, never with a letter appended
    assert "16 sticky notes" in run_sheet
    assert "consent cards (green / amber / red) ×4" in " ".join(run_sheet.split())
    assert ")s" not in run_sheet


def test_a_label_with_an_unknown_key_or_placeholder_is_refused(make_talk) -> None:
    text = MINIMAL_TALK + "labels:\n  pointt: Principle\n  question-number: 'Q %(num)s'\n"
    result = run_cli("check", make_talk(text))
    assert_clean_failure(
        result,
        "talk.yaml:19:",
        "labels.pointt: no fixed word has the label 'pointt'",
        "point",
        "talk.yaml:20:",
        "'question-number' uses %(num)s; its placeholders are: %(number)s",
    )


def test_an_unknown_language_falls_back_to_english_with_a_warning(make_talk) -> None:
    project = make_talk(MINIMAL_TALK.replace("title: A Small Talk", "title: A Small Talk\nlanguage: sv"))
    result = run_cli("build", project, "--only", "handout", "--format", "html")
    assert result.exit_code == 0, result.output
    assert "talk.yaml:2: language: language 'sv' has no catalogue of fixed words" in result.output
    assert "pybabel init -D handout_kit" in result.output and "-l sv" in result.output
    assert "labels:" in result.output
    assert 'lang="sv"' in (project / "build" / "handout.html").read_text(encoding="utf-8")
    strict = run_cli("build", project, "--only", "handout", "--format", "html", "--strict")
    assert_clean_failure(strict, "language 'sv' has no catalogue")


def test_a_regional_language_uses_its_language_and_its_own_formats(make_talk) -> None:
    text = MINIMAL_TALK.replace("title: A Small Talk", "title: A Small Talk\nlanguage: en-GB").replace(
        "  when: Friday, 10:00", "  date: 2026-05-14"
    )
    project = make_talk(text)
    result = run_cli("build", project, "--only", "handout", "--format", "html")
    assert result.exit_code == 0, result.output
    assert "Thursday, 14 May 2026" in (project / "build" / "handout.html").read_text(encoding="utf-8")


def test_the_docs_list_every_label() -> None:
    from handout_kit.i18n import messages

    docs = (REPO / "docs" / "content-format.md").read_text(encoding="utf-8")
    section = docs.split("### Languages and labels", 1)[1].split("## Errors", 1)[0]
    missing = [key for key in messages() if f"| `{key}` |" not in section]
    assert not missing, f"docs/content-format.md does not list: {missing}"


def test_the_presenter_window_speaks_the_language(built: dict[str, Path], browser) -> None:
    """The deck's script writes its words from the talk's language (deck.html's JSON block)."""
    deck = built["fr"] / "slides-presenter.html"
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto(deck.as_uri() + "?presenter#1")
        page.wait_for_selector(".presenter-view:not([hidden])")
        labels = page.eval_on_selector_all(".pv-label", "nodes => nodes.map(n => n.textContent)")
        # the countdown's label (shown on timed slides), then the next slide's, which the
        # script writes: "Diapo suivante: <its title>"
        assert labels[:5] == ["Écoulé", "Restant", "Heure", "Diapo", "Compte à rebours"]
        assert labels[5].startswith("Diapo suivante\u00a0: ")  # French spacing, from the catalogue
        assert "remettre le chrono à zéro" in page.inner_text(".pv-help")
        assert page.inner_text(".pv-notes") == "Pas de notes pour cette diapo."
        page.keyboard.type("3")
        assert page.inner_text(".jump") == "Aller à la diapo 3"
        # the pacing line's clock times as the language writes them (Babel's pattern):
        # Arabic writes a 12-hour clock with ص/م, where the script used to write 09:30
        page = context.new_page()
        arabic = built["ar"] / "slides-presenter.html"
        page.goto(arabic.as_uri() + "?presenter#1")
        index = page.evaluate("[...document.querySelectorAll('.slide')].findIndex(s => s.dataset.block)")
        page.goto(arabic.as_uri() + f"?presenter#{index + 1}")
        page.reload()
        page.wait_for_selector(".pv-pacing:not([hidden])")
        assert re.search(r"\b\d{1,2}:\d\d [صم]", page.inner_text(".pv-pacing")), page.inner_text(".pv-pacing")
    finally:
        context.close()
