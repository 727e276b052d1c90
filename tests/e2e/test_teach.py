"""Admins teach the bot from Discord, through the stand-in: answers written in modals, phrasings
added from /kb unanswered, /kb edit, delete, list, history and export, and who may do it."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest

from bot.content import check_content
from bot.knowledge.server_entries import MAX_SERVER_ENTRIES
from bot.sandbox.harness import InProcessBot
from bot.sandbox.player import Player
from bot.sandbox.script import parse_script
from bot.ui.faq import DECLINED_TITLE, UNCOVERED_TITLE
from standin.member import Member, Message
from standin.server import StandIn
from standin.state import Guild
from tests.e2e.database import Database

DATA = Path(__file__).resolve().parents[2] / "data"
STUDY_QUESTION = "when is the next study group call"
STUDY_PARAPHRASE = "when does the study group call happen"
STUDY_TITLE = "When the study group meets"
STUDY_ANSWER = "The study group meets on voice every Thursday at 18:00 UTC; everyone is welcome."
SALARY_QUESTION = "how much do people get paid for building models"
REFUSAL = "Only members with the Manage Server permission, or the role an admin chose with /config editors"


async def teach_from_unanswered(admin: Member, question: str) -> Message:
    """/kb unanswered → pick the question → the reply with "Write an answer" and "It is about …"."""
    listing = await admin.slash("kb unanswered")
    assert listing.selects, listing.text
    return await admin.select(listing, " ".join(question.split()))


async def write_study_answer(admin: Member, member: Member) -> Message:
    declined = await member.slash("ask", question=STUDY_QUESTION)
    assert declined.embed.title == UNCOVERED_TITLE  # the guide says nothing on the community's calls
    controls = await teach_from_unanswered(admin, STUDY_QUESTION)
    modal = await admin.click_modal(controls, "Write an answer")
    assert len(modal.title) <= 45 and len(modal.inputs) <= 5
    return await admin.submit_modal(modal, title=STUDY_TITLE, answer=STUDY_ANSWER)


async def test_an_unanswered_question_answered_in_a_modal_answers_the_next_paraphrase(
    bot: InProcessBot, admin: Member, member: Member
) -> None:
    declined = await member.slash("ask", question=STUDY_QUESTION)
    assert declined.embed.title == UNCOVERED_TITLE  # the guide says nothing on the community's calls

    controls = await teach_from_unanswered(admin, STUDY_QUESTION)
    assert controls.ephemeral
    assert STUDY_QUESTION in controls.content
    assert [b.label for b in controls.buttons] == ["Write an answer"]
    assert controls.selects[0].placeholder == "It is about …"

    modal = await admin.click_modal(controls, "Write an answer")
    assert modal.input_ids == ["title", "answer", "questions", "aliases", "extras"]
    questions = next(i for i in modal.inputs if i["custom_id"] == "questions")
    assert questions["value"] == STUDY_QUESTION  # prefilled as the first phrasing
    saved = await admin.submit_modal(modal, title=STUDY_TITLE, answer=STUDY_ANSWER)
    assert saved.ephemeral and saved.content.startswith(f"Added “{STUDY_TITLE}”")

    answer = await member.slash("ask", question=STUDY_PARAPHRASE)
    assert answer.embed.title == STUDY_TITLE
    assert STUDY_ANSWER in answer.embed.description

    after = await admin.slash("kb unanswered")
    assert STUDY_QUESTION not in after.text


async def test_it_is_about_adds_the_question_as_a_phrasing_at_once(
    bot: InProcessBot, admin: Member, member: Member
) -> None:
    question = "what kind of moolah are we talking"
    declined = await member.slash("ask", question=question)
    assert declined.embed.title == DECLINED_TITLE
    salary = bot.client.content.knowledge.get("salary-comparison")
    assert salary is not None

    controls = await teach_from_unanswered(admin, question)
    done = await admin.select(controls, salary.id)
    assert f"is now a phrasing of “{salary.title}” in this server" in done.content

    answer = await member.slash("ask", question=question)
    assert answer.embed.title == salary.title
    after = await admin.slash("kb unanswered")
    assert question not in after.text
    history = await admin.slash("kb history", entry=salary.id)
    assert "phrasing added" in history.embed.description and question in history.embed.description


async def test_kb_add_edit_list_history_and_delete(bot: InProcessBot, admin: Member, member: Member) -> None:
    modal = await admin.open_modal("kb add")
    assert modal.title == "New knowledge-base entry"
    added = await admin.submit_modal(
        modal,
        title=STUDY_TITLE,
        answer=STUDY_ANSWER,
        questions="when is the study group\nstudy group schedule",
        extras="Community calendar https://example.org/calendar",
    )
    assert "when-the-study-group-meets" in added.content

    answer = await member.slash("ask", question="what is the study group schedule")
    assert answer.embed.title == STUDY_TITLE
    assert [b.url for b in answer.buttons if b.is_link] == ["https://example.org/calendar"]

    edit = await admin.open_modal("kb edit", entry=STUDY_TITLE)
    assert edit.inputs[0]["value"] == STUDY_TITLE  # prefilled with the current entry
    new_answer = "The study group now meets every Friday at 17:00 UTC."
    saved = await admin.submit_modal(edit, answer=new_answer)
    assert saved.content.startswith(f"Saved “{STUDY_TITLE}”")
    assert new_answer in (await member.slash("ask", question="study group schedule")).embed.description

    listing = await admin.slash("kb list")
    assert listing.embed.title == "This server's entries (1 of 500)"
    assert STUDY_TITLE in listing.embed.description

    history = await admin.slash("kb history", entry="when-the-study-group-meets")
    lines = history.embed.description.splitlines()
    assert "**edited** by" in lines[0] and "**added** by" in lines[1]
    assert f"<@{admin.id}>" in lines[0]

    confirm = await admin.slash("kb delete", entry=STUDY_TITLE)
    assert "Delete “When the study group meets”" in confirm.content
    kept = await admin.click(confirm, "Keep it")
    assert kept.content == "Nothing was deleted."
    confirm = await admin.slash("kb delete", entry=STUDY_TITLE)
    gone = await admin.click(confirm, "Delete")
    assert gone.content.startswith("Deleted “When the study group meets”")
    after = await member.slash("ask", question="what is the study group schedule")
    assert after.embed.title != STUDY_TITLE
    history = await admin.slash("kb history", entry="when-the-study-group-meets")
    assert "**deleted** by" in history.embed.description.splitlines()[0]


async def test_a_title_clash_with_a_shipped_entry_is_refused(bot: InProcessBot, admin: Member) -> None:
    shipped = next(iter(bot.client.content.knowledge.entries()))
    modal = await admin.open_modal("kb add")
    reply = await admin.submit_modal(modal, title=shipped.title, answer="Mine.", questions="a question")
    assert reply.content.startswith(f"Nothing was saved: The shipped entry “{shipped.title}” already has that title.")
    assert "no entries of its own" in (await admin.slash("kb list")).embed.description


async def test_shipped_entries_cannot_be_edited_but_can_be_hidden(
    bot: InProcessBot, admin: Member, member: Member
) -> None:
    shipped = next(iter(bot.client.content.knowledge.entries()))
    reply = await admin.slash("kb edit", entry=shipped.id)
    assert "is a shipped entry" in reply.content and "data/knowledge/*.yaml" in reply.content
    hidden = await admin.click(reply, "Hide it in this server")
    assert "is now hidden in this server" in hidden.content
    answer = await member.slash("faq", topic=shipped.id)
    assert answer.embed.title != shipped.title
    shown = await admin.click(hidden, "Show it again in this server")
    assert "shown again" in shown.content
    assert (await member.slash("faq", topic=shipped.id)).embed.title == shipped.title


async def test_a_member_without_permission_is_refused(bot: InProcessBot, standin: StandIn, member: Member) -> None:
    for command in ("kb add", "kb list", "kb export"):
        reply = await member.slash(command)
        assert reply.ephemeral and reply.content.startswith(REFUSAL)
    reply = await member.slash("kb edit", entry="anything")
    assert reply.content.startswith(REFUSAL)


async def test_an_editor_role_set_with_config_may_teach(bot: InProcessBot, standin: StandIn, admin: Member) -> None:
    moderator = standin.guild.role_named("Moderator")
    standin.add_member("dana", roles=[moderator])
    dana = standin.member("dana")
    assert (await dana.slash("kb list")).content.startswith(REFUSAL)
    set_role = await admin.slash("config editors", role=moderator)
    assert "Members with the role **Moderator** can now add" in set_role.content
    assert (await dana.slash("kb list")).embed.title.startswith("This server's entries")


@pytest.fixture
async def other_server(bot: InProcessBot, standin: StandIn) -> AsyncIterator[Guild]:
    guild = standin.add_guild("Another server")
    standin.add_channel(guild, "general")
    standin.add_member("olga", guild=guild)
    standin.gateway.dispatch("GUILD_CREATE", guild.payload(standin.bot_user.id))
    for _ in range(200):
        if bot.client.get_guild(guild.id) is not None:
            break
        await asyncio.sleep(0.02)
    bot.client.tree.copy_global_to(guild=discord.Object(id=guild.id))
    await bot.client.tree.sync(guild=discord.Object(id=guild.id))
    yield guild


async def test_another_server_does_not_see_the_entries(
    bot: InProcessBot, standin: StandIn, admin: Member, member: Member, other_server: Guild
) -> None:
    await write_study_answer(admin, member)
    assert (await member.slash("ask", question=STUDY_PARAPHRASE)).embed.title == STUDY_TITLE
    olga = standin.member("olga", guild=other_server)
    elsewhere = await olga.slash("ask", question=STUDY_PARAPHRASE)
    assert elsewhere.embed.title != STUDY_TITLE


async def test_export_is_a_content_file_that_check_accepts(
    bot: InProcessBot, admin: Member, member: Member, tmp_path: Path
) -> None:
    await write_study_answer(admin, member)
    reply = await admin.slash("kb export")
    assert reply.attachments[0].filename == "server-entries.yaml"
    content = tmp_path / "content"
    (content / "knowledge").mkdir(parents=True)
    (content / "quizzes").symlink_to(DATA / "quizzes")
    for path in (DATA / "knowledge").iterdir():
        (content / "knowledge" / path.name).symlink_to(path)
    (content / "knowledge" / "zz-server.yaml").write_bytes(reply.attachments[0].data)
    loaded, problems = check_content(content)
    assert problems == []
    assert loaded is not None and STUDY_TITLE in [e.title for e in loaded.knowledge.entries()]


async def test_mydata_does_not_list_entries_and_delete_takes_the_name_off_history(
    bot: InProcessBot, admin: Member, member: Member
) -> None:
    await write_study_answer(admin, member)
    shown = await admin.slash("mydata show")
    assert shown.content.startswith("Crossroads stores nothing about you")
    prompt = await admin.slash("mydata delete")
    assert "1 mention of you in the knowledge-base history" in (prompt.embed.description or "")
    done = await admin.click(prompt, "Delete all my data")
    assert "1 mention of you in the knowledge-base history" in done.content

    history = await admin.slash("kb history", entry=STUDY_TITLE)
    assert "**added** by a member who deleted their data" in history.embed.description
    assert f"<@{admin.id}>" not in history.embed.description
    assert (await member.slash("ask", question=STUDY_PARAPHRASE)).embed.title == STUDY_TITLE


async def test_a_sandbox_script_fills_the_modal(bot: InProcessBot, standin: StandIn) -> None:
    lines: list[str] = []
    player = Player(standin, standin.member("morgan"), lines.append)
    script = f"""
