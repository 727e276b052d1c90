from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image

from bot.storage.stats import FaqStats, QuizStats, ScoreStats, ServerStats
from bot.ui.charts import HEIGHT_PX, WIDTH_PX, render_stats_chart

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def busy_server() -> ServerStats:
    return ServerStats(
        guild_id=1,
        days=30,
        since=0.0,
        faq=FaqStats(
            asked=40,
            answered=30,
            declined=10,
            low_confidence=4,
            top_entries=(("salary-ml", 12), ("degree", 8), ("switch-" + "x" * 80, 3)),
        ),
        quizzes=(QuizStats("knowledge", started=20, completed=14), QuizStats("path", started=30, completed=25)),
        path_results={"ai": 12, "ml": 9, "balanced": 4},
        scores=ScoreStats(
            count=14, average_score=6.4, average_fraction=0.64, out_of=10, distribution={3: 1, 5: 3, 6: 4, 7: 6}
        ),
    )


def questions_only() -> ServerStats:
    return ServerStats(
        guild_id=1,
        days=1,
        since=0.0,
        faq=FaqStats(asked=2, answered=0, declined=2),
        quizzes=(),
        path_results={},
        scores=ScoreStats(),
    )


def decode(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


@pytest.mark.parametrize("stats", [busy_server(), questions_only()], ids=["busy", "questions-only"])
def test_chart_is_a_png_of_the_fixed_size(stats: ServerStats) -> None:
    png = render_stats_chart(stats)
    assert png.startswith(PNG_SIGNATURE)
    image = decode(png)
    assert image.format == "PNG"
    assert image.size == (WIDTH_PX, HEIGHT_PX) == (1200, 800)


def test_chart_decodes_with_matplotlib_too() -> None:
    from matplotlib.image import imread

    pixels = imread(io.BytesIO(render_stats_chart(busy_server())), format="png")
    assert pixels.shape[:2] == (HEIGHT_PX, WIDTH_PX)


def test_chart_draws_bars_in_the_data_colours() -> None:
    image = decode(render_stats_chart(busy_server())).convert("RGB")
    colours = {colour for _, colour in image.getcolors(maxcolors=WIDTH_PX * HEIGHT_PX) or []}
    assert (0x55, 0xA8, 0x68) in colours  # answered / completed
    assert (0xC4, 0x4E, 0x52) in colours  # declined
    assert (0x4C, 0x72, 0xB0) in colours  # AI Engineer and top answers


def test_entry_titles_are_used_when_given() -> None:
    titled = render_stats_chart(busy_server(), entry_title=lambda entry_id: f"Title of {entry_id}")
    assert titled != render_stats_chart(busy_server())


def test_charts_drawn_in_parallel_threads_match_one_drawn_alone() -> None:
    alone = render_stats_chart(busy_server())
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: render_stats_chart(busy_server()), range(4)))
    assert all(result == alone for result in results)
