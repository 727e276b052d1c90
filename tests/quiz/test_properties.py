from __future__ import annotations

import contextlib

from hypothesis import given
from hypothesis import strategies as st

from bot.quiz import AnswerRejected, Attempt, KnowledgeResult, PathResult, make_plan
from bot.quiz.text import leaning_line
from tests.quiz.factories import knowledge_quiz, path_quiz

PATH = path_quiz(questions=10)
KNOWLEDGE = knowledge_quiz(questions=20, draw=10, pass_mark=7)
SEEDS = st.integers(min_value=0, max_value=2**62)


@given(seed=SEEDS, picks=st.lists(st.integers(min_value=0, max_value=4), min_size=10, max_size=10))
def test_any_valid_path_answers_give_a_valid_result(seed: int, picks: list[int]) -> None:
    plan = make_plan(PATH, seed)
    attempt = Attempt(plan)
    for question, pick in zip(plan.questions, picks, strict=True):
        attempt.answer(question.id, question.choices[pick % len(question.choices)].id)
    result = attempt.result()
    assert isinstance(result, PathResult)
    assert result.leaning in {"ai", "ml", "balanced"}
    assert 5 <= result.strength <= 10 and result.scale == 10
    assert result.ai_points + result.ml_points <= 20
    if result.leaning != "balanced":
        assert result.tilt == result.leaning
        assert result.strength >= 6
    assert result.next_steps


@given(seed=SEEDS, picks=st.lists(st.integers(min_value=0, max_value=3), min_size=10, max_size=10))
def test_any_valid_knowledge_answers_give_a_valid_score(seed: int, picks: list[int]) -> None:
    plan = make_plan(KNOWLEDGE, seed)
    attempt = Attempt(plan)
    for question, pick in zip(plan.questions, picks, strict=True):
        attempt.answer(question.id, question.choices[pick].id)
    result = attempt.result()
    assert isinstance(result, KnowledgeResult)
    assert 0 <= result.score <= result.total == 10
    assert result.passed == (result.score >= 7)
    assert result.score == sum(1 for a in attempt.answers.values() if a.correct)


@given(
    seed=SEEDS,
    clicks=st.lists(
        st.tuples(st.integers(min_value=0, max_value=11), st.sampled_from(["right", "wrong1", "bogus"])),
        max_size=40,
    ),
)
def test_random_clicks_never_corrupt_an_attempt(seed: int, clicks: list[tuple[int, str]]) -> None:
    plan = make_plan(KNOWLEDGE, seed)
    attempt = Attempt(plan)
    ids = [*plan.question_ids(), "not-a-question", "another"]
    for index, choice in clicks:
        with contextlib.suppress(AnswerRejected):
            attempt.answer(ids[index], choice)
        assert list(attempt.answers) == plan.question_ids()[: attempt.position]
    replayed = Attempt.replay(plan, [(a.question_id, a.choice_id) for a in attempt.answers.values()])
    assert replayed.answers == attempt.answers


@given(seed=SEEDS)
def test_shuffles_are_deterministic_per_seed(seed: int) -> None:
    first = make_plan(KNOWLEDGE, seed)
    assert make_plan(KNOWLEDGE, seed) == first
    assert sorted(first.question_ids()) == sorted(set(first.question_ids()))
    for question in first.questions:
        assert sorted(c.id for c in question.choices) == ["right", "wrong1", "wrong2", "wrong3"]


@given(seed=SEEDS)
def test_plans_survive_json_round_trips(seed: int) -> None:
    plan = make_plan(PATH, seed)
    assert type(plan).from_json(plan.to_json()) == plan


@given(seed=SEEDS, picks=st.lists(st.integers(min_value=0, max_value=4), min_size=10, max_size=10))
def test_the_strength_line_counts_answers_and_a_verdict_is_never_thin(seed: int, picks: list[int]) -> None:
    plan = make_plan(PATH, seed)
    attempt = Attempt(plan)
    for question, pick in zip(plan.questions, picks, strict=True):
        attempt.answer(question.id, question.choices[pick % len(question.choices)].id)
    result = attempt.result()
    assert isinstance(result, PathResult)
    assert result.ai_answers + result.ml_answers + result.neutral_answers == plan.total
    line = leaning_line(result)
    assert "points" not in line
    counted = (f"of your {plan.total} answers", f"Your {plan.total} answers were close", "None of your answers")
    assert any(marker in line for marker in counted), line
    if result.leaning != "balanced":
        mine, theirs = (
            (result.ai_points, result.ml_points) if result.leaning == "ai" else (result.ml_points, result.ai_points)
        )
        assert mine - theirs >= PATH.min_margin
        assert result.neutral_answers <= PATH.max_neutral * plan.total
        assert line.startswith(f"**{getattr(result, result.leaning + '_answers')} of your {plan.total} answers**")
        if result.counterpoint is not None:
            assert result.counterpoint.lean != result.leaning
