"""The matcher's vocabulary file: phrases, synonyms, stopwords and words never repaired.

The words live in ``vocabulary/vocabulary.yaml`` beside the knowledge files, so an admin can add
a synonym without touching code; this model validates the file (``python -m bot check`` reports
its problems with the knowledge files'), and text.py applies it. A knowledge folder without the
file uses the one shipped with the bot.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.knowledge.text import Vocabulary, normalize

FOLDER = "vocabulary"
FILE_NAME = "vocabulary.yaml"


def _normalised(word: str) -> str:
    if normalize(word) != word:
        raise ValueError(f"'{word}' must be written as lowercase words separated by single spaces")
    return word


class VocabularyFile(BaseModel):
    """What the matcher knows about the words members use."""

    model_config = ConfigDict(extra="forbid", title="Crossroads matcher vocabulary")

    phrases: dict[str, str] = Field(
        default_factory=dict,
        description="Several words in a row that mean one thing -> their canonical form ('' drops them)",
    )
    synonyms: dict[str, list[str]] = Field(
        default_factory=dict, description="Canonical form -> the words that mean it here"
    )
    stopwords: list[str] = Field(default_factory=list, description="Words that carry no meaning for matching")
    keep: list[str] = Field(default_factory=list, description="Members' words that typo repair must leave alone")

    @field_validator("phrases")
    @classmethod
    def _phrases(cls, value: dict[str, str]) -> dict[str, str]:
        for phrase, replacement in value.items():
            _normalised(phrase)
            if replacement:
                _normalised(replacement)
        return value

    @field_validator("synonyms")
    @classmethod
    def _synonyms(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        seen: dict[str, str] = {}
        for canonical, words in value.items():
            _normalised(canonical)
            if not words:
                raise ValueError(f"the group '{canonical}' lists no words")
            for word in words:
                if word != "$":
                    _normalised(word)
                if " " in word:
                    raise ValueError(f"'{word}' in '{canonical}' is several words: list it under phrases")
                if seen.get(word, canonical) != canonical:
                    raise ValueError(f"'{word}' is in both '{seen[word]}' and '{canonical}'")
                seen[word] = canonical
        return value

    @field_validator("stopwords", "keep")
    @classmethod
    def _words(cls, value: list[str]) -> list[str]:
        for word in value:
            if " " in _normalised(word):
                raise ValueError(f"'{word}' is several words; list single words")
        return value

    @model_validator(mode="after")
    def _apart(self) -> VocabularyFile:
        grouped = {word for words in self.synonyms.values() for word in words}
        both = sorted(grouped & set(self.stopwords))
        if both:
            raise ValueError(f"a stopword cannot also be a synonym: {', '.join(both)}")
        return self

    def build(self) -> Vocabulary:
        return Vocabulary(
            phrases=dict(self.phrases),
            synonyms={word: canonical for canonical, words in self.synonyms.items() for word in words},
            stopwords=frozenset(self.stopwords),
            keep=frozenset(self.keep),
        )


def vocabulary_path(knowledge_dir: Path) -> Path:
    return knowledge_dir / FOLDER / FILE_NAME


def shipped_vocabulary_path() -> Path:
    """The vocabulary that comes with the bot: in the wheel's bot.defaultdata, or the checkout's data/."""
    spec = importlib.util.find_spec("bot.defaultdata")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    data = Path(locations[0]) if locations else Path(__file__).resolve().parents[2] / "data"
    return vocabulary_path(data / "knowledge")


@lru_cache(maxsize=1)
def shipped_vocabulary() -> Vocabulary:
    """The shipped vocabulary, validated (read once)."""
    import yaml

    raw = yaml.safe_load(shipped_vocabulary_path().read_text(encoding="utf-8"))
    return VocabularyFile.model_validate(raw).build()
