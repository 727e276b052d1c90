"""Faults a member or an operator meets, end to end: each ends as one sentence, in time, with
nothing lost and nothing changed behind the member's back."""

from __future__ import annotations

import asyncio
import ctypes
import gc
import logging
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.app import TOKEN_REJECTED
from bot.sandbox.harness import ROOT, BotProcess, InProcessBot
from bot.storage import Store
from bot.ui.errors import BUTTON_INACTIVE, STORE_BUSY, STORE_DAMAGED, STORE_FULL
from bot.ui.quiz import ANSWER_SAVED
from standin.member import Member, Message
from standin.server import InteractionFailed, StandIn
from tests.e2e.database import Database, sqlite_only
from tests.e2e.quiz_helpers import knowledge_button, next_question, question_of, session_of


def rows(database: Database, sql: str) -> list[tuple[object, ...]]:
    return [tuple(row) for row in database.rows(sql)]


def is_busy(message: Message) -> bool:
    return message.ephemeral and STORE_BUSY in message.text


async def test_a_ten_second_lock_answers_everyone_in_time_and_changes_nothing(
    bot: InProcessBot, standin: StandIn, member: Member, database: Database
) -> None:
    players = [standin.member(standin.add_member(f"player{n}")) for n in range(20)]
    questions: list[Message] = []
    for player in players:
        await player.slash("quiz start", quiz="knowledge")
        questions.append(await next_question(player))
    await member.slash("quiz start", quiz="path")
    newcomer = standin.member(standin.add_member("newcomer"))
    answers_before = rows(database, "SELECT * FROM quiz_answers")
    sessions_before = rows(database, "SELECT * FROM quiz_sessions")

    async with database.write_lock():
        clicks = [
            player.click(question, custom_id=knowledge_button(question, correct=True))
            for player, question in zip(players, questions, strict=True)
        ]
        first_wave = await asyncio.gather(
            *clicks,
            member.slash("ask", question="do i need a degree"),
            newcomer.slash("quiz start", quiz="knowledge"),
            member.slash("mydata delete"),
        )
        *click_replies, answer, start_reply, confirmation = first_wave
        assert all(is_busy(reply) for reply in click_replies), [r.text for r in click_replies]
        assert answer.embeds[0].title == "Do I need a degree or a PhD?"
        assert is_busy(start_reply)
        assert confirmation.ephemeral and confirmation.buttons

        # Later clicks during the same lock are not queued behind the first wave's waits.
        await asyncio.sleep(3)
        second_wave = await asyncio.gather(
            *(
                player.click(question, custom_id=knowledge_button(question, correct=False))
                for player, question in zip(players, questions, strict=True)
            ),
            member.click(confirmation, label="Delete all my data"),
        )
        assert all(is_busy(reply) for reply in second_wave), [r.text for r in second_wave]
        await asyncio.sleep(4)

    assert rows(database, "SELECT * FROM quiz_answers") == answers_before
    assert rows(database, "SELECT * FROM quiz_sessions") == sessions_before
    assert all(not any(b.disabled for b in q.buttons) for q in questions)

    after = await players[0].click(questions[0], custom_id=knowledge_button(questions[0], correct=True))
    assert all(b.disabled for b in after.buttons)
    assert len(rows(database, "SELECT * FROM quiz_answers")) == len(answers_before) + 1


class DamagedFile:
    """Stands in for a connection to a file whose pages went bad while the bot was running: every
    statement fails with SQLite's own SQLITE_CORRUPT error."""

    def __init__(self, real: sqlite3.Connection) -> None:
        self.real = real

    def execute(self, *args: object) -> sqlite3.Cursor:
        error = sqlite3.DatabaseError("database disk image is malformed")
        error.sqlite_errorcode = 11  # type: ignore[attr-defined]
        error.sqlite_errorname = "SQLITE_CORRUPT"  # type: ignore[attr-defined]
        raise error

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)


