"""Cogs, the UI and the services reach the database only through the Storage protocol's methods.

import-linter (pyproject.toml) keeps them from importing the SQLite store itself; this test covers
what a contract cannot say: from the query modules beside the store (bot.storage.quiz, …) they
import row types and constants, never a query function and never the module itself.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CALLERS = ["cogs", "bot/ui", "bot/quizflow", "bot/trivia", "bot/teach.py", "bot/asklog.py"]
QUERY_MODULES = {f"bot.storage.{name}" for name in ("asks", "entries", "guilds", "privacy", "quiz", "stats", "trivia")}


def _sources() -> list[Path]:
    found: list[Path] = []
    for caller in CALLERS:
        path = ROOT / caller
        found.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return found


def _storage_imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) for every `from bot.storage… import name` and `import bot.storage…` in a file."""
    imported: list[tuple[str, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bot.storage"):
            imported.extend((node.module or "", alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            imported.extend((alias.name, "") for alias in node.names if alias.name.startswith("bot.storage"))
    return imported


@pytest.mark.parametrize("path", _sources(), ids=lambda path: str(path.relative_to(ROOT)))
def test_only_types_come_from_the_query_modules(path: Path) -> None:
    for module, name in _storage_imports(path):
        assert f"{module}.{name}" not in QUERY_MODULES, f"{path.name} imports the query module {module}.{name}"
        if module in QUERY_MODULES:
            value = getattr(importlib.import_module(module), name)
            assert not inspect.isfunction(value), f"{path.name} calls {module}.{name}; use the Storage protocol"
        else:
            assert not (module == "bot.storage" and name == ""), f"{path.name} imports bot.storage as a module"


def test_the_check_sees_a_query_function(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from bot.storage.quiz import QuizSession, get_session\nfrom bot.storage import quiz\n")
    imported = _storage_imports(sample)
    assert ("bot.storage.quiz", "get_session") in imported
    assert inspect.isfunction(importlib.import_module("bot.storage.quiz").get_session)
    assert "bot.storage.quiz" in {f"{module}.{name}" for module, name in imported}
