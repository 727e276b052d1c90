"""`crossroads db backup` and `crossroads db restore`: a consistent copy of the live database,
and putting a copy back while no bot holds the database.

The copy is made with SQLite's online backup API inside one read transaction, so it is the
database as of one moment even while the bot keeps writing (WAL readers do not block writers),
and its row counts are compared with the live database's at that same moment.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


class BackupError(Exception):
    """A backup or restore that did not happen; the message says why and what to do."""


@dataclass(frozen=True)
class Copy:
    """What a backup wrote or a restore put in place."""

    path: Path
    size: int
    schema_version: int
    rows: dict[str, int] = field(default_factory=dict)
    kept: Path | None = None

    def describe(self, verb: str) -> str:
        rows = ", ".join(f"{table} {count}" for table, count in self.rows.items()) or "no tables"
        lines = [
            f"{verb} {self.path} ({self.size:,} bytes, schema version {self.schema_version}).",
            "Integrity check: ok.",
            f"Rows: {rows}.",
        ]
        if self.kept is not None:
            lines.append(f"The previous database is kept as {self.kept}.")
        return "\n".join(lines)


def lock_path(database: Path) -> Path:
    """The file a running bot holds an exclusive flock on, beside its database."""
    return database.with_name(database.name + ".lock")


def _tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [str(row[0]) for row in rows]


def _row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {table: int(conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]) for table in _tables(conn)}


def _verify(path: Path, expected: dict[str, int] | None = None) -> Copy:
    """Integrity check and row counts of a database file; BackupError if it is not sound."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"Cannot open {path}: {exc}.") from exc
    try:
        result = [str(row[0]) for row in conn.execute("PRAGMA integrity_check").fetchall()]
        if result != ["ok"]:
            raise BackupError(f"{path} failed SQLite's integrity check: {'; '.join(result[:5])}.")
        rows = _row_counts(conn)
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a usable SQLite database: {exc}.") from exc
    finally:
        conn.close()
    if expected is not None and rows != expected:
        raise BackupError(f"The copy's row counts {rows} differ from the database's {expected}; nothing was kept.")
    return Copy(path=path, size=path.stat().st_size, schema_version=version, rows=rows)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def backup(database: Path, target: Path) -> Copy:
    """Copy the live database to `target` (replacing it only once the copy is verified)."""
    if not database.is_file():
        raise BackupError(f"There is no database at {database}; set DATABASE_PATH to the bot's database.")
    if target.resolve() == database.resolve():
        raise BackupError("The backup file must not be the database itself.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True, isolation_level=None, timeout=5.0)
    try:
        # One read transaction: the counts and the pages copied come from the same snapshot.
        source.execute("BEGIN")
        expected = _row_counts(source)
        destination = sqlite3.connect(partial)
        try:
            source.backup(destination)
            destination.execute("PRAGMA journal_mode = DELETE")
        finally:
            destination.close()
        source.execute("COMMIT")
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"Could not copy {database}: {exc}.") from exc
    finally:
        source.close()
    try:
        checked = _verify(partial, expected)
        _fsync_file(partial)
        os.replace(partial, target)
        _fsync_dir(target.parent)
    finally:
        partial.unlink(missing_ok=True)
    return Copy(target, checked.size, checked.schema_version, checked.rows)


@contextlib.contextmanager
def _no_bot_running(database: Path) -> Iterator[None]:
    """Hold `<db>.lock` exclusively (the lock a running bot holds) and make sure no other program
    has the database open; BackupError otherwise."""
    lock = lock_path(database)
    lock.parent.mkdir(parents=True, exist_ok=True)
    handle = lock.open("a+")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(
                f"A Crossroads bot is running on {database} (it holds {lock}); stop it first, then restore."
            ) from None
        if database.exists():
            _refuse_if_open(database)
        yield
    finally:
        handle.close()


def _refuse_if_open(database: Path) -> None:
    """An open WAL connection anywhere keeps SQLite from taking the database exclusively."""
    probe = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        probe.execute("PRAGMA locking_mode = EXCLUSIVE")
        probe.execute("BEGIN EXCLUSIVE")
        probe.execute("ROLLBACK")
        probe.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            raise BackupError(
                f"Another program has {database} open (a running bot?); stop it first, then restore."
            ) from None
        raise BackupError(f"Cannot use {database}: {exc}.") from exc
    finally:
        probe.close()


def _unused(path: Path) -> Path:
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}-{number}")
    return candidate


def restore(backup_file: Path, database: Path) -> Copy:
    """Put `backup_file` in place of `database` atomically; the old database is kept beside it."""
    if not backup_file.is_file():
        raise BackupError(f"There is no backup file at {backup_file}.")
    _verify(backup_file)
    database.parent.mkdir(parents=True, exist_ok=True)
    with _no_bot_running(database):
        incoming = database.with_name(database.name + ".restoring")
        incoming.unlink(missing_ok=True)
        source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
        try:
            destination = sqlite3.connect(incoming)
            try:
                source.backup(destination)
                destination.execute("PRAGMA journal_mode = DELETE")
            finally:
                destination.close()
        except sqlite3.Error as exc:
            incoming.unlink(missing_ok=True)
            raise BackupError(f"Could not read {backup_file}: {exc}.") from exc
        finally:
            source.close()
        _fsync_file(incoming)
        kept: Path | None = None
        if database.exists():
            kept = _unused(database.with_name(f"{database.name}.before-restore-{time.strftime('%Y%m%d-%H%M%S')}"))
            # The old file is checkpointed (above) so it is complete on its own; a hard link keeps
            # it while the rename below swaps the new one in under the same name in one step.
            try:
                os.link(database, kept)
            except OSError:
                shutil.copy2(database, kept)
            for leftover in (Path(f"{database}-wal"), Path(f"{database}-shm")):
                leftover.unlink(missing_ok=True)
        os.replace(incoming, database)
        _fsync_dir(database.parent)
    result = _verify(database)
    return Copy(result.path, result.size, result.schema_version, result.rows, kept)
