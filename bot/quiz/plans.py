"""Parsed plans, kept for the sessions in play so a click does not parse its session's plan again.

A plan never changes once its session starts, so a parsed plan stays valid for as long as the
stored text is the same; the text's hash is checked, so a different plan under a reused session
id is parsed afresh. Bounded (least recently used goes first); safe across threads, since clicks
read plans on the database writer's thread and commands on the event loop.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from bot.quiz.engine import Plan

# About 56 KB each in memory; 128 sessions in play is about 7 MB at most.
MAX_PLANS = 128

_plans: OrderedDict[int, tuple[int, Plan]] = OrderedDict()
_lock = threading.Lock()


def plan_of(session_id: int, text: str) -> Plan:
    """The session's plan, parsed from `text` once and then served from memory."""
    digest = hash(text)
    with _lock:
        found = _plans.get(session_id)
        if found is not None and found[0] == digest:
            _plans.move_to_end(session_id)
            return found[1]
    plan = Plan.from_json(text)
    with _lock:
        _plans[session_id] = (digest, plan)
        _plans.move_to_end(session_id)
        while len(_plans) > MAX_PLANS:
            _plans.popitem(last=False)
    return plan


def has_plan(session_id: int) -> bool:
    """Whether a plan for this session is in memory (parse it before a write transaction if not)."""
    with _lock:
        return session_id in _plans


def forget_plans() -> None:
    """Drop every cached plan (for benchmarks that compare with and without)."""
    with _lock:
        _plans.clear()
