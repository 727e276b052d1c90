"""The topic index, /faq autocomplete beyond 25 topics, and link buttons, through the stand-in."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.sandbox.harness import InProcessBot
from standin.member import Member
from standin.server import StandIn
from tests.e2e.database import Database

DATA = Path(__file__).resolve().parents[2] / "data"


async def test_faq_without_a_topic_shows_every_topic_by_category(bot: InProcessBot, member: Member) -> None:
    index = await member.slash("faq")
    embed = index.embeds[0]
    assert embed.title == "Topics"
    categories = [field.name for field in embed.fields]
    assert categories == [
        "Getting in, skills and tools",
        "Pay and jobs",
        "The two roles",
        "Switching roles, the author and the community",
    ]
    listed = "\n".join(field.value for field in embed.fields)
    for entry in bot.client.content.knowledge.entries():
        assert f"• {entry.title}" in listed
    assert "• Which role pays more?" in (embed.field("Pay and jobs").value or "")
    assert [select.placeholder for select in index.selects] == [f"{name}: open a topic" for name in categories]

    opened = await member.select(index, "Which role pays more?", custom_id="topics:1")
    assert opened.ephemeral and opened.embeds[0].title == "Which role pays more?"
    assert "$120k–$180k" in (opened.embeds[0].description or "")


def _copy_content(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(DATA / "knowledge", content / "knowledge")
    shutil.copytree(DATA / "quizzes", content / "quizzes")
    return content


def _edit(path: Path, change: Any) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
async def bot_with_30_topics_and_links(
    standin: StandIn, database: Database, tmp_path: Path
) -> AsyncIterator[InProcessBot]:
    content = _copy_content(tmp_path)

    def add_links(data: dict[str, Any]) -> None:
        [community] = [entry for entry in data["entries"] if entry["id"] == "community"]
        community["links"] = [
            {"label": "Our Discord's #mentoring", "url": "https://discord.example/mentoring"},
            {"label": "Reading list", "url": "https://example.org/reading"},
        ]

    _edit(content / "knowledge" / "switching-and-community.yaml", add_links)
    extra = {
        "category": "Local resources",
        "entries": [
            {
                "id": f"local-topic-{n}",
                "title": f"Local meetup number {n}",
                "questions": [f"When is local meetup {n}?"],
                "answer": f"Meetup {n} is announced in #events.",
            }
            for n in range(1, 7)
        ],
    }
    (content / "knowledge" / "zz-local.yaml").write_text(yaml.safe_dump(extra), encoding="utf-8")
    running = InProcessBot(standin, database.settings(standin, content_dir=content))
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


async def test_autocomplete_never_hides_a_topic_beyond_25(
    bot_with_30_topics_and_links: InProcessBot, standin: StandIn
) -> None:
    member = standin.member("alice")
    assert len(bot_with_30_topics_and_links.client.content.knowledge) == 30
    offered = await member.autocomplete("faq", "topic", "")
    assert len(offered) == 25
    assert offered[-1].name == "Browse all 30 topics by category (or keep typing)"
    index = await member.slash("faq", topic=offered[-1].value)
    assert index.embeds[0].title == "Topics"
    assert "• Local meetup number 6" in (index.embeds[0].field("Local resources").value or "")
    # The 30th topic, in the last category, is reached by typing.
    typed = await member.autocomplete("faq", "topic", "local meetup")
    assert "local-topic-6" in [choice.value for choice in typed]


async def test_an_entry_shows_its_link_buttons(bot_with_30_topics_and_links: InProcessBot, standin: StandIn) -> None:
    member = standin.member("alice")
    answer = await member.slash("faq", topic="community")
    links = [(b.label, b.url) for b in answer.buttons if b.is_link]
    assert links == [
        ("Our Discord's #mentoring", "https://discord.example/mentoring"),
        ("Reading list", "https://example.org/reading"),
    ]
    related = [b.label for b in answer.buttons if not b.is_link]
    assert related and "Where to start learning — the YouTube tutorials" in related
    with pytest.raises(ValueError, match="is a link"):
        await member.click(answer, label="Reading list")


async def test_the_shipped_content_has_no_links(bot: InProcessBot) -> None:
    assert not [entry.id for entry in bot.client.content.knowledge.entries() if entry.links]


async def test_compare_says_what_the_salary_figures_are_and_are_not(bot: InProcessBot, member: Member) -> None:
    embed = (await member.slash("compare")).embeds[0]
    description = embed.description or ""
    assert "US-dollar base-pay ranges" in description and "research-focused companies" in description
    assert "not present them as starting salaries" in description and "other countries" in description
