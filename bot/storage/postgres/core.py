"""PostgreSQL through asyncpg: a connection pool, numbered migrations tracked in a `schema_version`
table, and faults turned into the same one-sentence :class:`StoreError` the SQLite store raises.

Work for an interaction runs under its deadline (:mod:`bot.deadline`): a transaction sets
`statement_timeout` and `lock_timeout` to the time left, so a statement that cannot finish in time
is cancelled by the server and rolled back, never committed later. What must not interleave across
processes is made safe by the database itself (row locks, unique constraints, `ON CONFLICT`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib import resources
from typing import TYPE_CHECKING, Any, TypeAlias
from urllib.parse import urlsplit

import asyncpg

from bot import deadline as deadlines
from bot.storage.store import FAULT_LOG_INTERVAL, FaultKind, StoreError

log = logging.getLogger(__name__)

# A pooled connection, as every query method receives it.
if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

    Connection: TypeAlias = PoolConnectionProxy[asyncpg.Record]
else:
    Connection = asyncpg.Connection

# pg_advisory_xact_lock key taken while migrating, so two processes starting at once migrate once.
MIGRATION_LOCK = 0x43524F5353  # "CROSS"
CONNECT_TIMEOUT = 5.0
# How long work without a deadline (background jobs, the CLI) waits for a row lock or a connection.
BACKGROUND_TIMEOUT = 10.0

_BUSY = (
    asyncpg.QueryCanceledError,
    asyncpg.LockNotAvailableError,
    asyncpg.DeadlockDetectedError,
    asyncpg.SerializationError,
    asyncpg.TooManyConnectionsError,
    asyncpg.CannotConnectNowError,
)
_FULL = (asyncpg.DiskFullError, asyncpg.OutOfMemoryError)
_DAMAGED = (asyncpg.DataCorruptedError, asyncpg.IndexCorruptedError)
_GONE = (
    asyncpg.ConnectionDoesNotExistError,
    asyncpg.ConnectionFailureError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.InterfaceError,
    OSError,
)


def migrations() -> list[tuple[int, str, str]]:
    """(number, name, sql) for every PostgreSQL migration, in order; the same numbers as SQLite's."""
    found: list[tuple[int, str, str]] = []
    for item in (resources.files("bot.storage") / "migrations_pg").iterdir():
        if item.name.endswith(".sql"):
            found.append((int(item.name.split("_", 1)[0]), item.name, item.read_text(encoding="utf-8")))
    found.sort()
    numbers = [n for n, _, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"migrations must be numbered 1, 2, 3, … without gaps, found {numbers}")
    return found


