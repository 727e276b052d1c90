"""The answer-or-decline model: trained from the labelled questions in data/knowledge/decision/,
with its bar chosen on held-out questions, and stored in step with that data."""

from __future__ import annotations

import pytest

from bot.knowledge.decision import MODEL_PATH, DecisionModel, shipped_model
from bot.knowledge.questions import load_training
from bot.knowledge.train import DEFAULT_KNOWLEDGE, data_digest, main, train
from tests.knowledge.evaluation import SEALED


def test_the_stored_model_was_trained_from_the_shipped_data() -> None:
    assert shipped_model().data_digest == data_digest(DEFAULT_KNOWLEDGE), (
        "data/knowledge changed since the decision model was trained: run python -m bot.knowledge.train"
    )
    assert main(["--check"]) == 0


def test_retraining_gives_the_stored_model() -> None:
    fresh = train(DEFAULT_KNOWLEDGE)
    stored = shipped_model()
    assert fresh.bar == stored.bar
    assert fresh.coef == pytest.approx(stored.coef, abs=1e-4)
    assert fresh.intercept == pytest.approx(stored.intercept, abs=1e-4)


def test_the_model_round_trips_through_json() -> None:
    model = shipped_model()
    assert DecisionModel.from_json(model.to_json()) == model
    assert MODEL_PATH.read_text(encoding="utf-8") == model.to_json()


def test_a_model_for_other_signals_is_refused() -> None:
    text = shipped_model().to_json().replace('"lexical"', '"something-else"')
    with pytest.raises(ValueError):
        DecisionModel.from_json(text)


def test_the_probability_rises_with_the_evidence() -> None:
    model = shipped_model()
    weak = [0.0 if weight > 0 else 1.0 for weight in model.coef]
    strong = [1.0 if weight > 0 else 0.0 for weight in model.coef]
    assert 0.0 <= model.probability(weak) < model.bar <= model.probability(strong) <= 1.0


def test_the_training_data_is_big_enough_and_apart_from_the_sealed_sets() -> None:
    questions = load_training(DEFAULT_KNOWLEDGE)
    assert len(questions.on_topic) >= 300
    assert len(questions.off_topic) >= 150
    assert sum(item.kind == "near" for item in questions.off_topic) * 2 >= 90
    training = {item.question.lower() for item in questions.on_topic + questions.off_topic + questions.not_covered}
    for name, sealed in SEALED.items():
        asked = {item.question.lower() for item in sealed.on_topic + sealed.off_topic + sealed.not_covered}
        assert not training & asked, f"{name} questions must never be training data"


def test_the_held_out_figures_are_recorded() -> None:
    held_out = shipped_model().held_out
    assert set(held_out) == {"right", "declined"}
    assert held_out["declined"] >= 0.95
