"""Train the answer-or-decline model from the labelled questions in ``data/knowledge/decision/``.

    python -m bot.knowledge.train            # retrain; write decision_model.json and embeddings.npz
    python -m bot.knowledge.train --check    # exit 1 when the stored model does not match the data

The entry classifier (classifier.py) is fitted on the entries' phrasings and answer lines and on
the labelled questions. Each labelled question is run through the matcher; it is a positive
example when it is on topic and the top-ranked entry holds the right facts, and a negative one
otherwise (off topic, not covered by the guide, or on topic but ranked wrong, where answering
would be a confident wrong answer). The questions are dealt at random (fixed seed) into four
folds; each fold is ranked with a classifier fitted without it and scored by a decision model
fitted on the other three, so every question is held out once, and the bar is chosen on those
held-out probabilities only. The stored classifier and model are then fitted on all the questions.

Training first stores the embedding of every text it reads (semantic.TABLE_PATH) and then trains
from that table, so the bot starts without embedding the shipped content and a retraining gives
the stored model exactly.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

from bot.knowledge import classifier, scope, semantic
from bot.knowledge.classifier import DECLINE, EntryClassifier
from bot.knowledge.decision import MODEL_PATH, DecisionModel, data_digest
from bot.knowledge.matcher import Matcher, answer_lines
from bot.knowledge.models import Entry
from bot.knowledge.questions import load_training

DEFAULT_KNOWLEDGE = Path(__file__).resolve().parents[2] / "data" / "knowledge"
FOLDS = 4
SEED = 7
# The bar keeps at least this share of held-out off-topic questions declined.
DECLINE_TARGET = 0.95
REGULARISATION = 1.0


def _deal(groups: np.ndarray) -> np.ndarray:
    """Each question's fold: dealt at random (fixed seed), each group spread evenly over the folds."""
    order = np.random.default_rng(SEED).permutation(len(groups))
    fold = np.zeros(len(groups), dtype=np.intp)
    for group in np.unique(groups):
        members = order[groups[order] == group]
        fold[members] = np.arange(len(members)) % FOLDS
    return fold


def examples(
    matcher: Matcher, knowledge_dir: Path, entries: list[Entry]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, EntryClassifier]:
    """Signals, labels, group (0 on topic, 1 off topic, 2 not covered), whether a rule declines it
    (scope.py) and fold, for every labelled question, and the entry classifier fitted on all of them.

    Each fold's signals come from a matcher whose entry classifier was fitted without that fold,
    so every question is scored as a new one would be."""
    questions = load_training(knowledge_dir)
    items = [
        (group, item)
        for group, part in enumerate((questions.on_topic, questions.off_topic, questions.not_covered))
        for item in part
    ]
    groups = np.array([group for group, _ in items])
    fold = _deal(groups)
    # The classifier learns from the entries' own phrasings and answer lines, and the labelled questions.
    own_texts = [(text, entry.id) for entry in entries for text in [*entry.phrasings(), *answer_lines(entry.answer)]]
    own_vectors = semantic.embed([text for text, _ in own_texts])
    own_labels = [entry_id for _, entry_id in own_texts]
    asked = semantic.embed([item.question for _, item in items])
    asked_labels = [item.ids[0] if group == 0 else DECLINE for group, item in items]

    def fitted(keep: np.ndarray) -> EntryClassifier:
        vectors = np.concatenate([own_vectors, asked[keep]])
        return classifier.fit(vectors, own_labels + [label for label, k in zip(asked_labels, keep, strict=True) if k])

    rows: list[tuple[float, ...]] = [()] * len(items)
    labels = np.zeros(len(items), dtype=np.intp)
    for number in range(FOLDS):
        held = fold == number
        matcher.use_classifier(fitted(~held))
        for index in np.flatnonzero(held):
            group, item = items[index]
            ranked, values = matcher.signals(item.question, leave_out=True)
            rows[index] = values
            labels[index] = int(group == 0 and bool(ranked) and ranked[0].entry_id in item.ids)
    matcher.use_classifier(None)
    ruled = np.array([scope.uncovered_subject(item.question) is not None for _, item in items])
    return np.array(rows, dtype=np.float64), labels, groups, ruled, fold, fitted(np.ones(len(items), dtype=bool))


