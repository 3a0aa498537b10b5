"""Minimal-change re-planning: the cost of moving lessons away from a baseline timetable.

Per lesson and day, with b the baseline's sessions that day (a constant), n the new sessions that
day and k the sessions kept in their baseline slot:
    sessions moved to another day  = max(0, b − n)          (summed over the days)
    sessions moved within the day  = min(b, n) − k = b − max(0, b − n) − k
so the cost MOVE_COST["day"] · Σ max(0, b − n) + MOVE_COST["period"] · Σ (b − max(0, b − n) − k)
is linear in one positive part per lesson-day. scheduler/changes.py recomputes the same count from
the two timetables (when a lesson's weekly count changed, the sessions it lost count here as moved
to another day: a constant that does not change which timetable is best).
"""

from __future__ import annotations

from collections import Counter

from ortools.sat.python import cp_model

from scheduler.changes import MOVE_COST
from scheduler.model.variables import Vars
from scheduler.solution import Solution


def baseline_slots(v: Vars, baseline: Solution) -> dict[str, Counter]:
    """Baseline sessions per lesson of the new school, as (day, period) counts; other lessons are dropped."""
    out: dict[str, Counter] = {}
    for p in baseline.placements:
        if p.lesson in v.starts:
            out.setdefault(p.lesson, Counter())[(p.day, p.period)] += 1
    return out


def moves_cost(m: cp_model.CpModel, v: Vars, baseline: Solution) -> cp_model.LinearExprT:
    """The move cost of the new timetable against ``baseline`` (exact, see the module text)."""
    day_cost, period_cost = MOVE_COST["day"], MOVE_COST["period"]
    parts = []
    for lesson_id, slots in baseline_slots(v, baseline).items():
        per_day = Counter()
        for (day, _), count in slots.items():
            per_day[day] += count
        for day, b in per_day.items():
            n = sum(var for d, _, var in v.starts[lesson_id] if d == day)
            kept = sum(v.start[(lesson_id, d, p)] for (d, p) in slots if d == day and (lesson_id, d, p) in v.start)
            lost = m.new_int_var(0, b, f"lost[{lesson_id},{day}]")
            m.add_max_equality(lost, [b - n, 0])
            parts.append((day_cost - period_cost) * lost + period_cost * (b - kept))
    return sum(parts)
