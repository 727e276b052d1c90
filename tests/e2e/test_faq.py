"""/ask, /faq, /role and /compare through the Discord stand-in, as members use them."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import yaml

from bot.sandbox.harness import InProcessBot
from bot.storage.asks import AskRecord
from bot.ui.faq import DECLINED_TITLE
from cogs.faq import ASK_RATE
from standin.member import Member, Message
from standin.server import StandIn
from tests.e2e.database import Database
from tests.eventually import eventually

SALARY_TITLE = "Which role pays more?"
DATA = Path(__file__).resolve().parents[2] / "data"


def buttons(message: Message) -> list[str]:
    return [button.custom_id or "" for button in message.buttons]


def topics(message: Message) -> list[str]:
    """The topic buttons' custom_ids, without the vote buttons."""
    return [custom_id for custom_id in buttons(message) if custom_id.startswith("faq:")]


def choice(message: Message, entry_id: str) -> str:
    """The custom_id of the "closest topics" button for `entry_id`."""
    [custom_id] = [c for c in buttons(message) if c.split(":")[:2] == ["faq", entry_id]]
    return custom_id


async def asks(bot: InProcessBot, standin: StandIn) -> list[AskRecord]:
    return await bot.client.store.recent_asks(standin.guild.id)


async def test_ask_answers_in_the_members_words_with_related_topics(
    bot: InProcessBot, standin: StandIn, member: Member
) -> None:
    reply = await member.slash("ask", question="how much do MLEs make??")

    assert not reply.ephemeral
    embed = reply.embeds[0]
    assert embed.title == SALARY_TITLE
    assert "$120k–$180k" in (embed.description or "")
    assert "$110k–$160k" in (embed.description or "")
    assert embed.footer == "You asked: how much do MLEs make??"
    assert topics(reply) == ["faq:total-compensation:r", "faq:location-and-pay:r", "faq:job-market:r"]
    [logged] = await asks(bot, standin)
    assert [button.label for button in reply.buttons][-2:] == ["Helpful", "Not what I asked"]
    assert buttons(reply)[-2:] == [f"vote:{logged.id}:h", f"vote:{logged.id}:n"]


async def test_every_ask_is_logged_for_admins(bot: InProcessBot, standin: StandIn, member: Member) -> None:
    await member.slash("ask", question="do I need a PhD?")
    await member.slash("ask", question="best minecraft seed?")

    declined, answered = await asks(bot, standin)
    assert (answered.question, answered.entry_id, answered.matched, answered.command) == (
        "do I need a PhD?",
        "degree-needed",
        True,
        "ask",
    )
    assert answered.user_id == member.id and answered.guild_id == standin.guild.id
    assert answered.normalized == "do i need a phd"
    assert answered.score >= bot.client.content.knowledge.matcher.threshold
    assert (declined.question, declined.entry_id, declined.matched) == ("best minecraft seed?", None, False)


async def test_off_topic_is_declined_honestly(bot: InProcessBot, member: Member) -> None:
    reply = await member.slash("ask", question="what's the weather like today")

    assert reply.embeds[0].title == DECLINED_TITLE
    description = reply.embeds[0].description or ""
    assert "/faq" in description and "/quiz start" in description
    assert not [custom_id for custom_id in buttons(reply) if custom_id.startswith("vote:")]


async def test_a_near_miss_offers_choices_and_a_click_answers_it(
    bot: InProcessBot, standin: StandIn, member: Member
) -> None:
    reply = await member.slash("ask", question="how much do pro gamers make")

    assert reply.embeds[0].title == DECLINED_TITLE
    assert "Closest topics" in (reply.embeds[0].description or "")
    choices = buttons(reply)
    assert 1 <= len(choices) <= 3
    [asked] = await asks(bot, standin)
    assert choices[0] == f"faq:salary-comparison:q{asked.id}"

    answered = await member.click(reply, custom_id=choices[0])

    assert answered.id == reply.id
    assert answered.embeds[0].title == SALARY_TITLE
    assert answered.embeds[-1].footer == "You asked: how much do pro gamers make"
    assert "faq:total-compensation:r" in buttons(answered)
    click = (await asks(bot, standin))[0]
    assert (click.command, click.entry_id, click.matched) == ("suggestion", "salary-comparison", True)
    assert click.question == "how much do pro gamers make"
    assert buttons(answered)[-2:] == [f"vote:{click.id}:h", f"vote:{click.id}:n"]


