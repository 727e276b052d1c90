"""The bot's start-up path without a network: store, content and every cog."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import CrossroadsBot, cog_modules
from bot.settings import Settings
from bot.storage import schema_version

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(database_path=tmp_path / "crossroads.db", content_dir=ROOT / "data")


def test_every_feature_has_a_cog() -> None:
    assert {"cogs.faq", "cogs.quiz", "cogs.admin", "cogs.privacy"} <= set(cog_modules())


async def test_setup_hook_opens_store_loads_content_and_all_cogs(settings: Settings) -> None:
    bot = CrossroadsBot(settings)
    try:
        await bot.setup_hook()
        assert set(bot.extensions) == set(cog_modules())
        assert await bot.store.user_version() == schema_version()
        assert list(bot.content.knowledge.entry_ids())
        names = {command.name for command in bot.tree.get_commands()}
        assert {"ask", "faq", "role", "compare", "quiz", "kb", "stats", "config", "mydata"} <= names
    finally:
        await bot.close()
    assert not bot.store.is_open


async def test_invalid_content_stops_start_up(tmp_path: Path, settings: Settings) -> None:
    from bot.problems import ContentError

    broken = tmp_path / "content"
    (broken / "knowledge").mkdir(parents=True)
    (broken / "quizzes").mkdir()
    (broken / "knowledge" / "bad.yaml").write_text("entries: [{id: 1, nonsense: true}]\n", encoding="utf-8")
    bot = CrossroadsBot(settings.model_copy(update={"content_dir": broken}))
    try:
        with pytest.raises(ContentError) as info:
            await bot.setup_hook()
        assert "bad.yaml" in info.value.report()
    finally:
        await bot.close()
