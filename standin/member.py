"""A member you can script against the stand-in: what a person in the Discord client can do
and see, driven from tests and from the terminal sandbox.

Get one from a running stand-in (`standin.member("alice")`, or the e2e fixtures `member` and
`admin`). Every action dispatches a real INTERACTION_CREATE to the bot over the Gateway and
returns what the member sees once the bot has answered.

Acting
    await member.slash("ask", question="how much do ML engineers make") -> Message
        A slash command with options; subcommands are part of the name:
        `await member.slash("quiz start", quiz="path")`. Options whose names are not Python
        identifiers go in `options={"my-option": 1}`. USER, ROLE and CHANNEL options take a
        name, an id or the stand-in object (`standin.guild.role_named("AI Engineer")`);
        ATTACHMENT options take `("name.csv", b"bytes")`. `dm=True` runs it in the member's DM
        with the bot. Returns the reply: the response message, or for a deferred response the
        message once the bot has edited it or sent the first follow-up. Raises
        `InteractionFailed` when the bot did not acknowledge in time, `TimeoutError` when a
        deferred reply never came, `TypeError` when the bot answered with a modal (use
        `open_modal`). A command whose contexts exclude DMs cannot be run with `dm=True`; in
        DMs the dev server's commands stand in for global ones. default_member_permissions is
        not enforced (a server can override it), so the bot's own permission checks are testable.
        An option outside its min_value/max_value or min_length/max_length, or not among its
        choices, raises `OptionRefused` (a ValueError) and nothing reaches the bot: Discord's
        client keeps the member from sending it, so a bot never sees such a value.
    await member.autocomplete("faq", "topic", "sal", **other_options) -> list[Choice]
        Choices have `.name` and `.value`.
    await member.click(message, "Next") / click(message, 0) / click(message, custom_id="quiz:…")
        A button by label, by 0-based index among the message's buttons (link buttons
        included in the count), or by custom_id. Returns the message the member then sees:
        the edited message (UPDATE_MESSAGE), a new message (CHANNEL_MESSAGE), or after a
        deferred update the edit, follow-up or next message in that channel.
        `ValueError` for a disabled or link button, `LookupError` when there is no such button.
    await member.select(message, "value-or-label", ..., custom_id=None) -> Message
    await member.open_modal("kb add") -> Modal; await member.submit_modal(modal, field=value)
    await member.click_modal(message, "Write an answer") -> Modal   a button that opens a modal
        submit_modal keeps the bot's prefilled values for inputs not named and refuses (ValueError)
        what the Discord client would not submit: an empty required input, a value outside
        min_length..max_length. `member.modal` is the modal the bot last opened, until submitted.
    member.last_interaction: the stand-in's record of the last interaction (response type etc.)

Reading (all lists are oldest first; ephemeral replies appear only to their member)
    member.channel_messages                 the server's #general as this member sees it
    member.messages_in(channel)             any channel
    member.dms                              the DM channel with the bot
    member.ephemeral                        ephemeral replies this member received
    await member.wait_for_dm(predicate=None, timeout=5.0) -> Message
        The next DM this member has not read yet (matching the predicate), waiting for it;
        unread DMs before it that did not match are skipped too. Every DM starts unread;
        `member.mark_dms_read()` skips what is there.
    await member.wait_for_message(predicate, channel=None, timeout=5.0) -> Message
    await member.wait_for_edit(message, timeout=5.0) -> Message
    member.roles                            role names in the server, lowest first
    member.close_dms() / member.open_dms()

Actions wait 10 s by default (`timeout=`); the stand-in fails an unanswered interaction after
its ack deadline (3 s) first, so a slow bot shows up as InteractionFailed, not a hang.

Message (a live view: it always shows the message's current state)
    .id .content .embed (the first) .embeds .components (rows) .buttons .selects .attachments .flags
    .ephemeral .loading .edited .deleted .text (rendered like the member reads it) .payload
    .pings (who the message notified: mentions in the content that allowed_mentions let through)
    .button(label_or_index, custom_id=...) finds one button
    Embed: .title .description .fields (name, value, inline) .field(name) .footer .author .url
           .color .image .thumbnail .text
    Button: .label .custom_id .style .disabled .url .emoji .row; Select: .custom_id .options .placeholder
    Attachment: .filename .data (bytes) .content_type .size .text (data decoded as UTF-8)

The stand-in around the member (standin.server.StandIn)
    standin.add_member("casey", dms_open=False, roles=[...]); standin.member("casey")
    standin.guild (.roles, .role_named(), .channels), standin.channel (#general)
    standin.roles_of("alice"); standin.update_role(role, permissions=...); standin.delete_role(role)
    standin.inject(429, method="POST", path=r"/callback$", retry_after=0.3)   (or 500, 502, 503...)
    standin.failures / failures_of(kind) / expect_failures(kind) / assert_clean()
    standin.refusals (DMs closed, missing permissions: answers Discord gives, not bot faults)
    standin.gateway.drop() (the bot resumes), standin.interactions (with .ack_seconds)
    standin.ack_deadline = 3.0, standin.token_lifetime = 900.0 (seconds; shorten them in a test)
"""