def describe_url(url: str) -> str:
    """The server and database of a DATABASE_URL, without its password: `host:port/db`."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = parts.port or 5432
    database = parts.path.lstrip("/") or parts.username or "postgres"
    return f"{host}:{port}/{database}"


def connect_sentence(url: str, exc: BaseException) -> str:
    """One sentence for a PostgreSQL that refused or could not be reached at start-up."""
    where = describe_url(url)
    if isinstance(exc, asyncpg.InvalidPasswordError | asyncpg.InvalidAuthorizationSpecificationError):
        return (
            f"PostgreSQL at {where} refused the user name or password in DATABASE_URL; "
            "check them (and the server's pg_hba.conf), then start again."
        )
    if isinstance(exc, asyncpg.InvalidCatalogNameError):
        return f"PostgreSQL at {where} has no such database; create it (createdb) or fix DATABASE_URL."
    if isinstance(exc, asyncpg.InsufficientPrivilegeError):
        return f"The DATABASE_URL user may not create tables in {where}; grant it the rights, then start again."
    if isinstance(exc, asyncpg.TooManyConnectionsError | asyncpg.CannotConnectNowError):
        return f"PostgreSQL at {where} is not accepting connections right now ({exc}); try again shortly."
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return (
        f"Cannot reach PostgreSQL at {where} ({reason}); check that it is running and that "
        "DATABASE_URL names the right host and port."
    )


class PgCore:
    """The pool, migrations and transactions a PostgreSQL-backed store is built on."""

    backend = "postgresql"

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 10,
        clock: Callable[[], float] | None = None,
        connect_timeout: float = CONNECT_TIMEOUT,
    ) -> None:
        self.url = url
        self.pool_size = pool_size
        self.connect_timeout = connect_timeout
        self.clock: Callable[[], float] = clock or time.time
        self._pool: asyncpg.Pool | None = None
        # Reads have their own connections, so writes waiting on a lock never hold up a read.
        self._reader: asyncpg.Pool | None = None
        self._fault_logged: dict[FaultKind, float] = {}

    @property
    def where(self) -> str:
        return describe_url(self.url)

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("the store is not open")
        return self._pool

    @property
    def is_open(self) -> bool:
        return self._pool is not None

    def now(self) -> float:
        return self.clock()

    # --- life cycle ------------------------------------------------------------------------------

    async def open(self) -> None:
        """Connect, then bring the schema up to date (refusing a database from a newer Crossroads)."""
        if self._pool is not None:
            return
        try:
            pool = await asyncpg.create_pool(
                self.url, min_size=1, max_size=self.pool_size, timeout=self.connect_timeout, command_timeout=None
            )
        except (asyncpg.PostgresError, OSError, TimeoutError, asyncpg.InterfaceError) as exc:
            raise StoreError(connect_sentence(self.url, exc)) from exc
        try:
            await self._migrate(pool)
            reader = await asyncpg.create_pool(
                self.url, min_size=1, max_size=self.pool_size, timeout=self.connect_timeout, command_timeout=None
            )
        except BaseException as exc:
            await pool.close()
            if isinstance(exc, StoreError):
                raise
            if isinstance(exc, asyncpg.PostgresError | OSError | asyncpg.InterfaceError | TimeoutError):
                raise StoreError(connect_sentence(self.url, exc)) from exc
            raise
        self._pool, self._reader = pool, reader

    async def _migrate(self, pool: asyncpg.Pool) -> None:
        known = migrations()
        latest = max((n for n, _, _ in known), default=0)
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at DOUBLE PRECISION NOT NULL)"
            )
            current = int(await conn.fetchval("SELECT coalesce(max(version), 0) FROM schema_version"))
            if current > latest:
                raise StoreError(
                    f"The PostgreSQL database {self.where} was written by a newer version of Crossroads "
                    f"(schema {current}, this version knows {latest}). Upgrade Crossroads, "
                    "or point DATABASE_URL at another database."
                )
            for number, name, sql in known:
                if number <= current:
                    continue
                log.info("Applying database migration %s to PostgreSQL %s", name, self.where)
                await conn.execute(sql)
                await conn.execute(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)",
                    number,
                    name,
                    time.time(),
                )

    async def ping(self) -> None:
        """Have the server answer a trivial query (a StoreError says why it cannot)."""
        async with self.transaction() as conn:
            await conn.fetchval("SELECT 1")

    async def schema_version(self) -> int:
        return int(await self.pool.fetchval("SELECT coalesce(max(version), 0) FROM schema_version"))

    async def close(self) -> None:
        pools = [p for p in (self._pool, self._reader) if p is not None]
        self._pool = self._reader = None
        for pool in pools:
            try:
                await asyncio.wait_for(pool.close(), 10)
            except TimeoutError:
                pool.terminate()

    async def __aenter__(self) -> PgCore:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # --- transactions ----------------------------------------------------------------------------

    def _budget(self) -> float | None:
        """Seconds the current work may take (None: no interaction is waiting on it)."""
        deadline = deadlines.current()
        if deadline is None:
            return None
        left = deadline.remaining()
        if deadline.too_late():
            raise self._fault("busy", "too late to start before the interaction's deadline")
        return left

    @asynccontextmanager
    async def _pooled(self, budget: float | None, *, readonly: bool = False) -> AsyncIterator[Connection]:
        pool = self._reader if readonly and self._reader is not None else self._pool
        if pool is None:
            raise self._fault("unavailable", "the store is closed")
        try:
            conn = await pool.acquire(timeout=budget if budget is not None else BACKGROUND_TIMEOUT)
        except TimeoutError as exc:
            raise self._fault("busy", "no free database connection in time") from exc
        except BaseException as exc:
            raise self.fault(exc) from exc
        try:
            yield conn
        finally:
            await pool.release(conn)

    def _limit_ms(self, budget: float | None) -> int:
        """The time limits of a transaction starting now: what is left of the interaction's
        deadline after waiting for a connection, or the background limit."""
        deadline = deadlines.current()
        if budget is None or deadline is None:
            return int(BACKGROUND_TIMEOUT * 1000)
        if deadline.too_late():
            raise self._fault("busy", "the interaction's deadline passed while waiting for a connection")
        return max(int(deadline.remaining() * 1000), 1)

    @asynccontextmanager
    async def transaction(self, *, readonly: bool = False) -> AsyncIterator[Connection]:
        """One transaction, committed when the block ends and rolled back if it raises (or if the
        current interaction's deadline passes first). A read-only one is also one snapshot
        (REPEATABLE READ), so several reads inside agree with each other.

        BEGIN and the time limits go to the server as one message, and COMMIT as another: a
        single-statement write costs three round trips, the same as a bare INSERT and COMMIT.
        """
        budget = self._budget()
        async with self._pooled(budget, readonly=readonly) as conn:
            ms = self._limit_ms(budget)
            begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" if readonly else "BEGIN"
            begin += f"; SET LOCAL lock_timeout = {ms}"
            if budget is not None:
                begin += f"; SET LOCAL statement_timeout = {ms}"
            try:
                await conn.execute(begin)
            except BaseException as exc:
                raise self.fault(exc) from exc
            try:
                yield conn
            except BaseException as exc:
                await self._rollback(conn)
                raise self.fault(exc) from exc
            try:
                await conn.execute("COMMIT")
            except BaseException as exc:
                await self._rollback(conn)
                raise self.fault(exc) from exc

    @staticmethod
    async def _rollback(conn: Connection) -> None:
        """End a failed transaction; a connection that cannot even do that is closed by the pool."""
        if conn.is_closed():
            return
        try:
            await conn.execute("ROLLBACK")
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
            conn.terminate()

    def read(self) -> Any:
        """A read-only transaction (one consistent snapshot for the statements inside)."""
        return self.transaction(readonly=True)

    # --- faults ----------------------------------------------------------------------------------

    def fault(self, exc: BaseException) -> BaseException:
        """The StoreError a database fault becomes, or `exc` itself when it is a bug."""
        if isinstance(exc, StoreError):
            return exc
        if isinstance(exc, (*_BUSY, TimeoutError)):
            return self._fault("busy", str(exc))
        if isinstance(exc, _FULL):
            return self._fault("full", str(exc))
        if isinstance(exc, _DAMAGED):
            return self._fault("damaged", str(exc))
        if isinstance(exc, _GONE):
            return self._fault("unavailable", str(exc) or type(exc).__name__)
        return exc

    def _fault(self, kind: FaultKind, detail: str) -> StoreError:
        now = time.monotonic()
        last = self._fault_logged.get(kind)
        if last is None or now - last >= FAULT_LOG_INTERVAL:
            self._fault_logged[kind] = now
            level = logging.WARNING if kind == "busy" else logging.ERROR
            log.log(level, "PostgreSQL %s: %s (%s); members are told nothing changed", self.where, kind, detail)
        return StoreError(self._sentence(kind), kind)

    def _sentence(self, kind: FaultKind) -> str:
        if kind == "damaged":
            return f"The PostgreSQL database {self.where} reported damaged data; nothing was changed."
        if kind == "full":
            return f"The PostgreSQL server {self.where} is out of space; nothing was changed."
        if kind == "unavailable":
            return f"The PostgreSQL server {self.where} cannot be reached; nothing was changed."
        return f"The PostgreSQL database {self.where} is busy; nothing was changed."
