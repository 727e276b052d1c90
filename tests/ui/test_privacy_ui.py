from __future__ import annotations

import json

from bot import limits
from bot.ui import privacy as ui


def test_counts_read_as_a_sentence() -> None:
    assert ui.describe_counts({"quiz_sessions": 1, "quiz_answers": 0, "asked_questions": 3}) == (
        "1 quiz session and 3 questions you asked"
    )
    assert ui.describe_counts({"quiz_sessions": 2, "quiz_answers": 9, "asked_questions": 1}) == (
        "2 quiz sessions, 9 quiz answers and 1 question you asked"
    )
    assert ui.describe_counts({"quiz_sessions": 0}) == "nothing"


def test_deleted_sentence_lists_what_went() -> None:
    assert ui.deleted_sentence({"quiz_sessions": 1, "quiz_answers": 2, "asked_questions": 0}) == (
        "Done. Removed 1 quiz session and 2 quiz answers. Crossroads now stores nothing about you."
    )
    assert "nothing left to delete" in ui.deleted_sentence({"quiz_sessions": 0})


def test_export_file_is_the_data_as_json() -> None:
    data = {"member_id": "5", "quiz_sessions": [{"quiz_id": "path"}], "asked_questions": [{"question": "é?"}]}
    file = ui.export_file(data)
    assert file.filename == ui.EXPORT_FILE
    assert json.loads(file.fp.read().decode("utf-8")) == data


def test_summary_embed_counts_each_kind() -> None:
    data = {
        "member_id": "5",
        "exported_at": "2026-01-01T00:00:00+00:00",
        "quiz_sessions": [{"status": "completed"}, {"status": "in_progress"}],
        "quiz_answers": [{}, {}, {}],
        "asked_questions": [{"matched": 1}, {"matched": 0}],
    }
    embed = ui.summary_embed(data)
    values = {field.name: field.value for field in embed.fields}
    assert values["Quiz sessions"] == "2 in all: 1 completed, 1 in progress."
    assert values["Quiz answers"] == "3 answers to quiz questions."
    assert values["Questions you asked"] == "2 questions with the answer each got (1 had no confident answer)."
    assert ui.has_data(data)
    assert not ui.has_data({"member_id": "5", "quiz_sessions": []})


def test_confirm_buttons_carry_member_and_time_within_discords_limit() -> None:
    view = ui.confirm_view(2**63 - 1, 2_000_000_000.7)
    custom_ids = [item.custom_id for item in view.children]  # type: ignore[attr-defined]
    assert custom_ids == [f"mydata:delete:{2**63 - 1}:2000000000", f"mydata:keep:{2**63 - 1}"]
    assert all(len(custom_id) <= limits.CUSTOM_ID for custom_id in custom_ids)


def test_counts_read_in_the_same_order_whatever_order_they_come_in() -> None:
    assert ui.describe_counts({"asked_questions": 2, "role_grants": 1, "quiz_answers": 1, "quiz_sessions": 1}) == (
        "1 quiz session, 1 quiz answer, 2 questions you asked and 1 record in role grants"
    )
