"""The quiz flow without Discord: start, answer (a click), resume, cancel and review.

Every step takes the store and the quizzes and returns a typed outcome; the cog turns outcomes
into Discord messages (delivery, role grant, rendering) and decides nothing itself.

A click takes one database hand-off: :func:`answer` passes the store's ``record_click`` a
``decide`` callback that replays the session's (cached) plan, validates the click and proposes the
answer, all inside the answer's transaction.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from bot.quiz import (
    AnswerOutcome,
    AnswerRejected,
    Attempt,
    KnowledgeQuiz,
    KnowledgeResult,
    PathResult,
    Plan,
    PlannedQuestion,
    QuizBook,
    QuizResult,
    new_seed,
    review_plan,
)
from bot.quiz.plans import has_plan, plan_of
from bot.storage.protocol import Storage
from bot.storage.quiz import (
    ActiveSessionExists,
    Delivery,
    Finish,
    KnowledgeSummary,
    MemberProgress,
    PathSummary,
    Proposed,
    QuizSession,
    ResultSummary,
    StoredAnswer,
)
from bot.storage.trivia import TriviaRecord

REVIEWED_QUIZ = "knowledge"
REVISIT_TOPICS = 5


class Refusal(enum.Enum):
    """Why a click was not recorded."""

    GONE = "gone"  # no such session (deleted, or never existed)
    NOT_YOURS = "not_yours"
    NOT_CURRENT = "not_current"  # not the question the session is on
    UNKNOWN_CHOICE = "unknown_choice"
    FINISHED = "finished"


_REJECTED = {
    "not_current": Refusal.NOT_CURRENT,
    "unknown_choice": Refusal.UNKNOWN_CHOICE,
    "finished": Refusal.FINISHED,
}


@dataclass(frozen=True)
class Refused:
    reason: Refusal


@dataclass(frozen=True)
class AlreadyAnswered:
    """The question was answered before; `running` when the quiz is still in progress."""

    label: str
    running: bool


@dataclass(frozen=True)
class Closed:
    """The session ended (completed, cancelled or expired) before this click."""

    session: QuizSession


@dataclass(frozen=True)
class Accepted:
    """The answer is committed. `result` is set when it finished the quiz; otherwise `attempt.current()`
    is the next question."""

    session: QuizSession
    plan: Plan
    attempt: Attempt
    outcome: AnswerOutcome
    result: QuizResult | None

    @property
    def index(self) -> int:
        return self.outcome.position - 1


ClickOutcome = Refused | AlreadyAnswered | Closed | Accepted


@dataclass(frozen=True)
class _Verdict:
    outcome: ClickOutcome | None = None  # decided without a write
    plan: Plan | None = None
    attempt: Attempt | None = None
    answered: AnswerOutcome | None = None
    result: QuizResult | None = None


def _decide(
    user_id: int, question_id: str, choice_id: str
) -> Callable[[QuizSession, list[StoredAnswer]], tuple[_Verdict, Proposed | None]]:
    def decide(session: QuizSession, stored: list[StoredAnswer]) -> tuple[_Verdict, Proposed | None]:
        # Runs inside the answer's transaction: reading and writing take one database hand-off.
        if session.user_id != user_id:
            return _Verdict(Refused(Refusal.NOT_YOURS)), None
        plan = plan_of(session.id, session.plan)
        attempt = Attempt.replay(plan, [(a.question_id, a.choice_id) for a in stored])
        earlier = attempt.answers.get(question_id)
        if earlier is not None:
            label = choice_label(plan, question_id, earlier.choice_id)
            return _Verdict(AlreadyAnswered(label, session.active)), None
        if session.status != "in_progress":
            return _Verdict(Closed(session)), None
        try:
            outcome = attempt.answer(question_id, choice_id)
        except AnswerRejected as exc:
            return _Verdict(Refused(_REJECTED.get(exc.reason, Refusal.NOT_CURRENT))), None
        result = attempt.result() if outcome.finished else None
        proposed = Proposed(
            question_id,
            choice_id,
            outcome.answer.correct,
            outcome.position - 1,
            finish_of(result) if result is not None else None,
        )
        return _Verdict(None, plan, attempt, outcome, result), proposed

    return decide


async def answer(store: Storage, session_id: int, user_id: int, question_id: str, choice_id: str) -> ClickOutcome:
    """Validate and record a click on a choice button; what happened, as one outcome."""
    if not has_plan(session_id):
        # Parsed here, not inside the write transaction every other click's commit waits on.
        text = await store.plan_text(session_id)
        if text is not None:
            plan_of(session_id, text)
    clicked = await store.record_click(session_id, _decide(user_id, question_id, choice_id))
    verdict, recorded = clicked.decision, clicked.recorded
    if clicked.session is None or verdict is None:
        return Refused(Refusal.GONE)
    if verdict.outcome is not None:
        return verdict.outcome
    plan, attempt, outcome = verdict.plan, verdict.attempt, verdict.answered
    assert plan is not None and attempt is not None and outcome is not None and recorded is not None
    if recorded.status == "duplicate":
        label = choice_label(plan, question_id, recorded.choice_id or choice_id)
        return AlreadyAnswered(label, recorded.session.active)
    if recorded.status == "closed":
        return Closed(recorded.session)
    if recorded.status == "moved":
        return Refused(Refusal.NOT_CURRENT)
    return Accepted(recorded.session, plan, attempt, outcome, verdict.result)


def choice_label(plan: Plan, question_id: str, choice_id: str) -> str:
    """The label of a choice in the plan, or its id when the plan does not know it."""
    index = plan.index_of(question_id)
    if index is None:
        return choice_id
    choice = plan.questions[index].choice(choice_id)
    return choice.label if choice is not None else choice_id


def summary_of(result: QuizResult) -> ResultSummary:
    """The engine's result as the summary the store keeps with the session."""
    if isinstance(result, KnowledgeResult):
        return KnowledgeSummary(
            score=result.score,
            total=result.total,
            pass_mark=result.pass_mark,
            passed=result.passed,
            review_of=result.review_of,
        )
    return PathSummary(
        leaning=result.leaning,
        strength=result.strength,
        scale=result.scale,
        ai_points=result.ai_points,
        ml_points=result.ml_points,
        ai_answers=result.ai_answers,
        ml_answers=result.ml_answers,
        neutral_answers=result.neutral_answers,
    )


