"""Command line: `python -m bot [run|sandbox|check|ask|quiz|sync|db]` (also installed as `crossroads`)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.ops.locations import version
from bot.settings import Settings, SettingsError, load_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crossroads",
        description="Crossroads: a Discord bot for choosing between AI Engineering and ML Engineering.",
    )
    parser.add_argument("--version", action="version", version=f"crossroads {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="connect to Discord and serve (the default)")
    sandbox = sub.add_parser("sandbox", help="try the bot against a local Discord stand-in")
    sandbox.add_argument("--script", type=Path, help="play a file of member actions and print the transcript")
    sub.add_parser("check", help="validate the content files and report every problem")
    ask = sub.add_parser("ask", help="ask the knowledge base a question, as a member would")
    ask.add_argument("question", nargs="?", help="the question; with --json and none, read stdin lines")
    ask.add_argument("--json", action="store_true", help="print JSON instead of the rendered answer")
    quiz = sub.add_parser("quiz", help="play a quiz in the terminal")
    quiz.add_argument("quiz_id", metavar="QUIZ", help="path or knowledge")
    sync = sub.add_parser("sync", help="push the slash commands to Discord")
    sync.add_argument("--guild", type=int, metavar="ID", help="one server (instant); omit for global")
    db = sub.add_parser("db", help="the database: status, backup, restore, copy to PostgreSQL")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_sub.add_parser("status", help="the backend, where its database is, its schema version and row counts")
    db_backup = db_sub.add_parser("backup", help="write a verified copy of the database, even while the bot runs")
    db_backup.add_argument("file", type=Path, metavar="FILE")
    db_restore = db_sub.add_parser("restore", help="replace the database with a backup (the bot must be stopped)")
    db_restore.add_argument("file", type=Path, metavar="FILE")
    db_copy = db_sub.add_parser("copy", help="copy the SQLite database into an empty PostgreSQL database")
    db_copy.add_argument("--to", required=True, metavar="URL", help="postgresql://user:password@host:port/database")
    return parser


def _db(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli import db
    from bot.ops.backup import BackupError, backup, restore

    action = args.db_command
    try:
        if action == "status":
            print(db.status(settings).describe())
        elif action == "copy":
            print(db.copy(settings, args.to).describe())
        elif settings.database_url is not None:
            tool = "pg_dump" if action == "backup" else "pg_restore (or psql for a plain dump)"
            print(
                f"The database is PostgreSQL (DATABASE_URL); use {tool}, which PostgreSQL provides, to {action} it.",
                file=sys.stderr,
            )
            return 1
        elif action == "backup":
            print(backup(settings.database_path, args.file).describe("Wrote"))
        else:
            print(restore(args.file, settings.database_path).describe("Restored"))
    except (BackupError, db.DbError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


def _settings() -> Settings:
    return load_settings()


def _setup_logging(settings: Settings) -> None:
    from bot.logs import setup_logging

    token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    setup_logging(settings.log_level_number, [token])


def _check(settings: Settings) -> int:
    from bot.content import check_content

    content, problems = check_content(settings.content_dir)
    if content is None:
        count = len(problems)
        print(f"{settings.content_dir}: {count} problem{'s' if count != 1 else ''} found.")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    entries = len(list(content.knowledge.entry_ids()))
    print(f"{settings.content_dir}: content is valid ({entries} knowledge entries).")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = _settings()
    except SettingsError as exc:
        print(str(exc), file=sys.stderr)
        return 2

    if command == "run":
        from bot.app import serve
        from bot.loop import run

        _setup_logging(settings)
        try:
            return run(serve(settings))
        except KeyboardInterrupt:
            return 0
    if command == "sync":
        from bot.app import sync_commands

        _setup_logging(settings)
        return asyncio.run(sync_commands(settings, args.guild))
    if command == "check":
        return _check(settings)
    if command == "ask":
        from bot.cli.ask import run_ask

        return run_ask(settings.content_dir, args.question, args.json)
    if command == "quiz":
        from bot.cli.quiz import run_quiz

        return run_quiz(settings.content_dir, args.quiz_id)
    if command == "db":
        return _db(settings, args)
    if command == "sandbox":
        from bot.sandbox.cli import run_sandbox

        logging.basicConfig(level=logging.WARNING)
        return run_sandbox(args.script, sys.stdin.isatty())
    return 2


if __name__ == "__main__":
    sys.exit(main())
