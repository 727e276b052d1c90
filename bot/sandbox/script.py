"""Member scripts for the sandbox: one action per line.

# a comment; blank lines are ignored
/ask question: how much do ML engineers make     a slash command with named options
/ask how much do ML engineers make               the text fills the command's only (or only
                                                 required) option
/quiz start path                                 subcommands come first
click 2                                          the 2nd button of the newest message with buttons
click Next                                       a button by its label
select Beginner                                  an option of the newest select menu
complete /faq topic: sal                         what autocomplete offers while typing
as morgan                                        act as another member from now on
dms | channel                                    print the DMs or #general as they are now
expect salary                                    the last output must contain this (else exit 1)
wait 0.5                                         let the bot work for half a second
until time is up                                 let the bot work until this shows (at most 60 s)
submit title: Study group | answer: Thursdays    fill the modal the bot opened and send it: inputs
                                                 by custom_id, label start or number (1 = first);
                                                 `|` separates inputs, `\n` is a line break;
                                                 inputs not named keep what the bot prefilled
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Any

KINDS = (
    "slash",
    "click",
    "select",
    "complete",
    "as",
    "dms",
    "channel",
    "expect",
    "wait",
    "until",
    "submit",
    "help",
    "quit",
)


class ScriptError(ValueError):
    """A line that is not an action, or options that do not fit the command."""


@dataclass(frozen=True)
class Action:
    kind: str
    argument: str = ""
    line: int = 0

    def __str__(self) -> str:
        if self.kind == "slash":
            return f"/{self.argument}"
        return f"{self.kind} {self.argument}".strip()


def parse_line(text: str, line: int = 0) -> Action | None:
    """One line of a script (numbered from 1; 0 for a line typed at the prompt); None for blank
    lines and comments."""
    where = f"line {line}: " if line else ""
    stripped = text.strip()
    if not stripped or stripped.startswith("#"):
        return None
    if stripped.startswith("/"):
        command = stripped[1:].strip()
        if not command:
            raise ScriptError(f"{where}a slash command needs a name")
        return Action("slash", command, line)
    word, _, rest = stripped.partition(" ")
    kind = word.lower()
    rest = rest.strip()
    if kind in ("exit", "q"):
        kind = "quit"
    if kind == "?":
        kind = "help"
    if kind not in KINDS or kind == "slash":
        raise ScriptError(f"{where}unknown action {word!r} (try /command, click, select, complete, as, expect)")
    if kind in ("click", "select", "as", "expect", "until", "complete") and not rest:
        raise ScriptError(f"{where}{kind} needs an argument")
    if kind == "complete" and not rest.startswith("/"):
        raise ScriptError(f"{where}complete needs a slash command, e.g. complete /faq topic: sal")
    if kind == "wait":
        try:
            float(rest or "0.5")
        except ValueError:
            raise ScriptError(f"{where}wait needs a number of seconds") from None
    return Action(kind, rest, line)


def modal_values(text: str, inputs: list[dict[str, Any]]) -> dict[str, str]:
    """`title: Study group | 2: Thursdays` → {custom_id: value} for a modal's inputs."""
    values: dict[str, str] = {}
    for part in text.split("|"):
        if not part.strip():
            continue
        name, colon, value = part.partition(":")
        if not colon:
            raise ScriptError(f"say which input {part.strip()!r} is for, e.g. title: {part.strip()}")
        key = name.strip().casefold()
        found = None
        for number, item in enumerate(inputs, start=1):
            label = str(item.get("label") or "").casefold()
            if key in (str(item.get("custom_id")).casefold(), str(number)) or (key and label.startswith(key)):
                found = str(item.get("custom_id"))
                break
        if found is None:
            names = ", ".join(str(item.get("custom_id")) for item in inputs)
            raise ScriptError(f"the modal has no input {name.strip()!r}; it has {names}")
        values[found] = value.strip().replace("\\n", "\n")
    return values


def parse_script(text: str) -> list[Action]:
    actions = []
    for number, line in enumerate(text.splitlines(), start=1):
        action = parse_line(line, number)
        if action is not None:
            actions.append(action)
    return actions


@dataclass(frozen=True)
class CommandCall:
    path: str
    options: dict[str, Any]
    focused: str | None = None
    definitions: tuple[dict[str, Any], ...] = ()

    def missing(self) -> list[dict[str, Any]]:
        """Required options the text did not give."""
        return [d for d in self.definitions if d.get("required") and d.get("name") not in self.options]


def split_command(text: str, commands: list[dict[str, Any]], *, autocomplete: bool = False) -> CommandCall:
    """`quiz start quiz: path` → CommandCall("quiz start", {"quiz": "path"}), using the registered
    command definitions to tell subcommands from option names. With `autocomplete`, the last
    option named is the one being typed."""
    words = text.strip().lstrip("/").split(" ", 1)
    name = words[0]
    rest = words[1] if len(words) > 1 else ""
    definition = next((c for c in commands if c.get("name") == name and c.get("type", 1) == 1), None)
    if definition is None:
        known = ", ".join(sorted("/" + str(c.get("name")) for c in commands))
        raise ScriptError(f"there is no /{name} command (the bot has {known or 'none yet'})")
    path = [name]
    options: list[dict[str, Any]] = definition.get("options") or []
    while any(o.get("type") in (1, 2) for o in options):
        head, _, tail = rest.strip().partition(" ")
        sub = next((o for o in options if o.get("type") in (1, 2) and o.get("name") == head), None)
        if sub is None:
            subs = ", ".join(str(o.get("name")) for o in options if o.get("type") in (1, 2))
            raise ScriptError(f"/{' '.join(path)} needs one of: {subs}")
        path.append(head)
        options = sub.get("options") or []
        rest = tail
    names = [str(o.get("name")) for o in options]
    values: dict[str, Any] = {}
    focused: str | None = None
    rest = rest.strip()
    if names:
        pattern = re.compile(r"(?:^|\s)(" + "|".join(re.escape(n) for n in names) + r"):\s*")
        marks = list(pattern.finditer(rest))
        lead = rest[: marks[0].start()].strip() if marks else rest
        for i, mark in enumerate(marks):
            end = marks[i + 1].start() if i + 1 < len(marks) else len(rest)
            values[mark.group(1)] = _unquote(rest[mark.end() : end].strip())
        if marks and autocomplete:
            focused = marks[-1].group(1)
        if lead:
            target = _default_option(options, values)
            if target is None:
                listed = ", ".join(f"{n}:" for n in names)
                raise ScriptError(f"say which option {lead!r} is for: /{' '.join(path)} takes {listed}")
            values[target] = _unquote(lead)
            if autocomplete and focused is None:
                focused = target
    elif rest:
        raise ScriptError(f"/{' '.join(path)} takes no options")
    return CommandCall(" ".join(path), values, focused, tuple(options))


def _default_option(options: list[dict[str, Any]], given: dict[str, Any]) -> str | None:
    free = [o for o in options if o.get("name") not in given]
    if len(free) == 1:
        return str(free[0]["name"])
    required = [o for o in free if o.get("required")]
    if len(required) == 1:
        return str(required[0]["name"])
    return None


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        try:
            return shlex.split(value)[0]
        except ValueError:
            return value
    return value
