from __future__ import annotations

import pytest

from bot.storage import Store
from bot.storage import quiz as qs
from bot.storage.stats import live_sessions, server_stats, unanswered_questions, window_start
from tests.storage.admin_data import DAY, Clock, log_ask, play, start_quiz

GUILD = 10
OTHER_GUILD = 20


async def test_unanswered_groups_by_normalized_text_most_frequent_first(store: Store, clock: Clock) -> None:
    await log_ask(
        store,
        guild=GUILD,
        user=1,
        question="Is a PhD needed?",
        entry=None,
        score=0.1,
        matched=False,
        normalized="phd needed",
    )
    clock.now += 60
    await log_ask(
        store,
        guild=GUILD,
        user=2,
        question="what about the weather",
        entry=None,
        score=0.0,
        matched=False,
        normalized="weather",
    )
    clock.now += 60
    await log_ask(
        store,
        guild=GUILD,
        user=2,
        question="phd NEEDED??",
        entry=None,
        score=0.2,
        matched=False,
        normalized="phd needed",
    )
    clock.now += 60
    await log_ask(
        store,
        guild=GUILD,
        user=2,
        question="Is a phd needed",
        entry=None,
        score=0.15,
        matched=False,
        normalized="phd needed",
    )
    # Answered confidently: not a gap.
    await log_ask(store, guild=GUILD, user=3, question="ml salary", entry="salary", score=0.9, matched=True)

    found = await unanswered_questions(store, GUILD, 7)

    assert [q.normalized for q in found] == ["phd needed", "weather"]
    phd = found[0]
    assert phd.count == 3
    assert phd.members == 2
    assert phd.last_asked == clock.now
    assert phd.question == "Is a phd needed"  # the latest wording
    assert phd.best_score == pytest.approx(0.2)


async def test_unanswered_includes_low_confidence_answers_only_when_asked_for(store: Store) -> None:
    await log_ask(
        store, guild=GUILD, user=1, question="how hard is it to switch", entry="switching", score=0.42, matched=True
    )
    await log_ask(store, guild=GUILD, user=1, question="ml salary", entry="salary", score=0.95, matched=True)

    assert await unanswered_questions(store, GUILD, 7) == []
    low = await unanswered_questions(store, GUILD, 7, low_confidence=0.5)
    assert [q.question for q in low] == ["how hard is it to switch"]


async def test_unanswered_respects_server_and_window(store: Store, clock: Clock) -> None:
    await log_ask(store, guild=GUILD, user=1, question="old question", entry=None, score=0.0, matched=False)
    clock.now += 10 * DAY
    await log_ask(store, guild=GUILD, user=1, question="new question", entry=None, score=0.0, matched=False)
    await log_ask(store, guild=OTHER_GUILD, user=1, question="elsewhere", entry=None, score=0.0, matched=False)
    await log_ask(store, guild=None, user=1, question="in a dm", entry=None, score=0.0, matched=False)

    assert [q.question for q in await unanswered_questions(store, GUILD, 7)] == ["new question"]
    assert {q.question for q in await unanswered_questions(store, GUILD, 30)} == {"old question", "new question"}
    assert [q.question for q in await unanswered_questions(store, OTHER_GUILD, 30)] == ["elsewhere"]


async def test_unanswered_ties_break_by_most_recent(store: Store, clock: Clock) -> None:
    await log_ask(store, guild=GUILD, user=1, question="first", entry=None, score=0.0, matched=False)
    clock.now += 5
    await log_ask(store, guild=GUILD, user=1, question="second", entry=None, score=0.0, matched=False)
    assert [q.question for q in await unanswered_questions(store, GUILD, 1)] == ["second", "first"]


@pytest.mark.parametrize("days", [0, -1, 366])
async def test_day_ranges_outside_one_to_365_are_refused(store: Store, days: int) -> None:
    with pytest.raises(ValueError, match="between 1 and 365"):
        window_start(store, days)
    with pytest.raises(ValueError):
        await unanswered_questions(store, GUILD, days)
    with pytest.raises(ValueError):
        await server_stats(store, GUILD, days)


async def test_empty_server_has_empty_stats(store: Store) -> None:
    stats = await server_stats(store, GUILD, 30)
    assert stats.is_empty
    assert stats.faq.asked == 0 and stats.faq.answer_rate is None
    assert stats.quizzes == ()
    assert stats.completion_rate is None
    assert stats.path_results == {}
    assert stats.scores.count == 0 and stats.scores.average_score is None


