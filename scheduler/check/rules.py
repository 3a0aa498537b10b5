"""The checker's rule list: one function per hard rule of docs/RULES.md, and ``check``.

Each rule reads a ``Context`` (school + expanded sessions) and yields ``Violation``s; its
name is ``check_<rule id>``. Placements that break ``placement_valid`` are left out of every
other rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from scheduler.check.afterschool import (
    check_as_club_days,
    check_as_club_instructor,
    check_as_club_room,
    check_as_daily_minutes,
    check_as_duty_max_week,
    check_as_end_time,
    check_as_instructor_available,
    check_as_room_capacity,
    check_as_service_days,
    check_as_session_length,
    check_as_supervision,
    check_as_teacher_clash,
    check_club_capacity,
    check_club_eligible,
    check_club_every_pupil,
    check_club_fairness,
    check_club_min_size,
    check_club_pupil_clash,
    check_flexible_days,
)
from scheduler.check.clashes import (
    check_class_clash,
    check_not_overlapping,
    check_room_capacity,
    check_room_missing,
    check_room_set,
    check_room_type,
    check_room_unavailable,
    check_rooms_max_different,
    check_same_room_if_consecutive,
    check_teacher_clash,
)
from scheduler.check.context import Context
from scheduler.check.curriculum import check_subject_per_day, check_weekly_hours
from scheduler.check.day_shape import (
    check_class_late_starts,
    check_class_lessons_per_day,
    check_class_max_consecutive,
    check_class_max_gaps,
    check_class_no_gaps,
    check_class_starts_first_period,
    check_class_tag_hours,
    check_class_unavailable,
    check_daily_activity,
    check_daily_lessons,
    check_daily_study_minutes,
    check_double_span,
    check_earliest_start,
    check_latest_end,
)
from scheduler.check.placements import (
    check_adjacent_if_same_day,
    check_allowed_starts,
    check_days_apart,
    check_different_days,
    check_lesson_count,
    check_min_gap,
    check_occupy_max_slots,
    check_pinned,
    check_placement_valid,
    check_same_time,
)
from scheduler.check.relations import (
    check_consecutive,
    check_ends_day,
    check_grouped,
    check_ordered,
    check_ordered_if_same_day,
    check_same_day,
    check_same_hour,
)
from scheduler.check.report import Report, Violation
from scheduler.check.soft import AFTER_SCHOOL_TERMS, SOFT_TERMS
from scheduler.check.teachers import (
    check_meeting,
    check_teacher_interval_max_days,
    check_teacher_max_consecutive,
    check_teacher_max_day,
    check_teacher_max_days,
    check_teacher_max_gaps,
    check_teacher_max_week,
    check_teacher_min_day,
    check_teacher_min_days,
    check_teacher_tag_hours,
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
    check_room_unavailable,
    check_room_set,
    check_rooms_max_different,
    check_same_room_if_consecutive,
    check_teacher_unavailable,
    check_meeting,
    check_teacher_max_week,
    check_teacher_max_day,
    check_teacher_min_day,
    check_teacher_max_days,
    check_teacher_min_days,
    check_teacher_max_gaps,
    check_teacher_max_consecutive,
    check_teacher_tag_hours,
    check_teacher_interval_max_days,
    check_pinned,
    check_different_days,
    check_days_apart,
    check_adjacent_if_same_day,
    check_min_gap,
    check_allowed_starts,
    check_same_time,
    check_not_overlapping,
    check_occupy_max_slots,
    check_subject_per_day,
    check_double_span,
    check_daily_activity,
    check_earliest_start,
    check_daily_lessons,
    check_daily_study_minutes,
    check_class_lessons_per_day,
    check_class_no_gaps,
    check_class_starts_first_period,
    check_latest_end,
    check_class_unavailable,
    check_class_max_gaps,
    check_class_late_starts,
    check_class_max_consecutive,
    check_class_tag_hours,
    check_consecutive,
    check_grouped,
    check_ordered,
    check_ordered_if_same_day,
    check_ends_day,
    check_same_day,
    check_same_hour,
    check_as_service_days,
    check_as_daily_minutes,
    check_as_end_time,
    check_as_session_length,
    check_as_supervision,
    check_as_club_days,
    check_as_club_instructor,
    check_as_instructor_available,
    check_as_club_room,
    check_as_room_capacity,
    check_as_teacher_clash,
    check_as_duty_max_week,
    check_flexible_days,
    check_club_eligible,
    check_club_capacity,
    check_club_min_size,
    check_club_pupil_clash,
    check_club_every_pupil,
    check_club_fairness,
]

RULE_IDS: list[str] = [rule.__name__.removeprefix("check_") for rule in RULES]
# The after-school rules (scheduler/check/afterschool.py): silent without School.after_school.
AFTER_SCHOOL_RULE_IDS: list[str] = RULE_IDS[RULE_IDS.index("as_service_days") :]


def check(school: School, solution: Solution) -> Report:
    """Every hard-rule violation of ``solution`` and the value of every soft-goal term."""
    ctx = Context(school, solution)
    violations = [violation for rule in RULES for violation in rule(ctx)]
    soft = {
        term: value(ctx)
        for term, value in SOFT_TERMS.items()
        if school.after_school is not None or term not in AFTER_SCHOOL_TERMS
    }
    return Report(school_id=school.id, violations=violations, soft=soft)
