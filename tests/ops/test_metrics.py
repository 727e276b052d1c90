"""The metrics helpers an operator relies on: store error kinds, which requests are interaction
responses, and a health check that says why before the bot has started."""

from __future__ import annotations

import sqlite3

from bot.ops.metrics import Monitor, _interaction_callback_id, store_error_kind
from bot.storage import StoreError


def store_error(message: str) -> StoreError:
    error = StoreError("The database could not be used.")
    error.__cause__ = sqlite3.OperationalError(message)
    return error


def test_store_errors_are_grouped_by_kind() -> None:
    assert store_error_kind(store_error("database is locked")) == "busy"
    assert store_error_kind(store_error("database disk image is malformed")) == "corrupt"
    assert store_error_kind(store_error("attempt to write a readonly database")) == "readonly"
    assert store_error_kind(store_error("disk I/O error")) == "other"


def test_only_interaction_callbacks_are_timed() -> None:
    base = "http://127.0.0.1:8080/api/v10"
    assert _interaction_callback_id(f"{base}/interactions/123456789/tok-en/callback") == 123456789
    assert _interaction_callback_id(f"{base}/interactions/123456789/tok-en/callback?with_response=false") == 123456789
    assert _interaction_callback_id(f"{base}/webhooks/1/tok/messages/@original") is None
    assert _interaction_callback_id(f"{base}/channels/1/messages") is None


async def test_health_before_start_says_the_bot_is_not_running() -> None:
    assert await Monitor("127.0.0.1", None).health() == (False, "the bot is not running")
