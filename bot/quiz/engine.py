"""The quiz engine: plans, answers and results, with no I/O.

A session starts from a quiz and a seed. :func:`make_plan` turns them into a :class:`Plan`: the
questions drawn, in the order shown, each with its choices in the order shown, and everything the
result needs (weights, correct answers, explanations, result texts). The plan is stored with the
session, so a session keeps working with the quiz exactly as it was when it started, across
restarts and content reloads.

:class:`Attempt` replays the stored answers onto the plan and validates the next one: only the
current question can be answered, only with one of its choices, and a second answer to a question
already answered changes nothing and returns the first.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from bot.quiz.models import (
    KnowledgeQuiz,
    Lean,
    Leaning,
    NextStep,
    PathQuiz,
    PathResults,
)

STRENGTH_SCALE = 10
MAX_REASONS = 3


def new_seed() -> int:
    """A fresh per-session seed that fits in a signed 64-bit SQLite integer."""
    return secrets.randbits(62)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PlannedChoice(_Frozen):
    id: str
    label: str
    lean: Lean | None = None
    weight: int = 0
    because: str | None = None
    correct: bool | None = None


class PlannedQuestion(_Frozen):
    id: str
    prompt: str
    choices: tuple[PlannedChoice, ...]
    explanation: str | None = None
    review: str | None = None

    def choice(self, choice_id: str) -> PlannedChoice | None:
        for choice in self.choices:
            if choice.id == choice_id:
                return choice
        return None

    def correct_choice(self) -> PlannedChoice | None:
        for choice in self.choices:
            if choice.correct:
                return choice
        return None


class Plan(_Frozen):
    """Everything a session needs, fixed when it starts. Stored as JSON in quiz_sessions.plan.

    A plan is either a :class:`PathPlan` or a :class:`KnowledgePlan`; this class holds what they
    share and :meth:`from_json` gives the right one back."""

    quiz_id: str
    version: str
    kind: Literal["path", "knowledge"]
    title: str
    seed: int
    questions: tuple[PlannedQuestion, ...]
    channel_id: int | None = None  # the server channel the quiz was started from, for sharing

    @property
    def is_review(self) -> bool:
        return False

    @property
    def total(self) -> int:
        return len(self.questions)

    def question_ids(self) -> list[str]:
        return [q.id for q in self.questions]

    def index_of(self, question_id: str) -> int | None:
        for index, question in enumerate(self.questions):
            if question.id == question_id:
                return index
        return None

    def to_json(self) -> str:
        return self.model_dump_json()

    @classmethod
    def from_json(cls, text: str) -> PathPlan | KnowledgePlan:
        return _PLANS.validate_json(text)


def _drop_unset(data: Any, fields: Mapping[str, object]) -> Any:
    """Plans stored before the split carry the other kind's fields at their defaults; drop those."""
    if isinstance(data, dict):
        return {key: value for key, value in data.items() if key not in fields or value != fields[key]}
    return data


class PathPlan(Plan):
    """A path finder plan: the questions with their weights, and the result texts and thresholds."""

    kind: Literal["path"] = "path"
    results: PathResults
    balanced_below: float
    min_margin: int = 0
    max_neutral: float = 1.0

    @model_validator(mode="before")
    @classmethod
    def _stored_before_the_split(cls, data: Any) -> Any:
        return _drop_unset(data, {"pass_mark": None, "review_of": None})


class KnowledgePlan(Plan):
    """A knowledge check plan (or a review of one): the questions with their correct answers."""

    kind: Literal["knowledge"] = "knowledge"
    pass_mark: int
    review_of: int | None = None  # the session whose missed questions this plan retries

    @property
    def is_review(self) -> bool:
        return self.review_of is not None

    @model_validator(mode="before")
    @classmethod
    def _stored_before_the_split(cls, data: Any) -> Any:
        return _drop_unset(data, {"results": None, "balanced_below": None, "min_margin": 0, "max_neutral": 1.0})


_PLANS: TypeAdapter[PathPlan | KnowledgePlan] = TypeAdapter(
    Annotated[PathPlan | KnowledgePlan, Field(discriminator="kind")]
)


