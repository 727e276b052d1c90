"""Sentence embeddings for the matcher: WordLlama's ``l2_supercat_256`` static embedding model.

The weights and the tokenizer configuration ship inside the ``wordllama`` wheel. WordLlama looks
for the tokenizer under ``<cache_dir>/tokenizers/``, which is exactly where the wheel installs it
when the cache directory is the package folder itself, so the model loads with downloads
disabled and nothing is fetched at run time. One model is shared by every knowledge base.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import threadpoolctl

MODEL = "l2_supercat"
WEIGHTS_DIMENSIONS = 256
# The model is trained Matryoshka-style, so its first 128 dimensions are an embedding of their
# own: half the memory to scan per question, which keeps 5,000 entries within the latency target.
# The entry classifier (classifier.py), which looks at one question at a time, reads all 256.
DIMENSIONS = 128

Vectors = npt.NDArray[np.float32]

_lock = threading.Lock()
_model: Any = None


class EmbeddingUnavailable(RuntimeError):
    """The embedding model is not installed or its files are missing."""


def _load() -> Any:
    global _model
    with _lock:
        if _model is None:
            try:
                import wordllama
            except ImportError as error:  # pragma: no cover - a broken install
                raise EmbeddingUnavailable("the wordllama package is not installed") from error
            # Questions are embedded and compared one at a time: small matrix products, which a
            # pool of BLAS threads slows down on a busy machine (5,000 entries: 14 ms → 2 ms).
            threadpoolctl.threadpool_limits(limits=1, user_api="blas")
            package = Path(wordllama.__file__).parent
            try:
                _model = wordllama.WordLlama.load(
                    config=MODEL, dim=WEIGHTS_DIMENSIONS, cache_dir=package, disable_download=True
                )
            except FileNotFoundError as error:
                raise EmbeddingUnavailable(f"the {MODEL} model files are missing from the wordllama package") from error
        return _model


def _unit(vectors: Vectors) -> Vectors:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def embed_full(texts: Sequence[str]) -> Vectors:
    """Unit-length embeddings with all the model's dimensions, one row per text (a zero row for
    text with no known tokens)."""
    if not texts:
        return np.zeros((0, WEIGHTS_DIMENSIONS), dtype=np.float32)
    # The tokenizer takes valid Unicode only; a lone surrogate (possible in Discord input) is replaced.
    clean = [text.encode("utf-8", "replace").decode("utf-8") for text in texts]
    return _unit(np.asarray(_load().embed(clean, norm=False), dtype=np.float32))


def shorten(vectors: Vectors) -> Vectors:
    """The first DIMENSIONS of full embeddings, at unit length again (the Matryoshka embedding)."""
    return _unit(np.ascontiguousarray(vectors[:, :DIMENSIONS]))


def embed(texts: Sequence[str]) -> Vectors:
    """Unit-length embeddings of DIMENSIONS, one row per text (a zero row for text with no known tokens)."""
    return shorten(embed_full(texts))


def is_word(word: str) -> bool:
    """Whether the model's tokenizer holds `word` whole: a word of the language, not a typo.

    The tokenizer's 32,000 pieces include common English words and the names members use for
    their tools ("react", "pandas"), so a word it knows is never "repaired" into another word."""
    return _load().tokenizer.token_to_id("\u2581" + word) is not None


def warm_up() -> None:
    """Load the model now (start-up), so the first question does not pay for it."""
    _load()