def _choose_bar(probabilities: np.ndarray, labels: np.ndarray, groups: np.ndarray) -> tuple[float, dict[str, float]]:
    """The bar that answers the most held-out on-topic questions rightly while declining at least
    DECLINE_TARGET of the held-out off-topic ones (the best balance if no bar reaches it)."""
    on, off = groups == 0, groups != 0
    best: tuple[tuple[bool, float], float, dict[str, float]] | None = None
    for bar in np.round(np.arange(0.05, 0.951, 0.005), 3):
        answered = probabilities >= bar
        right = float(np.mean(answered[on] & (labels[on] == 1))) if on.any() else 1.0
        declined = float(np.mean(~answered[off])) if off.any() else 1.0
        key = (declined >= DECLINE_TARGET, right + (declined if declined < DECLINE_TARGET else 0.0))
        if best is None or key > best[0]:
            best = (key, float(bar), {"right": round(right, 4), "declined": round(declined, 4)})
    assert best is not None
    return best[1], best[2]


def _fit(features: np.ndarray, labels: np.ndarray) -> tuple[Any, np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=REGULARISATION, max_iter=2000)
    model.fit((features - mean) / scale, labels)
    return model, mean, scale


def train(knowledge_dir: Path = DEFAULT_KNOWLEDGE) -> DecisionModel:
    from bot.knowledge.loader import load_knowledge

    knowledge, problems = load_knowledge(knowledge_dir)
    if knowledge is None:
        raise SystemExit("the knowledge base does not load: " + "; ".join(str(p) for p in problems))
    features, labels, groups, ruled, fold, entry_classifier = examples(
        knowledge.matcher, knowledge_dir, list(knowledge.entries())
    )
    # Subjects the guide does not cover are declined by rule; the model learns the rest.
    keep = groups != 2
    features, labels, groups, ruled, fold = features[keep], labels[keep], groups[keep], ruled[keep], fold[keep]
    # Every question is held out once: each fold's probabilities come from a model fitted on the
    # other folds, and the bar is chosen on all of them; the stored model is fitted on everything.
    probabilities = np.zeros(len(labels))
    for number in range(FOLDS):
        held = fold == number
        fitted, mean, scale = _fit(features[~held], labels[~held])
        probabilities[held] = fitted.predict_proba((features[held] - mean) / scale)[:, 1]
    # The bar is chosen on what members would see: a question a rule declines is never answered.
    probabilities[ruled] = 0.0
    bar, held_out = _choose_bar(probabilities, labels, groups)
    model, mean, scale = _fit(features, labels)
    return DecisionModel(
        mean=tuple(round(float(x), 6) for x in mean),
        scale=tuple(round(float(x), 6) for x in scale),
        coef=tuple(round(float(x), 6) for x in model.coef_[0]),
        intercept=round(float(model.intercept_[0]), 6),
        bar=bar,
        data_digest=data_digest(knowledge_dir),
        held_out=held_out,
        classifier=entry_classifier,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.knowledge.train", description=__doc__.splitlines()[0])
    parser.add_argument("--knowledge", type=Path, default=DEFAULT_KNOWLEDGE, help="the knowledge folder")
    parser.add_argument("--check", action="store_true", help="only check that the stored model matches the data")
    args = parser.parse_args(argv)
    if args.check:
        stored = DecisionModel.from_json(MODEL_PATH.read_text(encoding="utf-8"))
        if stored.data_digest != data_digest(args.knowledge):
            print("The decision model is out of date: run python -m bot.knowledge.train", file=sys.stderr)
            return 1
        if missing := unstored_texts(args.knowledge):
            print(
                f"The stored embeddings lack {len(missing)} of the content's texts: run python -m bot.knowledge.train",
                file=sys.stderr,
            )
            return 1
        print("The decision model and the stored embeddings match the data.")
        return 0
    with semantic.recording() as seen:
        train(args.knowledge)
    semantic.write_table(seen)
    model = train(args.knowledge)
    MODEL_PATH.write_text(model.to_json(), encoding="utf-8")
    print(f"Wrote {MODEL_PATH.name}: bar {model.bar}, held out {model.held_out}")
    print(f"Wrote {semantic.TABLE_PATH.name}: {len(seen)} texts")
    return 0


def unstored_texts(knowledge_dir: Path = DEFAULT_KNOWLEDGE) -> set[str]:
    """The texts a matcher over `knowledge_dir` embeds at start that the stored table lacks."""
    from bot.knowledge.loader import load_knowledge

    with semantic.recording() as seen:
        load_knowledge(knowledge_dir)
    return seen - semantic.stored_texts()


if __name__ == "__main__":
    sys.exit(main())
