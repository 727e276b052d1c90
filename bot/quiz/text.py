"""Sentences about quiz results, shared by the Discord embeds and the terminal preview."""

from __future__ import annotations

from bot.quiz.engine import KnowledgeResult, PathResult

PATH_NAMES = {"ai": "AI Engineering", "ml": "ML Engineering"}
ROLE_NAMES = {"ai": "AI Engineer", "ml": "ML Engineer", "balanced": "Both paths"}


def leaning_line(result: PathResult) -> str:
    """How strongly the answers leaned, honestly, including when they did not lean at all."""
    ai, ml = result.ai_points, result.ml_points
    if result.leaning != "balanced":
        other = ml if result.leaning == "ai" else ai
        mine = ai if result.leaning == "ai" else ml
        return (
            f"Your answers leaned **{result.strength_text}** toward {PATH_NAMES[result.leaning]} "
            f"({mine} points against {other})."
        )
    if ai == 0 and ml == 0:
        return "None of your answers leaned toward either path, so there is no clear pull either way."
    if result.tilt is None:
        return f"Your answers split exactly evenly: {ai} points toward each path."
    return (
        f"Your answers were close to even ({ai} points toward AI Engineering, {ml} toward ML Engineering), "
        f"too close to call a winner."
    )


def score_line(result: KnowledgeResult) -> str:
    if result.passed:
        return f"You scored **{result.score} of {result.total}**: a pass (the pass mark is {result.pass_mark})."
    return (
        f"You scored **{result.score} of {result.total}**; the pass mark is {result.pass_mark}. "
        "Read the explanations below and try again whenever you like."
    )


def plain(text: str) -> str:
    """Drop the Markdown emphasis used in Discord, for the terminal."""
    return text.replace("**", "")
