"""Start-up against the stand-in: connect, sync, answer; a rejected token; a clean SIGTERM."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.app import TOKEN_REJECTED
from bot.sandbox.harness import ROOT, BotProcess, InProcessBot
from standin.member import Member
from standin.server import StandIn

StartBot = Callable[..., Awaitable[BotProcess]]


async def test_start_up_syncs_every_command_to_the_dev_server(bot: InProcessBot, standin: StandIn) -> None:
    synced = {command["name"] for command in standin.guild_commands[standin.guild.id]}
    assert synced == {command.name for command in bot.client.tree.get_commands()}
    assert standin.global_commands == []
    assert standin.gateway.identifies == 1
    assert bot.client.user is not None and bot.client.user.id == standin.bot_user.id
    assert bot.client.application_id == standin.application_id
    for route in ("GET /users/@me", "GET /gateway/bot", "PUT /applications/{app_id}/guilds/{guild_id}/commands"):
        assert standin.route_hits[route] == 1


async def test_a_command_reaches_the_bot_and_a_button_click_comes_back(bot: InProcessBot, member: Member) -> None:
    reply = await member.slash("quiz start", quiz="path")
    assert reply.ephemeral
    question = await member.wait_for_dm()
    assert question.buttons and not question.ephemeral
    after = await member.click(question, 0)
    assert after.id == question.id
    assert all(button.disabled for button in after.buttons)
    assert member.last_interaction is not None
    assert member.last_interaction.response_type in (6, 7)


async def test_a_dropped_gateway_connection_is_resumed_mid_quiz(
    bot: InProcessBot, standin: StandIn, member: Member
) -> None:
    await member.slash("quiz start", quiz="path")
    question = await member.wait_for_dm()
    await standin.gateway.drop()
    after = await member.click(question, 0)
    assert all(button.disabled for button in after.buttons)
    assert "question 2 of 10" in (await member.wait_for_dm()).text
    assert standin.gateway.identifies == 1
    assert standin.gateway.current is not None and standin.gateway.current.resumes == 1


async def test_the_bot_is_ready_for_on_ready_listeners(bot: InProcessBot) -> None:
    await bot.wait_until_ready_event()
    assert bot.client.is_ready()


async def test_a_rejected_token_is_one_sentence_and_exit_code_1(standin: StandIn, bot_process: StartBot) -> None:
    process = await bot_process(wait=False, env={"DISCORD_TOKEN": "not-the-right-token", "LOG_LEVEL": "WARNING"})
    code = await process.wait(timeout=30)
    assert code == 1
    assert TOKEN_REJECTED in process.stderr
    assert "Traceback" not in process.stderr
    assert standin.gateway.identifies == 0


async def test_sync_pushes_commands_to_a_server_or_globally(standin: StandIn, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DEV_GUILD"))}
    env.update(
        standin.bot_env(LOG_LEVEL="WARNING"), PYTHONPATH=str(ROOT), DATABASE_PATH=str(tmp_path / "crossroads.db")
    )
    for extra in (["--guild", str(standin.guild.id)], []):
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "sync",
            *extra,
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await process.communicate()
        assert process.returncode == 0, err.decode()
        assert out.decode().startswith("Synced ")
    assert standin.guild_commands[standin.guild.id]
    assert {c["name"] for c in standin.global_commands} == {c["name"] for c in standin.guild_commands[standin.guild.id]}
    assert standin.gateway.identifies == 0


async def test_sigterm_stops_the_bot_cleanly(standin: StandIn, bot_process: StartBot) -> None:
    process = await bot_process()
    assert standin.gateway.connected
    code = await process.terminate()
    assert code == 0, process.stderr
    assert "Traceback" not in process.stderr
    assert not standin.gateway.connected
