"""Teaching the bot from Discord: /kb add, edit, delete, list, history and export, the controls on
/kb unanswered, and /config editors.

The commands join the /kb group of the Admin cog and the /config group of the Config cog (both load
first: extensions load in name order). Who may teach is a check (bot/ui/checks.py: Manage Server,
or the role set by /config editors); what a change does is bot/teach.py; the words and forms are
bot/ui/teach.py and bot/ui/teach_controls.py. This cog only talks to Discord.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import limits
from bot.knowledge.server_entries import entry_choices
from bot.limits import clip
from bot.storage import StoreError
from bot.storage.protocol import Storage
from bot.teach import Teaching
from bot.ui import teach as ui
from bot.ui.checks import manage_server, may_teach
from bot.ui.errors import UNEXPECTED_ERROR, CommandRefused, send_ephemeral, store_sentence
from bot.ui.teach_controls import TeachControls

if TYPE_CHECKING:
    from bot.app import CrossroadsBot

log = logging.getLogger(__name__)

Interaction = discord.Interaction[Any]


def _cog(interaction: Interaction) -> Teach:
    cog = interaction.client.get_cog(ui.TEACH_COG)
    assert isinstance(cog, Teach)
    return cog


class Teach(commands.Cog, name=ui.TEACH_COG):
    """Server entries: written, changed and exported from Discord."""

    def __init__(self, bot: CrossroadsBot) -> None:
        self.bot = bot
        self.store: Storage = bot.store
        self.teach = Teaching(bot.store, bot.guild_knowledge, lambda: bot.content.knowledge)
        self.controls = TeachControls(self.teach, bot.store)

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

    async def choices(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        knowledge = await self.teach.knowledge(interaction.guild_id)
        layer = self.bot.guild_knowledge.layer(interaction.guild_id)
        found = entry_choices(knowledge, self.bot.content.knowledge, layer, current, limits.AUTOCOMPLETE_CHOICES)
        return [app_commands.Choice(name=clip(label, limits.CHOICE_NAME), value=value) for label, value in found]

    # --- forms: read from the interaction itself, so they survive a restart ------------------------

    @commands.Cog.listener()
    async def on_interaction(self, interaction: Interaction) -> None:
        data: Any = interaction.data or {}
        match = ui.MODAL_TEMPLATE.match(str(data.get("custom_id", "")))
        if interaction.type is not discord.InteractionType.modal_submit or match is None:
            return
        try:
            await self.controls.form(interaction, match["kind"], match["arg"], ui.submitted_values(data))
        except CommandRefused as exc:
            await send_ephemeral(interaction, str(exc))
        except StoreError as exc:
            log.warning("The database was unavailable for a modal", exc_info=True)
            await send_ephemeral(interaction, store_sentence(exc))
        except Exception:
            log.exception("Modal %s failed", data.get("custom_id"))
            await send_ephemeral(interaction, UNEXPECTED_ERROR)

    async def handle_teach(self, interaction: Interaction, action: str, arg: str, values: Sequence[str]) -> None:
        await self.controls.click(interaction, action, arg, values)


# --- the commands, added to the /kb and /config groups ---------------------------------------------


async def _entry_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    return await _cog(interaction).choices(interaction, current)


@app_commands.command(name="add", description="Write a new entry for this server's knowledge base")
@may_teach
async def kb_add(interaction: Interaction) -> None:
    await interaction.response.send_modal(ui.entry_modal("New knowledge-base entry", ui.modal_id("add")))


@app_commands.command(name="edit", description="Change one of this server's entries")
@app_commands.describe(entry="The entry's title or id")
@app_commands.autocomplete(entry=_entry_choices)
@may_teach
async def kb_edit(interaction: Interaction, entry: str) -> None:
    assert interaction.guild_id is not None
    item = (await _cog(interaction).teach.find(interaction.guild_id, entry)).item
    if item is None:
        await _cog(interaction).controls.shipped_or_missing(interaction, entry)
        return
    await interaction.response.send_modal(ui.entry_modal("Edit entry", ui.modal_id("edit", item.entry.id), entry=item))


@app_commands.command(name="delete", description="Delete one of this server's entries (asks first)")
@app_commands.describe(entry="The entry's title or id")
@app_commands.autocomplete(entry=_entry_choices)
@may_teach
async def kb_delete(interaction: Interaction, entry: str) -> None:
    assert interaction.guild_id is not None
    item = (await _cog(interaction).teach.find(interaction.guild_id, entry)).item
    if item is None:
        await _cog(interaction).controls.shipped_or_missing(interaction, entry, deleting=True)
        return
    text, view = ui.delete_confirmation(item.entry)
    await send_ephemeral(interaction, text, view=view)


@app_commands.command(name="list", description="This server's own entries, ten a page")
@may_teach
async def kb_list(interaction: Interaction) -> None:
    assert interaction.guild_id is not None
    await send_ephemeral(interaction, **await _cog(interaction).controls.page(interaction.guild_id, 0))


@app_commands.command(name="history", description="Who changed an entry in this server, and when")
@app_commands.describe(entry="The entry's title or id")
@app_commands.autocomplete(entry=_entry_choices)
@may_teach
async def kb_history(interaction: Interaction, entry: str) -> None:
    assert interaction.guild_id is not None
    found = await _cog(interaction).teach.history(interaction.guild_id, entry)
    if found is None:
        await send_ephemeral(interaction, ui.no_entry(entry, history=True))
    else:
        await send_ephemeral(interaction, embed=ui.history_embed(*found))


@app_commands.command(name="export", description="This server's entries as a YAML file in the content format")
@may_teach
async def kb_export(interaction: Interaction) -> None:
    assert interaction.guild_id is not None
    await interaction.response.defer(ephemeral=True, thinking=True)
    exported = await _cog(interaction).teach.export(interaction.guild_id)
    if exported is None:
        await send_ephemeral(interaction, ui.NOTHING_TO_EXPORT)
        return
    text, file = ui.export_reply(exported)
    await send_ephemeral(interaction, text, file=file)


@app_commands.command(name="editors", description="Let members with a role teach the bot, besides Manage Server")
@app_commands.describe(role="The role; leave it out so only Manage Server can teach")
@manage_server(ui.EDITORS_REFUSED)
async def config_editors(interaction: Interaction, role: discord.Role | None = None) -> None:
    assert interaction.guild_id is not None
    await _cog(interaction).store.set_editor_role(interaction.guild_id, role.id if role else None)
    await send_ephemeral(interaction, ui.editors_text(role))


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
