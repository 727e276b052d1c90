"""The /stats chart: one PNG of fixed size drawn with matplotlib's Agg canvas.

Each call builds its own `Figure`, so no pyplot global state is touched and drawing is safe to run
in a worker thread while the bot keeps serving.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from bot.storage.stats import ServerStats

WIDTH_PX = 1200
HEIGHT_PX = 800
DPI = 100
MAX_BAR_LABEL = 38

PATH_LABELS = {"ai": "AI Engineer", "ml": "ML Engineer", "balanced": "Balanced"}
PATH_COLOURS = {"ai": "#4C72B0", "ml": "#DD8452", "balanced": "#8C8C8C"}
ANSWERED = "#55A868"
LOW = "#CCB974"
DECLINED = "#C44E52"
STARTED = "#8172B3"
COMPLETED = "#55A868"


def path_label(path_result: str) -> str:
    return PATH_LABELS.get(path_result, path_result)


def _short(text: str, limit: int = MAX_BAR_LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render_stats_chart(stats: ServerStats, entry_title: Callable[[str], str] | None = None) -> bytes:
    """Draw the server's figures as a PNG of WIDTH_PX x HEIGHT_PX pixels and return its bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    title_of = entry_title or (lambda entry_id: entry_id)
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(f"Crossroads in this server, last {stats.days} day{'s' if stats.days != 1 else ''}", fontsize=15)
    grid = figure.add_gridspec(2, 3)

    top = figure.add_subplot(grid[0, :2])
    entries = list(stats.faq.top_entries)
    top.set_title("Most used answers")
    if entries:
        labels = [_short(title_of(entry_id)) for entry_id, _ in entries][::-1]
        counts = [count for _, count in entries][::-1]
        bars = top.barh(labels, counts, color="#4C72B0")
        top.bar_label(bars, padding=3)
        top.set_xlabel("times answered")
        top.margins(x=0.12)
    else:
        _no_data(top, "No answers given in this period")

    asked = figure.add_subplot(grid[0, 2])
    asked.set_title("Questions asked")
    if stats.faq.asked:
        confident = stats.faq.answered - stats.faq.low_confidence
        names = ["answered", "low confidence", "declined"]
        values = [confident, stats.faq.low_confidence, stats.faq.declined]
        bars = asked.bar(names, values, color=[ANSWERED, LOW, DECLINED])
        asked.bar_label(bars, padding=2)
        asked.tick_params(axis="x", labelsize=9)
        asked.margins(y=0.15)
    else:
        _no_data(asked, "No questions asked")

    quizzes = figure.add_subplot(grid[1, 0])
    quizzes.set_title("Quizzes started and completed")
    if stats.quizzes:
        positions = list(range(len(stats.quizzes)))
        width = 0.38
        started = quizzes.bar(
            [p - width / 2 for p in positions],
            [q.started for q in stats.quizzes],
            width,
            label="started",
            color=STARTED,
        )
        completed = quizzes.bar(
            [p + width / 2 for p in positions],
            [q.completed for q in stats.quizzes],
            width,
            label="completed",
            color=COMPLETED,
        )
        quizzes.bar_label(started, padding=2)
        quizzes.bar_label(completed, padding=2)
        quizzes.set_xticks(positions, [q.quiz_id for q in stats.quizzes])
        highest = max(max(q.started, q.completed) for q in stats.quizzes)
        quizzes.set_ylim(0, max(highest, 1) * 1.35)
        quizzes.legend(loc="upper left", ncols=2, fontsize=9, frameon=False)
    else:
        _no_data(quizzes, "No quizzes started")

    paths = figure.add_subplot(grid[1, 1])
    paths.set_title("Path finder results")
    if stats.path_results:
        keys = list(stats.path_results)
        bars = paths.bar(
            [path_label(k) for k in keys],
            [stats.path_results[k] for k in keys],
            color=[PATH_COLOURS.get(k, "#937860") for k in keys],
        )
        paths.bar_label(bars, padding=2)
        paths.tick_params(axis="x", labelsize=9)
        paths.margins(y=0.15)
    else:
        _no_data(paths, "No path results yet")

    scores = figure.add_subplot(grid[1, 2])
    scores.set_title("Knowledge check scores")
    if stats.scores.count and stats.scores.out_of is not None:
        xs = list(range(stats.scores.out_of + 1))
        ys = [stats.scores.distribution.get(x, 0) for x in xs]
        scores.bar(xs, ys, color="#64B5CD")
        if stats.scores.average_score is not None:
            scores.axvline(stats.scores.average_score, color="#333333", linestyle="--", linewidth=1.2)
            scores.text(
                stats.scores.average_score,
                max(ys) * 1.05,
                f" average {stats.scores.average_score:.1f}",
                fontsize=9,
                va="bottom",
            )
        scores.set_xlabel(f"correct answers out of {stats.scores.out_of}")
        scores.set_ylabel("members")
        scores.set_ylim(0, max(ys) * 1.25)
        scores.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        _no_data(scores, "No knowledge checks finished")

    for axes in (top, asked, quizzes, paths, scores):
        axes.spines[["top", "right"]].set_visible(False)
    for axes in (asked, quizzes, paths, scores):
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    top.xaxis.set_major_locator(MaxNLocator(integer=True))

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _no_data(axes: object, text: str) -> None:
    from matplotlib.axes import Axes

    assert isinstance(axes, Axes)
    axes.set_axis_off()
    axes.text(0.5, 0.5, text, ha="center", va="center", fontsize=11, color="#777777", transform=axes.transAxes)