def finish_of(result: QuizResult) -> Finish:
    """What the store writes when a quiz finishes."""
    if isinstance(result, KnowledgeResult) and result.review_of is not None:
        # No score column: a review never reaches the leaderboard or the best score.
        return Finish(summary_of(result), total=result.total)
    if isinstance(result, KnowledgeResult):
        return Finish(summary_of(result), score=result.score, total=result.total)
    return Finish(summary_of(result), path_result=result.leaning)


# --- start, resume, cancel, review -------------------------------------------------------------


@dataclass(frozen=True)
class Started:
    """A new session; `replacing` is the attempt it cancelled (restored if its first question
    cannot be delivered)."""

    session: QuizSession
    plan: Plan
    replacing: int | None = None


@dataclass(frozen=True)
class Running:
    """The member already has this quiz in progress."""

    session: QuizSession


@dataclass(frozen=True)
class NoSuchQuiz:
    quiz_id: str


StartOutcome = Started | Running | NoSuchQuiz


async def start(
    store: Storage,
    quizzes: QuizBook,
    *,
    user_id: int,
    quiz_id: str,
    guild_id: int | None,
    channel_id: int | None,
    delivery: Delivery,
    replace: bool,
    offer_running: bool = False,
) -> StartOutcome:
    """Start `quiz_id` for a member. `channel_id` is where its result may be shared. With `replace`
    a running attempt is cancelled in the same transaction; with `offer_running` a running attempt
    is returned before a plan is drawn."""
    if quiz_id not in quizzes:
        return NoSuchQuiz(quiz_id)
    if offer_running:
        existing = await store.active_session(user_id, quiz_id)
        if existing is not None:
            return Running(existing)
    plan = quizzes.start(quiz_id, new_seed())
    if channel_id is not None:
        plan = plan.model_copy(update={"channel_id": channel_id})
    replacing = await store.active_session(user_id, quiz_id) if replace else None
    try:
        session = await _create(
            store, plan, user_id=user_id, quiz_id=quiz_id, guild_id=guild_id, delivery=delivery, replace=replace
        )
    except ActiveSessionExists as exc:
        return Running(exc.session)
    return Started(session, plan, replacing.id if replacing else None)


