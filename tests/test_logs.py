"""The log filter: no credential survives at any level, and DEBUG shows no member's words."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logs import REDACTED, Redactor

BOT_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.fake-bot-token-for-tests-0123456789"
INTERACTION_TOKEN = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OnNlY3JldA"


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    handler.addFilter(Redactor([BOT_TOKEN]))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield out
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


@pytest.mark.parametrize("level", [logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR])
def test_tokens_and_webhook_urls_are_redacted_at_every_level(stream: io.StringIO, level: int) -> None:
    log = logging.getLogger("discord.http")
    log.log(level, "POST https://discord.com/api/v10/interactions/1234/%s/callback", INTERACTION_TOKEN)
    log.log(level, "webhook https://discord.com/api/webhooks/987/%s/messages/@original", INTERACTION_TOKEN)
    log.log(level, "headers {'Authorization': 'Bot %s'}", BOT_TOKEN)
    log.log(level, "payload %s", {"token": INTERACTION_TOKEN, "id": "1"})
    text = stream.getvalue()
    assert INTERACTION_TOKEN not in text and BOT_TOKEN not in text
    assert text.count(REDACTED) == 4


def test_a_traceback_is_redacted_too(stream: io.StringIO) -> None:
    try:
        raise RuntimeError(f"failed at /webhooks/1/{INTERACTION_TOKEN}")
    except RuntimeError:
        logging.getLogger("crossroads").exception("boom")
    text = stream.getvalue()
    assert "RuntimeError" in text and INTERACTION_TOKEN not in text


def test_debug_gateway_events_and_rest_bodies_keep_no_member_text(stream: io.StringIO) -> None:
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
    logging.getLogger("discord.gateway").debug("For Shard ID %s: WebSocket Event: %s", None, event)
    http = logging.getLogger("discord.http")
    http.debug("%s %s with %s has returned %s", "POST", "https://x/messages", '{"content": "my secret worry"}', 200)
    http.debug("%s %s has received %s", "POST", "https://x/messages", {"content": "my secret worry"})
    logging.getLogger("aiosqlite").debug("executing %s", ("INSERT INTO ask_log ...", ("my secret worry",)))
    text = stream.getvalue()
    assert "my secret worry" not in text and INTERACTION_TOKEN not in text
    assert "t=INTERACTION_CREATE" in text and "id=55" in text and "name=ask" in text
    assert "aiosqlite" not in text
