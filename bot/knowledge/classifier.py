"""Which entry answers a question, read from its embedding by a linear classifier.

Similarity to the closest phrasing only knows the phrasings written down. A linear model over
the whole embedding (all 384 dimensions), fitted on every phrasing, answer line and labelled
member question, with the questions the guide must decline as one more class, learns which
directions of the embedding mean which entry, so a question in words no phrasing uses still
lands on its entry, and its probability of the extra class says how off-topic the question reads.
It is fitted by ``python -m bot.knowledge.train`` together with the decision model and stored in
the same file; applying it is one matrix product.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

# The class of questions the guide must decline (no entry id can be empty).
DECLINE = ""
# Regularisation of the fitted classifier (scikit-learn's C): chosen on labelled questions held out.
REGULARISATION = 10.0


@dataclass(frozen=True)
class EntryClassifier:
    """A multinomial logistic regression from a question's embedding to an entry id or DECLINE."""

    classes: tuple[str, ...]
    coef: tuple[tuple[float, ...], ...]  # one row of weights per class
    intercept: tuple[float, ...]

    @cached_property
    def _weights(self) -> npt.NDArray[np.float32]:
        return np.asarray(self.coef, dtype=np.float32)

    @cached_property
    def _bias(self) -> npt.NDArray[np.float32]:
        return np.asarray(self.intercept, dtype=np.float32)

    def probabilities(self, vector: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Per class (in `classes` order), the probability for one full-length embedding."""
        if not vector.any():
            return np.zeros(len(self.classes), dtype=np.float32)
        logits = self._weights @ vector + self._bias
        logits -= logits.max()
        exp = np.exp(logits)
        return exp / exp.sum()

    def to_dict(self) -> dict[str, Any]:
        return {
            "classes": list(self.classes),
            "coef": [list(row) for row in self.coef],
            "intercept": list(self.intercept),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EntryClassifier:
        return cls(
            classes=tuple(str(name) for name in data["classes"]),
            coef=tuple(tuple(float(x) for x in row) for row in data["coef"]),
            intercept=tuple(float(x) for x in data["intercept"]),
        )


def fit(vectors: npt.NDArray[np.float32], labels: list[str]) -> EntryClassifier:
    """Fit the classifier on full-length embeddings and their entry ids (DECLINE for off-topic)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=REGULARISATION, solver="newton-cg", max_iter=1000)
    model.fit(vectors, labels)
    return EntryClassifier(
        classes=tuple(str(name) for name in model.classes_),
        coef=tuple(tuple(round(float(x), 5) for x in row) for row in model.coef_),
        intercept=tuple(round(float(x), 5) for x in model.intercept_),
    )
