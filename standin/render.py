"""Messages as a member reads them, in plain text: content, embeds, buttons and select menus
(numbered, so a terminal member can pick them), attachments, and whether only they can see it."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Mapping
from typing import Any

from standin.state import MessageFlag, StoredMessage

MARKUP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>|<(@!?|@&|#)(\d+)>")
TIME_STYLES = {
    "t": "%H:%M",
    "T": "%H:%M:%S",
    "d": "%Y-%m-%d",
    "D": "%d %B %Y",
    "f": "%d %B %Y %H:%M",
    "F": "%A, %d %B %Y %H:%M",
}

BAR = "│ "
BLANK = " \u200b\u2800\n"
SUBTEXT = re.compile(r"^-# ", re.MULTILINE)
STYLE_MARK = {1: "", 2: "", 3: "✓ ", 4: "✗ ", 5: "↗ ", 6: ""}


def relative(seconds: float) -> str:
    """`in 5 minutes`, `2 hours ago`, as Discord shows <t:…:R>."""
    ahead = seconds >= 0
    amount = abs(seconds)
    for size, unit in ((86400 * 365, "year"), (86400 * 30, "month"), (86400, "day"), (3600, "hour"), (60, "minute")):
        if amount >= size:
            count = int(amount // size)
            text = f"{count} {unit}{'s' if count != 1 else ''}"
            break
    else:
        return "just now" if amount < 45 else ("in a minute" if ahead else "a minute ago")
    return f"in {text}" if ahead else f"{text} ago"


def humanize(text: str, names: Mapping[int, str] | None = None, now: float | None = None) -> str:
    """Timestamps (<t:…>) and mentions (<@…>, <@&…>, <#…>) as the Discord client shows them,
    and subtext lines (`-# `) without their marker."""

    def replace(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            moment = int(match.group(1))
            style = match.group(2) or "f"
            if style == "R":
                return relative(moment - (time.time() if now is None else now))
            when = dt.datetime.fromtimestamp(moment, tz=dt.UTC)
            return when.strftime(TIME_STYLES[style]) + (" UTC" if style in "tTfF" else "")
        kind, ident = match.group(3), int(match.group(4))
        name = (names or {}).get(ident)
        if name is not None:
            return name
        return {"#": "#unknown-channel", "@&": "@unknown-role"}.get(kind, "@unknown-user")

    return SUBTEXT.sub("", MARKUP.sub(replace, text))


def render_embed(embed: dict[str, Any], names: Mapping[int, str] | None = None) -> str:
    lines: list[str] = []
    author = (embed.get("author") or {}).get("name")
    if author:
        lines.append(author)
    title = embed.get("title")
    if title:
        lines.append(f"**{title}**")
    description = embed.get("description")
    if description:
        lines.extend(str(description).splitlines())
    for item in embed.get("fields") or []:
        name = str(item.get("name", ""))
        value = str(item.get("value", ""))
        if not (name.strip(BLANK) or value.strip(BLANK)):
            lines.append("")
            continue
        value_lines = value.splitlines() or [""]
        lines.append(f"{name}: {value_lines[0]}" if len(value_lines) == 1 else f"{name}:")
        if len(value_lines) > 1:
            lines.extend(f"  {line}" for line in value_lines)
    image = (embed.get("image") or {}).get("url")
    if image:
        lines.append(f"[image {image}]")
    footer = (embed.get("footer") or {}).get("text")
    if footer:
        lines.append(f"— {footer}")
    return "\n".join(BAR + line if line else BAR.rstrip() for line in humanize("\n".join(lines), names).split("\n"))


def _button_text(button: dict[str, Any], number: int | None) -> str:
    label = button.get("label") or (button.get("emoji") or {}).get("name") or "?"
    mark = STYLE_MARK.get(int(button.get("style", 2)), "")
    prefix = f"{number}. " if number is not None else ""
    text = f"[{prefix}{mark}{label}]"
    if button.get("disabled"):
        text = f"[{prefix}{mark}{label} (disabled)]"
    return text


def render_components(
    components: list[dict[str, Any]], *, start: int = 1, names: Mapping[int, str] | None = None
) -> tuple[list[str], int]:
    """Lines for the components, numbering every button from `start`; returns the next number."""
    lines: list[str] = []
    number = start
    for component in components:
        kind = component.get("type")
        if kind == 1:
            parts: list[str] = []
            for item in component.get("components") or []:
                if item.get("type") == 2:
                    parts.append(_button_text(item, number))
                    number += 1
                elif item.get("type") in (3, 5, 6, 7, 8):
                    placeholder = item.get("placeholder") or "choose"
                    options = ", ".join(str(o.get("label")) for o in item.get("options") or [])
                    parts.append(f"<{placeholder}: {options}>" if options else f"<{placeholder}>")
            if parts:
                lines.append(" ".join(parts))
        elif kind == 10:
            lines.extend(humanize(str(component.get("content", "")), names).splitlines())
        elif kind == 9:
            for child in component.get("components") or []:
                if child.get("type") == 10:
                    lines.extend(humanize(str(child.get("content", "")), names).splitlines())
            accessory = component.get("accessory") or {}
            if accessory.get("type") == 2:
                lines.append(_button_text(accessory, number))
                number += 1
        elif kind == 14:
            lines.append("")
        elif kind == 17:
            inner, number = render_components(list(component.get("components") or []), start=number, names=names)
            lines.extend(BAR + line for line in inner)
    return lines, number


def render_message(message: StoredMessage, *, heading: bool = True, names: Mapping[int, str] | None = None) -> str:
    """The whole message. Buttons are numbered from 1 in reading order."""
    lines: list[str] = []
    if heading:
        who = message.author.username
        notes = []
        if message.flags & MessageFlag.EPHEMERAL:
            notes.append("only you can see this")
        if message.edited_at is not None:
            notes.append("edited")
        lines.append(f"{who}" + (f" ({', '.join(notes)})" if notes else "") + ":")
    if message.flags & MessageFlag.LOADING:
        lines.append(f"{message.author.username} is thinking…")
    if message.content:
        lines.extend(humanize(message.content, names).splitlines())
    for embed in message.embeds:
        lines.append(render_embed(embed, names))
    component_lines, _ = render_components(message.components, names=names)
    lines.extend(component_lines)
    for attachment in message.attachments:
        lines.append(f"📎 {attachment.filename} ({_size(len(attachment.data))})")
    return "\n".join(lines)


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} B"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KB"
    return f"{count / (1024 * 1024):.1f} MB"
