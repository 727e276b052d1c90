"""Group commit: concurrent write transactions share one COMMIT (and so one fsync) on one thread.

Each caller submits a plain function of a `sqlite3.Connection`. The writer thread takes every
item waiting in its queue, opens one transaction, runs each item inside its own SAVEPOINT (an
item that raises is rolled back alone and its caller gets the error), commits once, and only
then answers the callers: durability per caller is unchanged, the fsync is shared.

Deadlines (:mod:`bot.deadline`) are honoured per item: an item whose deadline has passed when
its turn comes is not run, and if an item's deadline passes before the COMMIT, the batch is
rolled back and run again without it, so nothing is committed for a member who was told it
failed. A caller cancelled while its item waits in the queue takes the item with it; once the
item has run, its commit goes ahead with the batch (like any write whose caller stopped
listening). If the COMMIT itself fails, every item of the batch fails with that error.

Knows nothing about Discord or the schema.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from bot import deadline as deadlines
from bot.deadline import Deadline

log = logging.getLogger(__name__)

T = TypeVar("T")
# More items than this in one transaction would make the first caller wait for the last one's work.
MAX_BATCH = 256


class DeadlinePassed(sqlite3.OperationalError):
    """The item was not run or not committed because its deadline passed (reported as "busy")."""


@dataclass(eq=False)
class _Item(Generic[T]):
    work: Callable[[sqlite3.Connection], T]
    deadline: Deadline | None
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[T]
    # Set from the event loop when the caller stops waiting; read by the writer thread.
    abandoned: threading.Event = field(default_factory=threading.Event)
    ok: bool = False
    delivered: bool = False
    result: Any = None
    error: BaseException | None = None

    def late(self, needed: float) -> bool:
        return self.deadline is not None and self.deadline.at - self.deadline.clock() < max(needed, 1e-9)


_STOP = object()


class GroupWriter:
    """One sqlite3 write connection on its own thread, committing concurrent work in groups."""

    def __init__(
        self,
        path: Path | str,
        *,
        synchronous: str = "full",
        busy_timeout_ms: int = 2000,
        max_batch: int = MAX_BATCH,
        connect: Callable[[], sqlite3.Connection] | None = None,
    ) -> None:
        self.path = Path(path)
        self.synchronous = synchronous
        self.busy_timeout_ms = busy_timeout_ms
        self.max_batch = max_batch
        self._connect = connect or self._default_connect
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        # The write connection; used only by the writer thread once started.
        self.conn: sqlite3.Connection | None = None
        self._busy_ms = -1  # the busy timeout last set on the connection
        # Figures for benchmarks: how many transactions and items were committed.
        self.batches = 0
        self.items = 0

    def _default_connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA synchronous = {self.synchronous.upper()}")
        conn.execute(f"PRAGMA busy_timeout = {self.busy_timeout_ms}")
        return conn

    @property
    def running(self) -> bool:
        return self._thread is not None

    async def start(self) -> None:
        if self._thread is not None:
            return
        self.conn = await asyncio.to_thread(self._connect)
        self._thread = threading.Thread(target=self._serve, name="crossroads-writer", daemon=True)
        self._thread.start()

    async def close(self) -> None:
        """Finish every item already submitted, then close the connection."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._queue.put(_STOP)
        await asyncio.to_thread(thread.join)
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    async def submit(self, work: Callable[[sqlite3.Connection], T], deadline: Deadline | None = None) -> T:
        """Run `work` in a transaction and return its result once that transaction has committed."""
        if self._thread is None:
            raise sqlite3.ProgrammingError("the writer is not running")
        if deadline is not None and deadline.too_late():
            raise DeadlinePassed("database is busy (the deadline passed before the write could start)")
        loop = asyncio.get_running_loop()
        item: _Item[T] = _Item(work, deadline, loop, loop.create_future())
        self._queue.put(item)
        try:
            return await asyncio.shield(item.future)
        except asyncio.CancelledError:
            item.abandoned.set()
            raise

    # --- the writer thread ----------------------------------------------------------------------

    def _serve(self) -> None:
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            batch: list[_Item[Any]] = [first]
            stop = False
            while len(batch) < self.max_batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is _STOP:
                    stop = True
                    break
                batch.append(more)
            try:
                self._run_batch(batch)
            except Exception as exc:
                # A bug here must not stop the thread and leave every later caller waiting forever.
                log.exception("The group-commit writer failed a batch of %d writes", len(batch))
                self._rollback(self.conn)
                for item in batch:
                    if not item.delivered:
                        self._fail(item, exc)
            if stop:
                return

    def _run_batch(self, batch: list[_Item[Any]]) -> None:
        conn = self.conn
        assert conn is not None
        pending = [item for item in batch if not item.abandoned.is_set()]
        while pending:
            for item in pending:
                if item.late(deadlines.MIN_START):
                    self._fail(item, DeadlinePassed("database is busy (the deadline passed before the write ran)"))
            pending = [item for item in pending if item.error is None]
            if not pending:
                return
            try:
                self._begin(conn, pending)
            except sqlite3.Error as exc:
                for item in pending:
                    self._fail(item, exc)
                return
            broken = False
            alone = len(pending) == 1
            for index, item in enumerate(pending):
                self._run_item(conn, item, index, savepoint=not alone)
                if not conn.in_transaction:
                    # A fault (a full disk, an I/O error) rolled back the whole transaction.
                    self._lost(pending[: index + 1], item.error)
                    pending, broken = pending[index + 1 :], True
                    break
            if broken:
                continue
            done = [item for item in pending if item.ok]
            if not done:
                self._rollback(conn)
                return
            late = [item for item in done if item.late(0.0)]
            if late:
                # Those members are told nothing changed: roll back and redo the batch without them.
                self._rollback(conn)
                for item in late:
                    self._fail(item, DeadlinePassed("database is busy (the deadline passed before commit)"))
                pending = [item for item in done if item.error is None]
                for item in pending:
                    item.ok = False
                continue
            try:
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback(conn)
                for item in done:
                    item.ok = False
                    self._fail(item, exc)
                return
            self.batches += 1
            self.items += len(done)
            for item in done:
                self._deliver(item)
            return

    def _begin(self, conn: sqlite3.Connection, items: list[_Item[Any]]) -> None:
        """BEGIN IMMEDIATE, waiting for another connection's lock no longer than the batch can use."""
        waits = [item.deadline.remaining() for item in items if item.deadline is not None]
        wait_ms = self.busy_timeout_ms if len(waits) < len(items) else max(1, int(max(waits) * 1000))
        if wait_ms != self._busy_ms:
            conn.execute(f"PRAGMA busy_timeout = {wait_ms}")
            self._busy_ms = wait_ms
        conn.execute("BEGIN IMMEDIATE")

    @staticmethod
    def _run_item(conn: sqlite3.Connection, item: _Item[Any], index: int, *, savepoint: bool) -> None:
        """Run one item; with `savepoint`, a failure rolls back its own writes only. A group of
        one needs no savepoint: its failure rolls back the whole transaction."""
        name = f"item{index}"
        if savepoint:
            conn.execute(f"SAVEPOINT {name}")
        try:
            item.result = item.work(conn)
        except BaseException as exc:
            if savepoint:
                with suppress(sqlite3.Error):
                    conn.execute(f"ROLLBACK TO {name}")
                    conn.execute(f"RELEASE {name}")
            GroupWriter._fail(item, exc)
            return
        if savepoint:
            conn.execute(f"RELEASE {name}")
        item.ok = True

    @staticmethod
    def _rollback(conn: sqlite3.Connection | None) -> None:
        if conn is not None and conn.in_transaction:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")

    @classmethod
    def _lost(cls, items: list[_Item[Any]], error: BaseException | None) -> None:
        reason = error or sqlite3.OperationalError("the transaction was rolled back by SQLite")
        for item in items:
            if item.ok:
                item.ok = False
                cls._fail(item, reason)
            elif item.error is None:
                cls._fail(item, reason)

    @staticmethod
    def _fail(item: _Item[Any], error: BaseException) -> None:
        item.error = error
        GroupWriter._deliver(item)

    @staticmethod
    def _deliver(item: _Item[Any]) -> None:
        item.delivered = True

        def settle() -> None:
            if item.future.done():
                return
            if item.abandoned.is_set():
                item.future.cancel()
                return
            if item.error is not None:
                item.future.set_exception(item.error)
            else:
                item.future.set_result(item.result)

        with suppress(RuntimeError):  # the loop has closed: nobody is waiting any more
            item.loop.call_soon_threadsafe(settle)
