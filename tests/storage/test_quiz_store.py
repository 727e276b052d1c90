from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from bot.storage import quiz as qs
from bot.storage.protocol import Storage
from tests.storage import raw
from tests.storage.admin_data import Clock

GUILD = 100
HOUR = 3600.0


async def start(
    storage: Storage, user: int = 1, quiz: str = "knowledge", *, guild: int | None = GUILD, replace: bool = False
) -> qs.QuizSession:
    return await storage.create_session(
        guild_id=guild,
        user_id=user,
        quiz_id=quiz,
        quiz_version="v1",
        seed=42,
        plan='{"plan": true}',
        total=3,
        replace=replace,
    )


async def answer(
    storage: Storage,
    session: qs.QuizSession,
    question: str,
    choice: str = "a",
    *,
    position: int,
    finish: qs.Finish | None = None,
    correct: bool | None = True,
) -> qs.Recorded:
    return await storage.record_answer(
        session.id,
        question_id=question,
        choice_id=choice,
        correct=correct,
        expected_position=position,
        finish=finish,
    )


async def finish_knowledge(storage: Storage, clock: Clock, user: int, score: int, *, guild: int = GUILD) -> None:
    session = await start(storage, user, guild=guild)
    for position in range(3):
        clock.now += 1
        done = qs.Finish({"kind": "knowledge", "score": score}, score=score, total=3) if position == 2 else None
        result = await answer(storage, session, f"q{position}", position=position, finish=done)
        assert result.status == "recorded"


async def test_one_session_in_progress_per_member_per_quiz(storage: Storage) -> None:
    first = await start(storage)
    assert first.status == "in_progress" and first.position == 0 and first.total == 3
    with pytest.raises(qs.ActiveSessionExists) as raised:
        await start(storage)
    assert raised.value.session.id == first.id
    other_quiz = await start(storage, quiz="path")
    other_member = await start(storage, user=2)
    assert len({first.id, other_quiz.id, other_member.id}) == 3


async def test_the_database_itself_refuses_a_second_active_session(storage: Storage) -> None:
    await start(storage)
    with pytest.raises(raw.INTEGRITY_ERRORS):
        await raw.execute(
            storage,
            "INSERT INTO quiz_sessions (user_id, quiz_id, quiz_version, seed, plan, started_at, updated_at)"
            " VALUES (1, 'knowledge', 'v1', 1, '{}', 0, 0)",
        )


async def test_start_over_cancels_the_old_session_in_the_same_step(storage: Storage) -> None:
    first = await start(storage)
    second = await start(storage, replace=True)
    old = await storage.get_session(first.id)
    assert old is not None and old.status == "cancelled" and old.finished_at is not None
    active = await storage.active_session(1, "knowledge")
    assert active is not None and active.id == second.id


async def test_answers_are_recorded_once(storage: Storage) -> None:
    session = await start(storage)
    first = await answer(storage, session, "q0", "a", position=0)
    assert first.status == "recorded" and first.session.position == 1
    again = await answer(storage, session, "q0", "b", position=0)
    assert again.status == "duplicate" and again.choice_id == "a"
    stored = await storage.session_answers(session.id)
    assert [(a.question_id, a.choice_id, a.correct) for a in stored] == [("q0", "a", True)]
    current = await storage.get_session(session.id)
    assert current is not None and current.position == 1


async def test_concurrent_double_click_writes_one_answer(storage: Storage) -> None:
    session = await start(storage)
    results = await asyncio.gather(*(answer(storage, session, "q0", c, position=0) for c in "abcab"))
    assert sorted(r.status for r in results) == ["duplicate"] * 4 + ["recorded"]
    assert len(await storage.session_answers(session.id)) == 1


async def test_the_primary_key_makes_a_second_answer_impossible(storage: Storage) -> None:
    session = await start(storage)
    await answer(storage, session, "q0", position=0)
    with pytest.raises(raw.INTEGRITY_ERRORS):
        await raw.execute(
            storage,
            "INSERT INTO quiz_answers (session_id, question_id, choice_id, answered_at) VALUES (?, 'q0', 'b', 0)",
            session.id,
        )


async def test_answer_against_a_moved_position_writes_nothing(storage: Storage) -> None:
    session = await start(storage)
    await answer(storage, session, "q0", position=0)
    moved = await answer(storage, session, "q1", position=0)
    assert moved.status == "moved" and moved.session.position == 1
    assert [a.question_id for a in await storage.session_answers(session.id)] == ["q0"]


