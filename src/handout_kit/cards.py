"""Exercise and statement cards as data: derived from the talk, coloured by category, each
knowing the point of the talk it serves; plus the checks a facilitator would want."""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup

from .errors import BuildWarning, Problem, suggestion
from .schema import Exercise, Talk

# Category colours in order of first use, after the theme's accent and highlight.
EXTRA_COLORS = ("#2f6f4f", "#6c4f9c", "#855a12", "#355c9a", "#8c3b5f")


@dataclass(frozen=True)
class Card:
    """One printed card: its front content, its back, and its place in the talk."""

    id: str
    kind: str  # exercise or statement
    title: Markup
    category: str
    color: str
    where: str
    serves: str | None  # "Tip 5", "Question 2"
    exercise: Exercise | None = None
    statement: Markup | None = None
    deck_title: Markup | None = None
    instructions: Markup | None = None


def build_cards(talk: Talk) -> list[Card]:
    """Every exercise as a card, then every statement of every card deck (validation has
    checked what they serve)."""
    colors = category_colors(talk)
    cards: list[Card] = []
    for exercise in talk.exercises:
        serves = serves_label(talk, exercise.serves)
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
    for deck in talk.card_decks:
        serves = serves_label(talk, deck.serves)
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
    return cards


def category_colors(talk: Talk) -> dict[str, str]:
    """A colour for every category: the theme's choice, else the next of a fixed palette."""
    palette = [talk.theme.colors.accent, talk.theme.colors.highlight, *EXTRA_COLORS]
    colors: dict[str, str] = {}
    for category in [e.category for e in talk.exercises] + [d.category for d in talk.card_decks]:
        if category not in colors:
            colors[category] = talk.theme.categories.get(category) or palette[len(colors) % len(palette)]
    return colors


def serves_label(talk: Talk, serves: str | None) -> str | None:
    """ "Tip 5" or "Question 2" for what an exercise or deck serves; None when it names nothing."""
    if serves is None:
        return None
    for number, point in enumerate(talk.points, start=1):
        if serves in (str(number), point.id):
            return f"Tip {number}"
    for number, question in enumerate(talk.questions, start=1):
        if serves == question.id:
            return f"Question {number}"
    return None


def serves_problems(talk: Talk) -> list[Problem]:
    """Exercises and decks whose `serves:` names no point or question."""
    problems = []
    for owner in [*talk.exercises, *talk.card_decks]:
        serves = owner.serves
        if serves is None or serves_label(talk, serves) is not None:
            continue
        ids = [p.id for p in talk.points if p.id] + [q.id for q in talk.questions if q.id]
        numbers = f"a point number (1 to {len(talk.points)})" if talk.points else "a point number"
        hint = suggestion(serves, ids, f"use {numbers} or one of the ids:") or f"use {numbers}"
        problems.append(
            owner.problem(f"'{serves}' is no point number or id, nor a question id; {hint}", "serves")
        )
    return problems


def group_size(exercise: Exercise) -> int:
    grouping = exercise.grouping
    return {"alone": 1, "pairs": 2, "room": 0}.get(grouping.mode, grouping.size or 0)


def grouping_problems(talk: Talk) -> list[Problem]:
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
