"""/kb reload without Discord: new content goes into service only when it is valid and safe."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.content import Content, load_content
from bot.reload import reload_content
from bot.storage.sqlite import SqliteStorage
from tests.storage.admin_data import Clock, start_quiz

SHIPPED = Path(__file__).resolve().parents[1] / "data"


@dataclass
class FakeSettings:
    content_dir: Path


@dataclass(eq=False)
class FakeBot:
    settings: FakeSettings
    store: SqliteStorage
    content: Content


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(SHIPPED / "knowledge", target / "knowledge")
    shutil.copytree(SHIPPED / "quizzes", target / "quizzes")
    return target


@pytest.fixture
async def bot(tmp_path: Path, content_dir: Path) -> AsyncIterator[FakeBot]:
    async with SqliteStorage(tmp_path / "reload.db", clock=Clock()) as store:
        yield FakeBot(FakeSettings(content_dir), store, load_content(content_dir))


def edit_path_quiz(content_dir: Path) -> None:
    quiz = content_dir / "quizzes" / "path.yaml"
    text = quiz.read_text(encoding="utf-8")
    assert "title: Path finder" in text
    quiz.write_text(text.replace("title: Path finder", "title: Path finder (new edition)", 1), encoding="utf-8")


async def test_valid_content_is_swapped_in(bot: FakeBot, content_dir: Path) -> None:
    old = bot.content
    edit_path_quiz(content_dir)

    result = await reload_content(bot)

    assert result.ok and result.problems == []
    assert bot.content is not old
    assert bot.content.quizzes.get("path").title == "Path finder (new edition)"
    assert result.quizzes_changed == ("path",)
    assert result.entries_after == result.entries_before == len(list(old.knowledge.entry_ids()))


async def test_unchanged_content_reloads_with_no_quiz_changes(bot: FakeBot) -> None:
    result = await reload_content(bot)
    assert result.ok
    assert result.quizzes_changed == ()
    assert result.sessions_on_older_version == 0


async def test_broken_file_keeps_the_old_content_and_reports_it(bot: FakeBot, content_dir: Path) -> None:
    old = bot.content
    (content_dir / "quizzes" / "path.yaml").write_text("id: path\nkind: path\nquestions: [\n", encoding="utf-8")

    result = await reload_content(bot)

    assert not result.ok
    assert bot.content is old
    assert any("path.yaml" in problem.file for problem in result.problems)
    assert old.quizzes.get("path").title == "Path finder"


async def test_every_problem_is_reported_not_just_the_first(bot: FakeBot, content_dir: Path) -> None:
    old = bot.content
    (content_dir / "quizzes" / "path.yaml").write_text("id: path\nkind: path\nquestions: [\n", encoding="utf-8")
    (content_dir / "quizzes" / "knowledge.yaml").write_text("id: [unclosed\n", encoding="utf-8")

    result = await reload_content(bot)

    assert bot.content is old
    broken = {Path(problem.file).name for problem in result.problems}
    assert {"path.yaml", "knowledge.yaml"} <= broken


async def test_missing_content_folder_keeps_the_old_content(bot: FakeBot, content_dir: Path) -> None:
    old = bot.content
    shutil.rmtree(content_dir)

    result = await reload_content(bot)

    assert bot.content is old
    assert [problem.message for problem in result.problems] == ["the content folder does not exist (set CONTENT_DIR)"]


async def test_running_sessions_keep_their_version_and_are_counted(bot: FakeBot, content_dir: Path) -> None:
    path = bot.content.quizzes.get("path")
    question_ids = [q.id for q in path.questions]
    version = bot.content.quizzes.version("path")
    await start_quiz(bot.store, guild=1, user=1, quiz="path", questions=question_ids, version=version)
    edit_path_quiz(content_dir)

    result = await reload_content(bot)

    assert result.ok
    assert result.sessions_on_older_version == 1
    assert bot.content.quizzes.version("path") != version


async def test_concurrent_reloads_both_finish_with_valid_content(bot: FakeBot, content_dir: Path) -> None:
    edit_path_quiz(content_dir)
    first, second = await asyncio.gather(reload_content(bot), reload_content(bot))
    assert first.ok and second.ok
    assert first.quizzes_changed == ("path",)
    assert second.quizzes_changed == ()
