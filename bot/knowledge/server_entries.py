"""A server's own knowledge-base entries, layered over the shipped files for that server only.

Admins write entries from Discord; they pass the same `Entry` model (and so the same Discord
limits) as the content files, and may not take a shipped entry's id or title. A server may also
hide a shipped entry or add question phrasings to it. `GuildKnowledge` keeps one knowledge base
per server (shipped entries plus that server's layer), builds it off the event loop and swaps it
in whole, so a question is always matched against one consistent set of entries.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import ValidationError

from bot.knowledge import semantic
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.models import ENTRY_ID_MAX, PHRASING_MAX, Entry, Link
from bot.knowledge.text import normalize

log = logging.getLogger(__name__)

# A server may hold this many entries of its own; with 500 of them its matcher builds in well
# under a second, off the event loop (benchmarks/bench_server_entries.py).
MAX_SERVER_ENTRIES = 500
LINK_LABEL_MAX = 80  # a button label
MAX_LINKS = 5  # one row of link buttons
# What a modal's text input can hold, which also bounds an answer written from Discord.
INPUT_MAX = 4000

_URL = re.compile(r"https?://\S+")


class TeachError(ValueError):
    """An entry an admin wrote that cannot be stored, with the sentence that says why."""


@dataclass(frozen=True)
class ServerEntry:
    """One entry a server wrote, in the content format (link buttons included)."""

    entry: Entry

    @property
    def links(self) -> Sequence[Link]:
        return self.entry.links

    def body(self) -> dict[str, Any]:
        """The stored form: the entry as in a content file."""
        return self.entry.model_dump(exclude_defaults=True)

    def with_phrasing(self, phrasing: str) -> ServerEntry:
        """This entry with one more question phrasing (unchanged when it already has it)."""
        if phrasing in self.entry.questions:
            return self
        return ServerEntry(self.entry.model_copy(update={"questions": [*self.entry.questions, phrasing]}))

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> ServerEntry:
        return cls(Entry.model_validate(dict(body)))


@dataclass(frozen=True)
class Draft:
    """What an admin typed into the entry modal, one field per text input."""

    title: str
    answer: str
    questions: str  # one phrasing a line
    aliases: str = ""  # one a line
    extras: str = ""  # one a line: a related entry's id or title, or "Label https://link"


@dataclass(frozen=True)
class GuildLayer:
    """What one server adds to the shipped knowledge base."""

    entries: tuple[ServerEntry, ...] = ()
    hidden: frozenset[str] = frozenset()
    extra_questions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.entries and not self.hidden and not any(self.extra_questions.values())

    @classmethod
    def build(
        cls, bodies: Iterable[Mapping[str, Any]], changes: Iterable[tuple[str, bool, Sequence[str]]]
    ) -> GuildLayer:
        """From stored rows; an entry that no longer validates is left out (and logged), never fatal."""
        entries: list[ServerEntry] = []
        for body in bodies:
            try:
                entries.append(ServerEntry.from_body(body))
            except ValidationError:
                log.warning("A stored server entry no longer validates and is left out: %s", body.get("id"))
        changes = list(changes)
        hidden = frozenset(entry_id for entry_id, is_hidden, _ in changes if is_hidden)
        extra = {entry_id: tuple(questions) for entry_id, _, questions in changes if questions}
        return cls(tuple(entries), hidden, extra)

    def get(self, entry_id: str) -> ServerEntry | None:
        for item in self.entries:
            if item.entry.id == entry_id:
                return item
        return None


def lines(text: str) -> list[str]:
    """Non-empty lines, stripped, without repeats."""
    seen: list[str] = []
    for line in text.splitlines():
        line = line.strip().lstrip("-•*").strip()
        if line and line not in seen:
            seen.append(line)
    return seen


def slug_for(title: str, taken: Iterable[str]) -> str:
    """An entry id made from the title, unique among `taken`."""
    base = re.sub(r"[^a-z0-9]+", "-", normalize(title)).strip("-")[: ENTRY_ID_MAX - 4].strip("-") or "entry"
    used = set(taken)
    candidate, number = base, 2
    while candidate in used:
        candidate = f"{base}-{number}"
        number += 1
    return candidate


def _sentence(error: Any) -> str:
    names = {"title": "The title", "answer": "The answer", "questions": "The question phrasings"}
    loc = error.get("loc", ())
    what = names.get(str(loc[0]) if loc else "", "A field")
    if loc and loc[0] in ("questions", "aliases") and len(loc) > 1:
        what = f"{'Phrasing' if loc[0] == 'questions' else 'Alias'} {int(loc[1]) + 1}"
    kind = error.get("type", "")
    if loc == ("questions",) and kind == "too_short":
        return "Give at least one question phrasing, as members would ask it."
    if kind == "string_too_long":
        limit = (error.get("ctx") or {}).get("max_length")
        return f"{what} is {len(error.get('input', ''))} characters; the limit is {limit}."
    if kind in ("string_too_short", "too_short", "missing"):
        return f"{what} is empty; write something there."
    message = str(error.get("msg", "is invalid"))
    return f"{what}: {message.removeprefix('Value error, ')}."


def _resolve_extras(extras: str, entry_id: str, known: Mapping[str, Entry]) -> tuple[list[str], list[Link]]:
    related: list[str] = []
    links: list[Link] = []
    by_title = {normalize(entry.title): entry.id for entry in known.values()}
    for line in lines(extras):
        url = _URL.search(line)
        if url is not None:
            label = (line[: url.start()] + line[url.end() :]).strip(" -–—|:") or url.group(0)[:LINK_LABEL_MAX]
            try:
                links.append(Link(label=label[:LINK_LABEL_MAX], url=url.group(0)))
            except ValidationError:
                raise TeachError(f"The link {url.group(0)[:100]} is not a web address I can put on a button.") from None
            continue
        target = line if line in known else by_title.get(normalize(line))
        if target is None:
            raise TeachError(
                f"“{line[:100]}” is neither an entry id or title nor a link (a line with https://…). "
                "Related entries are named by their id or exact title."
            )
        if target != entry_id and target not in related:
            related.append(target)
    if len(links) > MAX_LINKS:
        raise TeachError(f"An answer can have at most {MAX_LINKS} link buttons; you gave {len(links)}.")
    return related, links


def build_entry(
    draft: Draft,
    *,
    shipped: KnowledgeBase,
    layer: GuildLayer,
    editing: str | None = None,
) -> ServerEntry:
    """Validate what an admin wrote into a server entry, or raise TeachError with the reason.

    `editing` is the id of the server entry being changed (it keeps its id)."""
    title = " ".join(draft.title.split())
    wanted = normalize(title)
    for entry in shipped.entries():
        if normalize(entry.title) == wanted:
            raise TeachError(
                f"The shipped entry “{entry.title}” already has that title. Pick another title, or add your "
                "question to that entry with “It is about …”."
            )
    others = [item.entry for item in layer.entries if item.entry.id != editing]
    for entry in others:
        if normalize(entry.title) == wanted:
            raise TeachError(f"This server already has an entry titled “{entry.title}”; edit it with /kb edit.")
    if editing is not None and editing in shipped:
        raise TeachError("Shipped entries cannot be edited from Discord.")
    entry_id = editing or slug_for(title, [*shipped.entry_ids(), *(e.id for e in others)])
    known = {entry.id: entry for entry in [*shipped.entries(), *others] if entry.id not in layer.hidden}
    related, links = _resolve_extras(draft.extras, entry_id, known)
    data: dict[str, Any] = {
        "id": entry_id,
        "title": title,
        "questions": lines(draft.questions),
        "aliases": lines(draft.aliases),
        "answer": draft.answer.strip(),
        "related": related,
        "links": links,
    }
    try:
        entry = Entry.model_validate(data)
    except ValidationError as exc:
        raise TeachError(" ".join(_sentence(error) for error in exc.errors()[:3])) from None
    return ServerEntry(entry)


def check_phrasing(phrasing: str) -> str:
    """A question phrasing as it will be stored, or TeachError when it cannot be one."""
    phrasing = " ".join(phrasing.split())
    if not phrasing:
        raise TeachError("The phrasing is empty; write the question as members ask it.")
    if len(phrasing) > PHRASING_MAX:
        raise TeachError(f"The phrasing is {len(phrasing)} characters; the limit is {PHRASING_MAX}.")
    return phrasing


def find_entry(shipped: KnowledgeBase, layer: GuildLayer, name: str) -> tuple[ServerEntry | None, Entry | None]:
    """The server entry, or else the shipped entry (hidden or not), that `name` (id or title) names."""
    wanted = " ".join(name.split()).casefold()
    for item in layer.entries:
        if wanted in (item.entry.id, item.entry.title.casefold()):
            return item, None
    for entry in shipped.entries():
        if wanted in (entry.id, entry.title.casefold()):
            return None, entry
    return None, None


def entry_choices(
    knowledge: KnowledgeBase, shipped: KnowledgeBase, layer: GuildLayer, typed: str, limit: int
) -> list[tuple[str, str]]:
    """(label, id) of the entries whose title or id contains `typed`: the server's own first, then
    the shipped ones it hid (labelled so), then the rest it sees."""
    typed = typed.casefold().strip()
    pool = [
        *(item.entry for item in layer.entries),
        *(entry for entry in shipped.entries() if entry.id in layer.hidden),
        *knowledge.entries(),
    ]
    seen: set[str] = set()
    found: list[tuple[str, str]] = []
    for entry in pool:
        if entry.id in seen or (typed and typed not in entry.title.casefold() and typed not in entry.id):
            continue
        seen.add(entry.id)
        found.append((entry.title + (" (hidden here)" if entry.id in layer.hidden else ""), entry.id))
    return found[:limit]


def candidates(knowledge: KnowledgeBase, question: str, limit: int) -> list[Entry]:
    """Entries a question may be about: the matcher's ranking first, then the rest in file order."""
    ranked = [knowledge.get(hit.entry_id) for hit in knowledge.matcher.rank(question, limit)]
    found = [entry for entry in ranked if entry is not None]
    found += [entry for entry in knowledge.entries() if entry not in found]
    return found[:limit]


