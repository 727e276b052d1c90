"""Helpers for the quiz end-to-end tests: pick buttons by what they mean."""

from __future__ import annotations

from pathlib import Path

from bot.quiz import PathQuiz, QuizBook, load_quizzes
from standin.member import Member, Message

DATA = Path(__file__).resolve().parents[2] / "data"


def shipped_book() -> QuizBook:
    book, problems = load_quizzes(DATA / "quizzes", None)
    assert book is not None, problems
    return book


def parse(custom_id: str) -> tuple[int, str, str]:
    prefix, session, question, choice = custom_id.split(":")
    assert prefix == "quiz"
    return int(session), question, choice


def session_of(message: Message) -> int:
    custom_id = message.buttons[0].custom_id
    assert custom_id is not None
    return parse(custom_id)[0]


def question_of(message: Message) -> str:
    custom_id = message.buttons[0].custom_id
    assert custom_id is not None
    return parse(custom_id)[1]


def knowledge_button(message: Message, *, correct: bool) -> str:
    """The custom_id of a right (or a wrong) answer; the shipped knowledge check marks choice `a`."""
    for button in message.buttons:
        assert button.custom_id is not None
        _, _, choice = parse(button.custom_id)
        if (choice == "a") == correct:
            return button.custom_id
    raise AssertionError("no such button")


def path_button(message: Message, lean: str) -> str:
    """The custom_id of the choice leaning most toward `lean` ('ai' or 'ml')."""
    quiz = shipped_book().get("path")
    assert isinstance(quiz, PathQuiz)
    _, question_id, _ = parse(message.buttons[0].custom_id or "")
    question = next(q for q in quiz.questions if q.id == question_id)
    best = max(question.choices, key=lambda c: (c.lean == lean, c.weight if c.lean == lean else -c.weight))
    for button in message.buttons:
        if button.custom_id is not None and parse(button.custom_id)[2] == best.id:
            return button.custom_id
    raise AssertionError(f"no button for {best.id}")


async def next_question(member: Member) -> Message:
    """The next question (a DM with buttons that are not disabled)."""
    return await member.wait_for_dm(lambda m: not m.ephemeral and bool(m.buttons) and not m.buttons[0].disabled)
