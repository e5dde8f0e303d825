"""Exercise and statement cards as data: derived from the talk, coloured by category, each
knowing the point of the talk it serves; plus the checks a facilitator would want."""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup

from ..errors import BuildWarning, KitError, Problem, suggestion
from ..i18n import Translator, translator
from ..schema import CardDeck, Exercise, Point, Question, Talk


class SelectionError(KitError):
    """`--cards` names something the talk does not have."""


# Category colours in order of first use, after the theme's accent and highlight.
EXTRA_COLORS = ("#2f6f4f", "#6c4f9c", "#855a12", "#355c9a", "#8c3b5f")


@dataclass(frozen=True)
class Card:
    """One printed card: its front content, its back, and its place in the talk and its set."""

    id: str
    kind: str  # exercise, statement, instructions (of a deck) or prompt (a point's `card:`)
    title: Markup
    category: str
    color: str
    where: str
    serves: str | None  # "Tip 5", "Question 2", in the talk's language and words
    exercise: Exercise | None = None
    statement: Markup | None = None
    deck_title: Markup | None = None
    instructions: Markup | None = None
    number: int = 1  # its place in its set: exercises among the exercises, statements in their deck
    total: int = 1
    set_id: str = ""
    back_text: Markup | None = None  # a statement's own back (a spreadsheet's back column)
    deck_size: int = 0
    base_pt: float | None = None  # this card's own type size, when it differs from its set's

    @property
    def back_key(self) -> tuple[str, ...]:
        """Cards whose backs print the same share this key: a deck's backs are laid out once."""
        if self.kind == "exercise":
            return ("exercise", self.id)
        return ("deck", self.set_id, self.category, str(self.back_text or ""))


@dataclass(frozen=True)
class CardSet:
    """An exercise's card or a deck's cards, and how many sets of them to print."""

    id: str
    kind: str  # exercise or deck
    title: str  # plain text, for messages and the run-sheet
    cards: tuple[Card, ...]
    copies: int
    copies_note: str  # "one per group of 4", "" for a plain number
    where: str


def build_cards(talk: Talk) -> list[Card]:
    """Every exercise as a card, then every statement of every card deck (each card once)."""
    return [card for card_set in build_card_sets(talk) for card in card_set.cards]


def build_card_sets(talk: Talk) -> list[CardSet]:
    """Each exercise as a set of one card, each deck as a set of its statements, with the
    number of copies to print (validation has refused what does not add up)."""
    return _card_sets(talk)[0]


def card_problems(talk: Talk) -> list[Problem]:
    """What the cards refer to that is not there: what they serve, the exercise a deck is for,
    copies that cannot be counted, print sets, ids used twice, groups too large for the room.
    For the validator, before anything renders."""
    return _card_sets(talk)[1]


def _card_sets(talk: Talk) -> tuple[list[CardSet], list[Problem]]:
    """Each exercise as a set of one card, each deck as a set of its statements, with the
    number of copies to print; every reference checked."""
    problems: list[Problem] = []
    colors = category_colors(talk)
    sets: list[CardSet] = []
    count = len(talk.exercises)
    for number, exercise in enumerate(talk.exercises, start=1):
        serves = _serves_label(talk, exercise.serves, exercise, problems)
        card = Card(
            f"exercise-{exercise.id}",
            "exercise",
            exercise.title.html,
            exercise.category,
            colors[exercise.category],
            exercise.where,
            serves,
            exercise=exercise,
            number=number,
            total=count,
            set_id=exercise.id,
        )
        copies, note = _copies(talk, exercise, exercise.copies, exercise, problems)
        sets.append(
            CardSet(exercise.id, "exercise", exercise.title.plain, (card,), copies, note, exercise.where)
        )
    prompts = _prompt_cards(talk, colors)
    if prompts:  # the `card:` texts of points and questions, one set
        sets.append(CardSet("prompts", "deck", "Prompts", tuple(prompts), 1, "", talk.where))
    by_id = {exercise.id: exercise for exercise in talk.exercises}
    for deck in talk.card_decks:
        serves = _serves_label(talk, deck.serves, deck, problems)
        user = by_id.get(deck.exercise or "")
        if deck.exercise and user is None:
            hint = suggestion(deck.exercise, list(by_id), "the exercises are:") or "the talk has no exercises"
            problems.append(deck.problem(f"no exercise has the id '{deck.exercise}'; {hint}", "exercise"))
        statements = deck.cards
        cards = []
        for index, statement in enumerate(statements, start=1):
            category = statement.category or deck.category
            cards.append(
                Card(
                    f"{deck.id}-{index}",
                    "statement",
                    deck.title.html,
                    category,
                    colors[category],
                    statement.where or deck.where,
                    serves,
                    statement=statement.text.html,
                    deck_title=deck.title.html,
                    instructions=deck.instructions.html if deck.instructions else None,
                    number=index,
                    total=len(statements),
                    set_id=deck.id,
                    back_text=statement.back.html if statement.back else None,
                    deck_size=len(statements),
                )
            )
        copies, note = _copies(talk, deck, deck.copies, user, problems)
        sets.append(CardSet(deck.id, "deck", deck.title.plain, tuple(cards), copies, note, deck.where))
    ids = [s.id for s in sets]
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        owner = next(d for d in talk.card_decks if d.id == duplicate)
        problems.append(
            owner.problem(f"'{duplicate}' is the id of an exercise and of a deck; rename one", "id")
        )
    problems.extend(_print_set_problems(talk, ids))
    problems.extend(_grouping_problems(talk))
    return sets, problems


