"""The loaded knowledge base: entries in file order, the two role profiles and their matcher."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence

from bot.knowledge.matcher import Hit, Match, Matcher
from bot.knowledge.models import Entry, RoleKey, RoleProfile
from bot.knowledge.text import Vocabulary


class KnowledgeBase:
    """Immutable once built; the bot swaps the whole object on reload."""

    def __init__(
        self,
        entries: Sequence[Entry],
        profiles: Sequence[RoleProfile],
        *,
        threshold: float | None = None,
        exemplars: Sequence[tuple[str, str]] = (),
        negatives: Sequence[str] = (),
        own: Collection[str] = (),
        vocabulary: Vocabulary | None = None,
    ) -> None:
        self._entries = {entry.id: entry for entry in entries}
        if len(self._entries) != len(entries):
            raise ValueError("entry ids must be unique")
        self._profiles = {profile.key: profile for profile in profiles}
        # Kept so a server's layered knowledge base compares questions with the same labelled ones.
        self.exemplars = tuple(exemplars)
        self.negatives = tuple(negatives)
        self.matcher = Matcher(
            list(self._entries.values()),
            threshold=threshold,
            exemplars=exemplars,
            negatives=negatives,
            own=own,
            vocabulary=vocabulary,
        )
        self.vocabulary = self.matcher.vocabulary

    def entry_ids(self) -> list[str]:
        """Every entry id, in file order."""
        return list(self._entries)

    def entries(self) -> Iterator[Entry]:
        return iter(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._entries

    def get(self, entry_id: str) -> Entry | None:
        return self._entries.get(entry_id)

    def profile(self, key: RoleKey) -> RoleProfile | None:
        return self._profiles.get(key)

    def profiles(self) -> list[RoleProfile]:
        """The role profiles, AI Engineer first."""
        return [self._profiles[key] for key in ("ai", "ml") if key in self._profiles]

    def related(self, entry: Entry) -> list[Entry]:
        """The entries `entry` points to, in the order it lists them."""
        return [self._entries[i] for i in entry.related if i in self._entries]

    def match(self, question: str) -> Match:
        return self.matcher.match(question)

    def autocomplete(self, typed: str, limit: int = 25) -> list[Hit]:
        return self.matcher.autocomplete(typed, limit)