async def _create(
    store: Storage, plan: Plan, *, user_id: int, quiz_id: str, guild_id: int | None, delivery: Delivery, replace: bool
) -> QuizSession:
    return await store.create_session(
        guild_id=guild_id,
        user_id=user_id,
        quiz_id=quiz_id,
        quiz_version=plan.version,
        seed=plan.seed,
        plan=plan.to_json(),
        total=plan.total,
        delivery=delivery,
        replace=replace,
    )


@dataclass(frozen=True)
class NothingMissed:
    """The reviewed attempt had every question right."""


ReviewOutcome = Started | Running | NothingMissed


async def start_review(
    store: Storage, source: QuizSession, *, user_id: int, guild_id: int | None, delivery: Delivery
) -> ReviewOutcome:
    """A short attempt on exactly the questions missed in `source`, recorded as a review."""
    stored = await store.session_answers(source.id)
    missed = [stored_answer.question_id for stored_answer in stored if stored_answer.correct is False]
    if not missed:
        return NothingMissed()
    plan = review_plan(Plan.from_json(source.plan), missed, session_id=source.id, seed=new_seed())
    plan = plan.model_copy(update={"channel_id": None})
    try:
        session = await _create(
            store,
            plan,
            user_id=user_id,
            quiz_id=source.quiz_id,
            guild_id=guild_id or source.guild_id,
            delivery=delivery,
            replace=False,
        )
    except ActiveSessionExists as exc:
        return Running(exc.session)
    return Started(session, plan)


async def latest_active(store: Storage, user_id: int, quiz_id: str | None) -> QuizSession | None:
    """The member's most recent running session (of `quiz_id`, if given)."""
    sessions = await store.active_sessions(user_id)
    return next((s for s in sessions if quiz_id is None or s.quiz_id == quiz_id), None)


async def resume(store: Storage, user_id: int, quiz_id: str | None) -> QuizSession | None:
    """The running session to show again (its idle clock restarts), or None."""
    session = await latest_active(store, user_id, quiz_id)
    if session is not None:
        await store.touch_session(session.id)
    return session


class Cancel(enum.Enum):
    NOTHING = "nothing"  # no quiz in progress
    ALREADY_ENDED = "already_ended"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class CancelOutcome:
    status: Cancel
    session: QuizSession | None = None


async def cancel(store: Storage, user_id: int, quiz_id: str | None) -> CancelOutcome:
    session = await latest_active(store, user_id, quiz_id)
    if session is None:
        return CancelOutcome(Cancel.NOTHING)
    cancelled = await store.cancel_session(session.id)
    return CancelOutcome(Cancel.CANCELLED if cancelled else Cancel.ALREADY_ENDED, session)


@dataclass(frozen=True)
class Current:
    """Where a session stands: its plan, its answers replayed, and the question it is on."""

    plan: Plan
    attempt: Attempt
    question: PlannedQuestion | None


async def current(store: Storage, session: QuizSession, plan: Plan | None = None) -> Current:
    plan = plan or plan_of(session.id, session.plan)
    stored = await store.session_answers(session.id)
    attempt = Attempt.replay(plan, [(a.question_id, a.choice_id) for a in stored])
    return Current(plan, attempt, attempt.current())


def origin_channel(session: QuizSession | None) -> int | None:
    """The server channel a session's quiz was started from (where its result may be shared)."""
    return plan_of(session.id, session.plan).channel_id if session is not None else None


async def role_to_grant(store: Storage, session: QuizSession, result: PathResult) -> int | None:
    """The role an admin mapped to this path result in the session's server, if any."""
    if session.guild_id is None or result.leaning == "balanced":
        return None
    config = await store.get_config(session.guild_id)
    return config.role_for(result.leaning)


# --- sharing -----------------------------------------------------------------------------------


class ShareProblem(enum.Enum):
    GONE = "gone"
    NOT_YOURS = "not_yours"
    NOT_FINISHED = "not_finished"
    NO_CHANNEL = "no_channel"


@dataclass(frozen=True)
class Shareable:
    session: QuizSession
    summary: ResultSummary
    channel_id: int


async def shareable(store: Storage, session_id: int, user_id: int) -> Shareable | ShareProblem:
    """A finished result the member may post in the channel the quiz was started from, or why not."""
    session = await store.get_session(session_id)
    if session is None:
        return ShareProblem.GONE
    if session.user_id != user_id:
        return ShareProblem.NOT_YOURS
    summary = session.summary
    if session.status != "completed" or summary is None:
        return ShareProblem.NOT_FINISHED
    channel_id = Plan.from_json(session.plan).channel_id
    if channel_id is None:
        return ShareProblem.NO_CHANNEL
    return Shareable(session, summary, channel_id)


