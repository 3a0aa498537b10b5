"""Per-lesson room sets (rule room_set) and room groups (rules rooms_max_different,
same_room_if_consecutive): the model chooses each session's room.

Only when some lesson has ``rooms`` or is in a room group (``Vars.room_lessons``: those lessons and
every lesson that may share a room with one of them). Without either the per-type totals of
room_capacity stand alone. Each session has a room choice of its own, so the room-group rules count
sessions, and the rooms a room group's lessons may use are classes of their own (one room each).
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.domain import Lesson, RoomGroup
from scheduler.model.clashes import add_resource_limit
from scheduler.model.variables import Vars, add_used_cap, implied_any, locate, lunch_before, time_points


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


def add_rooms_max_different(m: cp_model.CpModel, v: Vars) -> None:
    """The sessions of a room group's lessons use at most ``max_rooms`` distinct rooms over the week (FET:
    activities occupy max different rooms); sessions without a room do not count. Without room choice
    (``Vars.choose_rooms`` off) only what that implies at each moment: the group's sessions then running fit
    in ``max_rooms`` of its rooms (with one-place rooms: no more than ``max_rooms`` at once)."""
    for group in v.school.room_groups:
        if group.max_rooms is None:
            continue
        if not v.choose_rooms:
            _add_group_at_once(m, v, group)
            continue
        in_room: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        for lesson in _grouped(v, group):
            for day, period, _ in v.starts_of(lesson):
                for room_id, var in v.room_choice.get((lesson.id, day, period), {}).items():
                    in_room[room_id].append(var)
        guard = v.enforce("rooms_max_different", group.id)
        add_used_cap(m, f"used[{group.id}]", in_room, group.max_rooms, guard)


def _add_group_at_once(m: cp_model.CpModel, v: Vars, group: RoomGroup) -> None:
    """At every moment a room group's running sessions number at most the capacity of its ``max_rooms``
    largest rooms (those its lessons may use)."""
    school = v.school
    lessons = [lesson for lesson_id in group.lessons if school.needs_room(lesson := school.lesson_by_id[lesson_id])]
    rooms = {room_id for lesson in lessons for room_id in school.rooms_of(lesson) or ()}
    largest = sorted((school.room_by_id[room_id].capacity for room_id in rooms), reverse=True)[: group.max_rooms]
    add_resource_limit(m, v, lessons, sum(largest), "rooms_max_different", group.id)


def add_same_room_if_consecutive(m: cp_model.CpModel, v: Vars) -> None:
    """Two sessions of a room group's lessons on one day, the later starting in the period right after the
    earlier ends (no lunch block of that day between them in the later one's bell schedule), are in the
    same room (FET: activities same room if consecutive). Per day and period boundary: no room of a
    session ending there together with another room of a session starting right after."""
    for group in v.school.room_groups:
        if not group.same_room_if_consecutive:
            continue
        lessons = _grouped(v, group)
        guard = v.enforce("same_room_if_consecutive", group.id)
        last = max((len(v.school.schedule_of(lesson).periods) for lesson in lessons), default=0)
        for day in v.days:
            for boundary in range(1, last):
                ending, starting = _rooms_at_boundary(v, lessons, day, boundary)
                if not ending or not starting:
                    continue
                ends_in = {room_id: implied_any(m, vars) for room_id, vars in ending.items()}
                starts_in = {room_id: implied_any(m, vars) for room_id, vars in starting.items()}
                for room_id, ends in ends_in.items():
                    for other_id, starts in starts_in.items():
                        if other_id != room_id:
                            m.add_bool_or([ends.Not(), starts.Not()]).only_enforce_if(guard)


def _grouped(v: Vars, group: RoomGroup) -> list[Lesson]:
    """The group's lessons whose room the model chooses (those that need a room)."""
    return [v.school.lesson_by_id[lesson_id] for lesson_id in group.lessons if lesson_id in v.room_lessons]


def _rooms_at_boundary(
    v: Vars, lessons: list[Lesson], day: int, boundary: int
) -> tuple[dict[str, list[cp_model.IntVar]], dict[str, list[cp_model.IntVar]]]:
    """Room choices, per room, of the sessions of ``lessons`` that end in period ``boundary`` of ``day`` and of
    those that start in the period after it with no lunch block between."""
    ending: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    starting: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for lesson in lessons:
        first = boundary - lesson.duration + 1
        for room_id, var in v.room_choice.get((lesson.id, day, first), {}).items():
            ending[room_id].append(var)
        if not lunch_before(v.school.schedule_of(lesson), day, boundary + 1):
            for room_id, var in v.room_choice.get((lesson.id, day, boundary + 1), {}).items():
                starting[room_id].append(var)
    return ending, starting
