"""A member's stored rows as the /mydata export shows them.

The store hands over rows as stored (:meth:`bot.storage.protocol.Storage.export_member_data`);
here times become ISO 8601 in UTC, a stored result becomes its JSON value, and a plan (the whole
quiz as it was shown, with its answers) becomes the list of question ids the member was shown.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any


def iso_time(value: Any) -> Any:
    """Epoch seconds as an ISO 8601 time in UTC (anything else as it is)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(float(value), tz=UTC).isoformat(timespec="seconds")
    return value


def shown_questions(plan: Any) -> list[str]:
    """The ids of the questions a stored plan holds, in order ([] when it holds none)."""
    try:
        data = json.loads(plan)
    except (TypeError, ValueError):
        return []
    questions = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(questions, list):
        return []
    return [str(q["id"]) for q in questions if isinstance(q, dict) and "id" in q]


def _readable_row(row: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column, value in row.items():
        if column == "plan":
            out["questions_shown"] = shown_questions(value)
        elif column == "result" and isinstance(value, str):
            try:
                out[column] = json.loads(value)
            except ValueError:
                out[column] = value
        elif column.endswith("_at"):
            out[column] = iso_time(value)
        else:
            out[column] = value
    return out


def readable_export(data: Mapping[str, Any]) -> dict[str, Any]:
    """The export a member downloads: every list of rows made readable, ready for json.dumps."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, list):
            out[key] = [_readable_row(row) for row in value]
        else:
            out[key] = iso_time(value) if key.endswith("_at") else value
    return out
