"""The /mydata export as a member reads it, made from the plain rows either backend returns."""

from __future__ import annotations

import json

from bot.quizflow.export import readable_export, shown_questions

ROWS = {
    "member_id": "111",
    "exported_at": 2_000_000_000.0,
    "quiz_sessions": [
        {
            "id": 1,
            "plan": json.dumps({"quiz_id": "path", "questions": [{"id": "p0", "answer": "a"}, {"id": "p1"}]}),
            "result": '{"kind": "path", "leaning": "ml"}',
            "started_at": 2_000_000_000.0,
            "finished_at": None,
            "score": None,
        }
    ],
    "trivia_games_started": [{"id": 3, "plan": "not json", "started_at": 1_999_999_000.5}],
}


def test_times_become_iso_results_json_and_plans_the_questions_shown() -> None:
    data = readable_export(ROWS)
    assert data["member_id"] == "111" and data["exported_at"] == "2033-05-18T03:33:20+00:00"
    [session] = data["quiz_sessions"]
    assert session == {
        "id": 1,
        "questions_shown": ["p0", "p1"],
        "result": {"kind": "path", "leaning": "ml"},
        "started_at": "2033-05-18T03:33:20+00:00",
        "finished_at": None,
        "score": None,
    }
    assert data["trivia_games_started"] == [{"id": 3, "questions_shown": [], "started_at": "2033-05-18T03:16:40+00:00"}]
    assert json.loads(json.dumps(data)) == data


def test_a_plan_that_holds_no_questions_shows_none() -> None:
    assert shown_questions(None) == [] and shown_questions("[1, 2]") == [] and shown_questions('{"questions": 3}') == []
