"""Teaching as a service: a real store, the shipped knowledge base, and no Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeBase, load_knowledge
from bot.knowledge.server_entries import Draft, GuildKnowledge, GuildLayer
from bot.storage.sqlite import SqliteStorage
from bot.teach import Invalid, NotSaved, Phrased, Saved, Teaching
from tests.storage.admin_data import Clock

DATA = Path(__file__).resolve().parents[1] / "data" / "knowledge"
GUILD, EDITOR = 100, 7
STUDY = Draft(
    title="When the study group meets", answer="Every Thursday at 18:00 UTC.", questions="when is the study group"
)


@pytest.fixture(scope="module")
def shipped() -> KnowledgeBase:
    kb, problems = load_knowledge(DATA)
    assert kb is not None, problems
    return kb


@pytest.fixture
async def teaching(tmp_path: Path, shipped: KnowledgeBase) -> AsyncIterator[Teaching]:
    async with SqliteStorage(tmp_path / "crossroads.db", clock=Clock()) as store:

        async def layer(guild_id: int) -> GuildLayer:
            rows = await store.load_server_entries(guild_id)
            changes = ((c.entry_id, c.hidden, c.questions) for c in rows.changes)
            return GuildLayer.build((item.body for item in rows.entries), changes)

        yield Teaching(store, GuildKnowledge(lambda: shipped, layer), lambda: shipped)


async def test_an_entry_is_saved_edited_and_deleted(teaching: Teaching) -> None:
    saved = await teaching.save(GUILD, STUDY, editing=None, resolves=None, editor_id=EDITOR)
    assert isinstance(saved, Saved) and saved.added
    entry_id = saved.entry.id
    assert entry_id in await teaching.knowledge(GUILD)
    again = await teaching.save(GUILD, STUDY, editing=None, resolves=None, editor_id=EDITOR)
    assert isinstance(again, Invalid)  # the title is taken
    edited = await teaching.save(
        GUILD,
        Draft(title=STUDY.title, answer="Fridays now.", questions="when"),
        editing=entry_id,
        resolves=None,
        editor_id=EDITOR,
    )
    assert isinstance(edited, Saved) and not edited.added
    history = await teaching.history(GUILD, entry_id)
    assert history is not None and [r.action for r in history[1]][:2] == ["edited", "added"]
    found, deleted = await teaching.delete(GUILD, entry_id, EDITOR)
    assert deleted and found.item is not None
    assert entry_id not in await teaching.knowledge(GUILD)
    gone = await teaching.save(GUILD, STUDY, editing=entry_id, resolves=None, editor_id=EDITOR)
    assert gone is NotSaved.DELETED
    assert await teaching.export(GUILD) is None


async def test_a_phrasing_joins_a_shipped_entry_and_a_shipped_entry_can_be_hidden(
    teaching: Teaching, shipped: KnowledgeBase
) -> None:
    target = next(iter(shipped.entries()))
    added = await teaching.add_phrasing(GUILD, target.id, "what does this one cover", editor_id=EDITOR)
    assert added == Phrased("what does this one cover", target)
    assert isinstance(await teaching.add_phrasing(GUILD, target.id, "x " * 400, editor_id=EDITOR), Invalid)
    assert await teaching.add_phrasing(GUILD, "no-such-entry", "a question", editor_id=EDITOR) is None
    await teaching.set_hidden(GUILD, target, True, EDITOR)
    assert [entry.id for entry in await teaching.hidden(GUILD)] == [target.id]
    assert target.id not in await teaching.knowledge(GUILD)
