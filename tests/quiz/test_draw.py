"""The knowledge check's draw: no explanation gives away another drawn question's answer, and at
most one question per session is about the author or the community."""

from __future__ import annotations

import itertools
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.quiz import KnowledgeQuiz, load_quiz_file, make_plan
from bot.quiz.engine import draw_questions
from tests.quiz.factories import knowledge_data, knowledge_quiz

ROOT = Path(__file__).resolve().parents[2]
# Questions whose topic is the guide's author or the community, not the careers.
ABOUT_THE_AUTHOR_OR_COMMUNITY = {"author-path", "community", "youtube-tutorials"}
# Words that say nothing about which choice is right.
_PLAIN = {
    *("the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "with", "their", "its", "is", "are", "be"),
    *("by", "as", "at", "from", "that", "this", "which", "what", "does", "do", "they", "them", "it", "into"),
    *("ai", "ml", "engineer", "engineers", "engineering", "model", "models"),
}


def shipped() -> KnowledgeQuiz:
    quiz, problems = load_quiz_file(ROOT / "data" / "quizzes" / "knowledge.yaml")
    assert isinstance(quiz, KnowledgeQuiz), problems
    return quiz


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9$]+", text.lower().replace("–", " ")) if w not in _PLAIN and len(w) > 2}


def spoils(quiz: KnowledgeQuiz, explained: str, asked: str) -> bool:
    """Whether the explanation of `explained` states most of the right answer of `asked`."""
    by_id = {q.id: q for q in quiz.questions}
    right = next(c.label for c in by_id[asked].choices if c.correct)
    answer = _words(right)
    shared = answer & _words(by_id[explained].explanation)
    return len(shared) >= 2 and len(shared) >= 0.6 * len(answer)


SHIPPED = shipped()
SPOILERS = {
    frozenset((a.id, b.id)) for a, b in itertools.permutations(SHIPPED.questions, 2) if spoils(SHIPPED, a.id, b.id)
}
KNOWN_SPOILERS = {
    frozenset(pair)
    for pair in (("salary-ai", "salary-ml"), ("lifecycle-focus", "ml-lifecycle"), ("first-step", "community-name"))
}


def never_together(quiz: KnowledgeQuiz) -> set[frozenset[str]]:
    """Pairs the quiz's groups keep apart (groups that allow one question)."""
    return {
        frozenset(pair)
        for group in quiz.groups
        if group.at_most == 1
        for pair in itertools.combinations(group.questions, 2)
    }


def test_the_spoiler_check_finds_the_pairs_a_reader_found() -> None:
    assert {frozenset(("salary-ai", "salary-ml")), frozenset(("lifecycle-focus", "ml-lifecycle"))} <= SPOILERS


def test_every_spoiling_pair_is_kept_apart_by_a_group() -> None:
    assert never_together(SHIPPED) >= (SPOILERS | KNOWN_SPOILERS)


@settings(max_examples=500)
@given(seed=st.integers(min_value=0, max_value=2**62))
def test_no_draw_holds_a_spoiler_or_two_author_questions(seed: int) -> None:
    plan = make_plan(SHIPPED, seed)
    ids = plan.question_ids()
    assert len(ids) == len(set(ids)) == SHIPPED.draw
    for a, b in itertools.combinations(ids, 2):
        assert frozenset((a, b)) not in SPOILERS | KNOWN_SPOILERS, (a, b)
    about = [q.id for q in plan.questions if q.review in ABOUT_THE_AUTHOR_OR_COMMUNITY]
    assert len(about) <= 1, about
    for group in SHIPPED.groups:
        assert len(set(group.questions) & set(ids)) <= group.at_most


def test_over_many_seeds_no_session_has_a_spoiler_and_every_question_is_drawn() -> None:
    seen: set[str] = set()
    for seed in range(3000):
        ids = make_plan(SHIPPED, seed).question_ids()
        seen.update(ids)
        assert not any(frozenset(pair) in SPOILERS | KNOWN_SPOILERS for pair in itertools.combinations(ids, 2))
    assert seen == {q.id for q in SHIPPED.questions}


def test_the_same_seed_gives_the_same_draw() -> None:
    assert make_plan(SHIPPED, 42).question_ids() == make_plan(SHIPPED, 42).question_ids()


def test_a_smaller_draw_keeps_the_groups() -> None:
    for seed in range(200):
        ids = [SHIPPED.questions[i].id for i in draw_questions(SHIPPED, random.Random(seed), 5)]
        assert len(ids) == 5
        assert not any(frozenset(pair) in never_together(SHIPPED) for pair in itertools.combinations(ids, 2))


def test_a_group_naming_an_unknown_question_is_refused() -> None:
    with pytest.raises(ValidationError, match="do not exist: k99"):
        knowledge_quiz(groups=[{"id": "g", "questions": ["k1", "k99"]}])


def test_groups_that_leave_too_few_questions_are_refused() -> None:
    data = knowledge_data(questions=6, draw=4, groups=[{"id": "g", "questions": ["k1", "k2", "k3", "k4"]}])
    with pytest.raises(ValidationError, match="leave only 3 questions"):
        KnowledgeQuiz.model_validate(data)


def test_a_group_that_limits_nothing_is_refused() -> None:
    with pytest.raises(ValidationError, match="does not limit"):
        knowledge_quiz(groups=[{"id": "g", "questions": ["k1", "k2"], "at_most": 2}])
