from __future__ import annotations

import asyncio
import sqlite3

import pytest

from bot.storage import Store, guilds
from bot.storage import quiz as qs
from bot.storage.guilds import update_config
from tests.storage.admin_data import Clock

GUILD = 100
HOUR = 3600.0


async def start(
    store: Store, user: int = 1, quiz: str = "knowledge", *, guild: int | None = GUILD, replace: bool = False
) -> qs.QuizSession:
    return await qs.create_session(
        store,
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
    store: Store,
    session: qs.QuizSession,
    question: str,
    choice: str = "a",
    *,
    position: int,
    finish: qs.Finish | None = None,
    correct: bool | None = True,
) -> qs.Recorded:
    return await qs.record_answer(
        store,
        session.id,
        question_id=question,
        choice_id=choice,
        correct=correct,
        expected_position=position,
        finish=finish,
    )


async def finish_knowledge(store: Store, clock: Clock, user: int, score: int, *, guild: int = GUILD) -> None:
    session = await start(store, user, guild=guild)
    for position in range(3):
        clock.now += 1
        done = qs.Finish({"kind": "knowledge", "score": score}, score=score, total=3) if position == 2 else None
        result = await answer(store, session, f"q{position}", position=position, finish=done)
        assert result.status == "recorded"


async def test_one_session_in_progress_per_member_per_quiz(store: Store) -> None:
    first = await start(store)
    assert first.status == "in_progress" and first.position == 0 and first.total == 3
    with pytest.raises(qs.ActiveSessionExists) as raised:
        await start(store)
    assert raised.value.session.id == first.id
    other_quiz = await start(store, quiz="path")
    other_member = await start(store, user=2)
    assert len({first.id, other_quiz.id, other_member.id}) == 3


async def test_the_database_itself_refuses_a_second_active_session(store: Store) -> None:
    await start(store)
    with pytest.raises(sqlite3.IntegrityError):
        await store.execute(
            "INSERT INTO quiz_sessions (user_id, quiz_id, quiz_version, seed, plan, started_at, updated_at)"
            " VALUES (1, 'knowledge', 'v1', 1, '{}', 0, 0)"
        )


async def test_start_over_cancels_the_old_session_in_the_same_step(store: Store) -> None:
    first = await start(store)
    second = await start(store, replace=True)
    old = await qs.get_session(store, first.id)
    assert old is not None and old.status == "cancelled" and old.finished_at is not None
    active = await qs.active_session(store, 1, "knowledge")
    assert active is not None and active.id == second.id


async def test_answers_are_recorded_once(store: Store) -> None:
    session = await start(store)
    first = await answer(store, session, "q0", "a", position=0)
    assert first.status == "recorded" and first.session.position == 1
    again = await answer(store, session, "q0", "b", position=0)
    assert again.status == "duplicate" and again.choice_id == "a"
    stored = await qs.answers(store, session.id)
    assert [(a.question_id, a.choice_id, a.correct) for a in stored] == [("q0", "a", True)]
    current = await qs.get_session(store, session.id)
    assert current is not None and current.position == 1


async def test_concurrent_double_click_writes_one_answer(store: Store) -> None:
    session = await start(store)
    results = await asyncio.gather(*(answer(store, session, "q0", c, position=0) for c in "abcab"))
    assert sorted(r.status for r in results) == ["duplicate"] * 4 + ["recorded"]
    assert len(await qs.answers(store, session.id)) == 1


async def test_the_primary_key_makes_a_second_answer_impossible(store: Store) -> None:
    session = await start(store)
    await answer(store, session, "q0", position=0)
    with pytest.raises(sqlite3.IntegrityError):
        await store.execute(
            "INSERT INTO quiz_answers (session_id, question_id, choice_id, answered_at) VALUES (?, 'q0', 'b', 0)",
            (session.id,),
        )


async def test_answer_against_a_moved_position_writes_nothing(store: Store) -> None:
    session = await start(store)
    await answer(store, session, "q0", position=0)
    moved = await answer(store, session, "q1", position=0)
    assert moved.status == "moved" and moved.session.position == 1
    assert [a.question_id for a in await qs.answers(store, session.id)] == ["q0"]


async def test_answers_to_cancelled_sessions_are_refused(store: Store) -> None:
    session = await start(store)
    assert await qs.cancel_session(store, session.id)
    assert not await qs.cancel_session(store, session.id)
    closed = await answer(store, session, "q0", position=0)
    assert closed.status == "closed" and closed.session.status == "cancelled"
    assert await qs.answers(store, session.id) == []


