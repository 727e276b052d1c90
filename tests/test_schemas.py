"""The JSON Schemas in schemas/ that editors use: generated from the content models, and they
accept every shipped content file and flag the mistakes an author makes while typing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from bot.cli.schema import SCHEMA_DIR, KnowledgeFile, render, schemas
from bot.knowledge.loader import TOP_LEVEL_KEYS

DATA = Path(__file__).resolve().parents[1] / "data"


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def errors(name: str, document: Any) -> list[str]:
    return sorted(error.message for error in validator(name).iter_errors(document))


@pytest.mark.parametrize("name", sorted(schemas()))
def test_committed_schemas_match_the_models(name: str) -> None:
    committed = (SCHEMA_DIR / name).read_text(encoding="utf-8")
    assert committed == render(schemas()[name]), "regenerate them with: python -m bot.cli.schema"


def test_the_knowledge_schema_has_the_loaders_top_level_keys() -> None:
    assert tuple(KnowledgeFile.model_fields) == TOP_LEVEL_KEYS


@pytest.mark.parametrize(
    ("folder", "name"),
    [
        ("knowledge", "knowledge.schema.json"),
        ("quizzes", "quiz.schema.json"),
        ("knowledge/vocabulary", "vocabulary.schema.json"),
    ],
)
def test_every_shipped_content_file_passes_its_schema(folder: str, name: str) -> None:
    files = sorted((DATA / folder).glob("*.yaml"))
    assert files
    for path in files:
        assert errors(name, yaml.safe_load(path.read_text(encoding="utf-8"))) == [], path.name


def test_the_schemas_flag_an_authors_mistakes() -> None:
    entry = {"id": "Salary Gap", "title": "t" * 101, "questions": ["How much?"], "answr": "typo", "answer": "Yes."}
    found = errors("knowledge.schema.json", {"entries": [entry]})
    assert any("does not match" in message for message in found)  # the id is not a slug
    assert any("is too long" in message for message in found)
    assert any("'answr' was unexpected" in message for message in found)
    assert errors("knowledge.schema.json", {"entrys": []}) != []

    quiz = yaml.safe_load((DATA / "quizzes" / "path.yaml").read_text(encoding="utf-8"))
    assert errors("quiz.schema.json", {**quiz, "kind": "poll"}) != []
