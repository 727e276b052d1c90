"""Admin commands through the Discord stand-in: /kb reload, /kb unanswered, /stats and /config."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bot.sandbox.harness import InProcessBot
from bot.storage import quiz as qs
from standin.member import Member, Message, OptionRefused
from standin.server import StandIn
from standin.state import Perm
from tests.e2e.database import Database, db_rows
from tests.eventually import eventually

DATA = Path(__file__).resolve().parents[2] / "data"
OFF_TOPIC = "what will the weather be like in Lisbon tomorrow"
REFUSAL = "Only members with the Manage Server permission"


def answer_embed_title(reply: Message) -> str:
    return reply.embed.title or ""


# Who may use the commands


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("kb reload", {}),
        ("kb unanswered", {}),
        ("stats", {}),
        ("config show", {}),
        ("config rewards", {"enabled": False}),
        ("config expiry", {"hours": 2}),
        ("config ask", {"visibility": "private"}),
        ("config role", {"path": "ai", "role": "AI Engineer"}),
    ],
)
async def test_a_member_without_manage_server_is_refused(
    bot: InProcessBot, standin: StandIn, member: Member, command: str, options: dict[str, Any]
) -> None:
    reply = await member.slash(command, options=options)
    assert reply.ephemeral
    assert REFUSAL in reply.content
    assert f"/{command}" in reply.content
    assert not reply.attachments
    config = await bot.client.store.get_config(standin.guild.id)
    assert config == type(config)(guild_id=standin.guild.id)


async def test_admin_commands_are_hidden_from_members_by_default(bot: InProcessBot, standin: StandIn) -> None:
    commands = {c["name"]: c for c in standin.guild_commands[standin.guild.id]}
    for name in ("kb", "stats", "config"):
        assert int(commands[name]["default_member_permissions"]) == Perm.MANAGE_GUILD
        assert commands[name]["contexts"] == [0]
        assert commands[name]["dm_permission"] is False
    assert commands["mydata"]["default_member_permissions"] is None
    assert commands["mydata"]["contexts"] == [0, 1]


# /kb reload


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(DATA / "knowledge", target / "knowledge")
    shutil.copytree(DATA / "quizzes", target / "quizzes")
    return target


@pytest.fixture
async def bot_on_copy(standin: StandIn, database: Database, content_dir: Path) -> AsyncIterator[InProcessBot]:
    running = InProcessBot(standin, database.settings(standin, content_dir=content_dir))
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


def retitle(content_dir: Path, old: str, new: str) -> None:
    path = content_dir / "knowledge" / "getting-in.yaml"
    text = path.read_text(encoding="utf-8")
    assert f"title: {old}\n" in text
    path.write_text(text.replace(f"title: {old}\n", f"title: {new}\n", 1), encoding="utf-8")


async def test_reload_puts_edited_content_into_service(
    bot_on_copy: InProcessBot, standin: StandIn, content_dir: Path
) -> None:
    admin = standin.member("morgan")
    member = standin.member("alice")
    before = await member.slash("ask", question="is AI engineering easier to get into?")
    assert answer_embed_title(before) == "Is AI Engineering easier to get into than ML Engineering?"

    retitle(content_dir, "Is AI Engineering easier to get into than ML Engineering?", "Which door is easier to open?")
    reply = await admin.slash("kb reload")

    assert reply.ephemeral
    assert reply.embed.title == "Content reloaded"
    entries = len(bot_on_copy.client.content.knowledge)
    assert f"now has {entries} entries (it had {entries})" in (reply.embed.description or "")
    after = await member.slash("ask", question="is AI engineering easier to get into?")
    assert answer_embed_title(after) == "Which door is easier to open?"


async def test_reload_with_broken_content_keeps_the_old_content(
    bot_on_copy: InProcessBot, standin: StandIn, content_dir: Path
) -> None:
    admin = standin.member("morgan")
    member = standin.member("alice")
    in_service = bot_on_copy.client.content
    retitle(content_dir, "Is AI Engineering easier to get into than ML Engineering?", "Changed but never served")
    broken = content_dir / "knowledge" / "pay-and-jobs.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("answer:", "answr:", 1), encoding="utf-8")
    (content_dir / "quizzes" / "path.yaml").write_text("id: path\nkind: path\nquestions: [\n", encoding="utf-8")

    reply = await admin.slash("kb reload")

    embed = reply.embed
    assert embed.title is not None and embed.title.startswith("Content not reloaded:")
    description = embed.description or ""
    assert "the old content stays in service" in description
    assert "knowledge/pay-and-jobs.yaml" in description
    assert "quizzes/path.yaml" in description
    assert bot_on_copy.client.content is in_service
    still = await member.slash("ask", question="is AI engineering easier to get into?")
    assert answer_embed_title(still) == "Is AI Engineering easier to get into than ML Engineering?"


async def test_reload_keeps_a_running_quiz_on_the_version_it_started_with(
    bot_on_copy: InProcessBot, standin: StandIn, content_dir: Path
) -> None:
    admin = standin.member("morgan")
    member = standin.member("alice")
    await member.slash("quiz start", quiz="path")
    first = await member.wait_for_dm(lambda m: bool(m.buttons))
    path_file = content_dir / "quizzes" / "path.yaml"
    path_file.write_text(
        path_file.read_text(encoding="utf-8").replace("title: Path finder", "title: Path finder, new edition", 1),
        encoding="utf-8",
    )

    reply = await admin.slash("kb reload")

    assert reply.embed.title == "Content reloaded"
    quizzes = reply.embed.field("Quizzes").value
    assert "Changed: path." in quizzes
    assert "1 quiz session already running keep the version they started with" in quizzes
    after = await member.click(first, 0)
    assert after.id == first.id
    assert all(button.disabled for button in after.buttons)
    second = await member.wait_for_dm(lambda m: bool(m.buttons) and not m.buttons[0].disabled)
    assert "question 2 of 10" in (second.embed.title or "")


# /kb unanswered


async def test_unanswered_lists_declined_questions_with_a_csv(
    bot: InProcessBot, standin: StandIn, member: Member, admin: Member
) -> None:
    for question in (OFF_TOPIC, OFF_TOPIC.upper(), "how do I tame a dragon in minecraft"):
        reply = await member.slash("ask", question=question)
        assert reply.embeds
    await admin.slash("ask", question="how much do ML engineers make")

    reply = await admin.slash("kb unanswered", days=7)

    assert reply.ephemeral
    embed = reply.embed
    assert embed.title == "Unanswered questions, last 7 days"
    lines = (embed.description or "").splitlines()
    assert lines[0].startswith("**2×** ")
    assert OFF_TOPIC.upper() in lines[0]  # the latest wording
    assert "dragon" in lines[1]
    assert not any("ML engineers make" in line for line in lines)
    [attachment] = reply.attachments
    assert attachment.filename == "unanswered.csv"
    rows = list(csv.DictReader(io.StringIO(attachment.text)))
    assert [(row["question"], row["times_asked"], row["members"]) for row in rows] == [
        (OFF_TOPIC.upper(), "2", "1"),
        ("how do I tame a dragon in minecraft", "1", "1"),
    ]
    assert all(row["last_asked_utc"].endswith("+00:00") for row in rows)


async def test_unanswered_with_nothing_to_show_is_a_sentence(bot: InProcessBot, admin: Member) -> None:
    reply = await admin.slash("kb unanswered")
    assert reply.content.startswith("No question went unanswered in the last 7 days")
    assert not reply.embeds and not reply.attachments


@pytest.mark.parametrize("days", [0, 366, -5])
async def test_days_outside_the_range_cannot_be_sent(
    bot: InProcessBot, standin: StandIn, admin: Member, days: int
) -> None:
    for command in ("kb unanswered", "stats"):
        with pytest.raises(OptionRefused, match="1 to 365"):
            await admin.slash(command, days=days)
    assert (await admin.slash("stats", days=365)).content.startswith("Nothing to show for the last 365 days")


# /stats


async def test_stats_with_no_activity_is_a_sentence_not_a_chart(bot: InProcessBot, admin: Member) -> None:
    reply = await admin.slash("stats", days=30)
    assert reply.content.startswith("Nothing to show for the last 30 days")
    assert not reply.attachments and not reply.embeds


async def test_stats_shows_figures_and_a_png_chart(
    bot: InProcessBot, standin: StandIn, member: Member, admin: Member
) -> None:
    await member.slash("ask", question="how much do ML engineers make")
    await member.slash("ask", question="what is the salary of an ML engineer")
    await admin.slash("ask", question=OFF_TOPIC)
    store = bot.client.store
    plan = '{"questions": [{"id": "q1"}, {"id": "q2"}]}'
    done = await store.create_session(
        guild_id=standin.guild.id,
        user_id=standin.user_named("alice").id,
        quiz_id="knowledge",
        quiz_version="v",
        seed=1,
        plan=plan,
        total=2,
    )
    await store.record_answer(done.id, question_id="q1", choice_id="a", correct=True, expected_position=0)
    await store.record_answer(
        done.id,
        question_id="q2",
        choice_id="b",
        correct=False,
        expected_position=1,
        finish=qs.Finish(result={}, score=1, total=2),
    )
    await store.create_session(
        guild_id=standin.guild.id,
        user_id=standin.user_named("morgan").id,
        quiz_id="knowledge",
        quiz_version="v",
        seed=2,
        plan=plan,
        total=2,
    )

    reply = await admin.slash("stats", days=30)

    embed = reply.embed
    assert embed.title == "Crossroads in this server, last 30 days"
    assert embed.field("Questions").value.startswith("3 questions asked: 2 answered (67%), 1 declined")
    assert "(2)" in embed.field("Most used answers").value
    assert "knowledge: 2 started, 1 completed (50%)" in embed.field("Quizzes").value
    assert "average 1.0 of 2 (50%)" in embed.field("Knowledge check").value
    assert embed.image == "attachment://stats.png"
    [chart] = reply.attachments
    assert chart.filename == "stats.png"
    assert chart.content_type == "image/png"
    image = Image.open(io.BytesIO(chart.data))
    image.load()
    assert image.format == "PNG"
    assert image.size == (1200, 800)


# /config


async def test_config_show_lists_the_defaults(bot: InProcessBot, admin: Member) -> None:
    reply = await admin.slash("config show")
    fields = {f.name: f.value for f in reply.embed.fields}
    assert fields["AI Engineer role"] == "not set"
    assert fields["ML Engineer role"] == "not set"
    assert fields["Role rewards"].startswith("on")
    assert fields["Quiz expiry"] == "24 hours without an answer"
    assert fields["/ask replies"].startswith("public")


async def test_config_maps_a_role_below_the_bot(bot: InProcessBot, standin: StandIn, admin: Member) -> None:
    role = standin.guild.role_named("ML Engineer")
    reply = await admin.slash("config role", path="ml", role=role)
    assert reply.content == ("Members whose path finder result is ML Engineer now get the role **ML Engineer**.")
    assert reply.embed.field("ML Engineer role").value == f"<@&{role.id}>"
    rows = db_rows(bot.settings, "SELECT ml_role_id, ai_role_id FROM guild_config")
    assert [tuple(r) for r in rows] == [(role.id, None)]

    cleared = await admin.slash("config role", path="ml")
    assert cleared.content == "Members whose path finder result is ML Engineer no longer get a role."
    assert (await bot.client.store.get_config(standin.guild.id)).ml_role_id is None


async def test_config_refuses_a_role_above_the_bot(bot: InProcessBot, standin: StandIn, admin: Member) -> None:
    reply = await admin.slash("config role", path="ai", role="Moderator")
    assert "is not below my highest role" in reply.content
    assert "drag" in reply.content and "then run /config again" in reply.content
    assert not reply.embeds
    assert (await bot.client.store.get_config(standin.guild.id)).ai_role_id is None


async def test_config_refuses_everyone_managed_and_foreign_roles(
    bot: InProcessBot, standin: StandIn, admin: Member
) -> None:
    everyone = standin.guild.roles[standin.guild.id]
    bot_role = standin.guild.roles[standin.bot_role_id(standin.guild)]
    other = standin.add_guild("Another server")
    foreign = standin.add_role(other, "Elsewhere", position=1)

    assert "@everyone cannot be a reward" in (await admin.slash("config role", path="ai", role=everyone)).content
    assert "managed by an integration" in (await admin.slash("config role", path="ai", role=bot_role)).content
    assert (await admin.slash("config role", path="ai", role=foreign)).content == (
        "That role is not one of this server's roles. Pick a role from this server."
    )
    assert (await bot.client.store.get_config(standin.guild.id)).ai_role_id is None


async def test_config_says_when_the_bot_lacks_manage_roles(bot: InProcessBot, standin: StandIn, admin: Member) -> None:
    guild = standin.guild
    bot_role = guild.roles[standin.bot_role_id(guild)]
    bot_role.permissions &= ~Perm.MANAGE_ROLES
    standin.gateway.dispatch("GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": bot_role.payload()})
    cached = bot.client.get_guild(guild.id)
    assert cached is not None
    await eventually(lambda: not cached.me.guild_permissions.manage_roles, "the bot role losing Manage Roles")

    reply = await admin.slash("config role", path="ai", role="AI Engineer")

    assert reply.content.startswith("I need the Manage Roles permission to give roles.")
    assert (await bot.client.store.get_config(guild.id)).ai_role_id is None


async def test_config_show_flags_a_mapped_role_that_was_deleted(
    bot: InProcessBot, standin: StandIn, admin: Member
) -> None:
    guild = standin.guild
    role = guild.role_named("AI Engineer")
    await admin.slash("config role", path="ai", role=role)
    del guild.roles[role.id]
    standin.gateway.dispatch("GUILD_ROLE_DELETE", {"guild_id": str(guild.id), "role_id": str(role.id)})
    cached = bot.client.get_guild(guild.id)
    assert cached is not None
    await eventually(lambda: cached.get_role(role.id) is None, "the role deletion")

    reply = await admin.slash("config show")

    assert reply.embed.field("AI Engineer role").value == (
        f"a deleted role (id {role.id}); set a new one with /config role"
    )


async def test_config_rewards_expiry_and_ask_visibility_are_stored(
    bot: InProcessBot, standin: StandIn, admin: Member
) -> None:
    off = await admin.slash("config rewards", enabled=False)
    assert off.content.startswith("Role rewards are off")
    expiry = await admin.slash("config expiry", hours=48)
    assert expiry.content == "Quizzes now expire after 48 hours without an answer."
    private = await admin.slash("config ask", visibility="private")
    assert private.content.startswith("/ask replies are now private by default")

    config = await bot.client.store.get_config(standin.guild.id)
    assert (config.role_rewards, config.quiz_expiry_hours, config.ask_private) == (False, 48, True)
    fields = {f.name: f.value for f in private.embed.fields}
    assert fields["Role rewards"].startswith("off")
    assert fields["Quiz expiry"] == "48 hours without an answer"
    assert fields["/ask replies"].startswith("private")


@pytest.mark.parametrize("hours", [0, 169, 10_000])
async def test_config_expiry_outside_the_range_is_refused(
    bot: InProcessBot, standin: StandIn, admin: Member, hours: int
) -> None:
    with pytest.raises(OptionRefused, match="1 to 168"):
        await admin.slash("config expiry", hours=hours)
    assert (await bot.client.store.get_config(standin.guild.id)).quiz_expiry_hours == 24


async def test_private_ask_setting_makes_ask_replies_ephemeral(
    bot: InProcessBot, standin: StandIn, member: Member, admin: Member
) -> None:
    public = await member.slash("ask", question="how much do ML engineers make")
    assert not public.ephemeral
    await admin.slash("config ask", visibility="private")
    private = await member.slash("ask", question="how much do ML engineers make")
    assert private.ephemeral


async def test_a_bot_owner_may_run_admin_commands_without_manage_server(standin: StandIn, database: Database) -> None:
    owner = standin.member("alice")
    running = InProcessBot(standin, database.settings(standin, owner_ids=frozenset({owner.user.id})))
    await running.start()
    try:
        changed = await owner.slash("config ask", options={"visibility": "private"})
        assert REFUSAL not in changed.content
        config = await running.client.store.get_config(standin.guild.id)
        assert config.ask_private
        standin.add_member("casey", guild=standin.guild)
        refused = await standin.member("casey").slash("config show")
        assert REFUSAL in refused.content and "/config show" in refused.content
    finally:
        await running.stop()
