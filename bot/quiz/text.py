"""Sentences about quiz results, shared by the Discord embeds and the terminal preview."""

from __future__ import annotations

from bot.quiz.engine import KnowledgeResult, PathResult

PATH_NAMES = {"ai": "AI Engineering", "ml": "ML Engineering"}
ROLE_NAMES = {"ai": "AI Engineer", "ml": "ML Engineer", "balanced": "Both paths"}


def leaning_line(result: PathResult) -> str:
    """How the answers leaned, counted in answers, including when they did not lean at all."""
    total = result.answers
    if total == 0:
        return _points_line(result)
    counts = {"ai": result.ai_answers, "ml": result.ml_answers}
    neither = result.neutral_answers
    if result.leaning != "balanced":
        other = "ml" if result.leaning == "ai" else "ai"
        rest = f"{counts[other]} leaned toward {PATH_NAMES[other]}"
        if neither:
            rest += f" and {neither} toward neither"
        mine = counts[result.leaning]
        return f"**{mine} of your {total} answers** leaned toward {PATH_NAMES[result.leaning]}; {rest}."
    if neither == total:
        return "None of your answers leaned toward either path, so there is no clear pull either way."
    split = f"{counts['ai']} toward AI Engineering, {counts['ml']} toward ML Engineering and {neither} toward neither"
    if neither * 2 > total:
        return f"**{neither} of your {total} answers** leaned toward neither path ({split}): no clear pull either way."
    return f"Your {total} answers were close ({split}), too close to call a winner."


def _points_line(result: PathResult) -> str:
    """For results stored before answers were counted: the points, stated as points."""
    ai, ml = result.ai_points, result.ml_points
    if ai == 0 and ml == 0:
        return "None of your answers leaned toward either path, so there is no clear pull either way."
    return f"Your answers gave {ai} points toward AI Engineering and {ml} toward ML Engineering."


def counterpoint_line(result: PathResult) -> str | None:
    """The strongest answer that pointed the other way, so a verdict is never the whole story."""
    point = result.counterpoint
    if point is None:
        return None
    return f"But note: to “{point.prompt}” you answered “{point.label}”, which points toward {PATH_NAMES[point.lean]}."


def score_line(result: KnowledgeResult) -> str:
    if result.review_of is not None:
        if result.passed:
            return f"You got **all {result.total}** right this time. Review attempts do not change the leaderboard."
        return (
            f"You got **{result.score} of {result.total}** right this time. "
            "Review attempts do not change the leaderboard."
        )
    if result.passed:
        return f"You scored **{result.score} of {result.total}**: a pass (the pass mark is {result.pass_mark})."
    return (
        f"You scored **{result.score} of {result.total}**; the pass mark is {result.pass_mark}. "
        "Read the explanations below and try again whenever you like."
    )


def plain(text: str) -> str:
    """Drop the Markdown emphasis used in Discord, for the terminal."""
    return text.replace("**", "")
