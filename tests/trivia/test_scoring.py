"""Speed scoring, the reveal and the scoreboard."""

from __future__ import annotations

import pytest

from bot.quiz import make_plan
from bot.trivia import FORMULA, TriviaAnswer, points_for, reveal, scoreboard, winners
from tests.quiz.factories import knowledge_quiz


@pytest.mark.parametrize(
    ("elapsed", "points"),
    [(0.0, 1000), (5.0, 875), (10.0, 750), (19.9, 503), (20.0, 500), (25.0, 500)],
)
def test_a_right_answer_earns_more_the_faster_it_came(elapsed: float, points: int) -> None:
    assert points_for(True, elapsed, 20) == points


def test_a_wrong_answer_earns_nothing() -> None:
    assert points_for(False, 0.0, 20) == 0


def test_the_formula_members_read_is_the_one_applied() -> None:
    assert "500 + 500 × (time left ÷ time allowed)" in FORMULA
    assert points_for(True, 15, 20) == round(500 + 500 * (5 / 20))


def answer(user: int, choice: str, *, elapsed: float, position: int = 0, at: float = 0.0) -> TriviaAnswer:
    correct = choice == "right"
    return TriviaAnswer(user, position, choice, correct, points_for(correct, elapsed, 20), elapsed, at or elapsed)


def test_the_reveal_counts_each_choice_and_lists_the_right_fastest_first() -> None:
    question = make_plan(knowledge_quiz(), seed=1).questions[0]
    shown = reveal(
        question,
        [answer(1, "right", elapsed=4.0), answer(2, "wrong1", elapsed=1.0), answer(3, "right", elapsed=2.5)],
    )
    assert question.choices[shown.correct_index].id == "right"
    by_id = dict(zip([c.id for c in question.choices], shown.counts, strict=True))
    assert by_id == {"right": 2, "wrong1": 1, "wrong2": 0, "wrong3": 0}
    assert [a.user_id for a in shown.right] == [3, 1]
    assert shown.answered == 3


def test_the_scoreboard_ranks_by_points_then_right_answers_and_shares_places() -> None:
    answers = [
        answer(1, "right", elapsed=2.0, position=0, at=1.0),
        answer(1, "right", elapsed=2.0, position=1, at=30.0),
        answer(2, "right", elapsed=2.0, position=0, at=1.5),
        answer(2, "right", elapsed=2.0, position=1, at=31.0),
        answer(3, "right", elapsed=10.0, position=0, at=5.0),
        answer(4, "wrong1", elapsed=1.0, position=0, at=0.5),
    ]
    placings = scoreboard(answers)
    assert [(p.place, p.standing.user_id) for p in placings] == [(1, 1), (1, 2), (3, 3), (4, 4)]
    assert winners(placings) == [1, 2]
    assert placings[0].standing.points == 2 * 950 and placings[0].standing.correct == 2
    assert placings[3].standing.answered == 1 and placings[3].standing.points == 0


def test_nobody_wins_with_no_points() -> None:
    assert winners(scoreboard([answer(1, "wrong1", elapsed=1.0)])) == []
    assert scoreboard([]) == []
