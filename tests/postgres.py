"""A PostgreSQL server for the tests.

Found the way database test plugins find one: `TEST_DATABASE_URL` when it is set (a server where
the tests may create databases), else a throwaway cluster started from the machine's own PostgreSQL
binaries (`initdb`/`pg_ctl` on PATH, or under /usr/lib/postgresql/<version>/bin and the other places
distributions put them), else nothing, and the PostgreSQL tests are skipped with that reason.
`CROSSROADS_REQUIRE_POSTGRES=1` (set by `.ci/run`) turns the skip into a failure.

The cluster lives in a temporary folder, listens on 127.0.0.1 on a free port, checks passwords
(scram-sha-256), and is stopped (immediately) and deleted when the test session ends. PostgreSQL refuses
to run as root, so under root it runs as the `postgres` system user the distribution's package
creates. pytest-postgresql does the same job but cannot run as root, which is how CI runs.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

REQUIRE_ENV = "CROSSROADS_REQUIRE_POSTGRES"
URL_ENV = "TEST_DATABASE_URL"
PASSWORD = "crossroads-tests"
_SEARCH = (
    "/usr/lib/postgresql/*/bin",
    "/usr/pgsql-*/bin",
    "/usr/local/pgsql/bin",
    "/opt/homebrew/opt/postgresql@*/bin",
    "/usr/local/opt/postgresql@*/bin",
)


def find_bindir() -> Path | None:
    """The folder holding initdb and pg_ctl, newest version first; None when there is none."""
    on_path = shutil.which("pg_ctl")
    if on_path and (Path(on_path).resolve().parent / "initdb").exists():
        return Path(on_path).resolve().parent
    found = [Path(p) for pattern in _SEARCH for p in glob.glob(pattern) if (Path(p) / "initdb").exists()]

    def version(path: Path) -> tuple[int, ...]:
        digits = "".join(c if c.isdigit() else " " for c in str(path)).split()
        return tuple(int(d) for d in digits)

    return max(found, key=version) if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Cluster:
    """A throwaway PostgreSQL cluster in its own folder."""

    bindir: Path
    base: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="crossroads-pg-")))
    port: int = field(default_factory=_free_port)
    user: str | None = None
    # False (the tests): no fsync, as nothing here survives the session. True (the benchmarks): every
    # commit is flushed to disk, as on a real server.
    durable: bool = False

    def _run(self, *args: str) -> None:
        result = subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            user=self.user,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {result.stderr.strip() or result.stdout.strip()}")

    def start(self) -> str:
        if os.geteuid() == 0:
            self.user = "postgres"
            shutil.chown(self.base, user="postgres")
        data = self.base / "data"
        secret = self.base / "password"
        secret.write_text(PASSWORD)
        if self.user:
            shutil.chown(secret, user=self.user)
        self._run(
            "initdb",
            "-D",
            str(data),
            "-U",
            "postgres",
            "--pwfile",
            str(secret),
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--no-sync",
        )
        self.resume()
        return f"postgresql://postgres:{PASSWORD}@127.0.0.1:{self.port}/postgres"

    def resume(self) -> None:
        """Start the server on this cluster's folder and port (again, after `halt`)."""
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c max_connections=300"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        data = str(self.base / "data")
        self._run("pg_ctl", "-D", data, "-o", options, "-l", str(self.base / "log"), "-w", "start")

    def halt(self) -> None:
        """Stop the server as an operator would (`pg_ctl stop -m fast`: every session is cut off;
        without fsync only a clean stop keeps what was committed), keeping its data for `resume`."""
        self._run("pg_ctl", "-D", str(self.base / "data"), "-m", "fast", "-w", "stop")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.base / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)


@dataclass
class Server:
    """A PostgreSQL server the tests may create databases on."""

    url: str

    def database_url(self, name: str) -> str:
        parts = urlsplit(self.url)
        return urlunsplit(parts._replace(path=f"/{name}"))

    async def create_database(self) -> str:
        """A new, empty database; returns its URL."""
        name = f"crossroads_{uuid.uuid4().hex[:12]}"
        conn = await asyncpg.connect(self.url)
        try:
            await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        finally:
            await conn.close()
        return self.database_url(name)

    async def drop_database(self, url: str) -> None:
        name = urlsplit(url).path.lstrip("/")
        conn = await asyncpg.connect(self.url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


def unavailable_reason() -> str:
    return (
        f"PostgreSQL tests need {URL_ENV} or PostgreSQL's server binaries (initdb, pg_ctl), and this "
        "machine has neither; install PostgreSQL (e.g. apt-get install postgresql) to run them"
    )


def required() -> bool:
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0")


def bindir_for_test() -> Path:
    """The server binaries a test starts its own cluster with; without them the test fails where
    PostgreSQL is required (CI) and is skipped elsewhere, saying why."""
    import pytest

    bindir = find_bindir()
    if bindir is None:
        if required():
            pytest.fail(unavailable_reason())
        pytest.skip(unavailable_reason())
    return bindir


@contextmanager
def benchmark_server() -> Iterator[Server | None]:
    """The server a benchmark measures on: TEST_DATABASE_URL, else a throwaway cluster with durable
    commits (as a real server runs), else None after printing why the benchmark is skipped."""
    url = os.environ.get(URL_ENV)
    if url:
        yield Server(url)
        return
    bindir = find_bindir()
    if bindir is None:
        print(f"skipped: no PostgreSQL (set {URL_ENV} or install PostgreSQL's server binaries)")
        yield None
        return
    cluster = Cluster(bindir, durable=True)
    try:
        print(f"PostgreSQL: a throwaway cluster from {bindir}")
        yield Server(cluster.start())
    finally:
        cluster.stop()
