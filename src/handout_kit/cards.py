"""Exercise and statement cards as data: derived from the talk, coloured by category, each
knowing the point of the talk it serves; plus the checks a facilitator would want."""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup

from .errors import ContentError, Problem, suggestion
from .schema import CardDeck, Exercise, Talk

# Category colours in order of first use, after the theme's accent and highlight.
EXTRA_COLORS = ("#2f6f4f", "#6c4f9c", "#855a12", "#355c9a", "#8c3b5f")


@dataclass(frozen=True)
class Card:
    """One printed card: its front content, its back, and its place in the talk."""

    id: str
    kind: str  # exercise, statement, instructions (of a deck) or prompt (a point's `card:`)
    title: Markup
    category: str
    color: str
    where: str
    serves: str | None  # "Tip 5", "Question 2"
    exercise: Exercise | None = None
    statement: Markup | None = None
    deck_title: Markup | None = None
    instructions: Markup | None = None
    base_pt: float | None = None  # this card's type size when it had to step down (render/cards.py)


def build_cards(talk: Talk) -> list[Card]:
    """Every exercise as a card, then every statement of every card deck."""
    problems: list[Problem] = []
    colors = category_colors(talk)
    cards: list[Card] = []
    for exercise in talk.exercises:
        serves = _serves_label(talk, exercise.serves, exercise, problems)
        cards.append(
            Card(
                f"exercise-{exercise.id}",
                "exercise",
                exercise.title.html,
                exercise.category,
                colors[exercise.category],
                exercise.where,
                serves,
                exercise=exercise,
            )
        )
    cards.extend(_prompt_cards(talk, colors))
    for deck in talk.card_decks:
        serves = _serves_label(talk, deck.serves, deck, problems)
        if deck.instructions:
            cards.append(
                Card(
                    f"{deck.id}-instructions",
                    "instructions",
                    deck.title.html,
                    deck.category,
                    colors[deck.category],
                    deck.where,
                    serves,
                    statement=deck.instructions.html,
                    deck_title=deck.title.html,
                    instructions=deck.instructions.html,
                )
            )
        for index, statement in enumerate(deck.statements, start=1):
            cards.append(
                Card(
                    f"{deck.id}-{index}",
                    "statement",
                    deck.title.html,
                    deck.category,
                    colors[deck.category],
                    deck.where,
                    serves,
                    statement=statement.html,
                    deck_title=deck.title.html,
                    instructions=deck.instructions.html if deck.instructions else None,
                )
            )
    problems.extend(_grouping_problems(talk))
    if problems:
        raise ContentError(problems)
    return cards


PROMPT_CATEGORY = "prompt"


def _prompt_cards(talk: Talk, colors: dict[str, str]) -> list[Card]:
    """A card for each point and question that has a `card:` text, labelled with its place."""
    cards = []
    places = [(f"Tip {n}", f"point-{p.id or n}", p) for n, p in enumerate(talk.points, start=1)]
    places += [(f"Question {n}", f"question-{q.id or n}", q) for n, q in enumerate(talk.questions, start=1)]
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
    for category in [e.category for e in talk.exercises] + [d.category for d in talk.card_decks] + prompts:
        if category not in colors:
            colors[category] = talk.theme.categories.get(category) or palette[len(colors) % len(palette)]
    return colors


def _serves_label(talk: Talk, serves: str | None, owner: Exercise | CardDeck, problems: list) -> str | None:
    if serves is None:
        return None
    for number, point in enumerate(talk.points, start=1):
        if serves in (str(number), point.id):
            return f"Tip {number}"
    for number, question in enumerate(talk.questions, start=1):
        if serves == question.id:
            return f"Question {number}"
    ids = [p.id for p in talk.points if p.id] + [q.id for q in talk.questions if q.id]
    numbers = f"a point number (1 to {len(talk.points)})" if talk.points else "a point number"
    hint = suggestion(serves, ids, f"use {numbers} or one of the ids:") or f"use {numbers}"
    what = f"'{serves}' is no point number or id, nor a question id; {hint}"
    problems.append(owner.problem(what, "serves"))
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


def grouping_notes(talk: Talk) -> list[str]:
    """Warnings a facilitator wants before the session: someone left alone, a room too big."""
    people = talk.session.participants
    notes = []
    for exercise in talk.exercises:
        size = group_size(exercise)
        if size >= 2 and people % size == 1:
            groups = people // size
            notes.append(
                f"{exercise.where}: {exercise.title.plain}: {people} participants in groups of {size} "
                f"leave one person alone; make one group of {size + 1} ({groups} groups in all)"
            )
        limits = exercise.participants
        if limits and not (limits.min <= people <= limits.max):
            notes.append(
                f"{exercise.where}: {exercise.title.plain}: suits {limits.min} to {limits.max} "
                f"participants; the session expects {people}"
            )
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
