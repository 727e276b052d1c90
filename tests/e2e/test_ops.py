"""For the people who run the bot: a backup taken while members play, restored into a new place
where the quiz goes on; /metrics and /healthz while members use the bot."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bot.sandbox.harness import InProcessBot, sandbox_settings
from standin.member import Member
from standin.server import StandIn
from tests.e2e.database import Database, crossroads, db_rows, sqlite_only
from tests.e2e.quiz_helpers import knowledge_button, next_question, question_of, session_of


async def answer_knowledge(member: Member, count: int) -> None:
    await member.slash("quiz start", quiz="knowledge")
    question = await next_question(member)
    for number in range(count):
        await member.click(question, custom_id=knowledge_button(question, correct=True))
        if number < count - 1:
            question = await next_question(member)


@sqlite_only
async def test_a_backup_under_load_restores_into_a_new_place_and_the_quiz_goes_on(
    standin: StandIn, bot: InProcessBot, member: Member, tmp_path: Path, database_path: Path
) -> None:
    await member.slash("quiz start", quiz="knowledge")
    question = await next_question(member)
    for _ in range(3):
        await member.click(question, custom_id=knowledge_button(question, correct=True))
        question = await next_question(member)
    session_id = session_of(question)

    players = [standin.add_member(f"player{n}") for n in range(6)]
    load = asyncio.gather(*(answer_knowledge(standin.member(p), 6) for p in players))
    backups = []
    for number in range(3):
        backups.append(await crossroads("db", "backup", str(tmp_path / f"backup-{number}.db"), database=database_path))
        await asyncio.sleep(0.2)
    await load

    for code, out, err in backups:
        assert code == 0, err
        assert "Integrity check: ok." in out
        assert "quiz_answers" in out
    last = tmp_path / "backup-2.db"
    copied = db_rows(last, "SELECT question_id FROM quiz_answers WHERE session_id = ?", (session_id,))
    assert len(copied) == 3

    await bot.stop()
    restored = tmp_path / "elsewhere" / "crossroads.db"
    code, out, err = await crossroads("db", "restore", str(last), database=restored)
    assert code == 0, err
    assert f"Restored {restored}" in out

    moved = InProcessBot(standin, sandbox_settings(standin, restored))
    await moved.start()
    try:
        after = await member.click(question, custom_id=knowledge_button(question, correct=True))
        assert after.id == question.id and all(b.disabled for b in after.buttons)
        follow = await next_question(member)
        assert "question 5 of 10" in (follow.embeds[0].title or "")
        stored = db_rows(restored, "SELECT question_id FROM quiz_answers WHERE session_id = ?", (session_id,))
        assert question_of(question) in {row["question_id"] for row in stored}
        assert len(stored) == 4
    finally:
        await moved.stop()


@sqlite_only
async def test_restore_refuses_while_the_bot_runs_on_the_database(
    bot: InProcessBot, member: Member, tmp_path: Path, database_path: Path
) -> None:
    await member.slash("ask", question="how much do ML engineers make")
    code, _, err = await crossroads("db", "backup", str(tmp_path / "b.db"), database=database_path)
    assert code == 0, err
    code, _, err = await crossroads("db", "restore", str(tmp_path / "b.db"), database=database_path)
    assert code == 1
    assert "stop it first" in err
    reply = await member.slash("ask", question="do I need a degree")
    assert reply.text


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(scraped: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return scraped.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_metrics_and_health_while_members_use_the_bot(standin: StandIn, database: Database) -> None:
    running = InProcessBot(standin, database.settings(standin, metrics_port=0))
    await running.start()
    try:
        port = running.client.monitor.bound_port
        assert port
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as http:

            async def scrape() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
                async with http.get(f"{base}/metrics") as response:
                    assert response.status == 200
                    assert response.headers["Content-Type"].startswith("text/plain")
                    return samples(await response.text())

            async def health() -> tuple[int, str]:
                async with http.get(f"{base}/healthz") as response:
                    return response.status, await response.text()

            before = await scrape()
            alice, morgan = standin.member("alice"), standin.member("morgan")
            asked, *_ = await asyncio.gather(
                alice.slash("ask", question="how much do ML engineers make"),
                morgan.slash("ask", question="zzqx blorf wibble"),
                answer_knowledge(standin.member("alice"), 2),
            )
            await morgan.click(asked, "Helpful")
            reload = await morgan.slash("kb reload")
            assert reload.text
            during = await scrape()
            assert await health() == (200, "ok\n")

            answered = "crossroads_questions_total"
            assert value(during, answered, result="answered") - value(before, answered, result="answered") == 1
            assert value(during, answered, result="declined") - value(before, answered, result="declined") == 1
            votes = "crossroads_feedback_votes_total"
            assert value(during, votes, vote="helpful") - value(before, votes, vote="helpful") == 1
            recorded = "crossroads_quiz_answers_recorded_total"
            assert value(during, recorded) - value(before, recorded) == 2
            handled = "crossroads_interactions_total"
            assert (
                value(during, handled, command="/ask", outcome="ok")
                - value(before, handled, command="/ask", outcome="ok")
                == 2
            )
            assert (
                value(during, handled, command="component quiz", outcome="ok")
                - value(before, handled, command="component quiz", outcome="ok")
                == 2
            )
            reloads = "crossroads_content_reloads_total"
            assert value(during, reloads, outcome="ok") - value(before, reloads, outcome="ok") == 1
            timed = "crossroads_interaction_response_seconds_count"
            assert value(during, timed) - value(before, timed) >= 6
            assert value(during, "crossroads_gateway_connected") == 1
            assert ("crossroads_gateway_latency_seconds", ()) in during

            reconnects = "crossroads_gateway_reconnects_total"
            standin.gateway.hold_connections()
            await standin.gateway.drop()
            try:
                for _ in range(600):
                    status, reason = await health()
                    if status == 503:
                        break
                    await asyncio.sleep(0.05)
                assert (status, reason) == (503, "not connected to the Discord gateway\n")
                assert value(await scrape(), "crossroads_gateway_connected") == 0
            finally:
                standin.gateway.release_connections()
            for _ in range(600):
                now = await scrape()
                if value(now, reconnects) > value(during, reconnects) and value(now, "crossroads_gateway_connected"):
                    break
                await asyncio.sleep(0.05)
            assert value(now, reconnects) - value(during, reconnects) == 1
            assert await health() == (200, "ok\n")
            reply = await alice.slash("ask", question="do I need a degree")
            assert reply.text

            question = await next_question(alice)
            async with database.write_lock():
                busy = await alice.click(question, custom_id=knowledge_button(question, correct=True))
            assert "database is busy" in busy.text
            after = await scrape()
            errors = "crossroads_store_errors_total"
            assert value(after, errors, kind="busy") - value(now, errors, kind="busy") == 1
            failed = value(after, handled, command="component quiz", outcome="store_error")
            assert failed - value(now, handled, command="component quiz", outcome="store_error") == 1

            await running.client.store.close()
            status, reason = await health()
            assert status == 503
            assert "database" in reason
    finally:
        await running.stop()