def draw_questions(quiz: KnowledgeQuiz, rng: random.Random, count: int | None = None) -> list[int]:
    """Indexes of `count` (default: the quiz's `draw`) questions in drawn order, honouring the
    quiz's groups: a question joins the draw only while every group it belongs to has room."""
    wanted = quiz.draw if count is None else count
    if not 1 <= wanted <= quiz.always_drawable():
        raise ValueError(f"cannot draw {wanted} questions; between 1 and {quiz.always_drawable()} always fit")
    room = {group.id: group.at_most for group in quiz.groups}
    groups_of: dict[str, list[str]] = {}
    for group in quiz.groups:
        for question_id in group.questions:
            groups_of.setdefault(question_id, []).append(group.id)
    order = list(range(len(quiz.questions)))
    rng.shuffle(order)
    drawn: list[int] = []
    for index in order:
        memberships = groups_of.get(quiz.questions[index].id, [])
        if all(room[g] > 0 for g in memberships):
            drawn.append(index)
            for g in memberships:
                room[g] -= 1
            if len(drawn) == wanted:
                break
    return drawn


def make_plan(quiz: PathQuiz | KnowledgeQuiz, seed: int, *, count: int | None = None) -> PathPlan | KnowledgePlan:
    """Draw and order the questions and choices for one session; the same seed gives the same plan.
    `count` draws fewer (or more) knowledge questions than the quiz's own `draw`."""
    rng = random.Random(seed)
    indexes = list(range(len(quiz.questions)))
    if isinstance(quiz, KnowledgeQuiz):
        indexes = draw_questions(quiz, rng, count)
        if not quiz.shuffle_questions:
            indexes.sort()
    elif quiz.shuffle_questions:
        rng.shuffle(indexes)
    planned: list[PlannedQuestion] = []
    for index in indexes:
        question = quiz.questions[index]
        order = list(range(len(question.choices)))
        if quiz.shuffle_choices:
            rng.shuffle(order)
        if isinstance(quiz, KnowledgeQuiz):
            kq = quiz.questions[index]
            choices = tuple(
                PlannedChoice(id=kq.choices[i].id, label=kq.choices[i].label, correct=kq.choices[i].correct)
                for i in order
            )
            planned.append(
                PlannedQuestion(
                    id=kq.id, prompt=kq.prompt, choices=choices, explanation=kq.explanation, review=kq.review
                )
            )
        else:
            pq = quiz.questions[index]
            choices = tuple(
                PlannedChoice(
                    id=pq.choices[i].id,
                    label=pq.choices[i].label,
                    lean=pq.choices[i].lean,
                    weight=pq.choices[i].weight,
                    because=pq.choices[i].because,
                )
                for i in order
            )
            planned.append(PlannedQuestion(id=pq.id, prompt=pq.prompt, choices=choices))
    if isinstance(quiz, KnowledgeQuiz):
        return KnowledgePlan(
            quiz_id=quiz.id,
            version=quiz.version(),
            title=quiz.title,
            seed=seed,
            questions=tuple(planned),
            pass_mark=quiz.pass_mark if count is None else max(1, round(quiz.pass_mark * len(planned) / quiz.draw)),
        )
    return PathPlan(
        quiz_id=quiz.id,
        version=quiz.version(),
        title=quiz.title,
        seed=seed,
        questions=tuple(planned),
        results=quiz.results,
        balanced_below=quiz.balanced_below,
        min_margin=quiz.min_margin,
        max_neutral=quiz.max_neutral,
    )


def review_plan(original: Plan, question_ids: Iterable[str], *, session_id: int, seed: int) -> KnowledgePlan:
    """A short knowledge attempt on some questions of `original` (the ones a member missed), in
    their original order with the choices reshuffled; every one must be right to pass."""
    wanted = set(question_ids)
    rng = random.Random(seed)
    questions = []
    for question in original.questions:
        if question.id in wanted:
            choices = list(question.choices)
            rng.shuffle(choices)
            questions.append(question.model_copy(update={"choices": tuple(choices)}))
    if not isinstance(original, KnowledgePlan) or not questions:
        raise ValueError("a review needs missed questions of a knowledge check")
    return original.model_copy(
        update={
            "seed": seed,
            "questions": tuple(questions),
            "pass_mark": len(questions),
            "review_of": session_id,
        }
    )


AnswerProblem = Literal["unknown_question", "not_current", "unknown_choice", "finished"]


class AnswerRejected(Exception):
    """An answer the engine refuses; `reason` says why, `str()` says it as a sentence."""

    MESSAGES: Mapping[str, str] = {
        "unknown_question": "That question is not part of this quiz.",
        "not_current": "That is not the question you are on; answer the current question first.",
        "unknown_choice": "That is not one of the choices for this question.",
        "finished": "This quiz is already finished.",
    }

    def __init__(self, reason: AnswerProblem) -> None:
        self.reason = reason
        super().__init__(self.MESSAGES[reason])


