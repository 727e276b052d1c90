"""The layering DESIGN.md promises: the core packages never touch Discord or each other's insides."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[1] / "bot"
CORE = ("knowledge", "quiz", "storage")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("package", CORE)
def test_core_packages_do_not_import_discord_or_each_other(package: str) -> None:
    others = [f"bot.{name}" for name in CORE if name != package]
    for path in sorted((BOT / package).rglob("*.py")):
        for module in imported_modules(path):
            assert module.split(".")[0] != "discord", f"{path.relative_to(BOT)} imports {module}"
            assert not any(module == o or module.startswith(o + ".") for o in others), (
                f"{path.relative_to(BOT)} imports {module}"
            )
            assert not module.startswith("cogs"), f"{path.relative_to(BOT)} imports {module}"


def test_the_trivia_game_does_not_import_discord_or_cogs() -> None:
    for path in sorted((BOT / "trivia").rglob("*.py")):
        for module in imported_modules(path):
            assert module.split(".")[0] not in ("discord", "cogs"), f"{path.relative_to(BOT)} imports {module}"
