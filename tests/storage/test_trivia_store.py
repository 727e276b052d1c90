"""Trivia games in the store, on each backend: one game per channel, answers once and only while open,
results."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from bot.quiz import make_plan
from bot.quizflow.export import readable_export
from bot.storage import trivia as st
from bot.storage.postgres import PostgresStorage
from bot.storage.protocol import Storage
from bot.trivia import points_for, scoreboard
from tests.quiz.factories import knowledge_quiz
from tests.storage.admin_data import Clock

PLAN = make_plan(knowledge_quiz(questions=6, draw=4), seed=5).to_json()


async def new_game(storage: Storage, channel: int = 20, starter: int = 30) -> st.GameRow:
    return await storage.create_game(guild_id=10, channel_id=channel, starter_id=starter, plan=PLAN, seconds=20)


async def open_question(storage: Storage, clock: Clock, game: st.GameRow, position: int = 0) -> st.GameRow:
    opened = await storage.begin_trivia_question(game.id, position, started_at=clock.now, deadline=clock.now + 20)
    assert opened is not None and opened.message_id is None
    assert await storage.set_trivia_message(game.id, position, 500 + position)
    shown = await storage.get_game(game.id)
    assert shown is not None and shown.message_id == 500 + position
    return shown


async def click(storage: Storage, game: st.GameRow, user: int, choice: str = "right", position: int = 0) -> st.Recorded:
    return await storage.record_trivia_answer(
        game.id, position, user_id=user, choice_id=choice, correct=choice == "right", score=points_for
    )


def rank(answers: list[st.AnswerRow]) -> list[st.ResultRow]:
    return [
        st.ResultRow(p.standing.user_id, p.standing.points, p.standing.correct, p.standing.answered, p.place, p.won)
        for p in scoreboard(answers)
    ]


async def test_one_running_game_per_channel(storage: Storage) -> None:
    game = await new_game(storage)
    with pytest.raises(st.GameRunning) as running:
        await new_game(storage)
    assert running.value.game.id == game.id
    other = await new_game(storage, channel=21)
    assert [g.id for g in await storage.running_games()] == [game.id, other.id]
    await storage.finish_game(game.id, "stopped", rank)
    assert (await new_game(storage)).id > other.id


async def test_an_answer_counts_once_and_scores_by_its_speed(storage: Storage, clock: Clock) -> None:
    game = await open_question(storage, clock, await new_game(storage))
    clock.now += 5
    first = await click(storage, game, 1)
    assert first.status == "recorded" and first.answer is not None
    assert first.answer.points == 875 and first.answer.elapsed == pytest.approx(5.0)
    again = await click(storage, game, 1, "wrong1")
    assert again.status == "duplicate" and again.answer is not None and again.answer.choice_id == "right"
    assert len(await storage.trivia_question_answers(game.id, 0)) == 1


async def test_answers_are_refused_after_the_deadline_and_on_other_questions(storage: Storage, clock: Clock) -> None:
    game = await new_game(storage)
    assert (await click(storage, game, 1)).status == "closed"  # not open yet
    game = await open_question(storage, clock, game)
    assert (await click(storage, game, 1, position=1)).status == "closed"
    clock.now += 20
    assert (await click(storage, game, 2)).status == "closed"
    assert (
        await storage.record_trivia_answer(999, 0, user_id=1, choice_id="a", correct=True, score=points_for)
    ).status == ("gone")


async def test_the_quickest_click_counts_even_before_the_message_id_is_stored(storage: Storage, clock: Clock) -> None:
    game = await new_game(storage)
    await storage.begin_trivia_question(game.id, 0, started_at=clock.now, deadline=clock.now + 20)
    assert (await click(storage, game, 1)).status == "recorded"


async def test_closing_counts_quiet_questions_and_finishing_stores_results(storage: Storage, clock: Clock) -> None:
    game = await open_question(storage, clock, await new_game(storage))
    closed = await storage.close_trivia_question(game.id, 0, next_at=clock.now + 5)
    assert closed is not None and closed.phase == "pause" and closed.quiet_streak == 1
    assert await storage.close_trivia_question(game.id, 0, next_at=clock.now + 5) is None
    game = await open_question(storage, clock, closed, 1)
    await click(storage, game, 1, position=1)
    await click(storage, game, 2, "wrong2", position=1)
    closed = await storage.close_trivia_question(game.id, 1, next_at=clock.now + 5)
    assert closed is not None and closed.quiet_streak == 0
    ended = await storage.finish_game(game.id, "finished", rank)
    assert ended is not None and ended[0].status == "finished" and len(ended[1]) == 2
    assert await storage.finish_game(game.id, "stopped", rank) is None
    results = await storage.game_results(game.id)
    assert [(r.user_id, r.place, r.won) for r in results] == [(1, 1, True), (2, 2, False)]
    assert (await storage.trivia_record(1)) == st.TriviaRecord(games=1, wins=1, points=1000, correct=1, answered=1)
    assert (await storage.trivia_record(2, guild_id=10)).accuracy == 0.0
    assert (await storage.trivia_record(3)).games == 0


async def test_the_leaderboard_orders_by_points_wins_or_accuracy(storage: Storage, clock: Clock) -> None:
    for winner_speed in (0, 10):
        game = await open_question(storage, clock, await new_game(storage))
        clock.now += winner_speed
        await click(storage, game, 1)
        await click(storage, game, 2)
        await click(storage, game, 3, "wrong1")
        await storage.finish_game(game.id, "finished", rank)
        clock.now += 100
    game = await open_question(storage, clock, await new_game(storage))
    clock.now += 1
    await click(storage, game, 2)
    await storage.finish_game(game.id, "finished", rank)
    by_points = await storage.trivia_leaderboard(10, "points")
    assert [e.user_id for e in by_points] == [2, 1, 3]
    by_wins = await storage.trivia_leaderboard(10, "wins")
    assert [(e.user_id, e.record.wins) for e in by_wins][:2] == [(2, 3), (1, 2)]
    by_accuracy = await storage.trivia_leaderboard(10, "accuracy")
    assert by_accuracy[-1].user_id == 3 and by_accuracy[0].record.accuracy == 1.0
    assert await storage.trivia_leaderboard(11) == []


async def test_a_burst_of_clicks_records_each_member_once(storage: Storage, clock: Clock) -> None:
    game = await open_question(storage, clock, await new_game(storage))
    outcomes = await asyncio.gather(*(click(storage, game, user % 50) for user in range(100)))
    assert sorted(o.status for o in outcomes).count("recorded") == 50
    assert len(await storage.trivia_question_answers(game.id, 0)) == 50


async def test_members_see_and_delete_their_trivia_data_and_games_stay_for_the_others(
    storage: Storage, clock: Clock
) -> None:
    game = await open_question(storage, clock, await new_game(storage, starter=1))
    await click(storage, game, 1)
    await click(storage, game, 2)
    await storage.finish_game(game.id, "finished", rank)
    exported = readable_export(await storage.export_member_data(1))
    assert len(exported["trivia_answers"]) == 1 and exported["trivia_results"][0]["won"] == 1
    assert exported["trivia_games_started"][0]["id"] == game.id
    assert "plan" not in exported["trivia_games_started"][0]
    assert (await storage.count_member_data(1))["trivia_games_started"] == 1
    removed = await storage.delete_member_data(1)
    assert removed["trivia_answers"] == 1 and removed["trivia_results"] == 1 and removed["trivia_games_started"] == 1
    kept = await storage.get_game(game.id)
    assert kept is not None and kept.starter_id is None
    assert [a.user_id for a in await storage.game_answers(game.id)] == [2]
    assert (await storage.trivia_record(2)).games == 1


async def test_trivia_settings_per_server(storage: Storage) -> None:
    assert (await storage.get_config(10)).trivia_seconds == 20
    updated = await storage.set_trivia(10, seconds=45, role_id=77)
    assert (await storage.get_config(10)) == updated
    with pytest.raises(ValueError):
        await storage.set_trivia(10, seconds=9)


async def test_a_finished_game_waits_for_its_scoreboard_to_be_announced(storage: Storage, clock: Clock) -> None:
    game = await open_question(storage, clock, await new_game(storage))
    assert await storage.unannounced_games() == []
    await storage.finish_game(game.id, "idle", rank)
    assert [g.id for g in await storage.unannounced_games()] == [game.id]
    await storage.mark_game_announced(game.id)
    assert await storage.unannounced_games() == []


async def test_two_processes_on_one_postgres_database_agree_on_games_and_answers(pg_url: str, clock: Clock) -> None:
    """Two stores on one database, as two bot processes: one game per channel, each member's answer
    once, and a question closed while clicks arrive counts exactly the answers it kept."""
    async with PostgresStorage(pg_url, clock=clock) as one, PostgresStorage(pg_url, clock=clock) as two:
        started = await asyncio.gather(new_game(one), new_game(two), return_exceptions=True)
        games = [g for g in started if isinstance(g, st.GameRow)]
        refused = [e for e in started if isinstance(e, st.GameRunning)]
        assert len(games) == 1 and len(refused) == 1 and refused[0].game.id == games[0].id
        game = await open_question(one, clock, games[0])

        *outcomes, closed = await asyncio.gather(
            *(click(one if n % 2 else two, game, n % 30) for n in range(60)),
            two.close_trivia_question(game.id, 0, next_at=clock.now + 5),
        )
        stored = await two.trivia_question_answers(game.id, 0)
        recorded = [o for o in outcomes if o.status == "recorded"]
        assert len(recorded) == len(stored) == len({a.user_id for a in stored})
        assert all(o.status in ("recorded", "duplicate", "closed") for o in outcomes)
        assert closed is not None and closed.quiet_streak == (0 if stored else 1)
        assert (await click(one, game, 99)).status == "closed"
        ended = await one.finish_game(game.id, "finished", rank)
        assert ended is not None and len(ended[1]) == len(stored)
        assert len(await two.game_results(game.id)) == len(stored)


async def test_accuracy_ranks_members_by_their_totals_over_every_game(storage: Storage, clock: Clock) -> None:
    def results(*rows: st.ResultRow) -> Callable[[list[st.AnswerRow]], list[st.ResultRow]]:
        return lambda answers: list(rows)

    first = await new_game(storage)
    await storage.finish_game(
        first.id, "finished", results(st.ResultRow(1, 900, 1, 1, 1, True), st.ResultRow(2, 800, 1, 2, 2, False))
    )
    clock.now += 60
    second = await new_game(storage)
    await storage.finish_game(second.id, "finished", results(st.ResultRow(1, 0, 0, 5, 1, False)))
    ranked = await storage.trivia_leaderboard(10, "accuracy")
    assert [(e.user_id, e.record.correct, e.record.answered) for e in ranked] == [(2, 1, 2), (1, 1, 6)]
