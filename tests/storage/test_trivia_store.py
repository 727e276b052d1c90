"""Trivia games in the store: one game per channel, answers once and only while open, results."""

from __future__ import annotations

import asyncio

import pytest

from bot.quiz import make_plan
from bot.quizflow.export import readable_export
from bot.storage import Store
from bot.storage import trivia as st
from bot.storage.guilds import get_config, update_config
from bot.storage.privacy import count_member_data, delete_member_data, export_member_data
from bot.trivia import points_for, scoreboard
from tests.quiz.factories import knowledge_quiz
from tests.storage.admin_data import Clock

PLAN = make_plan(knowledge_quiz(questions=6, draw=4), seed=5).to_json()


async def new_game(store: Store, channel: int = 20, starter: int = 30) -> st.GameRow:
    return await st.create_game(store, guild_id=10, channel_id=channel, starter_id=starter, plan=PLAN, seconds=20)


async def open_question(store: Store, clock: Clock, game: st.GameRow, position: int = 0) -> st.GameRow:
    opened = await st.begin_question(store, game.id, position, started_at=clock.now, deadline=clock.now + 20)
    assert opened is not None and opened.message_id is None
    assert await st.set_message(store, game.id, position, 500 + position)
    shown = await st.get_game(store, game.id)
    assert shown is not None and shown.message_id == 500 + position
    return shown


async def click(store: Store, game: st.GameRow, user: int, choice: str = "right", position: int = 0) -> st.Recorded:
    return await st.record_answer(
        store, game.id, position, user_id=user, choice_id=choice, correct=choice == "right", score=points_for
    )


def rank(answers: list[st.AnswerRow]) -> list[st.ResultRow]:
    return [
        st.ResultRow(p.standing.user_id, p.standing.points, p.standing.correct, p.standing.answered, p.place, p.won)
        for p in scoreboard(answers)
    ]


async def test_one_running_game_per_channel(store: Store) -> None:
    game = await new_game(store)
    with pytest.raises(st.GameRunning) as running:
        await new_game(store)
    assert running.value.game.id == game.id
    other = await new_game(store, channel=21)
    assert [g.id for g in await st.running_games(store)] == [game.id, other.id]
    await st.finish_game(store, game.id, "stopped", rank)
    assert (await new_game(store)).id > other.id


async def test_an_answer_counts_once_and_scores_by_its_speed(store: Store, clock: Clock) -> None:
    game = await open_question(store, clock, await new_game(store))
    clock.now += 5
    first = await click(store, game, 1)
    assert first.status == "recorded" and first.answer is not None
    assert first.answer.points == 875 and first.answer.elapsed == pytest.approx(5.0)
    again = await click(store, game, 1, "wrong1")
    assert again.status == "duplicate" and again.answer is not None and again.answer.choice_id == "right"
    assert len(await st.question_answers(store, game.id, 0)) == 1


async def test_answers_are_refused_after_the_deadline_and_on_other_questions(store: Store, clock: Clock) -> None:
    game = await new_game(store)
    assert (await click(store, game, 1)).status == "closed"  # not open yet
    game = await open_question(store, clock, game)
    assert (await click(store, game, 1, position=1)).status == "closed"
    clock.now += 20
    assert (await click(store, game, 2)).status == "closed"
    assert (await st.record_answer(store, 999, 0, user_id=1, choice_id="a", correct=True, score=points_for)).status == (
        "gone"
    )


async def test_the_quickest_click_counts_even_before_the_message_id_is_stored(store: Store, clock: Clock) -> None:
    game = await new_game(store)
    await st.begin_question(store, game.id, 0, started_at=clock.now, deadline=clock.now + 20)
    assert (await click(store, game, 1)).status == "recorded"


