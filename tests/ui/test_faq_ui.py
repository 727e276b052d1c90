"""Every knowledge-base reply fits Discord's limits, and topic buttons survive a round trip."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import discord
import pytest

from bot import limits
from bot.knowledge import Entry, Hit, KnowledgeBase, load_knowledge
from bot.knowledge.models import ANSWER_MAX, TITLE_MAX
from bot.ui import faq as ui

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    knowledge, problems = load_knowledge(ROOT / "data" / "knowledge")
    assert knowledge is not None, problems
    return knowledge


def assert_fits(embed: discord.Embed) -> None:
    assert len(embed.title or "") <= limits.EMBED_TITLE
    assert len(embed.description or "") <= limits.EMBED_DESCRIPTION
    assert len(embed.fields) <= limits.EMBED_FIELDS
    for field in embed.fields:
        assert 0 < len(field.name or "") <= limits.EMBED_FIELD_NAME
        assert 0 < len(field.value or "") <= limits.EMBED_FIELD_VALUE
    assert len(embed.footer.text or "") <= limits.EMBED_FOOTER
    assert len(embed) <= limits.EMBED_TOTAL


def custom_ids(view: discord.ui.View | None) -> list[str]:
    assert view is not None
    return [str(getattr(item, "custom_id", "")) for item in view.children]


def test_every_shipped_answer_fits_one_embed(kb: KnowledgeBase) -> None:
    for entry in kb.entries():
        [embed] = ui.answer_embeds(entry, question="x" * 5000)
        assert_fits(embed)
        assert embed.description == entry.answer
        assert embed.footer.text is not None and embed.footer.text.startswith(ui.ASKED_PREFIX)


def test_the_longest_allowed_answer_is_split_into_one_message() -> None:
    paragraph = "A sentence about careers that goes on for a while. " * 12
    answer = "\n\n".join([paragraph.strip()] * 20)[:ANSWER_MAX].rstrip()
    entry = Entry(id="long", title="T" * TITLE_MAX, questions=["q"], answer=answer)
    embeds = ui.answer_embeds(entry, question="q" * 5000)
    assert len(embeds) == 2
    for embed in embeds:
        assert_fits(embed)
    assert sum(len(embed) for embed in embeds) <= limits.EMBED_TOTAL
    assert embeds[0].title == entry.title and embeds[1].title is None
    assert embeds[0].description and embeds[0].description.endswith(".")
    joined = " ".join(embed.description or "" for embed in embeds)
    assert " ".join(joined.split()) == " ".join(answer.split())
    assert (embeds[-1].footer.text or "").startswith(ui.ASKED_PREFIX)


def test_the_question_is_quoted_on_one_line_in_the_footer(kb: KnowledgeBase) -> None:
    entry = next(kb.entries())
    embeds = ui.answer_embeds(entry, question="how   much\ndo they make")
    assert embeds[-1].footer.text == "You asked: how much do they make"
    assert ui.answer_embeds(entry)[-1].footer.text is None


def test_answers_carry_vote_buttons_with_the_question_id(kb: KnowledgeBase) -> None:
    entry = kb.get("salary-comparison")
    assert entry is not None
    view = ui.answer_view(kb.related(entry), 42)
    ids = custom_ids(view)
    assert ids[-2:] == ["vote:42:h", "vote:42:n"]
    assert all(len(custom_id) <= limits.CUSTOM_ID for custom_id in ids)
    assert ui.answer_view([], None) is None


async def test_a_vote_button_is_rebuilt_from_its_custom_id() -> None:
    for custom_id, helpful in (("vote:7:h", True), ("vote:7:n", False)):
        match = ui.VOTE_TEMPLATE.match(custom_id)
        assert match is not None
        item: Any = None
        interaction: Any = None
        button = await ui.VoteButton.from_custom_id(interaction, item, match)
        assert (button.ask_id, button.helpful) == (7, helpful)
        assert button.item.custom_id == custom_id
    assert ui.TOPIC_TEMPLATE.match("vote:7:h") is None and ui.VOTE_TEMPLATE.match("faq:vote") is None


def test_a_suggestion_carries_the_question_by_id() -> None:
    view = ui.suggestions_view([Hit("salary-comparison", "Pay", 0.4)], 123)
    assert custom_ids(view) == ["faq:salary-comparison:q123"]
    match = ui.TOPIC_TEMPLATE.match("faq:salary-comparison:q123")
    assert match is not None and match["ask"] == "123" and match["entry"] == "salary-comparison"


def test_vote_replies_say_what_happened() -> None:
    assert "helpful" in ui.vote_sentence(True, None)
    assert ui.vote_sentence(False, True).startswith("Vote changed.")
    assert "nothing changed" in ui.vote_sentence(True, True)


def test_related_buttons_name_their_entries_and_survive_a_restart(kb: KnowledgeBase) -> None:
    for entry in kb.entries():
        related = kb.related(entry)
        view = ui.related_view(related)
        if not related:
            assert view is None
            continue
        ids = custom_ids(view)
        assert ids == [f"faq:{item.id}:r" for item in related][: ui.MAX_TOPIC_BUTTONS]
        assert all(len(custom_id) <= limits.CUSTOM_ID for custom_id in ids)
        assert all(ui.TOPIC_TEMPLATE.match(custom_id) for custom_id in ids)
        assert view is not None and all(len(str(getattr(i, "label", ""))) <= limits.BUTTON_LABEL for i in view.children)


async def test_a_topic_button_is_rebuilt_from_its_custom_id() -> None:
    for custom_id, source in (("faq:salary-comparison", "suggestion"), ("faq:salary-comparison:r", "related")):
        match = ui.TOPIC_TEMPLATE.match(custom_id)
        assert match is not None
        item: Any = None
        interaction: Any = None
        button = await ui.TopicButton.from_custom_id(interaction, item, match)
        assert (button.entry_id, button.source) == ("salary-comparison", source)
        assert button.item.custom_id == custom_id


def test_topic_ids_that_cannot_be_buttons_are_refused() -> None:
    with pytest.raises(ValueError):
        ui.topic_custom_id("Not A Slug")
    with pytest.raises(ValueError):
        ui.topic_custom_id("x" * 120)


def test_did_you_mean_offers_at_most_one_row_of_buttons() -> None:
    hits = [Hit(f"entry-{i}", "A long title " * 10, 0.4) for i in range(7)]
    view = ui.suggestions_view(hits)
    assert custom_ids(view) == [f"faq:entry-{i}" for i in range(ui.MAX_TOPIC_BUTTONS)]
    assert ui.suggestions_view([]) is None


def test_the_decline_quotes_the_question_shortened_and_says_what_to_do() -> None:
    embed = ui.declined_embed("why " * 2000, [])
    assert_fits(embed)
    assert embed.title == ui.DECLINED_TITLE
    assert "/faq" in (embed.description or "")
    with_choices = ui.declined_embed("how much do plumbers make", [Hit("salary-comparison", "Pay", 0.4)])
    assert "Closest topics" in (with_choices.description or "")
    assert with_choices.footer.text == "You asked: how much do plumbers make"


def test_a_subject_the_guide_does_not_cover_is_said_plainly() -> None:
    embed = ui.declined_embed("can i work remotely", [Hit("job-market", "Jobs", 0.4)], uncovered="remote work")
    assert_fits(embed)
    assert embed.title == ui.UNCOVERED_TITLE
    assert "doesn't cover **remote work**" in (embed.description or "")
    assert "Closest topics" in (embed.description or "")


def test_a_which_path_decline_offers_the_path_finder() -> None:
    embed = ui.declined_embed("which one", [Hit("choosing", "Choose", 0.4)], which_path=True)
    assert "/quiz start" in (embed.description or "")


def test_echoed_markdown_and_masked_links_stay_out_of_rendered_text() -> None:
    question = "[click me](https://evil.example) **bold** lol"
    embed = ui.declined_embed(question, [])
    assert "evil.example" not in (embed.description or "")
    assert "evil.example" in (embed.footer.text or "")


@pytest.mark.parametrize("key", ["ai", "ml"])
def test_the_profile_card_shows_every_field_within_limits(kb: KnowledgeBase, key: str) -> None:
    profile = kb.profile(key)
    assert profile is not None
    embed = ui.profile_embed(profile)
    assert_fits(embed)
    names = [field.name for field in embed.fields]
    assert names == ["Salary", *(heading for _, heading in ui.PROFILE_FIELDS)]
    assert profile.salary.label() in (embed.fields[0].value or "")


def test_the_comparison_pairs_the_roles_row_by_row(kb: KnowledgeBase) -> None:
    ai, ml = kb.profile("ai"), kb.profile("ml")
    assert ai is not None and ml is not None
    embed = ui.compare_embed(ai, ml)
    assert_fits(embed)
    assert len(embed.fields) == 3 * len(ui.COMPARE_ROWS)
    for row in range(len(ui.COMPARE_ROWS)):
        left, right, spacer = embed.fields[3 * row : 3 * row + 3]
        assert (left.name or "").endswith("AI Engineer") and (right.name or "").endswith("ML Engineer")
        assert left.inline and right.inline and spacer.value == "\u200b"


def test_an_oversized_embed_is_shortened_to_fit() -> None:
    embed = discord.Embed(title="t", description="d" * 4000)
    for index in range(5):
        embed.add_field(name=f"f{index}", value="v" * 1000)
    assert len(embed) > limits.EMBED_TOTAL
    assert_fits(ui.fit_embed(embed))
