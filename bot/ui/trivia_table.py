"""A trivia game's channel: where :class:`bot.trivia.Games` shows each step of a game.

Questions, reveals and scoreboards are posted and edited by the bot's own message endpoints (they
outlive any interaction); a player below the scoreboard hears their place through the follow-up
of their last click.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from typing import Any

import discord

from bot.trivia import Game, Placing, Reveal
from bot.ui import trivia as ui

log = logging.getLogger(__name__)


class ChannelTable:
    """The :class:`bot.trivia.Table` of a Discord channel; a player's token is their last click."""

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    def _channel(self, game: Game) -> discord.PartialMessageable:
        return self.client.get_partial_messageable(game.channel_id, guild_id=game.guild_id)

    async def post(self, game: Game, position: int, deadline: float) -> int:
        message = await self._channel(game).send(
            embed=ui.question_embed(game, position, deadline),
            view=ui.question_view(game.id, position, game.plan.questions[position]),
        )
        return message.id

    async def withdraw(self, game: Game, message_id: int) -> None:
        with contextlib.suppress(discord.HTTPException):
            await self._channel(game).get_partial_message(message_id).edit(view=None)

    async def reveal(self, game: Game, shown: Reveal) -> None:
        if game.message_id is None:
            return
        message = self._channel(game).get_partial_message(game.message_id)
        try:
            await message.edit(
                embed=ui.reveal_embed(game, game.position, shown),
                view=ui.reveal_view(game.id, game.position, shown),
            )
        except discord.HTTPException:
            log.warning("Trivia game %s: could not show the answer to question %s", game.id, game.position + 1)

    async def scoreboard(self, game: Game, placings: Sequence[Placing], reason: str) -> None:
        await self._channel(game).send(
            embed=ui.scoreboard_embed(game, placings, reason), view=ui.scoreboard_view(game.id)
        )

    async def tell_places(self, below: Sequence[tuple[Placing, discord.Interaction[Any]]], players: int) -> None:
        for placing, interaction in below:
            standing = placing.standing
            text = ui.place_text(placing.place, players, standing.points, standing.correct, standing.answered)
            try:
                await interaction.followup.send(text, ephemeral=True)
            except discord.HTTPException:
                log.info("Could not tell member %s their trivia place; the scoreboard's button can", standing.user_id)