async def test_someone_elses_choice_click_answers_them_privately(
    bot: InProcessBot, standin: StandIn, member: Member
) -> None:
    reply = await member.slash("ask", question="how much do pro gamers make")
    other = standin.member("morgan")

    seen = await other.click(reply, custom_id=choice(reply, "salary-comparison"))

    assert seen.ephemeral and seen.id != reply.id
    assert seen.embeds[0].title == SALARY_TITLE
    assert seen.embeds[-1].footer is None, "another member's question never labels this answer"
    assert reply.embeds[0].title == DECLINED_TITLE
    click = (await asks(bot, standin))[0]
    assert (click.user_id, click.question) == (other.id, SALARY_TITLE)


async def test_a_related_topic_button_shows_that_topic_privately(bot: InProcessBot, member: Member) -> None:
    reply = await member.slash("ask", question="what skills does an ai engineer need")

    seen = await member.click(reply, custom_id="faq:tools-and-frameworks:r")

    assert seen.ephemeral
    assert seen.embeds[0].title == "Tools and frameworks for each role"
    assert reply.embeds[0].title == "Skills an AI Engineer needs"


async def test_topic_buttons_still_work_after_a_restart(bot: InProcessBot, member: Member) -> None:
    reply = await member.slash("ask", question="how much do pro gamers make")
    await bot.restart()

    answered = await member.click(reply, custom_id=choice(reply, "salary-comparison"))

    assert answered.embeds[0].title == SALARY_TITLE
    assert answered.embeds[-1].footer == "You asked: how much do pro gamers make"


async def test_faq_autocomplete_offers_the_best_topics_first(bot: InProcessBot, member: Member) -> None:
    choices = await member.autocomplete("faq", "topic", "sal")
    assert 1 <= len(choices) <= 25
    assert choices[0].value == "salary-comparison"
    assert choices[0].name == SALARY_TITLE

    everything = await member.autocomplete("faq", "topic", "")
    assert len(everything) == min(25, len(bot.client.content.knowledge))
    typo = await member.autocomplete("faq", "topic", "pytroch")
    assert typo and typo[0].value == "tools-and-frameworks"


async def test_faq_answers_a_chosen_topic_and_a_typed_title(
    bot: InProcessBot, standin: StandIn, member: Member
) -> None:
    chosen = await member.slash("faq", topic="community")
    assert chosen.embeds[0].title == "The AI Native Engineer community"

    typed = await member.slash("faq", topic="Do I need a degree or a PhD?")
    assert typed.embeds[0].title == "Do I need a degree or a PhD?"

    free = await member.slash("faq", topic="salary")
    assert free.embeds[0].title == SALARY_TITLE

    logged = await asks(bot, standin)
    assert [r.command for r in logged] == ["faq", "faq", "faq"]
    assert [r.entry_id for r in logged] == ["salary-comparison", "degree-needed", "community"]


async def test_role_shows_the_profile_card(bot: InProcessBot, member: Member) -> None:
    ai = await member.slash("role", path="ai")
    embed = ai.embeds[0]
    assert embed.title == "AI Engineer"
    fields = {field.name: field.value for field in embed.fields}
    assert "$110k–$160k" in fields["Salary"]
    assert "OpenAI" in fields["Tools"] or "OpenAI" in fields["What they build"]
    assert "Deployment and serving" in fields["ML lifecycle focus"]
    assert "ML Engineering" in fields["Switching to the other role"]

    ml = await member.slash("role", path="ml")
    fields = {field.name: field.value for field in ml.embeds[0].fields}
    assert ml.embeds[0].title == "ML Engineer"
    assert "$120k–$180k" in fields["Salary"]
    assert "PyTorch, TensorFlow or JAX" in fields["Tools"]


async def test_compare_puts_the_roles_side_by_side(bot: InProcessBot, member: Member) -> None:
    reply = await member.slash("compare")

    embed = reply.embeds[0]
    assert embed.title == "AI Engineer vs ML Engineer"
    fields = {field.name: field.value for field in embed.fields}
    assert fields["Salary (base) · AI Engineer"] == "$110k–$160k"
    assert fields["Salary (base) · ML Engineer"] == "$120k–$180k"
    names = [field.name for field in embed.fields]
    assert names.index("Skills · AI Engineer") + 1 == names.index("Skills · ML Engineer")


