"""Prometheus metrics and the health check, served while the bot runs when METRICS_PORT is set.

The counters are module-level so any part of the bot can count an event with one call
(`record_question`, `record_feedback`, ...); they live in this module's own registry, which is
what `/metrics` serves. The `Monitor` belongs to one bot: it follows the gateway, times each
interaction from its creation on Discord to the bot's response, and runs the HTTP server.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Callable, Coroutine
from types import SimpleNamespace
from typing import Any, Protocol

import aiohttp
import discord
from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

from bot.storage import StoreError
from bot.storage.protocol import Storage


class MonitoredBot(Protocol):
    """What the monitor reads from the bot (the app's bot class satisfies it)."""

    @property
    def store(self) -> Storage: ...

    @property
    def latency(self) -> float: ...

    @property
    def ws(self) -> Any: ...

    def is_closed(self) -> bool: ...

    def add_listener(self, func: Callable[..., Coroutine[Any, Any, Any]], /, name: str = ...) -> None: ...


log = logging.getLogger("crossroads.metrics")

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)
GCCollector(registry=REGISTRY)

INTERACTIONS = Counter(
    "crossroads_interactions",
    "Interactions handled, by command (or component) and outcome (ok, error, store_error).",
    ["command", "outcome"],
    registry=REGISTRY,
)
RESPONSE_SECONDS = Histogram(
    "crossroads_interaction_response_seconds",
    "Seconds from Discord creating an interaction to the bot's response to it (Discord allows 3).",
    buckets=(0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0, 5.0),
    registry=REGISTRY,
)
ANSWERS = Counter("crossroads_quiz_answers_recorded", "Quiz answers committed to the database.", registry=REGISTRY)
QUESTIONS = Counter(
    "crossroads_questions",
    "Questions asked through /ask and /faq, by result (answered, declined).",
    ["result"],
    registry=REGISTRY,
)
FEEDBACK = Counter("crossroads_feedback_votes", "Feedback votes on answers, by vote.", ["vote"], registry=REGISTRY)
STORE_ERRORS = Counter(
    "crossroads_store_errors",
    "Database failures that reached a member, by kind (busy, corrupt, readonly, other).",
    ["kind"],
    registry=REGISTRY,
)
RELOADS = Counter(
    "crossroads_content_reloads", "Content reloads, by outcome (ok, refused).", ["outcome"], registry=REGISTRY
)
GATEWAY_LATENCY = Gauge(
    "crossroads_gateway_latency_seconds", "Time between a gateway heartbeat and its acknowledgement.", registry=REGISTRY
)
GATEWAY_CONNECTED = Gauge(
    "crossroads_gateway_connected", "1 while connected to the Discord gateway.", registry=REGISTRY
)
RECONNECTS = Counter(
    "crossroads_gateway_reconnects", "Gateway connections resumed or re-established after the first.", registry=REGISTRY
)

HEALTH_DB_TIMEOUT = 2.0


class MetricsError(Exception):
    """The metrics server could not start; the message is one sentence naming the setting."""


def command_label(interaction: discord.Interaction[Any]) -> str:
    """A low-cardinality name: the slash command's full name, or the component's custom_id prefix."""
    data: dict[str, Any] = dict(interaction.data or {})
    if interaction.type in (discord.InteractionType.application_command, discord.InteractionType.autocomplete):
        parts = [str(data.get("name", "?"))]
        options = data.get("options") or []
        while options and options[0].get("type") in (1, 2):
            parts.append(str(options[0].get("name", "?")))
            options = options[0].get("options") or []
        prefix = "autocomplete " if interaction.type is discord.InteractionType.autocomplete else "/"
        return prefix + " ".join(parts)
    custom_id = str(data.get("custom_id", ""))
    kind = "modal" if interaction.type is discord.InteractionType.modal_submit else "component"
    return f"{kind} {custom_id.split(':', 1)[0] or '?'}"


def record_interaction(interaction: discord.Interaction[Any], outcome: str) -> None:
    INTERACTIONS.labels(command=command_label(interaction), outcome=outcome).inc()


def record_answer() -> None:
    ANSWERS.inc()


def record_question(answered: bool) -> None:
    QUESTIONS.labels(result="answered" if answered else "declined").inc()


def record_feedback(vote: str) -> None:
    """Count one feedback vote (for example "helpful" or "not_helpful")."""
    FEEDBACK.labels(vote=vote).inc()


def record_reload(ok: bool) -> None:
    RELOADS.labels(outcome="ok" if ok else "refused").inc()