async def test_faq_use_counts_answers_declines_and_top_entries(store: Store) -> None:
    for user in (1, 2, 3):
        await log_ask(store, guild=GUILD, user=user, question="ml pay", entry="salary", score=0.9, matched=True)
    await log_ask(
        store, guild=GUILD, user=1, question="degree?", entry="degree", score=0.4, matched=True, command="faq"
    )
    await log_ask(store, guild=GUILD, user=2, question="minecraft", entry=None, score=0.0, matched=False)
    await log_ask(store, guild=GUILD, user=3, question="how much $$", entry="salary", score=0.45, matched=True)
    await log_ask(store, guild=OTHER_GUILD, user=2, question="ml pay", entry="salary", score=0.9, matched=True)

    stats = await server_stats(store, GUILD, 30, low_confidence=0.5)

    assert not stats.is_empty
    # Answer rates count free-text /ask questions; picking a /faq topic is not a question that
    # could go unanswered, but it is a use of that entry.
    assert (stats.faq.asked, stats.faq.answered, stats.faq.declined) == (5, 4, 1)
    assert stats.faq.low_confidence == 1
    assert stats.faq.top_entries == (("salary", 4), ("degree", 1))
    assert stats.faq.answer_rate == pytest.approx(0.8)


async def test_quiz_figures_starts_completions_paths_and_scores(store: Store) -> None:
    path_questions = [f"p{i}" for i in range(4)]
    knowledge_questions = [f"k{i}" for i in range(10)]
    # Path finder: three completed (ai, ai, ml), one still running.
    for user, result in ((1, "ai"), (2, "ai"), (3, "ml")):
        session = await start_quiz(store, guild=GUILD, user=user, quiz="path", questions=path_questions)
        await play(store, session, path_questions, path_result=result)
    running = await start_quiz(store, guild=GUILD, user=4, quiz="path", questions=path_questions)
    await play(store, running, path_questions, finish=False)
    # Knowledge check: scores 6 and 9 of 10, one cancelled.
    for user, correct in ((1, 6), (2, 9)):
        session = await start_quiz(store, guild=GUILD, user=user, quiz="knowledge", questions=knowledge_questions)
        await play(store, session, knowledge_questions, correct=correct)
    cancelled = await start_quiz(store, guild=GUILD, user=3, quiz="knowledge", questions=knowledge_questions)
    assert await qs.cancel_session(store, cancelled.id)
    # Elsewhere and in DMs: not counted for this server.
    other = await start_quiz(store, guild=OTHER_GUILD, user=5, quiz="knowledge", questions=knowledge_questions)
    await play(store, other, knowledge_questions, correct=1)
    dm = await start_quiz(store, guild=None, user=6, quiz="path", questions=path_questions)
    await play(store, dm, path_questions, path_result="ml")

    stats = await server_stats(store, GUILD, 30)

    by_quiz = {q.quiz_id: q for q in stats.quizzes}
    assert (by_quiz["path"].started, by_quiz["path"].completed, by_quiz["path"].in_progress) == (4, 3, 1)
    assert (by_quiz["knowledge"].started, by_quiz["knowledge"].completed, by_quiz["knowledge"].cancelled) == (3, 2, 1)
    assert by_quiz["path"].completion_rate == pytest.approx(0.75)
    assert stats.quiz_starts == 7 and stats.quiz_completions == 5
    assert stats.completion_rate == pytest.approx(5 / 7)
    assert dict(stats.path_results) == {"ai": 2, "ml": 1}
    assert stats.scores.count == 2
    assert stats.scores.average_score == pytest.approx(7.5)
    assert stats.scores.average_fraction == pytest.approx(0.75)
    assert stats.scores.out_of == 10
    assert dict(stats.scores.distribution) == {6: 1, 9: 1}


async def test_quiz_window_counts_sessions_started_inside_it(store: Store, clock: Clock) -> None:
    questions = ["p0", "p1"]
    early = await start_quiz(store, guild=GUILD, user=1, quiz="path", questions=questions)
    await play(store, early, questions, path_result="ai")
    clock.now += 3 * DAY
    late = await start_quiz(store, guild=GUILD, user=2, quiz="path", questions=questions)
    await play(store, late, questions, path_result="ml")

    assert dict((await server_stats(store, GUILD, 2)).path_results) == {"ml": 1}
    assert dict((await server_stats(store, GUILD, 4)).path_results) == {"ai": 1, "ml": 1}


async def test_live_sessions_lists_in_progress_sessions_with_their_quiz_version(store: Store) -> None:
    running = await start_quiz(store, guild=GUILD, user=1, quiz="knowledge", questions=["k3", "k1"], version="abc")
    done = await start_quiz(store, guild=None, user=2, quiz="path", questions=["p0"])
    await play(store, done, ["p0"], path_result="ai")

    sessions = await live_sessions(store)

    assert [(s.session_id, s.quiz_id, s.quiz_version) for s in sessions] == [(running.id, "knowledge", "abc")]
