"""`crossroads db backup` / `db restore` on database files, through the command line."""

from __future__ import annotations

import fcntl
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.ops.backup import lock_path
from bot.storage import Store


@pytest.fixture
async def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "live" / "crossroads.db"
    async with Store(path) as store:
        for guild in range(3):
            await store.execute("INSERT INTO guild_config (guild_id, updated_at) VALUES (?, 0)", (guild + 1,))
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.chdir(tmp_path)
    return path


def guilds(path: Path) -> list[int]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("SELECT guild_id FROM guild_config ORDER BY guild_id")]
    finally:
        conn.close()


@pytest.fixture
def running_bot_lock(database: Path) -> Iterator[None]:
    with lock_path(database).open("a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield


def test_backup_writes_a_verified_copy_and_says_what_it_wrote(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "backups" / "monday.db"
    assert main(["db", "backup", str(target)]) == 0
    out = capsys.readouterr().out
    assert f"Wrote {target}" in out
    assert "Integrity check: ok." in out
    assert "guild_config 3" in out
    assert guilds(target) == [1, 2, 3]
    assert not target.with_name("monday.db.partial").exists()


def test_backup_without_a_database_says_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "none.db"))
    assert main(["db", "backup", str(tmp_path / "b.db")]) == 1
    assert "There is no database at" in capsys.readouterr().err
    assert not (tmp_path / "b.db").exists()


async def test_restore_swaps_the_backup_in_and_keeps_the_old_database(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "b.db"
    assert main(["db", "backup", str(target)]) == 0
    async with Store(database) as store:
        await store.execute("INSERT INTO guild_config (guild_id, updated_at) VALUES (4, 0)")
    capsys.readouterr()
    assert main(["db", "restore", str(target)]) == 0
    out = capsys.readouterr().out
    assert f"Restored {database}" in out
    assert guilds(database) == [1, 2, 3]
    [kept] = database.parent.glob("crossroads.db.before-restore-*")
    assert f"The previous database is kept as {kept}." in out
    assert guilds(kept) == [1, 2, 3, 4]
    async with Store(database) as store:
        row = await store.fetchone("SELECT COUNT(*) FROM guild_config")
        assert row is not None and row[0] == 3


@pytest.mark.usefixtures("running_bot_lock")
def test_restore_refuses_while_a_bot_holds_the_lock(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "b.db"
    assert main(["db", "backup", str(target)]) == 0
    capsys.readouterr()
    assert main(["db", "restore", str(target)]) == 1
    assert "A Crossroads bot is running on" in capsys.readouterr().err
    assert not list(database.parent.glob("*.before-restore-*"))


async def test_restore_refuses_while_another_program_has_the_database_open(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "b.db"
    assert main(["db", "backup", str(target)]) == 0
    capsys.readouterr()
    async with Store(database):
        assert main(["db", "restore", str(target)]) == 1
    assert "open (a running bot?)" in capsys.readouterr().err
    assert not list(database.parent.glob("*.before-restore-*"))


def test_restore_refuses_a_file_that_is_not_a_database(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    assert main(["db", "restore", str(junk)]) == 1
    assert "not a usable SQLite database" in capsys.readouterr().err
    assert guilds(database) == [1, 2, 3]
