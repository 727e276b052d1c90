"""Parsed plans, kept for the sessions in play so a click does not parse its session's plan again.

A plan never changes once its session starts, so a parsed plan stays valid for as long as the
stored text is the same; the key includes the text's hash, so a different plan under a reused
session id is parsed afresh. Bounded (least recently used goes first); safe across threads, since
clicks parse on the database writer's thread and commands on the event loop.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from bot.quiz.engine import Plan

# About 56 KB each in memory; 128 sessions in play is about 7 MB at most.
MAX_PLANS = 128

_plans: OrderedDict[tuple[int, int], Plan] = OrderedDict()
_lock = threading.Lock()


def plan_of(session_id: int, text: str) -> Plan:
    """The session's plan, parsed from `text` once and then served from memory."""
    key = (session_id, hash(text))
    with _lock:
        plan = _plans.get(key)
        if plan is not None:
            _plans.move_to_end(key)
            return plan
    plan = Plan.from_json(text)
    with _lock:
        _plans[key] = plan
        while len(_plans) > MAX_PLANS:
            _plans.popitem(last=False)
    return plan


def forget_plans() -> None:
    """Drop every cached plan (for benchmarks that compare with and without)."""
    with _lock:
        _plans.clear()
