"""The shape of a quiz file, validated with pydantic.

Two kinds of quiz share one file format:

* ``kind: path`` — a path finder. Every choice leans toward ``ai`` or ``ml`` (or ``none``) with a
  weight; the result names the path the answers leaned to, how strongly, why, and next steps that
  link to knowledge-base entries.
* ``kind: knowledge`` — a knowledge check. Every question has exactly one correct choice and an
  explanation; a session draws ``draw`` questions and passes at ``pass_mark`` correct answers.
  ``groups`` name questions a draw may hold only ``at_most`` of (default one): questions whose
  explanations give each other's answers away, or too many about one subject.

Ids are short lowercase slugs (no colons) because they travel inside button custom_ids, whose
length Discord caps at 100 characters.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

QUESTION_ID_MAX = 40
CHOICE_ID_MAX = 20
QUIZ_ID_MAX = 20
PROMPT_MAX = 900
LABEL_MAX = 80  # a button label
EXPLANATION_MAX = 900  # shown in an embed field (1024) with a heading
REASON_MAX = 200
TITLE_MAX = 200
SUMMARY_MAX = 1500
MIN_CHOICES = 2
MAX_CHOICES = 5  # one row of buttons

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
QuizId = Annotated[Slug, StringConstraints(max_length=QUIZ_ID_MAX)]
QuestionId = Annotated[Slug, StringConstraints(max_length=QUESTION_ID_MAX)]
ChoiceId = Annotated[Slug, StringConstraints(max_length=CHOICE_ID_MAX)]
EntryId = Annotated[str, StringConstraints(min_length=1, max_length=100)]


Prompt = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=PROMPT_MAX)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=LABEL_MAX)]
Explanation = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=EXPLANATION_MAX)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=REASON_MAX)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX)]
Summary = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SUMMARY_MAX)]

Lean = Literal["ai", "ml", "none"]
Leaning = Literal["ai", "ml", "balanced"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NextStep(_Strict):
    """A pointer to a knowledge-base entry, with the sentence that introduces it."""

    entry: EntryId
    label: Label


class PathChoice(_Strict):
    id: ChoiceId
    label: Label
    lean: Lean
    weight: int = Field(ge=0, le=5)
    because: Reason | None = None

    @model_validator(mode="after")
    def _weight_matches_lean(self) -> PathChoice:
        if self.lean == "none" and self.weight != 0:
            raise ValueError("a choice that leans 'none' must have weight 0")
        if self.lean != "none" and self.weight == 0:
            raise ValueError("a choice that leans 'ai' or 'ml' needs a weight of 1 to 5")
        return self


class PathQuestion(_Strict):
    id: QuestionId
    prompt: Prompt
    choices: list[PathChoice] = Field(min_length=MIN_CHOICES, max_length=MAX_CHOICES)

    @model_validator(mode="after")
    def _unique_choices(self) -> PathQuestion:
        _check_unique([c.id for c in self.choices], "choice id")
        return self


class PathOutcome(_Strict):
    """What the member reads for one leaning."""

    title: Title
    summary: Summary
    next_steps: list[NextStep] = Field(min_length=1, max_length=4)  # a row of buttons, beside Share

    @model_validator(mode="after")
    def _distinct_steps(self) -> PathOutcome:
        _check_unique([step.entry for step in self.next_steps], "next step entry")
        return self


class PathResults(_Strict):
    ai: PathOutcome
    ml: PathOutcome
    balanced: PathOutcome


class KnowledgeChoice(_Strict):
    id: ChoiceId
    label: Label
    correct: bool = False


class KnowledgeQuestion(_Strict):
    id: QuestionId
    prompt: Prompt
    choices: list[KnowledgeChoice] = Field(min_length=MIN_CHOICES, max_length=MAX_CHOICES)
    explanation: Explanation
    review: EntryId | None = None

    @model_validator(mode="after")
    def _one_correct(self) -> KnowledgeQuestion:
        _check_unique([c.id for c in self.choices], "choice id")
        correct = sum(1 for c in self.choices if c.correct)
        if correct != 1:
            raise ValueError(f"exactly one choice must be correct, found {correct}")
        return self


class QuestionGroup(_Strict):
    """Questions a single draw holds at most `at_most` of, and why."""

    id: QuestionId
    questions: list[QuestionId] = Field(min_length=2)
    at_most: int = Field(default=1, ge=1)
    why: Reason | None = None

    @model_validator(mode="after")
    def _sensible(self) -> QuestionGroup:
        _check_unique(self.questions, "question id in the group")
        if self.at_most >= len(self.questions):
            raise ValueError(f"at_most {self.at_most} does not limit a group of {len(self.questions)} questions")
        return self


class _QuizBase(_Strict):
    id: QuizId
    title: Title
    intro: Summary
    shuffle_questions: bool = False
    shuffle_choices: bool = False

    def version(self) -> str:
        """A content hash: any change to the quiz gives a new version."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


class PathQuiz(_QuizBase):
    kind: Literal["path"]
    questions: list[PathQuestion] = Field(min_length=1, max_length=25)
    results: PathResults
    balanced_below: float = Field(
        default=0.6,
        gt=0.5,
        le=1.0,
        description="the winning side needs at least this share of the weight, else the result is balanced",
    )
    min_margin: int = Field(
        default=4, ge=0, description="the winning side needs this many more points than the other, else balanced"
    )
    max_neutral: float = Field(
        default=0.5, ge=0.0, le=1.0, description="above this share of neutral answers the result is balanced"
    )
    draw: None = None

    @model_validator(mode="after")
    def _unique_questions(self) -> PathQuiz:
        _check_unique([q.id for q in self.questions], "question id")
        return self


class KnowledgeQuiz(_QuizBase):
    kind: Literal["knowledge"]
    questions: list[KnowledgeQuestion] = Field(min_length=1, max_length=100)
    draw: int = Field(ge=1, le=25)
    pass_mark: int = Field(ge=1)
    groups: list[QuestionGroup] = []

    @model_validator(mode="after")
    def _counts(self) -> KnowledgeQuiz:
        _check_unique([q.id for q in self.questions], "question id")
        _check_unique([g.id for g in self.groups], "group id")
        if self.draw > len(self.questions):
            raise ValueError(f"draw is {self.draw} but the quiz has only {len(self.questions)} questions")
        if self.pass_mark > self.draw:
            raise ValueError(f"pass_mark {self.pass_mark} is more than the {self.draw} questions drawn")
        known = {q.id for q in self.questions}
        for group in self.groups:
            unknown = [q for q in group.questions if q not in known]
            if unknown:
                raise ValueError(f"group '{group.id}' names questions that do not exist: {', '.join(unknown)}")
        if self.draw > self.always_drawable():
            raise ValueError(
                f"draw is {self.draw} but the groups can leave only {self.always_drawable()} questions "
                "to draw from; loosen a group or add questions"
            )
        return self

    def always_drawable(self) -> int:
        """How many questions any draw order can fill: each group turns away at most its size minus
        `at_most`, so at least this many questions are always accepted."""
        return len(self.questions) - sum(len(g.questions) - g.at_most for g in self.groups)


Quiz = Annotated[PathQuiz | KnowledgeQuiz, Field(discriminator="kind")]


def _check_unique(ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise ValueError(f"duplicate {what} '{item}'")
        seen.add(item)
