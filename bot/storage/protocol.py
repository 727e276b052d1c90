"""The storage interface in domain terms: what the rest of Crossroads asks of a database.

`Storage` is a protocol of async methods (record an answer, read a session, log a question, record
a vote, read and change a server's settings, export or delete a member's data, run trivia games,
keep server entries …). :class:`bot.storage.sqlite.SqliteStorage` implements it over SQLite and
:class:`bot.storage.postgres.PostgresStorage` over PostgreSQL; the bot is handed one of them. The row types
it returns are the plain dataclasses defined beside today's SQLite queries. Never imports discord.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from bot.storage.guilds import KEEP

if TYPE_CHECKING:
    from bot.storage.asks import AskCommand, AskRecord, WrongAnswer
    from bot.storage.entries import AskedQuestion, GuildRows, HistoryAction, HistoryRecord
    from bot.storage.guilds import GuildConfig, Keep
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


class Storage(Protocol):
    """Every operation Crossroads performs on its database, each one complete when it returns."""

    #: "sqlite" or "postgresql"
    backend: str

    async def open(self) -> None:
        """Connect, check the database and bring its schema up to date; a StoreError says why not."""
        ...

    async def close(self) -> None: ...

    def now(self) -> float:
        """The store's clock (seconds since the epoch)."""
        ...

    async def ping(self) -> None:
        """Have the database answer a trivial query (a StoreError says why it cannot): the health check."""
        ...

    # --- asks ---
    async def get_ask(self, ask_id: int) -> AskRecord | None:
        """One logged question by its id (None when it was deleted, e.g. by its asker's /mydata delete)."""
        ...

    async def recent_asks(self, guild_id: int | None, limit: int = 50) -> list[AskRecord]:
        """The latest questions asked in a server (or in DMs for guild_id None), newest first."""
        ...

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
        """Store one question and what it was answered with (entry_id None when declined); returns its id."""
        ...

    async def record_vote(self, *, ask_id: int, user_id: int, helpful: bool) -> bool | None:
        """Store a member's vote on one answer, replacing their earlier vote on it."""
        ...

    async def wrong_answers(self, guild_id: int, since: float, limit: int = 25) -> list[WrongAnswer]:
        """Entries whose answers members marked wrong in a server since `since`, most votes first."""
        ...

    # --- quiz ---
    async def active_session(self, user_id: int, quiz_id: str) -> QuizSession | None:
        """The member's session of this quiz that is in progress, if any (after expiry)."""
        ...

    async def active_sessions(self, user_id: int) -> list[QuizSession]:
        """All of the member's sessions in progress, most recently used first (after expiry)."""
        ...

    async def session_answers(self, session_id: int) -> list[StoredAnswer]:
        """The session's answers in the order they were given."""
        ...

    async def cancel_session(self, session_id: int) -> bool:
        """Cancel a session in progress; False when it was not in progress."""
        ...

    async def record_click(
        self, session_id: int, decide: Callable[[QuizSession, list[StoredAnswer]], tuple[D, Proposed | None]]
    ) -> Click[D]:
        """Read the session and its answers, let `decide` validate the click, and record the answer it"""
        ...

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
        """Start a session. With `replace`, a session already in progress for this member and quiz is"""
        ...

    async def discard_unstarted(self, session_id: int, *, restore: int | None = None) -> bool:
        """Delete a session that has no answers (its first question could not be delivered)."""
        ...

    async def expire_idle_sessions(self) -> int:
        """Expire every session idle beyond its server's limit; returns how many expired."""
        ...

    async def get_session(self, session_id: int) -> QuizSession | None:
        """The session, after applying the expiry rule to it."""
        ...

    async def latest_completed(self, user_id: int, quiz_id: str) -> QuizSession | None:
        """The member's most recently finished session of this quiz (a review counts)."""
        ...

    async def quiz_leaderboard(
        self, guild_id: int, *, quiz_id: str = "knowledge", limit: int = 10
    ) -> list[LeaderboardRow]:
        """Best knowledge score per member in this server; equal scores rank by who reached theirs first."""
        ...

    async def quiz_leaderboard_entry(
        self, guild_id: int, user_id: int, *, quiz_id: str = "knowledge"
    ) -> LeaderboardRow | None:
        """This member's line on the server's leaderboard, wherever it is."""
        ...

    async def member_progress(
        self, user_id: int, *, path_quiz: str = "path", knowledge_quiz: str = "knowledge"
    ) -> MemberProgress:
        """Everything /quiz progress shows, across every server the member used."""
        ...

    async def missed_questions(self, user_id: int, quiz_id: str) -> list[MissedQuestion]:
        """Every question this member has answered wrongly at least once, most often missed first,"""
        ...

    async def plan_text(self, session_id: int) -> str | None:
        """The session's stored plan (it never changes once the session starts)."""
        ...

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
        """Write one answer exactly once, and the session's new position (and result, on the last one)."""
        ...

    async def session_with_answers(self, session_id: int) -> tuple[QuizSession | None, list[StoredAnswer]]:
        """The session (after the expiry rule) and its answers, in one step: what a click needs."""
        ...

    async def set_delivery(self, session_id: int, delivery: Delivery) -> bool:
        """Move a session in progress to another delivery (the member's DMs are closed: 'ephemeral')."""
        ...

    async def touch_session(self, session_id: int) -> None:
        """Count a resume as activity, so the idle clock restarts."""
        ...

    # --- guilds ---
    async def get_config(self, guild_id: int | None) -> GuildConfig:
        """The server's settings, or the defaults when it has none (or for a DM, guild_id None)."""
        ...

    async def set_path_role(self, guild_id: int, leaning: str, role_id: int | None) -> GuildConfig:
        """Map a path finder result ('ai' or 'ml') to a role, or stop giving one (None)."""
        ...

    async def set_role_rewards(self, guild_id: int, enabled: bool) -> GuildConfig:
        """Turn granting roles for path results on or off."""
        ...

    async def set_quiz_expiry(self, guild_id: int, hours: int) -> GuildConfig:
        """How long an idle quiz stays open in this server."""
        ...

    async def set_ask_private(self, guild_id: int, private: bool) -> GuildConfig:
        """Whether /ask replies are private by default."""
        ...

    async def set_trivia(
        self, guild_id: int, *, role_id: int | Keep | None = KEEP, seconds: int | Keep = KEEP
    ) -> GuildConfig:
        """Who may start trivia games and a question's default seconds (KEEP leaves one as it is)."""
        ...

    # --- privacy ---
    async def count_member_data(self, user_id: int) -> dict[str, int]:
        """How many rows of each kind Crossroads holds about the member."""
        ...

    async def delete_member_data(self, user_id: int) -> dict[str, int]:
        """Delete every row about the member in one transaction; returns rows removed per kind."""
        ...

    async def export_member_data(self, user_id: int) -> dict[str, Any]:
        """All of the member's rows, ready for json.dumps; one list per table, oldest first."""
        ...

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
        """Store a new entry; `resolves` is the normalized unanswered question it answers."""
        ...

    async def add_shipped_phrasing(
        self, guild_id: int, entry_id: str, phrasing: str, editor_id: int, *, resolves: str | None = None
    ) -> None:
        """Add a question phrasing to a shipped entry for this server only."""
        ...

    async def asked_question(self, guild_id: int, ask_id: int) -> AskedQuestion | None:
        """One logged question of this server, by its ask_log id."""
        ...

    async def delete_entry(self, guild_id: int, entry_id: str, editor_id: int) -> bool:
        """Delete a server entry; its history stays. False when there was no such entry."""
        ...

    async def editor_role(self, guild_id: int) -> int | None: ...

    async def entry_history(self, guild_id: int, entry_id: str, limit: int = 25) -> list[HistoryRecord]:
        """The latest changes to one entry in this server, newest first."""
        ...

    async def latest_ask_ids(self, guild_id: int, normalized: list[str]) -> dict[str, int]:
        """For each normalized question, the id of its most recent ask_log row in this server."""
        ...

    async def load_server_entries(self, guild_id: int) -> GuildRows:
        """The server's entries (oldest first) and its changes to shipped entries."""
        ...

    async def set_editor_role(self, guild_id: int, role_id: int | None) -> None: ...

    async def set_hidden(self, guild_id: int, entry_id: str, hidden: bool, editor_id: int) -> None:
        """Hide a shipped entry in this server, or show it again."""
        ...

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
        """Replace a server entry's content; False when the server has no such entry."""
        ...

    # --- stats ---
    async def faq_stats(
        self, guild_id: int, since: float, *, low_confidence: float | None = None, top: int = 10
    ) -> FaqStats: ...

    async def live_sessions(self) -> list[LiveSession]:
        """Every quiz session still in progress, in any server or DM."""
        ...

    async def path_results(self, guild_id: int, since: float) -> dict[str, int]: ...

    async def quiz_stats(self, guild_id: int, since: float) -> tuple[QuizStats, ...]: ...

    async def score_stats(self, guild_id: int, since: float) -> ScoreStats: ...

    async def server_stats(self, guild_id: int, days: int, *, low_confidence: float | None = None) -> ServerStats:
        """Every figure /stats shows, for one server over the last `days` days."""
        ...

    async def unanswered_questions(
        self, guild_id: int, days: int, *, low_confidence: float | None = None, limit: int = 1000
    ) -> list[UnansweredQuestion]:
        """Declined questions, and answered ones scored below `low_confidence`, grouped by their"""
        ...

    # --- trivia ---
    async def begin_trivia_question(
        self, game_id: int, position: int, *, started_at: float, deadline: float
    ) -> GameRow | None:
        """Question `position` opens for answers until `deadline`; its message is stored once sent"""
        ...

    async def close_trivia_question(self, game_id: int, position: int, *, next_at: float) -> GameRow | None:
        """The question's time is up: pause until `next_at`, counting a question nobody answered"""
        ...

    async def create_game(
        self, *, guild_id: int, channel_id: int, starter_id: int, plan: str, seconds: int, time_scale: float = 1.0
    ) -> GameRow:
        """A new running game in the channel; GameRunning when the channel has one already."""
        ...

    async def finish_game(
        self, game_id: int, status: GameStatus, rank: Callable[[list[AnswerRow]], Sequence[ResultRow]]
    ) -> tuple[GameRow, list[AnswerRow]] | None:
        """End a running game and store each member's result, ranked by `rank` from every answer"""
        ...

    async def game_answers(self, game_id: int) -> list[AnswerRow]: ...

    async def game_results(self, game_id: int) -> list[ResultRow]: ...

    async def get_game(self, game_id: int) -> GameRow | None: ...

    async def trivia_leaderboard(
        self, guild_id: int, order: LeaderboardOrder = "points", limit: int = 10
    ) -> list[LeaderboardEntry]:
        """The server's best trivia players; members who never answered are left out."""
        ...

    async def mark_game_announced(self, game_id: int) -> None: ...

    async def trivia_record(self, user_id: int, guild_id: int | None = None) -> TriviaRecord:
        """A member's totals in one server, or across every server when guild_id is None."""
        ...

    async def trivia_question_answers(self, game_id: int, position: int) -> list[AnswerRow]: ...

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
        """Record a member's answer if the question is open and they have not answered it yet."""
        ...

    async def running_game_in(self, channel_id: int) -> GameRow | None: ...

    async def running_games(self) -> list[GameRow]: ...

    async def set_trivia_message(self, game_id: int, position: int, message_id: int) -> bool:
        """The open question `position` is on screen in `message_id`; False when the game moved on."""
        ...

    async def unannounced_games(self) -> list[GameRow]:
        """Games that ended without their scoreboard being posted (the bot stopped in between)."""
        ...
