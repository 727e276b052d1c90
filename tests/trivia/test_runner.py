"""The games' runner without Discord: a real store, quizzes built in code and a table that records
what it was asked to show."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from bot.quiz import QuizBook
from bot.storage.sqlite import SqliteStorage
from bot.trivia import Answered, ChannelBusy, Game, Games, NoQuestions, Placing, Reveal, Started
from tests.quiz.factories import knowledge_quiz
from tests.storage.admin_data import Clock

GUILD, CHANNEL, STARTER, PLAYER = 10, 20, 30, 40


class Recorder:
    """A Table that keeps what it was asked to show."""

    def __init__(self) -> None:
        self.reveals: list[Reveal] = []
        self.withdrawn: list[int] = []

    async def post(self, game: Game, position: int, deadline: float) -> int:
        return 1000 + position

    async def withdraw(self, game: Game, message_id: int) -> None:
        self.withdrawn.append(message_id)

    async def reveal(self, game: Game, shown: Reveal) -> None:
        self.reveals.append(shown)

    async def scoreboard(self, game: Game, placings: Sequence[Placing], reason: str) -> None: ...

    async def tell_places(self, below: Sequence[tuple[Placing, str]], players: int) -> None: ...


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStorage]:
    async with SqliteStorage(tmp_path / "crossroads.db", clock=Clock()) as opened:
        yield opened


@pytest.fixture
def table() -> Recorder:
    return Recorder()


@pytest.fixture
async def games(store: SqliteStorage, table: Recorder) -> AsyncIterator[Games[str]]:
    running: Games[str] = Games(store, table)
    yield running
    await running.close()


BOOK = QuizBook({"knowledge": knowledge_quiz(questions=6, draw=4)})


async def start(games: Games[str]) -> Started:
    started = await games.start(BOOK, guild_id=GUILD, channel_id=CHANNEL, starter_id=STARTER, questions=2, seconds=20)
    assert isinstance(started, Started)
    return started


async def test_a_game_needs_the_knowledge_check_and_a_free_channel(games: Games[str]) -> None:
    no_book = await games.start(
        QuizBook({}), guild_id=GUILD, channel_id=CHANNEL, starter_id=STARTER, questions=2, seconds=20
    )
    assert no_book == NoQuestions()
    first = await start(games)
    assert first.plan.total == 2
    busy = await games.start(BOOK, guild_id=GUILD, channel_id=CHANNEL, starter_id=PLAYER, questions=2, seconds=20)
    assert isinstance(busy, ChannelBusy) and busy.game.id == first.row.id


async def test_clicks_are_recorded_once_and_only_while_the_question_is_open(
    store: SqliteStorage, games: Games[str]
) -> None:
    started = await start(games)
    question = started.plan.questions[0]
    right = question.correct_choice()
    assert right is not None
    game_id = started.row.id
    assert (await games.answer(game_id, 0, PLAYER, right.id, "click")).status == "too_late"
    now = store.now()
    await store.begin_trivia_question(game_id, 0, started_at=now, deadline=now + 20)
    assert await games.answer(game_id, 0, PLAYER, right.id, "click") == Answered("recorded", question, right.id)
    other = next(choice.id for choice in question.choices if choice.id != right.id)
    assert await games.answer(game_id, 0, PLAYER, other, "again") == Answered("duplicate", question, right.id)
    assert (await games.answer(game_id, 0, STARTER, "zz", "click")).status == "unknown_choice"
    assert (await games.answer(game_id, 5, STARTER, right.id, "click")).status == "too_late"
    assert (await games.answer(999, 0, STARTER, right.id, "click")).status == "gone"


async def test_stop_reveals_the_open_question_and_ranks_the_players(
    store: SqliteStorage, games: Games[str], table: Recorder
) -> None:
    started = await start(games)
    game_id, question = started.row.id, started.plan.questions[0]
    right = question.correct_choice()
    assert right is not None
    now = store.now()
    await store.begin_trivia_question(game_id, 0, started_at=now, deadline=now + 20)
    await store.set_trivia_message(game_id, 0, 1000)
    await games.answer(game_id, 0, PLAYER, right.id, "click")
    stopped = await games.stop(game_id)
    assert stopped is not None
    ended, placings = stopped
    assert ended.status == "stopped"
    assert [p.standing.user_id for p in placings] == [PLAYER] and placings[0].won
    assert len(table.reveals) == 1
    assert await games.stop(game_id) is None
    assert [r.user_id for r in await store.game_results(game_id)] == [PLAYER]


async def test_after_a_restart_each_shard_process_resumes_only_its_own_servers_games(
    store: SqliteStorage, table: Recorder
) -> None:
    # Two servers on different shards of two: (guild_id >> 22) % 2 is 0 for one and 1 for the other.
    on_zero, on_one = 4 << 22, 5 << 22
    for guild, channel in ((on_zero, 21), (on_one, 22)):
        await store.create_game(guild_id=guild, channel_id=channel, starter_id=STARTER, plan="{}", seconds=20)
    shard_zero: Games[str] = Games(store, table, ours=lambda guild_id: (guild_id >> 22) % 2 == 0)
    try:
        await shard_zero.resume()
        running = {row.id: row.guild_id for row in await store.running_games()}
        assert {running[game_id] for game_id in shard_zero._tasks} == {on_zero}
    finally:
        await shard_zero.close()
