"""The log filter: no credential survives at any level, and DEBUG shows no member's words."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator

import pytest

from bot.logs import REDACTED, Redactor

BOT_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.fake-bot-token-for-tests-0123456789"
INTERACTION_TOKEN = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OnNlY3JldA"


class Log:
    """Records from named loggers, through a handler carrying the Redactor (whatever other tests
    did to those loggers' levels)."""

    def __init__(self) -> None:
        self.out = io.StringIO()
        self.handler = logging.StreamHandler(self.out)
        self.handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.handler.addFilter(Redactor([BOT_TOKEN]))

    def __call__(self, name: str, level: int, msg: str, *args: object, exc_info: object = None) -> None:
        record = logging.LogRecord(name, level, __file__, 0, msg, args, exc_info)  # type: ignore[arg-type]
        self.handler.handle(record)

    def text(self) -> str:
        return self.out.getvalue()


@pytest.fixture
def emit() -> Iterator[Log]:
    yield Log()


@pytest.mark.parametrize("level", [logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR])
def test_tokens_and_webhook_urls_are_redacted_at_every_level(emit: Log, level: int) -> None:
    emit("discord.http", level, "POST https://discord.com/api/v10/interactions/1234/%s/callback", INTERACTION_TOKEN)
    emit("discord.http", level, "webhook https://discord.com/api/webhooks/987/%s/messages/@original", INTERACTION_TOKEN)
    emit("discord.http", level, "headers {'Authorization': 'Bot %s'}", BOT_TOKEN)
    emit("discord.http", level, "payload %s", {"token": INTERACTION_TOKEN, "id": "1"})
    text = emit.text()
    assert INTERACTION_TOKEN not in text and BOT_TOKEN not in text
    assert text.count(REDACTED) == 4


def test_a_traceback_is_redacted_too(emit: Log) -> None:
    try:
        raise RuntimeError(f"failed at /webhooks/1/{INTERACTION_TOKEN}")
    except RuntimeError:
        emit("crossroads", logging.ERROR, "boom", exc_info=sys.exc_info())
    text = emit.text()
    assert "RuntimeError" in text and INTERACTION_TOKEN not in text


def test_debug_gateway_events_and_rest_bodies_keep_no_member_text(emit: Log) -> None:
    event = {
        "op": 0,
        "t": "INTERACTION_CREATE",
        "s": 7,
        "d": {
            "id": "55",
            "type": 2,
            "token": INTERACTION_TOKEN,
            "data": {"name": "ask", "options": [{"name": "question", "value": "my secret worry"}]},
        },
    }
    debug = logging.DEBUG
    emit("discord.gateway", debug, "For Shard ID %s: WebSocket Event: %s", None, event)
    body = '{"content": "my secret worry"}'
    emit("discord.http", debug, "%s %s with %s has returned %s", "POST", "https://x/messages", body, 200)
    emit("discord.http", debug, "%s %s has received %s", "POST", "https://x/messages", {"content": "my secret worry"})
    emit("aiosqlite", debug, "executing %s", ("INSERT INTO ask_log ...", ("my secret worry",)))
    text = emit.text()
    assert "my secret worry" not in text and INTERACTION_TOKEN not in text
    assert "t=INTERACTION_CREATE" in text and "id=55" in text and "name=ask" in text
    assert "aiosqlite" not in text
