"""Teacher availability, teaching-research meetings and teaching loads."""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduler.domain import minutes
from scheduler.model.variables import Vars


def add_teacher_unavailable(m: cp_model.CpModel, v: Vars) -> None:
    """A teacher teaches nothing in a period they marked unavailable."""
    school = v.school
    for teacher in school.teachers:
        for lesson in v.lessons_by_teacher[teacher.id]:
            stage = school.stage_of(lesson)
            for slot in teacher.unavailable:
                if slot.stage in (None, stage):
                    for var in v.covering(lesson, slot.day, slot.period):
                        m.add(var == 0).only_enforce_if(v.enforce("teacher_unavailable", teacher.id))


def add_meetings(m: cp_model.CpModel, v: Vars) -> None:
    """教研/集体备课: a meeting's teachers teach no lesson that overlaps it."""
    school = v.school
    for meeting in school.meetings:
        start, end = minutes(meeting.start), minutes(meeting.end)
        for teacher in meeting.teachers:
            for lesson in v.lessons_by_teacher[teacher]:
                schedule = school.schedule_of(lesson)
                for day, period, var in v.starts_of(lesson):
                    if day != meeting.day:
                        continue
                    first = minutes(schedule.period(period).start)
                    last = minutes(schedule.period(period + lesson.duration - 1).end)
                    if first < end and start < last:
                        m.add(var == 0).only_enforce_if(v.enforce("meeting", f"{meeting.id}/{teacher}"))


def teacher_day_load(v: Vars, teacher: str, day: int) -> cp_model.LinearExprT:
    """Periods the teacher teaches on ``day``."""
    return sum(
        var * lesson.duration
        for lesson in v.lessons_by_teacher[teacher]
        for d, _, var in v.starts_of(lesson)
        if d == day
    )


def add_teacher_max_week(m: cp_model.CpModel, v: Vars) -> None:
    """A teacher's weekly periods stay within ``max_lessons_per_week``."""
    for teacher in v.school.teachers:
        load = sum(teacher_day_load(v, teacher.id, day) for day in v.days)
        m.add(load <= teacher.max_lessons_per_week).only_enforce_if(v.enforce("teacher_max_week", teacher.id))


def add_teacher_max_day(m: cp_model.CpModel, v: Vars) -> None:
    """A teacher's periods on any day stay within ``max_lessons_per_day``."""
    for teacher in v.school.teachers:
        if not v.lessons_by_teacher[teacher.id]:
            continue
        for day in v.days:
            m.add(teacher_day_load(v, teacher.id, day) <= teacher.max_lessons_per_day).only_enforce_if(
                v.enforce("teacher_max_day", teacher.id)
            )


def add_teacher_max_days(m: cp_model.CpModel, v: Vars) -> None:
    """A teacher teaches on at most ``max_days_per_week`` days (FET: teacher max days per week, at 100 %)."""
    n_days = len(v.school.days)
    for teacher in v.school.teachers:
        limit = teacher.max_days_per_week
        if limit is None or limit >= n_days or not v.lessons_by_teacher[teacher.id]:
            continue
        teaches: dict[int, cp_model.IntVar] = {day: m.new_bool_var(f"teaches[{teacher.id},{day}]") for day in v.days}
        for lesson in v.lessons_by_teacher[teacher.id]:
            for day, _, var in v.starts_of(lesson):
                m.add_implication(var, teaches[day])
        m.add(sum(teaches.values()) <= limit).only_enforce_if(v.enforce("teacher_max_days", teacher.id))


def _is_zero(m: cp_model.CpModel, literals: list, name: str) -> cp_model.IntVar:
    """A Boolean equal to (no literal of ``literals`` is true)."""
    var = m.new_bool_var(name)
    if literals:
        m.add(sum(literals) <= len(literals) * (1 - var))
        m.add(var >= 1 - sum(literals))
    else:
        m.add(var == 1)
    return var


def flexible_flags(m: cp_model.CpModel, v: Vars) -> dict[str, list[cp_model.IntVar]]:
    """弹性上下班: per teacher (with lessons or after-school work) a Boolean per day, built once.

    A day is flexible when nothing of the teacher's (lesson, meeting, after-school duty or club)
    starts before ``flexible.late_arrival_until``, or nothing ends after ``flexible.early_leave_from``.
    """
    if v.flexible is not None:
        return v.flexible
    school = v.school
    late_until = minutes(school.flexible.late_arrival_until)
    leave_from = minutes(school.flexible.early_leave_from)
    v.flexible = {}
    for teacher in dict.fromkeys([*v.lessons_by_teacher, *v.after_school_work]):
        flags = []
        for day in v.days:
            meetings = [mt for mt in school.meetings if mt.day == day and teacher in mt.teachers]
            early_meeting = any(minutes(mt.start) < late_until for mt in meetings)
            late_meeting = any(minutes(mt.end) > leave_from for mt in meetings)
            early, late = [], []
            for lesson in v.lessons_by_teacher.get(teacher, []):
                schedule = school.schedule_of(lesson)
                for p in schedule.periods:
                    if minutes(p.start) < late_until:
                        early += v.covering(lesson, day, p.index)
                    if minutes(p.end) > leave_from:
                        late += v.covering(lesson, day, p.index)
            for work_day, start, end, lit in v.after_school_work.get(teacher, []):
                if work_day == day:
                    early += [lit] if start < late_until else []
                    late += [lit] if end > leave_from else []
            arrive_late = 0 if early_meeting else _is_zero(m, early, f"late[{teacher},{day}]")
            leave_early = 0 if late_meeting else _is_zero(m, late, f"leave[{teacher},{day}]")
            flag = m.new_bool_var(f"flex[{teacher},{day}]")
            m.add_max_equality(flag, [arrive_late, leave_early])
            flags.append(flag)
        v.flexible[teacher] = flags
    return v.flexible
