"""Soft-goal terms (docs/RULES.md), recomputed from the timetable, unweighted.

The model reports the same terms in ``Solution.objective_terms``; the two must agree.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable

from scheduler.check.context import Context
from scheduler.check.teachers import teacher_day_periods
from scheduler.check.timeline import Session


def teacher_gaps(ctx: Context) -> int:
    """Per teacher, day, bell schedule and half day: runs of consecutive covered periods − 1 (空堂)."""
    total = 0
    for sessions in ctx.by_teacher.values():
        for (_, stage), periods in teacher_day_periods(sessions).items():
            schedule = ctx.school.schedule_by_stage[stage]
            for afternoon in (False, True):
                half = {p for p in periods if schedule.is_afternoon(p) == afternoon}
                runs = sum(1 for p in half if p - 1 not in half)
                total += max(0, runs - 1)
    return total


def core_in_afternoon(ctx: Context) -> int:
    """Periods of ``morning_preferred`` subjects (语数英) in afternoon periods, summed over sessions."""
    return sum(
        sum(1 for p in s.periods if s.schedule.is_afternoon(p)) for s in ctx.sessions if s.subject.morning_preferred
    )


def same_subject_same_day(ctx: Context) -> int:
    """Per atom, subject and day: sessions − 1."""
    total = 0
    for sessions in ctx.by_atom.values():
        per_day = Counter((s.day, s.lesson.subject) for s in sessions)
        total += sum(n - 1 for n in per_day.values())
    return total


def same_subject_in_a_row(ctx: Context) -> int:
    """Per atom and day: adjacent periods (p, p+1) covered by two different sessions of one subject."""
    total = 0
    for sessions in ctx.by_atom.values():
        covering: dict[tuple[int, int], list[Session]] = defaultdict(list)  # (day, period) -> sessions
        for session in sessions:
            for p in session.periods:
                covering[session.day, p].append(session)
        for (day, p), here in covering.items():
            after = covering.get((day, p + 1), [])
            if any(a is not b and a.lesson.subject == b.lesson.subject for a in here for b in after):
                total += 1
    return total


def _daily_overload(groups: dict[str, list[Session]], n_days: int) -> int:
    """Per group and day: periods that day − ⌈periods in the week / number of days⌉, if positive."""
    total = 0
    for sessions in groups.values():
        per_day = Counter()
        for session in sessions:
            per_day[session.day] += session.lesson.duration
        fair_share = math.ceil(sum(per_day.values()) / n_days)
        total += sum(max(0, load - fair_share) for load in per_day.values())
    return total


def teacher_daily_overload(ctx: Context) -> int:
    """Per teacher and day: periods beyond the teacher's fair share of the week."""
    return _daily_overload(ctx.by_teacher, len(ctx.school.days))


def class_daily_overload(ctx: Context) -> int:
    """Per class atom and day: periods beyond the atom's fair share of the week (a balanced week for pupils)."""
    return _daily_overload(ctx.by_atom, len(ctx.school.days))


def flexible_day_shortfall(ctx: Context) -> int:
    """弹性上下班: per teacher with a session, flexible days short of ``flexible.min_days``.

    A day is flexible when nothing of the teacher's (session, meeting or after-school work)
    starts before ``late_arrival_until``, or nothing ends after ``early_leave_from``.
    """
    need = ctx.school.flexible.min_days
    return sum(max(0, need - len(ctx.flexible_days(teacher_id))) for teacher_id in ctx.by_teacher)


def after_school_duty_excess(ctx: Context) -> int:
    """Per school teacher: after-school duties + club meetings beyond ``School.fair_duties``."""
    fair = ctx.school.fair_duties
    return sum(
        max(0, len(work) - fair)
        for teacher_id, work in ctx.after_school_work.items()
        if teacher_id in ctx.school.teacher_by_id and not ctx.school.teacher_by_id[teacher_id].outside_staff
    )


SOFT_TERMS: dict[str, Callable[[Context], int]] = {
    "teacher_gaps": teacher_gaps,
    "core_in_afternoon": core_in_afternoon,
    "same_subject_same_day": same_subject_same_day,
    "same_subject_in_a_row": same_subject_in_a_row,
    "teacher_daily_overload": teacher_daily_overload,
    "class_daily_overload": class_daily_overload,
    "flexible_day_shortfall": flexible_day_shortfall,
    "after_school_duty_excess": after_school_duty_excess,
}

# Terms that exist only when the school configures after-school service.
AFTER_SCHOOL_TERMS = {"after_school_duty_excess"}
