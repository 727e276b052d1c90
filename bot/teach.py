"""Teaching the bot, without Discord: writing, changing, hiding and deleting a server's entries.

:class:`Teaching` validates with :mod:`bot.knowledge.server_entries`, writes through the store
and rebuilds the server's knowledge base, and answers with a typed outcome the UI words. Who may
teach is a check in bot/ui/checks.py; the Teach cog only talks to Discord.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass

from bot.knowledge import Entry, KnowledgeBase
from bot.knowledge.server_entries import (
    MAX_SERVER_ENTRIES,
    Draft,
    GuildKnowledge,
    GuildLayer,
    ServerEntry,
    TeachError,
    build_entry,
    check_phrasing,
    export_yaml,
    find_entry,
)
from bot.storage.entries import EntryExists, EntryLimitReached, HistoryRecord
from bot.storage.protocol import Storage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Found:
    """What a name (an id or a title) names in a server: its own entry, or a shipped one."""

    item: ServerEntry | None
    shipped: Entry | None

    @property
    def entry(self) -> Entry | None:
        return self.item.entry if self.item is not None else self.shipped


class NotSaved(enum.Enum):
    FULL = "full"  # the server holds MAX_SERVER_ENTRIES of its own
    TAKEN = "taken"  # another admin just added an entry with that title
    DELETED = "deleted"  # the entry being edited was deleted meanwhile


@dataclass(frozen=True)
class Invalid:
    """The draft or phrasing cannot be stored; `reason` is the sentence that says why."""

    reason: str


@dataclass(frozen=True)
class Saved:
    entry: Entry
    added: bool  # a new entry, not an edit


@dataclass(frozen=True)
class Phrased:
    phrasing: str
    entry: Entry


@dataclass(frozen=True)
class Exported:
    count: int
    text: str


class Teaching:
    """One server's entries, changed through the store; each change rebuilds its knowledge base.
    `shipped` is read at use time, since a reload swaps the content."""

    def __init__(self, store: Storage, guilds: GuildKnowledge, shipped: Callable[[], KnowledgeBase]) -> None:
        self.store = store
        self.guilds = guilds
        self.shipped = shipped

    async def knowledge(self, guild_id: int) -> KnowledgeBase:
        return await self.guilds.get(guild_id)

    async def layer(self, guild_id: int) -> GuildLayer:
        await self.guilds.get(guild_id)
        return self.guilds.layer(guild_id)

    async def find(self, guild_id: int, name: str) -> Found:
        return Found(*find_entry(self.shipped(), await self.layer(guild_id), name))

    async def hidden(self, guild_id: int) -> list[Entry]:
        """The shipped entries this server hides."""
        layer = await self.layer(guild_id)
        return [entry for entry in self.shipped().entries() if entry.id in layer.hidden]

    async def resolves(self, guild_id: int, ask_id: str) -> str | None:
        """The normalized question a logged ask (by id) carries, for marking it answered."""
        asked = await self.store.asked_question(guild_id, int(ask_id)) if ask_id.isdigit() else None
        return asked.normalized if asked is not None else None

    async def save(
        self, guild_id: int, draft: Draft, *, editing: str | None, resolves: str | None, editor_id: int
    ) -> Saved | Invalid | NotSaved:
        """Add an entry (or replace `editing`, a server entry's id) written in a form."""
        await self.guilds.refresh(guild_id)
        try:
            item = build_entry(draft, shipped=self.shipped(), layer=self.guilds.layer(guild_id), editing=editing)
        except TeachError as exc:
            return Invalid(str(exc))
        if editing is None:
            try:
                await self.store.add_entry(
                    guild_id, item.entry.id, item.body(), editor_id, cap=MAX_SERVER_ENTRIES, resolves=resolves
                )
            except EntryLimitReached:
                return NotSaved.FULL
            except EntryExists:
                return NotSaved.TAKEN
        elif not await self.store.update_entry(guild_id, editing, item.body(), editor_id, resolves=resolves):
            return NotSaved.DELETED
        await self.guilds.refresh(guild_id)
        done = "saved" if editing else "added"
        log.info("Server entry %s %s in server %s by %s", item.entry.id, done, guild_id, editor_id)
        return Saved(item.entry, added=editing is None)

    async def add_phrasing(
        self, guild_id: int, entry_id: str, text: str, *, editor_id: int, resolves: str | None = None
    ) -> Phrased | Invalid | None:
        """Make `text` a question phrasing of an entry for this server; None when the entry is gone."""
        try:
            phrasing = check_phrasing(text)
        except TeachError as exc:
            return Invalid(str(exc))
        await self.guilds.refresh(guild_id)
        found = await self.find(guild_id, entry_id)
        if found.item is not None:
            entry = found.item.entry
            body = found.item.with_phrasing(phrasing).body()
            await self.store.update_entry(
                guild_id, entry.id, body, editor_id, action="phrasing", detail=phrasing, resolves=resolves
            )
        elif found.shipped is not None:
            entry = found.shipped
            await self.store.add_shipped_phrasing(guild_id, entry.id, phrasing, editor_id, resolves=resolves)
        else:
            return None
        await self.guilds.refresh(guild_id)
        return Phrased(phrasing, entry)

    async def set_hidden(self, guild_id: int, shipped: Entry, hidden: bool, editor_id: int) -> None:
        """Hide a shipped entry in this server, or show it again."""
        await self.store.set_hidden(guild_id, shipped.id, hidden, editor_id)
        await self.guilds.refresh(guild_id)

    async def delete(self, guild_id: int, entry_id: str, editor_id: int) -> tuple[Found, bool]:
        """Delete a server entry; what it was, and whether it was still there."""
        found = await self.find(guild_id, entry_id)
        deleted = await self.store.delete_entry(guild_id, entry_id, editor_id)
        await self.guilds.refresh(guild_id)
        return found, deleted

    async def history(self, guild_id: int, name: str) -> tuple[str, list[HistoryRecord]] | None:
        """An entry's title and its latest changes here; None when it neither exists nor has any."""
        found = await self.find(guild_id, name)
        entry = found.entry
        entry_id = entry.id if entry is not None else name.strip()
        records = await self.store.entry_history(guild_id, entry_id)
        if entry is None and not records:
            return None
        return (entry.title if entry is not None else records[-1].detail or entry_id), records

    async def export(self, guild_id: int) -> Exported | None:
        """The server's own entries in the content format; None when it has none."""
        await self.guilds.refresh(guild_id)
        layer = self.guilds.layer(guild_id)
        return Exported(len(layer.entries), export_yaml(layer)) if layer.entries else None
