"""Plays member actions (bot.sandbox.script) against the stand-in and prints what the member
sees: every new or edited message in #general and in the DMs, rendered as text."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from bot.sandbox import script
from bot.sandbox.script import Action, ScriptError, split_command
from standin.member import Member, Message, Modal
from standin.render import render_message
from standin.server import InteractionFailed, StandIn

QUIET = 0.25
SETTLE_LIMIT = 5.0
# How long `until` waits for its text before it counts as a failed expectation.
UNTIL_LIMIT = 60.0


class Player:
    def __init__(self, standin: StandIn, member: Member, out: Callable[[str], None] = print) -> None:
        self.standin = standin
        self.member = member
        self.out = out
        self.errors = 0
        self.last_output = ""
        self._printed: dict[int, int] = {}
        self._failures_seen = 0
        self._buffer: list[str] = []

    def _emit(self, text: str) -> None:
        self._buffer.append(text)
        self.out(text)

    def _channels(self) -> list[tuple[str, int]]:
        return [(f"#{self.member.channel.name}", self.member.channel.id), ("DM", self.member.dm_channel.id)]

    def _visible(self) -> list[tuple[str, Message]]:
        out: list[tuple[str, Message]] = []
        for label, channel_id in self._channels():
            channel = self.standin.channels[channel_id]
            out.extend((label, m) for m in self.member.messages_in(channel))
        return sorted(out, key=lambda item: item[1].id)

    def _newest(self, want: Callable[[Message], bool]) -> Message | None:
        for _label, message in reversed(self._visible()):
            if want(message):
                return message
        return None

    async def settle(self) -> None:
        """Let the bot finish what the last action started (no REST request for QUIET seconds),
        then print what changed."""
        deadline = time.monotonic() + SETTLE_LIMIT
        while time.monotonic() < deadline:
            quiet = self.standin.quiet_for
            if quiet >= QUIET:
                break
            await asyncio.sleep(min(QUIET - quiet, 0.05) if quiet else 0.05)
        self.show_changes()

    def show_changes(self) -> None:
        for label, message in self._visible():
            if self._printed.get(message.id) == message.version:
                continue
            self._printed[message.id] = message.version
            self._emit(f"[{label}] {render_message(message.stored, names=self.standin.names)}")
        failures = self.standin.failures
        for failure in failures[self._failures_seen :]:
            self._emit(f"! the stand-in refused something the bot did: {failure}")
            self.errors += 1
        self._failures_seen = len(failures)

    def show_all(self, label: str, messages: list[Message]) -> None:
        if not messages:
            self._emit(f"[{label}] (no messages)")
        for message in messages:
            self._printed[message.id] = message.version
            self._emit(f"[{label}] {render_message(message.stored, names=self.standin.names)}")

    async def play(self, action: Action) -> bool:
        """Run one action and print the outcome; False when the member asked to quit."""
        self._buffer = []
        try:
            keep_going = await self._play(action)
        except TypeError as exc:
            if self.member.modal is None or action.kind == "submit":
                self._emit(f"! {exc}")
                self.errors += 1
            else:
                self._show_modal(self.member.modal)
            keep_going = True
        except (ScriptError, LookupError, ValueError, TimeoutError, InteractionFailed) as exc:
            self._emit(f"! {exc}")
            self.errors += 1
            keep_going = True
        if action.kind != "expect":
            self.last_output = "\n".join(self._buffer)
        return keep_going

    def _show_modal(self, modal: Modal) -> None:
        """What the Discord client shows for a modal: its title and inputs, prefilled values included."""
        lines = [f"[modal] {modal.title}"]
        for number, item in enumerate(modal.inputs, start=1):
            need = "required" if item.get("required", True) else "optional"
            lines.append(f"  {number}. {item.get('label')} ({item.get('custom_id')}, {need})")
            if item.get("value"):
                lines.append("     " + str(item["value"]).replace("\n", "\n     "))
        lines.append("  fill it with: submit <input>: <text> | <input>: <text>")
        self._emit("\n".join(lines))

    async def _explain_missing(self, path: str, option: dict[str, Any], given: dict[str, Any]) -> None:
        """What the Discord client shows for an option still to fill in: its choices, or what
        autocomplete offers for an empty field."""
        name = str(option.get("name"))
        if option.get("autocomplete"):
            offered = [c.name for c in await self.member.autocomplete(path, name, "", **given)]
        else:
            offered = [str(c.get("name")) for c in option.get("choices") or []]
        hint = (
            f"/{path} needs {name}: (for example /{path} {name}: {offered[0]})" if offered else f"/{path} needs {name}:"
        )
        lines = [f"  {i}. {text}" for i, text in enumerate(offered, start=1)]
        self.errors += 1
        self._emit("! " + hint + ("\n" + "\n".join(lines) if lines else ""))

    async def _play(self, action: Action) -> bool:
        kind, argument = action.kind, action.argument
        if kind == "quit":
            return False
        if kind == "help":
            self._emit((script.__doc__ or "").strip())
            self._emit("Commands: " + ", ".join(sorted("/" + str(c["name"]) for c in self.member._known_commands())))
        elif kind == "slash":
            call = split_command(argument, self.member._known_commands())
            missing = call.missing()
            if missing:
                await self._explain_missing(call.path, missing[0], call.options)
                return True
            await self.member.slash(call.path, options=call.options)
            await self.settle()
        elif kind == "complete":
            call = split_command(argument, self.member._known_commands(), autocomplete=True)
            if call.focused is None:
                raise ScriptError("name the option being typed, e.g. complete /faq topic: sal")
            typed = str(call.options.pop(call.focused))
            choices = await self.member.autocomplete(call.path, call.focused, typed, **call.options)
            lines = [f"  {i}. {choice.name}" for i, choice in enumerate(choices, start=1)]
            self._emit(f"autocomplete for {call.focused}: {typed!r}\n" + ("\n".join(lines) or "  (no suggestions)"))
        elif kind == "click":
            message = self._newest(lambda m: any(not b.disabled and not b.is_link for b in m.buttons))
            if message is None:
                raise LookupError("there is no message with a button to click")
            target: str | int = argument
            if argument.isdigit():
                count = len(message.buttons)
                if not 1 <= int(argument) <= count:
                    raise LookupError(f"there is no button {argument}; the newest message has {count} (1 to {count})")
                target = int(argument) - 1
            await self.member.click(message, target)
            await self.settle()
        elif kind == "select":
            message = self._newest(lambda m: any(not s.disabled for s in m.selects))
            if message is None:
                raise LookupError("there is no message with a menu to choose from")
            await self.member.select(message, *[part.strip() for part in argument.split(",")])
            await self.settle()
        elif kind == "submit":
            modal = self.member.modal
            if modal is None:
                raise LookupError("no modal is open; a command or button opens one first")
            await self.member.submit_modal(modal, script.modal_values(argument, modal.inputs))
            await self.settle()
        elif kind == "as":
            self.member = self.standin.member(argument.strip())
            self._printed.clear()
            for _label, message in self._visible():
                self._printed[message.id] = message.version
            self._emit(f"(you are now {self.member.name})")
        elif kind == "dms":
            self.show_all("DM", self.member.dms)
        elif kind == "channel":
            self.show_all(f"#{self.member.channel.name}", self.member.channel_messages)
        elif kind == "wait":
            await asyncio.sleep(float(argument or "0.5"))
            await self.settle()
        elif kind == "until":
            deadline = time.monotonic() + UNTIL_LIMIT
            while argument.casefold() not in "\n".join(self._buffer).casefold():
                if time.monotonic() >= deadline:
                    self.errors += 1
                    self._emit(f"! waited {UNTIL_LIMIT:g} s and never saw {argument!r}")
                    break
                await asyncio.sleep(0.1)
                await self.settle()
        elif kind == "expect" and argument.casefold() not in self.last_output.casefold():
            self.errors += 1
            self._emit(f"! expected to see {argument!r} in the last output")
        return True
