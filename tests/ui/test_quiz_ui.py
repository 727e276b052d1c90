from __future__ import annotations

from pathlib import Path

import discord

from bot import limits
from bot.quiz import Attempt, KnowledgeResult, PathResult, load_quizzes, make_plan
from bot.storage.quiz import LeaderboardRow
from bot.ui import quiz as ui
from tests.quiz.factories import knowledge_quiz, path_quiz

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "quizzes"


def embed_size(embed: discord.Embed) -> int:
    return len(embed)


def test_choice_custom_ids_fit_and_round_trip() -> None:
    book, _ = load_quizzes(SHIPPED, None)
    assert book is not None
    biggest_session = 10**19 - 1
    for quiz_id in book.ids():
        plan = book.start(quiz_id, seed=1)
        for question in plan.questions:
            for choice in question.choices:
                custom_id = ui.choice_custom_id(biggest_session, question.id, choice.id)
                assert len(custom_id) <= limits.CUSTOM_ID
                match = ui.CHOICE_TEMPLATE.match(custom_id)
                assert match is not None
                assert (int(match["session"]), match["question"], match["choice"]) == (
                    biggest_session,
                    question.id,
                    choice.id,
                )


def test_control_custom_ids_match_their_template() -> None:
    for action in ("resume", "restart", "here", "fresh"):
        custom_id = ui.control_custom_id(action, "knowledge", 123)
        match = ui.CONTROL_TEMPLATE.match(custom_id)
        assert match is not None and match["action"] == action
    assert ui.CHOICE_TEMPLATE.match(ui.control_custom_id("resume", "path", 1)) is None


def test_question_message_has_progress_and_one_button_per_choice() -> None:
    plan = make_plan(knowledge_quiz(), seed=3)
    question = plan.questions[1]
    embed = ui.question_embed(plan, 1, question)
    assert embed.title == "Knowledge check · question 2 of 4"
    assert "▰▱▱▱  1/4" in (embed.description or "")
    view = ui.question_view(42, question)
    buttons = [item for item in view.children if isinstance(item, ui.ChoiceButton)]
    assert [b.choice_id for b in buttons] == [c.id for c in question.choices]
    assert all(b.custom_id.startswith(f"quiz:42:{question.id}:") for b in buttons)
    assert view.is_persistent()


def test_answered_knowledge_question_shows_verdict_and_disables_buttons() -> None:
    plan = make_plan(knowledge_quiz(), seed=3)
    question = plan.questions[0]
    attempt = Attempt(plan)
    wrong = next(c for c in question.choices if not c.correct)
    outcome = attempt.answer(question.id, wrong.id)
    embed = ui.answered_embed(plan, 0, question, outcome.answer)
    text = embed.description or ""
    assert f"Your answer: **{wrong.label}**" in text
    # The verdict first, then the right answer, then why.
    assert embed.fields[0].name == "❌ Not quite"
    right = question.correct_choice()
    assert right is not None
    assert embed.fields[0].value == f"The answer is **{right.label}**.\n{question.explanation}"
    view = ui.answered_view(7, question, outcome.answer, plan.kind)
    buttons = [item for item in view.children if isinstance(item, ui.ChoiceButton)]
    assert all(b.item.disabled for b in buttons)
    styles = {b.choice_id: b.item.style for b in buttons}
    assert styles[wrong.id] is discord.ButtonStyle.danger
    assert styles["right"] is discord.ButtonStyle.success


def test_path_result_embed_names_path_strength_reasons_steps_and_role() -> None:
    plan = make_plan(path_quiz(questions=5), seed=1)
    attempt = Attempt(plan)
    for question, pick in zip(plan.questions, ["ai", "ai", "ai", "ml", "ai"], strict=True):
        attempt.answer(question.id, pick)
    result = attempt.result()
    assert isinstance(result, PathResult)
    embed = ui.path_result_embed(result, titles={"ai-entry": "AI Engineer role"}, role_note="You now have it.")
    assert embed.title == "Your path: ai title"
    description = embed.description or ""
    assert description.startswith("**4 of your 5 answers** leaned toward AI Engineering; 1 leaned toward ML")
    assert "But note: to “Question 4?” you answered “Research”, which points toward ML Engineering." in description
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Why"] is not None and fields["Why"].startswith("• AI reason 1")
    assert fields["Next steps"] == (
        "• Read about ai: `/faq topic:AI Engineer role`\n"
        "• Both roles side by side: `/compare`\n"
        "• Test what you know: `/quiz start quiz:knowledge`"
    )
    assert fields["Server role"] == "You now have it."


