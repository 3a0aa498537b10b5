"""Per-lesson room sets (rule room_set): the model chooses each session's room.

Only when some lesson has ``rooms`` (``Vars.room_lessons``: those lessons and every lesson that may
share a room with one of them). Without room sets the per-type totals of room_capacity stand alone.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.domain import Lesson
from scheduler.model.variables import Vars, locate, time_points


def add_room_set(m: cp_model.CpModel, v: Vars) -> None:
    """Every session of a lesson with a room set is in exactly one of its rooms, free in every period it
    covers (a multi-period session keeps one room); at every clock moment a room holds at most its
    ``capacity`` of the sessions that chose it (fixed-room and room-type lessons that share rooms with
    a room set included, so rooms are exact, not only per-type totals). Alike rooms (``room_classes``)
    are chosen as one class of their total capacity: the same timetables, fewer variables."""
    if not v.room_lessons:
        return
    _add_one_room_each(m, v)
    _add_room_limits(m, v)


def _choice_guard(v: Vars, lesson: Lesson) -> list[cp_model.IntVar]:
    """A room set is rule room_set of the lesson; a room type's rooms are rule room_capacity of the type."""
    if lesson.rooms is not None:
        return v.enforce("room_set", lesson.id)
    return v.enforce("room_capacity", v.school.room_type_of(lesson) or "")


def _add_one_room_each(m: cp_model.CpModel, v: Vars) -> None:
    """A placed session chooses one room (none when it is not placed)."""
    school = v.school
    for lesson_id in v.room_lessons:
        lesson = school.lesson_by_id[lesson_id]
        if lesson.room:
            continue  # its start variable is its room choice; room_unavailable keeps it off closed periods
        for day, period, var in v.starts_of(lesson):
            choice = list(v.room_choice[(lesson_id, day, period)].values())
            for room_var in choice:
                m.add_implication(room_var, var)
            m.add(sum(choice) == var).only_enforce_if(_choice_guard(v, lesson))


def _add_room_limits(m: cp_model.CpModel, v: Vars) -> None:
    """Per class of alike rooms, day and clock moment: the sessions in its rooms then ≤ their capacity."""
    school = v.school
    by_class: dict[str, list[Lesson]] = defaultdict(list)
    class_of = {room_id: name for name, rooms in v.room_classes.items() for room_id in rooms}
    for lesson_id, rooms in v.room_lessons.items():
        for name in dict.fromkeys(class_of[r] for r in rooms):
            by_class[name].append(school.lesson_by_id[lesson_id])
    for name, lessons in by_class.items():
        capacity = sum(school.room_by_id[r].capacity for r in v.room_classes[name])
        schedules = list({school.stage_of(lesson): school.schedule_of(lesson) for lesson in lessons}.values())
        for day in v.days:
            for moment in time_points(schedules):
                here = [
                    var
                    for lesson in lessons
                    for first in _running_starts(v, lesson, moment)
                    if (var := v.room_choice.get((lesson.id, day, first), {}).get(name)) is not None
                ]
                if len(here) > capacity:
                    m.add(sum(here) <= capacity).only_enforce_if(v.enforce("room_capacity", name))


def _running_starts(v: Vars, lesson: Lesson, moment: int) -> range:
    """Start periods of the sessions of ``lesson`` whose clock interval contains ``moment`` (in the
    break after period p: the sessions covering p and p+1)."""
    where = locate(v, v.school.schedule_of(lesson), moment)
    if where is None:
        return range(0)
    period, in_break = where
    last_needed = period + 1 if in_break else period
    return range(max(1, last_needed - lesson.duration + 1), period + 1)