/kb add
expect [modal] New knowledge-base entry
submit title: {STUDY_TITLE} | answer: {STUDY_ANSWER} | 3: when is the study group\\nstudy group schedule
expect Added “{STUDY_TITLE}”
as alice
/ask question: what is the study group schedule
expect {STUDY_ANSWER}
/ask question: who runs the book club
as morgan
/kb unanswered
select who runs the book club
click Write an answer
expect [modal] Write an answer
submit title: Book club | answer: Two volunteers run them.
as alice
/ask question: who runs book club
expect Two volunteers run them.
"""
    for action in parse_script(script):
        await player.play(action)
    assert player.errors == 0, "\n".join(lines)
    assert "  3. How members ask it (one question a line) (questions, required)" in "\n".join(lines)


@pytest.fixture
async def bot_on_copy(standin: StandIn, database: Database, tmp_path: Path) -> AsyncIterator[InProcessBot]:
    content = tmp_path / "content"
    shutil.copytree(DATA / "knowledge", content / "knowledge")
    shutil.copytree(DATA / "quizzes", content / "quizzes")
    running = InProcessBot(standin, database.settings(standin, content_dir=content))
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


async def test_after_kb_reload_the_server_sees_new_files_and_keeps_its_entries(
    bot_on_copy: InProcessBot, standin: StandIn
) -> None:
    admin, member = standin.member("morgan"), standin.member("alice")
    await write_study_answer(admin, member)
    old_title = "Is AI Engineering easier to get into than ML Engineering?"
    path = bot_on_copy.settings.content_dir / "knowledge" / "getting-in.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(old_title, "Which door is easier to open?"), "utf-8")

    assert (await admin.slash("kb reload")).embed.title == "Content reloaded"

    assert (await member.slash("ask", question="is AI engineering easier to get into?")).embed.title == (
        "Which door is easier to open?"
    )
    assert (await member.slash("ask", question=STUDY_PARAPHRASE)).embed.title == STUDY_TITLE


async def add_stored_entries(bot: InProcessBot, guild_id: int, count: int) -> None:
    """Entries written straight to the store (as many /kb add would), then put into service."""
    for number in range(count):
        body = {"id": f"note-{number}", "title": f"Note {number}", "questions": [f"note {number}"], "answer": "A."}
        await bot.client.store.add_entry(guild_id, body["id"], body, editor_id=1, cap=10_000)
    await bot.client.guild_knowledge.refresh(guild_id)


async def test_kb_list_pages_through_the_servers_entries(bot: InProcessBot, standin: StandIn, admin: Member) -> None:
    await add_stored_entries(bot, standin.guild.id, 12)
    first = await admin.slash("kb list")
    assert first.embed.title == "This server's entries (12 of 500)"
    assert first.embed.footer.startswith("Page 1 of 2")
    assert "Note 0" in first.embed.description and "Note 11" not in first.embed.description
    second = await admin.click(first, "Next")
    assert second.embed.footer.startswith("Page 2 of 2")
    assert "Note 11" in second.embed.description
    assert second.button("Next").disabled


async def test_a_server_at_its_cap_is_told_so(bot: InProcessBot, standin: StandIn, admin: Member) -> None:
    await add_stored_entries(bot, standin.guild.id, MAX_SERVER_ENTRIES)
    modal = await admin.open_modal("kb add")
    reply = await admin.submit_modal(modal, title=STUDY_TITLE, answer=STUDY_ANSWER, questions="when is it")
    assert reply.content.startswith(f"Nothing was saved: this server already has {MAX_SERVER_ENTRIES} entries")


async def test_a_modal_submitted_after_a_restart_is_still_saved(
    bot: InProcessBot, standin: StandIn, admin: Member, member: Member
) -> None:
    await member.slash("ask", question=STUDY_QUESTION)
    controls = await teach_from_unanswered(admin, STUDY_QUESTION)
    modal = await admin.click_modal(controls, "Write an answer")
    await bot.restart()
    saved = await admin.submit_modal(modal, title=STUDY_TITLE, answer=STUDY_ANSWER)
    assert saved.content.startswith(f"Added “{STUDY_TITLE}”")
    assert (await member.slash("ask", question=STUDY_PARAPHRASE)).embed.title == STUDY_TITLE
    assert STUDY_QUESTION not in (await admin.slash("kb unanswered")).text


async def test_an_answer_marked_wrong_is_fixed_from_the_feedback_list(
    bot: InProcessBot, admin: Member, member: Member
) -> None:
    question = "what do ai engineers earn compared to a city"
    reply = await member.slash("ask", question=question)
    wrong_title = reply.embed.title
    await member.click(reply, "Not what I asked")
    where = bot.client.content.knowledge.get("location-and-pay")
    assert where is not None and where.title != wrong_title

    listing = await admin.slash("kb feedback", days=7)
    assert listing.selects, listing.text
    controls = await admin.select(listing, question)
    assert [b.label for b in controls.buttons] == ["Write an answer"]
    assert controls.selects[0].placeholder == "It is about …"
    done = await admin.select(controls, where.id)
    assert f"is now a phrasing of “{where.title}” in this server" in done.content

    again = await member.slash("ask", question=question)
    assert again.embed.title == where.title