@dataclass(frozen=True)
class Answer:
    question_id: str
    choice_id: str
    correct: bool | None


@dataclass(frozen=True)
class AnswerOutcome:
    """The effect of one click: `new` is False when the question had already been answered, and
    `answer` is then the first answer, unchanged."""

    answer: Answer
    new: bool
    question: PlannedQuestion
    position: int
    finished: bool


@dataclass(frozen=True)
class Counterpoint:
    """The strongest answer that pointed away from the result: what was asked and what was said."""

    prompt: str
    label: str
    lean: Literal["ai", "ml"]


@dataclass(frozen=True)
class PathResult:
    leaning: Leaning
    strength: int  # the winning side's share of the points, out of `scale`
    scale: int
    ai_points: int
    ml_points: int
    tilt: Literal["ai", "ml"] | None
    title: str
    summary: str
    reasons: tuple[str, ...]
    next_steps: tuple[NextStep, ...]
    ai_answers: int = 0
    ml_answers: int = 0
    neutral_answers: int = 0
    counterpoint: Counterpoint | None = None
    kind: Literal["path"] = "path"

    @property
    def strength_text(self) -> str:
        return f"{self.strength} of {self.scale}"

    @property
    def answers(self) -> int:
        return self.ai_answers + self.ml_answers + self.neutral_answers

    def summary_json(self) -> dict[str, Any]:
        return {
            "kind": "path",
            "leaning": self.leaning,
            "strength": self.strength,
            "scale": self.scale,
            "ai_points": self.ai_points,
            "ml_points": self.ml_points,
            "ai_answers": self.ai_answers,
            "ml_answers": self.ml_answers,
            "neutral_answers": self.neutral_answers,
        }


@dataclass(frozen=True)
class ReviewItem:
    question_id: str
    prompt: str
    chosen: str
    correct_label: str
    correct: bool
    explanation: str
    review: str | None


@dataclass(frozen=True)
class KnowledgeResult:
    score: int
    total: int
    pass_mark: int
    passed: bool
    items: tuple[ReviewItem, ...]
    review_of: int | None = None
    kind: Literal["knowledge"] = "knowledge"

    @property
    def missed(self) -> tuple[ReviewItem, ...]:
        return tuple(item for item in self.items if not item.correct)

    def summary_json(self) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "kind": "knowledge",
            "score": self.score,
            "total": self.total,
            "pass_mark": self.pass_mark,
            "passed": self.passed,
        }
        if self.review_of is not None:
            summary["review_of"] = self.review_of
        return summary


QuizResult = PathResult | KnowledgeResult


