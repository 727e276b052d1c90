"""`python -m bot ask`: preview how the bot answers a question, as text or as JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import load_knowledge
from bot.knowledge.matcher import Match

DECLINED = "I don't have an answer for that yet."


def match_json(knowledge: KnowledgeBase, match: Match) -> dict[str, Any]:
    """The JSON object `ask --json` prints for one question."""
    entry = knowledge.get(match.entry_id) if match.entry_id else None
    return {
        "matched": entry is not None,
        "id": entry.id if entry else None,
        "title": entry.title if entry else None,
        "answer": entry.answer if entry else None,
        "score": round(match.score, 4),
        "suggestions": [{"id": hit.entry_id, "title": hit.title} for hit in match.suggestions],
        "not_covered": match.uncovered,
    }


def render_text(knowledge: KnowledgeBase, match: Match) -> str:
    """The answer as a member reads it, in plain text with Discord markdown left in place."""
    entry = knowledge.get(match.entry_id) if match.entry_id else None
    if entry is None:
        lines = [DECLINED]
        if match.uncovered:
            lines.append(f"The guide does not cover {match.uncovered}.")
        if match.suggestions:
            lines.append("Did you mean:")
            lines.extend(f"  • {hit.title}" for hit in match.suggestions)
        else:
            lines.append("Try asking about pay, skills, degrees, getting started or switching roles.")
        return "\n".join(lines)
    lines = [entry.title, "=" * len(entry.title), "", entry.answer]
    related = knowledge.related(entry)
    if related:
        lines.extend(["", "Related: " + " · ".join(item.title for item in related)])
    return "\n".join(lines)


def run_ask(content_dir: Path, question: str | None, as_json: bool) -> int:
    """Answer one question (or, with --json and no question, one per line of standard input)."""
    return _run(content_dir, question, as_json, sys.stdin, sys.stdout, sys.stderr)


def _run(content_dir: Path, question: str | None, as_json: bool, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    if question is None and not as_json:
        print(
            'Give a question, for example: python -m bot ask "how much do ML engineers make"\n'
            "(or add --json to read one question per line from standard input).",
            file=stderr,
        )
        return 2
    knowledge, problems = load_knowledge(content_dir / "knowledge")
    if knowledge is None:
        print(f"The knowledge base in {content_dir / 'knowledge'} cannot be used:", file=stderr)
        for problem in problems:
            print(f"  - {problem}", file=stderr)
        print("Fix these and try again (python -m bot check lists them too).", file=stderr)
        return 1
    if question is not None:
        match = knowledge.match(question)
        if as_json:
            print(json.dumps(match_json(knowledge, match), ensure_ascii=False), file=stdout)
        else:
            print(render_text(knowledge, match), file=stdout)
        return 0
    for line in stdin:
        match = knowledge.match(line.rstrip("\r\n"))
        print(json.dumps(match_json(knowledge, match), ensure_ascii=False), file=stdout, flush=True)
    return 0
