"""Modals in the stand-in: Discord's limits on what the bot opens, and the client's checks on what
the member submits (prefilled values kept, required inputs, lengths)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest

from standin.member import Member
from standin.server import InteractionFailed, StandIn
from tests.e2e.probe import Probe, running_probe


@pytest.fixture
async def probe(standin: StandIn) -> AsyncIterator[Probe]:
    async with running_probe(standin) as client:
        yield client


@pytest.fixture
def alice(probe: Probe, standin: StandIn) -> Member:
    return standin.member("alice")


class Note(discord.ui.Modal, title="Write a note"):
    note: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Your note", custom_id="note", default="prefilled", min_length=3, max_length=20
    )
    extra: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Extra", custom_id="extra", required=False)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message(f"{self.note.value}/{self.extra.value}", ephemeral=True)


async def test_prefilled_values_are_kept_and_the_clients_checks_apply(probe: Probe, alice: Member) -> None:
    async def handler(interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_modal(Note())

    probe.handler = handler
    modal = await alice.open_modal("probe")
    with pytest.raises(ValueError, match="3 to 20"):
        await alice.submit_modal(modal, note="no")
    with pytest.raises(ValueError, match="required"):
        await alice.submit_modal(modal, note="")
    assert (await alice.submit_modal(modal)).content == "prefilled/"
    modal = await alice.open_modal("probe")
    assert (await alice.submit_modal(modal, {"extra": "more"}, note="mine")).content == "mine/more"


@pytest.mark.expect_failures("limit", "unacknowledged")
async def test_a_modal_title_over_45_characters_is_refused(probe: Probe, alice: Member, standin: StandIn) -> None:
    async def handler(interaction: discord.Interaction[Any]) -> None:
        modal = Note()
        modal.title = "t" * 46
        await interaction.response.send_modal(modal)

    probe.handler = handler
    with pytest.raises(InteractionFailed):
        await alice.open_modal("probe", timeout=5)
    assert any("title" in str(failure) for failure in standin.failures)
