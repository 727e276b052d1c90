"""From a member's question to ranked, scored knowledge-base entries, and the decision to answer.

How a question is scored:

1. A long message is reduced to its asking sentences (scope.intent_text), scored together with
   the whole text.
2. Lexical: the question is normalised, each unknown word is repaired towards the knowledge
   base's own vocabulary when it is a plausible typo (rapidfuzz), synonyms, abbreviations and
   stopwords are applied and every word is stemmed (PyStemmer). BM25 (bm25s) picks candidates,
   and each gets a confidence from how much of the question's weighted terms it covers and how
   closely the question reads like one of its phrasings.
3. Semantic: the question's embedding (semantic.py) against each entry's phrasings, answer
   lines and the labelled member questions it answers; the closest one counts. Its best
   entries join the candidates.
4. Hybrid: the two scores are averaged; "which should I pick" favours the choosing entry, and a
   question that names only a role ("what even is an MLE?") favours that role's entry.
5. The decision model (decision.py) turns the signals of the top entry into the probability
   that it answers the question. At or above the bar it is the answer; below it, or when the
   question is on a subject the guide does not cover (scope.py), the question is declined with
   up to three of the closest entries.

Everything is deterministic: equal scores are ordered by entry position in the files.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

import bm25s
import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.knowledge import scope, text
from bot.knowledge import semantic as semantic_module
from bot.knowledge.classifier import DECLINE, EntryClassifier
from bot.knowledge.decision import FEATURES, DecisionModel, shipped_model
from bot.knowledge.models import Entry
from bot.knowledge.text import Vocabulary
from bot.knowledge.vocabulary import shipped_vocabulary

# bm25s turns its own logger up to DEBUG on import; index building is not news for an operator.
logging.getLogger("bm25s").setLevel(logging.WARNING)

SUGGESTION_FLOOR = 0.2
CHOOSING_ENTRY = "choosing"
# A question that names only a role ("what is an MLE?", "ai engineer role") asks what the role is.
ROLE_ENTRIES = {"ai": "ai-engineer", "ml": "ml-engineer"}
# A move said with its direction ("from ml to ai", "i'm an ai engineer, how do i become an ml one")
# is what that direction's entry answers (text.py reads the direction).
DIRECTION_ENTRIES = {"aitoml": "ai-to-ml", "mltoai": "ml-to-ai"}
_ROLE_ONLY_EXTRAS = frozenset({"engin", "role", "job", "titl", "mean"})
_ROLE_TERMS = frozenset({"ai", "ml", "engin", "aitoml", "mltoai"})
MAX_SUGGESTIONS = 3
MAX_AUTOCOMPLETE = 25
CANDIDATES = 8

# How much each part of an entry counts when it contains a question term.
_FIELD_WEIGHTS = {"phrasing": 1.0, "answer": 0.6}
# An answer-only mention counts this much towards a term's document frequency.
_WEAK_FREQUENCY = 0.3
_IDF_FLOOR = 0.25
# How much of the confidence comes from term coverage and from the closest phrasing.
_COVERAGE_SHARE = 0.6
_PHRASING_SHARE = 0.4
# A word the knowledge base has never seen weighs this share of the rarest known term.
_UNKNOWN_IDF_SHARE = 0.75
_REPAIRED_WEIGHT = 0.85
# Autocomplete: a title or phrasing word starting with what is being typed, and a fuzzy title.
_PREFIX_SCORE = 0.3
_PREFIX_STEP = 0.05
_TITLE_FUZZY_SHARE = 0.6
# Hybrid ranking: the lexical confidence, the embedding similarity and the entry classifier's
# probability, blended.
_LEXICAL_WEIGHT = 1 / 3
_SEMANTIC_WEIGHT = 1 / 3
_CLASSIFIER_WEIGHT = 1 / 3
# A long message: how much its asking sentences count against the whole text.
_INTENT_SHARE = 0.5
# "Which should I pick?" is what the choosing entry answers, whatever else the message says.
_WHICH_PATH_BONUS = 0.1
# How far an entry whose phrasing is the question word for word is put ahead of the best other.
_EXACT_BONUS = 0.05
# How much a move said with its direction favours that direction's entry.
_DIRECTION_BONUS = 0.1
# How much a question naming only a role favours that role's own entry.
_ROLE_ONLY_BONUS = 0.07
# Up to this many entries every embedded row is compared with a question; beyond, the rows of the
# _SHORTLIST entries whose average row is closest (a knowledge base of thousands of server entries).
_EXACT_SCAN_ENTRIES = 1_000
_SHORTLIST = 200
# An answer line is evidence of its entry, a little weaker than a phrasing written as a question.
_ANSWER_LINE_WEIGHT = 0.9
# The decision signals that measure nearness to the guide's own subject (see signals).
_GUIDE_SIGNALS = frozenset({"off_topic", "contrast", "domain", "classifier", "classifier_decline"})
# "ai eng -> ml eng": an arrow between the roles reads as "to".
_ARROW = re.compile(r"\s*(?:->|=>|→|⇒|>>)\s*")
# "ai <-> ml": both ways, a switch in either direction.
_BOTH_WAYS = re.compile(r"\s*(?:<->|<=>|↔|⇔)\s*")
_MARKDOWN = re.compile(r"[*_`>#]|^\s*(?:[•\-]|\d+\.)\s*", re.MULTILINE)


def _read_arrows(question: str) -> str:
    """The question with its arrows between the roles read as words ("to", or "and" both ways)."""
    return _ARROW.sub(" to ", _BOTH_WAYS.sub(" and ", question))


@dataclass(frozen=True)
class Hit:
    """One ranked entry with its confidence (0 to 1)."""

    entry_id: str
    title: str
    score: float


@dataclass(frozen=True)
class Match:
    """The outcome for one question: an answer, or a polite decline with suggestions.

    `score` is the decision model's probability that the top entry answers the question."""

    question: str
    normalized: str
    matched: bool
    score: float
    ranked: tuple[Hit, ...]
    suggestions: tuple[Hit, ...]
    uncovered: str | None = None  # a subject the guide does not cover, when declined for it
    which_path: bool = False  # the member asks which path to take: offer the path finder

    @property
    def best(self) -> Hit | None:
        """The answering entry when matched, else None."""
        return self.ranked[0] if self.matched and self.ranked else None

    @property
    def entry_id(self) -> str | None:
        best = self.best
        return best.entry_id if best else None


