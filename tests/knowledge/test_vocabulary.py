"""The matcher's vocabulary file: validated like the content, reported by `python -m bot check`,
and read from the knowledge folder it sits in."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from bot.knowledge.loader import load_knowledge, load_vocabulary
from bot.knowledge.vocabulary import VocabularyFile, shipped_vocabulary, shipped_vocabulary_path, vocabulary_path

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "data" / "knowledge"


def test_the_shipped_vocabulary_is_valid_and_is_the_checkouts() -> None:
    assert shipped_vocabulary_path() == vocabulary_path(KNOWLEDGE)
    raw = yaml.safe_load(vocabulary_path(KNOWLEDGE).read_text(encoding="utf-8"))
    vocabulary = VocabularyFile.model_validate(raw).build()
    assert vocabulary.synonyms["mle"] == "ml engineer"
    assert "the" in vocabulary.stopwords
    assert vocabulary.terms("How much do ML engineers earn?") == shipped_vocabulary().terms("ml engineer salary")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"synonyms": {"salary": ["pay"], "money": ["pay"]}}, "'pay' is in both 'salary' and 'money'"),
        ({"synonyms": {"salary": ["Pay"]}}, "lowercase"),
        ({"synonyms": {"salary": ["base pay"]}}, "list it under phrases"),
        ({"phrases": {"Bay Area": "siliconvalley"}}, "lowercase"),
        ({"stopwords": ["the"], "synonyms": {"x": ["the"]}}, "a stopword cannot also be a synonym"),
        ({"synonym": {}}, "Extra inputs"),
    ],
)
def test_mistakes_are_refused(raw: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        VocabularyFile.model_validate(raw)


def test_a_folder_uses_its_own_vocabulary_and_reports_its_problems(tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    path = vocabulary_path(folder)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["synonyms"]["salary"].append("moolah")
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    vocabulary, problems = load_vocabulary(folder)
    assert problems == [] and vocabulary is not None
    assert vocabulary.terms("moolah") == vocabulary.terms("salary")

    raw["synonyms"]["degree"].append("moolah")
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    knowledge, problems = load_knowledge(folder)
    assert knowledge is None
    assert [(p.file, p.field) for p in problems] == [(str(path), "synonyms")]
    assert "'moolah' is in both" in problems[0].message


def test_a_folder_without_one_uses_the_shipped_vocabulary(tmp_path: Path) -> None:
    vocabulary, problems = load_vocabulary(tmp_path)
    assert problems == [] and vocabulary is shipped_vocabulary()


def test_members_words_are_not_repaired_into_the_guides() -> None:
    knowledge, _ = load_knowledge(KNOWLEDGE)
    assert knowledge is not None
    normalised = knowledge.matcher._query("im a frontend dev, react mostly").terms
    assert "reach" not in normalised and "react" in normalised
    assert "salari" in knowledge.matcher._query("salery of an ml enginer").terms
