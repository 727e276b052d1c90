"""The SQLite store itself, SQLite only: migrations and pragmas, damaged, unwritable and full files,
transactions and the writer, deadlines. PostgreSQL's start-up refusals are in test_backends.py."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from bot.storage import Store, StoreError, schema_version


async def test_empty_database_is_migrated_to_latest(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "crossroads.db"
    async with Store(path) as store:
        assert await store.user_version() == schema_version()
        tables = {row["name"] for row in await store.fetchall("SELECT name FROM sqlite_master")}
        assert {"guild_config", "quiz_sessions", "quiz_answers", "ask_log"} <= tables
        mode = await store.fetchone("PRAGMA journal_mode")
        assert mode is not None and mode[0] == "wal"
        fk = await store.fetchone("PRAGMA foreign_keys")
        assert fk is not None and fk[0] == 1
        sync = await store.fetchone("PRAGMA synchronous")
        assert sync is not None and sync[0] == 2  # FULL: a commit is on disk before it returns
    assert path.exists()


async def test_normal_synchronous_level_can_be_chosen(tmp_path: Path) -> None:
    async with Store(tmp_path / "db.sqlite", synchronous="normal") as store:
        sync = await store.fetchone("PRAGMA synchronous")
        assert sync is not None and sync[0] == 1


async def test_reopening_is_a_no_op_and_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "crossroads.db"
    async with Store(path) as store:
        await store.execute(
            "INSERT INTO ask_log (user_id, question, normalized, score, matched, asked_at)"
            " VALUES (1, 'hi', 'hi', 0.5, 1, 0)"
        )
    async with Store(path) as store:
        assert await store.user_version() == schema_version()
        rows = await store.fetchall("SELECT question FROM ask_log")
        assert [r["question"] for r in rows] == ["hi"]


async def test_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema_version() + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer version of Crossroads"):
        await Store(path).open()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version() + 5
    conn.close()


async def test_corrupt_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"this is not a database at all, just text" * 100)
    with pytest.raises(StoreError, match="corrupt"):
        await Store(path).open()


async def test_unwritable_location_is_reported(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # root ignores permission bits, so use a path under a regular file instead
        blocker = tmp_path / "file"
        blocker.write_text("x")
        path = blocker / "crossroads.db"
    else:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o500)
        path = folder / "crossroads.db"
    with pytest.raises(StoreError, match="DATABASE_PATH"):
        await Store(path).open()


async def test_failed_transaction_rolls_back(tmp_path: Path) -> None:
    async with Store(tmp_path / "db.sqlite") as store:
        with pytest.raises(RuntimeError):
            async with store.transaction() as conn:
                await conn.execute(
                    "INSERT INTO ask_log (user_id, question, normalized, score, matched, asked_at)"
                    " VALUES (1, 'q', 'q', 0, 0, 0)"
                )
                raise RuntimeError("boom")
        row = await store.fetchone("SELECT COUNT(*) FROM ask_log")
        assert row is not None and row[0] == 0


async def test_answers_are_unique_per_session_and_question(tmp_path: Path) -> None:
    async with Store(tmp_path / "db.sqlite") as store:
        await store.execute(
            "INSERT INTO quiz_sessions (user_id, quiz_id, quiz_version, seed, plan, started_at, updated_at)"
            " VALUES (1, 'path', 'v1', 7, '[]', 0, 0)"
        )
        insert = "INSERT INTO quiz_answers (session_id, question_id, choice_id, answered_at) VALUES (1, 'q1', ?, 0)"
        await store.execute(insert, ("a",))
        with pytest.raises(sqlite3.IntegrityError):
            await store.execute(insert, ("b",))


async def test_run_commits_work_in_one_transaction(tmp_path: Path) -> None:
    async with Store(tmp_path / "db.sqlite") as store:

        def insert_two(conn: sqlite3.Connection) -> int:
            for question in ("a", "b"):
                conn.execute(
                    "INSERT INTO ask_log (user_id, question, normalized, score, matched, asked_at)"
                    " VALUES (1, ?, ?, 0, 0, 0)",
                    (question, question),
                )
            row = conn.execute("SELECT COUNT(*) AS n FROM ask_log").fetchone()
            return int(row["n"])

        assert await store.run(insert_two) == 2

        def insert_then_fail(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO ask_log (user_id, question, normalized, score, matched, asked_at)"
                " VALUES (1, 'c', 'c', 0, 0, 0)"
            )
            raise ValueError("refused")

        with pytest.raises(ValueError, match="refused"):
            await store.run(insert_then_fail)

        def count(conn: sqlite3.Connection) -> int:
            return int(conn.execute("SELECT COUNT(*) FROM ask_log").fetchone()[0])

        assert await store.read(count) == 2
    # committed means on disk: a fresh connection sees both rows
    conn = sqlite3.connect(tmp_path / "db.sqlite")
    assert conn.execute("SELECT COUNT(*) FROM ask_log").fetchone()[0] == 2
    conn.close()


async def test_run_and_transaction_do_not_interleave(tmp_path: Path) -> None:
    import asyncio

    async with Store(tmp_path / "db.sqlite") as store:

        async def slow_transaction() -> None:
            async with store.transaction() as conn:
                await conn.execute(
                    "INSERT INTO ask_log (user_id, question, normalized, score, matched, asked_at)"
                    " VALUES (1, 'slow', 'slow', 0, 0, 0)"
                )
                await asyncio.sleep(0.01)

        def quick(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO ask_log (user_id, question, normalized, score, matched, asked_at)"
                " VALUES (2, 'quick', 'quick', 0, 0, 0)"
            )

        await asyncio.gather(slow_transaction(), store.run(quick), slow_transaction(), store.run(quick))
        row = await store.fetchone("SELECT COUNT(*) FROM ask_log")
        assert row is not None and row[0] == 4


# --- faults and deadlines --------------------------------------------------------------------


def _lock_externally(path: Path) -> sqlite3.Connection:
    blocker = sqlite3.connect(path, timeout=0, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    return blocker


async def test_a_write_under_a_deadline_gives_up_in_time_and_commits_nothing(tmp_path: Path) -> None:
    import time

    from bot import deadline

    path = tmp_path / "db.sqlite"
    async with Store(path) as store:
        blocker = _lock_externally(path)
        try:
            deadline.set_current(deadline.Deadline(at=time.time() + 0.3))
            with pytest.raises(StoreError) as raised:
                await store.execute(
                    "INSERT INTO ask_log (user_id, question, normalized, score, matched, asked_at)"
                    " VALUES (1, 'q', 'q', 0.5, 0, 0)"
                )
            assert raised.value.kind == "busy"
            # Reads do not wait for the writer's lock.
            assert await store.fetchone("SELECT COUNT(*) FROM ask_log") is not None
        finally:
            deadline.set_current(None)
            blocker.rollback()
            blocker.close()
        row = await store.fetchone("SELECT COUNT(*) FROM ask_log")
        assert row is not None and row[0] == 0


async def test_work_that_finishes_after_its_deadline_is_rolled_back(tmp_path: Path) -> None:
    from bot import deadline

    now = [100.0]
    async with Store(tmp_path / "db.sqlite") as store:

        def slow(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO ask_log (user_id, question, normalized, score, matched, asked_at)"
                " VALUES (1, 'q', 'q', 0.5, 0, 0)"
            )
            now[0] += 5  # the deadline passes while the work runs

        deadline.set_current(deadline.Deadline(at=101.0, clock=lambda: now[0]))
        try:
            with pytest.raises(StoreError) as raised:
                await store.run(slow)
        finally:
            deadline.set_current(None)
        assert raised.value.kind == "busy"
        row = await store.fetchone("SELECT COUNT(*) FROM ask_log")
        assert row is not None and row[0] == 0


def test_sqlite_errors_are_sorted_into_the_faults_members_are_told_about() -> None:
    from bot.storage.store import fault_kind

    def error(code: int, text: str) -> sqlite3.Error:
        exc = sqlite3.OperationalError(text)
        exc.sqlite_errorcode = code  # type: ignore[attr-defined]
        return exc

    assert fault_kind(error(5, "database is locked")) == "busy"
    assert fault_kind(error(11, "database disk image is malformed")) == "damaged"
    assert fault_kind(error(13, "database or disk is full")) == "full"
    assert fault_kind(error(13 | (1 << 8), "database or disk is full")) == "full"
    assert fault_kind(sqlite3.IntegrityError("UNIQUE constraint failed")) is None


def test_lone_surrogates_are_replaced_before_storing() -> None:
    from bot.storage.store import clean_text

    assert clean_text("a\ud800b\udfff") == "a\ufffdb\ufffd"
    assert clean_text("fine ✓ 😀") == "fine ✓ 😀"


async def test_a_full_disk_is_logged_once_a_minute(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    async with Store(tmp_path / "db.sqlite") as store:
        full = sqlite3.OperationalError("database or disk is full")
        full.sqlite_errorcode = 13  # type: ignore[attr-defined]
        errors = [store.fault(full) for _ in range(50)]
    assert all(isinstance(e, StoreError) and e.kind == "full" for e in errors)
    assert len([r for r in caplog.records if "is full" in r.getMessage()]) == 1


async def test_a_database_with_damaged_pages_is_refused_by_quick_check(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    async with Store(path) as store:
        await store.executemany(
            "INSERT INTO ask_log (user_id, question, normalized, score, matched, asked_at) VALUES (?, ?, ?, 0.5, 0, 0)",
            [(n, "q" * 200, "q") for n in range(200)],
        )
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for offset in range(2 * page, len(data)):
        data[offset] = (offset * 131) % 251
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="is damaged") as raised:
        await Store(path).open()
    assert raised.value.kind == "damaged"
