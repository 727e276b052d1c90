"""The stand-in shards its gateway as Discord does: IDENTIFY's `shard: [id, count]` decides which
servers a connection hears about, a server's events and interactions go to the connection of shard
`(guild_id >> 22) % count`, interactions in DMs to shard 0, and `GET /gateway/bot` recommends the
shard count the test sets.

Raw WebSocket clients check the frames exactly; discord.py clients, one per shard as separate
processes would run them, check that a sharded bot works against it."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket

from standin.gateway import CLOSE_INVALID_SHARD
from standin.server import StandIn
from standin.state import InteractionType


def two_servers(standin: StandIn) -> None:
    """ "Even" on shard 0 with alice, "Odd" on shard 1 with bea."""
    even = standin.add_guild("Even", shard=0)
    standin.add_channel(even, "general")
    standin.add_member("alice", guild=even)
    odd = standin.add_guild("Odd", shard=1)
    standin.add_channel(odd, "general")
    standin.add_member("bea", guild=odd)


@pytest.fixture
async def sharded() -> AsyncIterator[StandIn]:
    standin = StandIn(world=two_servers, shard_count=2)
    # No bot answers the raw clients' interactions; stopping cancels their deadlines.
    standin.ack_deadline = 600.0
    await standin.start()
    try:
        yield standin
    finally:
        await standin.stop()


def guild_named(standin: StandIn, name: str) -> Any:
    return next(guild for guild in standin.guilds.values() if guild.name == name)


class RawShard:
    """One gateway connection that identifies as a shard and records the dispatches it receives."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.events: list[tuple[str, Any]] = []

    async def next_frame(self) -> dict[str, Any]:
        message = await asyncio.wait_for(self.ws.receive(), 10)
        if message.type is not aiohttp.WSMsgType.TEXT:
            raise ConnectionError(f"closed with {self.ws.close_code}")
        frame: dict[str, Any] = json.loads(message.data)
        if frame.get("op") == 0:
            self.events.append((frame["t"], frame["d"]))
        return frame

    async def next_event(self, name: str) -> Any:
        while True:
            frame = await self.next_frame()
            if frame.get("t") == name:
                return frame["d"]


@contextlib.asynccontextmanager
async def raw_shard(standin: StandIn, shard: Any) -> AsyncIterator[RawShard]:
    async with aiohttp.ClientSession() as http, http.ws_connect(standin.gateway_url) as ws:
        client = RawShard(ws)
        hello = await client.next_frame()
        assert hello["op"] == 10
        identify: dict[str, Any] = {"token": standin.token, "intents": 0, "properties": {}}
        if shard is not None:
            identify["shard"] = shard
        await ws.send_str(json.dumps({"op": 2, "d": identify}))
        yield client


def dm_interaction(standin: StandIn, who: str) -> None:
    user = standin.user_named(who)
    standin.start_interaction(
        type=InteractionType.APPLICATION_COMMAND,
        user=user,
        channel=standin.dm_channel(user),
        data={"id": "1", "name": "probe", "type": 1},
    )


def guild_interaction(standin: StandIn, who: str, guild_name: str) -> None:
    guild = guild_named(standin, guild_name)
    standin.start_interaction(
        type=InteractionType.APPLICATION_COMMAND,
        user=standin.user_named(who),
        channel=next(iter(guild.channels.values())),
        data={"id": "1", "name": "probe", "type": 1},
    )


async def test_servers_land_on_the_shard_they_were_made_for(sharded: StandIn) -> None:
    assert sharded.shard_of(guild_named(sharded, "Even")) == 0
    assert sharded.shard_of(guild_named(sharded, "Odd")) == 1
    assert all((guild.id >> 22) % 2 == sharded.shard_of(guild) for guild in sharded.guilds.values())


async def test_each_shard_gets_ready_and_only_its_own_servers(sharded: StandIn) -> None:
    even, odd = guild_named(sharded, "Even"), guild_named(sharded, "Odd")
    async with raw_shard(sharded, [0, 2]) as zero, raw_shard(sharded, [1, 2]) as one:
        ready0 = await zero.next_event("READY")
        created0 = await zero.next_event("GUILD_CREATE")
        ready1 = await one.next_event("READY")
        created1 = await one.next_event("GUILD_CREATE")
        assert ready0["shard"] == [0, 2] and ready1["shard"] == [1, 2]
        assert [g["id"] for g in ready0["guilds"]] == [str(even.id)]
        assert [g["id"] for g in ready1["guilds"]] == [str(odd.id)]
        assert created0["id"] == str(even.id) and created1["id"] == str(odd.id)
        await sharded.wait_for_bot(10, shards=[0, 1])
        assert set(sharded.gateway.shards) == {0, 1}
        sent0 = [text for _seq, text in sharded.gateway.shards[0].sent]
        sent1 = [text for _seq, text in sharded.gateway.shards[1].sent]
        assert sum('"GUILD_CREATE"' in text for text in sent0) == 1
        assert sum('"GUILD_CREATE"' in text for text in sent1) == 1


