"""The sandbox player against a small discord.py bot: every kind of action and what it prints."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest
from discord import app_commands

from bot.sandbox import player as player_module
from bot.sandbox.player import Player
from bot.sandbox.script import parse_line
from standin.server import StandIn
from tests.e2e.probe import Probe, running_probe


@pytest.fixture
async def probe(standin: StandIn) -> AsyncIterator[Probe]:
    async with running_probe(standin) as client:
        yield client


@pytest.fixture
def player(probe: Probe, standin: StandIn) -> tuple[Player, list[str]]:
    lines: list[str] = []
    return Player(standin, standin.member("alice"), lines.append), lines


async def play(player: Player, line: str) -> bool:
    action = parse_line(line, 1)
    assert action is not None
    return await player.play(action)


async def test_buttons_are_clicked_by_number_or_label_and_dms_are_shown(
    probe: Probe, player: tuple[Player, list[str]]
) -> None:
    runner, lines = player

    async def handler(interaction: discord.Interaction[Any]) -> None:
        view = discord.ui.View()
        for label in ("Red", "Blue"):
            view.add_item(discord.ui.Button(label=label, custom_id=f"colour:{label}"))
        await interaction.response.send_message("Pick a colour", view=view, ephemeral=True)

    async def clicked(interaction: discord.Interaction[Any]) -> None:
        assert interaction.data is not None
        await interaction.response.edit_message(content=f"You picked {interaction.data.get('custom_id')}", view=None)
        await interaction.user.send("Thanks for picking")

    probe.handler = handler
    probe.click_handler = clicked
    await play(runner, "/probe")
    assert lines[-1] == "[#general] Crossroads (only you can see this):\nPick a colour\n[1. Red] [2. Blue]"
    await play(runner, "click 2")
    await runner.member.wait_for_dm()
    runner.show_changes()
    assert "You picked colour:Blue" in "\n".join(lines)
    assert lines[-1] == "[DM] Crossroads:\nThanks for picking"
    await play(runner, "expect thanks")
    await play(runner, "click 1")
    assert lines[-1] == "! there is no message with a button to click"
    assert runner.errors == 1


async def test_a_number_beyond_the_buttons_is_explained(probe: Probe, player: tuple[Player, list[str]]) -> None:
    runner, lines = player

    async def handler(interaction: discord.Interaction[Any]) -> None:
        view = discord.ui.View()
        view.add_item(discord.ui.Button(label="Only", custom_id="only"))
        await interaction.response.send_message("One button", view=view)

    probe.handler = handler
    await play(runner, "/probe")
    await play(runner, "click 3")
    assert lines[-1] == "! there is no button 3; the newest message has 1 (1 to 1)"


async def test_select_complete_and_expect(probe: Probe, player: tuple[Player, list[str]]) -> None:
    runner, lines = player
    probe.choices = [
        app_commands.Choice(name="Salary", value="salary"),
        app_commands.Choice(name="Skills", value="skills"),
    ]

    async def handler(interaction: discord.Interaction[Any]) -> None:
        view = discord.ui.View()
        menu: discord.ui.Select[Any] = discord.ui.Select(
            custom_id="topic",
            options=[discord.SelectOption(label="Salary", value="s"), discord.SelectOption(label="Skills", value="k")],
        )
        view.add_item(menu)
        await interaction.response.send_message("Choose", view=view)

    async def chosen(interaction: discord.Interaction[Any]) -> None:
        assert interaction.data is not None
        await interaction.response.send_message(f"chose {interaction.data.get('values')}")

    probe.handler = handler
    probe.click_handler = chosen
    await play(runner, "complete /probe text: sa")
    assert lines[-1] == "autocomplete for text: 'sa'\n  1. Salary\n  2. Skills"
    await play(runner, "/probe")
    assert lines[-1].endswith("<choose: Salary, Skills>")
    await play(runner, "select Skills")
    assert lines[-1].endswith("chose ['k']")
    await play(runner, "expect chose")
    await play(runner, "expect nothing like this")
    assert lines[-1] == "! expected to see 'nothing like this' in the last output"
    assert runner.errors == 1


async def test_acting_as_another_member_and_reading_the_channel(
    probe: Probe, player: tuple[Player, list[str]], standin: StandIn
) -> None:
    runner, lines = player

    async def handler(interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message(f"hello {interaction.user.name}")

    probe.handler = handler
    await play(runner, "/probe")
    await play(runner, "as morgan")
    assert lines[-1] == "(you are now morgan)"
    await play(runner, "channel")
    assert lines[-1] == "[#general] Crossroads:\nhello alice"
    await play(runner, "/probe")
    assert lines[-1] == "[#general] Crossroads:\nhello morgan"
    await play(runner, "dms")
    assert lines[-1] == "[DM] (no messages)"
    assert await play(runner, "quit") is False
    assert runner.errors == 0


async def test_a_refused_payload_is_reported(probe: Probe, player: tuple[Player, list[str]], standin: StandIn) -> None:
    runner, lines = player
    standin.expect_failures("limit")

    async def handler(interaction: discord.Interaction[Any]) -> None:
        try:
            await interaction.response.send_message("x" * 2001)
        except discord.HTTPException:
            await interaction.response.send_message("too long", ephemeral=True)

    probe.handler = handler
    await play(runner, "/probe")
    assert lines[-1].startswith("! the stand-in refused something the bot did: limit")
    assert runner.errors == 1


async def test_a_missing_required_option_shows_what_autocomplete_offers(
    probe: Probe, player: tuple[Player, list[str]]
) -> None:
    runner, lines = player
    probe.choices = [
        app_commands.Choice(name="Salary", value="salary"),
        app_commands.Choice(name="Skills", value="skills"),
    ]
    await play(runner, "/need")
    assert lines[-1] == "! /need needs topic: (for example /need topic: Salary)\n  1. Salary\n  2. Skills"
    await play(runner, "/need Skills")
    assert lines[-1].endswith("topic Skills")
    assert runner.errors == 1


async def test_until_waits_for_what_the_bot_sends_later_and_says_when_it_never_comes(
    probe: Probe, player: tuple[Player, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    runner, lines = player

    async def handler(interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message("Thinking")
        await asyncio.sleep(1.0)
        await interaction.followup.send("Done thinking")

    probe.handler = handler
    await play(runner, "/probe")
    await play(runner, "until done thinking")
    assert "Done thinking" in lines[-1] and runner.errors == 0
    monkeypatch.setattr(player_module, "UNTIL_LIMIT", 0.5)
    await play(runner, "until something else")
    assert lines[-1] == "! waited 0.5 s and never saw 'something else'" and runner.errors == 1