# --- progress ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicToRevisit:
    entry_id: str
    title: str
    misses: int


async def topics_to_revisit(
    store: Storage, quizzes: QuizBook, titles: Mapping[str, str], user_id: int
) -> list[TopicToRevisit]:
    """Knowledge-base entries behind the questions a member missed and has not since got right."""
    quiz = quizzes.get(REVIEWED_QUIZ) if REVIEWED_QUIZ in quizzes else None
    if not isinstance(quiz, KnowledgeQuiz):
        return []
    entry_of = {question.id: question.review for question in quiz.questions if question.review}
    misses: dict[str, int] = {}
    for missed in await store.missed_questions(user_id, REVIEWED_QUIZ):
        entry = entry_of.get(missed.question_id)
        if entry is not None and entry in titles and not missed.last_correct:
            misses[entry] = misses.get(entry, 0) + missed.misses
    ranked = sorted(misses.items(), key=lambda item: -item[1])[:REVISIT_TOPICS]
    return [TopicToRevisit(entry, titles[entry], count) for entry, count in ranked]


@dataclass(frozen=True)
class Progress:
    """Everything /quiz progress shows: the quizzes, the topics to read again, the trivia record."""

    quizzes: MemberProgress
    revisit: list[TopicToRevisit]
    trivia: TriviaRecord


async def progress(store: Storage, quizzes: QuizBook, titles: Mapping[str, str], user_id: int) -> Progress:
    return Progress(
        await store.member_progress(user_id),
        await topics_to_revisit(store, quizzes, titles, user_id),
        await store.trivia_record(user_id),
    )


# --- the controls under quiz messages ----------------------------------------------------------

ControlAction = Literal["resume", "restart", "here", "fresh", "review"]


class ControlProblem(enum.Enum):
    NOT_YOURS = "not_yours"
    NO_SUCH_QUIZ = "no_such_quiz"
    GONE = "gone"
    NOT_FINISHED = "not_finished"  # only a finished knowledge check can be reviewed


@dataclass(frozen=True)
class Review:
    """Retry the questions missed in this finished session."""

    session: QuizSession


@dataclass(frozen=True)
class Show:
    """Show this running session's current question again."""

    session: QuizSession


@dataclass(frozen=True)
class Begin:
    """Start the quiz afresh with these settings (see :func:`start`)."""

    quiz_id: str
    guild_id: int | None
    delivery: Delivery
    replace: bool
    origin_channel: int | None = None


ControlOutcome = ControlProblem | Closed | Review | Show | Begin


async def control(
    store: Storage,
    quizzes: QuizBook,
    action: ControlAction,
    *,
    quiz_id: str,
    session_id: int,
    user_id: int,
    guild_id: int | None,
) -> ControlOutcome:
    """What a Resume, Start over, Take it here, Start a fresh one or Retry button does. `guild_id`
    is where it was clicked (None in a DM)."""
    session = await store.get_session(session_id) if session_id else None
    if session is not None and session.user_id != user_id:
        return ControlProblem.NOT_YOURS
    if quiz_id not in quizzes:
        return ControlProblem.NO_SUCH_QUIZ
    if action in ("review", "resume") and session is None:
        return ControlProblem.GONE
    if action == "review":
        assert session is not None
        return Review(session) if session.status == "completed" else ControlProblem.NOT_FINISHED
    if action == "resume":
        assert session is not None
        if session.status != "in_progress":
            return Closed(session)
        await store.touch_session(session.id)
        return Show(session)
    if action == "here":
        if session is not None and session.status == "in_progress":
            await store.set_delivery(session.id, "ephemeral")
            return Show(await store.get_session(session.id) or session)
        # A fresh start here: a running attempt can only exist when "Start over" could not reach
        # the DMs and put the old attempt back, and starting over is what was asked.
        return Begin(quiz_id, guild_id, "ephemeral", replace=True)
    origin = origin_channel(session)
    guild = guild_id or (session.guild_id if session else None)
    if action == "restart":
        return Begin(quiz_id, guild, "dm", replace=True, origin_channel=origin)
    delivery: Delivery = "dm" if guild_id is None or session is None else session.delivery
    return Begin(quiz_id, guild, delivery, replace=False, origin_channel=origin)
