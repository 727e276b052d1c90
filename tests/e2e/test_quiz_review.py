"""Review mode and sharing a result, through the stand-in: what a member sees and what is stored."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from bot.sandbox.harness import InProcessBot
from standin.member import Member, Message
from standin.server import StandIn
from standin.state import Perm
from tests.e2e.database import db_rows
from tests.e2e.quiz_helpers import knowledge_button, next_question, path_button


def is_result(message: Message) -> bool:
    return not message.ephemeral and bool(message.embeds) and "· question" not in (message.embeds[0].title or "")


async def play(member: Member, wrong: set[int], *, total: int = 10) -> tuple[Message, list[str]]:
    """Answer `total` questions, the ones numbered in `wrong` (from 0) wrongly; returns the result
    and the prompts of the missed questions."""
    question = await next_question(member)
    missed = []
    for number in range(total):
        if number in wrong:
            missed.append((question.embeds[0].description or "").split("\n\n")[-2])
        await member.click(question, custom_id=knowledge_button(question, correct=number not in wrong))
        if number < total - 1:
            question = await next_question(member)
    return await member.wait_for_dm(is_result), missed


async def test_retry_the_ones_i_missed_replays_exactly_those_and_leaves_the_leaderboard(
    bot: InProcessBot, member: Member
) -> None:
    await member.slash("quiz start", quiz="knowledge")
    result, missed = await play(member, wrong={1, 4, 8})
    assert result.embeds[0].title == "Knowledge check: 7 of 10"
    # The member's choice is quoted in the review of each miss.
    assert all(field.value.startswith("You chose “") for field in result.embeds[0].fields)

    first = await member.click(result, label="Retry the ones I missed")
    assert "Review:" in (first.embeds[0].description or "") and "does not change the leaderboard" in (
        first.embeds[0].description or ""
    )
    assert "question 1 of 3" in (first.embeds[0].title or "")
    assert result.embeds[0].title == "Knowledge check: 7 of 10"  # the result message is left as it was
    seen = []
    question = first
    for number in range(3):
        seen.append((question.embeds[0].description or "").split("\n\n")[-2])
        after = await member.click(question, custom_id=knowledge_button(question, correct=number != 0))
        # Explanations are shown in review too, verdict first.
        assert after.embeds[0].fields[0].name in ("✅ Right", "❌ Not quite")
        if number < 2:
            question = await next_question(member)
    assert seen == missed
    review = await member.wait_for_dm(is_result)
    assert review.embeds[0].title == "Review of missed questions: 2 of 3"
    assert "do not change the leaderboard" in (review.embeds[0].description or "")
    assert "Share in the server" not in [b.label for b in review.buttons]

    board = await member.slash("quiz leaderboard")
    assert "7 of 10" in (board.embeds[0].description or "")
    sessions = db_rows(bot.settings, "SELECT score, total, plan FROM quiz_sessions ORDER BY id")
    assert [(s["score"], s["total"], json.loads(s["plan"]).get("review_of")) for s in sessions] == [
        (7, 10, None),
        (None, 3, 1),
    ]
    progress = await member.slash("quiz progress")
    fields = {field.name: field.value for field in progress.embeds[0].fields}
    assert fields["Best knowledge score"].startswith("**7 of 10**")
    assert "1 attempt in all" in fields["Best knowledge score"]
    assert "review of missed questions, 2 of 3 right" in fields["Recent attempts"]

    # /quiz review starts from the latest attempt: the review, where one question was still missed.
    again = await member.slash("quiz review")
    assert again.ephemeral and "direct messages" in again.text
    last = await next_question(member)
    assert "question 1 of 1" in (last.embeds[0].title or "")
    assert (last.embeds[0].description or "").split("\n\n")[-2] == missed[0]


async def test_quiz_review_with_nothing_to_review_says_so(bot: InProcessBot, member: Member) -> None:
    reply = await member.slash("quiz review")
    assert reply.ephemeral and "not finished a knowledge check" in reply.text
    await member.slash("quiz start", quiz="knowledge")
    await play(member, wrong=set())
    reply = await member.slash("quiz review")
    assert reply.ephemeral and "every question right" in reply.text


async def test_share_posts_a_card_in_the_channel_without_pinging(
    bot: InProcessBot, standin: StandIn, member: Member, admin: Member
) -> None:
    await member.slash("quiz start", quiz="path")
    question = await next_question(member)
    for number in range(10):
        await member.click(question, custom_id=path_button(question, "ml"))
        if number < 9:
            question = await next_question(member)
    result = await member.wait_for_dm(is_result)

    # Only the member who took the quiz can share it.
    refused = await admin.click(result, label="Share in the server")
    assert refused.ephemeral and "Only the member who took this quiz" in refused.text
    assert not [m for m in member.channel_messages if m.embeds]

    edited = await member.click(result, label="Share in the server")
    # The button turns into a disabled "Shared", so the card cannot be posted twice.
    shared = next(b for b in edited.buttons if (b.custom_id or "").startswith("quizshare:"))
    assert edited.id == result.id and shared.disabled and shared.label == "Shared"
    reply = await member.wait_for_dm(lambda m: m.ephemeral and "Shared in" in m.text)
    assert reply.text.endswith("Shared in #general.")
    [card] = [m for m in member.channel_messages if m.embeds]
    assert card.embeds[0].title == "Alice's Path finder result"
    assert card.embeds[0].description == "**ML Engineer**: 10 of 10 answers leaned toward ML Engineering"
    assert card.pings == [] and "<@" not in card.text


@pytest.mark.parametrize("started_in", ["server", "dm"])
async def test_share_says_why_when_it_cannot_post(
    bot: InProcessBot, standin: StandIn, member: Member, started_in: str
) -> None:
    await member.slash("quiz start", quiz="knowledge", dm=started_in == "dm")
    result, _ = await play(member, wrong={0})
    if started_in == "dm":
        # No server channel to share in: the result offers no Share button at all.
        assert "Share in the server" not in [b.label for b in result.buttons]
        return
    for role in standin.guild.roles.values():
        role.permissions &= ~Perm.SEND_MESSAGES
    reply = await member.click(result, label="Share in the server")
    assert reply.ephemeral and "I can't post in" in reply.text and "not allowed to send messages" in reply.text


async def test_a_review_from_a_result_shown_privately_in_the_server_stays_there(closed_dms: Member) -> None:
    def newer_than(message_id: int) -> Callable[[Message], bool]:
        return lambda m: m.ephemeral and m.id > message_id and bool(m.embeds)

    reply = await closed_dms.slash("quiz start", quiz="knowledge")
    question = await closed_dms.click(reply, label="Take it here")
    for number in range(10):
        after = await closed_dms.click(question, custom_id=knowledge_button(question, correct=number != 3))
        question = await closed_dms.wait_for_message(newer_than(after.id))
    assert question.embeds[0].title == "Knowledge check: 9 of 10"
    first = await closed_dms.click(question, label="Retry the ones I missed")
    assert first.ephemeral and "question 1 of 1" in (first.embeds[0].title or "")
    after = await closed_dms.click(first, custom_id=knowledge_button(first, correct=True))
    review = await closed_dms.wait_for_message(newer_than(after.id))
    assert review.embeds[0].title == "Review of missed questions: 1 of 1"
    assert closed_dms.dms == []
