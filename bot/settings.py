"""Settings, read from the environment and an optional `.env` file (see .env.example)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.ops.locations import default_content_dir, default_database_path

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class Settings(BaseSettings):
    """Everything an operator can set. Field names map to upper-case environment variables."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    discord_token: SecretStr | None = Field(default=None, description="The bot token.")
    database_path: Path = Field(default_factory=default_database_path)
    database_synchronous: Literal["normal", "full"] = Field(default="full")
    # Unset: SQLite at DATABASE_PATH. postgresql://user:password@host:port/database: PostgreSQL.
    database_url: SecretStr | None = Field(default=None)
    database_pool_size: int = Field(default=10, ge=1, le=100)
    content_dir: Path = Field(default_factory=default_content_dir)
    dev_guild_id: int | None = Field(default=None, gt=0)
    discord_api_base: str | None = Field(default=None)
    discord_gateway_url: str | None = Field(default=None)
    owner_ids: Annotated[frozenset[int], NoDecode] = Field(default=frozenset())
    log_level: LogLevel = Field(default="INFO")
    # Members are always told and given at least 10 s per trivia question; tests and the sandbox
    # run the same game on a faster clock (0.1 makes a 20 s question last 2 s of wall time).
    trivia_time_scale: float = Field(default=1.0, gt=0, le=1)
    metrics_port: int | None = Field(default=None, ge=0, le=65535)
    metrics_address: str = Field(default="127.0.0.1", min_length=1)
    # Sharding: SHARD_COUNT splits the gateway into that many shards; SHARD_IDS (e.g. "0,1") names
    # the ones this process runs (all of them when unset). Both unset: one connection, no sharding.
    shard_count: int | None = Field(default=None, ge=1, le=1024)
    shard_ids: Annotated[tuple[int, ...] | None, NoDecode] = Field(default=None)

    @field_validator("owner_ids", mode="before")
    @classmethod
    def _split_owner_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part for part in value.replace(";", ",").replace(" ", ",").split(",") if part]
            return frozenset(int(part) for part in parts)
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _split_shard_ids(cls, value: object) -> object:
        if value is None or value == "":
            return None
        if isinstance(value, str):
            parts = [part for part in value.replace(";", ",").replace(" ", ",").split(",") if part]
            try:
                return tuple(int(part) for part in parts)
            except ValueError:
                raise ValueError("must be shard numbers separated by commas, such as 0,1") from None
        if isinstance(value, int):
            return (value,)
        return value

    @field_validator("shard_ids")
    @classmethod
    def _check_shard_ids(cls, value: tuple[int, ...] | None, info: ValidationInfo) -> tuple[int, ...] | None:
        if value is None:
            return None
        if "shard_count" not in info.data:
            return value  # SHARD_COUNT itself is invalid, and says so
        count = info.data["shard_count"]
        if count is None:
            raise ValueError("needs SHARD_COUNT too, the number of shards across every process")
        if not value:
            raise ValueError("names no shard; leave it unset to run every shard in this process")
        if len(set(value)) != len(value):
            raise ValueError("names a shard twice")
        outside = [shard for shard in value if not 0 <= shard < count]
        if outside:
            raise ValueError(
                f"shard ids run from 0 to {count - 1} with SHARD_COUNT={count}, so {outside[0]} is not one"
            )
        if len(value) < count and info.data.get("database_url") is None:
            raise ValueError(
                f"runs only some of the {count} shards, which needs DATABASE_URL (PostgreSQL) so other "
                "processes can run the rest; with SQLite one process runs every shard, so leave SHARD_IDS unset"
            )
        return tuple(sorted(value))

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("database_synchronous", mode="before")
    @classmethod
    def _lower_sync(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("database_url", mode="before")
    @classmethod
    def _check_database_url(cls, value: object) -> object:
        if value is None or value == "":
            return None
        if isinstance(value, str) and not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("must start with postgresql:// (leave it unset to use SQLite at DATABASE_PATH)")
        return value

    @field_validator("discord_api_base")
    @classmethod
    def _check_api_base(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("discord_gateway_url")
    @classmethod
    def _check_gateway(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("ws://", "wss://")):
            raise ValueError("must start with ws:// or wss://")
        return value

    @field_validator("dev_guild_id", "metrics_port", "shard_count", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def sharded(self) -> bool:
        return self.shard_count is not None

    @property
    def runs_shards(self) -> tuple[int, ...]:
        """The shards this process runs: SHARD_IDS, every shard of SHARD_COUNT, or (0,) unsharded."""
        if self.shard_ids is not None:
            return self.shard_ids
        return tuple(range(self.shard_count or 1))

    def runs_guild(self, guild_id: int) -> bool:
        """Whether this process runs the shard Discord gives a server: (guild_id >> 22) % SHARD_COUNT."""
        return (guild_id >> 22) % (self.shard_count or 1) in self.runs_shards

    @property
    def log_level_number(self) -> int:
        return int(logging.getLevelName(self.log_level))


class SettingsError(Exception):
    """A setting has an invalid value; the message is one sentence naming it."""


def describe_validation_error(exc: ValidationError) -> str:
    """Turn pydantic's report into one line per setting, naming the environment variable."""
    lines = []
    for error in exc.errors():
        name = ".".join(str(part) for part in error["loc"]).upper() or "SETTINGS"
        message = error["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        value = error.get("input")
        shown = "" if name == "DISCORD_TOKEN" or isinstance(value, dict) else f" (got {value!r})"
        lines.append(f"Invalid setting {name}{shown}: {message}.")
    return " ".join(lines)


def load_settings(**overrides: object) -> Settings:
    """Read settings, raising SettingsError with a readable sentence on any invalid value."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc)) from None
