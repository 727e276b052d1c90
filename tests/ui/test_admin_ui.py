from __future__ import annotations

import csv
import io

import discord

from bot import limits
from bot.storage.stats import FaqStats, QuizStats, ScoreStats, ServerStats, UnansweredQuestion
from bot.ui import admin as ui

EPOCH = 1_700_000_000.0


def question(text: str, count: int = 1, normalized: str | None = None) -> UnansweredQuestion:
    return UnansweredQuestion(
        normalized=normalized or text.lower(),
        question=text,
        count=count,
        members=count,
        last_asked=EPOCH,
        best_score=0.25,
    )


def embed_size(embed: discord.Embed) -> int:
    return len(embed)


def test_csv_has_a_header_and_one_row_per_question_in_order() -> None:
    rows = list(
        csv.reader(
            io.StringIO(ui.unanswered_csv([question("Is a PhD needed?", 3), question("weather, today", 1)]).decode())
        )
    )
    assert rows[0] == ["question", "normalized", "times_asked", "members", "last_asked_utc", "best_score"]
    assert rows[1] == ["Is a PhD needed?", "is a phd needed?", "3", "3", "2023-11-14T22:13:20+00:00", "0.250"]
    assert rows[2][0] == "weather, today"  # the comma is quoted, not a new column
    assert len(rows) == 3


def test_csv_neutralises_spreadsheet_formulas_from_members() -> None:
    rows = list(
        csv.reader(io.StringIO(ui.unanswered_csv([question('=HYPERLINK("http://x")', normalized="=x")]).decode()))
    )
    assert rows[1][0] == '\'=HYPERLINK("http://x")'
    assert rows[1][1] == "'=x"


def test_unanswered_embed_fits_discord_and_points_to_the_csv_when_cut() -> None:
    many = [question(f"question number {i} " + "x" * 140, count=500 - i) for i in range(400)]
    embed = ui.unanswered_embed(many, 30)
    assert embed.description is not None and len(embed.description) <= limits.EMBED_DESCRIPTION
    assert embed_size(embed) <= limits.EMBED_TOTAL
    assert embed.description.startswith("**500×** question number 0")
    assert embed.footer.text is not None and ui.UNANSWERED_CSV in embed.footer.text
    assert "Showing the" in embed.footer.text


def test_unanswered_embed_escapes_member_markdown_and_mentions_are_inert() -> None:
    embed = ui.unanswered_embed([question("**bold** @everyone", 2)], 7)
    assert embed.description is not None
    assert "\\*\\*bold\\*\\*" in embed.description
    assert embed.title == "Unanswered questions, last 7 days"


def test_stats_embed_names_every_figure() -> None:
    stats = ServerStats(
        guild_id=1,
        days=30,
        since=0.0,
        faq=FaqStats(asked=10, answered=8, declined=2, low_confidence=1, top_entries=(("salary", 5),)),
        quizzes=(QuizStats("knowledge", started=4, completed=3), QuizStats("path", started=2, completed=1)),
        path_results={"ai": 1},
        scores=ScoreStats(count=3, average_score=7.0, average_fraction=0.7, out_of=10, distribution={6: 1, 7: 1, 8: 1}),
    )
    embed = ui.stats_embed(stats, entry_title=lambda entry_id: "What ML engineers earn")
    text = "\n".join(f"{f.name}: {f.value}" for f in embed.fields)
    assert "10 questions asked: 8 answered (80%), 2 declined" in text
    assert "What ML engineers earn (5)" in text
    assert "knowledge: 4 started, 3 completed (75%)" in text
    assert "All quizzes: 6 started, 4 completed (67%)" in text
    assert "AI Engineer 1 (100%)" in text
    assert "average 7.0 of 10 (70%)" in text
    assert embed.image.url == f"attachment://{ui.STATS_CHART}"
    assert embed_size(embed) <= limits.EMBED_TOTAL


def test_empty_sentences_say_what_to_do() -> None:
    assert "/stats days:90" in ui.no_stats_sentence(7)
    assert "last 1 day:" in ui.no_unanswered_sentence(1)
