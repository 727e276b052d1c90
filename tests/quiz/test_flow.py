"""The quiz flow's outcomes, against a real store and quizzes built in code (no Discord)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import quizflow as flow
from bot.quiz import KnowledgeQuiz, KnowledgeResult, PathResult, QuizBook
from bot.quizflow import Refusal
from bot.storage import quiz as store_quiz
from bot.storage.guilds import set_path_role, set_role_rewards
from bot.storage.sqlite import SqliteStorage
from tests.quiz.factories import knowledge_data, path_quiz
from tests.storage.admin_data import Clock

MEMBER = 7
OTHER = 8
GUILD = 100
CHANNEL = 555


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStorage]:
    async with SqliteStorage(tmp_path / "crossroads.db", clock=Clock()) as opened:
        yield opened


@pytest.fixture
def book() -> QuizBook:
    data = knowledge_data()
    for question in data["questions"]:
        question["review"] = f"entry-{question['id']}"
    return QuizBook({"path": path_quiz(), "knowledge": KnowledgeQuiz.model_validate(data)})


async def begin(
    store: SqliteStorage, book: QuizBook, quiz_id: str = "knowledge", *, replace: bool = False
) -> flow.Started:
    started = await flow.start(
        store, book, user_id=MEMBER, quiz_id=quiz_id, guild_id=GUILD, channel_id=CHANNEL, delivery="dm", replace=replace
    )
    assert isinstance(started, flow.Started)
    return started


async def play(store: SqliteStorage, started: flow.Started, *, right: bool) -> flow.Accepted:
    """Answer every question (all right or all wrong); the last outcome."""
    outcome: flow.ClickOutcome | None = None
    for question in started.plan.questions:
        correct = question.correct_choice()
        assert correct is not None
        choice = correct.id if right else next(c.id for c in question.choices if c.id != correct.id)
        outcome = await flow.answer(store, started.session.id, MEMBER, question.id, choice)
        assert isinstance(outcome, flow.Accepted)
    assert isinstance(outcome, flow.Accepted)
    return outcome


async def test_an_unknown_quiz_starts_nothing(store: SqliteStorage, book: QuizBook) -> None:
    outcome = await flow.start(
        store, book, user_id=MEMBER, quiz_id="nope", guild_id=GUILD, channel_id=None, delivery="dm", replace=False
    )
    assert outcome == flow.NoSuchQuiz("nope")


async def test_a_start_keeps_the_channel_for_sharing_and_offers_the_running_attempt(
    store: SqliteStorage, book: QuizBook
) -> None:
    started = await begin(store, book)
    assert started.plan.channel_id == CHANNEL and started.replacing is None
    again = await flow.start(
        store,
        book,
        user_id=MEMBER,
        quiz_id="knowledge",
        guild_id=GUILD,
        channel_id=None,
        delivery="dm",
        replace=False,
        offer_running=True,
    )
    assert again == flow.Running(started.session)
    without_offer = await flow.start(
        store,
        book,
        user_id=MEMBER,
        quiz_id="knowledge",
        guild_id=GUILD,
        channel_id=None,
        delivery="dm",
        replace=False,
    )
    assert isinstance(without_offer, flow.Running) and without_offer.session.id == started.session.id


async def test_starting_over_replaces_the_running_attempt(store: SqliteStorage, book: QuizBook) -> None:
    first = await begin(store, book)
    second = await begin(store, book, replace=True)
    assert second.replacing == first.session.id
    old = await store.get_session(first.session.id)
    assert old is not None and old.status == "cancelled"


async def test_a_click_on_the_current_question_is_accepted_and_points_at_the_next(
    store: SqliteStorage, book: QuizBook
) -> None:
    started = await begin(store, book)
    first = started.plan.questions[0]
    outcome = await flow.answer(store, started.session.id, MEMBER, first.id, first.choices[0].id)
    assert isinstance(outcome, flow.Accepted)
    assert outcome.index == 0 and outcome.result is None
    assert outcome.attempt.current() == started.plan.questions[1]
    assert outcome.session.position == 1


async def test_clicks_that_change_nothing_say_why(store: SqliteStorage, book: QuizBook) -> None:
    started = await begin(store, book)
    session_id = started.session.id
    first, second = started.plan.questions[:2]
    chosen = first.choices[1]
    await flow.answer(store, session_id, MEMBER, first.id, chosen.id)
    assert await flow.answer(store, session_id, MEMBER, first.id, first.choices[0].id) == flow.AlreadyAnswered(
        chosen.label, running=True
    )
    assert await flow.answer(store, session_id, OTHER, second.id, second.choices[0].id) == flow.Refused(
        Refusal.NOT_YOURS
    )
    third = started.plan.questions[2]
    assert await flow.answer(store, session_id, MEMBER, third.id, third.choices[0].id) == flow.Refused(
        Refusal.NOT_CURRENT
    )
    assert await flow.answer(store, session_id, MEMBER, second.id, "nonsense") == flow.Refused(Refusal.UNKNOWN_CHOICE)
    assert await flow.answer(store, 999_999, MEMBER, second.id, second.choices[0].id) == flow.Refused(Refusal.GONE)


async def test_a_click_on_a_cancelled_quiz_is_closed(store: SqliteStorage, book: QuizBook) -> None:
    started = await begin(store, book)
    cancelled = await flow.cancel(store, MEMBER, None)
    assert cancelled.status is flow.Cancel.CANCELLED and cancelled.session == started.session
    first = started.plan.questions[0]
    outcome = await flow.answer(store, started.session.id, MEMBER, first.id, first.choices[0].id)
    assert isinstance(outcome, flow.Closed) and outcome.session.status == "cancelled"
    assert (await flow.cancel(store, MEMBER, None)).status is flow.Cancel.NOTHING


async def test_the_last_answer_finishes_with_a_result_that_is_stored(store: SqliteStorage, book: QuizBook) -> None:
    started = await begin(store, book)
    last = await play(store, started, right=True)
    assert isinstance(last.result, KnowledgeResult) and last.result.score == started.plan.total
    assert last.session.status == "completed" and last.session.score == started.plan.total
    question = started.plan.questions[-1]
    again = await flow.answer(store, started.session.id, MEMBER, question.id, question.choices[0].id)
    assert isinstance(again, flow.AlreadyAnswered) and not again.running


async def test_a_path_finder_finishes_with_a_leaning(store: SqliteStorage, book: QuizBook) -> None:
    started = await begin(store, book, quiz_id="path")
    outcome: flow.ClickOutcome | None = None
    for question in started.plan.questions:
        outcome = await flow.answer(store, started.session.id, MEMBER, question.id, "ai")
    assert isinstance(outcome, flow.Accepted) and isinstance(outcome.result, PathResult)
    assert outcome.result.leaning == "ai" and outcome.session.path_result == "ai"


async def test_resume_finds_the_running_quiz_and_where_it_stands(store: SqliteStorage, book: QuizBook) -> None:
    assert await flow.resume(store, MEMBER, None) is None
    started = await begin(store, book)
    first = started.plan.questions[0]
    await flow.answer(store, started.session.id, MEMBER, first.id, first.choices[0].id)
    session = await flow.resume(store, MEMBER, "knowledge")
    assert session is not None and session.id == started.session.id
    assert await flow.resume(store, MEMBER, "path") is None
    now = await flow.current(store, session)
    assert now.question == started.plan.questions[1] and now.attempt.position == 1


async def test_a_review_retries_only_the_missed_questions_and_scores_nothing(
    store: SqliteStorage, book: QuizBook
) -> None:
    perfect = await begin(store, book)
    await play(store, perfect, right=True)
    assert (
        await flow.start_review(store, perfect.session, user_id=MEMBER, guild_id=None, delivery="dm")
        == flow.NothingMissed()
    )

    missed = await begin(store, book)
    await play(store, missed, right=False)
    review = await flow.start_review(store, missed.session, user_id=MEMBER, guild_id=None, delivery="dm")
    assert isinstance(review, flow.Started)
    assert review.plan.is_review and review.plan.channel_id is None
    assert set(review.plan.question_ids()) == set(missed.plan.question_ids())
    assert review.session.guild_id == GUILD
    last = await play(store, review, right=True)
    assert last.session.status == "completed" and last.session.score is None


async def test_topics_to_revisit_follow_the_missed_questions(store: SqliteStorage, book: QuizBook) -> None:
    started = await begin(store, book)
    await play(store, started, right=False)
    titles = {f"entry-{qid}": f"Title {qid}" for qid in started.plan.question_ids()[:2]}
    topics = await flow.topics_to_revisit(store, book, titles, MEMBER)
    assert {topic.entry_id for topic in topics} == set(titles)
    assert all(topic.misses == 1 for topic in topics)


async def test_a_finished_quiz_stores_the_engine_summary_and_reads_it_back_typed(
    store: SqliteStorage, book: QuizBook
) -> None:
    started = await begin(store, book, quiz_id="path")
    outcome: flow.ClickOutcome | None = None
    for question in started.plan.questions:
        outcome = await flow.answer(store, started.session.id, MEMBER, question.id, "ml")
    assert isinstance(outcome, flow.Accepted) and outcome.result is not None
    assert outcome.session.result == outcome.result.summary_json()
    stored = await store.get_session(started.session.id)
    assert stored is not None and stored.result == outcome.result.summary_json()
    assert stored.summary == store_quiz.PathSummary(
        leaning="ml",
        strength=outcome.result.strength,
        scale=outcome.result.scale,
        ai_points=0,
        ml_points=outcome.result.ml_points,
        ai_answers=0,
        ml_answers=4,
        neutral_answers=0,
    )


async def test_sharing_needs_the_owner_a_finished_quiz_and_a_channel(store: SqliteStorage, book: QuizBook) -> None:
    started = await begin(store, book)
    assert await flow.shareable(store, started.session.id, MEMBER) is flow.ShareProblem.NOT_FINISHED
    await play(store, started, right=True)
    assert await flow.shareable(store, started.session.id, OTHER) is flow.ShareProblem.NOT_YOURS
    assert await flow.shareable(store, 999_999, MEMBER) is flow.ShareProblem.GONE
    found = await flow.shareable(store, started.session.id, MEMBER)
    assert isinstance(found, flow.Shareable) and found.channel_id == CHANNEL
    assert isinstance(found.summary, store_quiz.KnowledgeSummary) and found.summary.passed
    assert flow.origin_channel(found.session) == CHANNEL and flow.origin_channel(None) is None


async def test_the_role_to_grant_follows_the_server_mapping(store: SqliteStorage, book: QuizBook) -> None:
    started = await begin(store, book, quiz_id="path")
    outcome: flow.ClickOutcome | None = None
    for question in started.plan.questions:
        outcome = await flow.answer(store, started.session.id, MEMBER, question.id, "ai")
    assert isinstance(outcome, flow.Accepted) and isinstance(outcome.result, PathResult)
    assert await flow.role_to_grant(store, outcome.session, outcome.result) is None
    await set_path_role(store, GUILD, "ai", 42)
    assert await flow.role_to_grant(store, outcome.session, outcome.result) == 42
    await set_role_rewards(store, GUILD, False)
    assert await flow.role_to_grant(store, outcome.session, outcome.result) is None


async def control(
    store: SqliteStorage, book: QuizBook, action: flow.ControlAction, session_id: int, **kw: object
) -> flow.ControlOutcome:
    where: dict[str, object] = {"quiz_id": "knowledge", "user_id": MEMBER, "guild_id": GUILD, **kw}
    return await flow.control(store, book, action, session_id=session_id, **where)  # type: ignore[arg-type]


async def test_the_controls_refuse_someone_elses_quiz_a_missing_one_and_an_unknown_quiz(
    store: SqliteStorage, book: QuizBook
) -> None:
    started = await begin(store, book)
    assert await control(store, book, "resume", started.session.id, user_id=OTHER) is flow.ControlProblem.NOT_YOURS
    assert await control(store, book, "resume", 999_999) is flow.ControlProblem.GONE
    assert await control(store, book, "review", 0) is flow.ControlProblem.GONE
    assert await control(store, book, "fresh", 0, quiz_id="nope") is flow.ControlProblem.NO_SUCH_QUIZ
    assert await control(store, book, "review", started.session.id) is flow.ControlProblem.NOT_FINISHED


async def test_resume_shows_a_running_quiz_and_says_when_it_has_closed(store: SqliteStorage, book: QuizBook) -> None:
    started = await begin(store, book)
    shown = await control(store, book, "resume", started.session.id)
    assert isinstance(shown, flow.Show) and shown.session.id == started.session.id
    await flow.cancel(store, MEMBER, "knowledge")
    closed = await control(store, book, "resume", started.session.id)
    assert isinstance(closed, flow.Closed) and closed.session.status == "cancelled"


async def test_take_it_here_moves_a_running_quiz_out_of_the_dms(store: SqliteStorage, book: QuizBook) -> None:
    started = await begin(store, book)
    moved = await control(store, book, "here", started.session.id)
    assert isinstance(moved, flow.Show) and moved.session.delivery == "ephemeral"
    assert await control(store, book, "here", 0) == flow.Begin("knowledge", GUILD, "ephemeral", replace=True)


async def test_start_over_and_a_fresh_one_keep_the_server_and_the_channel(store: SqliteStorage, book: QuizBook) -> None:
    started = await begin(store, book)
    from_dm = await control(store, book, "restart", started.session.id, guild_id=None)
    assert from_dm == flow.Begin("knowledge", GUILD, "dm", replace=True, origin_channel=CHANNEL)
    fresh = await control(store, book, "fresh", started.session.id)
    assert fresh == flow.Begin("knowledge", GUILD, "dm", replace=False, origin_channel=CHANNEL)
    await play(store, started, right=False)
    review = await control(store, book, "review", started.session.id)
    assert isinstance(review, flow.Review) and review.session.status == "completed"


async def test_progress_gathers_the_quizzes_the_topics_and_the_trivia_record(
    store: SqliteStorage, book: QuizBook
) -> None:
    started = await begin(store, book)
    await play(store, started, right=False)
    titles = {f"entry-{qid}": f"Title {qid}" for qid in started.plan.question_ids()}
    found = await flow.progress(store, book, titles, MEMBER)
    assert found.revisit and found.trivia.games == 0
    assert found.quizzes == await store.member_progress(MEMBER)
