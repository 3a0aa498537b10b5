"""The checker's rule list: one function per hard rule of docs/RULES.md, and ``check``.

Each rule reads a ``Context`` (school + expanded sessions) and yields ``Violation``s; its
name is ``check_<rule id>``. Placements that break ``placement_valid`` are left out of every
other rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from scheduler.check.clashes import (
    check_class_clash,
    check_room_capacity,
    check_room_missing,
    check_room_type,
    check_teacher_clash,
)
from scheduler.check.context import Context
from scheduler.check.curriculum import check_subject_per_day, check_weekly_hours
from scheduler.check.day_shape import (
    check_daily_activity,
    check_daily_lessons,
    check_daily_study_minutes,
    check_double_span,
    check_earliest_start,
    check_latest_end,
)
from scheduler.check.placements import check_lesson_count, check_pinned, check_placement_valid
from scheduler.check.report import Report, Violation
from scheduler.check.soft import SOFT_TERMS
from scheduler.check.teachers import (
    check_meeting,
    check_teacher_max_day,
    check_teacher_max_week,
    check_teacher_unavailable,
)
from scheduler.domain import School
from scheduler.solution import Solution

Rule = Callable[[Context], Iterator[Violation]]

# In the order of docs/RULES.md.
RULES: list[Rule] = [
    check_placement_valid,
    check_lesson_count,
    check_weekly_hours,
    check_class_clash,
    check_teacher_clash,
    check_room_missing,
    check_room_type,
    check_room_capacity,
    check_teacher_unavailable,
    check_meeting,
    check_teacher_max_week,
    check_teacher_max_day,
    check_pinned,
    check_subject_per_day,
    check_double_span,
    check_daily_activity,
    check_earliest_start,
    check_daily_lessons,
    check_daily_study_minutes,
    check_latest_end,
]

RULE_IDS: list[str] = [rule.__name__.removeprefix("check_") for rule in RULES]


def check(school: School, solution: Solution) -> Report:
    """Every hard-rule violation of ``solution`` and the value of every soft-goal term."""
    ctx = Context(school, solution)
    violations = [violation for rule in RULES for violation in rule(ctx)]
    soft = {term: value(ctx) for term, value in SOFT_TERMS.items()}
    return Report(school_id=school.id, violations=violations, soft=soft)
