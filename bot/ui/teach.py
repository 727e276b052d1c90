"""What admins use to teach the bot: the entry and phrasing modals, the controls on unanswered
questions, and the /kb list, history and delete replies.

Buttons and selects are DynamicItems whose custom_id says what they do (``teach:<action>:<arg>``),
so they keep working after a restart. They only parse their custom_id; what a click does lives in
the Teach cog, reached through the :class:`TeachHandler` it registers as the cog named ``Teach``.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Sequence
from typing import Any, Protocol

import discord

from bot import limits
from bot.knowledge import Entry
from bot.knowledge.server_entries import INPUT_MAX, MAX_SERVER_ENTRIES, Draft, ServerEntry
from bot.limits import clip
from bot.storage.asks import WrongAnswer
from bot.storage.entries import HistoryRecord
from bot.storage.stats import UnansweredQuestion
from bot.teach import Exported, Invalid, NotSaved, Phrased, Saved
from bot.ui.errors import cog_or_unavailable, guarded

log = logging.getLogger("crossroads")

TEACH_COG = "Teach"
BUTTON_TEMPLATE = re.compile(r"^teach:(?P<action>write|list|delete|keep|hide|show|phrase):(?P<arg>[a-z0-9-]{0,60})$")
SELECT_TEMPLATE = re.compile(r"^teach:(?P<action>pick|about):(?P<arg>[0-9]{0,20})$")
MODAL_TITLE = 45  # Discord's limit for a modal title
INPUT_LABEL = 45
TITLE_INPUT_MAX = 100
LIST_PAGE = 10
UNAVAILABLE = "Teaching the bot is not available right now; please try again in a minute."
CONTENT_FILES = "data/knowledge/*.yaml"
EXPORT_FILE = "server-entries.yaml"
REFUSED = (
    "Only members with the Manage Server permission, or the role an admin chose with /config editors, "
    "can change this server's knowledge base."
)
NOT_IN_SERVER = "This works in a server only: each server has its own entries."
GONE = "That question is no longer in the log (it may have been deleted). Run /kb unanswered again."
SHIPPED_GONE = "That shipped entry is no longer in the content files."
ENTRY_GONE = "That entry is no longer in the knowledge base."
NOTHING_DELETED = "Nothing was deleted."
NOTHING_TO_EXPORT = "This server has no entries of its own to export yet. Add one with /kb add."
EDITORS_REFUSED = "Only members with the Manage Server permission can choose who teaches the bot."
NOT_SAVED = {
    NotSaved.FULL: (
        f"Nothing was saved: this server already has {MAX_SERVER_ENTRIES} entries of its own, the most "
        "it may hold. Delete one with /kb delete first."
    ),
    NotSaved.TAKEN: "Nothing was saved: another admin just added an entry with that title.",
    NotSaved.DELETED: "Nothing was saved: that entry was deleted in the meantime.",
}
INFO_COLOUR = discord.Colour.blurple()


class TeachHandler(Protocol):
    """What the Teach cog provides to the buttons and selects."""

    async def handle_teach(
        self, interaction: discord.Interaction[Any], action: str, arg: str, values: Sequence[str]
    ) -> None: ...


async def _dispatch(interaction: discord.Interaction[Any], action: str, arg: str, values: Sequence[str]) -> None:
    handler: TeachHandler | None = await cog_or_unavailable(interaction, TEACH_COG, UNAVAILABLE)
    if handler is None:
        return
    await handler.handle_teach(interaction, action, arg, values)


class TeachButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=BUTTON_TEMPLATE):
    """``teach:<action>:<arg>``: write an answer, turn a /kb list page, confirm a deletion…"""

    def __init__(
        self,
        action: str,
        arg: str = "",
        *,
        label: str = "…",
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        disabled: bool = False,
        row: int | None = None,
    ) -> None:
        custom_id = f"teach:{action}:{arg}"
        if not BUTTON_TEMPLATE.match(custom_id):
            raise ValueError(f"cannot make a teach button {custom_id!r}")
        super().__init__(
            discord.ui.Button(
                label=clip(label, limits.BUTTON_LABEL), style=style, custom_id=custom_id, disabled=disabled
            ),
            row=row,
        )
        self.action = action
        self.arg = arg

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> TeachButton:
        return cls(match["action"], match["arg"])

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _dispatch(interaction, self.action, self.arg, ())


class TeachSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=SELECT_TEMPLATE):
    """``teach:pick:`` (choose an unanswered question) and ``teach:about:<ask id>`` (choose its entry)."""

    def __init__(
        self,
        action: str,
        arg: str = "",
        *,
        options: Sequence[discord.SelectOption] = (),
        placeholder: str | None = None,
        row: int | None = None,
    ) -> None:
        custom_id = f"teach:{action}:{arg}"
        if not SELECT_TEMPLATE.match(custom_id):
            raise ValueError(f"cannot make a teach select {custom_id!r}")
        super().__init__(
            discord.ui.Select(
                custom_id=custom_id,
                options=list(options) or [discord.SelectOption(label="…", value="-")],
                placeholder=placeholder,
            ),
            row=row,
        )
        self.action = action
        self.arg = arg

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> TeachSelect:
        return cls(match["action"], match["arg"])

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        data: Any = interaction.data or {}
        values = [str(v) for v in data.get("values", [])]
        await _dispatch(interaction, self.action, self.arg, values)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (TeachButton, TeachSelect)


# --- modals ------------------------------------------------------------------------------------
#
# A modal's custom_id says what it is for (``teach:modal:<kind>:<arg>``) and the Teach cog reads
# submissions from the interaction itself, so a form submitted after a restart is still saved.

# discord.py forgets an open modal after this; the Teach cog still handles its submission.
MODAL_SECONDS = 900
MODAL_TEMPLATE = re.compile(r"^teach:modal:(?P<kind>add|answer|edit|phrase):(?P<arg>[a-z0-9-]{0,60})$")


def modal_id(kind: str, arg: str = "") -> str:
    custom_id = f"teach:modal:{kind}:{arg}"
    if not MODAL_TEMPLATE.match(custom_id):
        raise ValueError(f"cannot make a teach modal {custom_id!r}")
    return custom_id


def submitted_values(data: Any) -> dict[str, str]:
    """The text inputs of a MODAL_SUBMIT, by custom_id (action rows or labels, as Discord sends)."""
    values: dict[str, str] = {}
    for row in (data or {}).get("components") or []:
        inner = row.get("components") or ([row["component"]] if isinstance(row.get("component"), dict) else [])
        for item in inner:
            if "custom_id" in item:
                values[str(item["custom_id"])] = str(item.get("value") or "")
    return values


def draft_from(values: dict[str, str]) -> Draft:
    return Draft(
        title=values.get("title", ""),
        answer=values.get("answer", ""),
        questions=values.get("questions", ""),
        aliases=values.get("aliases", ""),
        extras=values.get("extras", ""),
    )


def entry_modal(
    title: str, custom_id: str, *, entry: ServerEntry | None = None, first_question: str | None = None
) -> discord.ui.Modal:
    """Title, answer, question phrasings, aliases, and related entries or links: one entry."""
    modal = discord.ui.Modal(title=clip(title, MODAL_TITLE), custom_id=custom_id, timeout=MODAL_SECONDS)
    current = entry.entry if entry is not None else None
    links = entry.links if entry is not None else ()
    questions = list(current.questions) if current else []
    if first_question and first_question not in questions:
        questions.insert(0, first_question)
    extras = [*(current.related if current else []), *(f"{link.label} {link.url}" for link in links)]
    inputs: list[discord.ui.TextInput[Any]] = [
        discord.ui.TextInput(
            label="Title",
            custom_id="title",
            max_length=TITLE_INPUT_MAX,
            default=current.title if current else None,
            placeholder="The question, as a short heading",
        ),
        discord.ui.TextInput(
            label="Answer",
            custom_id="answer",
            style=discord.TextStyle.paragraph,
            max_length=INPUT_MAX,
            default=clip(current.answer, INPUT_MAX) if current else None,
        ),
        discord.ui.TextInput(
            label="How members ask it (one question a line)",
            custom_id="questions",
            style=discord.TextStyle.paragraph,
            max_length=INPUT_MAX,
            default=clip("\n".join(questions), INPUT_MAX) or None,
        ),
        discord.ui.TextInput(
            label="Other names for it (one a line, optional)",
            custom_id="aliases",
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=1000,
            default="\n".join(current.aliases) if current and current.aliases else None,
        ),
        discord.ui.TextInput(
            label="Related entry ids, or links: Label https://…",
            custom_id="extras",
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=1000,
            default="\n".join(extras) or None,
        ),
    ]
    for item in inputs:
        modal.add_item(item)
    return modal


def phrasing_modal(entry: Entry) -> discord.ui.Modal:
    """One more way members ask for an entry."""
    modal = discord.ui.Modal(
        title=clip(f"Add a phrasing: {entry.title}", MODAL_TITLE),
        custom_id=modal_id("phrase", entry.id),
        timeout=MODAL_SECONDS,
    )
    modal.add_item(
        discord.ui.TextInput(
            label="A question members ask for this entry", custom_id="phrasing", max_length=limits.CHOICE_NAME
        )
    )
    return modal


# --- link buttons under answers ----------------------------------------------------------------


# --- unanswered questions ----------------------------------------------------------------------


def unanswered_view(questions: Sequence[UnansweredQuestion], ask_ids: dict[str, int]) -> discord.ui.View | None:
    """A menu of the listed questions; picking one offers "Write an answer" and "It is about …"."""
    return _question_menu(
        [(q.question, ask_ids[q.normalized], f"asked {q.count}×") for q in questions if q.normalized in ask_ids],
        "Answer one of these questions…",
    )


def feedback_view(wrong: Sequence[WrongAnswer]) -> discord.ui.View | None:
    """A menu of the questions members said were answered wrongly; picking one offers "Write an
    answer" and "It is about …", as on the unanswered list."""
    items = [
        (question, ask_id, clip(f"answered with {item.entry_id}", limits.SELECT_OPTION_LABEL))
        for item in wrong
        for question, ask_id in zip(item.questions, item.ask_ids, strict=False)
    ]
    return _question_menu(items, "Give one of these questions a better answer…")