async def test_answers_to_cancelled_sessions_are_refused(storage: Storage) -> None:
    session = await start(storage)
    assert await storage.cancel_session(session.id)
    assert not await storage.cancel_session(session.id)
    closed = await answer(storage, session, "q0", position=0)
    assert closed.status == "closed" and closed.session.status == "cancelled"
    assert await storage.session_answers(session.id) == []


async def test_last_answer_completes_the_session_with_its_result(storage: Storage) -> None:
    session = await start(storage, quiz="path")
    await answer(storage, session, "q0", position=0, correct=None)
    await answer(storage, session, "q1", position=1, correct=None)
    last = await answer(
        storage,
        session,
        "q2",
        position=2,
        correct=None,
        finish=qs.Finish({"kind": "path", "leaning": "ai", "strength": 7}, path_result="ai"),
    )
    assert last.status == "recorded"
    done = last.session
    assert done.status == "completed" and done.position == 3 and done.finished_at is not None
    assert done.result == {"kind": "path", "leaning": "ai", "strength": 7}
    assert done.path_result == "ai"
    assert [a.correct for a in await storage.session_answers(session.id)] == [None, None, None]
    assert await storage.active_session(1, "path") is None


async def test_idle_sessions_expire_after_the_default_24_hours(storage: Storage, clock: Clock) -> None:
    session = await start(storage)
    clock.now += 23 * HOUR
    await answer(storage, session, "q0", position=0)
    clock.now += 23 * HOUR
    still = await storage.get_session(session.id)
    assert still is not None and still.status == "in_progress"
    clock.now += 2 * HOUR
    expired = await storage.get_session(session.id)
    assert expired is not None and expired.status == "expired"
    late = await answer(storage, session, "q1", position=1)
    assert late.status == "closed"
    fresh = await start(storage)
    assert fresh.id != session.id


async def test_expiry_follows_the_server_setting(storage: Storage, clock: Clock) -> None:
    await storage.set_quiz_expiry(GUILD, 2)
    short = await start(storage, user=1)
    default = await start(storage, user=2, guild=GUILD + 1)
    from_dm = await start(storage, user=3, guild=None)
    clock.now += 3 * HOUR
    assert await storage.expire_idle_sessions() == 1
    statuses = {s.id: s.status for s in [await storage.get_session(x.id) for x in (short, default, from_dm)] if s}
    assert statuses == {short.id: "expired", default.id: "in_progress", from_dm.id: "in_progress"}


async def test_a_late_answer_on_an_idle_session_is_refused(storage: Storage, clock: Clock) -> None:
    session = await start(storage)
    clock.now += 25 * HOUR
    late = await answer(storage, session, "q0", position=0)
    assert late.status == "closed" and late.session.status == "expired"


async def test_resume_restarts_the_idle_clock(storage: Storage, clock: Clock) -> None:
    session = await start(storage)
    clock.now += 20 * HOUR
    await storage.touch_session(session.id)
    clock.now += 20 * HOUR
    current = await storage.get_session(session.id)
    assert current is not None and current.status == "in_progress"


async def test_discarding_an_undelivered_session_leaves_nothing(storage: Storage) -> None:
    session = await start(storage)
    assert await storage.discard_unstarted(session.id)
    assert await storage.get_session(session.id) is None
    again = await start(storage)
    await answer(storage, again, "q0", position=0)
    assert not await storage.discard_unstarted(again.id)


async def test_leaderboard_ranks_best_scores_and_breaks_ties_by_who_got_there_first(
    storage: Storage, clock: Clock
) -> None:
    await finish_knowledge(storage, clock, user=10, score=2)
    await finish_knowledge(storage, clock, user=11, score=3)
    await finish_knowledge(storage, clock, user=12, score=2)
    await finish_knowledge(storage, clock, user=10, score=3)
    await finish_knowledge(storage, clock, user=11, score=1)
    await finish_knowledge(storage, clock, user=13, score=3, guild=GUILD + 1)
    board = await storage.quiz_leaderboard(GUILD)
    assert [(r.rank, r.user_id, r.score, r.attempts) for r in board] == [
        (1, 11, 3, 2),
        (2, 10, 3, 2),
        (3, 12, 2, 1),
    ]
    mine = await storage.quiz_leaderboard_entry(GUILD, 12)
    assert mine is not None and mine.rank == 3
    assert await storage.quiz_leaderboard_entry(GUILD, 13) is None
    assert await storage.quiz_leaderboard(GUILD + 2) == []


