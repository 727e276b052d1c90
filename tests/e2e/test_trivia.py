"""Trivia in a channel, end to end through the stand-in: scripted members play to the scoreboard."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.sandbox.harness import InProcessBot
from bot.sandbox.server import StandIn
from tests.e2e.quiz_helpers import db_rows
from tests.e2e.trivia_helpers import (
    question,
    revealed,
    right_answer,
    running_bot,
    scoreboard,
    wrong_answer,
)


@pytest.fixture
async def trivia_bot(standin: StandIn, database_path: Path) -> AsyncIterator[InProcessBot]:
    async for running in running_bot(standin, database_path):
        yield running


async def test_members_play_a_five_question_game_to_the_scoreboard(
    trivia_bot: InProcessBot, standin: StandIn
) -> None:
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
        trivia_bot.settings.database_path,
        "SELECT user_id, answered, correct, won, points FROM trivia_results ORDER BY place",
    )
    assert [(r["answered"], r["correct"], r["won"]) for r in rows] == [(5, 5, 1), (5, 5, 0), (5, 0, 0)]
    assert 2500 <= rows[1]["points"] < rows[0]["points"] <= 5000
    mine = await casey.click(board, "Where did I place?")
    assert mine.ephemeral and "You placed **3rd** of 3" in (mine.content or "")
