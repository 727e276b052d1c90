from __future__ import annotations

import shutil
from pathlib import Path

from bot.content import check_content, load_content

DATA = Path(__file__).resolve().parents[1] / "data"


def test_shipped_content_is_valid() -> None:
    content = load_content(DATA)
    assert list(content.knowledge.entry_ids())


def test_broken_knowledge_does_not_flood_the_report_with_quiz_link_errors(tmp_path: Path) -> None:
    content_dir = tmp_path / "data"
    shutil.copytree(DATA / "knowledge", content_dir / "knowledge")
    shutil.copytree(DATA / "quizzes", content_dir / "quizzes")
    for file in (content_dir / "knowledge").glob("*.yaml"):
        file.write_text("entries: [\n", encoding="utf-8")
        break
    content, problems = check_content(content_dir)
    assert content is None
    assert problems
    assert all(Path(p.file).parent.name != "quizzes" for p in problems), [str(p) for p in problems]
