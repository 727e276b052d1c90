from __future__ import annotations

import pytest

from bot.storage.asks import QUESTION_MAX
from bot.storage.protocol import Storage
from tests.storage import raw
from tests.storage.admin_data import Clock


async def test_an_answered_question_is_stored_with_its_entry_score_and_time(storage: Storage, clock: Clock) -> None:
    row_id = await storage.record_ask(
        guild_id=10,
        user_id=1,
        question="How much do MLEs make?",
        normalized="how much do mles make",
        entry_id="salary-comparison",
        score=0.93,
        matched=True,
    )
    [record] = await storage.recent_asks(10)
    assert record.id == row_id
    assert (record.guild_id, record.user_id, record.command) == (10, 1, "ask")
    assert record.question == "How much do MLEs make?"
    assert record.normalized == "how much do mles make"
    assert (record.entry_id, record.score, record.matched) == ("salary-comparison", 0.93, True)
    assert record.asked_at == clock.now


async def test_a_declined_question_is_stored_without_an_entry(storage: Storage) -> None:
    await storage.record_ask(
        guild_id=10,
        user_id=2,
        question="what's the weather",
        normalized="whats the weather",
        entry_id=None,
        score=0.0,
        matched=False,
    )
    [record] = await storage.recent_asks(10)
    assert (record.question, record.entry_id, record.matched) == ("what's the weather", None, False)


async def test_faq_and_suggestion_clicks_are_recorded_with_their_command(storage: Storage, clock: Clock) -> None:
    await storage.record_ask(
        guild_id=10,
        user_id=3,
        question="salary-comparison",
        normalized="salary comparison",
        entry_id="salary-comparison",
        score=1.0,
        matched=True,
        command="faq",
    )
    clock.now += 1
    await storage.record_ask(
        guild_id=10,
        user_id=3,
        question="plumbers",
        normalized="plumbers",
        entry_id="salary-comparison",
        score=1.0,
        matched=True,
        command="suggestion",
    )
    records = await storage.recent_asks(10)
    assert [r.command for r in records] == ["suggestion", "faq"]


async def test_servers_and_dms_are_kept_apart(storage: Storage) -> None:
    await storage.record_ask(
        guild_id=None,
        user_id=4,
        question="dm question",
        normalized="dm question",
        entry_id=None,
        score=0.1,
        matched=False,
    )
    await storage.record_ask(
        guild_id=11,
        user_id=4,
        question="server question",
        normalized="server question",
        entry_id=None,
        score=0.1,
        matched=False,
    )
    assert [r.question for r in await storage.recent_asks(None)] == ["dm question"]
    assert [r.question for r in await storage.recent_asks(11)] == ["server question"]
    assert await storage.recent_asks(12) == []


async def test_very_long_questions_are_stored_shortened(storage: Storage) -> None:
    await storage.record_ask(
        guild_id=10,
        user_id=5,
        question="x" * 5000,
        normalized="x" * 5000,
        entry_id=None,
        score=0.0,
        matched=False,
    )
    [record] = await storage.recent_asks(10)
    assert len(record.question) == QUESTION_MAX


async def test_a_match_without_an_entry_is_refused(storage: Storage) -> None:
    with pytest.raises(ValueError):
        await storage.record_ask(
            guild_id=10, user_id=6, question="q", normalized="q", entry_id=None, score=1.0, matched=True
        )
    assert await storage.recent_asks(10) == []


async def _asked(storage: Storage, question: str, entry_id: str, user_id: int = 1) -> int:
    return await storage.record_ask(
        guild_id=10,
        user_id=user_id,
        question=question,
        normalized=question.lower(),
        entry_id=entry_id,
        score=0.9,
        matched=True,
    )


async def test_a_vote_is_one_per_member_per_answer_and_can_change(storage: Storage) -> None:
    ask_id = await _asked(storage, "how much do MLEs make", "salary-comparison")
    assert await storage.record_vote(ask_id=ask_id, user_id=1, helpful=True) is None
    assert await storage.record_vote(ask_id=ask_id, user_id=1, helpful=False) is True
    assert await storage.record_vote(ask_id=ask_id, user_id=2, helpful=False) is None
    rows = await raw.fetch(storage, "SELECT user_id, helpful FROM ask_votes ORDER BY user_id")
    assert [(row["user_id"], row["helpful"]) for row in rows] == [(1, 0), (2, 0)]
    with pytest.raises(LookupError):
        await storage.record_vote(ask_id=ask_id + 100, user_id=1, helpful=True)


async def test_answers_marked_wrong_are_grouped_by_entry(storage: Storage, clock: Clock) -> None:
    first = await _asked(storage, "how much do MLEs make", "salary-comparison")
    second = await _asked(storage, "ml pay?", "salary-comparison")
    third = await _asked(storage, "do i need a phd", "degree-needed")
    for ask_id in (first, second):
        await storage.record_vote(ask_id=ask_id, user_id=3, helpful=False)
    await storage.record_vote(ask_id=third, user_id=3, helpful=True)

    wrong = await storage.wrong_answers(10, since=0.0)

    assert [(w.entry_id, w.votes) for w in wrong] == [("salary-comparison", 2)]
    assert set(wrong[0].questions) == {"how much do MLEs make", "ml pay?"}
    asked = await storage.get_ask(first)
    assert asked is not None and asked.question == "how much do MLEs make"
    assert await storage.get_ask(first + 100) is None


async def test_a_question_holding_nul_characters_is_stored_on_every_backend(storage: Storage) -> None:
    await storage.record_ask(
        guild_id=10, user_id=7, question="a\x00b\ud800", normalized="a\x00b", entry_id=None, score=0.0, matched=False
    )
    [record] = await storage.recent_asks(10)
    assert (record.question, record.normalized) == ("a\ufffdb\ufffd", "a\ufffdb")
