"""After-school service "5+2" (课后服务): settings, session-1 duties, clubs, teachers' time.

Only when ``School.after_school`` is set. Decided jointly with the timetable in the one CP-SAT
model: who supervises each class's session 1 (the class's own teachers), which days each club
meets and who instructs it, and every teacher's flexible days (弹性上下班, hard here). Pupils
are put into clubs afterwards (``scheduler.clubs``), from the club days chosen here.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.domain import Lesson, School, minutes
from scheduler.model.teachers import flexible_flags
from scheduler.model.variables import Vars, running_at


def _impossible(m: cp_model.CpModel, v: Vars, family: str, key: str) -> None:
    """A rule broken by the data itself: infeasible under its literal, so explain can name it."""
    m.add_bool_or([]).only_enforce_if(v.enforce(family, key))


def add_as_service_days(m: cp_model.CpModel, v: Vars) -> None:
    """双减 5+2: the service runs on every school day, at least ``after_school.days_per_week`` days."""
    school = v.school
    if school.after_school is None:
        return
    need = min(school.resolved_policy.after_school.days_per_week, len(school.days))
    if len(school.service_days) < max(need, len(school.days)):
        _impossible(m, v, "as_service_days", "service")


def add_as_daily_minutes(m: cp_model.CpModel, v: Vars) -> None:
    """双减 5+2: each stage's service lasts at least ``after_school.min_daily_minutes`` (2 hours)."""
    school = v.school
    need = school.resolved_policy.after_school.min_daily_minutes
    for window in school.after_school.windows if school.after_school else []:
        if window.total_minutes < need:
            _impossible(m, v, "as_daily_minutes", window.stage)


def add_as_end_time(m: cp_model.CpModel, v: Vars) -> None:
    """The service ends no earlier than the local end of the working day (``after_school.work_end``)."""
    school = v.school
    for window in school.after_school.windows if school.after_school else []:
        if minutes(window.end) < minutes(school.after_school.work_end):
            _impossible(m, v, "as_end_time", window.stage)


def add_as_session_length(m: cp_model.CpModel, v: Vars) -> None:
    """Session 1 starts after the stage's last period and holds the grade's homework (双减 limits)."""
    school = v.school
    homework = school.resolved_policy.after_school.homework_minutes
    for window in school.after_school.windows if school.after_school else []:
        if window.stage not in school.schedule_by_stage:
            continue
        last_end = minutes(school.schedule_by_stage[window.stage].periods[-1].end)
        grades = {c.grade for c in school.classes if c.stage == window.stage}
        if minutes(window.start) < last_end or any(window.session1_minutes < homework.get(g, 0) for g in grades):
            _impossible(m, v, "as_session_length", window.stage)


def add_as_supervision(m: cp_model.CpModel, v: Vars) -> None:
    """Every class with pupils staying has exactly one session-1 supervisor, one of its own teachers."""
    school = v.school
    candidates: dict[tuple[str, int], list] = defaultdict(list)
    for (class_id, day, _), var in v.duty.items():
        candidates[(class_id, day)].append(var)
    for school_class in school.classes:
        for day in school.service_days:
            if school.needs_supervision(school_class.id, day):
                lits = candidates.get((school_class.id, day), [])
                m.add(sum(lits) == 1).only_enforce_if(v.enforce("as_supervision", school_class.id))


def add_as_club_days(m: cp_model.CpModel, v: Vars) -> None:
    """A club meets on exactly ``days_per_week`` service days."""
    school = v.school
    for club in school.after_school.clubs if school.after_school else []:
        days = [v.meets[(club.id, day)] for day in school.service_days]
        m.add(sum(days) == club.days_per_week).only_enforce_if(v.enforce("as_club_days", club.id))


def add_as_club_instructor(m: cp_model.CpModel, v: Vars) -> None:
    """A club has exactly one instructor, chosen among its candidates."""
    school = v.school
    for club in school.after_school.clubs if school.after_school else []:
        lits = [v.instructs[(club.id, t)] for t in dict.fromkeys(club.instructors)]
        m.add(sum(lits) == 1).only_enforce_if(v.enforce("as_club_instructor", club.id))


def add_as_instructor_available(m: cp_model.CpModel, v: Vars) -> None:
    """A club meets only on days its instructor can come (outside staff: ``after_school_days``)."""
    school = v.school
    for club in school.after_school.clubs if school.after_school else []:
        for teacher in dict.fromkeys(club.instructors):
            for day in school.service_days:
                if not school.after_school_available(teacher, day):
                    m.add_bool_or([~v.meets[(club.id, day)], ~v.instructs[(club.id, teacher)]]).only_enforce_if(
                        v.enforce("as_instructor_available", club.id)
                    )


def club_rooms(school) -> dict[str, int]:
    """Capacity (clubs at once) per room type for session 2: home rooms are kept for the classes."""
    home = {c.home_room for c in school.classes}
    out: dict[str, int] = defaultdict(int)
    for room in school.rooms:
        if room.id not in home:
            out[room.type] += room.capacity
    return out