@dataclass(frozen=True)
class _Query:
    terms: tuple[str, ...]
    weights: tuple[float, ...]
    known: int  # how many of the terms the knowledge base uses


@dataclass(frozen=True)
class _Ranking:
    """The ranked entries with their score parts, and the question's intent as the ranking read it."""

    ranked: list[tuple[Hit, tuple[float, float, float, float]]]
    intent_query: _Query
    intent_vector: np.ndarray
    decline: float  # the entry classifier's probability that the intent must be declined
    which_path: bool  # the member asks which path to take (scope.asks_which_path)
    summary: bool  # the member asks for the guide in short (scope.asks_summary)


def answer_lines(answer: str) -> list[str]:
    """The answer's lines and sentences without markdown, each long enough to mean something."""
    plain = _MARKDOWN.sub("", answer)
    parts = re.split(r"\n+|(?<=[.!?])\s+", plain)
    return [part.strip() for part in parts if len(part.split()) >= 3]


def _undoubled(word: str, candidate: str) -> bool:
    """Whether `candidate` is `word` with one of its doubled letters made single."""
    return len(candidate) == len(word) - 1 and any(
        word[i] == word[i + 1] and word[:i] + word[i + 1 :] == candidate for i in range(len(word) - 1)
    )


def _favour(combined: dict[int, tuple[float, float, float, float]], index: int | None, bonus: float) -> None:
    """Add `bonus` to entry `index`'s fused score (a candidate from now on if it was not one)."""
    if index is None:
        return
    fused, *parts = combined.get(index, (0.0, 0.0, 0.0, 0.0))
    combined[index] = (fused + bonus, *parts)  # type: ignore[assignment]


