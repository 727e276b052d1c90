"""PostgreSQL going away under the bot: members are told in a sentence within Discord's 3 seconds,
nothing half-done is stored, and the bot carries on by itself once the server is back.

(A lock held by another connection is tested on both backends beside SQLite's own cases, through
`database.write_lock()`: tests/e2e/test_faults.py, test_quiz.py, test_trivia.py, test_faq.py.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.sandbox.harness import InProcessBot
from bot.ui.errors import STORE_BUSY
from standin.server import StandIn
from tests.e2e.database import E2E_BACKENDS, Database
from tests.e2e.quiz_helpers import knowledge_button, next_question, question_of
from tests.postgres import Cluster, Server, bindir_for_test


@pytest.fixture
def own_cluster() -> Iterator[tuple[Cluster, Server]]:
    cluster = Cluster(bindir_for_test())
    try:
        yield cluster, Server(cluster.start())
    finally:
        cluster.stop()


@pytest.fixture
async def bot_on_own_cluster(
    standin: StandIn, own_cluster: tuple[Cluster, Server], database_path: Path
) -> AsyncIterator[tuple[InProcessBot, Cluster, Database]]:
    cluster, server = own_cluster
    database = Database(database_path, await server.create_database())
    running = InProcessBot(standin, database.settings(standin))
    await running.start()
    try:
        yield running, cluster, database
    finally:
        await running.stop()


@pytest.mark.postgres
@pytest.mark.skipif("postgresql" not in E2E_BACKENDS, reason="the end-to-end tests run on SQLite only (E2E_BACKENDS)")
async def test_a_stopped_postgres_server_is_a_sentence_and_the_quiz_goes_on_when_it_is_back(
    standin: StandIn, bot_on_own_cluster: tuple[InProcessBot, Cluster, Database]
) -> None:
    _, cluster, database = bot_on_own_cluster
    alice = standin.member("alice")
    await alice.slash("quiz start", quiz="knowledge")
    question = await next_question(alice)
    first = knowledge_button(question, correct=True)

    cluster.halt()
    try:
        click = await alice.click(question, custom_id=first)
        resume = await alice.slash("quiz resume")
        for reply in (click, resume):
            assert reply.ephemeral and STORE_BUSY in reply.text, reply.text
        assert not any(b.disabled for b in question.buttons)
    finally:
        cluster.resume()

    assert database.rows("SELECT * FROM quiz_answers") == []
    after = await alice.click(question, custom_id=first)
    assert after.id == question.id and all(b.disabled for b in after.buttons), after.text
    [stored] = database.rows("SELECT question_id FROM quiz_answers")
    assert stored["question_id"] == question_of(question)
    assert "question 2 of 10" in (await next_question(alice)).embeds[0].title