@contextmanager
def damaged(bot: InProcessBot) -> Iterator[None]:
    store = bot.client.store
    connections = [store.conn, store.reader]
    originals = [conn._connection for conn in connections]
    for conn, real in zip(connections, originals, strict=True):
        conn._connection = DamagedFile(real)  # type: ignore[assignment]
    # The same sqlite3 connections, as the store runs plain functions against them.
    opened = [store._main_raw, store._reader_raw]
    for each in opened:
        assert each is not None
        each.raw = DamagedFile(each.raw)  # type: ignore[assignment]
    writer = store.writer
    assert writer is not None and writer.conn is not None
    writer_real, writer.conn = writer.conn, DamagedFile(writer.conn)  # type: ignore[assignment]
    try:
        yield
    finally:
        for conn, real in zip(connections, originals, strict=True):
            conn._connection = real
        for each in opened:
            assert each is not None
            each.raw = each.raw.real  # type: ignore[union-attr]
        writer.conn = writer_real


@sqlite_only
async def test_a_database_damaged_while_running_says_so_and_never_that_nothing_is_stored(
    bot: InProcessBot, member: Member, caplog: pytest.LogCaptureFixture
) -> None:
    await member.slash("quiz start", quiz="knowledge")
    question = await next_question(member)
    caplog.set_level(logging.WARNING)
    with damaged(bot):
        shown = await member.slash("mydata show")
        click = await member.click(question, custom_id=knowledge_button(question, correct=True))
        again = await member.slash("quiz resume")
    for reply in (shown, click, again):
        assert STORE_DAMAGED in reply.text, reply.text
        assert "stores nothing" not in reply.text
    damaged_lines = [r for r in caplog.records if "is damaged" in r.getMessage()]
    assert len(damaged_lines) == 1
    assert not any(r.exc_info for r in caplog.records if r.name.startswith(("crossroads", "bot", "cogs")))
    shown = await member.slash("mydata show")
    assert "stores nothing" not in shown.text and shown.attachments


@sqlite_only
async def test_a_full_disk_says_so_logs_once_and_recovers_without_a_restart(
    bot: InProcessBot, standin: StandIn, member: Member, caplog: pytest.LogCaptureFixture
) -> None:
    other = standin.member("morgan")
    await other.slash("quiz start", quiz="path")
    filler_session = session_of(await next_question(other))
    await member.slash("quiz start", quiz="knowledge")
    question = await next_question(member)
    store = bot.client.store
    conn = store.conn
    # SQLite's own SQLITE_FULL: the file may not grow, and its last free space is taken.
    pages = await (await conn.execute("PRAGMA page_count")).fetchone()
    assert pages is not None
    await conn.execute(f"PRAGMA max_page_count = {pages[0]}")
    writer = store.writer
    assert writer is not None
    await writer.submit(lambda raw: raw.execute(f"PRAGMA max_page_count = {pages[0]}"))
    filled = 0
    for padding in (60, 0):
        while True:
            try:
                await conn.execute(
                    "INSERT INTO quiz_answers (session_id, question_id, choice_id, correct, answered_at)"
                    " VALUES (?, ?, 'a', NULL, 0)",
                    (filler_session, f"{filled:x}" + "x" * padding),
                )
            except sqlite3.OperationalError as exc:
                assert "full" in str(exc)
                break
            filled += 1
    caplog.set_level(logging.INFO)
    replies = [await member.click(question, custom_id=knowledge_button(question, correct=True)) for _ in range(3)]
    replies.append(await member.slash("quiz start", quiz="path"))
    for reply in replies:
        assert reply.ephemeral and STORE_FULL in reply.text, reply.text
    assert not any(b.disabled for b in question.buttons)
    assert len([r for r in caplog.records if "is full" in r.getMessage()]) == 1
    assert not any(r.exc_info for r in caplog.records)

    await conn.execute("PRAGMA max_page_count = 1073741823")
    await writer.submit(lambda raw: raw.execute("PRAGMA max_page_count = 1073741823"))
    after = await member.click(question, custom_id=knowledge_button(question, correct=True))
    assert all(b.disabled for b in after.buttons)
    assert "question 2 of 10" in (await next_question(member)).embeds[0].title


# --- start-up and the gateway: one sentence, the documented exit status ----------------------

StartBot = Callable[..., Awaitable[BotProcess]]


def assert_one_sentence(stderr: str, sentence: str) -> None:
    assert sentence in stderr, stderr
    assert "Traceback" not in stderr, stderr
    assert "Event loop is closed" not in stderr, stderr