# Waiting with a deadline is what these helpers are for, so `timeout` is part of their API.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from standin.render import render_embed, render_message
from standin.state import (
    Channel,
    ChannelType,
    Guild,
    Interaction,
    InteractionType,
    MessageFlag,
    Payload,
    Role,
    StoredAttachment,
    StoredMessage,
    User,
    content_type_for,
)

if TYPE_CHECKING:
    from standin.server import StandIn

DEFAULT_TIMEOUT = 10.0

SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2


class OptionRefused(ValueError):
    """Discord's client would not send this option value: out of range, too long, or not a choice."""


REFUSED = "Discord's client would not send this: "
STRING_MAX = 6000  # Discord's longest string option value


STRING = 3
INTEGER = 4
BOOLEAN = 5
USER = 6
CHANNEL = 7
ROLE = 8
MENTIONABLE = 9
NUMBER = 10
ATTACHMENT = 11


@dataclass(frozen=True)
class Choice:
    name: str
    value: Any


@dataclass(frozen=True)
class Button:
    label: str | None
    custom_id: str | None
    style: int
    disabled: bool
    url: str | None
    emoji: str | None
    row: int

    @property
    def is_link(self) -> bool:
        return self.style == 5


@dataclass(frozen=True)
class SelectOption:
    label: str
    value: str
    description: str | None
    default: bool


@dataclass(frozen=True)
class Select:
    custom_id: str
    type: int
    options: list[SelectOption]
    placeholder: str | None
    min_values: int
    max_values: int
    disabled: bool
    row: int


@dataclass(frozen=True)
class EmbedField:
    name: str
    value: str
    inline: bool


class Embed:
    def __init__(self, data: Payload, names: Mapping[int, str] | None = None) -> None:
        self.payload = data
        self._names = names
        self.title: str | None = data.get("title")
        self.description: str | None = data.get("description")
        self.url: str | None = data.get("url")
        self.color: int | None = data.get("color")
        self.fields = [
            EmbedField(str(f.get("name", "")), str(f.get("value", "")), bool(f.get("inline", False)))
            for f in data.get("fields") or []
        ]
        self.footer: str | None = (data.get("footer") or {}).get("text")
        self.author: str | None = (data.get("author") or {}).get("name")
        self.image: str | None = (data.get("image") or {}).get("url")
        self.thumbnail: str | None = (data.get("thumbnail") or {}).get("url")

    @property
    def text(self) -> str:
        return render_embed(self.payload, self._names)

    def field(self, name: str) -> EmbedField:
        for item in self.fields:
            if item.name == name:
                return item
        raise LookupError(f"no field {name!r}; fields are {[f.name for f in self.fields]}")

    def __repr__(self) -> str:
        return f"<Embed title={self.title!r} fields={len(self.fields)}>"


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    content_type: str | None
    description: str | None

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")

    @classmethod
    def of(cls, stored: StoredAttachment) -> Attachment:
        return cls(stored.filename, stored.data, stored.content_type, stored.description)