def _question_menu(items: Sequence[tuple[str, int, str]], placeholder: str) -> discord.ui.View | None:
    options = [
        discord.SelectOption(
            label=clip(" ".join(question.split()), limits.SELECT_OPTION_LABEL), value=str(ask_id), description=about
        )
        for question, ask_id, about in items
    ][: limits.SELECT_OPTIONS]
    if not options:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(TeachSelect("pick", options=options, placeholder=placeholder))
    return view


def question_reply(question: str, ask_id: int, candidates: Sequence[Entry]) -> tuple[str, discord.ui.View]:
    """The controls for one unanswered question."""
    text = (
        f"**{discord.utils.escape_markdown(clip(' '.join(question.split()), 300))}**\n"
        "Write a new answer for it, or pick the entry it is about: the question becomes one of that "
        "entry's phrasings in this server."
    )
    view = discord.ui.View(timeout=None)
    view.add_item(TeachButton("write", str(ask_id), label="Write an answer", style=discord.ButtonStyle.primary, row=0))
    options = [
        discord.SelectOption(label=clip(entry.title, limits.SELECT_OPTION_LABEL), value=entry.id)
        for entry in candidates[: limits.SELECT_OPTIONS]
    ]
    if options:
        view.add_item(TeachSelect("about", str(ask_id), options=options, placeholder="It is about …", row=1))
    return text, view