async def test_leaderboard_keeps_the_first_time_a_member_reached_their_best(storage: Storage, clock: Clock) -> None:
    await finish_knowledge(storage, clock, user=20, score=3)
    first_time = clock.now
    await finish_knowledge(storage, clock, user=21, score=3)
    await finish_knowledge(storage, clock, user=20, score=3)
    board = await storage.quiz_leaderboard(GUILD)
    assert [r.user_id for r in board] == [20, 21]
    assert board[0].achieved_at == first_time


async def test_member_progress(storage: Storage, clock: Clock) -> None:
    empty = await storage.member_progress(30)
    assert empty.in_progress == [] and empty.last_path is None and empty.best_knowledge is None
    await finish_knowledge(storage, clock, user=30, score=1)
    await finish_knowledge(storage, clock, user=30, score=3)
    await finish_knowledge(storage, clock, user=30, score=2)
    path = await start(storage, user=30, quiz="path")
    for position, leaning in enumerate(["x", "y", "z"]):
        clock.now += 1
        finish = qs.Finish({"kind": "path", "leaning": "ml"}, path_result="ml") if position == 2 else None
        await answer(storage, path, leaning, position=position, finish=finish, correct=None)
    ongoing = await start(storage, user=30)
    await answer(storage, ongoing, "q0", position=0)
    progress = await storage.member_progress(30)
    assert [(s.id, s.position) for s in progress.in_progress] == [(ongoing.id, 1)]
    assert progress.last_path is not None and progress.last_path.path_result == "ml"
    assert progress.best_knowledge is not None and progress.best_knowledge.score == 3
    assert [s.quiz_id for s in progress.history] == ["knowledge", "path", "knowledge", "knowledge", "knowledge"]
    assert progress.attempts == {"knowledge": 4, "path": 1}


async def test_a_review_never_reaches_the_leaderboard_or_the_attempt_count(storage: Storage, clock: Clock) -> None:
    await finish_knowledge(storage, clock, user=1, score=1)
    review = await storage.create_session(
        guild_id=GUILD,
        user_id=1,
        quiz_id="knowledge",
        quiz_version="v1",
        seed=7,
        plan='{"review_of": 1}',
        total=2,
    )
    clock.now += 1
    await answer(storage, review, "q1", position=0)
    clock.now += 1
    await answer(storage, review, "q2", position=1, finish=qs.Finish({"kind": "knowledge", "review_of": 1}, total=2))
    [row] = await storage.quiz_leaderboard(GUILD)
    assert (row.score, row.total, row.attempts) == (1, 3, 1)
    progress = await storage.member_progress(1)
    assert progress.best_knowledge is not None and progress.best_knowledge.score == 1
    assert progress.attempts == {"knowledge": 1}
    latest = await storage.latest_completed(1, "knowledge")
    assert latest is not None and latest.id == review.id and latest.score is None


async def test_missed_questions_count_misses_and_remember_the_latest_answer(storage: Storage, clock: Clock) -> None:
    first = await start(storage)
    for position, (question, correct) in enumerate([("q1", False), ("q2", False), ("q3", True)]):
        clock.now += 1
        await answer(storage, first, question, position=position, correct=correct)
    await storage.cancel_session(first.id)
    second = await start(storage)
    for position, (question, correct) in enumerate([("q1", False), ("q2", True), ("q3", True)]):
        clock.now += 1
        await answer(storage, second, question, position=position, correct=correct)
    missed = await storage.missed_questions(1, "knowledge")
    assert missed == [qs.MissedQuestion("q1", 2, 2, False), qs.MissedQuestion("q2", 1, 2, True)]
    assert await storage.missed_questions(2, "knowledge") == []


async def test_the_config_setters_change_one_setting_and_keep_the_others(storage: Storage) -> None:
    await storage.set_path_role(GUILD, "ai", 11)
    await storage.set_path_role(GUILD, "ml", 22)
    await storage.set_role_rewards(GUILD, False)
    await storage.set_quiz_expiry(GUILD, 6)
    config = await storage.set_ask_private(GUILD, True)
    assert (config.ai_role_id, config.ml_role_id, config.role_rewards) == (11, 22, False)
    assert (config.quiz_expiry_hours, config.ask_private) == (6, True)
    cleared = await storage.set_path_role(GUILD, "ai", None)
    assert (cleared.ai_role_id, cleared.ml_role_id) == (None, 22)
    assert await storage.get_config(GUILD) == cleared
    with pytest.raises(ValueError):
        await storage.set_path_role(GUILD, "balanced", 33)
    with pytest.raises(ValueError):
        await storage.set_quiz_expiry(GUILD, 0)


