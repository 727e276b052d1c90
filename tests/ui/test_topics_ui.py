"""The topic index and /faq autocomplete stay within Discord's limits however many topics there are."""

from __future__ import annotations

from bot import limits
from bot.knowledge import Entry, KnowledgeBase
from bot.ui import topics as ui


def base(count: int, categories: int) -> KnowledgeBase:
    entries = [
        Entry.model_validate(
            {
                "id": f"topic-{n}",
                "title": f"Topic number {n} about something long enough to matter " + "x" * 30,
                "questions": [f"What about topic {n}?"],
                "answer": "An answer.",
                "category": f"Category {n % categories}",
            }
        )
        for n in range(count)
    ]
    return KnowledgeBase(entries, [])


def test_with_nothing_typed_the_last_choice_opens_the_index_when_topics_exceed_25() -> None:
    few = ui.topic_choices(base(10, 2), "")
    assert len(few) == 10 and ui.INDEX_VALUE not in [value for _, value in few]
    many = ui.topic_choices(base(40, 3), "")
    assert len(many) == limits.AUTOCOMPLETE_CHOICES
    assert many[-1] == ("Browse all 40 topics by category (or keep typing)", ui.INDEX_VALUE)
    assert ui.wants_index(ui.INDEX_VALUE) and ui.wants_index(None) and not ui.wants_index("topic-1")


def test_the_index_of_many_topics_fits_one_embed() -> None:
    knowledge = base(120, 8)
    embed = ui.index_embed(knowledge)
    assert len(embed) <= limits.EMBED_TOTAL
    assert len(embed.fields) <= limits.EMBED_FIELDS
    assert all(len(field.value or "") <= limits.EMBED_FIELD_VALUE for field in embed.fields)
    # Eight categories need more select menus than a message holds: the index then lists only.
    assert ui.index_view(knowledge) is None


def test_a_category_over_25_topics_gets_two_menus() -> None:
    view = ui.index_view(base(30, 1))
    assert view is not None
    selects = [item for item in view.children if isinstance(item, ui.TopicSelect)]
    assert [len(s.item.options) for s in selects] == [25, 5]
    assert [s.item.placeholder for s in selects] == ["Category 0: open a topic", "Category 0 (2): open a topic"]