async def test_closing_counts_quiet_questions_and_finishing_stores_results(store: Store, clock: Clock) -> None:
    game = await open_question(store, clock, await new_game(store))
    closed = await st.close_question(store, game.id, 0, next_at=clock.now + 5)
    assert closed is not None and closed.phase == "pause" and closed.quiet_streak == 1
    assert await st.close_question(store, game.id, 0, next_at=clock.now + 5) is None
    game = await open_question(store, clock, closed, 1)
    await click(store, game, 1, position=1)
    await click(store, game, 2, "wrong2", position=1)
    closed = await st.close_question(store, game.id, 1, next_at=clock.now + 5)
    assert closed is not None and closed.quiet_streak == 0
    ended = await st.finish_game(store, game.id, "finished", rank)
    assert ended is not None and ended[0].status == "finished" and len(ended[1]) == 2
    assert await st.finish_game(store, game.id, "stopped", rank) is None
    results = await st.game_results(store, game.id)
    assert [(r.user_id, r.place, r.won) for r in results] == [(1, 1, True), (2, 2, False)]
    assert (await st.member_record(store, 1)) == st.TriviaRecord(games=1, wins=1, points=1000, correct=1, answered=1)
    assert (await st.member_record(store, 2, guild_id=10)).accuracy == 0.0
    assert (await st.member_record(store, 3)).games == 0


async def test_the_leaderboard_orders_by_points_wins_or_accuracy(store: Store, clock: Clock) -> None:
    for winner_speed in (0, 10):
        game = await open_question(store, clock, await new_game(store))
        clock.now += winner_speed
        await click(store, game, 1)
        await click(store, game, 2)
        await click(store, game, 3, "wrong1")
        await st.finish_game(store, game.id, "finished", rank)
        clock.now += 100
    game = await open_question(store, clock, await new_game(store))
    clock.now += 1
    await click(store, game, 2)
    await st.finish_game(store, game.id, "finished", rank)
    by_points = await st.leaderboard(store, 10, "points")
    assert [e.user_id for e in by_points] == [2, 1, 3]
    by_wins = await st.leaderboard(store, 10, "wins")
    assert [(e.user_id, e.record.wins) for e in by_wins][:2] == [(2, 3), (1, 2)]
    by_accuracy = await st.leaderboard(store, 10, "accuracy")
    assert by_accuracy[-1].user_id == 3 and by_accuracy[0].record.accuracy == 1.0
    assert await st.leaderboard(store, 11) == []


async def test_a_burst_of_clicks_records_each_member_once(store: Store, clock: Clock) -> None:
    game = await open_question(store, clock, await new_game(store))
    outcomes = await asyncio.gather(*(click(store, game, user % 50) for user in range(100)))
    assert sorted(o.status for o in outcomes).count("recorded") == 50
    assert len(await st.question_answers(store, game.id, 0)) == 50


async def test_members_see_and_delete_their_trivia_data_and_games_stay_for_the_others(
    store: Store, clock: Clock
) -> None:
    game = await open_question(store, clock, await new_game(store, starter=1))
    await click(store, game, 1)
    await click(store, game, 2)
    await st.finish_game(store, game.id, "finished", rank)
    exported = readable_export(await export_member_data(store, 1))
    assert len(exported["trivia_answers"]) == 1 and exported["trivia_results"][0]["won"] == 1
    assert exported["trivia_games_started"][0]["id"] == game.id
    assert "plan" not in exported["trivia_games_started"][0]
    assert (await count_member_data(store, 1))["trivia_games_started"] == 1
    removed = await delete_member_data(store, 1)
    assert removed["trivia_answers"] == 1 and removed["trivia_results"] == 1 and removed["trivia_games_started"] == 1
    kept = await st.get_game(store, game.id)
    assert kept is not None and kept.starter_id is None
    assert [a.user_id for a in await st.game_answers(store, game.id)] == [2]
    assert (await st.member_record(store, 2)).games == 1


async def test_trivia_settings_per_server(store: Store) -> None:
    assert (await get_config(store, 10)).trivia_seconds == 20
    updated = await update_config(store, 10, trivia_seconds=45, trivia_role_id=77)
    assert (await get_config(store, 10)) == updated
    with pytest.raises(ValueError):
        await update_config(store, 10, trivia_seconds=9)


async def test_a_finished_game_waits_for_its_scoreboard_to_be_announced(store: Store, clock: Clock) -> None:
    game = await open_question(store, clock, await new_game(store))
    assert await st.unannounced_games(store) == []
    await st.finish_game(store, game.id, "idle", rank)
    assert [g.id for g in await st.unannounced_games(store)] == [game.id]
    await st.mark_announced(store, game.id)
    assert await st.unannounced_games(store) == []
