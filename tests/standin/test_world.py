"""The world a stand-in starts with: a generic server by default, the Crossroads one for the bot."""

from __future__ import annotations

from bot.sandbox.world import crossroads_standin
from standin.server import StandIn
from standin.state import Perm


def test_the_default_world_is_a_generic_server_with_a_member_and_an_admin() -> None:
    standin = StandIn()
    assert standin.guild.name == "Test Server"
    assert standin.channel.name == "general"
    assert standin.bot_user.username == "Bot"
    assert standin.roles_of("alice") == []
    assert standin.roles_of("morgan") == ["Admin"]
    assert standin.guild.permissions_of(standin.user_named("morgan").id) & Perm.MANAGE_GUILD


def test_the_crossroads_world_adds_the_path_roles_below_the_bot_and_a_results_channel() -> None:
    standin = crossroads_standin()
    guild = standin.guild
    assert guild.name == "Crossroads Test"
    assert standin.bot_user.username == "Crossroads"
    assert guild.channel_named("quiz-results") is not None
    bot_role = guild.roles[standin.bot_role_id(guild)]
    for name in ("AI Engineer", "ML Engineer"):
        assert guild.role_named(name).position < bot_role.position
    assert guild.role_named("Moderator").position > bot_role.position


def test_a_sharded_crossroads_world_has_a_server_on_each_shard() -> None:
    standin = crossroads_standin(shard_count=3)
    assert standin.guild.name == "Crossroads Test"
    by_shard = {standin.shard_of(guild): guild.name for guild in standin.guilds.values()}
    assert by_shard == {0: "Crossroads Test", 1: "Crossroads Shard 1", 2: "Crossroads Shard 2"}
    assert all(guild.channel_named("general") is not None for guild in standin.guilds.values())
