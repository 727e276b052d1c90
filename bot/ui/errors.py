"""What a member reads when something goes wrong, and the one way to tell them privately."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import discord

from bot import deadline
from bot.storage import StoreError
from bot.ui import expiry

log = logging.getLogger("crossroads")

UNEXPECTED_ERROR = "Something went wrong on our side and it has been logged. Please try again in a moment."
STORE_BUSY = "The database is busy right now; nothing was changed. Please try again in a moment."
STORE_DAMAGED = (
    "The database is damaged; nothing changed. The bot's operator has been told and needs to restore it "
    "from a backup."
)
STORE_FULL = "The server's disk is full; nothing changed. Please try again later, once space has been freed."
BUTTON_INACTIVE = "This button is no longer active."
QUIZ_GONE = "This quiz no longer exists. Start a new one with /quiz start."


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


async def send_ephemeral(interaction: discord.Interaction[Any], message: str) -> None:
    """Tell the member something privately, whether or not the interaction was answered yet."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True, allowed_mentions=discord.AllowedMentions.none())
        else:
            await interaction.response.send_message(
                message, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
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
        except StoreError as exc:
            # The store has logged the fault (rate-limited); a traceback per click would flood the log.
            await send_ephemeral(interaction, store_sentence(exc))
        except discord.HTTPException as exc:
            if not expiry.gone(exc, f"the reply to a click on {getattr(item, 'custom_id', '?')}"):
                log.exception("Button %s failed", getattr(item, "custom_id", None))
                await send_ephemeral(interaction, UNEXPECTED_ERROR)
        except Exception:
            custom_id = getattr(item, "custom_id", None)
            log.exception("Button %s failed", custom_id)
            await send_ephemeral(interaction, UNEXPECTED_ERROR)

    return wrapper
