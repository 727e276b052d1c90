"""What a member reads when something goes wrong, and the one way to tell them privately."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import discord

from bot.ops.metrics import record_interaction, record_store_error
from bot.storage import StoreError

log = logging.getLogger("crossroads")

UNEXPECTED_ERROR = "Something went wrong on our side and it has been logged. Please try again in a moment."
STORE_BUSY = "The database is busy right now; nothing was changed. Please try again in a moment."

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
    except discord.HTTPException:
        log.warning("Could not send an error message for an interaction", exc_info=True)


def guarded(
    callback: Callable[[ItemT, discord.Interaction[Any]], Coroutine[Any, Any, None]],
) -> Callable[[ItemT, discord.Interaction[Any]], Coroutine[Any, Any, None]]:
    """Wrap a button's callback so a failure reaches the member as a sentence instead of
    Discord's "This interaction failed" (discord.py would only log it)."""

    @functools.wraps(callback)
    async def wrapper(item: ItemT, interaction: discord.Interaction[Any]) -> None:
        try:
            await callback(item, interaction)
        except StoreError as exc:
            log.warning("The database was unavailable for a button click", exc_info=True)
            record_store_error(exc)
            record_interaction(interaction, "store_error")
            await send_ephemeral(interaction, STORE_BUSY)
        except Exception:
            custom_id = getattr(item, "custom_id", None)
            log.exception("Button %s failed", custom_id)
            record_interaction(interaction, "error")
            await send_ephemeral(interaction, UNEXPECTED_ERROR)
        else:
            record_interaction(interaction, "ok")

    return wrapper
