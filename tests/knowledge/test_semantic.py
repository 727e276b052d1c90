"""The sentence embedding (bot/knowledge/semantic.py): the same vectors as the reference
implementation, the shipped texts stored, and server entries' vectors kept across restarts
while members' questions never reach the disk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from bot.knowledge import semantic
from bot.knowledge.train import DEFAULT_KNOWLEDGE, unstored_texts

# Three texts embedded by sentence-transformers 6.2 from the same model files (normalized).
REFERENCE = Path(__file__).with_name("minilm-reference.npz")


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


@pytest.fixture
def fresh() -> Iterator[None]:
    semantic.forget()
    yield
    semantic.use_cache_file(None)
    semantic.forget()


def test_the_numpy_forward_pass_gives_the_reference_vectors() -> None:
    with np.load(REFERENCE) as reference:
        texts, expected = [str(text) for text in reference["texts"]], reference["vectors"]
    ours = semantic.compute(texts)
    assert ours.shape == (3, semantic.DIMENSIONS)
    assert np.all(cosines(ours, expected) > 0.9999)


def test_a_batch_gives_what_one_text_at_a_time_gives() -> None:
    texts = ["ml eng salary?", "what does an ml engineer do all day at work, roughly", "x"]
    together = semantic.compute(texts)
    alone = np.stack([semantic.compute([text])[0] for text in texts])
    assert np.all(cosines(together, alone) > 0.99999)


def test_slang_lands_nearer_its_meaning_than_another_topic() -> None:
    slang, pay, maths = semantic.embed(
        [
            "who gets fatter paychecks, the chatbot plumbers or the neural net inventors",
            "Which role pays more?",
            "How much maths each role needs",
        ]
    )
    assert slang @ pay > slang @ maths + 0.1


def test_every_shipped_text_is_in_the_stored_table() -> None:
    assert unstored_texts(DEFAULT_KNOWLEDGE) == set()


def test_server_entries_are_kept_across_a_restart_and_questions_never_are(
    fresh: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "crossroads.db-embeddings.npz"
    assert semantic.use_cache_file(cache) == 0
    entry_texts = ["When the study group meets", "every thursday at 18:00 utc on voice"]
    question = "my name is sam and i live at 12 high street, when is the study group"
    before = semantic.embed(entry_texts, content=True)
    semantic.embed([question])
    assert semantic.persist()
    assert not semantic.persist()  # nothing new since
    stored = cache.read_bytes()
    assert b"study group meets" in stored and b"high street" not in stored

    semantic.forget()  # a restart
    assert semantic.use_cache_file(cache) == 2

    def never(texts: object) -> np.ndarray:
        raise AssertionError("a kept text was embedded again")

    monkeypatch.setattr(semantic, "compute", never)
    assert np.array_equal(semantic.embed(entry_texts, content=True), before)


@pytest.mark.parametrize("damage", [b"", b"not a numpy file", b"PK\x03\x04broken"])
def test_a_damaged_cache_file_counts_as_empty(fresh: None, tmp_path: Path, damage: bytes) -> None:
    cache = tmp_path / "embeddings.npz"
    cache.write_bytes(damage)
    assert semantic.use_cache_file(cache) == 0
    semantic.embed(["an entry written after the damage"], content=True)
    assert semantic.persist() and semantic.use_cache_file(cache) == 1