async def test_a_token_reset_while_running_ends_with_the_rejected_token_sentence(
    standin: StandIn, bot_process: StartBot
) -> None:
    process = await bot_process(env={"LOG_LEVEL": "WARNING"})
    await standin.gateway.drop(code=4004)
    code = await process.wait(timeout=30)
    assert code == 1
    assert_one_sentence(process.stderr, TOKEN_REJECTED)


@sqlite_only
async def test_a_second_bot_on_the_same_database_refuses_to_start(
    standin: StandIn, bot_process: StartBot, database_path: Path
) -> None:
    first = await bot_process()
    second = await bot_process(wait=False, env={"LOG_LEVEL": "WARNING"})
    assert await second.wait(timeout=30) == 1
    assert_one_sentence(second.stderr, "Another Crossroads is already running on the database")
    assert str(database_path) in second.stderr
    assert standin.gateway.identifies == 1
    alice = standin.member("alice")
    reply = await alice.slash("ask", question="do i need a degree")
    assert reply.embeds[0].title == "Do I need a degree or a PhD?"
    assert await first.terminate() == 0


def damage_pages(path: Path) -> None:
    """Overwrite every page after the first two with noise; the header stays valid."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for offset in range(2 * page, len(data)):
        data[offset] = (offset * 131) % 251
    path.write_bytes(bytes(data))


async def migrated_database(path: Path) -> None:
    async with Store(path) as store:
        await store.execute(
            "INSERT INTO ask_log (user_id, question, normalized, score, matched, asked_at)"
            " VALUES (1, 'hi', 'hi', 0.5, 0, 0)"
        )


@sqlite_only
async def test_a_database_with_damaged_pages_is_refused_at_start(
    standin: StandIn, bot_process: StartBot, database_path: Path
) -> None:
    await migrated_database(database_path)
    damage_pages(database_path)
    process = await bot_process(wait=False, env={"LOG_LEVEL": "CRITICAL"})
    assert await process.wait(timeout=30) == 1
    assert_one_sentence(process.stderr, f"The database file {database_path} is damaged")
    assert standin.gateway.identifies == 0


def without_root_file_override() -> None:
    """Root may write any file; drop that capability (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) from
    the child so a read-only file is read-only to it, as it is to an ordinary user."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


PR_CAPBSET_DROP = 24


async def test_a_read_only_database_file_is_refused_at_start(standin: StandIn) -> None:
    folder = Path(tempfile.mkdtemp(prefix="crossroads-ro-"))
    try:
        os.chmod(folder, 0o777)
        database_path = folder / "crossroads.db"
        await migrated_database(database_path)
        os.chmod(database_path, 0o444)
        runner = BotProcess(standin, database_path)
        env = {**runner.environment(), "LOG_LEVEL": "CRITICAL", "PYTHONDONTWRITEBYTECODE": "1"}
        process = await asyncio.create_subprocess_exec(
            *runner.command(),
            cwd=str(ROOT),
            env=env,
            stderr=asyncio.subprocess.PIPE,
            preexec_fn=without_root_file_override if os.geteuid() == 0 else None,
        )
        _, err = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 1
        assert_one_sentence(err.decode(), f"The database file {database_path} is not writable by this user")
        assert "write permission" in err.decode()
        assert standin.gateway.identifies == 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- buttons from nowhere --------------------------------------------------------------------


async def press(member: Member, message: Message, custom_id: str) -> Message:
    """Click a button carrying `custom_id` on `message`: one an older or a tampered bot sent there."""
    button = message.stored.components[0]["components"][0]
    button["custom_id"] = custom_id
    return await member.click(message, custom_id=custom_id)


async def test_a_session_number_beyond_sqlites_range_is_a_quiz_that_no_longer_exists(
    bot: InProcessBot, standin: StandIn, member: Member
) -> None:
    await member.slash("quiz start", quiz="knowledge")
    question = await next_question(member)
    question_id = question_of(question)
    reply = await press(member, question, f"quiz:{'9' * 19}:{question_id}:a")
    assert reply.ephemeral and "This quiz no longer exists" in reply.text, reply.text
    assert "Something went wrong" not in reply.text


async def test_a_custom_id_matching_no_button_gets_a_short_sentence(
    bot: InProcessBot, standin: StandIn, member: Member
) -> None:
    await member.slash("quiz start", quiz="knowledge")
    question = await next_question(member)
    for custom_id in ("poll:42:yes", "quiz:1", "x" * 100):
        reply = await press(member, question, custom_id)
        assert reply.ephemeral and BUTTON_INACTIVE in reply.text, reply.text
    assert not any(b.disabled for b in question.buttons)


