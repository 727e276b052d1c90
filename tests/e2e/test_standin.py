"""The stand-in itself: it refuses what Discord refuses, with Discord's codes, and discord.py
copes with what it sends (429 retries, 5xx, RESUME).

Raw REST calls check the stand-in's answers exactly; a small discord.py client (`probe`) checks
the interaction paths the way any bot would meet them.
"""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands

from standin.member import Member, OptionRefused
from standin.server import InteractionFailed, StandIn
from tests.e2e.probe import Probe, running_probe
from tests.eventually import eventually


@pytest.fixture
async def probe(standin: StandIn) -> AsyncIterator[Probe]:
    async with running_probe(standin) as client:
        yield client


@pytest.fixture
def alice(probe: Probe, standin: StandIn) -> Member:
    return standin.member("alice")


@pytest.fixture
async def api(standin: StandIn) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(
        base_url=f"{standin.base_url}/", headers={"Authorization": f"Bot {standin.token}"}
    ) as session:
        yield session


def path(rest: str) -> str:
    """A REST path relative to the `api` session's base URL."""
    return f"api/v10{rest}"


async def post_message(api: aiohttp.ClientSession, standin: StandIn, payload: dict[str, Any]) -> tuple[int, Any]:
    async with api.post(path(f"/channels/{standin.channel.id}/messages"), json=payload) as response:
        assert response.headers["Content-Type"] == "application/json"
        return response.status, await response.json()


def button(custom_id: str, label: str = "b") -> dict[str, Any]:
    return {"type": 2, "style": 1, "label": label, "custom_id": custom_id}


def row(*items: dict[str, Any]) -> dict[str, Any]:
    return {"type": 1, "components": list(items)}


def embed(**fields: Any) -> dict[str, Any]:
    return {"embeds": [fields]}


def many_fields(count: int, value: str = "v") -> list[dict[str, Any]]:
    return [{"name": f"f{i}", "value": value} for i in range(count)]


# Each case: (name, payload at the limit, payload one over it).
LIMITS = [
    ("content 2000", {"content": "x" * 2000}, {"content": "x" * 2001}),
    ("embed title 256", embed(title="t" * 256), embed(title="t" * 257)),
    ("embed description 4096", embed(description="d" * 4096), embed(description="d" * 4097)),
    (
        "embed field value 1024",
        embed(fields=[{"name": "n", "value": "v" * 1024}]),
        embed(fields=[{"name": "n", "value": "v" * 1025}]),
    ),
    ("25 embed fields", embed(fields=many_fields(25)), embed(fields=many_fields(26))),
    (
        "embed total 6000",
        embed(description="d" * 4000, fields=many_fields(2, "v" * 998)),
        embed(description="d" * 4000, fields=many_fields(2, "v" * 999)),
    ),
    (
        "5 buttons a row",
        {"components": [row(*(button(f"b{i}") for i in range(5)))]},
        {"components": [row(*(button(f"b{i}") for i in range(6)))]},
    ),
    (
        "5 rows",
        {"components": [row(button(f"r{i}")) for i in range(5)]},
        {"components": [row(button(f"r{i}")) for i in range(6)]},
    ),
    ("custom_id 100", {"components": [row(button("c" * 100))]}, {"components": [row(button("c" * 101))]}),
]


@pytest.mark.parametrize(("name", "at_limit", "over_limit"), LIMITS, ids=[case[0] for case in LIMITS])
async def test_the_standin_refuses_a_message_over_each_limit(
    standin: StandIn, api: aiohttp.ClientSession, name: str, at_limit: dict[str, Any], over_limit: dict[str, Any]
) -> None:
    status, body = await post_message(api, standin, at_limit)
    assert status == 200, body
    assert standin.failures == []

    status, body = await post_message(api, standin, over_limit)
    assert status == 400
    assert body["code"] == 50035
    assert body["errors"]
    assert [f.kind for f in standin.failures] == ["limit"]
    standin.expect_failures("limit")


async def test_empty_messages_duplicate_custom_ids_and_ephemeral_channel_messages_are_refused(
    standin: StandIn, api: aiohttp.ClientSession
) -> None:
    standin.expect_failures("limit")
    for payload in ({}, {"components": [row(button("same"), button("same"))]}, {"content": "x", "flags": 64}):
        status, body = await post_message(api, standin, payload)
        assert status == 400 and body["code"] == 50035, payload


