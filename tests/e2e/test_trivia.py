"""Trivia in a channel, end to end through the stand-in: scripted members play to the scoreboard."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from bot.sandbox.harness import BotProcess, InProcessBot
from standin.server import StandIn
from tests.e2e.database import Database, db_rows
from tests.e2e.trivia_helpers import (
    question,
    revealed,
    right_answer,
    running_bot,
    scoreboard,
    wrong_answer,
)


@pytest.fixture
async def trivia_bot(standin: StandIn, database: Database) -> AsyncIterator[InProcessBot]:
    async for running in running_bot(standin, database):
        yield running


async def test_members_play_a_five_question_game_to_the_scoreboard(trivia_bot: InProcessBot, standin: StandIn) -> None:
    standin.add_member("casey")
    alice, morgan, casey = standin.member("alice"), standin.member("morgan"), standin.member("casey")
    intro = await morgan.slash("trivia start", questions=5, seconds=10)
    assert "started a game of 5 questions" in intro.text and not intro.ephemeral and not intro.pings
    for position in range(5):
        shown = await question(alice, position)
        assert shown.embeds[0].title == f"Trivia · question {position + 1} of 5"
        assert [b.label for b in shown.buttons] == ["A", "B", "C", "D"]
        assert "10 seconds" in shown.embeds[0].text
        first = await alice.click(shown, custom_id=right_answer(shown))
        assert first.ephemeral and (first.content or "").startswith("Answer recorded")
        again = await alice.click(shown, custom_id=wrong_answer(shown))
        assert again.ephemeral and "You already answered this question" in again.text
        await morgan.click(shown, custom_id=right_answer(shown))
        await casey.click(shown, custom_id=wrong_answer(shown))
        done = await revealed(alice, shown)
        embed = done.embeds[0]
        assert embed.title is not None and embed.title.endswith("time is up")
        assert embed.field("Why").value
        counts = embed.field("How everyone answered").value
        assert counts.count("1 answer") == 1 and "2 answers" in counts
        fastest = embed.field("Right, fastest first").value.splitlines()
        assert fastest[0].startswith("1. <@") and str(standin.user_named("alice").id) in fastest[0]
        assert str(standin.user_named("morgan").id) in fastest[1]
        assert str(standin.user_named("casey").id) not in embed.field("Right, fastest first").value
        right = next(b for b in done.buttons if (b.custom_id or "").endswith(":a"))
        assert right.label is not None and right.label.endswith("· 2") and all(b.disabled for b in done.buttons)
    board = await scoreboard(alice)
    lines = (board.embeds[0].description or "").splitlines()
    ranked = [line for line in lines if line.startswith("**")]
    assert ranked[0].startswith("**1.**") and str(standin.user_named("alice").id) in ranked[0] and "🏆" in ranked[0]
    assert str(standin.user_named("morgan").id) in ranked[1]
    assert "0 points (0 of 5 right)" in ranked[2]
    assert not board.pings
    rows = db_rows(
        trivia_bot.settings,
        "SELECT user_id, answered, correct, won, points FROM trivia_results ORDER BY place",
    )
    assert [(r["answered"], r["correct"], r["won"]) for r in rows] == [(5, 5, 1), (5, 5, 0), (5, 0, 0)]
    assert 2500 <= rows[1]["points"] < rows[0]["points"] <= 5000
    mine = await casey.click(board, "Where did I place?")
    assert mine.ephemeral and "You placed **3rd** of 3" in (mine.content or "")

    by_wins = await casey.slash("trivia leaderboard", by="wins")
    top = (by_wins.embeds[0].description or "").splitlines()
    assert str(standin.user_named("alice").id) in top[0] and "1 win" in top[0] and not by_wins.pings
    by_accuracy = await casey.slash("trivia leaderboard", by="accuracy")
    assert str(standin.user_named("casey").id) in (by_accuracy.embeds[0].description or "").splitlines()[2]
    progress = await alice.slash("quiz progress")
    assert progress.embeds[0].field("Trivia").value.startswith("1 game, 1 win, ")
    assert "5 of 5 right (100%)" in progress.embeds[0].field("Trivia").value

    shown_data = await alice.slash("mydata show")
    fields = {f.name: f.value for f in shown_data.embeds[0].fields}
    assert fields["Trivia answers"] == "5 records." and fields["Trivia results"] == "1 records."
    export = json.loads(shown_data.attachments[0].text)
    assert len(export["trivia_answers"]) == 5 and export["trivia_results"][0]["won"] == 1
    prompt = await morgan.slash("mydata delete")
    assert "5 trivia answers" in (prompt.embeds[0].description or "")
    assert "1 trivia game you started" in (prompt.embeds[0].description or "")
    await morgan.click(prompt, "Delete all my data")
    morgan_id = standin.user_named("morgan").id
    database = trivia_bot.settings
    assert not db_rows(database, "SELECT * FROM trivia_answers WHERE user_id = ?", (morgan_id,))
    assert not db_rows(database, "SELECT * FROM trivia_results WHERE user_id = ?", (morgan_id,))
    assert [r["starter_id"] for r in db_rows(database, "SELECT starter_id FROM trivia_games")] == [None]
    after = await casey.slash("trivia leaderboard")
    assert str(morgan_id) not in (after.embeds[0].description or "")
    assert len(db_rows(database, "SELECT * FROM trivia_answers")) == 10


async def test_players_below_the_top_ten_are_told_their_place_privately(
    trivia_bot: InProcessBot, standin: StandIn
) -> None:
    players = [standin.member(standin.add_member(f"player{i:02d}")) for i in range(11)]
    last = standin.member("alice")
    await standin.member("morgan").slash("trivia start", questions=1, seconds=10)
    shown = await question(last, 0)
    await asyncio.gather(*(p.click(shown, custom_id=right_answer(shown)) for p in players))
    await last.click(shown, custom_id=wrong_answer(shown))
    board = await scoreboard(last)
    assert str(standin.user_named("alice").id) not in (board.embeds[0].description or "")
    told = await last.wait_for_message(lambda m: m.ephemeral and "You placed" in (m.content or ""), timeout=10)
    assert "You placed **12th** of 12 with 0 points (0 of 1 right)." in (told.content or "")
    assert not any("You placed" in (m.content or "") for m in players[0].ephemeral)


async def test_a_second_start_says_where_the_game_runs_and_only_allowed_members_start(
    trivia_bot: InProcessBot, standin: StandIn
) -> None:
    alice, morgan = standin.member("alice"), standin.member("morgan")
    refused = await alice.slash("trivia start")
    assert refused.ephemeral and "Only members with the Manage Server permission" in (refused.content or "")
    role = standin.guild.role_named("AI Engineer")
    settings = await morgan.slash("config trivia", role=role, seconds=15)
    assert settings.embeds[0].field("Trivia").value.startswith("15 seconds per question; started by <@&")
    standin.add_member("dana", roles=[role])
    dana = standin.member("dana")
    intro = await dana.slash("trivia start", questions=3)
    assert "3 questions" in intro.text and "15 seconds each" in intro.text
    first = await question(alice, 0)
    assert "15 seconds" in first.embeds[0].text
    second = await morgan.slash("trivia start")
    assert second.ephemeral and "already running in this channel" in (second.content or "")
    assert f"/{first.id}" in (second.content or "")
    not_yours = await alice.slash("trivia stop")
    assert not_yours.ephemeral and "Only the member who started this game" in (not_yours.content or "")
    await morgan.slash("trivia stop")


async def test_stop_posts_and_stores_the_scoreboard_so_far(trivia_bot: InProcessBot, standin: StandIn) -> None:
    alice, morgan = standin.member("alice"), standin.member("morgan")
    await morgan.slash("trivia start", questions=5, seconds=60)
    shown = await question(alice, 0)
    await alice.click(shown, custom_id=right_answer(shown))
    stopped = await morgan.slash("trivia stop")
    assert stopped.embeds[0].title == "Trivia · scoreboard" and not stopped.ephemeral
    assert "The game was stopped." in (stopped.embeds[0].description or "")
    assert str(standin.user_named("alice").id) in (stopped.embeds[0].description or "")
    closed = await revealed(alice, shown)
    assert closed.embeds[0].field("How everyone answered").value.count("1 answer") == 1
    database = trivia_bot.settings
    [game] = db_rows(database, "SELECT status FROM trivia_games")
    assert game["status"] == "stopped"
    [result] = db_rows(database, "SELECT answered, correct, won FROM trivia_results")
    assert (result["answered"], result["correct"], result["won"]) == (1, 1, 1)
    nothing = await morgan.slash("trivia stop")
    assert nothing.ephemeral and nothing.content == "No trivia game is running in this channel."
    assert all(b.disabled for b in closed.buttons)


async def test_a_game_nobody_answers_ends_itself_after_three_questions(
    trivia_bot: InProcessBot, standin: StandIn
) -> None:
    alice, morgan = standin.member("alice"), standin.member("morgan")
    await morgan.slash("trivia start", questions=5, seconds=10)
    board = await scoreboard(alice)
    assert "after 3 questions in a row without an answer" in (board.embeds[0].description or "")
    assert "Nobody answered" in (board.embeds[0].description or "")
    asked = [
        m for m in alice.channel_messages if m.embeds and (m.embeds[0].title or "").startswith("Trivia · question")
    ]
    assert len(asked) == 3
    [game] = db_rows(trivia_bot.settings, "SELECT status FROM trivia_games")
    assert game["status"] == "idle"


async def test_help_states_the_scoring_formula(trivia_bot: InProcessBot, standin: StandIn) -> None:
    reply = await standin.member("alice").slash("trivia help")
    assert reply.ephemeral
    assert "500 + 500 × (time left ÷ time allowed)" in reply.embeds[0].field("Scoring").value


async def test_a_restart_after_the_deadline_closes_the_question_with_its_answers_and_goes_on(
    trivia_bot: InProcessBot, standin: StandIn
) -> None:
    alice, morgan = standin.member("alice"), standin.member("morgan")
    await morgan.slash("trivia start", questions=2, seconds=10)
    shown = await question(alice, 0)
    await alice.click(shown, custom_id=right_answer(shown))
    await morgan.click(shown, custom_id=wrong_answer(shown))
    await trivia_bot.stop()
    [game] = db_rows(trivia_bot.settings, "SELECT deadline FROM trivia_games")
    await asyncio.sleep(max(0.0, game["deadline"] - time.time()) + 0.1)
    await trivia_bot.start()
    closed = await revealed(alice, shown)
    counts = closed.embeds[0].field("How everyone answered").value
    assert counts.count("1 answer") == 2
    assert str(standin.user_named("alice").id) in closed.embeds[0].field("Right, fastest first").value
    following = await question(alice, 1)
    await alice.click(following, custom_id=right_answer(following))
    board = await scoreboard(alice)
    assert "2 of 2 right" in (board.embeds[0].description or "")


async def test_kill_9_mid_question_loses_no_answer_and_the_question_resumes(
    standin: StandIn, bot_process: Callable[..., Awaitable[BotProcess]], database: Database
) -> None:
    # 60 game seconds at 0.3: the question stays open 18 s of wall time, across the restart (a
    # restart on a loaded machine can take most of 9 s).
    process = await bot_process(env={"TRIVIA_TIME_SCALE": "0.3"})
    standin.add_member("casey")
    alice, morgan, casey = standin.member("alice"), standin.member("morgan"), standin.member("casey")
    await morgan.slash("trivia start", questions=1, seconds=60)
    shown = await question(alice, 0)
    await alice.click(shown, custom_id=right_answer(shown))
    await morgan.click(shown, custom_id=wrong_answer(shown))
    assert await process.kill() != 0
    stored = database.rows("SELECT user_id FROM trivia_answers ORDER BY answered_at")
    assert [r["user_id"] for r in stored] == [standin.user_named("alice").id, standin.user_named("morgan").id]
    await process.start()
    again = await alice.click(shown, custom_id=wrong_answer(shown))
    assert "You already answered this question" in (again.content or "")
    late_joiner = await casey.click(shown, custom_id=right_answer(shown))
    assert (late_joiner.content or "").startswith("Answer recorded")
    closed = await revealed(alice, shown, within=30)
    assert closed.embeds[0].field("How everyone answered").value.count("1 answer") == 1
    assert "2 answers" in closed.embeds[0].field("How everyone answered").value
    board = await scoreboard(alice)
    ranked = (board.embeds[0].description or "").splitlines()
    assert sum(1 for line in ranked if line.startswith("**")) == 3
    assert len(database.rows("SELECT * FROM trivia_results")) == 3
    await process.terminate()


async def test_a_click_on_a_locked_database_says_so_and_the_next_click_counts(
    trivia_bot: InProcessBot, standin: StandIn, database: Database
) -> None:
    alice = standin.member("alice")
    await standin.member("morgan").slash("trivia start", questions=1, seconds=60)
    shown = await question(alice, 0)
    # The bot stores the question's message id right after posting it; lock only after that write.
    for _ in range(200):
        if database.rows("SELECT id FROM trivia_games WHERE message_id IS NOT NULL"):
            break
        await asyncio.sleep(0.05)
    async with database.write_lock():
        busy = await alice.click(shown, custom_id=right_answer(shown))
        assert (
            busy.ephemeral
            and "database is busy" in (busy.content or "")
            and "nothing was changed" in (busy.content or "")
        )
    assert database.rows("SELECT * FROM trivia_answers") == []
    recorded = await alice.click(shown, custom_id=right_answer(shown))
    assert (recorded.content or "").startswith("Answer recorded")
    assert len(database.rows("SELECT * FROM trivia_answers")) == 1
    await standin.member("morgan").slash("trivia stop")


async def test_a_game_that_ended_just_before_the_bot_stopped_gets_its_scoreboard_after_the_restart(
    trivia_bot: InProcessBot, standin: StandIn, database: Database
) -> None:
    alice = standin.member("alice")
    await standin.member("morgan").slash("trivia start", questions=3, seconds=60)
    shown = await question(alice, 0)
    await alice.click(shown, custom_id=right_answer(shown))
    [game] = database.rows("SELECT id FROM trivia_games")
    await trivia_bot.stop()
    # As if the bot died right after committing the results, before posting the scoreboard.
    async with database.storage() as store:
        assert await store.finish_game(game["id"], "finished", lambda answers: []) is not None
    await trivia_bot.start()
    board = await scoreboard(alice)
    assert str(standin.user_named("alice").id) in (board.embeds[0].description or "")
    # Marked as posted once Discord has the message, so the next start does not post it again.
    for _ in range(200):
        if database.rows("SELECT id FROM trivia_games WHERE announced = 1"):
            break
        await asyncio.sleep(0.05)
    await trivia_bot.restart()
    await trivia_bot.wait_until_ready_event()
    await standin.member("morgan").slash("trivia help")
    boards = [m for m in alice.channel_messages if m.embeds and m.embeds[0].title == "Trivia · scoreboard"]
    assert len(boards) == 1
