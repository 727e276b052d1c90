"""Test data for the admin and privacy queries, written through the storage protocol (either backend)."""

from __future__ import annotations

import json

from bot.storage import quiz as qs
from bot.storage.asks import AskCommand
from bot.storage.protocol import Storage

DAY = 86_400.0


class Clock:
    def __init__(self, now: float = 2_000_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def plan_json(quiz_id: str, questions: list[str]) -> str:
    return json.dumps({"quiz_id": quiz_id, "version": "v1", "questions": [{"id": q} for q in questions]})


async def log_ask(
    store: Storage,
    *,
    guild: int | None,
    user: int,
    question: str,
    entry: str | None,
    score: float,
    matched: bool,
    normalized: str | None = None,
    command: AskCommand = "ask",
) -> None:
    """One /ask as the FAQ cog records it (asked now, by the store's clock)."""
    await store.record_ask(
        guild_id=guild,
        user_id=user,
        command=command,
        question=question,
        normalized=normalized if normalized is not None else " ".join(question.lower().split()),
        entry_id=entry,
        score=score,
        matched=matched,
    )


async def start_quiz(
    store: Storage, *, guild: int | None, user: int, quiz: str, questions: list[str], version: str = "v1"
) -> qs.QuizSession:
    return await store.create_session(
        guild_id=guild,
        user_id=user,
        quiz_id=quiz,
        quiz_version=version,
        seed=7,
        plan=plan_json(quiz, questions),
        total=len(questions),
    )


async def play(
    store: Storage,
    session: qs.QuizSession,
    questions: list[str],
    *,
    correct: int | None = None,
    path_result: str | None = None,
    finish: bool = True,
) -> None:
    """Answer every question; `correct` of them right in a knowledge check, then store the result."""
    for position, question in enumerate(questions):
        is_last = finish and position == len(questions) - 1
        right = None if correct is None else position < correct
        done = (
            qs.Finish(
                result={"quiz": session.quiz_id},
                path_result=path_result,
                score=correct,
                total=len(questions) if correct is not None else None,
            )
            if is_last
            else None
        )
        if not finish and position == len(questions) - 1:
            return
        await store.record_answer(
            session.id,
            question_id=question,
            choice_id="a",
            correct=right,
            expected_position=position,
            finish=done,
        )
