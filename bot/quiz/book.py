"""The loaded quizzes, by id, and what a content reload means for sessions already running."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType

from bot.quiz.engine import Plan, make_plan
from bot.quiz.models import KnowledgeQuiz, PathQuiz


class QuizBook:
    """Immutable set of valid quizzes."""

    def __init__(self, quizzes: Mapping[str, PathQuiz | KnowledgeQuiz]) -> None:
        self._quizzes: Mapping[str, PathQuiz | KnowledgeQuiz] = MappingProxyType(dict(quizzes))
        self._versions = {quiz_id: quiz.version() for quiz_id, quiz in self._quizzes.items()}

    def __contains__(self, quiz_id: object) -> bool:
        return quiz_id in self._quizzes

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._quizzes))

    def __len__(self) -> int:
        return len(self._quizzes)

    def ids(self) -> list[str]:
        return sorted(self._quizzes)

    def get(self, quiz_id: str) -> PathQuiz | KnowledgeQuiz:
        """The quiz with this id; KeyError if there is none."""
        return self._quizzes[quiz_id]

    def version(self, quiz_id: str) -> str:
        return self._versions[quiz_id]

    def start(self, quiz_id: str, seed: int) -> Plan:
        """The plan for a new session of `quiz_id` with this seed."""
        return make_plan(self.get(quiz_id), seed)

    def version_changes(self, old: QuizBook) -> dict[str, tuple[str | None, str | None]]:
        """Quizzes whose version differs between `old` and this book: id -> (old, new); None when
        the quiz is absent on that side."""
        changes: dict[str, tuple[str | None, str | None]] = {}
        for quiz_id in set(old.ids()) | set(self.ids()):
            before = old._versions.get(quiz_id)
            after = self._versions.get(quiz_id)
            if before != after:
                changes[quiz_id] = (before, after)
        return changes
