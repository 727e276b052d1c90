"""Logging for `python -m bot run`: one handler on the root logger, behind a filter that keeps
credentials and members' words out of the log at every level.

Redacted everywhere: the bot token, interaction tokens (valid for 15 minutes, enough to answer
as the bot) and webhook tokens in URLs. At DEBUG, what discord.py and aiosqlite would log verbatim
is cut down: gateway events to their type and ids, REST bodies to their size, and aiosqlite's
statement log (which carries members' questions as parameters) is left out. A member's question
is kept only in the ask log, which /mydata delete removes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

import discord.utils

REDACTED = "[redacted]"

_PATTERNS = (
    # /interactions/<id>/<token>/callback and /webhooks/<application or webhook id>/<token>
    re.compile(r"(/(?:interactions|webhooks)/\d+/)[A-Za-z0-9_.\-]+"),
    # "token": "..." in a JSON payload or its Python repr
    re.compile(r"""(['"]token['"]\s*:\s*['"])[^'"]+"""),
    # an Authorization header
    re.compile(r"(\bBot\s+)[A-Za-z0-9_.\-]{20,}"),
)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return text


def _gateway_summary(payload: object) -> str:
    """A gateway event without its content: type, sequence, and the ids an operator correlates."""
    if not isinstance(payload, Mapping):
        return "<event>"
    data = payload.get("d")
    parts = [f"op={payload.get('op')}", f"t={payload.get('t')}", f"s={payload.get('s')}"]
    if isinstance(data, Mapping):
        for key in ("id", "type", "guild_id", "channel_id"):
            if key in data:
                parts.append(f"{key}={data[key]}")
        inner = data.get("data")
        if isinstance(inner, Mapping):
            for key in ("name", "custom_id"):
                if key in inner:
                    parts.append(f"{key}={inner[key]}")
    return "<" + " ".join(parts) + " (content withheld)>"


def _body_summary(body: object) -> str:
    if body is None:
        return "no body"
    size = len(body) if isinstance(body, str | bytes) else None
    return f"<{size}-character body withheld>" if size is not None else "<body withheld>"


class Redactor(logging.Filter):
    """Rewrites each record before any handler formats it; see the module docstring."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)
        self._exceptions = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("aiosqlite") and record.levelno < logging.INFO:
            return False
        args = record.args
        if isinstance(args, tuple) and args:
            record.args = self._tame(record, args)
        try:
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        # The traceback joins the message already redacted, so no formatter can render it afresh.
        if record.exc_info:
            message += "\n" + (record.exc_text or self._exceptions.formatException(record.exc_info))
            record.exc_info = None
            record.exc_text = None
        if record.stack_info:
            message += "\n" + record.stack_info
            record.stack_info = None
        record.msg = redact(message, self.secrets)
        record.args = None
        return True

    @staticmethod
    def _tame(record: logging.LogRecord, args: tuple[Any, ...]) -> tuple[Any, ...]:
        template = str(record.msg)
        if record.name == "discord.gateway" and "WebSocket Event" in template:
            return (*args[:-1], _gateway_summary(args[-1]))
        if record.name == "discord.http" and "with %s has returned" in template and len(args) >= 3:
            return (args[0], args[1], _body_summary(args[2]), *args[3:])
        if record.name == "discord.http" and "has received" in template and len(args) >= 3:
            return (args[0], args[1], _body_summary(str(args[2])), *args[3:])
        return args


def setup_logging(level: int, secrets: Iterable[str] = ()) -> logging.Handler:
    """Log to standard error through the Redactor, the way discord.py formats its own logs."""
    handler = logging.StreamHandler()
    handler.addFilter(Redactor(secrets))
    discord.utils.setup_logging(handler=handler, level=level, root=True)
    return handler
