"""No class, teacher or room is double-booked (班级、教师、场地不冲突)."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.domain import Lesson
from scheduler.model.variables import Vars, running_at, time_points


def add_class_clash(m: cp_model.CpModel, v: Vars) -> None:
    """A class (or section of one) has at most one lesson at a time."""
    school = v.school
    for atom, lessons in v.lessons_by_atom.items():
        if not lessons:
            continue
        schedule = school.schedule_of(lessons[0])
        for day in v.days:
            for period in range(1, len(schedule.periods) + 1):
                covering = [var for lesson in lessons for var in v.covering(lesson, day, period)]
                if len(covering) > 1:
                    m.add(sum(covering) <= 1).only_enforce_if(v.enforce("class_clash", atom))


def add_resource_limit(m: cp_model.CpModel, v: Vars, lessons: list[Lesson], limit: int, family: str, key: str) -> None:
    """At every clock moment, at most ``limit`` of ``lessons`` run (bell schedules may differ)."""
    if not lessons:
        return
    school = v.school
    schedules = list({school.stage_of(lesson): school.schedule_of(lesson) for lesson in lessons}.values())
    moments = time_points(schedules)
    for day in v.days:
        for moment in moments:
            running = [var for lesson in lessons for var in running_at(v, lesson, day, moment)]
            if len(running) > limit:
                m.add(sum(running) <= limit).only_enforce_if(v.enforce(family, key))


def add_teacher_clash(m: cp_model.CpModel, v: Vars) -> None:
    """A teacher teaches at most one lesson at a time (教师不冲突), by clock time."""
    for teacher, lessons in v.lessons_by_teacher.items():
        add_resource_limit(m, v, lessons, 1, "teacher_clash", teacher)


def add_room_capacity(m: cp_model.CpModel, v: Vars) -> None:
    """Lessons needing a room type never outnumber the rooms' capacity (操场可容纳多个班).

    Fixed-room lessons are limited by their room; all lessons of a type together by the
    type's total capacity. Rooms are then assigned per session after solving.
    """
    school = v.school
    by_type: dict[str, list[Lesson]] = defaultdict(list)
    by_room: dict[str, list[Lesson]] = defaultdict(list)
    for lesson in school.all_lessons:
        room_type = school.room_type_of(lesson)
        if room_type is None:
            continue
        by_type[room_type].append(lesson)
        if lesson.room:
            by_room[lesson.room].append(lesson)
    for room_type, lessons in by_type.items():
        capacity = sum(r.capacity for r in school.rooms if r.type == room_type)
        add_resource_limit(m, v, lessons, capacity, "room_capacity", room_type)
    for room_id, lessons in by_room.items():
        add_resource_limit(m, v, lessons, school.room_by_id[room_id].capacity, "room_capacity", room_id)