class Message:
    """What a member sees of one message; reads the stand-in's current state on every access."""

    def __init__(self, stored: StoredMessage, names: Mapping[int, str] | None = None) -> None:
        self._stored = stored
        self._names = names

    @property
    def stored(self) -> StoredMessage:
        return self._stored

    @property
    def id(self) -> int:
        return self._stored.id

    @property
    def channel_id(self) -> int:
        return self._stored.channel_id

    @property
    def content(self) -> str:
        return self._stored.content

    @property
    def embeds(self) -> list[Embed]:
        return [Embed(e, self._names) for e in self._stored.embeds]

    @property
    def embed(self) -> Embed:
        """The first embed (LookupError when there is none)."""
        embeds = self.embeds
        if not embeds:
            raise LookupError(f"message has no embed: {self.text!r}")
        return embeds[0]

    @property
    def flags(self) -> int:
        return self._stored.flags

    @property
    def ephemeral(self) -> bool:
        return bool(self._stored.flags & MessageFlag.EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self._stored.flags & MessageFlag.LOADING)

    @property
    def edited(self) -> bool:
        return self._stored.edited_at is not None

    @property
    def deleted(self) -> bool:
        return self._stored.deleted

    @property
    def pings(self) -> list[str]:
        """Who this message notified when it was sent ("@alice", "@everyone"); empty when
        allowed_mentions suppressed every mention in the content."""
        return list(self._stored.pings)

    @property
    def version(self) -> int:
        return self._stored.version

    @property
    def attachments(self) -> list[Attachment]:
        return [Attachment.of(a) for a in self._stored.attachments]

    @property
    def payload(self) -> Payload:
        return self._stored.payload()

    @property
    def components(self) -> list[list[Button | Select]]:
        rows: list[list[Button | Select]] = []
        for row_index, row in enumerate(_rows(self._stored.components)):
            items: list[Button | Select] = []
            for item in row:
                if item.get("type") == 2:
                    items.append(_button(item, row_index))
                elif item.get("type") in (3, 5, 6, 7, 8):
                    items.append(_select(item, row_index))
            rows.append(items)
        return rows

    @property
    def buttons(self) -> list[Button]:
        return [item for row in self.components for item in row if isinstance(item, Button)]

    @property
    def selects(self) -> list[Select]:
        return [item for row in self.components for item in row if isinstance(item, Select)]

    @property
    def text(self) -> str:
        return render_message(self._stored, names=self._names)

    def button(
        self, target: str | int | None = None, *, label: str | None = None, custom_id: str | None = None
    ) -> Button:
        buttons = self.buttons
        if isinstance(target, int):
            if not 0 <= target < len(buttons):
                raise LookupError(f"no button {target}; the message has {len(buttons)}: {_labels(buttons)}")
            return buttons[target]
        for button in buttons:
            if custom_id is not None and button.custom_id == custom_id:
                return button
            if label is not None and button.label == label:
                return button
            if isinstance(target, str) and target in (button.label, button.custom_id):
                return button
        if isinstance(target, str) or label is not None:
            wanted = (target if isinstance(target, str) else label) or ""
            matches = [b for b in buttons if b.label and wanted.lower() in b.label.lower()]
            if len(matches) == 1:
                return matches[0]
        raise LookupError(f"no button {target or label or custom_id!r}; buttons are {_labels(buttons)}")

    def __repr__(self) -> str:
        return f"<Message id={self.id} ephemeral={self.ephemeral} text={self.text[:60]!r}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)


@dataclass
class Modal:
    """A modal the bot opened; submit it with `member.submit_modal(modal, **values)`."""

    custom_id: str
    title: str
    inputs: list[Payload]
    interaction: Interaction

    @property
    def input_ids(self) -> list[str]:
        return [str(item.get("custom_id")) for item in self.inputs]


def _labels(buttons: list[Button]) -> list[str]:
    return [b.label or b.emoji or b.custom_id or "?" for b in buttons]


