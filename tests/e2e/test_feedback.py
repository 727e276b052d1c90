"""Votes on answers, long messages, inert echoes and honest declines, through the Discord stand-in."""

from __future__ import annotations

import json

from bot.sandbox.harness import InProcessBot
from bot.ui.faq import DECLINED_TITLE, UNCOVERED_TITLE
from standin.member import Member, Message
from standin.server import StandIn
from tests.e2e.database import db_rows

SALARY_TITLE = "Which role pays more?"
CHOOSING_TITLE = "AI Engineer or ML Engineer — which should I choose?"


def votes(message: Message) -> list[str]:
    return [b.custom_id or "" for b in message.buttons if (b.custom_id or "").startswith("vote:")]


async def test_a_member_votes_and_changes_their_vote(bot: InProcessBot, standin: StandIn, member: Member) -> None:
    reply = await member.slash("ask", question="how much do ML engineers make")
    [helpful, wrong] = votes(reply)

    first = await member.click(reply, "Helpful")
    assert first.ephemeral and first.content == "Thanks, marked as helpful."
    again = await member.click(reply, "Helpful")
    assert "nothing changed" in again.content
    changed = await member.click(reply, "Not what I asked")
    assert changed.content.startswith("Vote changed.")

    database = bot.settings
    [ask_id] = [r.id for r in await bot.client.store.recent_asks(standin.guild.id)]
    assert helpful == f"vote:{ask_id}:h" and wrong == f"vote:{ask_id}:n"
    rows = db_rows(database, "SELECT ask_id, user_id, helpful FROM ask_votes")
    assert [tuple(row) for row in rows] == [(ask_id, member.user.id, 0)]


async def test_each_member_has_one_vote_per_answer(bot: InProcessBot, standin: StandIn, member: Member) -> None:
    reply = await member.slash("faq", topic="community")
    assert [b.label for b in reply.buttons][-2:] == ["Helpful", "Not what I asked"]
    other = standin.member("morgan")

    await member.click(reply, "Helpful")
    await other.click(reply, "Not what I asked")

    rows = db_rows(bot.settings, "SELECT user_id, helpful FROM ask_votes ORDER BY user_id")
    assert sorted(tuple(row) for row in rows) == sorted([(member.user.id, 1), (other.user.id, 0)])


async def test_votes_survive_a_restart(bot: InProcessBot, member: Member) -> None:
    reply = await member.slash("ask", question="do I need a PhD")
    await bot.restart()

    voted = await member.click(reply, "Not what I asked")

    assert "not what you asked" in voted.content


async def test_admins_see_answers_marked_wrong_grouped_by_entry(
    bot: InProcessBot, standin: StandIn, member: Member, admin: Member
) -> None:
    for question in ("how much do ML engineers make", "what do ai engineers earn"):
        reply = await member.slash("ask", question=question)
        await member.click(reply, "Not what I asked")
    liked = await member.slash("ask", question="do I need a PhD")
    await member.click(liked, "Helpful")

    reply = await admin.slash("kb feedback", days=7)

    assert reply.ephemeral
    text = reply.embed.description or ""
    assert f"**{SALARY_TITLE}** (`salary-comparison`) · 2 votes" in text
    assert "how much do ML engineers make" in text and "what do ai engineers earn" in text
    assert "PhD" not in text

    stats = await admin.slash("stats", days=7)
    fields = {f.name: f.value for f in stats.embed.fields}
    assert "Votes on answers: 1 Helpful, 2 Not what I asked" in fields["Questions"]


async def test_feedback_with_no_votes_is_a_sentence(bot: InProcessBot, admin: Member, member: Member) -> None:
    reply = await admin.slash("kb feedback")
    assert "No answer was marked" in reply.content
    refused = await member.slash("kb feedback")
    assert "Manage Server" in refused.content


async def test_mydata_shows_and_deletes_votes(bot: InProcessBot, standin: StandIn, member: Member) -> None:
    reply = await member.slash("ask", question="how much do ML engineers make")
    await member.click(reply, "Not what I asked")
    other = standin.member("morgan")
    theirs = await other.slash("ask", question="do I need a PhD")
    await member.click(theirs, "Helpful")

    shown = await member.slash("mydata show")
    fields = {f.name: f.value for f in shown.embed.fields}
    assert fields["Your votes on answers"] == "2 votes: 1 Helpful, 1 Not what I asked."
    data = json.loads(shown.attachments[0].text)
    assert sorted(v["helpful"] for v in data["answer_votes"]) == [0, 1]

    prompt = await member.slash("mydata delete")
    assert "2 votes on answers" in (prompt.embed.description or "")
    await member.click(prompt, "Delete all my data")

    database = bot.settings
    assert db_rows(database, "SELECT * FROM ask_votes WHERE user_id = ?", (member.user.id,)) == []
    [count] = db_rows(database, "SELECT COUNT(*) FROM ask_log WHERE user_id = ?", (other.user.id,))
    assert tuple(count) == (1,)
    gone = await other.click(reply, "Helpful")
    assert "no longer stored" in gone.content


async def test_a_long_personal_message_gets_the_choosing_answer_and_the_path_finder(
    bot: InProcessBot, member: Member
) -> None:
    question = (
        "hey so im a frontend dev (react mostly), been doing it for about 3 years and honestly getting kinda "
        "bored of it. ive been playing around with some ai apis on the side and built a little chatbot thing. "
        "my math is kinda rusty tbh, last time i did calculus was in school. i like shipping stuff fast and "
        "seeing people use it. what would you recommend?? " * 3
    )
    assert len(question) > 1000

    reply = await member.slash("ask", question=question)

    assert reply.embeds[0].title == CHOOSING_TITLE
    assert "/quiz start" in (reply.embeds[-1].description or "")
    footer = reply.embeds[-1].footer or ""
    assert footer.startswith("You asked: hey so im a frontend dev") and len(footer) <= 520
    total = sum(len(e.title or "") + len(e.description or "") + len(e.footer or "") for e in reply.embeds)
    assert total <= 6000


async def test_an_echoed_question_is_inert(bot: InProcessBot, member: Member) -> None:
    reply = await member.slash("ask", question="[click me](https://evil.example) **lol** ||x||")

    assert reply.embeds[0].title == DECLINED_TITLE
    assert "evil.example" not in (reply.embeds[0].description or "")
    assert "click me" not in (reply.embeds[0].description or "")
    assert "[click me](https://evil.example)" in (reply.embeds[0].footer or "")


async def test_a_subject_the_guide_does_not_cover_is_declined_plainly(
    bot: InProcessBot, standin: StandIn, member: Member
) -> None:
    for question, subject in (
        ("can I work remotely as an ML engineer?", "remote work"),
        ("is it too late at 35 to get into ML engineering", "age"),
        ("what's the entry level salary", "entry-level pay"),
    ):
        reply = await member.slash("ask", question=question)
        assert reply.embeds[0].title == UNCOVERED_TITLE
        assert f"doesn't cover **{subject}**" in (reply.embeds[0].description or "")
        assert reply.buttons, "the closest topics are offered"
    logged = await bot.client.store.recent_asks(standin.guild.id)
    assert all(not r.matched for r in logged)