@dataclass
class Attempt:
    """A plan plus the answers given so far, in plan order."""

    plan: Plan
    answers: dict[str, Answer] = field(default_factory=dict)

    @classmethod
    def replay(cls, plan: Plan, stored: Iterable[tuple[str, str]]) -> Attempt:
        """Rebuild an attempt from stored (question_id, choice_id) pairs; unknown pairs are skipped."""
        attempt = cls(plan)
        by_question = dict(stored)
        for question in plan.questions:
            choice_id = by_question.get(question.id)
            if choice_id is None:
                break
            choice = question.choice(choice_id)
            if choice is None:
                break
            attempt.answers[question.id] = Answer(question.id, choice_id, choice.correct)
        return attempt

    @property
    def position(self) -> int:
        """How many questions are answered (and the index of the current question)."""
        return len(self.answers)

    @property
    def total(self) -> int:
        return self.plan.total

    @property
    def finished(self) -> bool:
        return self.position >= self.total

    def current(self) -> PlannedQuestion | None:
        if self.finished:
            return None
        return self.plan.questions[self.position]

    def check(self, question_id: str, choice_id: str) -> AnswerOutcome:
        """Validate an answer without recording it. A repeated answer returns the first one."""
        index = self.plan.index_of(question_id)
        if index is None:
            raise AnswerRejected("unknown_question")
        question = self.plan.questions[index]
        earlier = self.answers.get(question_id)
        if earlier is not None:
            return AnswerOutcome(earlier, False, question, self.position, self.finished)
        if self.finished:
            raise AnswerRejected("finished")
        if index != self.position:
            raise AnswerRejected("not_current")
        choice = question.choice(choice_id)
        if choice is None:
            raise AnswerRejected("unknown_choice")
        answer = Answer(question_id, choice_id, choice.correct)
        position = self.position + 1
        return AnswerOutcome(answer, True, question, position, position >= self.total)

    def answer(self, question_id: str, choice_id: str) -> AnswerOutcome:
        """Validate and record an answer; answering a question twice is a no-op."""
        outcome = self.check(question_id, choice_id)
        if outcome.new:
            self.answers[question_id] = outcome.answer
        return outcome

    def result(self) -> QuizResult:
        if not self.finished:
            raise ValueError("the quiz is not finished yet")
        if isinstance(self.plan, PathPlan):
            return self._path_result(self.plan)
        if isinstance(self.plan, KnowledgePlan):
            return self._knowledge_result(self.plan)
        raise TypeError(f"a plan is a path plan or a knowledge plan, not {type(self.plan).__name__}")

    def _chosen(self) -> list[tuple[PlannedQuestion, PlannedChoice]]:
        pairs = []
        for question in self.plan.questions:
            answer = self.answers[question.id]
            choice = question.choice(answer.choice_id)
            if choice is None:  # replay() and check() only admit known choices
                raise ValueError(f"unknown choice {answer.choice_id!r} for {question.id!r}")
            pairs.append((question, choice))
        return pairs

    def _path_result(self, plan: PathPlan) -> PathResult:
        results = plan.results
        chosen = self._chosen()
        ai = sum(c.weight for _, c in chosen if c.lean == "ai")
        ml = sum(c.weight for _, c in chosen if c.lean == "ml")
        neutral = sum(1 for _, c in chosen if c.lean not in ("ai", "ml"))
        leaning, strength, tilt = lean_of(ai, ml, plan.balanced_below, min_margin=plan.min_margin)
        if chosen and neutral / len(chosen) > plan.max_neutral:
            leaning = "balanced"
        outcome = getattr(results, leaning)
        counterpoint = None
        if leaning in ("ai", "ml"):
            other: Literal["ai", "ml"] = "ml" if leaning == "ai" else "ai"
            against = [(q, c) for q, c in chosen if c.lean == other]
            if against:
                # The heaviest answer the other way; the earliest one among equals.
                question, choice = max(against, key=lambda pair: pair[1].weight)
                counterpoint = Counterpoint(prompt=question.prompt, label=choice.label, lean=other)
        sides = ("ai", "ml") if leaning == "balanced" else (leaning,)
        ranked = sorted(
            ((-c.weight, order, c.because) for order, (_, c) in enumerate(chosen) if c.lean in sides and c.because),
        )
        reasons = tuple(text for _, _, text in ranked[:MAX_REASONS] if text)
        return PathResult(
            leaning=leaning,
            strength=strength,
            scale=STRENGTH_SCALE,
            ai_points=ai,
            ml_points=ml,
            tilt=tilt,
            title=outcome.title,
            summary=outcome.summary,
            reasons=reasons,
            next_steps=tuple(outcome.next_steps),
            ai_answers=sum(1 for _, c in chosen if c.lean == "ai"),
            ml_answers=sum(1 for _, c in chosen if c.lean == "ml"),
            neutral_answers=neutral,
            counterpoint=counterpoint,
        )

    def _knowledge_result(self, plan: KnowledgePlan) -> KnowledgeResult:
        items = []
        for question, choice in self._chosen():
            right = question.correct_choice()
            items.append(
                ReviewItem(
                    question_id=question.id,
                    prompt=question.prompt,
                    chosen=choice.label,
                    correct_label=right.label if right else "",
                    correct=bool(choice.correct),
                    explanation=question.explanation or "",
                    review=question.review,
                )
            )
        score = sum(1 for item in items if item.correct)
        pass_mark = plan.pass_mark or len(items)
        return KnowledgeResult(
            score=score,
            total=len(items),
            pass_mark=pass_mark,
            passed=score >= pass_mark,
            items=tuple(items),
            review_of=plan.review_of,
        )


def lean_of(
    ai: int, ml: int, balanced_below: float, *, min_margin: int = 0
) -> tuple[Leaning, int, Literal["ai", "ml"] | None]:
    """(leaning, strength out of 10, tilt): the side with at least `balanced_below` of the weight
    and `min_margin` more points than the other wins; otherwise the result is balanced, with `tilt`
    naming the larger side if there is one."""
    total = ai + ml
    if total == 0:
        return "balanced", STRENGTH_SCALE // 2, None
    top = max(ai, ml)
    share = top / total
    strength = int(STRENGTH_SCALE * share + 0.5)
    tilt: Literal["ai", "ml"] | None = None if ai == ml else ("ai" if ai > ml else "ml")
    if share < balanced_below or tilt is None or abs(ai - ml) < min_margin:
        return "balanced", strength, tilt
    return tilt, strength, tilt
