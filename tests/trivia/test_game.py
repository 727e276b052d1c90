"""The game's timeline: what the timer does next for every stored state."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.quiz import make_plan
from bot.trivia import QUIET_LIMIT, Close, Finish, Game, Post, Wait, next_step, trim_plan
from tests.quiz.factories import knowledge_quiz

NOW = 1_000.0


def game(**changes: object) -> Game:
    plan = trim_plan(make_plan(knowledge_quiz(questions=6, draw=4), seed=7), 3)
    base = Game(
        id=1,
        guild_id=10,
        channel_id=20,
        starter_id=30,
        plan=plan,
        seconds=20,
        time_scale=1.0,
        status="running",
        position=0,
        phase="asking",
        deadline=None,
        question_started_at=None,
        message_id=None,
        quiet_streak=0,
        started_at=NOW,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_new_game_posts_its_first_question() -> None:
    assert next_step(game(), NOW) == Post(0)


def test_an_open_question_waits_for_its_deadline_then_closes() -> None:
    asking = game(message_id=5, deadline=NOW + 20, question_started_at=NOW)
    assert next_step(asking, NOW + 5) == Wait(NOW + 20)
    assert next_step(asking, NOW + 20) == Close(0)


def test_a_question_whose_message_was_never_stored_is_posted_again() -> None:
    assert next_step(game(position=1, deadline=NOW + 20), NOW) == Post(1)


def test_the_pause_leads_to_the_next_question() -> None:
    pause = game(phase="pause", message_id=5, deadline=NOW + 5)
    assert next_step(pause, NOW + 1) == Wait(NOW + 5)
    assert next_step(pause, NOW + 5) == Post(1)


def test_after_the_last_question_the_game_finishes_without_a_pause() -> None:
    assert next_step(game(phase="pause", position=2, message_id=5, deadline=NOW + 5), NOW) == Finish("finished")


def test_questions_without_answers_end_the_game() -> None:
    quiet = game(phase="pause", position=QUIET_LIMIT - 1, quiet_streak=QUIET_LIMIT, deadline=NOW + 5)
    quiet = replace(quiet, plan=trim_plan(make_plan(knowledge_quiz(questions=6, draw=4), seed=7), 4))
    assert next_step(quiet, NOW) == Finish("idle")
    assert next_step(replace(quiet, quiet_streak=QUIET_LIMIT - 1), NOW + 5) == Post(QUIET_LIMIT)


@pytest.mark.parametrize("status", ["finished", "stopped", "idle"])
def test_an_ended_game_does_nothing(status: str) -> None:
    assert next_step(game(status=status), NOW) is None


def test_answers_are_taken_only_on_the_open_question_before_its_deadline() -> None:
    asking = game(message_id=5, deadline=NOW + 20, question_started_at=NOW)
    assert asking.accepts_answers(0, NOW + 19.9)
    assert not asking.accepts_answers(0, NOW + 20)
    assert not asking.accepts_answers(1, NOW)
    assert not replace(asking, phase="pause").accepts_answers(0, NOW)


def test_a_faster_clock_keeps_the_seconds_members_are_told() -> None:
    fast = game(time_scale=0.1, question_started_at=NOW)
    assert fast.answer_window == pytest.approx(2.0)
    assert fast.elapsed(NOW + 1.0) == pytest.approx(10.0)


def test_a_game_plays_the_first_questions_of_the_draw() -> None:
    drawn = make_plan(knowledge_quiz(questions=6, draw=4), seed=3)
    assert trim_plan(drawn, 2).question_ids() == drawn.question_ids()[:2]
    with pytest.raises(ValueError):
        trim_plan(drawn, 0)
