"""Small quizzes built in code, for tests that need exact control over weights and answers."""

from __future__ import annotations

from typing import Any

from bot.quiz.models import KnowledgeQuiz, PathQuiz


def path_data(questions: int = 4, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "path",
        "kind": "path",
        "title": "Path finder",
        "intro": "A few questions.",
        "questions": [
            {
                "id": f"q{i}",
                "prompt": f"Question {i}?",
                "choices": [
                    {"id": "ai", "label": "Build", "lean": "ai", "weight": 2, "because": f"AI reason {i}"},
                    {"id": "ml", "label": "Research", "lean": "ml", "weight": 2, "because": f"ML reason {i}"},
                    {"id": "none", "label": "Either", "lean": "none", "weight": 0},
                ],
            }
            for i in range(1, questions + 1)
        ],
        "results": {
            leaning: {
                "title": f"{leaning} title",
                "summary": f"{leaning} summary",
                "next_steps": [{"entry": f"{leaning}-entry", "label": f"Read about {leaning}"}],
            }
            for leaning in ("ai", "ml", "balanced")
        },
    }
    data.update(overrides)
    return data


def knowledge_data(questions: int = 6, draw: int = 4, pass_mark: int = 3, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "knowledge",
        "kind": "knowledge",
        "title": "Knowledge check",
        "intro": "Some facts.",
        "shuffle_questions": True,
        "shuffle_choices": True,
        "draw": draw,
        "pass_mark": pass_mark,
        "questions": [
            {
                "id": f"k{i}",
                "prompt": f"Fact {i}?",
                "choices": [
                    {"id": "right", "label": f"Right {i}", "correct": True},
                    {"id": "wrong1", "label": f"Wrong A {i}"},
                    {"id": "wrong2", "label": f"Wrong B {i}"},
                    {"id": "wrong3", "label": f"Wrong C {i}"},
                ],
                "explanation": f"Because {i}.",
            }
            for i in range(1, questions + 1)
        ],
    }
    data.update(overrides)
    return data


def path_quiz(questions: int = 4, **overrides: Any) -> PathQuiz:
    return PathQuiz.model_validate(path_data(questions, **overrides))


def knowledge_quiz(questions: int = 6, draw: int = 4, pass_mark: int = 3, **overrides: Any) -> KnowledgeQuiz:
    return KnowledgeQuiz.model_validate(knowledge_data(questions, draw, pass_mark, **overrides))