# --- /kb edit on a shipped entry ----------------------------------------------------------------


def shipped_reply(entry: Entry, hidden: bool) -> tuple[str, discord.ui.View]:
    title = discord.utils.escape_markdown(entry.title)
    text = (
        f"“{title}” is a shipped entry: it comes from the content files ({CONTENT_FILES}), so it cannot be "
        "edited from Discord. Change it there (through review) and run /kb reload. In this server you can "
        "add a question phrasing to it, or hide it."
    )
    view = discord.ui.View(timeout=None)
    view.add_item(TeachButton("phrase", entry.id, label="Add a phrasing", style=discord.ButtonStyle.primary))
    if hidden:
        view.add_item(TeachButton("show", entry.id, label="Show it again in this server"))
    else:
        view.add_item(TeachButton("hide", entry.id, label="Hide it in this server", style=discord.ButtonStyle.danger))
    return text, view


def delete_confirmation(entry: Entry) -> tuple[str, discord.ui.View]:
    text = (
        f"Delete “{discord.utils.escape_markdown(entry.title)}” from this server's knowledge base? Members will "
        "no longer get this answer. Its history stays."
    )
    view = discord.ui.View(timeout=None)
    view.add_item(TeachButton("delete", entry.id, label="Delete", style=discord.ButtonStyle.danger))
    view.add_item(TeachButton("keep", entry.id, label="Keep it"))
    return text, view


