"""Server entries in the database, on each backend: per server, capped, every change with its history
record."""

from __future__ import annotations

import pytest

from bot.storage import entries as se
from bot.storage.privacy import HISTORY_NAMES
from bot.storage.protocol import Storage
from tests.storage.admin_data import DAY, Clock, log_ask

BODY = {"id": "study", "title": "Study group", "questions": ["when is the study group"], "answer": "Thursdays."}


async def test_an_entry_is_stored_per_server_with_who_and_when(storage: Storage, clock: Clock) -> None:
    await storage.add_entry(1, "study", BODY, editor_id=7, cap=500)
    rows = await storage.load_server_entries(1)
    assert [(e.entry_id, e.body, e.created_at) for e in rows.entries] == [("study", BODY, clock.now)]
    assert (await storage.load_server_entries(2)).empty
    [record] = await storage.entry_history(1, "study")
    assert (record.action, record.editor_id, record.changed_at, record.detail) == ("added", 7, clock.now, "Study group")


async def test_the_cap_and_a_duplicate_id_are_refused(storage: Storage) -> None:
    await storage.add_entry(1, "study", BODY, editor_id=7, cap=1)
    with pytest.raises(se.EntryLimitReached):
        await storage.add_entry(1, "other", BODY, editor_id=7, cap=1)
    with pytest.raises(se.EntryExists):
        await storage.add_entry(1, "study", BODY, editor_id=7, cap=5)
    await storage.add_entry(2, "study", BODY, editor_id=7, cap=1)  # another server has its own count


async def test_edit_delete_hide_and_phrasings_each_leave_a_record(storage: Storage, clock: Clock) -> None:
    await storage.add_entry(1, "study", BODY, editor_id=7, cap=500)
    clock.now += 10
    assert await storage.update_entry(1, "study", {**BODY, "answer": "Fridays."}, editor_id=8)
    assert not await storage.update_entry(1, "missing", BODY, editor_id=8)
    await storage.set_hidden(1, "salary-comparison", True, editor_id=8)
    await storage.add_shipped_phrasing(1, "salary-comparison", "how fat is the paycheck", editor_id=8)
    await storage.add_shipped_phrasing(1, "salary-comparison", "how fat is the paycheck", editor_id=8)
    rows = await storage.load_server_entries(1)
    assert rows.entries[0].body["answer"] == "Fridays."
    [change] = rows.changes
    assert change.hidden and change.questions == ("how fat is the paycheck",)
    clock.now += 10
    assert await storage.delete_entry(1, "study", editor_id=9)
    assert not await storage.delete_entry(1, "study", editor_id=9)
    assert [r.action for r in await storage.entry_history(1, "study")] == ["deleted", "edited", "added"]
    assert [r.action for r in await storage.entry_history(1, "salary-comparison")] == [
        "phrasing",
        "phrasing",
        "hidden",
    ]


async def test_deleting_an_editors_data_keeps_the_records_without_their_id(storage: Storage) -> None:
    await storage.add_entry(1, "study", BODY, editor_id=7, cap=500)
    await storage.update_entry(1, "study", BODY, editor_id=8)
    counts = await storage.count_member_data(7)
    assert counts[HISTORY_NAMES] == 1
    assert not any(n for name, n in counts.items() if name != HISTORY_NAMES)
    assert (await storage.delete_member_data(7))[HISTORY_NAMES] == 1
    assert [r.editor_id for r in await storage.entry_history(1, "study")] == [8, None]
    assert len((await storage.load_server_entries(1)).entries) == 1  # the entry is the server's, not the member's
    assert HISTORY_NAMES not in await storage.count_member_data(7)


async def test_an_answered_question_leaves_the_unanswered_list_until_asked_again(
    storage: Storage, clock: Clock
) -> None:
    await log_ask(storage, guild=1, user=5, question="when is the study group", entry=None, matched=False, score=0.1)
    [question] = await storage.unanswered_questions(1, 7)
    ask_ids = await storage.latest_ask_ids(1, [question.normalized])
    asked = await storage.asked_question(1, ask_ids[question.normalized])
    assert asked is not None and asked.question == "when is the study group"
    assert await storage.asked_question(2, asked.ask_id) is None  # another server's log is not reachable

    clock.now += 1
    await storage.add_entry(1, "study", BODY, editor_id=7, cap=500, resolves=asked.normalized)
    assert await storage.unanswered_questions(1, 7) == []
    clock.now += DAY / 2
    await log_ask(storage, guild=1, user=6, question="when is the study group", entry=None, matched=False, score=0.1)
    assert [q.count for q in await storage.unanswered_questions(1, 7)] == [1]  # only the ask after the answer


async def test_the_editor_role_is_per_server(storage: Storage) -> None:
    assert await storage.editor_role(1) is None
    await storage.set_editor_role(1, 42)
    assert await storage.editor_role(1) == 42 and await storage.editor_role(2) is None
    await storage.set_editor_role(1, None)
    assert await storage.editor_role(1) is None
