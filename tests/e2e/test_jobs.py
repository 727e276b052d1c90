"""Scheduled jobs: idle quiz sessions are expired by a background task, so /kb reload counts only
the sessions members are still taking."""

from __future__ import annotations

import logging
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.sandbox.harness import InProcessBot, sandbox_settings
from standin.server import StandIn
from tests.e2e.quiz_helpers import DATA, next_question, session_of
from tests.eventually import eventually


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(DATA / "knowledge", target / "knowledge")
    shutil.copytree(DATA / "quizzes", target / "quizzes")
    return target


@pytest.fixture
async def bot_on_copy(standin: StandIn, database_path: Path, content_dir: Path) -> AsyncIterator[InProcessBot]:
    running = InProcessBot(standin, sandbox_settings(standin, database_path, content_dir=content_dir))
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


async def test_an_idle_session_is_expired_by_the_scheduled_job_and_reload_counts_only_live_ones(
    bot_on_copy: InProcessBot, standin: StandIn, content_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="crossroads")
    alice, morgan = standin.member("alice"), standin.member("morgan")
    await alice.slash("quiz start", quiz="path")
    idle = session_of(await next_question(alice))
    await morgan.slash("quiz start", quiz="path")
    live = session_of(await next_question(morgan))
    # Alice walked away two days ago; the server's quizzes expire after 24 hours without an answer.
    store = bot_on_copy.client.store
    await store.execute("UPDATE quiz_sessions SET updated_at = updated_at - ? WHERE id = ?", (48 * 3600.0, idle))

    # The job runs at start and then every few minutes; a restart is the start.
    await bot_on_copy.restart()
    store = bot_on_copy.client.store

    async def expired() -> bool:
        session = await store.get_session(idle)
        return session is not None and session.status == "expired"

    await eventually(expired, "the idle session expiring")
    jobs = bot_on_copy.client.jobs
    assert jobs is not None and jobs.running and jobs.expired_total == 1
    assert "This process runs scheduled jobs" in caplog.text
    still = await store.get_session(live)
    assert still is not None and still.status == "in_progress"

    path_file = content_dir / "quizzes" / "path.yaml"
    path_file.write_text(
        path_file.read_text(encoding="utf-8").replace("title: Path finder", "title: Path finder, new edition", 1),
        encoding="utf-8",
    )
    reply = await morgan.slash("kb reload")
    assert "1 quiz session already running keep the version they started with" in reply.embed.field("Quizzes").value