async def test_private_flag_and_server_default(bot: InProcessBot, standin: StandIn, member: Member) -> None:
    private = await member.slash("ask", question="do I need a degree", private=True)
    assert private.ephemeral
    assert (await member.slash("role", path="ml", private=True)).ephemeral
    assert (await member.slash("compare", private=True)).ephemeral
    assert (await member.slash("faq", topic="community", private=True)).ephemeral

    await bot.client.store.set_ask_private(standin.guild.id, True)
    assert (await member.slash("ask", question="do I need a degree")).ephemeral
    assert not (await member.slash("ask", question="do I need a degree", private=False)).ephemeral


async def test_a_declined_private_question_can_still_be_answered_by_a_click(bot: InProcessBot, member: Member) -> None:
    reply = await member.slash("ask", question="how much do pro gamers make", private=True)
    assert reply.ephemeral

    answered = await member.click(reply, custom_id=choice(reply, "salary-comparison"))

    assert answered.embeds[0].title == SALARY_TITLE


async def test_echoed_questions_never_ping(bot: InProcessBot, standin: StandIn, member: Member) -> None:
    other = standin.member("morgan")
    question = f"@everyone <@{other.id}> <@&{standin.guild.id}> how much do ML engineers make"

    reply = await member.slash("ask", question=question)
    declined = await member.slash("ask", question=f"@everyone <@{other.id}> lol")

    for message in (reply, declined):
        assert message.content == ""
        assert message.pings == []
        assert message.payload.get("mention_everyone") is False
        assert message.payload.get("mentions") == []
        assert message.embeds[0].footer is not None and "@everyone" in message.embeds[0].footer


async def test_a_busy_database_does_not_hold_up_the_answer(
    bot: InProcessBot, standin: StandIn, member: Member, database: Database
) -> None:
    async with database.write_lock():
        reply = await member.slash("ask", question="do i need a degree")
        assert reply.embeds[0].title == "Do I need a degree or a PhD?"
        assert database.rows("SELECT COUNT(*) FROM ask_log")[0][0] == 0

    await eventually(lambda: asks(bot, standin), "the question log's background retry", within=10)
    logged = await asks(bot, standin)
    assert [(r.question, r.entry_id) for r in logged] == [("do i need a degree", "degree-needed")]


@pytest.fixture
async def bot_with_a_long_answer(standin: StandIn, database: Database, tmp_path: Path) -> AsyncIterator[InProcessBot]:
    content = tmp_path / "content"
    shutil.copytree(DATA / "knowledge", content / "knowledge")
    shutil.copytree(DATA / "quizzes", content / "quizzes")
    path = content / "knowledge" / "switching-and-community.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    paragraph = " ".join(["Members share what worked for them and what did not, week after week."] * 8)
    [community] = [entry for entry in data["entries"] if entry["id"] == "community"]
    community["answer"] = "\n\n".join([paragraph] * 8)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    running = InProcessBot(standin, database.settings(standin, content_dir=content))
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


async def test_a_long_answer_arrives_whole_in_one_message(
    bot_with_a_long_answer: InProcessBot, standin: StandIn
) -> None:
    reply = await standin.member("alice").slash("faq", topic="community")

    assert len(reply.embeds) == 2
    assert reply.embeds[0].title == "The AI Native Engineer community"
    text = " ".join(embed.description or "" for embed in reply.embeds)
    assert text.count("Members share what worked for them") == 64
    assert reply.embeds[-1].footer is None


async def test_ask_works_in_direct_messages_too(bot: InProcessBot, member: Member) -> None:
    reply = await member.slash("ask", dm=True, question="how much do ml engineers make")

    assert reply.embeds[0].title == SALARY_TITLE
    [record] = await bot.client.store.recent_asks(None)
    assert (record.guild_id, record.user_id, record.entry_id) == (None, member.id, "salary-comparison")


async def test_a_member_asking_faster_than_the_cooldown_is_told_to_slow_down(member: Member) -> None:
    for _ in range(ASK_RATE):
        answered = await member.slash("ask", question="how much do ML engineers make")
        assert "Slow down" not in answered.text
    refused = await member.slash("ask", question="how much do ML engineers make")
    assert refused.ephemeral and "Slow down a little: try again in" in refused.text
