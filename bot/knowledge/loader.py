"""Reads the knowledge files in a folder and reports every problem at once (file, entry, field)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.decision import data_digest, shipped_model
from bot.knowledge.models import CATEGORY_MAX, Entry, RoleProfile
from bot.knowledge.questions import load_questions, training_files
from bot.knowledge.text import Vocabulary
from bot.knowledge.vocabulary import VocabularyFile, shipped_vocabulary, vocabulary_path
from bot.problems import Problem, read_yaml

TOP_LEVEL_KEYS = ("category", "entries", "profiles")
REQUIRED_PROFILES = ("ai", "ml")

M = TypeVar("M", bound=BaseModel)
log = logging.getLogger(__name__)


def load_knowledge(directory: Path) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Load every `*.yaml` file in `directory`. Returns the knowledge base only when nothing is wrong."""
    if not directory.is_dir():
        return None, [Problem(str(directory), None, None, "the knowledge folder does not exist")]
    files = sorted(p for p in directory.iterdir() if p.suffix in {".yaml", ".yml"} and p.is_file())
    if not files:
        return None, [Problem(str(directory), None, None, "has no .yaml files; add the knowledge entries there")]
    problems: list[Problem] = []
    entries: list[Entry] = []
    entry_file: dict[str, str] = {}
    profiles: list[RoleProfile] = []
    profile_file: dict[str, str] = {}
    for path in files:
        file_entries, file_profiles, file_problems = load_knowledge_file(path)
        problems.extend(file_problems)
        for entry in file_entries:
            if entry.id in entry_file:
                problems.append(
                    Problem(str(path), entry.id, "id", f"the id '{entry.id}' is also used in {entry_file[entry.id]}")
                )
                continue
            entry_file[entry.id] = str(path)
            entries.append(entry)
        for profile in file_profiles:
            if profile.key in profile_file:
                problems.append(
                    Problem(
                        str(path),
                        f"profile {profile.key}",
                        "key",
                        f"the profile '{profile.key}' is also defined in {profile_file[profile.key]}",
                    )
                )
                continue
            profile_file[profile.key] = str(path)
            profiles.append(profile)

    for entry in entries:
        for index, related in enumerate(entry.related):
            if related not in entry_file:
                problems.append(
                    Problem(
                        entry_file[entry.id],
                        entry.id,
                        f"related[{index}]",
                        f"links to '{related}', which is not an entry id",
                    )
                )
    for profile in profiles:
        if profile.entry not in entry_file:
            problems.append(
                Problem(
                    profile_file[profile.key],
                    f"profile {profile.key}",
                    "entry",
                    f"links to '{profile.entry}', which is not an entry id",
                )
            )
    if not problems:
        for key in REQUIRED_PROFILES:
            if key not in profile_file:
                problems.append(
                    Problem(
                        str(directory),
                        f"profile {key}",
                        None,
                        f"the '{key}' role profile is missing; add it under profiles:",
                    )
                )
        if not entries:
            problems.append(Problem(str(directory), None, None, "has no entries; add some under entries:"))
    if problems:
        return None, sorted(problems)
    # Labelled questions are checked against the entries only once the entries themselves load.
    exemplars, negatives, exemplar_problems = _exemplars(directory, set(entry_file))
    problems.extend(exemplar_problems)
    vocabulary, vocabulary_problems = load_vocabulary(directory)
    problems.extend(vocabulary_problems)
    if problems:
        return None, sorted(problems)
    try:
        digest = shipped_model().data_digest
    except ValueError:
        digest = ""
    if digest != data_digest(directory):
        # Still usable (its signals do not depend on particular entries), but no longer calibrated on this data.
        log.warning("The /ask decision model was trained on other content; run python -m bot.knowledge.train")
    return KnowledgeBase(entries, profiles, exemplars=exemplars, negatives=negatives, vocabulary=vocabulary), []


def load_vocabulary(directory: Path) -> tuple[Vocabulary | None, list[Problem]]:
    """The matcher's vocabulary in `directory` (vocabulary/vocabulary.yaml), validated; the shipped
    one when the folder has none."""
    path = vocabulary_path(directory)
    if not path.is_file():
        return shipped_vocabulary(), []
    raw, unreadable = read_yaml(path)
    if unreadable is not None:
        return None, [unreadable]
    if not isinstance(raw, dict):
        return None, [
            Problem(str(path), None, None, "must be a mapping with phrases:, synonyms:, stopwords: and keep:")
        ]
    try:
        return VocabularyFile.model_validate(raw).build(), []
    except ValidationError as exc:
        return None, [_problem(str(path), "vocabulary", error) for error in exc.errors()]