async def test_an_unknown_route_is_404_in_discords_shape_and_recorded(
    standin: StandIn, api: aiohttp.ClientSession
) -> None:
    async with api.get(path("/guilds/1/audit-logs")) as response:
        assert response.status == 404
        assert response.headers["Content-Type"] == "application/json"
        assert await response.json() == {"message": "404: Not Found", "code": 0}
    assert [f.kind for f in standin.failures] == ["unknown_route"]
    assert "GET /guilds/1/audit-logs" in str(standin.failures[0])
    with pytest.raises(AssertionError, match="unknown_route"):
        standin.assert_clean()
    standin.expect_failures("unknown_route")
    standin.assert_clean()


async def test_a_wrong_token_is_401(standin: StandIn) -> None:
    async with (
        aiohttp.ClientSession(headers={"Authorization": "Bot nope"}) as session,
        session.get(f"{standin.api_base}/users/@me") as response,
    ):
        assert response.status == 401
        assert (await response.json())["message"] == "401: Unauthorized"


async def test_command_definitions_are_validated_on_sync(standin: StandIn, api: aiohttp.ClientSession) -> None:
    bad = [{"name": "Bad Name", "description": "x", "type": 1}]
    url = path(f"/applications/{standin.application_id}/guilds/{standin.guild.id}/commands")
    async with api.put(url, json=bad) as response:
        assert response.status == 400
        assert (await response.json())["code"] == 50035
    standin.expect_failures("limit")


async def test_a_slash_command_reply_reaches_the_member(probe: Probe, alice: Member) -> None:
    async def handler(interaction: discord.Interaction[Any]) -> None:
        assert interaction.guild is not None and interaction.guild.name == "Crossroads Test"
        assert isinstance(interaction.user, discord.Member)
        await interaction.response.send_message(f"hello {interaction.user.name}", ephemeral=True)

    probe.handler = handler
    reply = await alice.slash("probe")
    assert reply.content == "hello alice"
    assert reply.ephemeral
    assert reply in alice.ephemeral
    assert reply not in alice.standin.member("morgan").channel_messages


async def test_a_payload_over_a_limit_fails_in_the_bot_with_50035(
    probe: Probe, alice: Member, standin: StandIn
) -> None:
    async def handler(interaction: discord.Interaction[Any]) -> None:
        try:
            await interaction.response.send_message(embed=discord.Embed(description="d" * 4097))
        except discord.HTTPException as exc:
            assert exc.status == 400 and exc.code == 50035
            await interaction.response.send_message("fell back")

    probe.handler = handler
    reply = await alice.slash("probe")
    assert reply.content == "fell back"
    assert [f.kind for f in standin.failures] == ["limit"]
    assert "embeds.0.description" in standin.failures[0].message
    standin.expect_failures("limit")


async def test_a_second_initial_response_is_40060(probe: Probe, alice: Member, standin: StandIn) -> None:
    statuses: list[tuple[int, int]] = []

    async def handler(interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message("first")
        url = f"{standin.api_base}/interactions/{interaction.id}/{interaction.token}/callback"
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, json={"type": 4, "data": {"content": "second"}}) as response,
        ):
            statuses.append((response.status, (await response.json())["code"]))

    probe.handler = handler
    reply = await alice.slash("probe")
    assert reply.content == "first"
    await eventually(lambda: bool(statuses), "the second response")
    assert statuses == [(400, 40060)]
    assert [f.kind for f in standin.failures] == ["already_acknowledged"]
    standin.expect_failures("already_acknowledged")


async def test_an_interaction_not_acknowledged_in_time_fails_and_is_recorded(
    probe: Probe, alice: Member, standin: StandIn
) -> None:
    standin.ack_deadline = 0.2
    failed = asyncio.Event()
    late: list[int | None] = []

    async def handler(interaction: discord.Interaction[Any]) -> None:
        await failed.wait()
        try:
            await interaction.response.send_message("too late")
        except discord.NotFound as exc:
            late.append(exc.code)

    probe.handler = handler
    with pytest.raises(InteractionFailed):
        await alice.slash("probe")
    failed.set()
    await eventually(lambda: bool(late), "the late response")
    assert late == [10062]
    assert [f.kind for f in standin.failures] == ["unacknowledged", "unknown_interaction"]
    standin.expect_failures("unacknowledged", "unknown_interaction")


