"""Interactions that are too old to answer: shed before any work, and counted in one log line.

Discord refuses a reply to an interaction not acknowledged within 3 seconds of its creation
(error 10062, "Unknown interaction"), and follow-ups once its token has expired (10015, 50027).
Work for such an interaction only burns the time other members are waiting on, and a traceback
for each refusal makes an overloaded bot slower still, so both are one line with a running count.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from typing import Any

import discord

from bot import deadline

log = logging.getLogger("crossroads")

# Time kept back for the acknowledgement to reach Discord; an interaction with less left is shed.
ACK_MARGIN = 0.25
# 10062 Unknown interaction, 10015 Unknown webhook, 40060 already acknowledged, 50027 invalid token.
GONE_CODES = frozenset({10062, 10015, 40060, 50027})


# How many recent replies the reply-time estimate looks at.
REPLY_SAMPLES = 64
# A reply slower than this was held up by Discord (a 5xx and its retries), not by the bot's own
# backlog; counting it whole would shed every click that follows.
REPLY_CAP = 0.75


class _Counts:
    shed = 0
    gone = 0


counts = _Counts()
_replies: deque[float] = deque(maxlen=REPLY_SAMPLES)


def reset() -> None:
    """Start a new bot's counts and reply times from nothing."""
    counts.shed = counts.gone = 0
    _replies.clear()


def observe_reply(seconds: float) -> None:
    """Record how long a reply took from the moment its work was committed to Discord's answer."""
    _replies.append(min(seconds, REPLY_CAP))


def reply_time() -> float:
    """The longest recent reply: under load the event loop's backlog makes replies slow, and the
    time kept back for the reply has to grow with it, or commits would be followed by late acks."""
    return max(_replies, default=0.0)


def reply_margin() -> float:
    """Seconds of the 3-second window kept back for the reply after the database work commits."""
    return max(deadline.REPLY_MARGIN, 2.0 * reply_time())


def in_time(interaction: discord.Interaction[Any]) -> bool:
    """Whether an acknowledgement sent now can still reach Discord inside the 3-second window."""
    margin = max(ACK_MARGIN, 1.5 * reply_time())
    return deadline.Deadline.for_interaction(interaction.id, margin=margin).remaining() > 0


def shed(interaction: discord.Interaction[Any], what: str) -> None:
    """Drop an interaction that arrived too late to be answered (nothing is read or written)."""
    counts.shed += 1
    age = time.time() - deadline.snowflake_time(interaction.id)
    log.warning("Shed %s %.1f s after it was created (too late to answer); %d shed so far", what, age, counts.shed)


def gone(exc: BaseException, what: str) -> bool:
    """Log a reply Discord refused because the interaction expired, as one line; False for other errors."""
    if not isinstance(exc, discord.HTTPException) or exc.code not in GONE_CODES:
        return False
    counts.gone += 1
    log.warning(
        "Discord refused %s: the interaction had expired (%s %s); %d refused so far",
        what,
        exc.code,
        exc.text or exc.status,
        counts.gone,
    )
    return True
