"""Speed scoring, the reveal of a closed question and the scoreboard of a game."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.quiz import PlannedQuestion

BASE_POINTS = 500
SPEED_POINTS = 500
FORMULA = (
    f"A right answer scores {BASE_POINTS} points plus up to {SPEED_POINTS} more for speed: "
    f"{BASE_POINTS} + {SPEED_POINTS} × (time left ÷ time allowed), rounded. "
    f"An instant answer earns {BASE_POINTS + SPEED_POINTS}, one at the buzzer {BASE_POINTS}; "
    "a wrong answer earns 0."
)


def points_for(correct: bool, elapsed: float, seconds: float) -> int:
    """Points for one answer given `elapsed` seconds after the question appeared."""
    if not correct:
        return 0
    left = max(0.0, min(1.0, 1.0 - elapsed / seconds)) if seconds > 0 else 0.0
    return int(BASE_POINTS + SPEED_POINTS * left + 0.5)


class AnswerLike(Protocol):
    """One member's answer to one question, as stored."""

    @property
    def user_id(self) -> int: ...
    @property
    def choice_id(self) -> str: ...
    @property
    def correct(self) -> bool: ...
    @property
    def points(self) -> int: ...
    @property
    def elapsed(self) -> float: ...
    @property
    def answered_at(self) -> float: ...


@dataclass(frozen=True)
class TriviaAnswer:
    user_id: int
    position: int
    choice_id: str
    correct: bool
    points: int
    elapsed: float
    answered_at: float = 0.0


@dataclass(frozen=True)
class Reveal:
    """What a closed question shows: the right choice, counts per choice (in the order shown) and
    who was right, fastest first."""

    question: PlannedQuestion
    correct_index: int
    counts: tuple[int, ...]
    right: tuple[AnswerLike, ...]
    answered: int


def reveal(question: PlannedQuestion, answers: Iterable[AnswerLike]) -> Reveal:
    ids = [choice.id for choice in question.choices]
    counts = [0] * len(ids)
    right: list[AnswerLike] = []
    answered = 0
    for answer in answers:
        answered += 1
        if answer.choice_id in ids:
            counts[ids.index(answer.choice_id)] += 1
        if answer.correct:
            right.append(answer)
    right.sort(key=lambda a: (a.elapsed, a.user_id))
    correct_index = next((i for i, c in enumerate(question.choices) if c.correct), 0)
    return Reveal(question, correct_index, tuple(counts), tuple(right), answered)


@dataclass(frozen=True)
class Standing:
    """A member's total in one game."""

    user_id: int
    points: int
    correct: int
    answered: int
    first_answer: float  # wall-clock time of their first answer: the tie-breaker


@dataclass(frozen=True)
class Placing:
    place: int
    standing: Standing
    won: bool


def scoreboard(answers: Iterable[AnswerLike]) -> list[Placing]:
    """Every member who answered, best first: most points, then most right, then who answered
    first. Equal points and right answers share a place; the winners are those in first place
    with more than 0 points."""
    totals: dict[int, list[float]] = {}
    for answer in answers:
        at = answer.answered_at
        entry = totals.setdefault(answer.user_id, [0, 0, 0, at])
        entry[0] += answer.points
        entry[1] += int(answer.correct)
        entry[2] += 1
        entry[3] = min(entry[3], at)
    standings = sorted(
        (Standing(user, int(t[0]), int(t[1]), int(t[2]), t[3]) for user, t in totals.items()),
        key=lambda s: (-s.points, -s.correct, s.first_answer, s.user_id),
    )
    placings: list[Placing] = []
    for index, standing in enumerate(standings):
        previous = placings[-1] if placings else None
        if previous and (previous.standing.points, previous.standing.correct) == (standing.points, standing.correct):
            place = previous.place
        else:
            place = index + 1
        placings.append(Placing(place, standing, won=place == 1 and standing.points > 0))
    return placings


def winners(placings: Sequence[Placing]) -> list[int]:
    return [p.standing.user_id for p in placings if p.won]