def layered(shipped: KnowledgeBase, layer: GuildLayer) -> KnowledgeBase:
    """The knowledge base one server sees: shipped entries it did not hide (with its added
    phrasings), then its own entries. Builds a matcher, so call it off the event loop."""
    entries: list[Entry] = []
    for entry in shipped.entries():
        if entry.id in layer.hidden:
            continue
        extra = [q for q in layer.extra_questions.get(entry.id, ()) if q not in entry.questions]
        entries.append(entry.model_copy(update={"questions": [*entry.questions, *extra]}) if extra else entry)
    entries.extend(item.entry for item in layer.entries if item.entry.id not in shipped)
    if not entries:
        return shipped
    kept = {entry.id for entry in entries}
    return KnowledgeBase(
        entries,
        shipped.profiles(),
        threshold=shipped.matcher.threshold,
        exemplars=[(question, entry_id) for question, entry_id in shipped.exemplars if entry_id in kept],
        negatives=shipped.negatives,
        own=[item.entry.id for item in layer.entries if item.entry.id not in shipped],
        vocabulary=shipped.vocabulary,
    )


def export_yaml(layer: GuildLayer) -> str:
    """The server's entries as a content file that `python -m bot check` accepts.

    Link buttons are part of the content format, so they travel with their entry."""
    if not layer.entries:
        return "entries: []\n"
    parts = ["entries:\n"]
    for item in layer.entries:
        dumped = yaml.safe_dump(
            [item.entry.model_dump(exclude_defaults=True)], allow_unicode=True, sort_keys=False, width=100
        )
        parts.append("".join(f"  {line}\n" for line in dumped.splitlines()))
    return "".join(parts)


