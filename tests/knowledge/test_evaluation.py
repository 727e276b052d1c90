"""The matcher against the evaluation set in tests/knowledge/evaluation.py: at least 95% of
member-style questions get the right entry, and at least 95% of off-topic ones are declined."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge import KnowledgeBase, load_knowledge
from tests.knowledge.evaluation import OFF_TOPIC, ON_TOPIC, accepted

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = 0.95


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    knowledge, problems = load_knowledge(ROOT / "data" / "knowledge")
    assert knowledge is not None, problems
    return knowledge


def test_the_set_is_big_enough_and_names_real_entries(kb: KnowledgeBase) -> None:
    assert len(ON_TOPIC) >= 80
    assert len(OFF_TOPIC) >= 25
    assert len({q for q, _ in ON_TOPIC}) == len(ON_TOPIC)
    assert len(set(OFF_TOPIC)) == len(OFF_TOPIC)
    for _, expected in ON_TOPIC:
        assert set(accepted(expected)) <= set(kb.entry_ids())
    covered = {accepted(expected)[0] for _, expected in ON_TOPIC}
    assert covered == set(kb.entry_ids()), "every entry should be asked about"


def test_member_questions_get_the_right_answer(kb: KnowledgeBase) -> None:
    wrong = []
    for question, expected in ON_TOPIC:
        result = kb.match(question)
        if not (result.matched and result.entry_id in accepted(expected)):
            wrong.append(f"{question!r}: expected {expected}, got {result.entry_id} ({result.score:.2f})")
    accuracy = 1 - len(wrong) / len(ON_TOPIC)
    assert accuracy >= REQUIRED, f"{accuracy:.1%} right; wrong:\n" + "\n".join(wrong)


def test_off_topic_questions_are_declined(kb: KnowledgeBase) -> None:
    answered = []
    for question in OFF_TOPIC:
        result = kb.match(question)
        if result.matched:
            answered.append(f"{question!r}: answered with {result.entry_id} ({result.score:.2f})")
    declined = 1 - len(answered) / len(OFF_TOPIC)
    assert declined >= REQUIRED, f"{declined:.1%} declined; answered:\n" + "\n".join(answered)
