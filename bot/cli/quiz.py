"""`python -m bot quiz path|knowledge`: play a quiz in the terminal with the same engine, so content
authors can try their changes before members see them."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import TextIO

from bot.quiz.engine import Attempt, KnowledgeResult, PathResult, Plan, new_seed
from bot.quiz.text import counterpoint_line, leaning_line, plain, score_line

WIDTH = 88


def run_quiz(
    content_dir: Path,
    quiz_id: str,
    *,
    seed: int | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Play `quiz_id` from the content in `content_dir`. Returns 0 when the quiz was played (to the
    end or stopped with q), 1 when the content is invalid, 2 when there is no such quiz."""
    from bot.content import check_content

    reader = stdin if stdin is not None else sys.stdin
    out = stdout if stdout is not None else sys.stdout

    def say(text: str = "") -> None:
        print(text, file=out, flush=True)

    content, problems = check_content(content_dir)
    if content is None:
        say(f"{content_dir}: the content has {len(problems)} problem(s); fix them first:")
        for problem in problems:
            say(f"  - {problem}")
        return 1
    book = content.quizzes
    if quiz_id not in book:
        say(f"There is no quiz called '{quiz_id}'. Choose one of: {', '.join(book.ids())}.")
        return 2
    quiz = book.get(quiz_id)
    plan = book.start(quiz_id, new_seed() if seed is None else seed)
    say(f"{quiz.title} (version {plan.version}, seed {plan.seed})")
    say(_wrap(quiz.intro))
    say("Type the number of your answer, or q to stop.")
    attempt = Attempt(plan)
    while (question := attempt.current()) is not None:
        say()
        say(f"Question {attempt.position + 1} of {attempt.total}")
        say(_wrap(question.prompt))
        for number, choice in enumerate(question.choices, start=1):
            say(f"  {number}. {choice.label}")
        picked = _ask(reader, out, len(question.choices))
        if picked is None:
            say()
            say(f"Stopped after {attempt.position} of {attempt.total} questions.")
            return 0
        choice = question.choices[picked - 1]
        outcome = attempt.answer(question.id, choice.id)
        if plan.kind == "knowledge":
            right = question.correct_choice()
            if outcome.answer.correct:
                say("Right.")
            else:
                say(f"Not quite. The answer is: {right.label if right else '?'}")
            if question.explanation:
                say(_wrap(question.explanation))
    say()
    say(_result_text(plan, attempt))
    return 0


def _ask(reader: TextIO, out: TextIO, count: int) -> int | None:
    while True:
        print(f"Your answer (1-{count}, q to stop): ", end="", file=out, flush=True)
        line = reader.readline()
        if not line:
            return None
        text = line.strip().lower()
        if text in {"q", "quit", "exit"}:
            return None
        if text.isdigit() and 1 <= int(text) <= count:
            return int(text)
        print(f"Type a number from 1 to {count}, or q to stop.", file=out, flush=True)


def _result_text(plan: Plan, attempt: Attempt) -> str:
    result = attempt.result()
    lines: list[str] = []
    if isinstance(result, PathResult):
        lines.append(f"Result: {result.title}")
        lines.append(plain(leaning_line(result)))
        counterpoint = counterpoint_line(result)
        if counterpoint:
            lines.append(_wrap(counterpoint))
        lines.append(_wrap(result.summary))
        if result.reasons:
            lines.append("Why:")
            lines.extend(f"  - {reason}" for reason in result.reasons)
        lines.append("Next steps (knowledge-base entries):")
        lines.extend(f"  - {step.label} [{step.entry}]" for step in result.next_steps)
        lines.append("  - Both roles side by side: /compare")
        lines.append("  - Test what you know: python -m bot quiz knowledge")
    elif isinstance(result, KnowledgeResult):
        lines.append(f"Result: {plan.title}")
        lines.append(plain(score_line(result)))
        for item in result.missed:
            lines.append(f"  - {item.prompt}")
            lines.append(f"    You chose “{item.chosen}”. The answer is: {item.correct_label}.")
            if item.review:
                lines.append(f"    Read more: knowledge-base entry [{item.review}]")
    return "\n".join(lines)


def _wrap(text: str) -> str:
    return "\n".join(textwrap.wrap(text, WIDTH)) or text
