"""Trivia messages stay inside Discord's limits and never ping anyone."""

from __future__ import annotations

from bot import limits
from bot.quiz import make_plan
from bot.trivia import FORMULA, Game, Placing, Standing, TriviaAnswer, reveal, trim_plan
from bot.ui import trivia as ui
from tests.quiz.factories import knowledge_quiz


def game() -> Game:
    return Game(
        id=123456789012345678,
        guild_id=1,
        channel_id=2,
        starter_id=3,
        plan=trim_plan(make_plan(knowledge_quiz(questions=6, draw=4), seed=2), 3),
        seconds=20,
        time_scale=1.0,
        status="running",
        position=0,
        phase="asking",
        deadline=None,
        question_started_at=None,
        message_id=None,
        quiet_streak=0,
        started_at=0.0,
    )


def test_the_question_has_one_button_per_choice_labelled_by_letter() -> None:
    played = game()
    question = played.plan.questions[0]
    view = ui.question_view(played.id, 0, question)
    assert [b.item.label for b in view.children if isinstance(b, ui.AnswerButton)] == ["A", "B", "C", "D"]
    assert all(len(ui.answer_custom_id(played.id, 9, c.id)) <= limits.CUSTOM_ID for c in question.choices)
    embed = ui.question_embed(played, 0, 1_000.0)
    assert "20 seconds" in embed.fields[0].value and "<t:1000:R>" in embed.fields[0].value


def test_a_reveal_with_hundreds_of_right_answers_fits_its_field() -> None:
    played = game()
    question = played.plan.questions[0]
    right = next(c.id for c in question.choices if c.correct)
    answers = [TriviaAnswer(10_000_000_000_000_000 + i, 0, right, True, 900, i / 100) for i in range(300)]
    embed = ui.reveal_embed(played, 0, reveal(question, answers))
    fastest = next(f for f in embed.fields if f.name == "Right, fastest first")
    assert len(fastest.value or "") <= limits.EMBED_FIELD_VALUE
    assert (fastest.value or "").splitlines()[-1].startswith("…and ")
    assert len(embed) <= limits.EMBED_TOTAL


def test_the_scoreboard_shows_the_top_ten_and_points_the_rest_to_their_place() -> None:
    placings = [Placing(i + 1, Standing(100 + i, 1000 - i, 1, 1, float(i)), won=i == 0) for i in range(25)]
    embed = ui.scoreboard_embed(game(), placings, "finished")
    ranked = [line for line in (embed.description or "").splitlines() if line.startswith("**")]
    assert len(ranked) == ui.SCOREBOARD_SIZE and "🏆" in ranked[0]
    assert embed.footer.text is not None and "25 players" in embed.footer.text
    assert "<@100>" in ranked[0]  # a mention in an embed renders the name and never notifies


def test_help_shows_the_scoring_formula() -> None:
    embed = ui.help_embed()
    assert any(field.value == FORMULA for field in embed.fields)
