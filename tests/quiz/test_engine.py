from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from bot.quiz import (
    AnswerRejected,
    Attempt,
    KnowledgePlan,
    KnowledgeResult,
    PathPlan,
    PathQuiz,
    PathResult,
    Plan,
    lean_of,
    make_plan,
    review_plan,
)
from bot.quiz.text import counterpoint_line, leaning_line, score_line
from tests.quiz.factories import knowledge_quiz, path_data, path_quiz


def answer_all(plan: Plan, picks: list[str]) -> Attempt:
    attempt = Attempt(plan)
    for question, pick in zip(plan.questions, picks, strict=True):
        attempt.answer(question.id, pick)
    return attempt


def test_knowledge_plan_draws_distinct_questions_in_a_seeded_order() -> None:
    quiz = knowledge_quiz(questions=12, draw=5)
    plan = make_plan(quiz, seed=7)
    assert plan.total == 5
    assert len(set(plan.question_ids())) == 5
    assert plan == make_plan(quiz, seed=7)
    orders = {tuple(make_plan(quiz, seed=s).question_ids()) for s in range(20)}
    assert len(orders) > 1
    choice_orders = {tuple(c.id for c in make_plan(quiz, seed=s).questions[0].choices) for s in range(20)}
    assert len(choice_orders) > 1


def test_path_plan_keeps_authored_order_when_not_shuffled() -> None:
    quiz = path_quiz(questions=5)
    for seed in (1, 2, 3):
        plan = make_plan(quiz, seed)
        assert plan.question_ids() == ["q1", "q2", "q3", "q4", "q5"]
        assert [c.id for c in plan.questions[0].choices] == ["ai", "ml", "none"]


def test_plan_round_trips_through_json() -> None:
    plan = make_plan(knowledge_quiz(), seed=99)
    assert Plan.from_json(plan.to_json()) == plan


def test_a_plan_is_a_path_plan_or_a_knowledge_plan_each_with_its_own_fields() -> None:
    path = Plan.from_json(make_plan(path_quiz(), seed=1).to_json())
    knowledge = Plan.from_json(make_plan(knowledge_quiz(), seed=1).to_json())
    assert isinstance(path, PathPlan) and path.results.ai.title == "ai title"
    assert isinstance(knowledge, KnowledgePlan) and knowledge.pass_mark == 3
    assert "pass_mark" not in json.loads(path.to_json()) and "results" not in json.loads(knowledge.to_json())
    broken = json.loads(knowledge.to_json())
    del broken["pass_mark"]
    with pytest.raises(ValidationError):
        Plan.from_json(json.dumps(broken))


def test_plans_stored_with_every_field_of_both_kinds_still_load() -> None:
    path = json.loads(make_plan(path_quiz(), seed=1).to_json())
    knowledge = json.loads(make_plan(knowledge_quiz(), seed=1).to_json())
    path |= {"pass_mark": None, "review_of": None}
    knowledge |= {"results": None, "balanced_below": None, "min_margin": 0, "max_neutral": 1.0}
    assert isinstance(Plan.from_json(json.dumps(path)), PathPlan)
    assert isinstance(Plan.from_json(json.dumps(knowledge)), KnowledgePlan)
    with pytest.raises(ValidationError):
        Plan.from_json(json.dumps(knowledge | {"balanced_below": 0.6}))


def test_current_question_advances_with_answers() -> None:
    plan = make_plan(path_quiz(questions=3), seed=1)
    attempt = Attempt(plan)
    current = attempt.current()
    assert current is not None and current.id == "q1"
    outcome = attempt.answer("q1", "ai")
    assert outcome.new and outcome.position == 1 and not outcome.finished
    current = attempt.current()
    assert current is not None and current.id == "q2"


def test_answer_for_another_question_is_rejected() -> None:
    attempt = Attempt(make_plan(path_quiz(questions=3), seed=1))
    with pytest.raises(AnswerRejected) as raised:
        attempt.answer("q2", "ai")
    assert raised.value.reason == "not_current"
    with pytest.raises(AnswerRejected) as raised:
        attempt.answer("q99", "ai")
    assert raised.value.reason == "unknown_question"
    assert attempt.position == 0


def test_unknown_choice_is_rejected() -> None:
    attempt = Attempt(make_plan(path_quiz(questions=3), seed=1))
    with pytest.raises(AnswerRejected, match="not one of the choices") as raised:
        attempt.answer("q1", "maybe")
    assert raised.value.reason == "unknown_choice"


