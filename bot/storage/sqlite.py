"""The SQLite implementation of :class:`bot.storage.protocol.Storage`: the store itself, with one
method per operation delegating to the query modules in bot/storage."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from bot.storage import asks, entries, guilds, privacy, quiz, stats, trivia
from bot.storage.asks import AskCommand, AskRecord, WrongAnswer
from bot.storage.entries import AskedQuestion, GuildRows, HistoryAction, HistoryRecord
from bot.storage.guilds import KEEP, GuildConfig, Keep
from bot.storage.protocol import Storage
from bot.storage.quiz import (
    Click,
    Delivery,
    Finish,
    LeaderboardRow,
    MemberProgress,
    MissedQuestion,
    Proposed,
    QuizSession,
    Recorded,
    StoredAnswer,
)
from bot.storage.stats import FaqStats, LiveSession, QuizStats, ScoreStats, ServerStats, UnansweredQuestion
from bot.storage.store import Store
from bot.storage.trivia import (
    AnswerRow,
    GameRow,
    GameStatus,
    LeaderboardEntry,
    LeaderboardOrder,
    ResultRow,
    TriviaRecord,
)
from bot.storage.trivia import Recorded as TriviaRecorded

D = TypeVar("D")


class SqliteStorage(Store):
    """A :class:`Store` that is also a :class:`~bot.storage.protocol.Storage`."""

    backend = "sqlite"

    async def ping(self) -> None:
        await self.fetchone("SELECT 1")

    # --- asks ---
    async def get_ask(self, ask_id: int) -> AskRecord | None:
        return await asks.get_ask(self, ask_id)

    async def recent_asks(self, guild_id: int | None, limit: int = 50) -> list[AskRecord]:
        return await asks.recent_asks(self, guild_id, limit)

    async def record_ask(
        self,
        *,
        guild_id: int | None,
        user_id: int,
        question: str,
        normalized: str,
        entry_id: str | None,
        score: float,
        matched: bool,
        command: AskCommand = "ask",
    ) -> int:
        return await asks.record_ask(
            self,
            guild_id=guild_id,
            user_id=user_id,
            question=question,
            normalized=normalized,
            entry_id=entry_id,
            score=score,
            matched=matched,
            command=command,
        )

    async def record_vote(self, *, ask_id: int, user_id: int, helpful: bool) -> bool | None:
        return await asks.record_vote(self, ask_id=ask_id, user_id=user_id, helpful=helpful)

    async def wrong_answers(self, guild_id: int, since: float, limit: int = 25) -> list[WrongAnswer]:
        return await asks.wrong_answers(self, guild_id, since, limit)

    # --- quiz ---
    async def active_session(self, user_id: int, quiz_id: str) -> QuizSession | None:
        return await quiz.active_session(self, user_id, quiz_id)

    async def active_sessions(self, user_id: int) -> list[QuizSession]:
        return await quiz.active_sessions(self, user_id)

    async def session_answers(self, session_id: int) -> list[StoredAnswer]:
        return await quiz.answers(self, session_id)

    async def cancel_session(self, session_id: int) -> bool:
        return await quiz.cancel_session(self, session_id)

    async def record_click(
        self, session_id: int, decide: Callable[[QuizSession, list[StoredAnswer]], tuple[D, Proposed | None]]
    ) -> Click[D]:
        return await quiz.click(self, session_id, decide)

    async def create_session(
        self,
        *,
        guild_id: int | None,
        user_id: int,
        quiz_id: str,
        quiz_version: str,
        seed: int,
        plan: str,
        total: int,
        delivery: Delivery = "dm",
        replace: bool = False,
    ) -> QuizSession:
        return await quiz.create_session(
            self,
            guild_id=guild_id,
            user_id=user_id,
            quiz_id=quiz_id,
            quiz_version=quiz_version,
            seed=seed,
            plan=plan,
            total=total,
            delivery=delivery,
            replace=replace,
        )

    async def discard_unstarted(self, session_id: int, *, restore: int | None = None) -> bool:
        return await quiz.discard_unstarted(self, session_id, restore=restore)

    async def expire_idle_sessions(self) -> int:
        return await quiz.expire_idle_sessions(
            self,
        )

    async def get_session(self, session_id: int) -> QuizSession | None:
        return await quiz.get_session(self, session_id)

    async def latest_completed(self, user_id: int, quiz_id: str) -> QuizSession | None:
        return await quiz.latest_completed(self, user_id, quiz_id)

    async def quiz_leaderboard(
        self, guild_id: int, *, quiz_id: str = "knowledge", limit: int = 10
    ) -> list[LeaderboardRow]:
        return await quiz.leaderboard(self, guild_id, quiz_id=quiz_id, limit=limit)

    async def quiz_leaderboard_entry(
        self, guild_id: int, user_id: int, *, quiz_id: str = "knowledge"
    ) -> LeaderboardRow | None:
        return await quiz.leaderboard_entry(self, guild_id, user_id, quiz_id=quiz_id)

    async def member_progress(
        self, user_id: int, *, path_quiz: str = "path", knowledge_quiz: str = "knowledge"
    ) -> MemberProgress:
        return await quiz.member_progress(self, user_id, path_quiz=path_quiz, knowledge_quiz=knowledge_quiz)

    async def missed_questions(self, user_id: int, quiz_id: str) -> list[MissedQuestion]:
        return await quiz.missed_questions(self, user_id, quiz_id)

    async def plan_text(self, session_id: int) -> str | None:
        return await quiz.plan_text(self, session_id)

    async def record_answer(
        self,
        session_id: int,
        *,
        question_id: str,
        choice_id: str,
        correct: bool | None,
        expected_position: int,
        finish: Finish | None = None,
    ) -> Recorded:
        return await quiz.record_answer(
            self,
            session_id,
            question_id=question_id,
            choice_id=choice_id,
            correct=correct,
            expected_position=expected_position,
            finish=finish,
        )

    async def session_with_answers(self, session_id: int) -> tuple[QuizSession | None, list[StoredAnswer]]:
        return await quiz.session_with_answers(self, session_id)

    async def set_delivery(self, session_id: int, delivery: Delivery) -> bool:
        return await quiz.set_delivery(self, session_id, delivery)

    async def touch_session(self, session_id: int) -> None:
        return await quiz.touch_session(self, session_id)

    # --- guilds ---
    async def get_config(self, guild_id: int | None) -> GuildConfig:
        return await guilds.get_config(self, guild_id)

    async def set_path_role(self, guild_id: int, leaning: str, role_id: int | None) -> GuildConfig:
        return await guilds.set_path_role(self, guild_id, leaning, role_id)

    async def set_role_rewards(self, guild_id: int, enabled: bool) -> GuildConfig:
        return await guilds.set_role_rewards(self, guild_id, enabled)

    async def set_quiz_expiry(self, guild_id: int, hours: int) -> GuildConfig:
        return await guilds.set_quiz_expiry(self, guild_id, hours)

    async def set_ask_private(self, guild_id: int, private: bool) -> GuildConfig:
        return await guilds.set_ask_private(self, guild_id, private)

    async def set_trivia(
        self, guild_id: int, *, role_id: int | Keep | None = KEEP, seconds: int | Keep = KEEP
    ) -> GuildConfig:
        return await guilds.set_trivia(self, guild_id, role_id=role_id, seconds=seconds)

    # --- privacy ---
    async def count_member_data(self, user_id: int) -> dict[str, int]:
        return await privacy.count_member_data(self, user_id)

    async def delete_member_data(self, user_id: int) -> dict[str, int]:
        return await privacy.delete_member_data(self, user_id)

    async def export_member_data(self, user_id: int) -> dict[str, Any]:
        return await privacy.export_member_data(self, user_id)

    # --- entries ---
    async def add_entry(
        self,
        guild_id: int,
        entry_id: str,
        body: dict[str, Any],
        editor_id: int,
        *,
        cap: int,
        resolves: str | None = None,
    ) -> None:
        return await entries.add_entry(self, guild_id, entry_id, body, editor_id, cap=cap, resolves=resolves)

    async def add_shipped_phrasing(
        self, guild_id: int, entry_id: str, phrasing: str, editor_id: int, *, resolves: str | None = None
    ) -> None:
        return await entries.add_shipped_phrasing(self, guild_id, entry_id, phrasing, editor_id, resolves=resolves)

    async def asked_question(self, guild_id: int, ask_id: int) -> AskedQuestion | None:
        return await entries.asked_question(self, guild_id, ask_id)

    async def delete_entry(self, guild_id: int, entry_id: str, editor_id: int) -> bool:
        return await entries.delete_entry(self, guild_id, entry_id, editor_id)

    async def editor_role(self, guild_id: int) -> int | None:
        return await entries.editor_role(self, guild_id)

    async def entry_history(self, guild_id: int, entry_id: str, limit: int = 25) -> list[HistoryRecord]:
        return await entries.entry_history(self, guild_id, entry_id, limit)

    async def latest_ask_ids(self, guild_id: int, normalized: list[str]) -> dict[str, int]:
        return await entries.latest_ask_ids(self, guild_id, normalized)

    async def load_server_entries(self, guild_id: int) -> GuildRows:
        return await entries.load_guild(self, guild_id)

    async def set_editor_role(self, guild_id: int, role_id: int | None) -> None:
        return await entries.set_editor_role(self, guild_id, role_id)

    async def set_hidden(self, guild_id: int, entry_id: str, hidden: bool, editor_id: int) -> None:
        return await entries.set_hidden(self, guild_id, entry_id, hidden, editor_id)

    async def update_entry(
        self,
        guild_id: int,
        entry_id: str,
        body: dict[str, Any],
        editor_id: int,
        *,
        action: HistoryAction = "edited",
        detail: str = "",
        resolves: str | None = None,
    ) -> bool:
        return await entries.update_entry(
            self, guild_id, entry_id, body, editor_id, action=action, detail=detail, resolves=resolves
        )

    # --- stats ---
    async def faq_stats(
        self, guild_id: int, since: float, *, low_confidence: float | None = None, top: int = 10
    ) -> FaqStats:
        return await stats.faq_stats(self, guild_id, since, low_confidence=low_confidence, top=top)

    async def live_sessions(self) -> list[LiveSession]:
        return await stats.live_sessions(
            self,
        )

    async def path_results(self, guild_id: int, since: float) -> dict[str, int]:
        return await stats.path_results(self, guild_id, since)

    async def quiz_stats(self, guild_id: int, since: float) -> tuple[QuizStats, ...]:
        return await stats.quiz_stats(self, guild_id, since)

    async def score_stats(self, guild_id: int, since: float) -> ScoreStats:
        return await stats.score_stats(self, guild_id, since)

    async def server_stats(self, guild_id: int, days: int, *, low_confidence: float | None = None) -> ServerStats:
        return await stats.server_stats(self, guild_id, days, low_confidence=low_confidence)

    async def unanswered_questions(
        self, guild_id: int, days: int, *, low_confidence: float | None = None, limit: int = 1000
    ) -> list[UnansweredQuestion]:
        return await stats.unanswered_questions(self, guild_id, days, low_confidence=low_confidence, limit=limit)

    # --- trivia ---
    async def begin_trivia_question(
        self, game_id: int, position: int, *, started_at: float, deadline: float
    ) -> GameRow | None:
        return await trivia.begin_question(self, game_id, position, started_at=started_at, deadline=deadline)

    async def close_trivia_question(self, game_id: int, position: int, *, next_at: float) -> GameRow | None:
        return await trivia.close_question(self, game_id, position, next_at=next_at)

    async def create_game(
        self, *, guild_id: int, channel_id: int, starter_id: int, plan: str, seconds: int, time_scale: float = 1.0
    ) -> GameRow:
        return await trivia.create_game(
            self,
            guild_id=guild_id,
            channel_id=channel_id,
            starter_id=starter_id,
            plan=plan,
            seconds=seconds,
            time_scale=time_scale,
        )

    async def finish_game(
        self, game_id: int, status: GameStatus, rank: Callable[[list[AnswerRow]], Sequence[ResultRow]]
    ) -> tuple[GameRow, list[AnswerRow]] | None:
        return await trivia.finish_game(self, game_id, status, rank)

    async def game_answers(self, game_id: int) -> list[AnswerRow]:
        return await trivia.game_answers(self, game_id)

    async def game_results(self, game_id: int) -> list[ResultRow]:
        return await trivia.game_results(self, game_id)

    async def get_game(self, game_id: int) -> GameRow | None:
        return await trivia.get_game(self, game_id)

    async def trivia_leaderboard(
        self, guild_id: int, order: LeaderboardOrder = "points", limit: int = 10
    ) -> list[LeaderboardEntry]:
        return await trivia.leaderboard(self, guild_id, order, limit)

    async def mark_game_announced(self, game_id: int) -> None:
        return await trivia.mark_announced(self, game_id)

    async def trivia_record(self, user_id: int, guild_id: int | None = None) -> TriviaRecord:
        return await trivia.member_record(self, user_id, guild_id)

    async def trivia_question_answers(self, game_id: int, position: int) -> list[AnswerRow]:
        return await trivia.question_answers(self, game_id, position)

    async def record_trivia_answer(
        self,
        game_id: int,
        position: int,
        *,
        user_id: int,
        choice_id: str,
        correct: bool,
        score: Callable[[bool, float, int], int],
    ) -> TriviaRecorded:
        return await trivia.record_answer(
            self, game_id, position, user_id=user_id, choice_id=choice_id, correct=correct, score=score
        )

    async def running_game_in(self, channel_id: int) -> GameRow | None:
        return await trivia.running_game_in(self, channel_id)

    async def running_games(self) -> list[GameRow]:
        return await trivia.running_games(
            self,
        )

    async def set_trivia_message(self, game_id: int, position: int, message_id: int) -> bool:
        return await trivia.set_message(self, game_id, position, message_id)

    async def unannounced_games(self) -> list[GameRow]:
        return await trivia.unannounced_games(
            self,
        )


def as_storage(store: SqliteStorage) -> Storage:
    """The SQLite store seen through the protocol (mypy checks here that it implements every method)."""
    return store