def store_error_kind(exc: BaseException) -> str:
    text = f"{exc} {exc.__cause__ or ''}".lower()
    if "locked" in text or "busy" in text:
        return "busy"
    if "corrupt" in text or "malformed" in text or "not a database" in text:
        return "corrupt"
    if "readonly" in text or "read-only" in text or "cannot be opened for writing" in text:
        return "readonly"
    return "other"


def record_store_error(exc: BaseException) -> None:
    STORE_ERRORS.labels(kind=store_error_kind(exc)).inc()


def _created_at(interaction_id: int) -> float:
    return discord.utils.snowflake_time(interaction_id).timestamp()


def _interaction_callback_id(url: str) -> int | None:
    """The interaction id in `.../interactions/{id}/{token}/callback`, else None."""
    parts = url.split("?", 1)[0].rstrip("/").split("/")
    if len(parts) >= 4 and parts[-1] == "callback" and parts[-4] == "interactions" and parts[-3].isdigit():
        return int(parts[-3])
    return None


class Monitor:
    """Follows one bot for the metrics and answers /metrics and /healthz."""

    def __init__(self, address: str, port: int | None) -> None:
        self.address = address
        self.port = port
        self.connected = False
        self._connections = 0
        self._bot: MonitoredBot | None = None
        self._runner: web.AppRunner | None = None
        self.bound_port: int | None = None
        self.trace = aiohttp.TraceConfig()
        self.trace.on_request_end.append(self._on_request_end)

    async def _on_request_end(
        self, _session: aiohttp.ClientSession, _context: SimpleNamespace, params: aiohttp.TraceRequestEndParams
    ) -> None:
        interaction_id = _interaction_callback_id(str(params.url))
        if interaction_id is not None and params.response.status < 400:
            RESPONSE_SECONDS.observe(max(0.0, time.time() - _created_at(interaction_id)))

    async def start(self, bot: MonitoredBot) -> None:
        """Follow `bot`'s gateway and, with a port set, serve /metrics and /healthz."""
        self._bot = bot
        bot.add_listener(self._on_connect, "on_connect")
        bot.add_listener(self._on_resumed, "on_resumed")
        bot.add_listener(self._on_disconnect, "on_disconnect")
        bot.add_listener(self._on_app_command_completion, "on_app_command_completion")
        GATEWAY_LATENCY.set_function(self._latency)
        if self.port is None:
            return
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        app.router.add_get("/healthz", self._healthz)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, self.address, self.port).start()
        except OSError as exc:
            await self.stop()
            raise MetricsError(
                f"Cannot serve metrics on {self.address}:{self.port} ({exc.strerror or exc}); "
                "set METRICS_PORT to a free port or METRICS_ADDRESS to an address of this machine."
            ) from exc
        addresses = self._runner.addresses
        self.bound_port = int(addresses[0][1]) if addresses else self.port
        log.info("Serving metrics on http://%s:%s/metrics and /healthz", self.address, self.bound_port)

    async def stop(self) -> None:
        self.connected = False
        GATEWAY_CONNECTED.set(0)
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    def _latency(self) -> float:
        latency = self._bot.latency if self._bot is not None else float("nan")
        return latency if latency == latency and latency != float("inf") else 0.0

    async def _on_connect(self) -> None:
        self._connections += 1
        if self._connections > 1:
            RECONNECTS.inc()
        self._set_connected(True)

    async def _on_resumed(self) -> None:
        RECONNECTS.inc()
        self._set_connected(True)

    async def _on_disconnect(self) -> None:
        self._set_connected(False)

    def _set_connected(self, connected: bool) -> None:
        self.connected = connected
        GATEWAY_CONNECTED.set(1 if connected else 0)

    async def _on_app_command_completion(self, interaction: discord.Interaction[Any], _command: object) -> None:
        record_interaction(interaction, "ok")

    async def health(self) -> tuple[bool, str]:
        """(healthy, reason): connected to the gateway and the database answers."""
        bot = self._bot
        if bot is None or bot.is_closed():
            return False, "the bot is not running"
        if not self.connected or bot.ws is None:
            return False, "not connected to the Discord gateway"
        try:
            await asyncio.wait_for(bot.store.ping(), HEALTH_DB_TIMEOUT)
        except TimeoutError:
            return False, f"the database did not answer within {HEALTH_DB_TIMEOUT:g} seconds"
        except (StoreError, sqlite3.Error, ValueError) as exc:
            return False, f"the database does not answer: {exc}"
        return True, "ok"

    async def _healthz(self, _request: web.Request) -> web.Response:
        healthy, reason = await self.health()
        return web.Response(status=200 if healthy else 503, text=reason + "\n")

    async def _metrics(self, _request: web.Request) -> web.Response:
        body = generate_latest(REGISTRY)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
