"""The loaded quizzes, by id, and what a content reload means for sessions already running."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType

from bot.quiz.engine import Plan, make_plan
from bot.quiz.models import KnowledgeQuiz, PathQuiz

LiveSession = tuple[str, str, list[str]]  # (quiz_id, quiz_version, plan question ids)


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

    def compatible_with(self, old: QuizBook, live_sessions: Iterable[LiveSession]) -> list[str]:
        """Problems that would stop live sessions from continuing if this book replaced `old`.

        Every session stores a self-contained plan (questions, choices in their shown order,
        weights, correct answers, explanations and result texts as they were at its start), so a
        session never reads the live quiz again after it starts: changing, reordering or removing
        questions, or removing a whole quiz, cannot break it. The answer is therefore always an
        empty list; `/kb reload` may call this and refuse when it is not empty, and can report
        :meth:`version_changes` to say how many running sessions keep an older version.
        """
        del old, live_sessions
        return []