Loader = Callable[[int], Awaitable[GuildLayer]]
# How long a member's question waits for a server's first build before the guide alone answers it.
FIRST_BUILD_WAIT = 1.0


@dataclass(frozen=True)
class _Built:
    base: KnowledgeBase
    layer: GuildLayer
    knowledge: KnowledgeBase


class GuildKnowledge:
    """The knowledge base for each server: shipped content plus that server's layer.

    `shipped` returns the content in service (a reload swaps it); `load` reads a server's layer
    from the database. Built knowledge is cached per server and rebuilt off the event loop."""

    def __init__(self, shipped: Callable[[], KnowledgeBase], load: Loader) -> None:
        self._shipped = shipped
        self._load = load
        self._built: dict[int, _Built] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self._first: dict[int, asyncio.Future[KnowledgeBase]] = {}

    def _lock(self, guild_id: int) -> asyncio.Lock:
        return self._locks.setdefault(guild_id, asyncio.Lock())

    async def get(self, guild_id: int | None) -> KnowledgeBase:
        """The knowledge base for `guild_id` (the shipped one for a DM)."""
        base = self._shipped()
        if guild_id is None:
            return base
        built = self._built.get(guild_id)
        if built is None:
            return await self._first_build(guild_id, base)
        if built.base is base:
            return built.knowledge
        # Content was reloaded: the server's layer is unchanged, only the shipped part is new.
        if built.layer.empty:
            self._built[guild_id] = _Built(base, built.layer, base)
            return base
        return await self._build(guild_id, built.layer)

    def peek(self, guild_id: int | None) -> KnowledgeBase:
        """What `get` would return without waiting: the last build, or the shipped content."""
        built = self._built.get(guild_id) if guild_id is not None else None
        return built.knowledge if built is not None else self._shipped()

    def layer(self, guild_id: int | None) -> GuildLayer:
        """The server's layer as last loaded (empty before the first load)."""
        built = self._built.get(guild_id) if guild_id is not None else None
        return built.layer if built is not None else GuildLayer()

    async def _first_build(self, guild_id: int, base: KnowledgeBase) -> KnowledgeBase:
        """The server's first build since start. Embedding hundreds of entries never seen before
        takes seconds, more than a member's interaction has: after FIRST_BUILD_WAIT the member is
        answered from the guide alone while the build goes on, and later questions get it all."""
        task = self._first.get(guild_id)
        if task is None:
            task = asyncio.ensure_future(self.refresh(guild_id))
            self._first[guild_id] = task
            task.add_done_callback(lambda done: self._first_done(guild_id, done))
        try:
            return await asyncio.wait_for(asyncio.shield(task), FIRST_BUILD_WAIT)
        except TimeoutError:
            log.info("Server %s: its own entries are still being embedded; answering from the guide", guild_id)
            return base

    def _first_done(self, guild_id: int, task: asyncio.Future[KnowledgeBase]) -> None:
        self._first.pop(guild_id, None)
        if not task.cancelled() and task.exception() is not None:
            log.warning("Server %s: building its knowledge base failed: %s", guild_id, task.exception())

    async def refresh(self, guild_id: int) -> KnowledgeBase:
        """Re-read the server's layer and swap in a fresh build; call after every change."""
        return await self._build(guild_id, None)

    async def _build(self, guild_id: int, layer: GuildLayer | None) -> KnowledgeBase:
        async with self._lock(guild_id):
            base = self._shipped()
            built = self._built.get(guild_id)
            if layer is not None and built is not None and built.base is base:
                return built.knowledge  # another caller rebuilt it while this one waited
            if layer is None:
                layer = await self._load(guild_id)
            knowledge = base if layer.empty else await asyncio.to_thread(layered, base, layer)
            self._built[guild_id] = _Built(base, layer, knowledge)
            if not layer.empty:
                # The server's entries were embedded: keep them for the next start.
                await asyncio.to_thread(semantic.persist)
            return knowledge