def _copies(
    talk: Talk,
    owner: Exercise | CardDeck,
    copies: int | str,
    exercise: Exercise | None,
    problems: list[Problem],
) -> tuple[int, str]:
    """How many sets `copies` asks for, and how it was counted ("one per group of 4, 6
    groups"), in the talk's language."""
    tr = translator(talk)
    people = talk.session.participants
    if isinstance(copies, int):
        return copies, ""
    if copies == "per-person":
        return people, _per_person(tr, people)
    if copies == "per-table":
        tables = talk.session.tables
        if tables is None:
            problems.append(
                owner.problem("per-table needs session.tables (how many tables the room has)", "copies")
            )
            return 1, ""
        return tables, tr.plural_label(
            "copies-per-table", "one per table, %(num)d table", "one per table, %(num)d tables", tables
        )
    if exercise is None:
        what = "per-group needs exercise: ID, the exercise whose groups use the deck"
        problems.append(owner.problem(what, "copies"))
        return 1, ""
    groups = groups_in_room(exercise, people)
    size = group_size(exercise)
    if size == 0:
        return 1, tr.label("copies-room", "one for the whole room")
    if size == 1:
        return groups, _per_person(tr, groups)
    if size == 2:
        return groups, tr.plural_label(
            "copies-per-pair", "one per pair, %(num)d pair", "one per pair, %(num)d pairs", groups
        )
    return groups, tr.plural_label(
        "copies-per-group",
        "one per group of %(size)s, %(num)d group",
        "one per group of %(size)s, %(num)d groups",
        groups,
        size=size,
    )


def _per_person(tr: Translator, people: int) -> str:
    return tr.plural_label(
        "copies-per-person",
        "one per person, %(num)d participant",
        "one per person, %(num)d participants",
        people,
    )


def _print_set_problems(talk: Talk, ids: list[str]) -> list[Problem]:
    problems = []
    options = talk.cards
    for name, members in options.print_sets.items():
        if name in ids:
            what = f"print set '{name}' has the id of an exercise or deck; name it otherwise"
            problems.append(options.problem(what, "print_sets"))
        for member in members:
            if member not in ids:
                hint = suggestion(member, ids, "exercises and decks:")
                what = f"print set '{name}': no exercise or deck has the id '{member}'; {hint}"
                problems.append(options.problem(what.rstrip("; "), "print_sets"))
    return problems


def select_sets(talk: Talk, sets: list[CardSet], wanted: tuple[str, ...]) -> list[CardSet]:
    """The sets `--cards` names (exercise or deck ids, or the talk's print sets), in the
    talk's order; all of them when nothing is named."""
    if not wanted:
        return sets
    ids = [s.id for s in sets]
    named: set[str] = set()
    unknown = []
    for name in wanted:
        if name in talk.cards.print_sets:
            named.update(talk.cards.print_sets[name])
        elif name in ids:
            named.add(name)
        else:
            unknown.append(name)
    if unknown:
        known = ids + list(talk.cards.print_sets)
        lines = [
            f"--cards: no exercise, card deck or print set is called '{name}'; "
            + (suggestion(name, known, "choose from:") or "the talk has no cards")
            for name in unknown
        ]
        raise SelectionError("\n".join(lines))
    return [s for s in sets if s.id in named]


PROMPT_CATEGORY = "prompt"


