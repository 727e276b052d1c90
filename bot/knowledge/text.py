"""Turning member text into matchable terms: normalising, synonyms, phrases and stemming.

The same pipeline runs over the knowledge base and over every question, so a synonym or an
abbreviation only has to be listed once to work in both directions. The words themselves (which
phrases, synonyms and stopwords) are data: data/knowledge/vocabulary/vocabulary.yaml, validated
by vocabulary.py. This module holds only the rules that apply them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache

import Stemmer

_STEMMER = Stemmer.Stemmer("english")
_NON_WORD = re.compile(r"[^a-z0-9$]+")
_APOSTROPHES = re.compile(r"['’‘`´]")


def normalize(text: str) -> str:
    """Lowercase words separated by single spaces: the form questions are grouped by in the log."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _APOSTROPHES.sub("", text)
    return " ".join(_NON_WORD.sub(" ", text).split())


def words(text: str) -> list[str]:
    """The normalised words of `text`, before synonyms and stemming."""
    return normalize(text).split()


# "make" is about pay only where a sentence like "what do ML engineers make (a year)" puts it.
_MAKE_AS_PAY = re.compile(r"\bmakes?\b(?=\s*$|\s+(?:a|per|in|at|than|on|yearly|annually|compared|starting|after)\b)")
_MAKE_OTHERWISE = re.compile(r"\b(?:make|makes|making)\b")


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


_ROLES = frozenset({"ai", "ml"})
_TOWARDS = frozenset({"to", "into", "towards", "toward", "become", "becoming"})
_ARTICLES = frozenset({"a", "an", "the", "engineer", "engineering", "full", "time"})


def _directions(mapped: list[str]) -> list[str]:
    """Terms for a move from one role to the other: "AI to ML" and "ML to AI" mean different things.

    A direction is read when the second role follows "to", "into" or "become" (articles allowed
    in between), e.g. "from ai engineering to ml", "aie to mle", "i'm an ml engineer, how do i
    become an ai engineer"."""
    found: list[str] = []
    previous: str | None = None
    for index, word in enumerate(mapped):
        if word not in _ROLES:
            continue
        if previous is not None and previous != word:
            back = index - 1
            while back >= 0 and mapped[back] in _ARTICLES:
                back -= 1
            if back >= 0 and mapped[back] in _TOWARDS:
                found.append(f"{previous}to{word}")
        previous = word
    return found


_MONEY = re.compile(r"^\$?[0-9]+k$")


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """Phrases, synonyms and stopwords (from the vocabulary file, see vocabulary.py), applied."""

    phrases: Mapping[str, str]
    synonyms: Mapping[str, str]  # word -> its canonical form
    stopwords: frozenset[str]
    keep: frozenset[str] = frozenset()  # members' words that typo repair leaves alone

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        if not self.phrases:
            return None
        ordered = sorted(self.phrases, key=len, reverse=True)
        return re.compile(r"\b(" + "|".join(re.escape(phrase) for phrase in ordered) + r")\b")

    def apply_phrases(self, text: str) -> str:
        """Replace multi-word expressions by their canonical form."""
        text = _MAKE_OTHERWISE.sub("", _MAKE_AS_PAY.sub("salary", text))
        pattern = self._pattern
        return pattern.sub(lambda m: self.phrases[m.group(1)], text) if pattern else text

    def canonical_terms(self, tokens: Iterable[str]) -> list[str]:
        """Synonyms, stopwords and stemming applied to already-normalised, already-repaired words."""
        text = self.apply_phrases(" ".join("salary" if _MONEY.match(token) else token for token in tokens))
        mapped = [part for word in text.split() for part in self.synonyms.get(word, word).split()]
        terms = [stem(part) for part in mapped if part not in self.stopwords]
        terms.extend(_directions(mapped))
        return terms

    def terms(self, text: str) -> list[str]:
        """The matchable terms of a piece of knowledge-base text (no typo repair)."""
        return self.canonical_terms(words(text))

    def surface_vocabulary(self, texts: Iterable[str]) -> set[str]:
        """Every word a question can be repaired towards: the knowledge base's own words plus every
        synonym and phrase word the vocabulary knows, without stopwords and very short words."""
        vocabulary: set[str] = set()
        for text in texts:
            vocabulary.update(words(text))
        vocabulary.update(self.synonyms)
        for phrase in self.phrases:
            vocabulary.update(phrase.split())
        return {word for word in vocabulary if len(word) >= 3 and word not in self.stopwords and not word.isdigit()}
