"""Teaching the bot from Discord: /kb add, edit, delete, list, history and export, the controls on
/kb unanswered, and /config editors.

The commands join the /kb and /config groups of the Admin cog. Who may teach: members with Manage
Server, or with the role set by /config editors. Validation and layering live in
bot/knowledge/server_entries.py, storage in bot/storage/entries.py; this cog only talks to Discord.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import limits
from bot.knowledge import Entry, KnowledgeBase
from bot.knowledge.server_entries import (
    MAX_SERVER_ENTRIES,
    Draft,
    ServerEntry,
    TeachError,
    build_entry,
    candidates,
    check_phrasing,
    entry_choices,
    export_yaml,
    find_entry,
)
from bot.limits import clip
from bot.storage import StoreError
from bot.storage.entries import EntryExists, EntryLimitReached
from bot.ui import teach as ui
from bot.ui.errors import STORE_BUSY, UNEXPECTED_ERROR, send_ephemeral

if TYPE_CHECKING:
    from bot.app import CrossroadsBot

log = logging.getLogger(__name__)

EXPORT_FILE = "server-entries.yaml"
REFUSED = (
    "Only members with the Manage Server permission, or the role an admin chose with /config editors, "
    "can change this server's knowledge base."
)
NOT_IN_SERVER = "This works in a server only: each server has its own entries."
GONE = "That question is no longer in the log (it may have been deleted). Run /kb unanswered again."

Interaction = discord.Interaction["CrossroadsBot"]


def _cog(interaction: discord.Interaction[Any]) -> Teach:
    cog = interaction.client.get_cog(ui.TEACH_COG)
    assert isinstance(cog, Teach)
    return cog


async def _say(interaction: discord.Interaction[Any], text: str, **extra: Any) -> None:
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, **extra)
    else:
        await interaction.response.send_message(text, ephemeral=True, **extra)


class Teach(commands.Cog, name=ui.TEACH_COG):
    """Server entries: written, changed and exported from Discord."""

    def __init__(self, bot: CrossroadsBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*ui.DYNAMIC_ITEMS)
        for group_name, command in GROUP_COMMANDS:
            group = self.bot.tree.get_command(group_name)
            if isinstance(group, app_commands.Group):
                group.add_command(command)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*ui.DYNAMIC_ITEMS)
        for group_name, command in GROUP_COMMANDS:
            group = self.bot.tree.get_command(group_name)
            if isinstance(group, app_commands.Group):
                group.remove_command(command.name)

    # --- who may teach -----------------------------------------------------------------------

    async def may_teach(self, interaction: discord.Interaction[Any]) -> bool:
        """True when the member may change this server's entries; otherwise they are told why."""
        if interaction.guild_id is None:
            await _say(interaction, NOT_IN_SERVER)
            return False
        if interaction.permissions.manage_guild:
            return True
        role_id = await self.bot.store.editor_role(interaction.guild_id)
        roles = getattr(interaction.user, "roles", [])
        if role_id is not None and any(role.id == role_id for role in roles):
            return True
        await _say(interaction, REFUSED)
        return False

    # --- looking things up -------------------------------------------------------------------

    async def knowledge(self, guild_id: int) -> KnowledgeBase:
        return await self.bot.knowledge_for(guild_id)

    def shipped(self) -> KnowledgeBase:
        return self.bot.content.knowledge

    async def find(self, guild_id: int, name: str) -> tuple[ServerEntry | None, Entry | None]:
        """The server entry, or else the shipped entry, that `name` (an id or a title) names."""
        await self.knowledge(guild_id)
        return find_entry(self.shipped(), self.bot.guild_knowledge.layer(guild_id), name)

    async def choices(self, interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        knowledge = await self.knowledge(interaction.guild_id)
        layer = self.bot.guild_knowledge.layer(interaction.guild_id)
        found = entry_choices(knowledge, self.shipped(), layer, current, limits.AUTOCOMPLETE_CHOICES)
        return [app_commands.Choice(name=clip(label, limits.CHOICE_NAME), value=value) for label, value in found]

    # --- writing entries -----------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Modal submissions, read from the interaction itself so they survive a restart."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data: Any = interaction.data or {}
        match = ui.MODAL_TEMPLATE.match(str(data.get("custom_id", "")))
        if match is None:
            return
        try:
            await self.handle_modal(interaction, match["kind"], match["arg"], ui.submitted_values(data))
        except StoreError:
            log.warning("The database was unavailable for a modal", exc_info=True)
            await send_ephemeral(interaction, STORE_BUSY)
        except Exception:
            log.exception("Modal %s failed", data.get("custom_id"))
            await send_ephemeral(interaction, UNEXPECTED_ERROR)

    async def handle_modal(
        self, interaction: discord.Interaction[Any], kind: str, arg: str, values: dict[str, str]
    ) -> None:
        if kind == "phrase":
            if not await self.may_teach(interaction):
                return
            await interaction.response.defer(ephemeral=True, thinking=True)
            await self.add_phrasing(interaction, arg, values.get("phrasing", ""))
            return
        resolves = None
        if kind == "answer" and interaction.guild_id is not None and arg.isdigit():
            asked = await self.bot.store.asked_question(interaction.guild_id, int(arg))
            resolves = asked.normalized if asked is not None else None
        editing = arg if kind == "edit" else None
        await self.save_entry(interaction, ui.draft_from(values), editing=editing, resolves=resolves)

    async def save_entry(
        self, interaction: discord.Interaction[Any], draft: Draft, *, editing: str | None, resolves: str | None
    ) -> None:
        if not await self.may_teach(interaction):
            return
        guild_id = interaction.guild_id
        assert guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.bot.guild_knowledge.refresh(guild_id)
        layer = self.bot.guild_knowledge.layer(guild_id)
        try:
            item = build_entry(draft, shipped=self.shipped(), layer=layer, editing=editing)
        except TeachError as exc:
            await _say(interaction, f"Nothing was saved: {exc}")
            return
        user_id = interaction.user.id
        if editing is None:
            try:
                await self.bot.store.add_entry(
                    guild_id,
                    item.entry.id,
                    item.body(),
                    user_id,
                    cap=MAX_SERVER_ENTRIES,
                    resolves=resolves,
                )
            except EntryLimitReached:
                await _say(
                    interaction,
                    f"Nothing was saved: this server already has {MAX_SERVER_ENTRIES} entries of its own, the most "
                    "it may hold. Delete one with /kb delete first.",
                )
                return
            except EntryExists:
                await _say(interaction, "Nothing was saved: another admin just added an entry with that title.")
                return
            done = "Added"
        else:
            if not await self.bot.store.update_entry(guild_id, editing, item.body(), user_id, resolves=resolves):
                await _say(interaction, "Nothing was saved: that entry was deleted in the meantime.")
                return
            done = "Saved"
        await self.bot.guild_knowledge.refresh(guild_id)
        log.info("Server entry %s %s in server %s by %s", item.entry.id, done.lower(), guild_id, user_id)
        title = discord.utils.escape_markdown(item.entry.title)
        await _say(
            interaction,
            f"{done} “{title}” (id `{item.entry.id}`). Members asking "
            f"“{discord.utils.escape_markdown(clip(item.entry.questions[0], 100))}” or something close now get "
            "this answer in this server.",
        )

    async def add_phrasing(
        self, interaction: discord.Interaction[Any], entry_id: str, text: str, *, resolves: str | None = None
    ) -> None:
        """Make `text` a question phrasing of an entry, for this server; the caller has deferred."""
        guild_id = interaction.guild_id
        assert guild_id is not None
        try:
            phrasing = check_phrasing(text)
        except TeachError as exc:
            await _say(interaction, f"Nothing was changed: {exc} Use “Write an answer” for a long question.")
            return
        await self.bot.guild_knowledge.refresh(guild_id)
        item, shipped = await self.find(guild_id, entry_id)
        user_id = interaction.user.id
        if item is not None:
            entry = item.entry
            await self.bot.store.update_entry(
                guild_id,
                entry.id,
                item.with_phrasing(phrasing).body(),
                user_id,
                action="phrasing",
                detail=phrasing,
                resolves=resolves,
            )
        elif shipped is not None:
            entry = shipped
            await self.bot.store.add_shipped_phrasing(guild_id, entry.id, phrasing, user_id, resolves=resolves)
        else:
            await _say(interaction, "That entry is no longer in the knowledge base; nothing was changed.")
            return
        await self.bot.guild_knowledge.refresh(guild_id)
        await _say(
            interaction,
            f"“{discord.utils.escape_markdown(phrasing)}” is now a phrasing of "
            f"“{discord.utils.escape_markdown(entry.title)}” in this server: members asking it get that answer.",
        )

    # --- buttons and selects ---------------------------------------------------------------------

    async def handle_teach(
        self, interaction: discord.Interaction[Any], action: str, arg: str, values: Sequence[str]
    ) -> None:
        if not await self.may_teach(interaction):
            return
        guild_id = interaction.guild_id
        assert guild_id is not None
        if action == "pick":
            await self.show_question(interaction, int(values[0]) if values and values[0].isdigit() else 0)
        elif action == "write":
            asked = await self.bot.store.asked_question(guild_id, int(arg or 0))
            if asked is None:
                await _say(interaction, GONE)
                return
            first = clip(" ".join(asked.question.split()), limits.CHOICE_NAME)
            modal = ui.entry_modal("Write an answer", ui.modal_id("answer", str(asked.ask_id)), first_question=first)
            await interaction.response.send_modal(modal)
        elif action == "about":
            asked = await self.bot.store.asked_question(guild_id, int(arg or 0))
            if asked is None or not values:
                await _say(interaction, GONE)
                return
            await interaction.response.defer(ephemeral=True, thinking=True)
            await self.add_phrasing(interaction, values[0], asked.question, resolves=asked.normalized)
        elif action == "list":
            await self.knowledge(guild_id)
            embed, view = self.list_page(guild_id, int(arg or 0))
            await interaction.response.edit_message(embed=embed, view=view)
        elif action in ("delete", "keep"):
            await self.confirm_delete(interaction, arg, action == "delete")
        elif action in ("hide", "show"):
            _, shipped = await self.find(guild_id, arg)
            if shipped is None:
                await _say(interaction, "That shipped entry is no longer in the content files.")
                return
            # The rebuild can take most of a second for a server at its cap: acknowledge first.
            await interaction.response.defer()
            await self.bot.store.set_hidden(guild_id, shipped.id, action == "hide", interaction.user.id)
            await self.bot.guild_knowledge.refresh(guild_id)
            text, view = ui.shipped_reply(shipped, action == "hide")
            state = "hidden in this server" if action == "hide" else "shown again in this server"
            await interaction.edit_original_response(
                content=f"“{discord.utils.escape_markdown(shipped.title)}” is now {state}.\n\n{text}",
                view=view,
            )
        elif action == "phrase":
            item, shipped = await self.find(guild_id, arg)
            target = item.entry if item is not None else shipped
            if target is None:
                await _say(interaction, "That entry is no longer in the knowledge base.")
                return
            await interaction.response.send_modal(ui.phrasing_modal(target))

    async def show_question(self, interaction: discord.Interaction[Any], ask_id: int) -> None:
        guild_id = interaction.guild_id
        assert guild_id is not None
        asked = await self.bot.store.asked_question(guild_id, ask_id)
        if asked is None:
            await _say(interaction, GONE)
            return
        knowledge = await self.knowledge(guild_id)
        about = candidates(knowledge, asked.question, limits.SELECT_OPTIONS)
        text, view = ui.question_reply(asked.question, asked.ask_id, about)
        await _say(interaction, text, view=view)

    def list_page(self, guild_id: int, page: int) -> tuple[discord.Embed, discord.ui.View | None]:
        layer = self.bot.guild_knowledge.layer(guild_id)
        hidden = [entry for entry in self.shipped().entries() if entry.id in layer.hidden]
        return ui.list_reply(layer.entries, page, hidden, MAX_SERVER_ENTRIES)

    async def confirm_delete(self, interaction: discord.Interaction[Any], entry_id: str, delete: bool) -> None:
        guild_id = interaction.guild_id
        assert guild_id is not None
        if not delete:
            await interaction.response.edit_message(content="Nothing was deleted.", view=None)
            return
        await interaction.response.defer()
        item, _ = await self.find(guild_id, entry_id)
        deleted = await self.bot.store.delete_entry(guild_id, entry_id, interaction.user.id)
        await self.bot.guild_knowledge.refresh(guild_id)
        title = discord.utils.escape_markdown(item.entry.title) if item is not None else entry_id
        text = f"Deleted “{title}”: members no longer get this answer." if deleted else "It was already deleted."
        await interaction.edit_original_response(content=text, view=None)


# --- the commands, added to the Admin cog's /kb and /config groups ------------------------------------


async def _entry_choices(interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
    return await _cog(interaction).choices(interaction, current)


@app_commands.command(name="add", description="Write a new entry for this server's knowledge base")
async def kb_add(interaction: Interaction) -> None:
    cog = _cog(interaction)
    if not await cog.may_teach(interaction):
        return
    await interaction.response.send_modal(ui.entry_modal("New knowledge-base entry", ui.modal_id("add")))


@app_commands.command(name="edit", description="Change one of this server's entries")
@app_commands.describe(entry="The entry's title or id")
@app_commands.autocomplete(entry=_entry_choices)
async def kb_edit(interaction: Interaction, entry: str) -> None:
    cog = _cog(interaction)
    if not await cog.may_teach(interaction):
        return
    assert interaction.guild_id is not None
    item, shipped = await cog.find(interaction.guild_id, entry)
    if item is not None:
        modal = ui.entry_modal("Edit entry", ui.modal_id("edit", item.entry.id), entry=item)
        await interaction.response.send_modal(modal)
    elif shipped is not None:
        text, view = ui.shipped_reply(shipped, shipped.id in cog.bot.guild_knowledge.layer(interaction.guild_id).hidden)
        await _say(interaction, text, view=view)
    else:
        await _say(interaction, f"There is no entry “{clip(entry, 100)}”. /kb list shows this server's entries.")


@app_commands.command(name="delete", description="Delete one of this server's entries (asks first)")
@app_commands.describe(entry="The entry's title or id")
@app_commands.autocomplete(entry=_entry_choices)
async def kb_delete(interaction: Interaction, entry: str) -> None:
    cog = _cog(interaction)
    if not await cog.may_teach(interaction):
        return
    assert interaction.guild_id is not None
    item, shipped = await cog.find(interaction.guild_id, entry)
    if item is not None:
        text, view = ui.delete_confirmation(item.entry)
        await _say(interaction, text, view=view)
    elif shipped is not None:
        text, view = ui.shipped_reply(shipped, shipped.id in cog.bot.guild_knowledge.layer(interaction.guild_id).hidden)
        await _say(interaction, text.replace("cannot be edited", "cannot be deleted"), view=view)
    else:
        await _say(interaction, f"There is no entry “{clip(entry, 100)}”. /kb list shows this server's entries.")


@app_commands.command(name="list", description="This server's own entries, ten a page")
async def kb_list(interaction: Interaction) -> None:
    cog = _cog(interaction)
    if not await cog.may_teach(interaction):
        return
    assert interaction.guild_id is not None
    await cog.knowledge(interaction.guild_id)
    embed, view = cog.list_page(interaction.guild_id, 0)
    if view is None:
        await interaction.response.send_message(embed=embed, ephemeral=True)
    else:
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


@app_commands.command(name="history", description="Who changed an entry in this server, and when")
@app_commands.describe(entry="The entry's title or id")
@app_commands.autocomplete(entry=_entry_choices)
async def kb_history(interaction: Interaction, entry: str) -> None:
    cog = _cog(interaction)
    if not await cog.may_teach(interaction):
        return
    guild_id = interaction.guild_id
    assert guild_id is not None
    item, shipped = await cog.find(guild_id, entry)
    entry_id = item.entry.id if item is not None else shipped.id if shipped is not None else entry.strip()
    records = await cog.bot.store.entry_history(guild_id, entry_id)
    if item is None and shipped is None and not records:
        await _say(interaction, f"There is no entry “{clip(entry, 100)}” and no history for it in this server.")
        return
    title = item.entry.title if item else shipped.title if shipped else (records[-1].detail or entry_id)
    await interaction.response.send_message(embed=ui.history_embed(title, records), ephemeral=True)


@app_commands.command(name="export", description="This server's entries as a YAML file in the content format")
async def kb_export(interaction: Interaction) -> None:
    cog = _cog(interaction)
    if not await cog.may_teach(interaction):
        return
    assert interaction.guild_id is not None
    await interaction.response.defer(ephemeral=True, thinking=True)
    await cog.bot.guild_knowledge.refresh(interaction.guild_id)
    layer = cog.bot.guild_knowledge.layer(interaction.guild_id)
    if not layer.entries:
        await _say(interaction, "This server has no entries of its own to export yet. Add one with /kb add.")
        return
    data = export_yaml(layer).encode("utf-8")
    file = discord.File(io.BytesIO(data), filename=EXPORT_FILE)
    await _say(
        interaction,
        f"{len(layer.entries)} entries in the content format. A maintainer can copy good ones into "
        f"{ui.CONTENT_FILES}, check them with `python -m bot check`, and propose them for review.",
        file=file,
    )


@app_commands.command(name="editors", description="Let members with a role teach the bot, besides Manage Server")
@app_commands.describe(role="The role; leave it out so only Manage Server can teach")
async def config_editors(interaction: Interaction, role: discord.Role | None = None) -> None:
    cog = _cog(interaction)
    if interaction.guild_id is None or not interaction.permissions.manage_guild:
        await _say(interaction, "Only members with the Manage Server permission can choose who teaches the bot.")
        return
    await cog.bot.store.set_editor_role(interaction.guild_id, role.id if role else None)
    if role is None:
        await _say(interaction, "Only members with the Manage Server permission can change the knowledge base now.")
    else:
        await _say(
            interaction,
            f"Members with the role **{discord.utils.escape_markdown(role.name)}** can now add, edit and delete "
            "this server's entries (/kb add, edit, delete, list, history, export). Discord shows /kb to Manage "
            "Server only by default: open it to the role in Server Settings → Integrations.",
        )


GROUP_COMMANDS: tuple[tuple[str, app_commands.Command[Any, Any, Any]], ...] = (
    ("kb", kb_add),
    ("kb", kb_edit),
    ("kb", kb_delete),
    ("kb", kb_list),
    ("kb", kb_history),
    ("kb", kb_export),
    ("config", config_editors),
)


async def setup(bot: CrossroadsBot) -> None:
    await bot.add_cog(Teach(bot))