def _rows(components: list[Payload]) -> list[list[Payload]]:
    """Action rows, wherever they sit (top level, or inside a Components V2 container)."""
    rows: list[list[Payload]] = []
    for component in components:
        kind = component.get("type")
        if kind == 1:
            rows.append(list(component.get("components") or []))
        elif kind in (9,):
            accessory = component.get("accessory")
            if isinstance(accessory, dict) and accessory.get("type") == 2:
                rows.append([accessory])
        if kind in (17,):
            rows.extend(_rows(list(component.get("components") or [])))
    return rows


def _button(item: Payload, row: int) -> Button:
    emoji = item.get("emoji") or {}
    return Button(
        label=item.get("label"),
        custom_id=item.get("custom_id"),
        style=int(item.get("style", 2)),
        disabled=bool(item.get("disabled", False)),
        url=item.get("url"),
        emoji=emoji.get("name") if isinstance(emoji, dict) else None,
        row=row,
    )


def _select(item: Payload, row: int) -> Select:
    return Select(
        custom_id=str(item.get("custom_id")),
        type=int(item.get("type", 3)),
        options=[
            SelectOption(str(o.get("label")), str(o.get("value")), o.get("description"), bool(o.get("default", False)))
            for o in item.get("options") or []
        ],
        placeholder=item.get("placeholder"),
        min_values=int(item.get("min_values", 1)),
        max_values=int(item.get("max_values", 1)),
        disabled=bool(item.get("disabled", False)),
        row=row,
    )


