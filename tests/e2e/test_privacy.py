"""/mydata through the Discord stand-in: what a member can see and delete, in a server and in DMs."""

from __future__ import annotations

import json

from bot.sandbox.harness import InProcessBot
from bot.settings import Settings
from standin.member import Member, Message
from standin.server import StandIn
from tests.e2e.database import db_rows, tables_with_column

NOTHING = "Crossroads stores nothing about you: no quiz sessions, no answers and no questions."


def rows_of(database: Settings, user_id: int) -> dict[str, int]:
    """Rows about one member in every table that holds member data, read from outside the bot."""
    counts = {}
    for table in ("quiz_sessions", "ask_log"):
        [row] = db_rows(database, f"SELECT COUNT(*) FROM {table} WHERE user_id = ?", (user_id,))
        counts[table] = row[0]
    [row] = db_rows(
        database,
        "SELECT COUNT(*) FROM quiz_answers WHERE session_id IN (SELECT id FROM quiz_sessions WHERE user_id = ?)",
        (user_id,),
    )
    counts["quiz_answers"] = row[0]
    return counts


async def leave_traces(member: Member) -> None:
    """Two questions (one in a DM) and one quiz answer, through the bot's own commands."""
    await member.slash("ask", question="how much do ML engineers make")
    await member.slash("ask", question="what is the weather in Lisbon", dm=True)
    await member.slash("quiz start", quiz="path")
    first = await member.wait_for_dm(lambda m: bool(m.buttons))
    await member.click(first, 0)
    await member.wait_for_dm(lambda m: bool(m.buttons) and not m.buttons[0].disabled)


async def test_show_with_nothing_stored_is_a_sentence(bot: InProcessBot, member: Member) -> None:
    reply = await member.slash("mydata show")
    assert reply.ephemeral
    assert reply.content == NOTHING
    assert not reply.attachments


async def test_show_summarises_and_attaches_everything_as_json(
    bot: InProcessBot, standin: StandIn, member: Member, admin: Member
) -> None:
    await leave_traces(member)
    await admin.slash("ask", question="do I need a PhD for ML engineering")

    reply = await member.slash("mydata show")

    assert reply.ephemeral
    fields = {f.name: f.value for f in reply.embed.fields}
    assert fields["Quiz sessions"] == "1 in all: 0 completed, 1 in progress."
    assert fields["Quiz answers"] == "1 answers to quiz questions."
    assert fields["Questions you asked"].startswith("2 questions")
    [attachment] = reply.attachments
    assert attachment.filename == "crossroads-my-data.json"
    data = json.loads(attachment.text)
    assert data["member_id"] == str(member.user.id)
    assert [q["question"] for q in data["asked_questions"]] == [
        "how much do ML engineers make",
        "what is the weather in Lisbon",
    ]
    assert [s["quiz_id"] for s in data["quiz_sessions"]] == ["path"]
    assert len(data["quiz_answers"]) == 1
    assert "PhD" not in attachment.text


async def test_show_works_in_direct_messages(bot: InProcessBot, member: Member) -> None:
    await member.slash("ask", question="what is the weather in Lisbon", dm=True)
    reply = await member.slash("mydata show", dm=True)
    assert json.loads(reply.attachments[0].text)["asked_questions"][0]["guild_id"] is None


async def confirm_prompt(member: Member, *, dm: bool = False) -> Message:
    prompt = await member.slash("mydata delete", dm=dm)
    assert prompt.ephemeral
    assert prompt.embed.title == "Delete everything Crossroads stores about you?"
    assert [b.label for b in prompt.buttons] == ["Delete all my data", "Keep my data"]
    return prompt


async def test_delete_asks_first_and_keeping_changes_nothing(bot: InProcessBot, member: Member) -> None:
    await leave_traces(member)
    before = rows_of(bot.settings, member.user.id)
    prompt = await confirm_prompt(member)
    assert "1 quiz session, 1 quiz answer and 2 questions you asked" in (prompt.embed.description or "")

    kept = await member.click(prompt, "Keep my data")

    assert kept.id == prompt.id
    assert kept.content == "Nothing was deleted. Your data stays as it was."
    assert not kept.buttons and not kept.embeds
    assert rows_of(bot.settings, member.user.id) == before


async def test_delete_removes_every_row_of_the_member_and_only_theirs(
    bot: InProcessBot, standin: StandIn, member: Member, admin: Member
) -> None:
    await leave_traces(member)
    await admin.slash("ask", question="do I need a PhD for ML engineering")
    database = bot.settings
    assert rows_of(database, member.user.id) == {"quiz_sessions": 1, "ask_log": 2, "quiz_answers": 1}
    admin_rows = rows_of(database, admin.user.id)

    prompt = await confirm_prompt(member)
    done = await member.click(prompt, "Delete all my data")

    assert done.id == prompt.id
    assert done.content == (
        "Done. Removed 1 quiz session, 1 quiz answer and 2 questions you asked. "
        "Crossroads now stores nothing about you."
    )
    assert not done.buttons
    assert rows_of(database, member.user.id) == {"quiz_sessions": 0, "ask_log": 0, "quiz_answers": 0}
    with_member = tables_with_column(database, "user_id")
    assert {"quiz_sessions", "ask_log"} <= set(with_member)
    for table in with_member:
        assert db_rows(database, f"SELECT * FROM {table} WHERE user_id = ?", (member.user.id,)) == []
    assert rows_of(database, admin.user.id) == admin_rows
    assert (await member.slash("mydata show")).content == NOTHING
    assert (await member.slash("mydata delete")).content == NOTHING


async def test_delete_works_in_direct_messages(bot: InProcessBot, member: Member) -> None:
    await member.slash("ask", question="what is the weather in Lisbon", dm=True)
    prompt = await confirm_prompt(member, dm=True)
    done = await member.click(prompt, "Delete all my data")
    assert done.content.startswith("Done. Removed 1 question you asked.")
    assert rows_of(bot.settings, member.user.id)["ask_log"] == 0


async def test_confirmation_still_works_after_a_restart(bot: InProcessBot, member: Member) -> None:
    await member.slash("ask", question="how much do ML engineers make")
    prompt = await confirm_prompt(member)

    await bot.restart()
    done = await member.click(prompt, "Delete all my data")

    assert done.content.startswith("Done. Removed 1 question you asked.")
    assert rows_of(bot.settings, member.user.id)["ask_log"] == 0


async def test_a_quiz_button_after_deletion_gets_a_sentence(bot: InProcessBot, member: Member) -> None:
    await member.slash("quiz start", quiz="path")
    question = await member.wait_for_dm(lambda m: bool(m.buttons))
    prompt = await confirm_prompt(member)
    await member.click(prompt, "Delete all my data")

    reply = await member.click(question, 0)

    assert reply.ephemeral and reply.id != prompt.id
    assert "/quiz start" in reply.content
    assert rows_of(bot.settings, member.user.id) == {"quiz_sessions": 0, "ask_log": 0, "quiz_answers": 0}
