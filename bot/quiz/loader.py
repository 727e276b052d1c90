"""Reads the quiz files in a folder, reporting every problem at once (file, entry, field)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from bot.problems import Problem, read_yaml
from bot.quiz.book import QuizBook
from bot.quiz.models import KnowledgeQuiz, PathQuiz, Quiz

REQUIRED_QUIZZES: dict[str, type[PathQuiz | KnowledgeQuiz]] = {"path": PathQuiz, "knowledge": KnowledgeQuiz}
_ADAPTER: TypeAdapter[PathQuiz | KnowledgeQuiz] = TypeAdapter(Quiz)


def load_quizzes(
    directory: Path, known_entry_ids: Iterable[str] | None = None
) -> tuple[QuizBook | None, list[Problem]]:
    """Load every `*.yaml` quiz in `directory`. Next-step and review links must name entries in
    `known_entry_ids` (pass None to skip that check). Returns the book only when nothing is wrong."""
    problems: list[Problem] = []
    if not directory.is_dir():
        return None, [Problem(str(directory), None, None, "the quizzes folder does not exist")]
    files = sorted(p for p in directory.iterdir() if p.suffix in {".yaml", ".yml"} and p.is_file())
    quizzes: dict[str, PathQuiz | KnowledgeQuiz] = {}
    where: dict[str, str] = {}
    known = set(known_entry_ids) if known_entry_ids is not None else None
    for path in files:
        quiz, file_problems = load_quiz_file(path)
        problems.extend(file_problems)
        if quiz is None:
            continue
        if quiz.id in quizzes:
            problems.append(
                Problem(str(path), quiz.id, "id", f"the quiz id '{quiz.id}' is also used in {where[quiz.id]}")
            )
            continue
        quizzes[quiz.id] = quiz
        where[quiz.id] = str(path)
        if known is not None:
            problems.extend(_check_links(str(path), quiz, known))
    for quiz_id, kind in REQUIRED_QUIZZES.items():
        found = quizzes.get(quiz_id)
        label = "path" if kind is PathQuiz else "knowledge"
        if found is None:
            if not any(quiz_id == Path(f).stem for f in map(str, files)):
                problems.append(
                    Problem(
                        str(directory),
                        quiz_id,
                        None,
                        f"the quiz '{quiz_id}' is missing; add {quiz_id}.yaml with id: {quiz_id} and kind: {label}",
                    )
                )
        elif not isinstance(found, kind):
            problems.append(Problem(where[quiz_id], quiz_id, "kind", f"the quiz '{quiz_id}' must be of kind {label}"))
    if problems:
        return None, sorted(problems)
    return QuizBook(quizzes), []


def load_quiz_file(path: Path) -> tuple[PathQuiz | KnowledgeQuiz | None, list[Problem]]:
    """Parse and validate one quiz file."""
    file = str(path)
    raw, unreadable = read_yaml(path)
    if unreadable is not None:
        return None, [unreadable]
    if not isinstance(raw, dict):
        return None, [Problem(file, None, None, "must be a mapping with id, kind, title, intro and questions")]
    try:
        return _ADAPTER.validate_python(raw), []
    except ValidationError as exc:
        return None, [_problem_from_error(file, raw, error) for error in exc.errors()]


def _problem_from_error(file: str, raw: dict[str, Any], error: Any) -> Problem:
    loc = list(error.get("loc", ()))
    if loc and loc[0] in ("path", "knowledge") and raw.get("kind") == loc[0]:
        loc = loc[1:]
    quiz_id = raw.get("id") if isinstance(raw.get("id"), str) else None
    entry = quiz_id
    field_parts: list[str] = []
    if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
        questions = raw.get("questions")
        index = loc[1]
        question_id = None
        if isinstance(questions, list) and index < len(questions) and isinstance(questions[index], dict):
            candidate = questions[index].get("id")
            question_id = candidate if isinstance(candidate, str) else None
        entry = question_id or f"questions[{index}]"
        loc = loc[2:]
    for part in loc:
        if isinstance(part, int):
            field_parts.append(f"[{part}]")
        else:
            field_parts.append(("." if field_parts else "") + str(part))
    field = "".join(field_parts) or None
    message = str(error.get("msg", "is invalid"))
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if error.get("type") == "extra_forbidden":
        message = "unknown key (check the spelling)"
    if error.get("type") == "missing":
        message = "is required"
    return Problem(file, entry, field, message)


def _check_links(file: str, quiz: PathQuiz | KnowledgeQuiz, known: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    if isinstance(quiz, PathQuiz):
        for leaning in ("ai", "ml", "balanced"):
            outcome = getattr(quiz.results, leaning)
            for index, step in enumerate(outcome.next_steps):
                if step.entry not in known:
                    problems.append(
                        Problem(
                            file,
                            f"results.{leaning}",
                            f"next_steps[{index}].entry",
                            f"links to '{step.entry}', which is not a knowledge-base entry id",
                        )
                    )
    else:
        for question in quiz.questions:
            if question.review is not None and question.review not in known:
                problems.append(
                    Problem(
                        file,
                        question.id,
                        "review",
                        f"links to '{question.review}', which is not a knowledge-base entry id",
                    )
                )
    return problems