async def test_interactions_go_to_their_servers_shard_and_dms_to_shard_zero(sharded: StandIn) -> None:
    async with raw_shard(sharded, [0, 2]) as zero, raw_shard(sharded, [1, 2]) as one:
        await sharded.wait_for_bot(10, shards=[0, 1])
        guild_interaction(sharded, "bea", "Odd")
        in_odd = await one.next_event("INTERACTION_CREATE")
        assert in_odd["guild_id"] == str(guild_named(sharded, "Odd").id)

        dm_interaction(sharded, "bea")
        in_dm = await zero.next_event("INTERACTION_CREATE")
        assert "guild_id" not in in_dm and in_dm["user"]["username"] == "bea"

        guild_interaction(sharded, "alice", "Even")
        in_even = await zero.next_event("INTERACTION_CREATE")
        assert in_even["guild_id"] == str(guild_named(sharded, "Even").id)

        role = sharded.add_role(guild_named(sharded, "Odd"), "Helper")
        sharded.update_role(role, guild_named(sharded, "Odd"), name="Helpers")
        assert (await one.next_event("GUILD_ROLE_UPDATE"))["role"]["name"] == "Helpers"

        # Everything each shard's session was sent: nothing about the other shard's server.
        def sent(shard_id: int) -> list[dict[str, Any]]:
            return [json.loads(text) for _seq, text in sharded.gateway.shards[shard_id].sent]

        def guild_ids(shard_id: int, event: str) -> list[str | None]:
            return [f["d"].get("guild_id") for f in sent(shard_id) if f["t"] == event]

        odd_id, even_id = str(guild_named(sharded, "Odd").id), str(guild_named(sharded, "Even").id)
        assert guild_ids(0, "INTERACTION_CREATE") == [None, even_id]
        assert guild_ids(1, "INTERACTION_CREATE") == [odd_id]
        assert guild_ids(0, "GUILD_ROLE_UPDATE") == []
        assert guild_ids(1, "GUILD_ROLE_UPDATE") == [odd_id]


async def test_an_identify_without_a_shard_is_shard_zero_of_one_and_hears_every_server(sharded: StandIn) -> None:
    async with raw_shard(sharded, None) as only:
        ready = await only.next_event("READY")
        assert ready["shard"] == [0, 1]
        assert len(ready["guilds"]) == 2
        await only.next_event("GUILD_CREATE")
        await only.next_event("GUILD_CREATE")
        guild_interaction(sharded, "bea", "Odd")
        assert (await only.next_event("INTERACTION_CREATE"))["guild_id"] == str(guild_named(sharded, "Odd").id)


@pytest.mark.parametrize("shard", [[2, 2], [-1, 2], [0, 0], [0], "0,2", [True, 2]])
async def test_an_invalid_shard_is_closed_with_4010(sharded: StandIn, shard: Any) -> None:
    async with raw_shard(sharded, shard) as client:
        with pytest.raises(ConnectionError):
            await client.next_frame()
        assert client.ws.close_code == CLOSE_INVALID_SHARD
    assert sharded.gateway.shards == {}


async def test_gateway_bot_recommends_the_shard_count_the_test_sets(sharded: StandIn) -> None:
    async with (
        aiohttp.ClientSession(headers={"Authorization": f"Bot {sharded.token}"}) as http,
        http.get(f"{sharded.api_base}/gateway/bot") as response,
    ):
        assert (await response.json())["shards"] == 2
    sharded.shard_count = 4
    async with (
        aiohttp.ClientSession(headers={"Authorization": f"Bot {sharded.token}"}) as http,
        http.get(f"{sharded.api_base}/gateway/bot") as response,
    ):
        assert (await response.json())["shards"] == 4


class ShardProbe(discord.AutoShardedClient):
    """A discord.py bot running some shards of the gateway, as one process of several would; the
    one holding shard 0 registers the global /probe command."""

    def __init__(self, shard_ids: list[int], shard_count: int) -> None:
        super().__init__(intents=discord.Intents.none(), shard_ids=shard_ids, shard_count=shard_count)
        self.tree = app_commands.CommandTree(self)
        self.answered: list[str] = []

        @self.tree.command(name="probe", description="Say which shard answered")
        @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
        async def probe(interaction: discord.Interaction[Any]) -> None:
            self.answered.append(interaction.user.name)
            await interaction.response.send_message(f"answered by shards {self.shard_ids}")

    async def setup_hook(self) -> None:
        if 0 in (self.shard_ids or []):
            await self.tree.sync()


@contextlib.asynccontextmanager
async def running(standin: StandIn, client: ShardProbe) -> AsyncIterator[ShardProbe]:
    task = asyncio.create_task(client.start(standin.token))
    try:
        yield client
    finally:
        await client.close()
        await asyncio.wait_for(task, 10)


async def test_discord_py_processes_each_with_one_shard_answer_their_own_members(sharded: StandIn) -> None:
    discord.http.Route.BASE = sharded.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(sharded.gateway_url)
    even, odd = guild_named(sharded, "Even"), guild_named(sharded, "Odd")
    async with running(sharded, ShardProbe([0], 2)) as zero, running(sharded, ShardProbe([1], 2)) as one:
        await sharded.wait_for_bot(15, shards=[0, 1])
        await asyncio.wait_for(zero.wait_until_ready(), 15)
        await asyncio.wait_for(one.wait_until_ready(), 15)
        assert [g.id for g in zero.guilds] == [even.id]
        assert [g.id for g in one.guilds] == [odd.id]

        assert [c["name"] for c in sharded.global_commands] == ["probe"]
        alice, bea = sharded.member("alice", guild=even), sharded.member("bea", guild=odd)
        assert (await bea.slash("probe")).content == "answered by shards [1]"
        assert (await alice.slash("probe")).content == "answered by shards [0]"
        assert (await bea.slash("probe", dm=True)).content == "answered by shards [0]"
        assert one.answered == ["bea"]
        assert zero.answered == ["alice", "bea"]