async def test_autocomplete_returns_choices_and_refuses_more_than_25(
    probe: Probe, alice: Member, standin: StandIn
) -> None:
    probe.choices = [app_commands.Choice(name=f"topic {i}", value=f"t{i}") for i in range(25)]
    choices = await alice.autocomplete("probe", "text", "top")
    assert [c.value for c in choices] == [f"t{i}" for i in range(25)]

    standin.ack_deadline = 0.3
    probe.choices = [app_commands.Choice(name=f"topic {i}", value=f"t{i}") for i in range(26)]
    with pytest.raises(InteractionFailed):
        await alice.autocomplete("probe", "text", "top")
    assert [f.kind for f in standin.failures] == ["limit", "unacknowledged"]
    standin.expect_failures("limit", "unacknowledged")


async def test_a_button_click_reaches_the_bot_and_update_message_edits_in_place(probe: Probe, alice: Member) -> None:
    async def handler(interaction: discord.Interaction[Any]) -> None:
        view = discord.ui.View()
        view.add_item(discord.ui.Button(label="Yes", custom_id="probe:yes"))
        view.add_item(discord.ui.Button(label="No", custom_id="probe:no"))
        view.add_item(discord.ui.Button(label="Docs", url="https://example.org"))
        await interaction.response.send_message("Pick one", view=view)

    async def clicked(interaction: discord.Interaction[Any]) -> None:
        assert interaction.data is not None
        assert interaction.message is not None and interaction.message.content == "Pick one"
        await interaction.response.edit_message(content=f"you picked {interaction.data.get('custom_id')}", view=None)

    probe.handler = handler
    probe.click_handler = clicked
    message = await alice.slash("probe")
    assert [b.label for b in message.buttons] == ["Yes", "No", "Docs"]
    with pytest.raises(ValueError, match="link"):
        await alice.click(message, "Docs")
    after = await alice.click(message, "No")
    assert after.id == message.id
    assert after.content == "you picked probe:no"
    assert after.buttons == []
    assert message.content == "you picked probe:no"


