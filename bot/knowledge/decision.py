"""The answer-or-decline decision: a logistic regression over the matcher's signals.

A single score threshold cannot tell a paraphrase of an on-topic question from an off-topic one
that shares its words, so the matcher measures several signals and this model turns them into
the probability that the top-ranked entry is the right answer. (A question on a subject the guide
does not cover is declined by rule before this model is asked; see scope.py.) The coefficients are trained by
``python -m bot.knowledge.train`` from the labelled questions in ``data/knowledge/decision/``
and stored beside this module; ``tests/knowledge/test_decision.py`` retrains and checks that the
stored model and the data agree. Applying it needs only numpy.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from bot.knowledge.classifier import EntryClassifier
from bot.knowledge.questions import training_files

FEATURES: tuple[str, ...] = (
    "lexical",  # the lexical confidence of the top entry (term coverage and closest phrasing)
    "semantic",  # cosine similarity of the question to the top entry's closest phrasing
    "fused",  # the hybrid score that ranked the entries
    "margin",  # how far the top entry is ahead of the second
    "off_topic",  # cosine similarity to the closest labelled question that must be declined
    "contrast",  # semantic minus off_topic: closer to an answerable question or to a declined one
    "known",  # share of the question's weighted terms the knowledge base uses
    "domain",  # cosine similarity of the question to the knowledge base as a whole
    "length",  # log of the number of words
    "role_named",  # the question names one of the two roles (AI, ML, engineer)
    "which_path",  # the member asks which path to take
    "summary",  # the member asks for the guide in short
    "classifier",  # the entry classifier's probability for the top entry (classifier.py)
    "classifier_decline",  # the entry classifier's probability that the question must be declined
)
MODEL_PATH = Path(__file__).with_name("decision_model.json")
_NUMBER_LIST = re.compile(r"\[\s*((?:-?[0-9.e+-]+,\s*)*-?[0-9.e+-]+)\s*\]")


@dataclass(frozen=True)
class DecisionModel:
    """Standardisation, coefficients and the bar chosen on the held-out split, and the entry
    classifier whose probabilities are two of the signals."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    bar: float
    data_digest: str
    held_out: dict[str, float]
    classifier: EntryClassifier | None = None

    def probability(self, signals: Sequence[float]) -> float:
        if len(signals) != len(FEATURES):
            raise ValueError(f"expected {len(FEATURES)} signals, got {len(signals)}")
        z = self.intercept
        for value, mean, scale, weight in zip(signals, self.mean, self.scale, self.coef, strict=True):
            z += weight * (value - mean) / scale
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def to_json(self) -> str:
        data = asdict(self)
        data["features"] = list(FEATURES)
        text = json.dumps(data, indent=2, sort_keys=True)
        # A list of numbers on one line, so the classifier's weights stay one line per class.
        return _NUMBER_LIST.sub(lambda m: "[" + " ".join(m.group(1).split()) + "]", text) + "\n"

    @classmethod
    def from_json(cls, text: str) -> DecisionModel:
        data = json.loads(text)
        if tuple(data.pop("features", ())) != FEATURES:
            raise ValueError("the decision model was trained on different signals; retrain it")
        return cls(
            mean=tuple(data["mean"]),
            scale=tuple(data["scale"]),
            coef=tuple(data["coef"]),
            intercept=float(data["intercept"]),
            bar=float(data["bar"]),
            data_digest=str(data["data_digest"]),
            held_out={str(k): float(v) for k, v in data["held_out"].items()},
            classifier=EntryClassifier.from_dict(data["classifier"]) if data.get("classifier") else None,
        )


def data_digest(knowledge_dir: Path) -> str:
    """A fingerprint of everything the model is trained from: entries, labelled questions and the
    matcher's vocabulary."""
    digest = hashlib.sha256()
    vocabulary = knowledge_dir / "vocabulary" / "vocabulary.yaml"
    files = sorted(knowledge_dir.glob("*.yaml")) + training_files(knowledge_dir) + [vocabulary] * vocabulary.is_file()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(",".join(FEATURES).encode())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def shipped_model() -> DecisionModel:
    """The model trained from the shipped data (read once)."""
    return DecisionModel.from_json(MODEL_PATH.read_text(encoding="utf-8"))
