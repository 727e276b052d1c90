"""The stand-in's Gateway spoken to directly: the opcodes and close codes Discord uses."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from standin.server import StandIn


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


async def receive(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    message = await ws.receive(timeout=5)
    assert message.type == aiohttp.WSMsgType.TEXT, message
    data: dict[str, Any] = json.loads(message.data)
    return data


async def identify(ws: aiohttp.ClientWebSocketResponse, token: str) -> None:
    await ws.send_json({"op": 2, "d": {"token": token, "intents": 1, "properties": {}}})


async def test_hello_heartbeat_identify_ready_and_guild_create(
    standin: StandIn, session: aiohttp.ClientSession
) -> None:
    async with session.ws_connect(f"{standin.gateway_url}?v=10&encoding=json") as ws:
        hello = await receive(ws)
        assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] > 0
        await ws.send_json({"op": 1, "d": None})
        assert (await receive(ws))["op"] == 11
        await identify(ws, standin.token)
        ready = await receive(ws)
        assert (ready["op"], ready["t"], ready["s"]) == (0, "READY", 1)
        assert ready["d"]["application"]["id"] == str(standin.application_id)
        assert ready["d"]["resume_gateway_url"] == standin.gateway_url
        assert ready["d"]["guilds"] == [{"id": str(standin.guild.id), "unavailable": True}]
        guild = await receive(ws)
        assert (guild["t"], guild["s"]) == ("GUILD_CREATE", 2)
        assert {r["name"] for r in guild["d"]["roles"]} >= {"@everyone", "Crossroads", "AI Engineer", "Moderator"}
        assert [m["user"]["id"] for m in guild["d"]["members"]] == [str(standin.bot_user.id)]


async def test_a_wrong_token_is_closed_with_4004(standin: StandIn, session: aiohttp.ClientSession) -> None:
    async with session.ws_connect(standin.gateway_url) as ws:
        await receive(ws)
        await identify(ws, "wrong")
        closed = await ws.receive(timeout=5)
        assert closed.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)
        assert ws.close_code == 4004


async def test_an_unknown_opcode_is_closed_with_4001(standin: StandIn, session: aiohttp.ClientSession) -> None:
    async with session.ws_connect(standin.gateway_url) as ws:
        await receive(ws)
        await ws.send_json({"op": 99, "d": None})
        await ws.receive(timeout=5)
        assert ws.close_code == 4001


async def test_resuming_an_unknown_session_is_invalid_session(standin: StandIn, session: aiohttp.ClientSession) -> None:
    async with session.ws_connect(standin.gateway_url) as ws:
        await receive(ws)
        await ws.send_json({"op": 6, "d": {"token": standin.token, "session_id": "nope", "seq": 3}})
        assert await receive(ws) == {"op": 9, "d": False}


async def test_resume_replays_what_was_missed_then_resumed(standin: StandIn, session: aiohttp.ClientSession) -> None:
    async with session.ws_connect(standin.gateway_url) as ws:
        await receive(ws)
        await identify(ws, standin.token)
        ready = await receive(ws)
        await receive(ws)
        session_id = ready["d"]["session_id"]
    await standin.gateway.drop()
    standin.gateway.dispatch("GUILD_ROLE_DELETE", {"guild_id": str(standin.guild.id), "role_id": "1"})
    async with session.ws_connect(standin.gateway_url) as ws:
        await receive(ws)
        await ws.send_json({"op": 6, "d": {"token": standin.token, "session_id": session_id, "seq": 2}})
        missed = await receive(ws)
        assert (missed["t"], missed["s"]) == ("GUILD_ROLE_DELETE", 3)
        resumed = await receive(ws)
        assert (resumed["t"], resumed["s"]) == ("RESUMED", 4)