def test_stored_results_read_as_summaries_even_from_older_shapes() -> None:
    assert qs.summary_of(None) is None
    old_path = qs.summary_of({"kind": "path", "leaning": "ai", "ai_points": 9, "ml_points": 3})
    assert old_path == qs.PathSummary(leaning="ai", ai_points=9, ml_points=3)
    assert qs.summary_of({"leaning": "ml"}, path=True) == qs.PathSummary(leaning="ml")
    review = qs.summary_of({"kind": "knowledge", "score": 2, "total": 3, "passed": False, "review_of": 5})
    assert review == qs.KnowledgeSummary(score=2, total=3, passed=False, review_of=5)
    assert qs.summary_of({"kind": "knowledge", "score": "two"}) == qs.KnowledgeSummary()


# --- two processes on one database ------------------------------------------------------------------


async def test_two_processes_recording_the_same_answer_at_once_write_it_once(storage: Storage) -> None:
    session = await start(storage)
    async with raw.another(storage) as other:
        stores = [storage, other] * 4
        results = await asyncio.gather(
            *(answer(s, session, "q0", choice, position=0) for s, choice in zip(stores, "abcdabcd", strict=True))
        )
    assert sorted(r.status for r in results) == ["duplicate"] * 7 + ["recorded"]
    [winner] = [r for r in results if r.status == "recorded"]
    assert {r.choice_id for r in results} == {winner.choice_id}
    stored = await storage.session_answers(session.id)
    assert [(a.question_id, a.choice_id) for a in stored] == [("q0", winner.choice_id)]
    current = await storage.get_session(session.id)
    assert current is not None and current.position == 1


async def test_two_processes_finishing_a_quiz_at_once_store_one_result(storage: Storage) -> None:
    session = await start(storage)
    await answer(storage, session, "q0", position=0)
    await answer(storage, session, "q1", position=1)
    async with raw.another(storage) as other:
        results = await asyncio.gather(
            *(
                answer(
                    s, session, "q2", choice, position=2, finish=qs.Finish({"kind": "knowledge", "score": n}, score=n)
                )
                for s, choice, n in ((storage, "a", 1), (other, "b", 2), (storage, "c", 3), (other, "d", 0))
            )
        )
    [winner] = [r for r in results if r.status == "recorded"]
    assert sorted(r.status for r in results) == ["duplicate"] * 3 + ["recorded"]
    done = await storage.get_session(session.id)
    assert done is not None and done.status == "completed" and done.position == 3
    assert done.score == winner.session.score and done.result == winner.session.result
    assert len(await storage.session_answers(session.id)) == 3


async def test_two_processes_starting_the_same_quiz_at_once_leave_one_in_progress(storage: Storage) -> None:
    async with raw.another(storage) as other:
        started = await asyncio.gather(*(start(s) for s in (storage, other, storage, other)), return_exceptions=True)
        assert sum(isinstance(s, qs.QuizSession) for s in started) == 1
        assert all(isinstance(s, qs.QuizSession | qs.ActiveSessionExists) for s in started)
        replaced = await asyncio.gather(*(start(s, replace=True) for s in (storage, other, storage, other)))
    active = await storage.active_sessions(1)
    assert [s.id for s in active] in ([r.id] for r in replaced)
    statuses = [s.status for s in [await storage.get_session(r.id) for r in replaced] if s is not None]
    assert sorted(statuses) == ["cancelled"] * 3 + ["in_progress"]


async def test_two_processes_clicking_through_one_quiz_record_each_answer_once(storage: Storage) -> None:
    session = await start(storage)
    questions = ["q0", "q1", "q2"]

    def decide(choice: str) -> Callable[[qs.QuizSession, list[qs.StoredAnswer]], tuple[str, qs.Proposed | None]]:
        def validate(current: qs.QuizSession, answers: list[qs.StoredAnswer]) -> tuple[str, qs.Proposed | None]:
            if not current.active or current.position >= len(questions):
                return "closed", None
            last = current.position == len(questions) - 1
            done = qs.Finish({"kind": "knowledge", "score": len(answers) + 1}, score=len(answers) + 1) if last else None
            return "ok", qs.Proposed(questions[current.position], choice, True, current.position, done)

        return validate

    async with raw.another(storage) as other:
        for _ in questions:
            await asyncio.gather(*(s.record_click(session.id, decide(c)) for s, c in ((storage, "a"), (other, "b"))))
    stored = await storage.session_answers(session.id)
    assert [a.question_id for a in stored] == questions
    done = await storage.get_session(session.id)
    assert done is not None and done.status == "completed" and done.score == 3
