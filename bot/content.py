"""Loads every content file (knowledge base and quizzes) into one immutable bundle.

The bot holds one `Content` at a time and swaps it whole on reload, so a reader never sees half
of an update. Validation problems from every file are collected and reported together.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.knowledge import KnowledgeBase, load_knowledge, semantic
from bot.problems import ContentError, Problem
from bot.quiz import QuizBook, load_quizzes


@dataclass(frozen=True)
class Content:
    knowledge: KnowledgeBase
    quizzes: QuizBook
    directory: Path


def check_content(content_dir: Path) -> tuple[Content | None, list[Problem]]:
    """Validate every content file under `content_dir`; return the content when it is valid."""
    problems: list[Problem] = []
    if not content_dir.is_dir():
        problems.append(Problem(str(content_dir), None, None, "the content folder does not exist (set CONTENT_DIR)"))
        return None, problems
    knowledge, knowledge_problems = load_knowledge(content_dir / "knowledge")
    problems.extend(knowledge_problems)
    # When the knowledge base itself is invalid, links into it cannot be judged: checking them
    # against an empty set would bury the real problems under false "unknown entry" reports.
    entry_ids = set(knowledge.entry_ids()) if knowledge is not None else None
    quizzes, quiz_problems = load_quizzes(content_dir / "quizzes", known_entry_ids=entry_ids)
    problems.extend(quiz_problems)
    if problems or knowledge is None or quizzes is None:
        return None, sorted(problems)
    return Content(knowledge=knowledge, quizzes=quizzes, directory=content_dir), []


def load_content(content_dir: Path) -> Content:
    """Load valid content or raise ContentError listing every problem."""
    content, problems = check_content(content_dir)
    if content is None:
        raise ContentError(problems)
    # The embedding model loads now (about a second), so the first member's question does not wait.
    semantic.warm_up()
    return content