async def test_last_answer_completes_the_session_with_its_result(store: Store) -> None:
    session = await start(store, quiz="path")
    await answer(store, session, "q0", position=0, correct=None)
    await answer(store, session, "q1", position=1, correct=None)
    last = await answer(
        store,
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
    assert [a.correct for a in await qs.answers(store, session.id)] == [None, None, None]
    assert await qs.active_session(store, 1, "path") is None


async def test_idle_sessions_expire_after_the_default_24_hours(store: Store, clock: Clock) -> None:
    session = await start(store)
    clock.now += 23 * HOUR
    await answer(store, session, "q0", position=0)
    clock.now += 23 * HOUR
    still = await qs.get_session(store, session.id)
    assert still is not None and still.status == "in_progress"
    clock.now += 2 * HOUR
    expired = await qs.get_session(store, session.id)
    assert expired is not None and expired.status == "expired"
    late = await answer(store, session, "q1", position=1)
    assert late.status == "closed"
    fresh = await start(store)
    assert fresh.id != session.id


async def test_expiry_follows_the_server_setting(store: Store, clock: Clock) -> None:
    await update_config(store, GUILD, quiz_expiry_hours=2)
    short = await start(store, user=1)
    default = await start(store, user=2, guild=GUILD + 1)
    from_dm = await start(store, user=3, guild=None)
    clock.now += 3 * HOUR
    assert await qs.expire_idle_sessions(store) == 1
    statuses = {s.id: s.status for s in [await qs.get_session(store, x.id) for x in (short, default, from_dm)] if s}
    assert statuses == {short.id: "expired", default.id: "in_progress", from_dm.id: "in_progress"}


async def test_a_late_answer_on_an_idle_session_is_refused(store: Store, clock: Clock) -> None:
    session = await start(store)
    clock.now += 25 * HOUR
    late = await answer(store, session, "q0", position=0)
    assert late.status == "closed" and late.session.status == "expired"


async def test_resume_restarts_the_idle_clock(store: Store, clock: Clock) -> None:
    session = await start(store)
    clock.now += 20 * HOUR
    await qs.touch_session(store, session.id)
    clock.now += 20 * HOUR
    current = await qs.get_session(store, session.id)
    assert current is not None and current.status == "in_progress"


async def test_discarding_an_undelivered_session_leaves_nothing(store: Store) -> None:
    session = await start(store)
    assert await qs.discard_unstarted(store, session.id)
    assert await qs.get_session(store, session.id) is None
    again = await start(store)
    await answer(store, again, "q0", position=0)
    assert not await qs.discard_unstarted(store, again.id)


async def test_leaderboard_ranks_best_scores_and_breaks_ties_by_who_got_there_first(store: Store, clock: Clock) -> None:
    await finish_knowledge(store, clock, user=10, score=2)
    await finish_knowledge(store, clock, user=11, score=3)
    await finish_knowledge(store, clock, user=12, score=2)
    await finish_knowledge(store, clock, user=10, score=3)
    await finish_knowledge(store, clock, user=11, score=1)
    await finish_knowledge(store, clock, user=13, score=3, guild=GUILD + 1)
    board = await qs.leaderboard(store, GUILD)
    assert [(r.rank, r.user_id, r.score, r.attempts) for r in board] == [
        (1, 11, 3, 2),
        (2, 10, 3, 2),
        (3, 12, 2, 1),
    ]
    mine = await qs.leaderboard_entry(store, GUILD, 12)
    assert mine is not None and mine.rank == 3
    assert await qs.leaderboard_entry(store, GUILD, 13) is None
    assert await qs.leaderboard(store, GUILD + 2) == []


async def test_leaderboard_keeps_the_first_time_a_member_reached_their_best(store: Store, clock: Clock) -> None:
    await finish_knowledge(store, clock, user=20, score=3)
    first_time = clock.now
    await finish_knowledge(store, clock, user=21, score=3)
    await finish_knowledge(store, clock, user=20, score=3)
    board = await qs.leaderboard(store, GUILD)
    assert [r.user_id for r in board] == [20, 21]
    assert board[0].achieved_at == first_time


async def test_member_progress(store: Store, clock: Clock) -> None:
    empty = await qs.member_progress(store, 30)
    assert empty.in_progress == [] and empty.last_path is None and empty.best_knowledge is None
    await finish_knowledge(store, clock, user=30, score=1)
    await finish_knowledge(store, clock, user=30, score=3)
    await finish_knowledge(store, clock, user=30, score=2)
    path = await start(store, user=30, quiz="path")
    for position, leaning in enumerate(["x", "y", "z"]):
        clock.now += 1
        finish = qs.Finish({"kind": "path", "leaning": "ml"}, path_result="ml") if position == 2 else None
        await answer(store, path, leaning, position=position, finish=finish, correct=None)
    ongoing = await start(store, user=30)
    await answer(store, ongoing, "q0", position=0)
    progress = await qs.member_progress(store, 30)
    assert [(s.id, s.position) for s in progress.in_progress] == [(ongoing.id, 1)]
    assert progress.last_path is not None and progress.last_path.path_result == "ml"
    assert progress.best_knowledge is not None and progress.best_knowledge.score == 3
    assert [s.quiz_id for s in progress.history] == ["knowledge", "path", "knowledge", "knowledge", "knowledge"]
    assert progress.attempts == {"knowledge": 4, "path": 1}


async def test_a_review_never_reaches_the_leaderboard_or_the_attempt_count(store: Store, clock: Clock) -> None:
    await finish_knowledge(store, clock, user=1, score=1)
    review = await qs.create_session(
        store,
        guild_id=GUILD,
        user_id=1,
        quiz_id="knowledge",
        quiz_version="v1",
        seed=7,
        plan='{"review_of": 1}',
        total=2,
    )
    clock.now += 1
    await answer(store, review, "q1", position=0)
    clock.now += 1
    await answer(store, review, "q2", position=1, finish=qs.Finish({"kind": "knowledge", "review_of": 1}, total=2))
    [row] = await qs.leaderboard(store, GUILD)
    assert (row.score, row.total, row.attempts) == (1, 3, 1)
    progress = await qs.member_progress(store, 1)
    assert progress.best_knowledge is not None and progress.best_knowledge.score == 1
    assert progress.attempts == {"knowledge": 1}
    latest = await qs.latest_completed(store, 1, "knowledge")
    assert latest is not None and latest.id == review.id and latest.score is None


async def test_missed_questions_count_misses_and_remember_the_latest_answer(store: Store, clock: Clock) -> None:
    first = await start(store)
    for position, (question, correct) in enumerate([("q1", False), ("q2", False), ("q3", True)]):
        clock.now += 1
        await answer(store, first, question, position=position, correct=correct)
    await qs.cancel_session(store, first.id)
    second = await start(store)
    for position, (question, correct) in enumerate([("q1", False), ("q2", True), ("q3", True)]):
        clock.now += 1
        await answer(store, second, question, position=position, correct=correct)
    missed = await qs.missed_questions(store, 1, "knowledge")
    assert missed == [qs.MissedQuestion("q1", 2, 2, False), qs.MissedQuestion("q2", 1, 2, True)]
    assert await qs.missed_questions(store, 2, "knowledge") == []


async def test_the_config_setters_change_one_setting_and_keep_the_others(store: Store) -> None:
    await guilds.set_path_role(store, GUILD, "ai", 11)
    await guilds.set_path_role(store, GUILD, "ml", 22)
    await guilds.set_role_rewards(store, GUILD, False)
    await guilds.set_quiz_expiry(store, GUILD, 6)
    config = await guilds.set_ask_private(store, GUILD, True)
    assert (config.ai_role_id, config.ml_role_id, config.role_rewards) == (11, 22, False)
    assert (config.quiz_expiry_hours, config.ask_private) == (6, True)
    cleared = await guilds.set_path_role(store, GUILD, "ai", None)
    assert (cleared.ai_role_id, cleared.ml_role_id) == (None, 22)
    assert await guilds.get_config(store, GUILD) == cleared
    with pytest.raises(ValueError):
        await guilds.set_path_role(store, GUILD, "balanced", 33)
    with pytest.raises(ValueError):
        await guilds.set_quiz_expiry(store, GUILD, 0)


def test_stored_results_read_as_summaries_even_from_older_shapes() -> None:
    assert qs.summary_of(None) is None
    old_path = qs.summary_of({"kind": "path", "leaning": "ai", "ai_points": 9, "ml_points": 3})
    assert old_path == qs.PathSummary(leaning="ai", ai_points=9, ml_points=3)
    assert qs.summary_of({"leaning": "ml"}, path=True) == qs.PathSummary(leaning="ml")
    review = qs.summary_of({"kind": "knowledge", "score": 2, "total": 3, "passed": False, "review_of": 5})
    assert review == qs.KnowledgeSummary(score=2, total=3, passed=False, review_of=5)
    assert qs.summary_of({"kind": "knowledge", "score": "two"}) == qs.KnowledgeSummary()
