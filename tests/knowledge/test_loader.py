"""What an admin editing data/knowledge/ sees when a file is wrong: every problem at once,
each with its file, entry id and field."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeBase, load_knowledge
from bot.problems import Problem

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "data" / "knowledge"

PROFILES = (SHIPPED / "roles.yaml").read_text(encoding="utf-8")

GOOD_ENTRY = """
  - id: {id}
    title: {title}
    questions: ["{question}"]
    answer: "{answer}"
    related: {related}
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def entries(*items: str) -> str:
    return "entries:\n" + "".join(items)


def entry(
    id: str,
    title: str = "A title",
    question: str = "a question?",
    answer: str = "An answer.",
    related: str = "[]",
) -> str:
    return GOOD_ENTRY.format(id=id, title=title, question=question, answer=answer, related=related)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    write(target, "roles.yaml", PROFILES)
    write(
        target,
        "entries.yaml",
        entries(
            entry("ai-engineer", "What does an AI Engineer do?", "what is an ai engineer"),
            entry("ml-engineer", "What does an ML Engineer do?", "what is an ml engineer"),
        ),
    )
    return target


def located(problems: list[Problem]) -> set[tuple[str, str | None, str | None]]:
    return {(Path(p.file).name, p.entry, p.field) for p in problems}


def test_the_shipped_knowledge_base_is_valid() -> None:
    knowledge, problems = load_knowledge(SHIPPED)
    assert problems == []
    assert isinstance(knowledge, KnowledgeBase)
    assert len(knowledge) >= 20
    assert {p.key for p in knowledge.profiles()} == {"ai", "ml"}


def test_a_minimal_folder_loads(folder: Path) -> None:
    knowledge, problems = load_knowledge(folder)
    assert problems == []
    assert knowledge is not None
    assert knowledge.entry_ids() == ["ai-engineer", "ml-engineer"]


def test_every_problem_is_reported_at_once_with_file_entry_and_field(folder: Path) -> None:
    write(
        folder,
        "more.yaml",
        entries(
            entry("ai-engineer", "Same id again"),
            entry("dangling", related="[nowhere]"),
            entry("long-answer", answer="x" * 5100),
            entry("empty-title", title='""'),
            "  - id: unknown-key\n    title: T\n    questions: [q]\n    answer: A\n    colour: blue\n",
            "  - id: no-questions\n    title: T\n    questions: []\n    answer: A\n",
            "  - id: Bad Id\n    title: T\n    questions: [q]\n    answer: A\n",
        ),
    )
    knowledge, problems = load_knowledge(folder)
    assert knowledge is None
    assert located(problems) >= {
        ("more.yaml", "ai-engineer", "id"),
        ("more.yaml", "dangling", "related[0]"),
        ("more.yaml", "long-answer", "answer"),
        ("more.yaml", "empty-title", "title"),
        ("more.yaml", "unknown-key", "colour"),
        ("more.yaml", "no-questions", "questions"),
        ("more.yaml", "Bad Id", "id"),
    }
    messages = {(p.entry, p.field): p.message for p in problems}
    assert "entries.yaml" in messages[("ai-engineer", "id")]
    assert "nowhere" in messages[("dangling", "related[0]")]
    assert "5100" in messages[("long-answer", "answer")] and "5000" in messages[("long-answer", "answer")]
    assert "empty" in messages[("empty-title", "title")]
    assert "unknown key" in messages[("unknown-key", "colour")]


def test_problems_are_reported_in_a_stable_order(folder: Path) -> None:
    write(folder, "z.yaml", entries(entry("z-one", related="[gone]"), entry("a-two", related="[gone]")))
    _, first = load_knowledge(folder)
    _, second = load_knowledge(folder)
    assert first == second == sorted(first)


def test_an_unknown_top_level_key_is_reported(folder: Path) -> None:
    write(folder, "extra.yaml", "entries: []\nentires: []\n")
    _, problems = load_knowledge(folder)
    assert ("extra.yaml", None, "entires") in located(problems)


def test_invalid_yaml_is_reported_with_its_line(folder: Path) -> None:
    write(folder, "bad.yaml", "entries:\n  - id: x\n   title: [unclosed\n")
    _, problems = load_knowledge(folder)
    [problem] = [p for p in problems if p.file.endswith("bad.yaml")]
    assert "not valid YAML" in problem.message and "line" in problem.message


def test_a_file_that_is_not_a_mapping_is_reported(folder: Path) -> None:
    write(folder, "list.yaml", "- just\n- a list\n")
    _, problems = load_knowledge(folder)
    assert ("list.yaml", None, None) in located(problems)


def test_an_entry_that_is_not_a_mapping_is_reported(folder: Path) -> None:
    write(folder, "odd.yaml", "entries:\n  - just a string\n")
    _, problems = load_knowledge(folder)
    assert ("odd.yaml", "entries[0]", None) in located(problems)


def test_an_entry_related_to_itself_is_reported(folder: Path) -> None:
    write(folder, "self.yaml", entries(entry("loop", related="[loop]")))
    _, problems = load_knowledge(folder)
    assert any(p.entry == "loop" and "itself" in p.message for p in problems)


def test_a_missing_folder_is_one_clear_problem(tmp_path: Path) -> None:
    knowledge, problems = load_knowledge(tmp_path / "nope")
    assert knowledge is None
    assert len(problems) == 1 and "does not exist" in problems[0].message


def test_a_missing_profile_is_reported(folder: Path) -> None:
    (folder / "roles.yaml").unlink()
    _, problems = load_knowledge(folder)
    assert {p.entry for p in problems} == {"profile ai", "profile ml"}


def test_a_profile_that_links_to_a_missing_entry_is_reported(folder: Path) -> None:
    text = PROFILES.replace("entry: ai-engineer", "entry: no-such-entry")
    write(folder, "roles.yaml", text)
    _, problems = load_knowledge(folder)
    assert ("roles.yaml", "profile ai", "entry") in located(problems)


def test_profile_fields_that_would_not_fit_an_embed_field_are_reported(folder: Path) -> None:
    long_item = "a" * 190
    text = PROFILES.replace(
        "    tools:\n      - Model provider APIs",
        "    tools:\n" + "".join(f"      - {long_item}\n" for _ in range(6)) + "      - Model provider APIs",
        1,
    )
    write(folder, "roles.yaml", text)
    _, problems = load_knowledge(folder)
    [problem] = problems
    assert (problem.entry, problem.field) == ("profile ai", "tools")
    assert "embed field" in problem.message


def test_a_salary_range_upside_down_is_reported(folder: Path) -> None:
    write(folder, "roles.yaml", PROFILES.replace("low: 110000", "low: 210000"))
    _, problems = load_knowledge(folder)
    assert any(p.entry == "profile ai" and p.field == "salary" and "low" in p.message for p in problems)


def test_the_cli_check_reports_the_same_problems(tmp_path: Path) -> None:
    from bot.content import check_content

    content = tmp_path / "content"
    shutil.copytree(ROOT / "data" / "quizzes", content / "quizzes")
    write(content / "knowledge", "roles.yaml", PROFILES)
    write(content / "knowledge", "e.yaml", entries(entry("ai-engineer"), entry("ml-engineer", related="[gone]")))
    result, problems = check_content(content)
    assert result is None
    assert ("e.yaml", "ml-engineer", "related[0]") in located(problems)
