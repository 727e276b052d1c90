"""Content files written by mistake or by an attacker end as problems in the list, never a traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.content import check_content, load_content
from bot.problems import MAX_DEPTH, MAX_FILE_BYTES, ContentError, Problem

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA / "knowledge", folder / "knowledge")
    shutil.copytree(DATA / "quizzes", folder / "quizzes")
    return folder


def messages(problems: list[Problem]) -> list[str]:
    return [str(problem) for problem in problems]


def test_a_misspelt_top_level_key_is_listed_with_the_other_problems(content_dir: Path) -> None:
    target = content_dir / "knowledge" / "pay-and-jobs.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("entries:", "entrys:", 1), encoding="utf-8")
    (content_dir / "knowledge" / "roles.yaml").write_text("entries: 5\n", encoding="utf-8")
    content, problems = check_content(content_dir)
    assert content is None
    shown = messages(problems)
    assert f"{target} entrys: unknown key (use category:, entries: or profiles:)" in shown
    assert f"{target}: has neither entries: nor profiles:" in shown
    with pytest.raises(ContentError) as raised:
        load_content(content_dir)
    assert "entrys" in raised.value.report()


def test_problems_with_and_without_an_entry_sort_together() -> None:
    problems = [
        Problem("a.yaml", "x", "field", "m"),
        Problem("a.yaml", None, None, "m"),
        Problem("a.yaml", None, "entrys", "m"),
        Problem("a.yaml", "x", None, "m"),
    ]
    assert [(p.entry, p.field) for p in sorted(problems)] == [
        (None, None),
        (None, "entrys"),
        ("x", None),
        ("x", "field"),
    ]


@pytest.mark.parametrize("folder", ["knowledge", "quizzes"])
def test_yaml_nested_thousands_of_levels_deep_is_a_problem_naming_the_file(content_dir: Path, folder: str) -> None:
    hostile = content_dir / folder / "deep.yaml"
    hostile.write_text("entries: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    content, problems = check_content(content_dir)
    assert content is None
    [problem] = [p for p in problems if p.file == str(hostile)]
    assert f"more than {MAX_DEPTH} levels deep" in problem.message


def test_deep_block_mappings_are_caught_too(content_dir: Path) -> None:
    hostile = content_dir / "knowledge" / "deep.yaml"
    hostile.write_text("".join(" " * level + f"k{level}:\n" for level in range(200)) + " " * 200 + "x\n")
    _, problems = check_content(content_dir)
    assert any(p.file == str(hostile) and "levels deep" in p.message for p in problems)


def test_an_oversized_content_file_is_a_problem(content_dir: Path) -> None:
    hostile = content_dir / "knowledge" / "huge.yaml"
    hostile.write_text("entries:\n" + "# padding\n" * (MAX_FILE_BYTES // 10 + 1), encoding="utf-8")
    _, problems = check_content(content_dir)
    [problem] = [p for p in problems if p.file == str(hostile)]
    assert f"at most {MAX_FILE_BYTES:,} bytes" in problem.message


def test_the_shipped_content_is_well_inside_the_limits() -> None:
    for file in DATA.rglob("*.yaml"):
        assert file.stat().st_size < MAX_FILE_BYTES // 10


def test_check_lists_hostile_files_and_exits_1_without_a_traceback(content_dir: Path) -> None:
    target = content_dir / "knowledge" / "pay-and-jobs.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("entries:", "entrys:", 1), encoding="utf-8")
    (content_dir / "quizzes" / "deep.yaml").write_text("[" * 3000 + "]" * 3000, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "CONTENT_DIR": str(content_dir), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "entrys" in result.stdout and "levels deep" in result.stdout
    assert "Traceback" not in result.stderr
