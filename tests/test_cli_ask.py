"""`python -m bot ask` as a content author uses it: a real subprocess, text and JSON."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KEYS = {"matched", "id", "title", "answer", "score", "suggestions", "not_covered"}


def ask(*args: str, stdin: str | None = None, content_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_", "DEV_GUILD", "CONTENT_"))}
    env["PYTHONPATH"] = str(ROOT)
    if content_dir is not None:
        env["CONTENT_DIR"] = str(content_dir)
    return subprocess.run(
        [sys.executable, "-m", "bot", "ask", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )


def test_prints_the_answer_as_a_member_reads_it() -> None:
    result = ask("how much do ML engineers make")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Which role pays more?"
    assert "$120k–$180k" in result.stdout and "$110k–$160k" in result.stdout
    assert "Related: Total compensation often evens out" in result.stdout


def test_declines_off_topic_and_suggests_what_is_close() -> None:
    result = ask("how much do plumbers make")
    assert result.returncode == 0
    assert result.stdout.startswith("I don't have an answer for that yet.")
    assert "Did you mean:" in result.stdout
    assert "Which role pays more?" in result.stdout

    nothing = ask("lol")
    assert nothing.returncode == 0
    assert "Did you mean" not in nothing.stdout


def test_json_for_one_question() -> None:
    result = ask("AIE vs MLE", "--json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert set(data) == KEYS
    assert data["matched"] is True
    assert data["id"] == "ai-vs-ml-difference"
    assert data["title"] == "How AI and ML Engineers differ"
    assert data["answer"].startswith("**AI Engineers implement existing models")
    assert 0.0 <= data["score"] <= 1.0
    assert data["suggestions"] == []


def test_json_for_a_declined_question() -> None:
    data = json.loads(ask("how much do plumbers make", "--json").stdout)
    assert data["matched"] is False
    assert data["id"] is None and data["title"] is None and data["answer"] is None
    assert 1 <= len(data["suggestions"]) <= 3
    assert data["suggestions"][0] == {"id": "salary-comparison", "title": "Which role pays more?"}


def test_json_reads_one_question_per_line_from_stdin_in_order() -> None:
    questions = ["do i need a phd", "what's the weather", "", "pytorch or tensorflow", "AIE to MLE"]
    result = ask("--json", stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["id"] for row in rows] == ["degree-needed", None, None, "tools-and-frameworks", "ai-to-ml"]
    assert all(set(row) == KEYS for row in rows)


def test_without_a_question_or_json_it_says_how_to_ask() -> None:
    result = ask()
    assert result.returncode == 2
    assert "python -m bot ask" in result.stderr
    assert "Traceback" not in result.stderr


def test_broken_content_is_reported_not_answered(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "data", content, ignore=shutil.ignore_patterns("*.db*"))
    broken = content / "knowledge" / "pay-and-jobs.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("related: [total-compensation", "related: [gone"))
    result = ask("how much do ML engineers make", content_dir=content)
    assert result.returncode == 1
    assert "pay-and-jobs.yaml [salary-comparison] related[0]" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_subject_the_guide_does_not_cover_is_named() -> None:
    result = ask("can i work remotely as an ml engineer")
    assert "The guide does not cover remote work." in result.stdout
    data = json.loads(ask("can i work remotely as an ml engineer", "--json").stdout)
    assert data["matched"] is False and data["not_covered"] == "remote work"
