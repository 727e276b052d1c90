"""Payload builders and the notification rule of the stand-in's world."""

from __future__ import annotations

from standin.state import Snowflakes, command_path, pings

NAMES = {7: "@alice", 9: "@AI Engineer"}


def test_without_allowed_mentions_every_mention_pings() -> None:
    assert pings("hey <@7> <@!7> <@&9> @here", None, NAMES) == ["@alice", "@AI Engineer", "@here"]


def test_allowed_mentions_none_pings_nobody() -> None:
    assert pings("hey <@7> <@&9> @everyone", {"parse": []}, NAMES) == []


def test_allowed_mentions_can_name_users_and_roles() -> None:
    assert pings("<@7> <@8> <@&9>", {"parse": [], "users": ["7"], "roles": [9]}, NAMES) == ["@alice", "@AI Engineer"]


def test_snowflakes_increase() -> None:
    ids = Snowflakes()
    first, second = ids.next(), ids.next()
    assert second > first > 1 << 22


def test_command_path_follows_subcommands() -> None:
    data = {
        "name": "config",
        "options": [{"type": 2, "name": "role", "options": [{"type": 1, "name": "set", "options": []}]}],
    }
    assert command_path(data) == "config role set"
    assert command_path({"name": "ask", "options": [{"type": 3, "name": "question", "value": "x"}]}) == "ask"
