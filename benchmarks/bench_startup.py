"""Start-up: time from process start to READY handled with the slash commands synced, against the
stand-in, for `python -m bot run` (fresh database, shipped content) and, as the baseline in the
same run, a bare discord.py bot that syncs one command (benchmarks/echo_bot.py).

"Ready" is measured from the outside: the stand-in has received the command sync, has sent READY
and GUILD_CREATE, and the bot has answered a first slash command (which it can only do once it
has handled READY).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.sandbox.world import crossroads_standin

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RUNS = 5


async def one_start(command: list[str], probe: tuple[str, dict[str, str]]) -> tuple[float, float, float]:
    """Seconds to (commands synced, guilds sent, first command answered)."""
    with tempfile.TemporaryDirectory() as folder:
        async with crossroads_standin() as standin:
            env = {
                "PATH": "/usr/bin:/bin",
                "PYTHONPATH": str(ROOT),
                "DATABASE_PATH": str(Path(folder) / "start.db"),
                "CONTENT_DIR": str(ROOT / "data"),
                "LOG_LEVEL": "WARNING",
                **standin.bot_env(),
            }
            started = time.perf_counter()
            process = await asyncio.create_subprocess_exec(
                *command, cwd=str(ROOT), env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
            )
            synced = ready = answered = 0.0
            try:
                while not synced:
                    if standin.guild_commands.get(standin.guild.id):
                        synced = time.perf_counter() - started
                    elif process.returncode is not None:
                        raise RuntimeError("the bot exited during start-up")
                    await asyncio.sleep(0.002)
                await standin.wait_for_bot(timeout=30)
                ready = time.perf_counter() - started
                member = standin.member("alice")
                name, options = probe
                await member.slash(name, **options)
                answered = time.perf_counter() - started
            finally:
                process.terminate()
                await process.wait()
    return synced, ready, answered


async def series(command: list[str], probe: tuple[str, dict[str, str]]) -> list[tuple[float, float, float]]:
    return [await one_start(command, probe) for _ in range(RUNS)]


def median(values: list[float]) -> float:
    return statistics.median(values) * 1000


async def main() -> int:
    ask = ("ask", {"question": "how much do ML engineers make"})
    crossroads = await series([sys.executable, "-m", "bot", "run"], ask)
    baseline = await series([sys.executable, str(HERE / "echo_bot.py")], ("quiz start", {"quiz": "knowledge"}))
    print(f"median of {RUNS} starts, milliseconds from process start:")
    print(f"{'':<28} {'synced':>8} {'READY':>8} {'answered':>9}")
    for label, runs in (("crossroads (python -m bot)", crossroads), ("baseline (bare discord.py)", baseline)):
        print(
            f"{label:<28} {median([r[0] for r in runs]):>8.0f} {median([r[1] for r in runs]):>8.0f}"
            f" {median([r[2] for r in runs]):>9.0f}"
        )
    ratio = median([r[2] for r in crossroads]) / median([r[2] for r in baseline])
    print(f"ratio crossroads / baseline (to first answer): {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