class Matcher:
    """Ranks knowledge-base entries for free-text questions. Build once, then query many times."""

    def __init__(
        self,
        entries: Sequence[Entry],
        threshold: float | None = None,
        decision: DecisionModel | None = None,
        exemplars: Sequence[tuple[str, str]] = (),
        negatives: Sequence[str] = (),
        own: Collection[str] = (),
        vocabulary: Vocabulary | None = None,
    ) -> None:
        """`own`: ids of a server's own entries, which may cover what the guide does not;
        `vocabulary`: the phrases, synonyms and stopwords (the shipped ones by default)."""
        if not entries:
            raise ValueError("the matcher needs at least one entry")
        self._own = frozenset(own)
        self.vocabulary = vocabulary or shipped_vocabulary()
        # Read when first needed, so training can build a matcher before a model for its signals exists.
        self._decision = decision
        self._threshold = threshold
        self._ids = [entry.id for entry in entries]
        self._titles = [entry.title for entry in entries]
        self._position = {entry_id: index for index, entry_id in enumerate(self._ids)}

        documents: list[list[str]] = []
        self._field_terms: list[dict[str, float]] = []
        self._phrasings: list[list[frozenset[str]]] = []
        surface_texts: list[str] = []
        strong_frequency: dict[str, int] = {}
        weak_frequency: dict[str, int] = {}
        for entry in entries:
            weights: dict[str, float] = {}
            phrasing_sets: list[frozenset[str]] = []
            phrasing_terms: list[str] = []
            for phrasing in [*entry.phrasings(), *entry.tags]:
                found = self.vocabulary.terms(phrasing)
                phrasing_terms.extend(found)
                if found:
                    phrasing_sets.append(frozenset(found))
                for term in found:
                    weights[term] = max(weights.get(term, 0.0), _FIELD_WEIGHTS["phrasing"])
            answer_terms = self.vocabulary.terms(entry.answer)
            for term in set(weights):
                strong_frequency[term] = strong_frequency.get(term, 0) + 1
            for term in answer_terms:
                if term not in weights:
                    weights[term] = _FIELD_WEIGHTS["answer"]
                    weak_frequency[term] = weak_frequency.get(term, 0) + 1
            self._field_terms.append(weights)
            self._phrasings.append(phrasing_sets)
            documents.append(phrasing_terms * 2 + answer_terms)
            surface_texts.extend(entry.phrasings())
            surface_texts.extend(entry.tags)
            surface_texts.append(entry.answer)

        self._repair_targets = sorted(
            self.vocabulary.surface_vocabulary(surface_texts)
            | {word for word in self.vocabulary.stopwords if len(word) >= 3}
        )
        self._repair_target_set = frozenset(self._repair_targets)
        self._by_first_letter: dict[str, list[str]] = {}
        for word in self._repair_targets:
            self._by_first_letter.setdefault(word[0], []).append(word)
        self._by_letters: dict[str, list[str]] = {}
        for word in self._repair_targets:
            if 3 <= len(word) <= 4:
                self._by_letters.setdefault("".join(sorted(word)), []).append(word)

        count = len(entries)
        self._idf: dict[str, float] = {}
        for term in set(strong_frequency) | set(weak_frequency):
            frequency = strong_frequency.get(term, 0) + _WEAK_FREQUENCY * weak_frequency.get(term, 0)
            idf = math.log(1.0 + (count - frequency + 0.5) / (frequency + 0.5))
            self._idf[term] = max(idf, _IDF_FLOOR)
        self._unknown_idf = _UNKNOWN_IDF_SHARE * max(self._idf.values(), default=1.0)

        self._term_ids: dict[str, int] = {}
        ids = [[self._term_ids.setdefault(term, len(self._term_ids)) for term in doc] for doc in documents]
        self._bm25 = bm25s.BM25()
        self._bm25.index(bm25s.tokenization.Tokenized(ids=ids, vocab=self._term_ids), show_progress=False)
        self._titles_lower = [title.lower() for title in self._titles]
        self._word_entries: dict[str, dict[int, int]] = {}
        self._exact: dict[str, int] = {}
        for index, entry in enumerate(entries):
            for phrasing in entry.phrasings():
                self._exact.setdefault(text.normalize(phrasing), index)
                for word in set(text.words(phrasing)) - self.vocabulary.stopwords:
                    counts = self._word_entries.setdefault(word, {})
                    counts[index] = counts.get(index, 0) + 1
        self._choice_words = sorted(self._word_entries)

        # Each entry is embedded as its phrasings, the lines of its answer and the labelled member
        # questions it answers; an entry's similarity to a question is that of its closest one.
        by_entry: dict[str, list[str]] = {}
        for question, entry_id in exemplars:
            by_entry.setdefault(entry_id, []).append(question)
        texts: list[str] = []
        row_weights: list[float] = []
        self._exemplar_rows: dict[str, list[int]] = {}
        self._vector_starts = np.zeros(count, dtype=np.intp)
        for index, entry in enumerate(entries):
            self._vector_starts[index] = len(texts)
            texts.extend(entry.phrasings())
            row_weights.extend([1.0] * len(entry.phrasings()))
            lines = answer_lines(entry.answer)
            texts.extend(lines)
            row_weights.extend([_ANSWER_LINE_WEIGHT] * len(lines))
            for question in by_entry.get(entry.id, []):
                self._exemplar_rows.setdefault(text.normalize(question), []).append(len(texts))
                texts.append(question)
                row_weights.append(1.0)
        self._vectors = semantic_module.embed(texts, content=True) * np.asarray(row_weights, dtype=np.float32)[:, None]
        centroid = self._vectors.mean(axis=0)
        self._centroid = centroid / (np.linalg.norm(centroid) or 1.0)
        self._vector_ends = np.append(self._vector_starts[1:], len(texts))
        # A large knowledge base is scanned in two steps (see _semantic): one row per entry first.
        self._entry_centroids: np.ndarray | None = None
        if count > _EXACT_SCAN_ENTRIES:
            sums = np.add.reduceat(self._vectors, self._vector_starts)
            norms = np.linalg.norm(sums, axis=1, keepdims=True)
            self._entry_centroids = np.divide(sums, norms, out=np.zeros_like(sums), where=norms > 0)
        self._choosing = self._position.get(CHOOSING_ENTRY)
        # Labelled questions the guide must decline: closeness to one is evidence against answering.
        self._negatives = semantic_module.embed(list(negatives), content=True)
        self._negative_rows: dict[str, list[int]] = {}
        for row, question in enumerate(negatives):
            self._negative_rows.setdefault(text.normalize(question), []).append(row)
        self._repair = lru_cache(maxsize=16_384)(self._repair_word)
        self._classifier_override: EntryClassifier | None = None
        self._classifier_rows: tuple[EntryClassifier, np.ndarray, int] | None = None

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def decision(self) -> DecisionModel:
        return self._decision or shipped_model()

    @property
    def threshold(self) -> float:
        return self.decision.bar if self._threshold is None else self._threshold

    @property
    def classifier(self) -> EntryClassifier | None:
        return self._classifier_override or self.decision.classifier

    def use_classifier(self, classifier: EntryClassifier | None) -> None:
        """Rank with `classifier` instead of the decision model's (training scores each fold with
        a classifier that has not seen it)."""
        self._classifier_override = classifier

    def _classified(self, vector: np.ndarray) -> tuple[np.ndarray, float]:
        """Per entry, the classifier's probability for a full-length embedding (0 for an entry it
        does not know, such as a server's own), and its probability that the question must be declined."""
        classifier = self.classifier
        if classifier is None:
            return np.zeros(len(self._ids), dtype=np.float32), 0.0
        if self._classifier_rows is None or self._classifier_rows[0] is not classifier:
            index = {name: row for row, name in enumerate(classifier.classes)}
            rows = np.array([index.get(entry_id, -1) for entry_id in self._ids], dtype=np.intp)
            self._classifier_rows = (classifier, rows, index.get(DECLINE, -1))
        _, rows, decline = self._classifier_rows
        probabilities = classifier.probabilities(vector)
        per_entry = np.where(rows >= 0, probabilities[rows], 0.0).astype(np.float32)
        return per_entry, float(probabilities[decline]) if decline >= 0 else 0.0

    # --- question processing -------------------------------------------------------------

    def _repair_word(self, word: str) -> tuple[str, bool]:
        """The knowledge-base word `word` most likely meant, and whether it was changed.

        A word the embedding model's tokenizer holds whole is a real word and stays itself. A typo
        keeps its first letter and is one edit away (two for words of eight letters or
        more; a swap of two letters is one edit). A word under eight letters is never repaired into a
        shorter one, so "playing" stays itself rather than becoming "paying", unless the shorter one
        is the word with a doubled letter made single ("mathh" is "math")."""
        if word in self._repair_target_set or word in self.vocabulary.stopwords or len(word) < 3 or word.isdigit():
            return word, False
        # A real word is what the member meant ("react" is not a typo of "reach").
        if word in self.vocabulary.keep or (len(word) >= 5 and semantic_module.is_word(word)):
            return word, False
        if len(word) <= 4:
            return self._repair_short(word)
        allowed = 1 if len(word) < 8 else 2
        bucket = self._by_first_letter.get(word[0], ())
        found = process.extract(word, bucket, scorer=OSA.distance, score_cutoff=allowed, limit=None)
        candidates = [
            (distance, not _undoubled(word, candidate), abs(len(candidate) - len(word)), candidate)
            for candidate, distance, _ in found
            if len(word) >= 8 or len(candidate) >= len(word) or _undoubled(word, candidate)
        ]
        if not candidates:
            return word, False
        return min(candidates)[3], True

    def _repair_short(self, word: str) -> tuple[str, bool]:
        """Words of three or four letters are only repaired for swapped letters ("mcuh" → "much")."""
        for candidate in self._by_letters.get("".join(sorted(word)), ()):
            if OSA.distance(word, candidate) == 1:
                return candidate, True
        return word, False

    def _query(self, question: str) -> _Query:
        repaired: list[str] = []
        changed: set[str] = set()
        for word in text.words(_read_arrows(question)):
            if word.isdigit():
                continue
            fixed, was_changed = self._repair(word)
            repaired.append(fixed)
            if was_changed:
                changed.update(self.vocabulary.canonical_terms([fixed]))
        query_terms = self.vocabulary.canonical_terms(repaired)
        unique: list[str] = []
        for term in query_terms:
            if term not in unique:
                unique.append(term)
        weights = tuple(
            (self._idf.get(term, self._unknown_idf)) * (_REPAIRED_WEIGHT if term in changed else 1.0) for term in unique
        )
        known = sum(term in self._idf for term in unique)
        return _Query(tuple(unique), weights, known)

    # --- ranking ---------------------------------------------------------------------------

    def rank(self, question: str, limit: int = CANDIDATES) -> list[Hit]:
        """Entries for `question`, best first, each with its hybrid score."""
        return [hit for hit, _ in self._hybrid(question).ranked[:limit]]

    def _semantic(self, vector: np.ndarray, question: str, leave_out: bool) -> np.ndarray:
        """Per entry, the cosine similarity of `vector` to the entry's closest phrasing.

        With `leave_out`, a labelled question does not match itself, so training (and the
        tuning-set figures) see the similarity a new question would get."""
        if not vector.any():
            return np.zeros(len(self._ids), dtype=np.float32)
        own = self._exemplar_rows.get(text.normalize(question)) if leave_out else None
        if self._entry_centroids is None:
            similarities = self._vectors @ vector
            if own:
                similarities[own] = -1.0
            return np.maximum.reduceat(similarities, self._vector_starts)
        # Thousands of entries: the entries whose average row is closest are a shortlist, and only
        # their rows are compared; the others count as unrelated. Reading every row is what costs.
        shortlist = np.sort(np.argpartition(-(self._entry_centroids @ vector), _SHORTLIST)[:_SHORTLIST])
        starts, ends = self._vector_starts[shortlist], self._vector_ends[shortlist]
        rows = np.concatenate([np.arange(start, end) for start, end in zip(starts, ends, strict=True)])
        similarities = self._vectors[rows] @ vector
        if own:
            similarities[np.isin(rows, own)] = -1.0
        sizes = ends - starts
        result = np.full(len(self._ids), -1.0, dtype=np.float32)
        result[shortlist] = np.maximum.reduceat(similarities, np.concatenate([[0], np.cumsum(sizes)[:-1]]))
        return result

    def _scores(
        self, query: _Query, semantic: np.ndarray, classified: np.ndarray
    ) -> dict[int, tuple[float, float, float, float]]:
        """(fused, lexical, semantic, classifier) for the lexical, semantic and classifier candidates
        of one text."""
        known = [self._term_ids[term] for term in query.terms if term in self._term_ids]
        bm25 = self._bm25.get_scores(known) if known else np.zeros(len(self._ids))
        count = min(CANDIDATES, len(self._ids))
        lexical_top = [int(i) for i in np.lexsort((np.arange(len(bm25)), -bm25))[:count] if bm25[i] > 0.0]
        semantic_top = [int(i) for i in np.lexsort((np.arange(len(semantic)), -semantic))[:count]]
        classifier_top = [
            int(i) for i in np.lexsort((np.arange(len(classified)), -classified))[:count] if classified[i] > 0
        ]
        total_weight = sum(query.weights)
        query_weights = dict(zip(query.terms, query.weights, strict=True))
        scores: dict[int, tuple[float, float, float, float]] = {}
        for index in dict.fromkeys(lexical_top + semantic_top + classifier_top):
            lexical = 0.0
            if bm25[index] > 0.0 and total_weight > 0.0:
                fields = self._field_terms[index]
                coverage = sum(weight * fields.get(term, 0.0) for term, weight in query_weights.items()) / total_weight
                fit = self._phrasing_fit(query_weights, total_weight, index)
                lexical = _COVERAGE_SHARE * coverage + _PHRASING_SHARE * fit
            similarity = max(float(semantic[index]), 0.0)
            probability = float(classified[index])
            fused = _LEXICAL_WEIGHT * lexical + _SEMANTIC_WEIGHT * similarity + _CLASSIFIER_WEIGHT * probability
            scores[index] = (fused, lexical, similarity, probability)
        return scores

    def _hybrid(self, question: str, leave_out: bool = False) -> _Ranking:
        """Every candidate entry, best first, with (fused, lexical, semantic, classifier), and what
        was read from the question's intent on the way.

        A long message is scored twice, as its asking sentences and as a whole, and the two are
        blended so the member's description of themselves does not drown the question."""
        intent = scope.intent_text(question) if scope.is_long(question) else question
        texts = [intent] if intent == question else [intent, question]
        vectors = semantic_module.embed([_read_arrows(text_) for text_ in texts])
        queries = [self._query(text_) for text_ in texts]
        classified = [self._classified(vector) for vector in vectors]
        per_text = [
            self._scores(query, self._semantic(vector, question, leave_out), per_entry)
            for query, vector, (per_entry, _) in zip(queries, vectors, classified, strict=True)
        ]
        if len(per_text) == 1:
            combined = per_text[0]
        else:
            combined = {}
            for index in dict.fromkeys([*per_text[0], *per_text[1]]):
                parts = [scores.get(index, (0.0, 0.0, 0.0, 0.0)) for scores in per_text]
                combined[index] = tuple(  # type: ignore[assignment]
                    _INTENT_SHARE * a + (1 - _INTENT_SHARE) * b for a, b in zip(parts[0], parts[1], strict=True)
                )
        intent_terms = queries[0].terms  # texts[0] is the intent
        role_only = set(intent_terms) - _ROLE_ONLY_EXTRAS
        if len(role_only) == 1:
            _favour(combined, self._position.get(ROLE_ENTRIES.get(next(iter(role_only)), "")), _ROLE_ONLY_BONUS)
        directions = {DIRECTION_ENTRIES[term] for term in intent_terms if term in DIRECTION_ENTRIES}
        if len(directions) == 1:
            _favour(combined, self._position.get(directions.pop()), _DIRECTION_BONUS)
        exact = self._exact.get(text.normalize(question))
        if exact is not None and combined:
            # The question is word for word one of an entry's phrasings (a title, or a phrasing an
            # admin taught): that entry comes first, whatever looks close to it.
            best = max(scores[0] for scores in combined.values())
            _, *rest = combined.get(exact, (0.0, 0.0, 0.0, 0.0))
            combined[exact] = (best + _EXACT_BONUS, *rest)  # type: ignore[assignment]
        which_path, summary = scope.asks_which_path(question), scope.asks_summary(question)
        if which_path or summary:
            _favour(combined, self._choosing, _WHICH_PATH_BONUS)
        ordered = sorted(combined.items(), key=lambda item: (-item[1][0], item[0]))
        return _Ranking(
            [(Hit(self._ids[i], self._titles[i], round(min(max(s[0], 0.0), 1.0), 4)), s) for i, s in ordered],
            queries[0],
            vectors[0],
            classified[0][1],
            which_path,
            summary,
        )

    def _phrasing_fit(self, query_weights: dict[str, float], total_weight: float, index: int) -> float:
        """How well the question and the entry's closest phrasing cover each other (F1 of weights)."""
        best = 0.0
        for phrasing in self._phrasings[index]:
            shared = sum(weight for term, weight in query_weights.items() if term in phrasing)
            if shared <= 0.0:
                continue
            phrasing_weight = sum(query_weights.get(term) or self._idf.get(term, _IDF_FLOOR) for term in phrasing)
            precision = shared / total_weight
            recall = shared / phrasing_weight
            best = max(best, 2 * precision * recall / (precision + recall))
        return best

    def signals(self, question: str, leave_out: bool = False) -> tuple[list[Hit], tuple[float, ...]]:
        """The ranked entries and the decision model's signals (see decision.FEATURES) for `question`.

        `leave_out` ignores the question's own copy among the labelled questions (for training)."""
        ranking = self._hybrid(question, leave_out)
        ranked, query, vector, decline = ranking.ranked, ranking.intent_query, ranking.intent_vector, ranking.decline
        total = sum(query.weights)
        known_weight = sum(w for t, w in zip(query.terms, query.weights, strict=True) if t in self._idf)
        known = known_weight / total if total else 0.0
        domain = float(self._centroid @ vector) if vector.any() else 0.0
        negative = 0.0
        if len(self._negatives) and vector.any():
            similarities = self._negatives @ vector
            own = self._negative_rows.get(text.normalize(question)) if leave_out else None
            if own:
                similarities[own] = -1.0
            negative = max(float(similarities.max()), 0.0)
        first = ranked[0][1] if ranked else (0.0, 0.0, 0.0, 0.0)
        classifier = self.classifier
        # An entry the classifier does not know gets what it says about the question.
        known_to_classifier = bool(ranked) and classifier is not None and ranked[0][0].entry_id in classifier.classes
        second = ranked[1][1][0] if len(ranked) > 1 else 0.0
        values: tuple[float, ...] = (
            first[1],
            first[2],
            first[0],
            first[0] - second,
            negative,
            first[2] - negative,
            known,
            domain,
            math.log1p(len(text.words(question))),
            1.0 if _ROLE_TERMS & set(query.terms) else 0.0,
            1.0 if ranking.which_path else 0.0,
            1.0 if ranking.summary else 0.0,
            first[3] if known_to_classifier else 1.0 - decline,
            decline,
        )
        if ranked and ranked[0][0].entry_id in self._own:
            # A server's own entry covers a subject of its choosing: the signals that say how near
            # the question is to the guide's subject take their average value, so they neither
            # help nor hurt, and the question is judged on how well it matches the entry.
            mean = self.decision.mean
            values = tuple(
                mean[i] if name in _GUIDE_SIGNALS else v
                for i, (name, v) in enumerate(zip(FEATURES, values, strict=True))
            )
        return [hit for hit, _ in ranked], values

    def match(self, question: str, leave_out: bool = False) -> Match:
        """Answer `question` with one entry, or decline it with up to three suggestions.

        `leave_out` scores a labelled question as if it were new (see signals)."""
        ranked, values = self.signals(question, leave_out)
        # The rules speak for the guide; a server's own entry may answer what the guide does not.
        uncovered = None if ranked and ranked[0].entry_id in self._own else scope.uncovered_subject(question)
        # The guide says nothing on these subjects, so no entry may answer them, however close.
        probability = self.decision.probability(values) if ranked and uncovered is None else 0.0
        matched = bool(ranked) and probability >= self.threshold
        which_path = scope.asks_which_path(question)
        suggestions: tuple[Hit, ...] = ()
        if not matched:
            suggestions = tuple(hit for hit in ranked if hit.score >= SUGGESTION_FLOOR)[:MAX_SUGGESTIONS]
            if not suggestions and ranked and (uncovered or which_path):
                suggestions = tuple(ranked[:MAX_SUGGESTIONS])
        return Match(
            question=question,
            normalized=text.normalize(question),
            matched=matched,
            score=round(probability, 4),
            ranked=tuple(ranked[:CANDIDATES]),
            suggestions=suggestions,
            uncovered=None if matched else uncovered,
            which_path=which_path,
        )

    def autocomplete(self, typed: str, limit: int = MAX_AUTOCOMPLETE) -> list[Hit]:
        """Entries to offer while a member types a /faq topic: at most `limit`, best first, no repeats.

        Complete words go through the full matcher; the word being typed is completed from the
        words of titles and phrasings; a title that contains what was typed, give or take a typo,
        is offered too."""
        limit = max(0, min(limit, MAX_AUTOCOMPLETE))
        typed = text.normalize(typed)
        if not typed:
            return [Hit(i, t, 0.0) for i, t in zip(self._ids[:limit], self._titles[:limit], strict=True)]
        scored: dict[int, float] = {}

        def offer(index: int, score: float) -> None:
            if score > scored.get(index, 0.0):
                scored[index] = score

        for hit in self.rank(typed, CANDIDATES):
            offer(self._position[hit.entry_id], hit.score)
        prefix = typed.split()[-1]
        start = bisect.bisect_left(self._choice_words, prefix)
        for word in itertools.islice(self._choice_words, start, None):
            if not word.startswith(prefix):
                break
            for index, count in self._word_entries[word].items():
                offer(index, _PREFIX_SCORE + _PREFIX_STEP * min(count, 3))
        if len(typed) >= 4:
            for _, value, index in process.extract(
                typed, self._titles_lower, scorer=fuzz.partial_ratio, limit=limit, score_cutoff=80
            ):
                offer(index, float(value) / 100.0 * _TITLE_FUZZY_SHARE)
        ordered = sorted(scored.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [Hit(self._ids[i], self._titles[i], round(score, 4)) for i, score in ordered]