class Member:
    """One scripted member of the stand-in's server. See the module docstring."""

    def __init__(self, standin: StandIn, user: User, guild: Guild) -> None:
        self.standin = standin
        self.user = user
        self.guild = guild
        self.last_interaction: Interaction | None = None
        self.modal: Modal | None = None  # the modal the bot last opened for this member, until submitted
        self._dm_read_id = 0

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def name(self) -> str:
        return self.user.username

    def __repr__(self) -> str:
        return f"<Member {self.name}>"

    # ------------------------------------------------------------------ world

    @property
    def channel(self) -> Channel:
        return (
            self.standin.channel
            if self.standin.channel.guild_id == self.guild.id
            else next(iter(self.guild.channels.values()))
        )

    @property
    def dm_channel(self) -> Channel:
        return self.standin.dm_channel(self.user)

    @property
    def roles(self) -> list[str]:
        return self.standin.roles_of(self.user, self.guild)

    def close_dms(self) -> None:
        self.user.dms_open = False

    def open_dms(self) -> None:
        self.user.dms_open = True

    # ------------------------------------------------------------------ reading

    def messages_in(self, channel: Channel) -> list[Message]:
        names = self.standin.names
        return [Message(m, names) for m in self.standin.visible_messages(channel, self.user)]

    @property
    def channel_messages(self) -> list[Message]:
        return self.messages_in(self.channel)

    @property
    def dms(self) -> list[Message]:
        return self.messages_in(self.dm_channel)

    @property
    def ephemeral(self) -> list[Message]:
        out: list[Message] = []
        for channel in (*self.guild.channels.values(), self.dm_channel):
            out.extend(m for m in self.messages_in(channel) if m.ephemeral)
        return sorted(out, key=lambda m: m.id)

    def mark_dms_read(self) -> None:
        dms = self.dms
        if dms:
            self._dm_read_id = dms[-1].id

    async def _wait_until(
        self, check: Callable[[], Message | None], channels: Iterable[int], timeout: float, what: str
    ) -> Message:
        ids = list(channels)
        deadline = time.monotonic() + timeout
        while True:
            found = check()
            if found is not None:
                return found
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{self.name}: {what} did not arrive within {timeout:g}s{self._failures_note()}")
            await self.standin.wait_change(ids, remaining)

    async def wait_for_dm(self, predicate: Callable[[Message], bool] | None = None, timeout: float = 5.0) -> Message:
        """The next unread DM (matching `predicate`), waiting for it; marks it read."""

        def check() -> Message | None:
            for message in self.dms:
                if message.id > self._dm_read_id and (predicate is None or predicate(message)):
                    return message
            return None

        message = await self._wait_until(check, [self.dm_channel.id], timeout, "a DM")
        self._dm_read_id = message.id
        return message

    async def wait_for_message(
        self, predicate: Callable[[Message], bool], channel: Channel | None = None, timeout: float = 5.0
    ) -> Message:
        """The first message in `channel` (default #general) that matches, waiting for it."""
        target = channel or self.channel

        def check() -> Message | None:
            for message in self.messages_in(target):
                if predicate(message):
                    return message
            return None

        return await self._wait_until(check, [target.id], timeout, "a matching message")

    async def wait_for_edit(self, message: Message, timeout: float = 5.0) -> Message:
        """Wait until `message` changes after this call."""
        version = message.version

        def check() -> Message | None:
            return message if message.version != version else None

        return await self._wait_until(check, [message.channel_id], timeout, f"an edit of message {message.id}")

    # ------------------------------------------------------------------ acting

    def _failures_note(self) -> str:
        failures = self.standin.failures
        if not failures:
            return ""
        return "; stand-in recorded: " + "; ".join(str(f) for f in failures[-5:])

    async def _settle(self, interaction: Interaction, timeout: float) -> Any:
        assert interaction.settled is not None
        try:
            return await asyncio.wait_for(asyncio.shield(interaction.settled), timeout)
        except TimeoutError:
            raise TimeoutError(
                f"{self.name}: no reply to {interaction.label} within {timeout:g}s "
                f"(response type {interaction.response_type}){self._failures_note()}"
            ) from None

    def _as_message(self, value: Any, interaction: Interaction) -> Message:
        if isinstance(value, StoredMessage):
            return Message(value, self.standin.names)
        if isinstance(value, dict):
            self.modal = self._as_modal(value, interaction)
            raise TypeError(f"{interaction.label} answered with a modal; use open_modal() and submit_modal()")
        raise TypeError(f"{interaction.label} answered with {value!r}, not a message")

    def _context_channel(self, dm: bool, channel: Channel | None) -> Channel:
        if channel is not None:
            return channel
        return self.dm_channel if dm else self.channel

    async def slash(
        self,
        command: str,
        /,
        *,
        dm: bool = False,
        channel: Channel | None = None,
        options: dict[str, Any] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        **kwargs: Any,
    ) -> Message:
        """Run a slash command and return the reply the member sees."""
        interaction = self._command_interaction(command, {**(options or {}), **kwargs}, dm, channel, None)
        value = await self._settle(interaction, timeout)
        return self._as_message(value, interaction)

    async def open_modal(
        self,
        command: str,
        /,
        *,
        dm: bool = False,
        options: dict[str, Any] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        **kwargs: Any,
    ) -> Modal:
        interaction = self._command_interaction(command, {**(options or {}), **kwargs}, dm, None, None)
        value = await self._settle(interaction, timeout)
        return self._as_modal(value, interaction)

    def _as_modal(self, value: Any, interaction: Interaction) -> Modal:
        if not isinstance(value, dict):
            raise TypeError(f"{interaction.label} did not open a modal; it answered {value!r}")
        inputs: list[Payload] = []
        for row in value.get("components") or []:
            if row.get("type") == 1:
                inputs.extend(row.get("components") or [])
            elif row.get("type") == 18 and isinstance(row.get("component"), dict):
                inputs.append(row["component"])
        return Modal(str(value.get("custom_id")), str(value.get("title")), inputs, interaction)

    async def click_modal(
        self,
        message: Message,
        target: str | int | None = None,
        /,
        *,
        label: str | None = None,
        custom_id: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> Modal:
        """Click a button that opens a modal; returns the modal."""
        try:
            reply = await self.click(message, target, label=label, custom_id=custom_id, timeout=timeout)
        except TypeError:
            if self.modal is None:
                raise
            return self.modal
        raise TypeError(f"the button answered with a message, not a modal: {reply.text[:200]!r}")

    async def submit_modal(
        self,
        modal: Modal,
        fields: Mapping[str, str] | None = None,
        /,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        **values: str,
    ) -> Message:
        """Fill a modal and submit it. Inputs not named keep what the bot prefilled; the client's
        own checks apply (a required input left empty, a value under min_length or over max_length
        cannot be submitted: ValueError)."""
        values = {**(fields or {}), **values}
        unknown = set(values) - set(modal.input_ids)
        if unknown:
            raise LookupError(f"modal {modal.custom_id!r} has no inputs {sorted(unknown)}; it has {modal.input_ids}")
        filled: dict[str, str] = {}
        for item in modal.inputs:
            cid = str(item.get("custom_id"))
            value = values.get(cid, str(item.get("value") or ""))
            if item.get("required", True) and not value:
                raise ValueError(f"the input {cid!r} is required; the Discord client will not submit it empty")
            low, high = int(item.get("min_length") or 0), int(item.get("max_length") or 4000)
            if value and not low <= len(value) <= high:
                raise ValueError(f"the input {cid!r} takes {low} to {high} characters, not {len(value)}")
            filled[cid] = value
        self.modal = None
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": cid, "value": value}]} for cid, value in filled.items()
        ]
        source = modal.interaction
        channel = self.standin.channels[source.channel_id]
        message = self.standin.messages.get(source.message_id or 0)
        interaction = self.standin.start_interaction(
            type=InteractionType.MODAL_SUBMIT,
            user=self.user,
            channel=channel,
            data={"custom_id": modal.custom_id, "components": rows},
            message=message,
        )
        self.last_interaction = interaction
        return self._as_message(await self._settle(interaction, timeout), interaction)

    async def autocomplete(
        self,
        command: str,
        option: str,
        value: str,
        /,
        *,
        dm: bool = False,
        timeout: float = DEFAULT_TIMEOUT,
        **kwargs: Any,
    ) -> list[Choice]:
        """The choices the bot offers while the member types `value` into `option`."""
        interaction = self._command_interaction(command, kwargs, dm, None, (option, value))
        result = await self._settle(interaction, timeout)
        return [Choice(str(c.get("name")), c.get("value")) for c in result or []]

    async def click(
        self,
        message: Message,
        target: str | int | None = None,
        /,
        *,
        label: str | None = None,
        custom_id: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        age: float = 0.0,
    ) -> Message:
        """Click a button on `message` and return the message the member then sees. `age` (seconds)
        delivers the click that long after Discord created it."""
        if message.deleted:
            raise LookupError(f"message {message.id} was deleted")
        button = message.button(target, label=label, custom_id=custom_id)
        if button.is_link:
            raise ValueError(f"button {button.label!r} is a link to {button.url}; it sends nothing to the bot")
        if button.disabled:
            raise ValueError(f"button {button.label!r} is disabled")
        return await self._component(message, {"component_type": 2, "custom_id": button.custom_id}, timeout, age)

    async def select(
        self, message: Message, *choices: str, custom_id: str | None = None, timeout: float = DEFAULT_TIMEOUT
    ) -> Message:
        """Pick options (by value or label) in a select menu on `message`."""
        selects = message.selects
        if custom_id is not None:
            selects = [s for s in selects if s.custom_id == custom_id]
        if not selects:
            raise LookupError(f"no select menu {custom_id or ''} on the message")
        menu = selects[0]
        if menu.disabled:
            raise ValueError(f"select menu {menu.custom_id!r} is disabled")
        values: list[str] = []
        for choice in choices:
            for option in menu.options:
                if choice in (option.value, option.label):
                    values.append(option.value)
                    break
            else:
                if menu.type == 3:
                    raise LookupError(f"no option {choice!r}; options are {[o.label for o in menu.options]}")
                values.append(choice)
        if not menu.min_values <= len(values) <= menu.max_values:
            raise ValueError(f"pick between {menu.min_values} and {menu.max_values} options, not {len(values)}")
        data = {"component_type": menu.type, "custom_id": menu.custom_id, "values": values}
        return await self._component(message, data, timeout)

    async def _component(self, message: Message, data: Payload, timeout: float, age: float = 0.0) -> Message:
        channel = self.standin.channels[message.channel_id]
        interaction = self.standin.start_interaction(
            type=InteractionType.MESSAGE_COMPONENT,
            user=self.user,
            channel=channel,
            data=data,
            message=message.stored,
            age=age,
        )
        self.last_interaction = interaction
        return self._as_message(await self._settle(interaction, timeout), interaction)

    # ------------------------------------------------------------------ building command data

    def _command_interaction(
        self,
        command: str,
        values: dict[str, Any],
        dm: bool,
        channel: Channel | None,
        focused: tuple[str, str] | None,
    ) -> Interaction:
        parts = command.strip().lstrip("/").split()
        if not parts:
            raise ValueError("empty command")
        target = self._context_channel(dm, channel)
        guild_id = target.guild_id if target.type != ChannelType.DM else None
        definition = self.standin.find_command(parts[0], guild_id if guild_id is not None else self.guild.id)
        if definition is None:
            known = sorted(c["name"] for c in self._known_commands())
            raise LookupError(f"no slash command /{parts[0]} is registered; known: {known}")
        if guild_id is None and not _allowed_in_dms(definition):
            raise LookupError(f"/{parts[0]} is not offered in direct messages (its contexts exclude DMs)")
        resolved: Payload = {}
        leaf_defs: list[Payload] = definition.get("options") or []
        nesting: list[Payload] = []
        for part in parts[1:]:
            match = next((o for o in leaf_defs if o.get("name") == part and o.get("type") in (1, 2)), None)
            if match is None:
                subs = [o["name"] for o in leaf_defs if o.get("type") in (1, 2)]
                raise LookupError(f"/{' '.join(parts)}: no subcommand {part!r}; subcommands are {subs}")
            nesting.append(match)
            leaf_defs = match.get("options") or []
        if any(o.get("type") in (1, 2) for o in leaf_defs):
            subs = [o["name"] for o in leaf_defs if o.get("type") in (1, 2)]
            raise LookupError(f"/{' '.join(parts)} needs a subcommand: {subs}")
        leaf = self._options(leaf_defs, values, resolved, focused, command)
        options: list[Payload] = leaf
        for sub in reversed(nesting):
            options = [{"type": sub["type"], "name": sub["name"], "options": options}]
        data: Payload = {"id": definition["id"], "name": definition["name"], "type": 1, "options": options}
        if definition.get("guild_id"):
            data["guild_id"] = definition["guild_id"]
        if resolved:
            data["resolved"] = resolved
        interaction = self.standin.start_interaction(
            type=InteractionType.AUTOCOMPLETE if focused else InteractionType.APPLICATION_COMMAND,
            user=self.user,
            channel=target,
            data=data,
        )
        self.last_interaction = interaction
        return interaction

    def _known_commands(self) -> list[Payload]:
        return [*self.standin.guild_commands.get(self.guild.id, []), *self.standin.global_commands]

    def _options(
        self,
        definitions: list[Payload],
        values: dict[str, Any],
        resolved: Payload,
        focused: tuple[str, str] | None,
        command: str,
    ) -> list[Payload]:
        by_name = {str(d["name"]): d for d in definitions}
        given = {name.replace("_", "-") if name not in by_name else name: value for name, value in values.items()}
        unknown = set(given) - set(by_name)
        if focused is not None and focused[0] not in by_name:
            unknown.add(focused[0])
        if unknown:
            raise LookupError(f"/{command}: no option(s) {sorted(unknown)}; options are {sorted(by_name)}")
        out: list[Payload] = []
        for definition in definitions:
            name = str(definition["name"])
            if focused is not None and name == focused[0]:
                out.append({"type": definition["type"], "name": name, "value": focused[1], "focused": True})
                continue
            if name not in given:
                if definition.get("required") and focused is None:
                    raise ValueError(f"/{command}: option {name!r} is required")
                continue
            out.append(
                {"type": definition["type"], "name": name, "value": self._value(definition, given[name], resolved)}
            )
        return out

    def _value(self, definition: Payload, value: Any, resolved: Payload) -> Any:
        kind = definition.get("type")
        name = definition.get("name")
        if kind == STRING:
            value = str(value)
        elif kind == INTEGER:
            value = int(value)
        elif kind == NUMBER:
            value = float(value)
        elif kind == BOOLEAN:
            value = value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes", "on")
        elif kind in (USER, MENTIONABLE) and not isinstance(value, Role):
            user = self._find_user(value)
            resolved.setdefault("users", {})[str(user.id)] = user.payload()
            if user.id in self.guild.members:
                member = self.guild.member_payload(user.id, with_user=False, with_permissions=True)
                resolved.setdefault("members", {})[str(user.id)] = member
            return str(user.id)
        elif kind in (ROLE, MENTIONABLE):
            role = self._find_role(value)
            resolved.setdefault("roles", {})[str(role.id)] = role.payload()
            return str(role.id)
        elif kind == CHANNEL:
            channel = self._find_channel(value)
            resolved.setdefault("channels", {})[str(channel.id)] = {
                **channel.payload(),
                "permissions": str(self.guild.permissions_of(self.user.id)),
            }
            return str(channel.id)
        elif kind == ATTACHMENT:
            return self._attachment_value(value, resolved)
        choices = definition.get("choices") or []
        if choices and value not in [c.get("value") for c in choices]:
            names = {c.get("name"): c.get("value") for c in choices}
            if value in names:
                return names[value]
            values = [c.get("value") for c in choices]
            raise OptionRefused(f"{REFUSED}option {name!r} must be one of {values}, not {value!r}")
        _check_range(definition, value)
        return value

    def _find_user(self, value: Any) -> User:
        if isinstance(value, User):
            return value
        if isinstance(value, Member):
            return value.user
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            return self.standin.users[int(value)]
        return self.standin.user_named(str(value))

    def _find_role(self, value: Any) -> Role:
        if isinstance(value, Role):
            return value
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            return self.guild.roles[int(value)]
        return self.guild.role_named(str(value).lstrip("@"))

    def _find_channel(self, value: Any) -> Channel:
        if isinstance(value, Channel):
            return value
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            return self.standin.channels[int(value)]
        return self.guild.channel_named(str(value).lstrip("#"))

    def _attachment_value(self, value: Any, resolved: Payload) -> str:
        filename, data = value
        attachment_id = self.standin.ids.next()
        stored = StoredAttachment(
            id=attachment_id,
            filename=str(filename),
            data=bytes(data),
            content_type=content_type_for(str(filename)),
            url=f"{self.standin.base_url}/attachments/0/{attachment_id}/{filename}",
        )
        self.standin.attachments[attachment_id] = stored
        resolved.setdefault("attachments", {})[str(attachment_id)] = {**stored.payload(), "ephemeral": True}
        return str(attachment_id)


def _check_range(definition: Payload, value: Any) -> None:
    """Refuse what the client's option box refuses: a number outside min_value..max_value, a
    string shorter than min_length or longer than max_length."""
    name = definition.get("name")
    if definition.get("type") in (INTEGER, NUMBER):
        low, high = definition.get("min_value"), definition.get("max_value")
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"from {'-∞' if low is None else low} to {'∞' if high is None else high}"
            raise OptionRefused(f"{REFUSED}option {name!r} must be {bounds}, not {value!r}")
    elif definition.get("type") == STRING:
        shortest, longest = definition.get("min_length") or 0, definition.get("max_length") or STRING_MAX
        if not shortest <= len(value) <= longest:
            raise OptionRefused(
                f"{REFUSED}option {name!r} must be {shortest} to {longest} characters long, not {len(value)}"
            )


def _allowed_in_dms(definition: Payload) -> bool:
    contexts = definition.get("contexts")
    if contexts is not None:
        return 1 in contexts
    return bool(definition.get("dm_permission", True))