# --- /kb list and /kb history -----------------------------------------------------------------


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def list_reply(
    entries: Sequence[ServerEntry], page: int, hidden: Sequence[Entry], cap: int
) -> tuple[discord.Embed, discord.ui.View | None]:
    """One page of the server's own entries, with Previous/Next buttons when there are more."""
    pages = max(1, -(-len(entries) // LIST_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = entries[page * LIST_PAGE : (page + 1) * LIST_PAGE]
    lines = [
        f"`{item.entry.id}` **{discord.utils.escape_markdown(clip(item.entry.title, 100))}** · "
        f"{_plural(len(item.entry.questions), 'phrasing')}"
        for item in shown
    ]
    description = "\n".join(lines) or "This server has no entries of its own yet. Add one with /kb add."
    if hidden:
        names = ", ".join(discord.utils.escape_markdown(clip(e.title, 60)) for e in hidden[:10])
        description += f"\n\nShipped entries hidden here: {names}"
    embed = discord.Embed(
        title=f"This server's entries ({len(entries)} of {cap})",
        colour=INFO_COLOUR,
        description=clip(description, limits.EMBED_DESCRIPTION),
    )
    embed.set_footer(text=f"Page {page + 1} of {pages}. /kb edit, /kb delete and /kb history take an entry.")
    if pages == 1:
        return embed, None
    view = discord.ui.View(timeout=None)
    view.add_item(TeachButton("list", str(page - 1), label="Previous", disabled=page == 0))
    view.add_item(TeachButton("list", str(page + 1), label="Next", disabled=page >= pages - 1))
    return embed, view


ACTIONS = {
    "added": "added",
    "edited": "edited",
    "deleted": "deleted",
    "hidden": "hidden in this server",
    "shown": "shown again in this server",
    "phrasing": "phrasing added",
}


def history_embed(title: str, records: Sequence[HistoryRecord]) -> discord.Embed:
    """Who changed an entry and when, newest first."""
    lines = []
    for record in records:
        who = f"<@{record.editor_id}>" if record.editor_id is not None else "a member who deleted their data"
        line = f"<t:{int(record.changed_at)}:f> · **{ACTIONS.get(record.action, record.action)}** by {who}"
        if record.detail and record.action == "phrasing":
            line += f": “{discord.utils.escape_markdown(clip(record.detail, 120))}”"
        lines.append(line)
    embed = discord.Embed(
        title=clip(f"History of “{title}”", limits.EMBED_TITLE),
        colour=INFO_COLOUR,
        description=clip("\n".join(lines) or "No changes were made to it from Discord.", limits.EMBED_DESCRIPTION),
    )
    return embed


# --- what a change did ------------------------------------------------------------------------


def _md(text: str) -> str:
    return discord.utils.escape_markdown(text)


def saved_text(outcome: Saved | Invalid | NotSaved) -> str:
    if isinstance(outcome, Invalid):
        return f"Nothing was saved: {outcome.reason}"
    if isinstance(outcome, NotSaved):
        return NOT_SAVED[outcome]
    entry = outcome.entry
    return (
        f"{'Added' if outcome.added else 'Saved'} “{_md(entry.title)}” (id `{entry.id}`). Members asking "
        f"“{_md(clip(entry.questions[0], 100))}” or something close now get this answer in this server."
    )


def phrased_text(outcome: Phrased | Invalid | None) -> str:
    if isinstance(outcome, Invalid):
        return f"Nothing was changed: {outcome.reason} Use “Write an answer” for a long question."
    if outcome is None:
        return "That entry is no longer in the knowledge base; nothing was changed."
    return (
        f"“{_md(outcome.phrasing)}” is now a phrasing of “{_md(outcome.entry.title)}” in this server: "
        "members asking it get that answer."
    )


def hidden_reply(entry: Entry, hidden: bool) -> tuple[str, discord.ui.View]:
    text, view = shipped_reply(entry, hidden)
    state = "hidden in this server" if hidden else "shown again in this server"
    return f"“{_md(entry.title)}” is now {state}.\n\n{text}", view


def deleted_text(title: str, deleted: bool) -> str:
    return f"Deleted “{_md(title)}”: members no longer get this answer." if deleted else "It was already deleted."


def no_entry(name: str, *, history: bool = False) -> str:
    if history:
        return f"There is no entry “{clip(name, 100)}” and no history for it in this server."
    return f"There is no entry “{clip(name, 100)}”. /kb list shows this server's entries."


def export_reply(exported: Exported) -> tuple[str, discord.File]:
    file = discord.File(io.BytesIO(exported.text.encode("utf-8")), filename=EXPORT_FILE)
    text = (
        f"{exported.count} entries in the content format. A maintainer can copy good ones into "
        f"{CONTENT_FILES}, check them with `python -m bot check`, and propose them for review."
    )
    return text, file


def editors_text(role: discord.Role | None) -> str:
    if role is None:
        return "Only members with the Manage Server permission can change the knowledge base now."
    return (
        f"Members with the role **{_md(role.name)}** can now add, edit and delete this server's entries "
        "(/kb add, edit, delete, list, history, export). Discord shows /kb to Manage Server only by "
        "default: open it to the role in Server Settings → Integrations."
    )
