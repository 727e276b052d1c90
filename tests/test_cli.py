"""The command line as an operator meets it: run as a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_", "DEV_GUILD"))}
    base["PYTHONPATH"] = str(ROOT)
    base.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=base,
        cwd=cwd or ROOT,
        timeout=60,
    )


def test_run_without_token_says_how_to_set_it(tmp_path: Path) -> None:
    result = run_cli("run", cwd=tmp_path)
    assert result.returncode == 2
    assert "DISCORD_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1


def test_default_command_is_run(tmp_path: Path) -> None:
    result = run_cli(cwd=tmp_path)
    assert result.returncode == 2
    assert "DISCORD_TOKEN" in result.stderr


def test_invalid_setting_is_one_sentence(tmp_path: Path) -> None:
    result = run_cli("run", env={"DEV_GUILD_ID": "banana"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "DEV_GUILD_ID" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_token_is_never_printed(tmp_path: Path) -> None:
    result = run_cli("run", env={"DISCORD_TOKEN": "sekrit.token", "DEV_GUILD_ID": "x"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "sekrit.token" not in result.stderr + result.stdout


def test_check_passes_on_shipped_content() -> None:
    result = run_cli("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid" in result.stdout


def test_check_reports_missing_content_folder(tmp_path: Path) -> None:
    result = run_cli("check", env={"CONTENT_DIR": str(tmp_path / "nowhere")})
    assert result.returncode == 1
    assert "does not exist" in result.stdout


def test_unreachable_discord_is_a_sentence(tmp_path: Path) -> None:
    result = run_cli(
        "sync",
        env={
            "DISCORD_TOKEN": "t",
            "DATABASE_PATH": str(tmp_path / "db.sqlite"),
            "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10",
        },
    )
    assert result.returncode == 1
    assert "Cannot reach Discord" in result.stderr
    assert "Traceback" not in result.stderr
