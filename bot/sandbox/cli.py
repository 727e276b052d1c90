"""`python -m bot sandbox`: the real bot against a local stand-in, with you as a member.

No token, no Discord account: the stand-in, a temporary database and the shipped content.
Interactive in a terminal; `--script FILE` plays a file of actions (bot.sandbox.script) and
prints the transcript; with standard input not a terminal it plays the shipped demo.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import tempfile
import threading
from pathlib import Path

from bot.sandbox.harness import CONTENT_DIR, InProcessBot, sandbox_settings
from bot.sandbox.player import Player
from bot.sandbox.script import Action, ScriptError, parse_line, parse_script
from bot.sandbox.world import crossroads_standin

DEMO = Path(__file__).with_name("demo.txt")


def run_sandbox(script: Path | None, interactive: bool) -> int:
    """Exit code 0 when every action worked, 1 when one failed or the bot would not start,
    2 when the script cannot be read."""
    if script is not None:
        try:
            text = script.read_text(encoding="utf-8")
        except OSError as exc:
            print(f"Cannot read the script {script}: {exc.strerror or exc}.", file=sys.stderr)
            return 2
    elif not interactive:
        text = DEMO.read_text(encoding="utf-8")
    else:
        text = ""
    try:
        actions = parse_script(text)
    except ScriptError as exc:
        print(f"{script or DEMO}: {exc}", file=sys.stderr)
        return 2
    _quiet_logs()
    try:
        return asyncio.run(_session(actions, interactive=script is None and interactive))
    except KeyboardInterrupt:
        return 0


def _quiet_logs() -> None:
    """Keep the transcript readable: library chatter below WARNING is dropped (some libraries
    set their own loggers to DEBUG on import), and discord.py's notes about voice support too."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.WARNING)
    for handler in root.handlers:
        handler.setLevel(logging.WARNING)
    logging.getLogger("discord").setLevel(logging.ERROR)


def _content_dir() -> Path:
    configured = os.environ.get("CONTENT_DIR")
    return Path(configured) if configured else CONTENT_DIR


async def _session(actions: list[Action], *, interactive: bool) -> int:
    async with crossroads_standin() as standin:
        with tempfile.TemporaryDirectory(prefix="crossroads-sandbox-") as tmp:
            settings = sandbox_settings(standin, Path(tmp) / "sandbox.db", _content_dir())
            running = InProcessBot(standin, settings)
            try:
                await running.start()
            except (RuntimeError, TimeoutError) as exc:
                print(f"The bot did not start in the sandbox: {exc}.", file=sys.stderr)
                return 1
            try:
                player = Player(standin, standin.member("alice"))
                guild = standin.guild.name
                print(f"Crossroads sandbox: you are alice in the server {guild!r} (a local stand-in for Discord).")
                if interactive:
                    await _interactive(player, running)
                    return 0
                for action in actions:
                    if running.task is None or running.task.done():
                        print("! the bot stopped", file=sys.stderr)
                        return 1
                    if action.kind != "expect":
                        print(f"\n{player.member.name}> {action}")
                    if not await player.play(action):
                        break
                return 1 if player.errors else 0
            finally:
                await running.stop()


async def _interactive(player: Player, running: InProcessBot) -> None:
    print("Type a slash command (/ask how much do ML engineers make), click N to press a button,")
    print("select OPTION, complete /faq topic: sal, dms, channel, as morgan, help, or quit.")
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing and history for input())
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str | None] = asyncio.Queue()
    prompt = threading.Event()
    prompt.set()

    def read() -> None:
        while True:
            prompt.wait()
            prompt.clear()
            try:
                line = input(f"{player.member.name}> ")
            except (EOFError, KeyboardInterrupt):
                loop.call_soon_threadsafe(lines.put_nowait, None)
                return
            loop.call_soon_threadsafe(lines.put_nowait, line)

    threading.Thread(target=read, name="sandbox-input", daemon=True).start()
    while True:
        getter = asyncio.ensure_future(lines.get())
        assert running.task is not None
        done, _ = await asyncio.wait({getter, running.task}, return_when=asyncio.FIRST_COMPLETED)
        if getter not in done:
            getter.cancel()
            print("\nThe bot stopped.")
            return
        line = getter.result()
        if line is None:
            print()
            return
        try:
            action = parse_line(line)
        except ScriptError as exc:
            print(f"! {exc}")
            prompt.set()
            continue
        if action is not None and not await player.play(action):
            return
        prompt.set()
