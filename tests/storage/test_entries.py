"""Server entries in the database: per server, capped, every change with its history record."""

from __future__ import annotations

import pytest

from bot.storage import Store
from bot.storage import entries as se
from bot.storage.privacy import HISTORY_NAMES, count_member_data, delete_member_data
from bot.storage.stats import unanswered_questions
from tests.storage.admin_data import DAY, Clock, log_ask

BODY = {"id": "study", "title": "Study group", "questions": ["when is the study group"], "answer": "Thursdays."}


async def test_an_entry_is_stored_per_server_with_who_and_when(store: Store, clock: Clock) -> None:
    await se.add_entry(store, 1, "study", BODY, editor_id=7, cap=500)
    rows = await se.load_guild(store, 1)
    assert [(e.entry_id, e.body, e.created_at) for e in rows.entries] == [("study", BODY, clock.now)]
    assert (await se.load_guild(store, 2)).empty
    [record] = await se.entry_history(store, 1, "study")
    assert (record.action, record.editor_id, record.changed_at, record.detail) == ("added", 7, clock.now, "Study group")


async def test_the_cap_and_a_duplicate_id_are_refused(store: Store) -> None:
    await se.add_entry(store, 1, "study", BODY, editor_id=7, cap=1)
    with pytest.raises(se.EntryLimitReached):
        await se.add_entry(store, 1, "other", BODY, editor_id=7, cap=1)
    with pytest.raises(se.EntryExists):
        await se.add_entry(store, 1, "study", BODY, editor_id=7, cap=5)
    await se.add_entry(store, 2, "study", BODY, editor_id=7, cap=1)  # another server has its own count


async def test_edit_delete_hide_and_phrasings_each_leave_a_record(store: Store, clock: Clock) -> None:
    await se.add_entry(store, 1, "study", BODY, editor_id=7, cap=500)
    clock.now += 10
    assert await se.update_entry(store, 1, "study", {**BODY, "answer": "Fridays."}, editor_id=8)
    assert not await se.update_entry(store, 1, "missing", BODY, editor_id=8)
    await se.set_hidden(store, 1, "salary-comparison", True, editor_id=8)
    await se.add_shipped_phrasing(store, 1, "salary-comparison", "how fat is the paycheck", editor_id=8)
    await se.add_shipped_phrasing(store, 1, "salary-comparison", "how fat is the paycheck", editor_id=8)
    rows = await se.load_guild(store, 1)
    assert rows.entries[0].body["answer"] == "Fridays."
    [change] = rows.changes
    assert change.hidden and change.questions == ("how fat is the paycheck",)
    clock.now += 10
    assert await se.delete_entry(store, 1, "study", editor_id=9)
    assert not await se.delete_entry(store, 1, "study", editor_id=9)
    assert [r.action for r in await se.entry_history(store, 1, "study")] == ["deleted", "edited", "added"]
    assert [r.action for r in await se.entry_history(store, 1, "salary-comparison")] == [
        "phrasing",
        "phrasing",
        "hidden",
    ]


async def test_deleting_an_editors_data_keeps_the_records_without_their_id(store: Store) -> None:
    await se.add_entry(store, 1, "study", BODY, editor_id=7, cap=500)
    await se.update_entry(store, 1, "study", BODY, editor_id=8)
    counts = await count_member_data(store, 7)
    assert counts[HISTORY_NAMES] == 1
    assert not any(n for name, n in counts.items() if name != HISTORY_NAMES)
    assert (await delete_member_data(store, 7))[HISTORY_NAMES] == 1
    assert [r.editor_id for r in await se.entry_history(store, 1, "study")] == [8, None]
    assert len((await se.load_guild(store, 1)).entries) == 1  # the entry is the server's, not the member's
    assert HISTORY_NAMES not in await count_member_data(store, 7)


async def test_an_answered_question_leaves_the_unanswered_list_until_asked_again(store: Store, clock: Clock) -> None:
    await log_ask(store, guild=1, user=5, question="when is the study group", entry=None, matched=False, score=0.1)
    [question] = await unanswered_questions(store, 1, 7)
    ask_ids = await se.latest_ask_ids(store, 1, [question.normalized])
    asked = await se.asked_question(store, 1, ask_ids[question.normalized])
    assert asked is not None and asked.question == "when is the study group"
    assert await se.asked_question(store, 2, asked.ask_id) is None  # another server's log is not reachable

    clock.now += 1
    await se.add_entry(store, 1, "study", BODY, editor_id=7, cap=500, resolves=asked.normalized)
    assert await unanswered_questions(store, 1, 7) == []
    clock.now += DAY / 2
    await log_ask(store, guild=1, user=6, question="when is the study group", entry=None, matched=False, score=0.1)
    assert [q.count for q in await unanswered_questions(store, 1, 7)] == [1]  # only the ask after the answer


async def test_the_editor_role_is_per_server(store: Store) -> None:
    assert await se.editor_role(store, 1) is None
    await se.set_editor_role(store, 1, 42)
    assert await se.editor_role(store, 1) == 42 and await se.editor_role(store, 2) is None
    await se.set_editor_role(store, 1, None)
    assert await se.editor_role(store, 1) is None
