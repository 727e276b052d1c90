from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bot.cli.quiz import run_quiz

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def play(quiz_id: str, answers: str, content: Path = DATA, seed: int = 5) -> tuple[int, str]:
    out = io.StringIO()
    code = run_quiz(content, quiz_id, seed=seed, stdin=io.StringIO(answers), stdout=out)
    return code, out.getvalue()


def test_path_quiz_plays_to_a_result() -> None:
    code, text = play("path", "1\n" * 12)
    assert code == 0
    assert "Question 1 of 10" in text and "Question 10 of 10" in text
    assert "Result: AI Engineer" in text
    assert "toward AI Engineering" in text
    assert "Next steps (knowledge-base entries):" in text


def test_knowledge_check_shows_verdicts_and_a_score() -> None:
    code, text = play("knowledge", "1\n" * 10)
    assert code == 0
    assert text.count("Right.") + text.count("Not quite.") == 10
    assert "Result: Knowledge check" in text
    assert "You scored" in text and "of 10" in text


def test_same_seed_same_questions() -> None:
    _, first = play("knowledge", "q\n", seed=77)
    _, again = play("knowledge", "q\n", seed=77)
    assert first == again


def test_bad_input_is_explained_and_q_stops() -> None:
    code, text = play("path", "7\nabc\nq\n")
    assert code == 0
    assert text.count("Type a number from 1 to 3, or q to stop.") == 2
    assert "Stopped after 0 of 10 questions." in text


def test_end_of_input_stops_cleanly() -> None:
    code, text = play("path", "1\n2\n")
    assert code == 0
    assert "Stopped after 2 of 10 questions." in text


def test_unknown_quiz_lists_the_real_ones() -> None:
    code, text = play("trivia", "")
    assert code == 2
    assert "There is no quiz called 'trivia'. Choose one of: knowledge, path." in text


def test_invalid_content_lists_problems(tmp_path: Path) -> None:
    content = tmp_path / "data"
    shutil.copytree(DATA / "knowledge", content / "knowledge")
    shutil.copytree(DATA / "quizzes", content / "quizzes")
    path_file = content / "quizzes" / "path.yaml"
    path_file.write_text(path_file.read_text(encoding="utf-8").replace("weight: 3", "weight: 9", 1), encoding="utf-8")
    code, text = play("path", "", content=content)
    assert code == 1
    assert "path.yaml [saturday] choices[0].weight" in text


def test_python_m_bot_quiz_runs_in_a_terminal() -> None:
    env = {**os.environ, "CONTENT_DIR": str(DATA), "DISCORD_TOKEN": ""}
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "quiz", "knowledge"],
        input="1\n" * 10,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "Question 10 of 10" in completed.stdout
    assert "You scored" in completed.stdout
