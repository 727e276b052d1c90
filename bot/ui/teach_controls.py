"""What the controls under /kb do: the entry and phrasing forms, the buttons and selects on
/kb unanswered, /kb list, /kb delete and a shipped entry's reply.

:class:`TeachControls` checks who may teach (bot/ui/checks.py), asks :class:`bot.teach.Teaching`
to make the change and answers with the words of :mod:`bot.ui.teach`. The Teach cog routes each
form and click here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import discord

from bot import limits
from bot.knowledge.server_entries import MAX_SERVER_ENTRIES, candidates
from bot.limits import clip
from bot.storage.protocol import Storage
from bot.teach import Teaching
from bot.ui import teach as ui
from bot.ui.checks import ensure_may_teach
from bot.ui.errors import send_ephemeral

Interaction = discord.Interaction[Any]


class TeachControls:
    def __init__(self, teach: Teaching, store: Storage) -> None:
        self.teach = teach
        self.store = store

    async def form(self, interaction: Interaction, kind: str, arg: str, values: dict[str, str]) -> None:
        """A submitted entry or phrasing form (`kind` and `arg` come from its custom_id)."""
        await ensure_may_teach(interaction)
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        if kind == "phrase":
            await self._add_phrasing(interaction, arg, values.get("phrasing", ""))
            return
        resolves = await self.teach.resolves(interaction.guild_id, arg) if kind == "answer" else None
        draft, editing = ui.draft_from(values), arg if kind == "edit" else None
        saved = await self.teach.save(
            interaction.guild_id, draft, editing=editing, resolves=resolves, editor_id=interaction.user.id
        )
        await send_ephemeral(interaction, ui.saved_text(saved))

    async def _add_phrasing(
        self, interaction: Interaction, entry_id: str, text: str, resolves: str | None = None
    ) -> None:
        assert interaction.guild_id is not None
        added = await self.teach.add_phrasing(
            interaction.guild_id, entry_id, text, editor_id=interaction.user.id, resolves=resolves
        )
        await send_ephemeral(interaction, ui.phrased_text(added))

    # --- buttons and selects ---------------------------------------------------------------------

    async def click(self, interaction: Interaction, action: str, arg: str, values: Sequence[str]) -> None:
        await ensure_may_teach(interaction)
        guild_id, user_id = interaction.guild_id, interaction.user.id
        assert guild_id is not None
        if action in ("pick", "write", "about"):
            picked = values[0] if action == "pick" and values else arg
            asked = await self.store.asked_question(guild_id, int(picked) if picked.isdigit() else 0)
            if asked is None or (action == "about" and not values):
                await send_ephemeral(interaction, ui.GONE)
            elif action == "pick":
                about = candidates(await self.teach.knowledge(guild_id), asked.question, limits.SELECT_OPTIONS)
                text, view = ui.question_reply(asked.question, asked.ask_id, about)
                await send_ephemeral(interaction, text, view=view)
            elif action == "write":
                first = clip(" ".join(asked.question.split()), limits.CHOICE_NAME)
                modal_id = ui.modal_id("answer", str(asked.ask_id))
                await interaction.response.send_modal(ui.entry_modal("Write an answer", modal_id, first_question=first))
            else:
                await interaction.response.defer(ephemeral=True, thinking=True)
                await self._add_phrasing(interaction, values[0], asked.question, resolves=asked.normalized)
        elif action == "list":
            await interaction.response.edit_message(**await self.page(guild_id, int(arg or 0)))
        elif action == "keep":
            await interaction.response.edit_message(content=ui.NOTHING_DELETED, view=None)
        elif action == "delete":
            await interaction.response.defer()
            found, deleted = await self.teach.delete(guild_id, arg, user_id)
            title = found.item.entry.title if found.item is not None else arg
            await interaction.edit_original_response(content=ui.deleted_text(title, deleted), view=None)
        elif action in ("hide", "show"):
            shipped = (await self.teach.find(guild_id, arg)).shipped
            if shipped is None:
                await send_ephemeral(interaction, ui.SHIPPED_GONE)
                return
            # The rebuild can take most of a second for a server at its cap: acknowledge first.
            await interaction.response.defer()
            await self.teach.set_hidden(guild_id, shipped, action == "hide", user_id)
            text, view = ui.hidden_reply(shipped, action == "hide")
            await interaction.edit_original_response(content=text, view=view)
        elif action == "phrase":
            target = (await self.teach.find(guild_id, arg)).entry
            if target is None:
                await send_ephemeral(interaction, ui.ENTRY_GONE)
            else:
                await interaction.response.send_modal(ui.phrasing_modal(target))

    async def page(self, guild_id: int, page: int) -> dict[str, Any]:
        layer, hidden = await self.teach.layer(guild_id), await self.teach.hidden(guild_id)
        embed, view = ui.list_reply(layer.entries, page, hidden, MAX_SERVER_ENTRIES)
        return {"embed": embed, "view": view}

    async def shipped_or_missing(self, interaction: Interaction, name: str, *, deleting: bool = False) -> None:
        """/kb edit or delete named a shipped entry (offer a phrasing or hiding) or nothing."""
        assert interaction.guild_id is not None
        shipped = (await self.teach.find(interaction.guild_id, name)).shipped
        if shipped is None:
            await send_ephemeral(interaction, ui.no_entry(name))
            return
        hidden = (await self.teach.layer(interaction.guild_id)).hidden
        text, view = ui.shipped_reply(shipped, shipped.id in hidden)
        if deleting:
            text = text.replace("cannot be edited", "cannot be deleted")
        await send_ephemeral(interaction, text, view=view)