# --- hostile text ----------------------------------------------------------------------------


async def test_a_question_with_a_lone_surrogate_is_answered_and_logged_cleaned(
    bot: InProcessBot, standin: StandIn, member: Member
) -> None:
    loop = asyncio.get_running_loop()
    reported: list[dict[str, object]] = []
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    try:
        reply = await member.slash("ask", question="do i need a degree \ud800")
        assert reply.embeds
        for _ in range(100):
            logged = await bot.client.store.recent_asks(standin.guild.id)
            if logged:
                break
            await asyncio.sleep(0.05)
        assert [record.question for record in logged] == ["do i need a degree \ufffd"]
        gc.collect()
        await asyncio.sleep(0)
    finally:
        loop.set_exception_handler(None)
    assert reported == []


# --- logs ------------------------------------------------------------------------------------


async def test_debug_logs_hold_no_credentials_and_no_member_words(standin: StandIn, bot_process: StartBot) -> None:
    process = await bot_process(env={"LOG_LEVEL": "DEBUG"})
    alice = standin.member("alice")
    question = "how much does a zebra-striped ML engineer earn"
    await alice.slash("ask", question=question)
    await alice.slash("quiz start", quiz="knowledge")
    first = await alice.wait_for_dm()
    await alice.click(first, custom_id=knowledge_button(first, correct=True))
    await alice.wait_for_dm(lambda m: "question 2 of 10" in m.text)
    assert await process.terminate() == 0
    logs = process.stderr
    assert "WebSocket Event" in logs and "has returned" in logs  # DEBUG was on
    assert standin.bot_env()["DISCORD_TOKEN"] not in logs
    tokens = [interaction.token for interaction in standin.interactions.values()]
    assert len(tokens) >= 3
    for token in tokens:
        assert token not in logs
    assert "zebra" not in logs
    assert "[redacted]" in logs


# --- Discord's REST API failing --------------------------------------------------------------


@pytest.mark.expect_failures("unacknowledged")
async def test_5xx_on_the_callback_retries_only_within_the_window_and_the_quiz_continues(
    bot: InProcessBot, standin: StandIn, member: Member, database: Database
) -> None:
    await member.slash("quiz start", quiz="knowledge")
    question = await next_question(member)
    callbacks = "POST /interactions/{interaction_id}/{token}/callback"
    landed = standin.route_hits[callbacks]
    failing = standin.inject(502, method="POST", path=r"/callback$", count=2)
    with pytest.raises(InteractionFailed):
        await member.click(question, custom_id=knowledge_button(question, correct=True))
    # The first try and one retry after 1 s; the next retry (3 s later) could not have landed in time.
    assert failing.hits == 2
    assert standin.route_hits[callbacks] == landed
    assert [f.kind for f in standin.failures] == ["unacknowledged"]
    [answered] = [m for m in member.dms if m.id == question.id]
    assert answered.edited
    assert all(b.disabled for b in answered.buttons)
    assert ANSWER_SAVED in answered.text
    assert len(database.rows("SELECT * FROM quiz_answers")) == 1
    follow = await next_question(member)
    assert "question 2 of 10" in (follow.embeds[0].title or "")
    after = await member.click(follow, custom_id=knowledge_button(follow, correct=True))
    assert all(b.disabled for b in after.buttons)


async def test_a_follow_up_webhook_that_keeps_failing_is_bypassed(
    bot: InProcessBot, standin: StandIn, member: Member, database: Database
) -> None:
    await member.slash("quiz start", quiz="knowledge")
    question = await next_question(member)
    failing = standin.inject(502, path=r"^/webhooks/", count=1000)
    after = await member.click(question, custom_id=knowledge_button(question, correct=True))
    assert all(b.disabled for b in after.buttons)
    follow = await member.wait_for_dm(lambda m: "question 2 of 10" in m.text, timeout=30)
    assert failing.hits >= 2
    assert follow.buttons and not any(b.disabled for b in follow.buttons)
    failing.count = 0
    second = await member.click(follow, custom_id=knowledge_button(follow, correct=False))
    assert all(b.disabled for b in second.buttons)
    assert len(database.rows("SELECT * FROM quiz_answers")) == 2