def _exemplars(directory: Path, entry_ids: set[str]) -> tuple[list[tuple[str, str]], list[str], list[Problem]]:
    """The labelled member questions in `directory`/decision: (question, entry id) pairs for the
    answerable ones, and the questions that must be declined."""
    pairs: list[tuple[str, str]] = []
    negatives: list[str] = []
    problems: list[Problem] = []
    for path in training_files(directory):
        try:
            questions = load_questions(path)
        except (OSError, ValueError, KeyError, TypeError, yaml.YAMLError) as error:
            problems.append(Problem(str(path), None, None, f"cannot read the labelled questions: {error}"))
            continue
        for item in questions.on_topic:
            unknown = [entry_id for entry_id in item.ids if entry_id not in entry_ids]
            if unknown or not item.ids:
                problems.append(Problem(str(path), item.question, "ids", f"names no existing entry: {unknown}"))
                continue
            pairs.append((item.question, item.ids[0]))
        negatives.extend(item.question for item in questions.off_topic + questions.not_covered)
    return pairs, negatives, problems


def load_knowledge_file(path: Path) -> tuple[list[Entry], list[RoleProfile], list[Problem]]:
    """Parse and validate one knowledge file; valid items are returned even when others are not."""
    file = str(path)
    raw, unreadable = read_yaml(path)
    if unreadable is not None:
        return [], [], [unreadable]
    if raw is None:
        return [], [], [Problem(file, None, None, "is empty; add entries: or profiles:, or delete the file")]
    if not isinstance(raw, dict):
        return [], [], [Problem(file, None, None, "must be a mapping with entries: and/or profiles:")]
    problems: list[Problem] = []
    for key in raw:
        if key not in TOP_LEVEL_KEYS:
            problems.append(Problem(file, None, str(key), "unknown key (use category:, entries: or profiles:)"))
    if not any(key in raw for key in ("entries", "profiles")):
        problems.append(Problem(file, None, None, "has neither entries: nor profiles:"))
    category = raw.get("category")
    if category is not None and not (isinstance(category, str) and 0 < len(category.strip()) <= CATEGORY_MAX):
        problems.append(Problem(file, None, "category", f"must be a group name of 1 to {CATEGORY_MAX} characters"))
        category = None
    entries = _load_items(file, raw.get("entries"), "entries", Entry, "id", problems)
    if isinstance(category, str):
        # The file's category is the default; an entry may name its own.
        entries = [e if e.category else e.model_copy(update={"category": category.strip()}) for e in entries]
    profiles = _load_items(file, raw.get("profiles"), "profiles", RoleProfile, "key", problems)
    return entries, profiles, problems


def _load_items(file: str, raw: Any, section: str, model: type[M], id_key: str, problems: list[Problem]) -> list[M]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(Problem(file, None, section, "must be a list"))
        return []
    items: list[M] = []
    for index, item in enumerate(raw):
        label = _label(item, index, section, id_key)
        if not isinstance(item, dict):
            problems.append(Problem(file, label, None, "must be a mapping of fields"))
            continue
        try:
            items.append(model.model_validate(item))
        except ValidationError as exc:
            problems.extend(_problem(file, label, error) for error in exc.errors())
    return items


def _label(item: Any, index: int, section: str, id_key: str) -> str:
    value = item.get(id_key) if isinstance(item, dict) else None
    if isinstance(value, str) and value.strip():
        return value if section == "entries" else f"profile {value}"
    return f"{section}[{index}]"


def _problem(file: str, entry: str, error: Any) -> Problem:
    parts: list[str] = []
    for part in error.get("loc", ()):
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + str(part))
    field = "".join(parts) or None
    kind = error.get("type", "")
    message = str(error.get("msg", "is invalid"))
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if kind == "extra_forbidden":
        message = "unknown key (check the spelling)"
    elif kind == "missing":
        message = "is required"
    elif kind == "string_too_short":
        message = "is empty; write something or remove the field"
    elif kind == "too_short":
        message = "is empty; give at least one item"
    elif kind == "string_too_long":
        limit = (error.get("ctx") or {}).get("max_length")
        length = len(error.get("input", "")) if isinstance(error.get("input"), str) else None
        message = f"is {length} characters; the limit is {limit} (what Discord can show there)"
    elif kind == "string_pattern_mismatch":
        message = "must be a lowercase slug: letters, digits and hyphens"
    return Problem(file, entry, field, message)
