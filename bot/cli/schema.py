"""`python -m bot.cli.schema`: write the JSON Schemas of the content files into `schemas/`, made
from the pydantic models that validate them, so an editor can check a file while it is typed.

The schemas cover the shape of each file (keys, types, lengths, slugs). Checks across entries
(duplicate ids, related entries that exist, a profile's total length) stay with `python -m bot check`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from bot.knowledge.loader import CATEGORY_MAX
from bot.knowledge.models import Entry, RoleProfile
from bot.knowledge.vocabulary import VocabularyFile
from bot.quiz.models import Quiz

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


class KnowledgeFile(BaseModel):
    """A knowledge file: entries, profiles, or both."""

    model_config = ConfigDict(
        extra="forbid",
        title="Crossroads knowledge file",
        json_schema_extra={"anyOf": [{"required": ["entries"]}, {"required": ["profiles"]}]},
    )

    category: str | None = Field(
        default=None, min_length=1, max_length=CATEGORY_MAX, description="The topic group of this file's entries"
    )
    entries: list[Entry] = []
    profiles: list[RoleProfile] = []


def schemas() -> dict[str, dict[str, Any]]:
    """File name in `schemas/` -> the schema, as it should be committed."""
    knowledge = KnowledgeFile.model_json_schema()
    quiz = {"title": "Crossroads quiz file", **TypeAdapter(Quiz).json_schema()}
    vocabulary = VocabularyFile.model_json_schema()
    return {
        "knowledge.schema.json": {"$schema": DIALECT, **knowledge},
        "quiz.schema.json": {"$schema": DIALECT, **quiz},
        "vocabulary.schema.json": {"$schema": DIALECT, **vocabulary},
    }


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_schemas(directory: Path = SCHEMA_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas().items():
        path = directory / name
        path.write_text(render(schema), encoding="utf-8")
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    directory = Path(argv[0]) if argv else SCHEMA_DIR
    for path in write_schemas(directory):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