def _prompt_cards(talk: Talk, colors: dict[str, str]) -> list[Card]:
    """A card for each point and question that has a `card:` text, labelled with its place."""
    cards = []
    words = translator(talk)
    places: list[tuple[str, str, Point | Question]] = [
        (words.point(n), f"point-{p.id or n}", p) for n, p in enumerate(talk.points, start=1)
    ]
    places += [(words.question(n), f"question-{q.id or n}", q) for n, q in enumerate(talk.questions, start=1)]
    for label, card_id, owner in places:
        if owner.card is None:
            continue
        color = colors[PROMPT_CATEGORY]
        title = Markup(label)
        cards.append(
            Card(
                card_id,
                "prompt",
                title,
                PROMPT_CATEGORY,
                color,
                owner.where,
                label,
                statement=owner.card.html,
            )
        )
    return cards


def category_colors(talk: Talk) -> dict[str, str]:
    """A colour for every category: the theme's choice, else the next of a fixed palette."""
    palette = [talk.theme.colors.accent, talk.theme.colors.highlight, *EXTRA_COLORS]
    colors: dict[str, str] = {}
    prompts = [PROMPT_CATEGORY] if any(v.card for v in [*talk.points, *talk.questions]) else []
    categories = [e.category for e in talk.exercises] + prompts
    for deck in talk.card_decks:
        categories += [deck.category] + [s.category for s in deck.cards if s.category]
    for category in categories:
        if category not in colors:
            colors[category] = talk.theme.categories.get(category) or palette[len(colors) % len(palette)]
    return colors


def _serves_label(
    talk: Talk, serves: str | None, owner: Exercise | CardDeck, problems: list[Problem]
) -> str | None:
    label = serves_label(talk, serves)
    if serves is not None and label is None:
        ids = [p.id for p in talk.points if p.id] + [q.id for q in talk.questions if q.id]
        numbers = f"a point number (1 to {len(talk.points)})" if talk.points else "a point number"
        hint = suggestion(serves, ids, f"use {numbers} or one of the ids:") or f"use {numbers}"
        what = f"'{serves}' is no point number or id, nor a question id; {hint}"
        problems.append(owner.problem(what, "serves"))
    return label


def serves_label(talk: Talk, serves: str | None) -> str | None:
    """What an exercise or card deck serves, as the talk calls it: "Tip 5", "Question 2"."""
    if serves is None:
        return None
    for number, point in enumerate(talk.points, start=1):
        if serves in (str(number), point.id):
            return translator(talk).point(number)
    for number, question in enumerate(talk.questions, start=1):
        if serves == question.id:
            return translator(talk).question(number)
    return None


def group_size(exercise: Exercise) -> int:
    grouping = exercise.grouping
    return {"alone": 1, "pairs": 2, "room": 0}.get(grouping.mode, grouping.size or 0)


def _grouping_problems(talk: Talk) -> list[Problem]:
    """Groups that cannot be formed from the session's participants."""
    people = talk.session.participants
    problems = []
    for exercise in talk.exercises:
        size = group_size(exercise)
        if size > people:
            what = f"groups of {size} cannot be formed from {people} participants (session.participants)"
            problems.append(exercise.grouping.problem(what, "size"))
    return problems


def grouping_notes(talk: Talk) -> list[BuildWarning]:
    """Warnings a facilitator wants before the session: someone left alone, a room too big."""
    people = talk.session.participants
    notes = []
    for exercise in talk.exercises:
        size = group_size(exercise)
        if size >= 2 and people % size == 1:
            groups = people // size
            what = f"{exercise.title.plain}: {people} participants in groups of {size} leave one person alone"
            hint = f"make one group of {size + 1} ({groups} groups in all)"
            notes.append(BuildWarning.at(exercise.grouping.problem(what, "size"), "someone-alone", hint))
        limits = exercise.participants
        if limits and not (limits.min <= people <= limits.max):
            what = (
                f"{exercise.title.plain}: suits {limits.min} to {limits.max} participants; "
                f"the session expects {people}"
            )
            notes.append(BuildWarning.at(exercise.problem(what, "participants"), "room-size"))
    return notes


def groups_in_room(exercise: Exercise, people: int) -> int:
    """Groups an exercise makes of `people`: those left over join existing groups."""
    size = group_size(exercise)
    return 1 if size == 0 else max(1, people // size)


def units(per: str, exercise: Exercise, people: int) -> int:
    """How many times a material counted `per` person, pair, group or room is needed."""
    if per == "person":
        return people
    if per == "pair":
        return math.ceil(people / 2)
    if per == "group":
        return groups_in_room(exercise, people)
    return 1