async def test_deferred_replies_and_followups_with_files(probe: Probe, alice: Member) -> None:
    async def handler(interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send("here", file=discord.File(io.BytesIO(b"a,b\n1,2\n"), filename="data.csv"))
        await interaction.followup.send("and more", ephemeral=True)

    probe.handler = handler
    reply = await alice.slash("probe")
    assert reply.content == "here"
    assert reply.ephemeral and not reply.loading
    assert [(a.filename, a.data) for a in reply.attachments] == [("data.csv", b"a,b\n1,2\n")]
    await alice.wait_for_message(lambda m: m.content == "and more")


async def test_dms_to_a_member_with_closed_dms_are_403_50007(probe: Probe, standin: StandIn) -> None:
    casey = standin.member(standin.add_member("casey", dms_open=False))
    codes: list[int] = []

    async def handler(interaction: discord.Interaction[Any]) -> None:
        try:
            await interaction.user.send("psst")
        except discord.Forbidden as exc:
            codes.append(exc.code)
        await interaction.response.send_message("done", ephemeral=True)

    probe.handler = handler
    await casey.slash("probe")
    assert codes == [50007]
    assert casey.dms == []
    assert [r.code for r in standin.refusals] == [50007]
    assert standin.failures == []

    casey.open_dms()
    await casey.slash("probe")
    assert [m.content for m in casey.dms] == ["psst"]


async def test_a_role_above_the_bot_is_403_50013_and_one_below_is_granted(
    probe: Probe, alice: Member, standin: StandIn
) -> None:
    codes: list[int] = []

    async def handler(interaction: discord.Interaction[Any]) -> None:
        assert interaction.guild is not None and isinstance(interaction.user, discord.Member)
        for name in ("Moderator", "AI Engineer"):
            role = discord.utils.get(interaction.guild.roles, name=name)
            assert role is not None
            try:
                await interaction.user.add_roles(role)
            except discord.Forbidden as exc:
                codes.append(exc.code)
        await interaction.response.send_message("done", ephemeral=True)

    probe.handler = handler
    await alice.slash("probe")
    assert codes == [50013]
    assert alice.roles == ["AI Engineer"]


async def test_an_injected_429_is_retried_by_discord_py_after_retry_after(
    probe: Probe, alice: Member, standin: StandIn
) -> None:
    injection = standin.inject(429, method="POST", path=r"/channels/\d+/messages$", retry_after=0.3)

    async def handler(interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(ephemeral=True)
        started = time.monotonic()
        channel = interaction.channel
        assert isinstance(channel, discord.TextChannel)
        await channel.send("after the rate limit")
        await interaction.followup.send(f"waited {time.monotonic() - started:.2f}")

    probe.handler = handler
    reply = await alice.slash("probe")
    assert float(reply.content.split()[1]) >= 0.3
    assert injection.hits == 1
    assert [m.content for m in alice.channel_messages if not m.ephemeral] == ["after the rate limit"]


async def test_injected_server_errors_are_retried_or_raised(probe: Probe, alice: Member, standin: StandIn) -> None:
    standin.inject(502, method="POST", path=r"/channels/\d+/messages$")
    standin.inject(503, method="PATCH", path=r"/channels/\d+/messages/\d+$")
    outcome: list[str] = []

    async def handler(interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(ephemeral=True)
        channel = interaction.channel
        assert isinstance(channel, discord.TextChannel)
        message = await channel.send("sent after a 502")
        try:
            await message.edit(content="edited")
        except discord.DiscordServerError as exc:
            outcome.append(f"edit failed {exc.status}")
        await interaction.followup.send("done")

    probe.handler = handler
    await alice.slash("probe", timeout=15)
    assert outcome == ["edit failed 503"]
    assert [m.content for m in alice.channel_messages if not m.ephemeral] == ["sent after a 502"]


async def test_the_bot_resumes_after_a_dropped_connection_and_gets_what_it_missed(
    probe: Probe, alice: Member, standin: StandIn
) -> None:
    async def handler(interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message("still here", ephemeral=True)

    probe.handler = handler
    session = standin.gateway.current
    assert session is not None
    await standin.gateway.drop()
    assert not standin.gateway.connected
    reply = await alice.slash("probe")
    assert reply.content == "still here"
    assert standin.gateway.current is session
    assert session.resumes == 1
    assert standin.gateway.identifies == 1


async def test_the_bot_identifies_again_when_its_session_cannot_be_resumed(
    probe: Probe, alice: Member, standin: StandIn
) -> None:
    async def handler(interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message("new session", ephemeral=True)

    probe.handler = handler
    old = standin.gateway.current
    standin.gateway.sessions.clear()
    await standin.gateway.drop()
    await standin.wait_for_bot(10)
    assert standin.gateway.current is not old
    assert standin.gateway.identifies == 2
    assert (await alice.slash("probe")).content == "new session"


async def test_a_reconnect_request_is_followed_by_a_resume(probe: Probe, alice: Member, standin: StandIn) -> None:
    async def handler(interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message("resumed", ephemeral=True)

    probe.handler = handler
    session = standin.gateway.current
    assert session is not None
    await standin.gateway.request_reconnect()
    assert (await alice.slash("probe")).content == "resumed"
    assert session.resumes == 1 and standin.gateway.identifies == 1


async def test_mentions_ping_unless_allowed_mentions_suppress_them(probe: Probe, alice: Member) -> None:
    async def handler(interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message(f"hi {interaction.user.mention} and @everyone")
        await interaction.followup.send(
            f"quiet {interaction.user.mention} @everyone", allowed_mentions=discord.AllowedMentions.none()
        )

    probe.handler = handler
    loud = await alice.slash("probe")
    assert loud.pings == ["@Alice", "@everyone"]
    assert "hi @Alice and @everyone" in loud.text
    quiet = await alice.wait_for_message(lambda m: m.content.startswith("quiet"))
    assert quiet.pings == []


async def test_attachments_get_discords_content_type_and_can_be_downloaded(probe: Probe, alice: Member) -> None:
    async def handler(interaction: discord.Interaction[Any]) -> None:
        files = [
            discord.File(io.BytesIO(b"\x89PNG\r\n"), filename="chart.png"),
            discord.File(io.BytesIO(b"a,b\n"), filename="rows.csv"),
        ]
        message = await interaction.response.send_message("files", files=files)
        assert message is not None

    probe.handler = handler
    reply = await alice.slash("probe")
    assert [(a.filename, a.content_type) for a in reply.attachments] == [
        ("chart.png", "image/png"),
        ("rows.csv", "text/csv; charset=utf-8"),
    ]
    url = reply.payload["attachments"][1]["url"]
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert await response.read() == b"a,b\n"
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


async def test_select_menus_send_the_picked_values(probe: Probe, alice: Member) -> None:
    async def handler(interaction: discord.Interaction[Any]) -> None:
        view = discord.ui.View()
        menu: discord.ui.Select[Any] = discord.ui.Select(
            custom_id="probe:topics",
            max_values=2,
            options=[discord.SelectOption(label=f"Topic {n}", value=f"t{n}") for n in range(3)],
        )
        view.add_item(menu)
        await interaction.response.send_message("Pick", view=view, ephemeral=True)

    async def picked(interaction: discord.Interaction[Any]) -> None:
        assert interaction.data is not None
        raw = interaction.data.get("values")
        values = [str(value) for value in raw] if isinstance(raw, list) else []
        await interaction.response.edit_message(content=",".join(values), view=None)

    probe.handler = handler
    probe.click_handler = picked
    message = await alice.slash("probe")
    assert [o.label for o in message.selects[0].options] == ["Topic 0", "Topic 1", "Topic 2"]
    with pytest.raises(LookupError):
        await alice.select(message, "Topic 9")
    after = await alice.select(message, "Topic 2", "t0")
    assert after.content == "t2,t0"


async def test_a_modal_opens_and_its_submission_reaches_the_bot(probe: Probe, alice: Member) -> None:
    class Feedback(discord.ui.Modal, title="Feedback"):
        answer: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Your answer", custom_id="answer")

        async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
            await interaction.response.send_message(f"got {self.answer.value}", ephemeral=True)

    async def handler(interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_modal(Feedback())

    probe.handler = handler
    with pytest.raises(TypeError, match="modal"):
        await alice.slash("probe")
    modal = await alice.open_modal("probe")
    assert modal.title == "Feedback" and modal.input_ids == ["answer"]
    reply = await alice.submit_modal(modal, answer="both paths")
    assert reply.content == "got both paths"


async def test_commands_outside_their_contexts_cannot_be_run_from_dms(probe: Probe, alice: Member) -> None:
    async def handler(interaction: discord.Interaction[Any]) -> None:
        kind = "dm" if interaction.guild_id is None else "server"
        await interaction.response.send_message(f"from a {kind}")

    probe.handler = handler
    reply = await alice.slash("probe", dm=True)
    assert reply.content == "from a dm"
    assert reply in alice.dms
    with pytest.raises(LookupError, match="direct messages"):
        await alice.slash("serveronly", dm=True)
    assert (await alice.slash("serveronly")).content == "in a server"


async def test_option_values_the_client_would_not_send_never_reach_the_bot(
    probe: Probe, alice: Member, standin: StandIn
) -> None:
    reply = await alice.slash("ranged", count=10, word="hi", share=1.0, size="Large")
    assert reply.content == "10 hi 1 l"
    assert (await alice.slash("ranged", count=1, word="fives")).content == "1 fives 0.5 s"

    refused = [
        {"count": 0},
        {"count": 11},
        {"count": 5, "word": "x"},
        {"count": 5, "word": "toolong"},
        {"count": 5, "share": 1.5},
        {"count": 5, "size": "medium"},
    ]
    before = len(standin.interactions)
    for options in refused:
        with pytest.raises(OptionRefused):
            await alice.slash("ranged", **options)
    assert len(standin.interactions) == before
    assert probe.received == [(10, "hi", 1.0, "l"), (1, "fives", 0.5, "s")]
    assert standin.failures == []


async def test_role_changes_reach_the_bot(probe: Probe, standin: StandIn) -> None:
    guild = probe.get_guild(standin.guild.id)
    assert guild is not None
    role = standin.guild.role_named("AI Engineer")
    standin.update_role(role, name="AI Engineers", permissions=discord.Permissions(manage_guild=True).value)
    await eventually(lambda: getattr(guild.get_role(role.id), "name", None) == "AI Engineers", "the role update")
    cached = guild.get_role(role.id)
    assert cached is not None and cached.permissions.manage_guild
    standin.delete_role(role)
    await eventually(lambda: guild.get_role(role.id) is None, "the role deletion")
    assert "AI Engineers" not in standin.roles_of("alice")


async def test_follow_ups_stop_working_when_the_interaction_token_expires(
    probe: Probe, alice: Member, standin: StandIn
) -> None:
    expired = asyncio.Event()
    codes: list[int] = []

    async def handler(interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message("first", ephemeral=True)
        await expired.wait()
        try:
            await interaction.edit_original_response(content="too late")
        except discord.HTTPException as exc:
            codes.append(exc.code)

    probe.handler = handler
    reply = await alice.slash("probe")
    # Every token is now older than its lifetime: the edit that follows comes after expiry.
    standin.token_lifetime = 0.0
    expired.set()
    await eventually(lambda: bool(codes), "the late edit")
    assert codes == [50027]
    assert reply.content == "first"
    assert [f.code for f in standin.failures] == [50027]
    standin.expect_failures("bad_request")