def test_second_answer_to_a_question_is_a_no_op_returning_the_first() -> None:
    attempt = Attempt(make_plan(path_quiz(questions=3), seed=1))
    first = attempt.answer("q1", "ai")
    again = attempt.answer("q1", "ml")
    assert not again.new
    assert again.answer == first.answer
    assert attempt.position == 1
    assert attempt.answers["q1"].choice_id == "ai"


def test_finished_quiz_rejects_new_answers_but_repeats_old_ones() -> None:
    plan = make_plan(path_quiz(questions=2), seed=1)
    attempt = answer_all(plan, ["ai", "ai"])
    assert attempt.finished and attempt.current() is None
    assert not attempt.answer("q2", "ml").new


def test_result_before_the_end_is_an_error() -> None:
    attempt = Attempt(make_plan(path_quiz(questions=2), seed=1))
    with pytest.raises(ValueError, match="not finished"):
        attempt.result()


def test_strong_ai_result_names_path_strength_reasons_and_next_steps() -> None:
    plan = make_plan(path_quiz(questions=5), seed=1)
    result = answer_all(plan, ["ai", "ai", "ai", "ai", "ml"]).result()
    assert isinstance(result, PathResult)
    assert result.leaning == "ai"
    assert (result.ai_points, result.ml_points) == (8, 2)
    assert result.strength_text == "8 of 10"
    assert result.reasons == ("AI reason 1", "AI reason 2", "AI reason 3")
    assert [s.entry for s in result.next_steps] == ["ai-entry"]
    assert result.title == "ai title"


def test_ml_result() -> None:
    plan = make_plan(path_quiz(questions=4), seed=1)
    result = answer_all(plan, ["ml", "ml", "none", "ml"]).result()
    assert isinstance(result, PathResult)
    assert result.leaning == "ml" and result.strength_text == "10 of 10"


def test_even_answers_give_an_honest_balanced_result() -> None:
    plan = make_plan(path_quiz(questions=4), seed=1)
    result = answer_all(plan, ["ai", "ml", "ai", "ml"]).result()
    assert isinstance(result, PathResult)
    assert result.leaning == "balanced"
    assert result.tilt is None
    assert result.strength_text == "5 of 10"
    assert set(result.reasons) <= {"AI reason 1", "ML reason 2", "AI reason 3", "ML reason 4"}
    assert result.title == "balanced title"


def test_all_neutral_answers_are_balanced() -> None:
    plan = make_plan(path_quiz(questions=3), seed=1)
    result = answer_all(plan, ["none", "none", "none"]).result()
    assert isinstance(result, PathResult)
    assert result.leaning == "balanced" and result.reasons == ()


@pytest.mark.parametrize(
    ("ai", "ml", "expected"),
    [
        (6, 4, ("ai", 6, "ai")),
        (11, 9, ("balanced", 6, "ai")),
        (7, 3, ("ai", 7, "ai")),
        (1, 3, ("ml", 8, "ml")),
        (0, 0, ("balanced", 5, None)),
    ],
)
def test_lean_thresholds(ai: int, ml: int, expected: tuple[str, int, str | None]) -> None:
    assert lean_of(ai, ml, 0.6) == expected


def test_knowledge_result_scores_and_explains() -> None:
    plan = make_plan(knowledge_quiz(questions=6, draw=4, pass_mark=3), seed=5)
    picks = ["right", "right", "wrong1", "right"]
    attempt = answer_all(plan, picks)
    assert [a.correct for a in attempt.answers.values()] == [True, True, False, True]
    result = attempt.result()
    assert isinstance(result, KnowledgeResult)
    assert (result.score, result.total, result.pass_mark, result.passed) == (3, 4, 3, True)
    (missed,) = result.missed
    assert missed.question_id == plan.questions[2].id
    assert missed.chosen.startswith("Wrong A") and missed.correct_label.startswith("Right")
    assert missed.explanation.startswith("Because")
    assert result.summary_json() == {"kind": "knowledge", "score": 3, "total": 4, "pass_mark": 3, "passed": True}


def test_knowledge_result_below_pass_mark_fails() -> None:
    plan = make_plan(knowledge_quiz(questions=6, draw=4, pass_mark=3), seed=5)
    result = answer_all(plan, ["wrong1", "right", "wrong2", "right"]).result()
    assert isinstance(result, KnowledgeResult) and not result.passed and result.score == 2


