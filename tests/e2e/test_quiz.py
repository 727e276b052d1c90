"""The quiz through the Discord stand-in: the real bot, real payloads, real restarts."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import pytest

from bot.sandbox.harness import BotProcess, InProcessBot
from standin.member import Member, Message
from standin.server import StandIn
from tests.e2e.database import Database, db_rows
from tests.e2e.quiz_helpers import (
    knowledge_button,
    next_question,
    parse,
    path_button,
    question_of,
    session_of,
)


def is_result(message: Message) -> bool:
    """A result message: an embed that is not a question."""
    return not message.ephemeral and bool(message.embeds) and "· question" not in (message.embeds[0].title or "")


def newer_than(message_id: int) -> Callable[[Message], bool]:
    """An ephemeral message with an embed sent after `message_id`."""

    def check(message: Message) -> bool:
        return message.ephemeral and message.id > message_id and bool(message.embeds)

    return check


async def map_path_roles(bot: InProcessBot, standin: StandIn, ai: str = "AI Engineer", ml: str = "ML Engineer") -> None:
    await bot.client.store.set_path_role(standin.guild.id, "ai", standin.guild.role_named(ai).id)
    await bot.client.store.set_path_role(standin.guild.id, "ml", standin.guild.role_named(ml).id)


async def play_path(member: Member, lean: str) -> Message:
    """Start the path finder and answer every question toward `lean`; returns the result DM."""
    reply = await member.slash("quiz start", quiz="path")
    assert reply.ephemeral
    question = await next_question(member)
    for number in range(1, 11):
        assert f"question {number} of 10" in (question.embeds[0].title or "")
        after = await member.click(question, custom_id=path_button(question, lean))
        assert after.id == question.id
        assert all(button.disabled for button in after.buttons)
        if number < 10:
            question = await next_question(member)
    return await member.wait_for_dm(is_result)


async def play_knowledge(member: Member, right: int, *, first: Message | None = None, left: int = 10) -> Message:
    """Answer the `left` remaining questions, the first `right` of them correctly; returns the result DM."""
    question = first or await next_question(member)
    for number in range(left):
        after = await member.click(question, custom_id=knowledge_button(question, correct=number < right))
        verdict = after.embeds[0].fields[0].name
        assert verdict == ("✅ Right" if number < right else "❌ Not quite")
        if number < left - 1:
            question = await next_question(member)
    return await member.wait_for_dm(is_result)


async def test_path_quiz_from_start_to_result_grants_the_mapped_role(
    bot: InProcessBot, standin: StandIn, member: Member
) -> None:
    await map_path_roles(bot, standin)
    result = await play_path(member, "ai")
    embed = result.embeds[0]
    assert embed.title == "Your path: AI Engineer"
    assert "**10 of your 10 answers** leaned toward AI Engineering" in (embed.description or "")
    fields = {field.name: field.value for field in embed.fields}
    assert "Why" in fields and "Next steps" in fields
    assert "/faq topic:" in fields["Next steps"]
    # By name, not a role mention (which renders as "@deleted-role" in a DM).
    assert fields["Server role"] == "You now have the **AI Engineer** role in Crossroads Test."
    assert "AI Engineer" in member.roles
    assert "ML Engineer" not in member.roles
    assert [b.label for b in result.buttons][:2] == ["What an AI Engineer does day to day", "Skills to build first"]
    entry = await member.click(result, label="What an AI Engineer does day to day")
    assert entry.ephemeral and entry.embeds[0].title == "A typical day for an AI Engineer"
    [session] = db_rows(bot.settings, "SELECT * FROM quiz_sessions")
    assert (session["status"], session["path_result"], session["position"]) == ("completed", "ai", 10)
    assert len(db_rows(bot.settings, "SELECT * FROM quiz_answers")) == 10


async def test_ml_leaning_answers_give_the_ml_result_and_role(
    bot: InProcessBot, standin: StandIn, member: Member
) -> None:
    await map_path_roles(bot, standin)
    result = await play_path(member, "ml")
    assert result.embeds[0].title == "Your path: ML Engineer"
    assert member.roles == ["ML Engineer"]


async def test_the_first_reply_links_to_the_dm_question(bot: InProcessBot, member: Member) -> None:
    reply = await member.slash("quiz start", quiz="knowledge")
    assert reply.ephemeral
    assert "direct messages" in reply.text
    question = await next_question(member)
    assert str(question.id) in reply.text
    assert "question 1 of 10" in (question.embeds[0].title or "")
    assert "▱" in (question.embeds[0].description or "")
    assert len(question.buttons) == 4


async def test_knowledge_check_to_a_score_and_the_leaderboard(
    bot: InProcessBot, standin: StandIn, member: Member, admin: Member
) -> None:
    await member.slash("quiz start", quiz="knowledge")
    result = await play_knowledge(member, right=8)
    assert result.embeds[0].title == "Knowledge check: 8 of 10"
    assert "a pass" in (result.embeds[0].description or "")
    assert len(result.embeds[0].fields) == 2
    topics = [b for b in result.buttons if (b.custom_id or "").startswith("faq:")]
    assert 1 <= len(topics) <= 2
    assert [b.label for b in result.buttons if b not in topics] == ["Retry the ones I missed", "Share in the server"]

    await admin.slash("quiz start", quiz="knowledge")
    result = await play_knowledge(admin, right=10)
    assert result.embeds[0].title == "Knowledge check: 10 of 10"

    await member.slash("quiz start", quiz="knowledge")
    result = await play_knowledge(member, right=3)
    assert "the pass mark is 7" in (result.embeds[0].description or "")

    board = await member.slash("quiz leaderboard")
    assert not board.ephemeral
    lines = (board.embeds[0].description or "").splitlines()
    assert lines[0].startswith(f"**1.** <@{admin.id}>: 10 of 10")
    assert lines[1].startswith(f"**2.** <@{member.id}>: 8 of 10")
    assert lines[1].endswith("← you")


async def test_leaderboard_ties_go_to_who_got_there_first(bot: InProcessBot, member: Member, admin: Member) -> None:
    await admin.slash("quiz start", quiz="knowledge")
    await play_knowledge(admin, right=9)
    await member.slash("quiz start", quiz="knowledge")
    await play_knowledge(member, right=9)
    board = await member.slash("quiz leaderboard")
    lines = (board.embeds[0].description or "").splitlines()
    assert [line.split(":")[0] for line in lines] == [f"**1.** <@{admin.id}>", f"**2.** <@{member.id}>"]


async def test_a_double_click_is_recorded_once(bot: InProcessBot, member: Member) -> None:
    await member.slash("quiz start", quiz="knowledge")
    question = await next_question(member)
    right, wrong = knowledge_button(question, correct=True), knowledge_button(question, correct=False)
    first, second = await asyncio.gather(
        member.click(question, custom_id=right), member.click(question, custom_id=wrong)
    )
    replies = sorted([first, second], key=lambda m: m.ephemeral)
    assert replies[0].id == question.id
    assert replies[1].ephemeral and "already answered" in replies[1].text
    # The two clicks race (as on Discord): whichever the bot took is the one answer stored.
    taken = right if first.id == question.id else wrong
    answers = await bot.client.store.session_answers(session_of(question))
    assert [(a.question_id, a.choice_id) for a in answers] == [(question_of(question), parse(taken)[2])]
    follow = await next_question(member)
    assert "question 2 of 10" in (follow.embeds[0].title or "")


async def test_an_answered_question_resent_by_resume_cannot_be_answered_again(
    bot: InProcessBot, member: Member
) -> None:
    await member.slash("quiz start", quiz="knowledge")
    question = await next_question(member)
    await member.slash("quiz resume")
    copy = await next_question(member)
    assert copy.id != question.id and question_of(copy) == question_of(question)
    await member.click(question, custom_id=knowledge_button(question, correct=False))
    stale = await member.click(copy, custom_id=knowledge_button(copy, correct=True))
    assert stale.ephemeral
    assert "You already answered this question" in stale.text
    answers = await bot.client.store.session_answers(session_of(question))
    assert len(answers) == 1 and answers[0].correct is False


async def test_somebody_elses_buttons_change_nothing(bot: InProcessBot, member: Member, admin: Member) -> None:
    await member.slash("quiz start", quiz="path")
    question = await next_question(member)
    reply = await admin.click(question, 0)
    assert reply.ephemeral and "belongs to someone else" in reply.text
    assert await bot.client.store.session_answers(session_of(question)) == []
    assert not question.buttons[0].disabled


async def test_a_stale_button_after_a_restart_continues_the_quiz(bot: InProcessBot, member: Member) -> None:
    await member.slash("quiz start", quiz="knowledge")
    question = await next_question(member)
    for _ in range(3):
        await member.click(question, custom_id=knowledge_button(question, correct=True))
        question = await next_question(member)
    session_id = session_of(question)
    await bot.restart()
    after = await member.click(question, custom_id=knowledge_button(question, correct=True))
    assert after.id == question.id and all(b.disabled for b in after.buttons)
    follow = await next_question(member)
    assert "question 5 of 10" in (follow.embeds[0].title or "")
    answers = await bot.client.store.session_answers(session_id)
    assert len(answers) == 4 == len({a.question_id for a in answers})
    result = await play_knowledge(member, right=6, first=follow, left=6)
    assert result.embeds[0].title == "Knowledge check: 10 of 10"


async def test_kill_9_mid_quiz_keeps_every_acknowledged_answer(
    standin: StandIn, bot_process: Callable[..., Awaitable[BotProcess]], database: Database
) -> None:
    process = await bot_process()
    member = standin.member("alice")
    await member.slash("quiz start", quiz="knowledge")
    question = await next_question(member)
    acknowledged: list[str] = []
    for _ in range(4):
        after = await member.click(question, custom_id=knowledge_button(question, correct=True))
        assert all(b.disabled for b in after.buttons)
        acknowledged.append(question_of(question))
        question = await next_question(member)
    code = await process.kill()
    assert code != 0
    stored = database.rows("SELECT question_id FROM quiz_answers ORDER BY answered_at")
    assert [row["question_id"] for row in stored] == acknowledged
    await process.start()
    after = await member.click(question, custom_id=knowledge_button(question, correct=False))
    assert after.embeds[0].fields[0].name == "❌ Not quite"
    stored = database.rows("SELECT question_id, correct FROM quiz_answers ORDER BY answered_at")
    assert [row["question_id"] for row in stored] == [*acknowledged, question_of(question)]
    assert [row["correct"] for row in stored] == [1, 1, 1, 1, 0]
    [session] = database.rows("SELECT status, position FROM quiz_sessions")
    assert (session["status"], session["position"]) == ("in_progress", 5)
    await process.terminate()


async def test_closed_dms_offer_the_quiz_right_here(bot: InProcessBot, closed_dms: Member) -> None:
    reply = await closed_dms.slash("quiz start", quiz="path")
    assert reply.ephemeral
    assert "Privacy Settings" in reply.text and "Direct Messages" in reply.text
    assert [b.label for b in reply.buttons] == ["Take it here"]
    assert db_rows(bot.settings, "SELECT * FROM quiz_sessions") == []
    question = await closed_dms.click(reply, label="Take it here")
    assert question.ephemeral
    for number in range(1, 11):
        assert f"question {number} of 10" in (question.embeds[0].title or "")
        after = await closed_dms.click(question, 0)
        assert after.id == question.id and all(b.disabled for b in after.buttons)
        question = await closed_dms.wait_for_message(newer_than(after.id))
    assert (question.embeds[0].title or "").startswith(("Your path", "Both paths"))
    assert [b.label for b in question.buttons if not (b.custom_id or "").startswith("faq:")] == ["Share in the server"]
    assert closed_dms.dms == []
    [session] = db_rows(bot.settings, "SELECT delivery, status FROM quiz_sessions")
    assert (session["delivery"], session["status"]) == ("ephemeral", "completed")


async def test_missing_permission_for_the_role_still_gives_the_result(
    bot: InProcessBot, standin: StandIn, member: Member, caplog: pytest.LogCaptureFixture
) -> None:
    await map_path_roles(bot, standin, ai="Moderator")
    with caplog.at_level(logging.WARNING, logger="cogs.quiz"):
        result = await play_path(member, "ai")
    assert result.embeds[0].title == "Your path: AI Engineer"
    fields = {field.name: field.value for field in result.embeds[0].fields}
    assert "I lack the permission" in fields["Server role"]
    assert "Moderator" not in member.roles
    assert any("could not give role" in record.getMessage() for record in caplog.records)
    [session] = db_rows(bot.settings, "SELECT status, path_result FROM quiz_sessions")
    assert (session["status"], session["path_result"]) == ("completed", "ai")


async def test_a_429_in_the_middle_of_a_quiz_loses_nothing(bot: InProcessBot, standin: StandIn, member: Member) -> None:
    await member.slash("quiz start", quiz="knowledge")
    question = await next_question(member)
    for _ in range(2):
        await member.click(question, custom_id=knowledge_button(question, correct=True))
        question = await next_question(member)
    followups = standin.inject(429, method="POST", path=r"^/webhooks/", retry_after=0.3)
    after = await member.click(question, custom_id=knowledge_button(question, correct=True))
    assert all(b.disabled for b in after.buttons)
    question = await next_question(member)
    assert followups.hits == 1
    assert "question 4 of 10" in (question.embeds[0].title or "")
    callbacks = standin.inject(429, method="POST", path=r"/callback$", retry_after=0.3)
    after = await member.click(question, custom_id=knowledge_button(question, correct=False))
    assert all(b.disabled for b in after.buttons)
    question = await next_question(member)
    assert callbacks.hits == 1
    assert "question 5 of 10" in (question.embeds[0].title or "")
    answers = await bot.client.store.session_answers(session_of(question))
    assert len(answers) == 4 == len({a.question_id for a in answers})
    assert [a.correct for a in answers] == [True, True, True, False]


async def test_progress_resume_cancel_and_start_over(bot: InProcessBot, member: Member) -> None:
    empty = await member.slash("quiz progress")
    assert "You have not taken a quiz yet" in (empty.embeds[0].description or "")

    await member.slash("quiz start", quiz="knowledge")
    question = await next_question(member)
    for _ in range(2):
        await member.click(question, custom_id=knowledge_button(question, correct=True))
        question = await next_question(member)
    first_session = session_of(question)

    progress = await member.slash("quiz progress")
    assert progress.ephemeral
    fields = {field.name: field.value for field in progress.embeds[0].fields}
    assert "Knowledge check: question 3 of 10" in fields["In progress"]

    prompt = await member.slash("quiz start", quiz="knowledge")
    assert prompt.ephemeral and "(question 3 of 10)" in prompt.text
    assert [b.label for b in prompt.buttons] == ["Resume", "Start over"]
    resumed = await member.click(prompt, label="Resume")
    assert "continues in your direct messages" in resumed.text
    again = await next_question(member)
    assert "question 3 of 10" in (again.embeds[0].title or "")

    prompt = await member.slash("quiz start", quiz="knowledge")
    await member.click(prompt, label="Start over")
    fresh = await next_question(member)
    assert "question 1 of 10" in (fresh.embeds[0].title or "")
    assert session_of(fresh) != first_session
    old = await bot.client.store.get_session(first_session)
    assert old is not None and old.status == "cancelled"
    stale = await member.click(again, 0)
    assert stale.ephemeral and "cancelled" in stale.text

    cancelled = await member.slash("quiz cancel")
    assert "Cancelled your **Knowledge check** after 0 of 10 answers" in cancelled.text
    stale = await member.click(fresh, 0)
    assert stale.ephemeral and "cancelled" in stale.text
    nothing = await member.slash("quiz cancel")
    assert "nothing to cancel" in nothing.text
    nothing = await member.slash("quiz resume")
    assert "no quiz in progress" in nothing.text

    history = await member.slash("quiz progress")
    fields = {field.name: field.value for field in history.embeds[0].fields}
    assert fields["Recent attempts"].count("cancelled") == 2


async def test_progress_shows_last_path_result_and_best_score(bot: InProcessBot, member: Member) -> None:
    await play_path(member, "ml")
    await member.slash("quiz start", quiz="knowledge")
    await play_knowledge(member, right=7)
    await member.slash("quiz start", quiz="knowledge")
    await play_knowledge(member, right=5)
    progress = await member.slash("quiz progress")
    fields = {field.name: field.value for field in progress.embeds[0].fields}
    assert fields["Last path result"].startswith("**ML Engineer**: 10 of 10 answers leaned toward ML Engineering")
    assert fields["Best knowledge score"].startswith("**7 of 10**")
    assert "2 attempts in all" in fields["Best knowledge score"]
    # The topics behind the questions still answered wrongly, with buttons to their entries.
    assert "missed" in fields["Topics you keep missing"]
    assert progress.buttons and all((b.custom_id or "").startswith("faq:") for b in progress.buttons)
    entry = await member.click(progress, 0)
    assert entry.ephemeral and entry.embeds[0].title == progress.buttons[0].label


async def test_an_expired_session_offers_a_fresh_start(
    bot: InProcessBot, standin: StandIn, member: Member, database: Database
) -> None:
    await bot.client.store.set_quiz_expiry(standin.guild.id, 1)
    await member.slash("quiz start", quiz="knowledge")
    question = await next_question(member)
    database.execute("UPDATE quiz_sessions SET updated_at = updated_at - 7200")
    reply = await member.click(question, 0)
    assert reply.ephemeral
    assert "expired after 1 hour without an answer" in reply.text
    assert await bot.client.store.session_answers(session_of(question)) == []
    prompt = await member.click(reply, label="Start a fresh one")
    assert prompt.text.endswith("Your quiz continues below.") and not prompt.buttons
    fresh = await next_question(member)
    assert "question 1 of 10" in (fresh.embeds[0].title or "")
    assert session_of(fresh) != session_of(question)
    after = await member.click(fresh, 0)
    assert all(b.disabled for b in after.buttons)


async def test_quiz_started_in_a_dm_runs_in_the_dm(bot: InProcessBot, member: Member) -> None:
    question = await member.slash("quiz start", dm=True, quiz="path")
    assert not question.ephemeral
    assert "question 1 of 10" in (question.embeds[0].title or "")
    after = await member.click(question, 0)
    assert all(b.disabled for b in after.buttons)
    board = await member.slash("quiz leaderboard", dm=True)
    assert "belongs to a server" in board.text
    member.mark_dms_read()
    prompt = await member.slash("quiz start", dm=True, quiz="path")
    assert "(question 2 of 10)" in prompt.text
    resumed = await member.click(prompt, label="Resume")
    assert resumed.text.endswith("Your quiz continues below.") and not resumed.buttons
    again = await next_question(member)
    assert "question 2 of 10" in (again.embeds[0].title or "")
    assert session_of(again) == session_of(question)


async def test_dms_closed_midway_moves_the_running_quiz_here(bot: InProcessBot, member: Member) -> None:
    await member.slash("quiz start", quiz="path")
    question = await next_question(member)
    for _ in range(2):
        await member.click(question, 0)
        question = await next_question(member)
    session_id = session_of(question)
    member.close_dms()
    reply = await member.slash("quiz resume")
    assert reply.ephemeral and "Privacy Settings" in reply.text
    here = await member.click(reply, label="Take it here")
    assert here.ephemeral and "question 3 of 10" in (here.embeds[0].title or "")
    assert session_of(here) == session_id
    after = await member.click(here, 1)
    assert all(b.disabled for b in after.buttons)
    follow = await member.wait_for_message(newer_than(after.id))
    assert "question 4 of 10" in (follow.embeds[0].title or "")
    session = await bot.client.store.get_session(session_id)
    assert session is not None and (session.delivery, session.position) == ("ephemeral", 3)
    assert len(await bot.client.store.session_answers(session_id)) == 3


async def test_start_over_with_closed_dms_keeps_the_running_attempt(bot: InProcessBot, member: Member) -> None:
    await member.slash("quiz start", quiz="path")
    question = await next_question(member)
    for _ in range(2):
        await member.click(question, 0)
        question = await next_question(member)
    old_id = session_of(question)
    member.close_dms()
    offer = await member.slash("quiz start", quiz="path")
    refused = await member.click(offer, label="Start over")
    assert "Privacy Settings" in refused.text
    # Nothing reached the member, so the attempt they had is still there, answers and all.
    old = await bot.client.store.get_session(old_id)
    assert old is not None and (old.status, old.position) == ("in_progress", 2)
    assert len(await bot.client.store.session_answers(old_id)) == 2
    # Taking it here starts over for real, as asked.
    here = await member.click(refused, label="Take it here")
    assert here.ephemeral and "question 1 of 10" in (here.embeds[0].title or "")
    assert session_of(here) != old_id
    replaced = await bot.client.store.get_session(old_id)
    assert replaced is not None and replaced.status == "cancelled"


async def test_a_click_on_a_locked_database_says_so_and_changes_nothing(
    bot: InProcessBot, member: Member, database: Database
) -> None:
    await member.slash("quiz start", quiz="knowledge")
    question = await next_question(member)
    session_id = session_of(question)
    async with database.write_lock():
        reply = await member.click(question, custom_id=knowledge_button(question, correct=True))
        assert reply.ephemeral and "database is busy" in reply.text and "nothing was changed" in reply.text
        assert not any(b.disabled for b in question.buttons)
    assert await bot.client.store.session_answers(session_id) == []
    after = await member.click(question, custom_id=knowledge_button(question, correct=True))
    assert all(b.disabled for b in after.buttons)
    assert len(await bot.client.store.session_answers(session_id)) == 1


@pytest.mark.expect_failures("unacknowledged")
async def test_clicking_an_answered_question_whose_follow_up_never_came_points_to_resume(
    bot: InProcessBot, standin: StandIn, member: Member
) -> None:
    await member.slash("quiz start", quiz="knowledge")
    question = await next_question(member)
    # The bot saved the answer and died before any reply reached the member.
    first = knowledge_button(question, correct=True)
    session, question_id, choice = parse(first)
    await bot.client.store.record_answer(
        session, question_id=question_id, choice_id=choice, correct=True, expected_position=0
    )
    assert len(db_rows(bot.settings, "SELECT * FROM quiz_answers")) == 1
    again = await member.click(question, custom_id=first)
    assert again.ephemeral and "already answered" in again.text and "/quiz resume" in again.text
    await member.slash("quiz resume")
    current = await next_question(member)
    assert "question 2 of 10" in (current.embeds[0].title or "")