def add_as_room_capacity(m: cp_model.CpModel, v: Vars) -> None:
    """Clubs of a room type meeting at once (plus lessons needing that type) fit the rooms' capacity."""
    school = v.school
    if school.after_school is None:
        return
    capacity = club_rooms(school)
    by_type = defaultdict(list)
    for club in school.after_school.clubs:
        by_type[club.room_type].append(club)
    for room_type, clubs in by_type.items():
        intervals = {club.id: school.club_interval(club) for club in clubs}
        lessons = [lesson for lesson in school.all_lessons if _only_rooms_of_type(school, lesson, room_type)]
        moments = {start for start, _ in intervals.values()}
        for lesson in lessons:
            for p in school.schedule_of(lesson).periods:
                if any(start <= minutes(p.start) < end for start, end in intervals.values()):
                    moments.add(minutes(p.start))
        for day in school.service_days:
            for moment in sorted(moments):
                here = [v.meets[(c.id, day)] for c in clubs if intervals[c.id][0] <= moment < intervals[c.id][1]]
                if not here:
                    continue
                running = [var for lesson in lessons for var in running_at(v, lesson, day, moment)]
                if len(here) + len(running) > capacity[room_type]:
                    m.add(sum(here) + sum(running) <= capacity[room_type]).only_enforce_if(
                        v.enforce("as_room_capacity", room_type)
                    )


def _only_rooms_of_type(school: School, lesson: Lesson, room_type: str) -> bool:
    """Every room a session of the lesson may use (fixed room, room set or subject type) is of ``room_type``."""
    if lesson.rooms is None or lesson.room:
        return school.room_type_of(lesson) == room_type
    return all(school.room_by_id[r].type == room_type for r in lesson.rooms)


def add_as_teacher_clash(m: cp_model.CpModel, v: Vars) -> None:
    """No teacher is double-booked across after-school duties, clubs, lessons and meetings (clock time)."""
    school = v.school
    for teacher, work in v.after_school_work.items():
        guard = v.enforce("as_teacher_clash", teacher)
        by_day: dict[int, list] = defaultdict(list)
        for day, start, end, lit in work:
            by_day[day].append((start, end, lit))
        for day, items in by_day.items():
            for moment in sorted({start for start, _, _ in items}):
                here = [lit for start, end, lit in items if start <= moment < end]
                if len(here) > 1:
                    m.add(sum(here) <= 1).only_enforce_if(guard)
            for start, end in {(s, e) for s, e, _ in items}:
                lits = [lit for s, e, lit in items if (s, e) == (start, end)]
                for meeting in school.meetings:
                    overlaps = minutes(meeting.start) < end and start < minutes(meeting.end)
                    if meeting.day == day and teacher in meeting.teachers and overlaps:
                        for lit in lits:
                            m.add(lit == 0).only_enforce_if(guard)
                for lesson in v.lessons_by_teacher.get(teacher, []):
                    for p in school.schedule_of(lesson).periods:
                        if minutes(p.start) < end and start < minutes(p.end):
                            for var in v.covering(lesson, day, p.index):
                                for lit in lits:
                                    m.add_bool_or([~lit, ~var]).only_enforce_if(guard)


def add_as_duty_max_week(m: cp_model.CpModel, v: Vars) -> None:
    """A school teacher takes at most ``after_school.max_duties_per_week`` duties and club meetings."""
    school = v.school
    if school.after_school is None:
        return
    cap = school.after_school.max_duties_per_week
    for teacher, work in v.after_school_work.items():
        if not school.teacher_by_id[teacher].outside_staff and len(work) > cap:
            m.add(sum(lit for *_, lit in work) <= cap).only_enforce_if(v.enforce("as_duty_max_week", teacher))


def add_flexible_days(m: cp_model.CpModel, v: Vars) -> None:
    """弹性上下班 (hard with after-school): every school teacher gets ≥ ``flexible.min_days`` flexible days."""
    school = v.school
    if school.after_school is None:
        return
    flags = flexible_flags(m, v)
    for teacher in school.teachers:
        if teacher.outside_staff or teacher.id not in flags:
            continue
        m.add(sum(flags[teacher.id]) >= school.flexible.min_days).only_enforce_if(
            v.enforce("flexible_days", teacher.id)
        )


def add_club_every_pupil(m: cp_model.CpModel, v: Vars) -> None:
    """Every pupil staying for session 2 can get a club: for each grade and set of days pupils stay,
    some club of that grade meets on one of those days (the pupil stage then places them)."""
    school = v.school
    if school.after_school is None or not school.after_school.clubs:
        return
    patterns: dict[tuple[int, frozenset[int]], str] = {}
    for pupil in school.after_school.pupils:
        days = frozenset(d for d in school.service_days if pupil.until[d - 1] == 2)
        if days:
            patterns.setdefault((school.class_by_id[pupil.class_id].grade, days), pupil.class_id)
    for (grade, days), class_id in patterns.items():
        meets = [v.meets[(c.id, d)] for c in school.after_school.clubs if grade in c.grades for d in sorted(days)]
        m.add_bool_or(meets).only_enforce_if(v.enforce("club_every_pupil", class_id))
