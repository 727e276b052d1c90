from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from bot.quiz.models import KnowledgeQuiz, PathQuiz
from tests.quiz.factories import knowledge_data, knowledge_quiz, path_data, path_quiz


def test_valid_quizzes_validate() -> None:
    assert len(path_quiz().questions) == 4
    assert knowledge_quiz().draw == 4


def test_knowledge_question_needs_exactly_one_correct_choice() -> None:
    data = knowledge_data()
    data["questions"][0]["choices"][1]["correct"] = True
    with pytest.raises(ValidationError, match="exactly one choice must be correct, found 2"):
        KnowledgeQuiz.model_validate(data)
    data = knowledge_data()
    data["questions"][0]["choices"][0]["correct"] = False
    with pytest.raises(ValidationError, match="found 0"):
        KnowledgeQuiz.model_validate(data)


@pytest.mark.parametrize(
    ("lean", "weight", "message"),
    [("none", 2, "must have weight 0"), ("ai", 0, "needs a weight"), ("ml", 6, "less than or equal to 5")],
)
def test_path_choice_lean_and_weight_must_agree(lean: str, weight: int, message: str) -> None:
    data = path_data()
    data["questions"][0]["choices"][0].update(lean=lean, weight=weight)
    with pytest.raises(ValidationError, match=message):
        PathQuiz.model_validate(data)


def test_duplicate_question_and_choice_ids_are_refused() -> None:
    data = path_data()
    data["questions"][1]["id"] = "q1"
    with pytest.raises(ValidationError, match="duplicate question id 'q1'"):
        PathQuiz.model_validate(data)
    data = knowledge_data()
    data["questions"][0]["choices"][1]["id"] = "right"
    with pytest.raises(ValidationError, match="duplicate choice id 'right'"):
        KnowledgeQuiz.model_validate(data)


@pytest.mark.parametrize("bad_id", ["Has Space", "colon:id", "UPPER", "", "x" * 41])
def test_question_ids_must_be_short_slugs(bad_id: str) -> None:
    data = path_data()
    data["questions"][0]["id"] = bad_id
    with pytest.raises(ValidationError):
        PathQuiz.model_validate(data)


def test_labels_fit_on_a_button() -> None:
    data = knowledge_data()
    data["questions"][0]["choices"][0]["label"] = "x" * 81
    with pytest.raises(ValidationError, match="at most 80 characters"):
        KnowledgeQuiz.model_validate(data)


def test_choices_fit_on_one_row_of_buttons() -> None:
    data = knowledge_data()
    data["questions"][0]["choices"].extend({"id": f"extra{i}", "label": "More"} for i in range(2))
    with pytest.raises(ValidationError, match="at most 5"):
        KnowledgeQuiz.model_validate(data)


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"draw": 7}, "only 6 questions"), ({"pass_mark": 5}, "more than the 4 questions drawn")],
)
def test_draw_and_pass_mark_must_fit(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        KnowledgeQuiz.model_validate(knowledge_data(**changes))


def test_unknown_keys_are_refused() -> None:
    data = path_data()
    data["questions"][0]["choices"][0]["wieght"] = 2
    with pytest.raises(ValidationError, match="Extra inputs"):
        PathQuiz.model_validate(data)


def test_version_is_a_content_hash() -> None:
    first = knowledge_quiz()
    assert first.version() == knowledge_quiz().version()
    data = knowledge_data()
    data["questions"][2]["explanation"] = "A better explanation."
    assert KnowledgeQuiz.model_validate(data).version() != first.version()