def test_knowledge_result_with_long_explanations_stays_within_discord_limits() -> None:
    data_quiz = knowledge_quiz(questions=12, draw=10, pass_mark=7)
    long_questions = []
    for q in data_quiz.questions:
        long_questions.append(q.model_copy(update={"prompt": "P" * 900, "explanation": "E" * 900}))
    quiz = data_quiz.model_copy(update={"questions": long_questions})
    plan = make_plan(quiz, seed=4)
    attempt = Attempt(plan)
    for question in plan.questions:
        attempt.answer(question.id, "wrong1")
    result = attempt.result()
    assert isinstance(result, KnowledgeResult)
    embed = ui.knowledge_result_embed(result, title=plan.title)
    assert embed_size(embed) <= limits.EMBED_TOTAL
    assert len(embed.fields) == 10
    assert all(len(f.value or "") <= limits.EMBED_FIELD_VALUE for f in embed.fields)
    assert all(len(f.name or "") <= limits.EMBED_FIELD_NAME for f in embed.fields)


def test_every_shipped_question_renders_within_limits() -> None:
    book, _ = load_quizzes(SHIPPED, None)
    assert book is not None
    for quiz_id in book.ids():
        plan = book.start(quiz_id, seed=9)
        attempt = Attempt(plan)
        for index, question in enumerate(plan.questions):
            assert embed_size(ui.question_embed(plan, index, question, note=book.get(quiz_id).intro)) <= 6000
            outcome = attempt.answer(question.id, question.choices[-1].id)
            assert embed_size(ui.answered_embed(plan, index, question, outcome.answer)) <= 6000
        result = attempt.result()
        if isinstance(result, PathResult):
            embed = ui.path_result_embed(result, titles={}, role_note="x" * 300)
        else:
            embed = ui.knowledge_result_embed(result, title=plan.title)
        assert embed_size(embed) <= limits.EMBED_TOTAL


def test_leaderboard_embed_marks_the_member_and_appends_their_own_rank() -> None:
    rows = [
        LeaderboardRow(rank=i, user_id=100 + i, score=10 - i, total=10, achieved_at=0.0, attempts=1) for i in (1, 2)
    ]
    mine = LeaderboardRow(rank=14, user_id=555, score=3, total=10, achieved_at=0.0, attempts=2)
    embed = ui.leaderboard_embed(rows, server="Crossroads", mine=mine, user_id=555)
    lines = (embed.description or "").splitlines()
    assert lines[0].startswith("**1.** <@101>: 9 of 10")
    assert lines[-1].startswith("**14.** <@555>: 3 of 10") and lines[-1].endswith("← you")
    empty = ui.leaderboard_embed([], server="Crossroads", mine=None, user_id=1)
    assert "Nobody in this server" in (empty.description or "")


def test_prompts_offer_the_right_buttons() -> None:
    text, view = ui.dms_closed("path")
    assert "Privacy Settings" in text and "Direct Messages" in text
    (button,) = view.children
    assert isinstance(button, ui.ControlButton) and button.custom_id == "quizctl:here:path:0"
    text, view = ui.expired("knowledge", 9, 24)
    assert "expired after 24 hours" in text
    assert [b.custom_id for b in view.children if isinstance(b, ui.ControlButton)] == ["quizctl:fresh:knowledge:9"]


def test_reading_buttons_open_existing_entries_only() -> None:
    titles = {f"e{i}": f"Entry {i}" for i in range(8)}
    links = [("e1", "One"), ("missing", "Gone"), ("e1", "One again")] + [(f"e{i}", f"Read {i}") for i in range(2, 8)]
    view = ui.reading_view(links, titles)
    assert view is not None
    custom_ids = [item.custom_id for item in view.children if isinstance(item, discord.ui.DynamicItem)]
    assert custom_ids == ["faq:e1:r", "faq:e2:r", "faq:e3:r", "faq:e4:r", "faq:e5:r"]
    assert ui.reading_view([("missing", "Gone")], titles) is None
