"""Labelled questions: the decision model's training data and the evaluation sets.

A file holds ``on_topic`` questions (with the entry ids that hold the right facts; any one counts
as right), ``off_topic`` ones (``near``: shares words with the careers; ``far``: unrelated) and
``not_covered`` ones (a subject the guide does not cover, which must be declined as such).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Labelled:
    question: str
    ids: tuple[str, ...] = ()  # empty: must be declined
    kind: str = ""  # on-topic: its style; off-topic: near or far; not-covered: the subject


@dataclass(frozen=True)
class QuestionSet:
    on_topic: tuple[Labelled, ...]
    off_topic: tuple[Labelled, ...]
    not_covered: tuple[Labelled, ...]

    def __add__(self, other: QuestionSet) -> QuestionSet:
        return QuestionSet(
            self.on_topic + other.on_topic, self.off_topic + other.off_topic, self.not_covered + other.not_covered
        )


def load_questions(path: Path) -> QuestionSet:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    on_topic = data.get("on_topic", [])
    return QuestionSet(
        on_topic=tuple(Labelled(str(x["q"]), tuple(x["ids"]), str(x.get("kind", ""))) for x in on_topic),
        off_topic=tuple(Labelled(str(x["q"]), (), str(x.get("kind", ""))) for x in data.get("off_topic", [])),
        not_covered=tuple(Labelled(str(x["q"]), (), str(x.get("subject", ""))) for x in data.get("not_covered", [])),
    )


def training_files(knowledge_dir: Path) -> list[Path]:
    return sorted((knowledge_dir / "decision").glob("*.yaml"))


def load_training(knowledge_dir: Path) -> QuestionSet:
    questions = QuestionSet((), (), ())
    for path in training_files(knowledge_dir):
        questions = questions + load_questions(path)
    return questions
