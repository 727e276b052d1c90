from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, load_settings

ENV_NAMES = [
    "DISCORD_TOKEN",
    "DATABASE_PATH",
    "DATABASE_SYNCHRONOUS",
    "CONTENT_DIR",
    "DEV_GUILD_ID",
    "DISCORD_API_BASE",
    "DISCORD_GATEWAY_URL",
    "OWNER_IDS",
    "LOG_LEVEL",
    "METRICS_PORT",
    "METRICS_ADDRESS",
]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults_need_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    settings = load_settings()
    assert settings.discord_token is None
    assert settings.database_path == tmp_path / "xdg" / "crossroads" / "crossroads.db"
    assert (settings.content_dir / "knowledge" / "roles.yaml").is_file()
    assert settings.metrics_port is None
    assert settings.metrics_address == "127.0.0.1"
    assert settings.dev_guild_id is None
    assert settings.discord_api_base is None
    assert settings.owner_ids == frozenset()
    assert settings.log_level == "INFO"
    assert settings.database_synchronous == "full"


def test_in_a_checkout_content_and_database_stay_in_data(tmp_path: Path) -> None:
    (tmp_path / "data" / "knowledge").mkdir(parents=True)
    settings = load_settings()
    assert settings.database_path == Path("data/crossroads.db")
    assert settings.content_dir == Path("data")


def test_metrics_port_empty_means_off_and_must_be_a_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("METRICS_PORT", "")
    assert load_settings().metrics_port is None
    monkeypatch.setenv("METRICS_PORT", "70000")
    with pytest.raises(SettingsError, match="METRICS_PORT"):
        load_settings()


def test_reads_environment_and_keeps_token_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "abc.def.ghi")
    monkeypatch.setenv("OWNER_IDS", "12, 34")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("DEV_GUILD_ID", "99")
    settings = load_settings()
    assert settings.discord_token is not None
    assert settings.discord_token.get_secret_value() == "abc.def.ghi"
    assert "abc.def.ghi" not in repr(settings)
    assert "abc.def.ghi" not in str(settings.model_dump())
    assert settings.owner_ids == frozenset({12, 34})
    assert settings.log_level == "DEBUG"
    assert settings.dev_guild_id == 99


def test_reads_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DATABASE_PATH=/tmp/x.db\nCONTENT_DIR=content\n", encoding="utf-8")
    settings = load_settings()
    assert settings.database_path == Path("/tmp/x.db")
    assert settings.content_dir == Path("content")


def test_empty_optional_values_mean_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEV_GUILD_ID", "")
    monkeypatch.setenv("DISCORD_API_BASE", "")
    monkeypatch.setenv("DISCORD_GATEWAY_URL", "")
    settings = load_settings()
    assert settings.dev_guild_id is None
    assert settings.discord_api_base is None
    assert settings.discord_gateway_url is None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEV_GUILD_ID", "not-a-number"),
        ("DEV_GUILD_ID", "-5"),
        ("LOG_LEVEL", "LOUD"),
        ("DISCORD_API_BASE", "ftp://example.com"),
        ("DISCORD_GATEWAY_URL", "http://example.com"),
        ("OWNER_IDS", "12,abc"),
        ("DATABASE_SYNCHRONOUS", "off"),
    ],
)
def test_invalid_value_names_the_setting(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    message = str(info.value)
    assert name in message
    assert "\n" not in message


def test_api_base_trailing_slash_is_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_API_BASE", "http://127.0.0.1:9/api/v10/")
    assert Settings().discord_api_base == "http://127.0.0.1:9/api/v10"


def test_shards_unset_mean_one_connection_as_shard_zero() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.shard_count is None and settings.shard_ids is None
    assert settings.runs_shards == (0,)


@pytest.mark.parametrize(
    ("count", "ids", "runs"),
    [("2", "0,1", (0, 1)), ("4", "3, 1", (1, 3)), ("3", "", (0, 1, 2)), ("2", "1", (1,))],
)
def test_shard_ids_name_the_shards_this_process_runs(
    monkeypatch: pytest.MonkeyPatch, count: str, ids: str, runs: tuple[int, ...]
) -> None:
    monkeypatch.setenv("SHARD_COUNT", count)
    monkeypatch.setenv("SHARD_IDS", ids)
    monkeypatch.setenv("DATABASE_URL", "postgresql://crossroads@db.example/crossroads")
    settings = load_settings()
    assert settings.shard_count == int(count)
    assert settings.runs_shards == runs


@pytest.mark.parametrize(
    ("count", "ids", "says"),
    [
        ("2", "0,2", "shard ids run from 0 to 1 with SHARD_COUNT=2, so 2 is not one"),
        (None, "0", "needs SHARD_COUNT too"),
        ("2", "0,0", "names a shard twice"),
        ("2", "one", "must be shard numbers separated by commas"),
        ("2", "-1", "so -1 is not one"),
    ],
)
def test_shard_ids_outside_the_count_are_one_sentence(
    monkeypatch: pytest.MonkeyPatch, count: str | None, ids: str, says: str
) -> None:
    if count is not None:
        monkeypatch.setenv("SHARD_COUNT", count)
    monkeypatch.setenv("SHARD_IDS", ids)
    monkeypatch.setenv("DATABASE_URL", "postgresql://crossroads@db.example/crossroads")
    with pytest.raises(SettingsError) as info:
        load_settings()
    message = str(info.value)
    assert message.startswith("Invalid setting SHARD_IDS") and says in message
    assert message.count(".") == 1 and "\n" not in message


def test_an_invalid_shard_count_is_named_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHARD_COUNT", "0")
    monkeypatch.setenv("SHARD_IDS", "0")
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert str(info.value).startswith("Invalid setting SHARD_COUNT") and "SHARD_IDS" not in str(info.value)


def test_some_shards_in_a_process_need_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHARD_COUNT", "2")
    monkeypatch.setenv("SHARD_IDS", "1")
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert "needs DATABASE_URL" in str(info.value) and "\n" not in str(info.value)
    monkeypatch.setenv("SHARD_IDS", "0,1")
    assert load_settings().runs_shards == (0, 1)


def test_a_process_runs_the_servers_whose_shard_it_runs() -> None:
    second_of_two = Settings(_env_file=None, shard_count=2, shard_ids="1", database_url="postgresql://h/db")  # type: ignore[call-arg]
    assert [second_of_two.runs_guild(n << 22) for n in range(4)] == [False, True, False, True]
    assert Settings(_env_file=None).runs_guild(5 << 22)  # type: ignore[call-arg]
