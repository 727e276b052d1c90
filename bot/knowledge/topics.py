"""The topic index: entries grouped by the categories the content files declare, in file order."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.knowledge.models import Entry

UNCATEGORISED = "More topics"


@dataclass(frozen=True)
class TopicGroup:
    category: str
    entries: tuple[Entry, ...]


def topic_groups(entries: Iterable[Entry]) -> list[TopicGroup]:
    """Categories in the order they first appear, each with its entries in file order; entries
    without a category come last, under "More topics"."""
    grouped: dict[str, list[Entry]] = {}
    loose: list[Entry] = []
    for entry in entries:
        if entry.category:
            grouped.setdefault(entry.category, []).append(entry)
        else:
            loose.append(entry)
    groups = [TopicGroup(category, tuple(members)) for category, members in grouped.items()]
    if loose:
        groups.append(TopicGroup(UNCATEGORISED, tuple(loose)))
    return groups


def index_order(entries: Iterable[Entry]) -> list[Entry]:
    """Every entry in the order the topic index lists them."""
    return [entry for group in topic_groups(entries) for entry in group.entries]
