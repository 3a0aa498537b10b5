"""No class, teacher or room is double-booked (班级、教师、场地不冲突)."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.domain import Lesson
from scheduler.model.variables import Vars, alike_atoms, locate, room_choice_lessons, running_at, time_points


def add_class_clash(m: cp_model.CpModel, v: Vars) -> None:
    """A class (or section of one) has at most one lesson at a time; exactly one where its week is full."""
    for atom, lessons, _ in alike_atoms(v):
        if not lessons:
            continue
        slots = _slot_cover(v, lessons)
        full = _full_week(v, lessons, slots)
        for covering in slots:
            if full:
                v.full_clashes.append(m.add_exactly_one(covering).index)
            elif len(covering) > 1:
                m.add(sum(covering) <= 1).only_enforce_if(v.enforce("class_clash", atom))


def _slot_cover(v: Vars, lessons: list[Lesson]) -> list[list[cp_model.IntVar]]:
    """Per (day, period) that a session of ``lessons`` can cover, in day and period order: the start variables
    covering it, in lesson order (read off each lesson's starts: slot by slot was slow on large files)."""
    slots: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for lesson in lessons:
        for day, start, var in v.starts_of(lesson):
            for period in range(start, start + lesson.duration):
                slots[(day, period)].append(var)
    return [slots[key] for key in sorted(slots)]


def _full_week(v: Vars, lessons: list[Lesson], slots: list[list[cp_model.IntVar]]) -> bool:
    """As many periods to teach as periods a session can cover (``slots``): then each is covered. Implied by the
    lesson counts and the clash rule; stated as "exactly one" it also propagates the other way (the last slot
    left in a full class's week must take one of its lessons): St Paul's and Bethlen-2008-2009 (FET files with
    nearly every class's week full) went from none in 60 s and a median of 31 s to a checked timetable in
    12.0 s and 7.45 s; ConcordiaY15T1a (also full) got slower, 11.3 s to 23.1 s (medians of 10 seeds, first
    phase), hence the first phase's race against local search without it (``solve._full_week_portfolio``;
    benchmarks/FET_REAL.md, "Session 13"). Not in explain mode, where the two rules it joins are relaxed one by
    one."""
    return not v.explain and sum(lesson.periods_per_week for lesson in lessons) == len(slots)


def without_full_weeks(model: cp_model.CpModel, full_clashes: list[int]) -> cp_model.CpModel:
    """A copy of ``model`` whose full-week clashes (``Vars.full_clashes``) are "at most one" again: the same rules
    and variables (same indices, so the copy's solutions read through the original's variables), without the
    implied equalities, for the first phase's local search. Copying the built model costs 3–17 ms on FET files
    where building it again took 0.2–1.0 s (benchmarks/FET_REAL.md, "Session 15")."""
    loose = model.clone()
    for index in full_clashes:
        constraint = loose.proto.constraints[index]
        literals = list(constraint.exactly_one.literals)
        constraint.at_most_one.literals.extend(literals)  # the constraint's one kind: this replaces exactly_one
    return loose


def add_resource_limit(m: cp_model.CpModel, v: Vars, lessons: list[Lesson], limit: int, family: str, key: str) -> None:
    """At every clock moment, at most ``limit`` of ``lessons`` run (bell schedules may differ)."""
    if not lessons:
        return
    school = v.school
    schedules = list({school.stage_of(lesson): school.schedule_of(lesson) for lesson in lessons}.values())
    if len(schedules) == 1:
        # one bell schedule (every FET file): its moments are its period starts, each inside its period, so
        # the sessions running are those covering the period (the same constraints as below, found faster)
        for running in _slot_cover(v, lessons):
            if len(running) > limit:
                m.add(cp_model.LinearExpr.sum(running) <= limit).only_enforce_if(v.enforce(family, key))
        return
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


def add_not_overlapping(m: cp_model.CpModel, v: Vars) -> None:
    """Lessons that must never run at the same time (``not_with``; FET: activities not overlapping), by clock time.

    One session at a time of the two lessons together: sessions of one lesson share its groups, so
    class_clash already keeps them apart.
    """
    school = v.school
    for lesson in school.all_lessons:
        for other_id in dict.fromkeys(lesson.not_with):
            other = school.lesson_by_id[other_id]
            add_resource_limit(m, v, [lesson, other], 1, "not_overlapping", f"{lesson.id}/{other_id}")


def add_room_capacity(m: cp_model.CpModel, v: Vars) -> None:
    """Lessons needing a room type never outnumber the rooms' capacity (操场可容纳多个班).

    Fixed-room lessons are limited by their room; all lessons of a type together by the
    type's total capacity, or, when some room of the type has unavailable periods, by the
    capacity of the rooms free in the periods they cover. Rooms are then assigned per session
    after solving, except where some lesson has a room set: there add_room_set also chooses each
    session's room, exactly. In a model without room choice (``Vars.choose_rooms`` off) the lessons
    that would choose one are counted per moment against the rooms they may use instead (Hall's
    condition, ``add_room_type_limit``): necessary, not sufficient, for a room each.
    """
    school = v.school
    by_type: dict[str, list[Lesson]] = defaultdict(list)
    by_room: dict[str, list[Lesson]] = defaultdict(list)
    for lesson in school.all_lessons:
        room_type = school.room_type_of(lesson)
        if room_type is None or (lesson.rooms is not None and not lesson.room):
            continue  # a room set: rule room_set chooses the room (scheduler/model/room_sets.py)
        by_type[room_type].append(lesson)
        if lesson.room:
            by_room[lesson.room].append(lesson)
    for room_type, lessons in by_type.items():
        rooms = [r for r in school.rooms if r.type == room_type]
        if any(r.unavailable for r in rooms):
            add_room_type_limit(m, v, lessons, "room_capacity", room_type)
        else:
            add_resource_limit(m, v, lessons, sum(r.capacity for r in rooms), "room_capacity", room_type)
    for room_id, lessons in by_room.items():
        add_resource_limit(m, v, lessons, school.room_by_id[room_id].capacity, "room_capacity", room_id)
    if not v.choose_rooms and (chosen := room_choice_lessons(school)):
        lessons = [school.lesson_by_id[lesson_id] for lesson_id in chosen]
        add_room_type_limit(m, v, lessons, "room_set", "times first", most=12)


def add_room_type_limit(
    m: cp_model.CpModel, v: Vars, lessons: list[Lesson], family: str, key: str, most: int = 6
) -> None:
    """``add_resource_limit`` for rooms with unavailable periods: capacity depends on the periods covered.

    At every clock moment the running sessions are grouped by the rooms they may use
    (``School.rooms_of``: the fixed room, the room set or the type's rooms) that are free in every
    period they cover; for each union U of those room sets, the sessions that can only use rooms of U
    number at most U's capacity (Hall's condition at that moment; with more than ``most`` distinct sets
    only each set and all together). It is necessary, not sufficient, for a room per session over the
    whole day, which scheduler/rooms.py looks for after solving.
    """
    school = v.school
    schedules = {school.stage_of(lesson): school.schedule_of(lesson) for lesson in lessons}
    moments = time_points(list(schedules.values()))
    free_rooms: dict[tuple, frozenset[str]] = {}
    for day in v.days:
        for moment in moments:
            by_rooms: dict[frozenset[str], list[cp_model.IntVar]] = defaultdict(list)
            for lesson in lessons:
                stage = school.stage_of(lesson)
                where = locate(v, schedules[stage], moment)
                if where is None:
                    continue
                period, in_break = where
                last_needed = period + 1 if in_break else period
                usable = tuple(school.rooms_of(lesson) or ())
                for first in range(max(1, last_needed - lesson.duration + 1), period + 1):
                    var = v.start.get((lesson.id, day, first))
                    if var is None:
                        continue
                    need = (stage, day, first, lesson.duration, usable)
                    if need not in free_rooms:
                        covered = range(first, first + lesson.duration)
                        free_rooms[need] = frozenset(
                            r for r in usable if all(school.room_by_id[r].free(day, p, stage) for p in covered)
                        )
                    by_rooms[free_rooms[need]].append(var)
            for union in _unions(sorted(by_rooms, key=sorted), most):
                running = [var for free, group in by_rooms.items() if free <= union for var in group]
                limit = sum(school.room_by_id[r].capacity for r in union)
                if len(running) > limit:
                    m.add(sum(running) <= limit).only_enforce_if(v.enforce(family, key))


def _unions(sets: list[frozenset[str]], most: int = 6) -> list[frozenset[str]]:
    """Every union of some of ``sets``; with more than ``most`` sets only each set and the union of all."""
    if len(sets) > most:
        return list(dict.fromkeys([*sets, frozenset().union(*sets)]))
    unions: dict[frozenset[str], None] = {}
    for free in sets:
        for union in [free, *(u | free for u in unions)]:
            unions.setdefault(union, None)
    return list(unions)


def add_room_unavailable(m: cp_model.CpModel, v: Vars) -> None:
    """A lesson with a fixed room never covers a period its room is unavailable (场地不可用时段)."""
    school = v.school
    for lesson in school.all_lessons:
        if not lesson.room or not school.room_by_id[lesson.room].unavailable:
            continue
        room, stage = school.room_by_id[lesson.room], school.stage_of(lesson)
        for slot in room.unavailable:
            if slot.stage in (None, stage):
                for var in v.covering(lesson, slot.day, slot.period):
                    v.forbid(var, "room_unavailable", room.id)