def test_replay_restores_position_from_stored_answers() -> None:
    plan = make_plan(knowledge_quiz(), seed=3)
    first, second = plan.question_ids()[:2]
    attempt = Attempt.replay(plan, [(second, "right"), (first, "wrong2")])
    assert attempt.position == 2
    assert attempt.answers[first].correct is False
    current = attempt.current()
    assert current is not None and current.id == plan.question_ids()[2]


def test_the_result_counts_answers_per_side() -> None:
    plan = make_plan(path_quiz(questions=5), seed=1)
    result = answer_all(plan, ["ai", "ai", "ai", "none", "ml"]).result()
    assert isinstance(result, PathResult)
    assert (result.ai_answers, result.ml_answers, result.neutral_answers, result.answers) == (3, 1, 1, 5)
    assert leaning_line(result).startswith("**3 of your 5 answers** leaned toward AI Engineering")
    assert result.summary_json()["ai_answers"] == 3


def test_a_thin_margin_is_balanced_not_a_verdict() -> None:
    # 6 points to 4 is 60% of the weight, but only 2 points apart: below the quiz's margin of 4.
    plan = make_plan(path_quiz(questions=5), seed=1)
    result = answer_all(plan, ["ai", "ai", "ai", "ml", "ml"]).result()
    assert isinstance(result, PathResult)
    assert result.leaning == "balanced" and result.tilt == "ai"
    assert "too close to call" in leaning_line(result)
    assert result.counterpoint is None


def test_mostly_neutral_answers_are_balanced() -> None:
    plan = make_plan(path_quiz(questions=5), seed=1)
    result = answer_all(plan, ["ai", "ai", "none", "none", "none"]).result()
    assert isinstance(result, PathResult)
    assert result.leaning == "balanced"
    assert leaning_line(result).startswith("**3 of your 5 answers** leaned toward neither path")


def test_the_result_names_the_strongest_answer_the_other_way() -> None:
    data = path_data(questions=5)
    data["questions"][1]["choices"][1]["weight"] = 1
    data["questions"][3]["choices"][1]["weight"] = 3
    for index in (0, 2, 4):
        data["questions"][index]["choices"][0]["weight"] = 4
    plan = make_plan(PathQuiz.model_validate(data), seed=1)
    result = answer_all(plan, ["ai", "ml", "ai", "ml", "ai"]).result()
    assert isinstance(result, PathResult) and result.leaning == "ai"
    assert result.counterpoint is not None
    assert (result.counterpoint.prompt, result.counterpoint.label) == ("Question 4?", "Research")
    line = counterpoint_line(result)
    assert line == "But note: to “Question 4?” you answered “Research”, which points toward ML Engineering."


def test_a_one_sided_result_has_nothing_to_note() -> None:
    plan = make_plan(path_quiz(questions=4), seed=1)
    result = answer_all(plan, ["ml", "ml", "none", "ml"]).result()
    assert isinstance(result, PathResult) and result.counterpoint is None and counterpoint_line(result) is None


def test_next_steps_must_name_distinct_entries() -> None:
    data = path_data()
    data["results"]["ai"]["next_steps"] = [{"entry": "x", "label": "One"}, {"entry": "x", "label": "Two"}]
    with pytest.raises(ValidationError, match="duplicate next step entry"):
        PathQuiz.model_validate(data)


def test_a_review_plan_holds_exactly_the_missed_questions_with_reshuffled_choices() -> None:
    original = make_plan(knowledge_quiz(questions=12, draw=8, pass_mark=6), seed=3)
    missed = [original.questions[5].id, original.questions[1].id]
    orders = set()
    for seed in range(20):
        review = review_plan(original, missed, session_id=9, seed=seed)
        assert review.question_ids() == [original.questions[1].id, original.questions[5].id]
        assert (review.review_of, review.pass_mark, review.is_review, review.quiz_id) == (9, 2, True, "knowledge")
        for question in review.questions:
            before = original.questions[original.index_of(question.id) or 0]
            assert sorted(c.id for c in question.choices) == sorted(c.id for c in before.choices)
            assert question.explanation == before.explanation
        orders.add(tuple(c.id for c in review.questions[0].choices))
    assert len(orders) > 1
    result = answer_all(review, ["right", "wrong1"]).result()
    assert isinstance(result, KnowledgeResult)
    assert (result.score, result.passed, result.summary_json()["review_of"]) == (1, False, 9)
    assert "do not change the leaderboard" in score_line(result)


def test_a_review_needs_missed_questions() -> None:
    original = make_plan(knowledge_quiz(), seed=3)
    with pytest.raises(ValueError, match="missed questions"):
        review_plan(original, [], session_id=1, seed=1)
