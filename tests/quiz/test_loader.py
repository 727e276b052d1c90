from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.problems import Problem
from bot.quiz import Attempt, KnowledgeQuiz, KnowledgeResult, PathQuiz, QuizBook, load_quizzes
from tests.quiz.factories import knowledge_data, path_data

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "quizzes"
PATH_LINKS = {"ai-entry", "ml-entry", "balanced-entry"}


def write(folder: Path, name: str, data: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def valid_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "quizzes"
    write(folder, "path.yaml", path_data())
    write(folder, "knowledge.yaml", knowledge_data())
    return folder


def test_valid_folder_loads_both_quizzes(tmp_path: Path) -> None:
    book, problems = load_quizzes(valid_folder(tmp_path), PATH_LINKS)
    assert problems == []
    assert book is not None
    assert book.ids() == ["knowledge", "path"]
    assert isinstance(book.get("path"), PathQuiz)
    assert isinstance(book.get("knowledge"), KnowledgeQuiz)


def test_shipped_quizzes_are_valid_and_sized_as_promised() -> None:
    book, problems = load_quizzes(SHIPPED, None)
    assert problems == []
    assert book is not None
    path = book.get("path")
    knowledge = book.get("knowledge")
    assert isinstance(path, PathQuiz) and isinstance(knowledge, KnowledgeQuiz)
    assert 8 <= len(path.questions) <= 12
    for question in path.questions:
        assert {c.lean for c in question.choices} - {"none"}, f"{question.id} leans nowhere"
    assert len(knowledge.questions) >= 15
    assert knowledge.draw == 10
    assert 1 <= knowledge.pass_mark <= knowledge.draw


def test_every_problem_is_reported_with_file_entry_and_field(tmp_path: Path) -> None:
    folder = tmp_path / "quizzes"
    path = path_data()
    path["questions"][1]["choices"][0]["weight"] = 9
    path["questions"][2]["choices"][1]["colour"] = "red"
    path["results"]["ml"]["next_steps"][0]["entry"] = "no-such-entry"
    write(folder, "path.yaml", path)
    knowledge = knowledge_data()
    knowledge["questions"][0]["choices"][1]["correct"] = True
    del knowledge["questions"][3]["explanation"]
    write(folder, "knowledge.yaml", knowledge)
    book, problems = load_quizzes(folder, PATH_LINKS)
    assert book is None
    where = {(Path(p.file).name, p.entry, p.field) for p in problems}
    assert ("path.yaml", "q2", "choices[0].weight") in where
    assert ("path.yaml", "q3", "choices[1].colour") in where
    assert ("knowledge.yaml", "k1", None) in where
    assert ("knowledge.yaml", "k4", "explanation") in where
    by_field = {p.field: p.message for p in problems}
    assert by_field["choices[1].colour"] == "unknown key (check the spelling)"
    assert by_field["explanation"] == "is required"
    assert any("exactly one choice must be correct" in p.message for p in problems)


def test_links_must_name_knowledge_base_entries(tmp_path: Path) -> None:
    folder = valid_folder(tmp_path)
    knowledge = knowledge_data()
    knowledge["questions"][0]["review"] = "missing-entry"
    write(folder, "knowledge.yaml", knowledge)
    book, problems = load_quizzes(folder, {"ai-entry", "ml-entry"})
    assert book is None
    assert (
        Problem(
            str(folder / "path.yaml"),
            "results.balanced",
            "next_steps[0].entry",
            "links to 'balanced-entry', which is not a knowledge-base entry id",
        )
        in problems
    )
    assert any(p.entry == "k1" and p.field == "review" and "missing-entry" in p.message for p in problems)


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    folder = valid_folder(tmp_path)
    write(folder, "knowledge.yaml", "id: knowledge\nquestions: [unclosed\n")
    _, problems = load_quizzes(folder, PATH_LINKS)
    assert len(problems) == 1
    assert problems[0].file.endswith("knowledge.yaml")
    assert "is not valid YAML at line" in problems[0].message


def test_non_mapping_and_missing_kind_are_reported(tmp_path: Path) -> None:
    folder = valid_folder(tmp_path)
    write(folder, "extra.yaml", "- just\n- a list\n")
    data = knowledge_data(id="other")
    del data["kind"]
    write(folder, "other.yaml", data)
    _, problems = load_quizzes(folder, PATH_LINKS)
    messages = {Path(p.file).name: p.message for p in problems}
    assert "must be a mapping" in messages["extra.yaml"]
    assert "kind" in messages["other.yaml"]


def test_duplicate_quiz_ids_and_missing_quizzes(tmp_path: Path) -> None:
    folder = tmp_path / "quizzes"
    write(folder, "a.yaml", path_data())
    write(folder, "b.yaml", path_data())
    _, problems = load_quizzes(folder, PATH_LINKS)
    assert any(p.file.endswith("b.yaml") and "also used in" in p.message for p in problems)
    assert any(p.entry == "knowledge" and "is missing" in p.message for p in problems)


def test_quiz_with_the_wrong_kind_for_its_id(tmp_path: Path) -> None:
    folder = tmp_path / "quizzes"
    write(folder, "path.yaml", knowledge_data(id="path"))
    write(folder, "knowledge.yaml", knowledge_data())
    _, problems = load_quizzes(folder, PATH_LINKS)
    assert [p.message for p in problems] == ["the quiz 'path' must be of kind path"]


def test_missing_folder(tmp_path: Path) -> None:
    book, problems = load_quizzes(tmp_path / "nowhere", set())
    assert book is None
    assert problems[0].message == "the quizzes folder does not exist"


def test_reload_never_breaks_running_sessions(tmp_path: Path) -> None:
    folder = valid_folder(tmp_path)
    old, _ = load_quizzes(folder, PATH_LINKS)
    assert old is not None
    plan = old.start("knowledge", seed=11)
    changed = knowledge_data(questions=7)
    changed["questions"] = changed["questions"][::-1]
    write(folder, "knowledge.yaml", changed)
    new, _ = load_quizzes(folder, PATH_LINKS)
    assert isinstance(new, QuizBook)
    assert set(new.version_changes(old)) == {"knowledge"}
    attempt = Attempt(plan)
    while (question := attempt.current()) is not None:
        attempt.answer(question.id, question.choices[0].id)
    result = attempt.result()
    assert isinstance(result, KnowledgeResult) and result.total == plan.total


def test_shipped_quiz_links_name_real_knowledge_base_entries() -> None:
    from bot.content import check_content

    content, problems = check_content(SHIPPED.parent)
    assert problems == []
    assert content is not None
    path = content.quizzes.get("path")
    assert isinstance(path, PathQuiz)
    linked = {
        step.entry
        for outcome in (path.results.ai, path.results.ml, path.results.balanced)
        for step in outcome.next_steps
    }
    assert linked <= set(content.knowledge.entry_ids())
    knowledge = content.quizzes.get("knowledge")
    assert isinstance(knowledge, KnowledgeQuiz)
    assert all(q.review in content.knowledge for q in knowledge.questions)


def test_shipped_path_results_send_members_to_distinct_topics() -> None:
    from bot.knowledge import load_knowledge
    from bot.quiz import PathQuiz, load_quiz_file

    root = Path(__file__).resolve().parents[2] / "data"
    knowledge, _ = load_knowledge(root / "knowledge")
    quiz, problems = load_quiz_file(root / "quizzes" / "path.yaml")
    assert knowledge is not None and isinstance(quiz, PathQuiz), problems
    for outcome in (quiz.results.ai, quiz.results.ml, quiz.results.balanced):
        entries = [knowledge.get(step.entry) for step in outcome.next_steps]
        assert all(entries) and len({e.id for e in entries if e}) == len(entries)
        about_daily_work = [e.id for e in entries if e and "daily work" in e.tags]
        assert len(about_daily_work) <= 1, about_daily_work
