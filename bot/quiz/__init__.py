"""Quizzes: models for the quiz files, the loader, and the engine (no discord, no storage).

Public surface:

* :func:`load_quizzes` (``dir, known_entry_ids -> (QuizBook | None, [Problem])``).
* :class:`QuizBook`: the valid quizzes by id; ``book.start(quiz_id, seed)`` gives a session's
  :class:`Plan`.
* :class:`Plan` is a :class:`PathPlan` or a :class:`KnowledgePlan` (``Plan.from_json`` gives the
  right one). It is self-contained: it holds the questions, choice order, weights, correct answers,
  explanations and result texts of the quiz version the session started with, and is stored as
  JSON with the session. A running session therefore never depends on the live content, and a
  content reload can never break it; ``QuizBook.version_changes(old)`` lists the quizzes whose
  version changed.
* :class:`Attempt`: a plan plus its answers; validates the next answer and computes the result.
"""

from bot.quiz.book import QuizBook
from bot.quiz.engine import (
    Answer,
    AnswerOutcome,
    AnswerRejected,
    Attempt,
    KnowledgePlan,
    KnowledgeResult,
    PathPlan,
    PathResult,
    Plan,
    PlannedChoice,
    PlannedQuestion,
    QuizResult,
    ReviewItem,
    lean_of,
    make_plan,
    new_seed,
    review_plan,
)
from bot.quiz.loader import load_quiz_file, load_quizzes
from bot.quiz.models import KnowledgeQuiz, NextStep, PathQuiz

__all__ = [
    "Answer",
    "AnswerOutcome",
    "AnswerRejected",
    "Attempt",
    "KnowledgePlan",
    "KnowledgeQuiz",
    "KnowledgeResult",
    "NextStep",
    "PathPlan",
    "PathQuiz",
    "PathResult",
    "Plan",
    "PlannedChoice",
    "PlannedQuestion",
    "QuizBook",
    "QuizResult",
    "ReviewItem",
    "lean_of",
    "load_quiz_file",
    "load_quizzes",
    "make_plan",
    "new_seed",
    "review_plan",
]
