"""Categories and link buttons in knowledge files: declared in the files, checked by `check`."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.knowledge import load_knowledge
from bot.knowledge.models import Entry
from bot.knowledge.topics import UNCATEGORISED, index_order, topic_groups

ROOT = Path(__file__).resolve().parents[2]


def entry(**fields: object) -> Entry:
    return Entry.model_validate({"id": "x", "title": "X", "questions": ["x?"], "answer": "X.", **fields})


def test_every_shipped_entry_has_a_category_from_its_file() -> None:
    knowledge, problems = load_knowledge(ROOT / "data" / "knowledge")
    assert knowledge is not None, problems
    groups = topic_groups(knowledge.entries())
    assert [g.category for g in groups][:2] == ["Getting in, skills and tools", "Pay and jobs"]
    assert all(e.category for e in knowledge.entries())
    assert sorted(e.id for e in index_order(knowledge.entries())) == sorted(knowledge.entry_ids())


def test_an_entry_may_name_its_own_category_and_loose_entries_come_last() -> None:
    groups = topic_groups([entry(id="a", category="B"), entry(id="b"), entry(id="c", category="A")])
    found = [(g.category, [e.id for e in g.entries]) for g in groups]
    assert found == [("B", ["a"]), ("A", ["c"]), (UNCATEGORISED, ["b"])]


def test_a_file_category_applies_to_entries_without_their_own(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "category: Money\nentries:\n"
        "  - {id: pay, title: Pay, questions: ['pay?'], answer: Pay.}\n"
        "  - {id: own, title: Own, questions: ['own?'], answer: Own., category: Other}\n"
        "profiles: []\n",
        encoding="utf-8",
    )
    _, problems = load_knowledge(tmp_path)
    # The profiles are missing in this folder; the entries themselves load with their categories.
    assert all("category" not in (p.field or "") for p in problems)
    from bot.knowledge.loader import load_knowledge_file

    entries, _, problems = load_knowledge_file(tmp_path / "a.yaml")
    assert not problems
    assert [(e.id, e.category) for e in entries] == [("pay", "Money"), ("own", "Other")]


def test_a_bad_file_category_is_reported(tmp_path: Path) -> None:
    from bot.knowledge.loader import load_knowledge_file

    (tmp_path / "a.yaml").write_text("category: ''\nentries: []\n", encoding="utf-8")
    _, _, problems = load_knowledge_file(tmp_path / "a.yaml")
    assert [p.field for p in problems] == ["category"]


def test_link_buttons_need_https_addresses_and_short_labels() -> None:
    ok = entry(links=[{"label": "Docs", "url": "https://example.org/docs"}])
    assert ok.links[0].url == "https://example.org/docs"
    for url in ("http://example.org", "example.org", "https://", "javascript:alert(1)", "https://exa mple.org"):
        with pytest.raises(ValidationError, match="https://"):
            entry(links=[{"label": "Docs", "url": url}])
    with pytest.raises(ValidationError):
        entry(links=[{"label": "L" * 81, "url": "https://example.org"}])
    with pytest.raises(ValidationError):
        entry(links=[{"label": f"L{n}", "url": "https://example.org"} for n in range(6)])


def test_check_reports_a_bad_link_with_file_entry_and_field(tmp_path: Path) -> None:
    from bot.knowledge.loader import load_knowledge_file

    (tmp_path / "a.yaml").write_text(
        "entries:\n  - id: pay\n    title: Pay\n    questions: ['pay?']\n    answer: Pay.\n"
        "    links: [{label: Site, url: 'http://example.org'}]\n",
        encoding="utf-8",
    )
    _, _, problems = load_knowledge_file(tmp_path / "a.yaml")
    assert [(p.entry, p.field) for p in problems] == [("pay", "links[0].url")]
    assert "https://" in problems[0].message
