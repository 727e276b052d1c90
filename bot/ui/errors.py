"""What a member reads when something goes wrong, and the one way to tell them privately."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot import deadline
from bot.ops.metrics import record_interaction, record_store_error
from bot.storage import StoreError
from bot.ui import expiry

log = logging.getLogger("crossroads")

UNEXPECTED_ERROR = "Something went wrong on our side and it has been logged. Please try again in a moment."
STORE_BUSY = "The database is busy right now; nothing was changed. Please try again in a moment."
STORE_DAMAGED = (
    "The database is damaged; nothing changed. The bot's operator has been told and needs to restore it from a backup."
)
STORE_FULL = "The server's disk is full; nothing changed. Please try again later, once space has been freed."
BUTTON_INACTIVE = "This button is no longer active."
# How long a follow-up may keep failing through discord.py's own retries (attempts at 0, 1 and 4 s
# for a 5xx) before it goes by the bot's own message route: without it, a member waits about 25 s.
FOLLOW_UP_PATIENCE = 5.0


class CommandRefused(app_commands.CheckFailure):
    """A command's check refused the member; the message is the sentence they read."""


def store_sentence(error: StoreError) -> str:
    """What a member reads when the database could not do what they asked (nothing changed)."""
    if error.kind == "damaged":
        return STORE_DAMAGED
    if error.kind == "full":
        return STORE_FULL
    return STORE_BUSY


def bind_deadline(interaction: discord.Interaction[Any]) -> None:
    """Make the database work this interaction waits on respect its 3-second window."""
    deadline.set_current(deadline.Deadline.for_interaction(interaction.id, margin=expiry.reply_margin()))


ItemT = TypeVar("ItemT", bound=discord.ui.Item[Any])


async def send_ephemeral(interaction: discord.Interaction[Any], message: str | None = None, **fields: Any) -> None:
    """Tell the member something privately, whether or not the interaction was answered yet.
    `fields` are what a message may carry besides its text (embed, file, view); None means none."""
    extra = {name: value for name, value in {"content": message, **fields}.items() if value is not None}
    try:
        if interaction.response.is_done():
            await interaction.followup.send(ephemeral=True, **extra)
        else:
            await interaction.response.send_message(ephemeral=True, **extra)
    except discord.HTTPException as exc:
        if not expiry.gone(exc, "an error message"):
            log.warning("Could not send an error message for an interaction", exc_info=True)


def guarded(
    callback: Callable[[ItemT, discord.Interaction[Any]], Coroutine[Any, Any, None]],
) -> Callable[[ItemT, discord.Interaction[Any]], Coroutine[Any, Any, None]]:
    """Wrap a button's callback so a failure reaches the member as a sentence instead of
    Discord's "This interaction failed" (discord.py would only log it)."""

    @functools.wraps(callback)
    async def wrapper(item: ItemT, interaction: discord.Interaction[Any]) -> None:
        bind_deadline(interaction)
        if not expiry.in_time(interaction):
            expiry.shed(interaction, f"a click on {getattr(item, 'custom_id', '?')}")
            return
        try:
            await callback(item, interaction)
        except CommandRefused as exc:
            # A refusal is an answer like any other, not a failure.
            record_interaction(interaction, "ok")
            await send_ephemeral(interaction, str(exc))
        except StoreError as exc:
            # The store has logged the fault (rate-limited); a traceback per click would flood the log.
            record_store_error(exc)
            record_interaction(interaction, "store_error")
            await send_ephemeral(interaction, store_sentence(exc))
        except discord.HTTPException as exc:
            if not expiry.gone(exc, f"the reply to a click on {getattr(item, 'custom_id', '?')}"):
                log.exception("Button %s failed", getattr(item, "custom_id", None))
                await send_ephemeral(interaction, UNEXPECTED_ERROR)
        except Exception:
            custom_id = getattr(item, "custom_id", None)
            log.exception("Button %s failed", custom_id)
            record_interaction(interaction, "error")
            await send_ephemeral(interaction, UNEXPECTED_ERROR)
        else:
            record_interaction(interaction, "ok")

    return wrapper


def _is_ephemeral(interaction: discord.Interaction[Any]) -> bool:
    message = interaction.message
    return message is not None and message.flags.ephemeral


async def cog_or_unavailable(interaction: discord.Interaction[Any], name: str, sentence: str) -> Any | None:
    """The cog that handles a component, or None after telling the member, in `sentence`, that
    it is not loaded."""
    get_cog = getattr(interaction.client, "get_cog", None)
    cog = get_cog(name) if get_cog is not None else None
    if cog is None:
        await send_ephemeral(interaction, sentence)
    return cog


async def edit_clicked_message(interaction: discord.Interaction[Any], *, note: str, **fields: Any) -> bool:
    """Show a click's result on the message that was clicked. When Discord does not take the
    interaction's reply in time, edit the message through the bot's own message endpoint instead,
    with `note` saying how to continue. Returns whether the member sees the edit."""
    try:
        await interaction.response.edit_message(**fields)
        return True
    except discord.HTTPException as exc:
        if not expiry.gone(exc, "the reply to a click"):
            log.warning("Discord did not take the reply to a click; editing the message directly", exc_info=True)
    message = interaction.message
    if message is None or _is_ephemeral(interaction):
        return False
    try:
        await message.edit(**{**fields, "content": note})
        return True
    except discord.HTTPException:
        log.warning("Could not edit the clicked message either", exc_info=True)
        return False


async def deliver(interaction: discord.Interaction[Any], *, ephemeral: bool, **fields: Any) -> bool:
    """Send a follow-up message. When the interaction's webhook fails, or keeps failing for
    FOLLOW_UP_PATIENCE seconds, send it by the bot's own channel message endpoint instead: into the
    same DM, or, for a private reply in a server, as a DM to the member. Returns whether it reached
    the member."""
    wait = fields.pop("wait", False)
    try:
        if interaction.response.is_done():
            await asyncio.wait_for(
                interaction.followup.send(ephemeral=ephemeral, wait=wait, **fields), FOLLOW_UP_PATIENCE
            )
        else:
            await interaction.response.send_message(ephemeral=ephemeral, **fields)
        return True
    except TimeoutError:
        log.warning("Discord's follow-up webhook kept failing for %.0f s; sending by another route", FOLLOW_UP_PATIENCE)
    except discord.HTTPException as exc:
        if exc.code in expiry.GONE_CODES:
            log.info("The interaction's follow-up webhook has expired; sending by another route")
        else:
            log.warning("Discord's follow-up webhook failed; sending by another route", exc_info=True)
    try:
        if interaction.guild_id is None and not ephemeral and interaction.channel is not None:
            await interaction.channel.send(**fields)  # type: ignore[union-attr]
        else:
            await interaction.user.send(**fields)
        return True
    except discord.HTTPException:
        log.warning("Could not reach the member by another route either", exc_info=True)
        return False
