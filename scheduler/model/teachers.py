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
