"""The CP-SAT timetable model: one function per rule family, registered in ``RULES``.

Rule ids are the ones in docs/RULES.md; the checker implements the same rules separately.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.domain import School
from scheduler.model.afterschool import (
    add_as_club_days,
    add_as_club_instructor,
    add_as_daily_minutes,
    add_as_duty_max_week,
    add_as_end_time,
    add_as_instructor_available,
    add_as_room_capacity,
    add_as_service_days,
    add_as_session_length,
    add_as_supervision,
    add_as_teacher_clash,
    add_club_every_pupil,
    add_flexible_days,
)
from scheduler.model.clashes import (
    add_class_clash,
    add_not_overlapping,
    add_room_capacity,
    add_room_unavailable,
    add_teacher_clash,
)
from scheduler.model.day_shape import (
    add_class_late_starts,
    add_class_lessons_per_day,
    add_class_max_consecutive,
    add_class_max_gaps,
    add_class_no_gaps,
    add_class_starts_first_period,
    add_class_tag_hours,
    add_class_unavailable,
    add_daily_activity,
    add_daily_lessons,
    add_earliest_start,
    add_latest_end,
)
from scheduler.model.lessons import (
    add_adjacent_if_same_day,
    add_allowed_starts,
    add_days_apart,
    add_different_days,
    add_double_span,
    add_lesson_count,
    add_min_gap,
    add_occupy_max_slots,
    add_pinned,
    add_same_time,
    add_subject_per_day,
    add_weekly_hours,
)
from scheduler.model.moves import moves_cost
from scheduler.model.objective import add_objective
from scheduler.model.relations import (
    add_consecutive,
    add_ends_day,
    add_grouped,
    add_ordered,
    add_ordered_if_same_day,
    add_same_day,
    add_same_hour,
)
from scheduler.model.room_sets import add_room_set, add_rooms_max_different, add_same_room_if_consecutive
from scheduler.model.teachers import (
    add_meetings,
    add_teacher_interval_max_days,
    add_teacher_max_consecutive,
    add_teacher_max_day,
    add_teacher_max_days,
    add_teacher_max_gaps,
    add_teacher_max_week,
    add_teacher_min_day,
    add_teacher_min_days,
    add_teacher_tag_hours,
    add_teacher_unavailable,
    teacher_gap_excess,
)
from scheduler.model.variables import Key, Vars, build_vars
from scheduler.solution import Solution

RULES = [
    add_lesson_count,
    add_weekly_hours,
    add_class_clash,
    add_teacher_clash,
    add_room_capacity,
    add_room_unavailable,
    add_teacher_unavailable,
    add_meetings,
    add_teacher_max_week,
    add_teacher_max_day,
    add_teacher_min_day,
    add_teacher_max_days,
    add_teacher_min_days,
    add_teacher_max_gaps,
    add_teacher_max_consecutive,
    add_teacher_tag_hours,
    add_teacher_interval_max_days,
    add_pinned,
    add_different_days,
    add_days_apart,
    add_adjacent_if_same_day,
    add_min_gap,
    add_allowed_starts,
    add_same_time,
    add_not_overlapping,
    add_occupy_max_slots,
    add_subject_per_day,
    add_double_span,
    add_daily_activity,
    add_earliest_start,
    add_daily_lessons,
    add_class_lessons_per_day,
    add_class_no_gaps,
    add_class_starts_first_period,
    add_latest_end,
    add_consecutive,
    add_grouped,
    add_ordered,
    add_ordered_if_same_day,
    add_ends_day,
    add_same_day,
    add_same_hour,
    # after-school "5+2" (only when School.after_school is set)
    add_as_service_days,
    add_as_daily_minutes,
    add_as_end_time,
    add_as_session_length,
    add_as_supervision,
    add_as_club_days,
    add_as_club_instructor,
    add_as_instructor_available,
    add_as_room_capacity,
    add_as_teacher_clash,
    add_as_duty_max_week,
    add_flexible_days,
    add_club_every_pupil,
    # class days (not after-school)
    add_class_unavailable,
    add_class_max_gaps,
    add_class_late_starts,
    add_class_max_consecutive,
    add_class_tag_hours,
    add_room_set,
    add_rooms_max_different,
    add_same_room_if_consecutive,
]


# The rules that only forbid single session starts (``Vars.forbid``), whatever else is placed: outside
# explain mode those starts get no variable at all (``forbidden_starts``).
UNIT_RULES = [
    add_teacher_unavailable,
    add_meetings,
    add_room_unavailable,
    add_allowed_starts,
    add_double_span,
    add_earliest_start,
    add_latest_end,
    add_class_unavailable,
]
assert all(rule in RULES for rule in UNIT_RULES)


def forbidden_starts(school: School) -> set[Key]:
    """The session starts the unit rules forbid, found by a scratch pass of the unit rules over the start keys.

    The pass makes no CP-SAT variables (`build_vars(starts_only=True)` stands each start by its key), so it
    costs little (Spain's FET file: 108 -> 20 ms, medians of 7).

    Real FET files mark many periods unavailable (teachers, classes, breaks): Egypt 8,871 of 15,888 starts,
    Ancona 2,470 of 8,250, Belize test-2012 5,400 of 18,785. Each would carry its room-choice variables and
    constraints (Egypt: 139,129 variables with them, 70,062 without), so leaving them out makes building
    and presolve faster.
    The explain mode keeps them: there each forbidding is a rule instance that may be relaxed.
    """
    m = cp_model.CpModel()
    v = build_vars(m, school, starts_only=True)
    for rule in UNIT_RULES:
        rule(m, v)
    return v.forbidden


@dataclass
class BuiltModel:
    model: cp_model.CpModel
    vars: Vars
    terms: dict[str, cp_model.LinearExprT]
    moves: cp_model.LinearExprT | None = None  # move cost against the baseline (re-planning only)
    gap_excess: cp_model.LinearExprT | None = None  # teachers' gaps above their limits (gaps_as_excess only)


def build_model(
    school: School,
    explain: bool = False,
    objective: bool = True,
    baseline: Solution | None = None,
    move_weight: int = 100,
    forbidden: set[Key] | None = None,
    gaps_as_excess: bool = False,
    choose_rooms: bool = True,
) -> BuiltModel:
    """Variables, every hard rule family and (unless ``objective`` is off) the soft goals.

    With a ``baseline`` timetable (minimal-change re-planning) the objective also counts the
    lessons moved away from it, ``move_weight`` per unit of move cost (scheduler/model/moves.py).
    ``forbidden``: the school's ``forbidden_starts``, when the caller builds several models of it (found
    here when None; explain mode keeps every start).
    ``gaps_as_excess``: the teachers' gap limits are not rules but counted in ``gap_excess`` (the gaps above
    them), which a caller minimises to 0; the decision variables are the same as without it.
    ``choose_rooms`` off: no room choice, the rooms counted per moment instead (``Vars.choose_rooms``; for the
    first phase's times-first search, not with ``explain``).
    """
    m = cp_model.CpModel()
    if not explain and forbidden is None:
        forbidden = forbidden_starts(school)
    v = build_vars(
        m, school, explain=explain, skip=None if explain else forbidden, choose_rooms=choose_rooms or explain
    )
    for rule in RULES:
        if not (gaps_as_excess and rule is add_teacher_max_gaps):
            rule(m, v)
    moves = moves_cost(m, v, baseline) if baseline is not None else None
    terms = add_objective(m, v, move_weight * moves if moves is not None else 0) if objective else {}
    gap_excess = sum(teacher_gap_excess(m, v)) if gaps_as_excess else None
    return BuiltModel(model=m, vars=v, terms=terms, moves=moves, gap_excess=gap_excess)
