"""`python -m bot sandbox`: a script of member actions against the real bot, printed as a transcript."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.sandbox.cli import run_sandbox

ROOT = Path(__file__).resolve().parents[2]


def test_a_script_plays_a_quiz_and_prints_what_the_member_sees(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "quiz.txt"
    script.write_text(
        "# start a quiz\n/quiz start path\nexpect question 1\nclick 1\nexpect question 2\ndms\n", encoding="utf-8"
    )
    assert run_sandbox(script, interactive=False) == 0
    out = capsys.readouterr().out
    assert "alice> /quiz start path" in out
    assert "[DM] Crossroads:" in out
    assert "[1. " in out
    assert "(disabled)" in out
    assert "! " not in out


def test_a_failing_action_or_expectation_makes_the_exit_code_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "bad.txt"
    script.write_text("/no-such-command\n/quiz start path\nexpect something that is not there\n", encoding="utf-8")
    assert run_sandbox(script, interactive=False) == 1
    out = capsys.readouterr().out
    assert "! there is no /no-such-command command" in out
    assert "! expected to see 'something that is not there'" in out


def test_an_unreadable_script_is_one_sentence_and_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_sandbox(tmp_path / "missing.txt", interactive=False) == 2
    assert "Cannot read the script" in capsys.readouterr().err


def test_make_sandbox_without_a_terminal_plays_the_demo_and_exits_0(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DEV_GUILD", "DATABASE_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox"],
        cwd=tmp_path,
        # The demo's trivia question stays open 2 s instead of 10: it waits for the reveal, however long.
        env={**env, "CONTENT_DIR": str(ROOT / "data"), "TRIVIA_TIME_SCALE": "0.2"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for command in ("/ask", "/faq", "/role", "/compare", "/quiz start"):
        assert f"alice> {command}" in out
    assert "question 10 of 10" in out
    assert "\n! " not in out
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []
