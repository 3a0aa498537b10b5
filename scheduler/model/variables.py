"""Decision variables, built once: one Boolean per (lesson, day, start period).

A lesson with ``count`` sessions has a start variable for every day and period where a session fits
in the day, except the starts a unit rule forbids outright (``Vars.forbid``; those are left out but in
explain mode, see ``scheduler.model.forbidden_starts``). The variables of one lesson are
interchangeable, so sessions carry no identity (no symmetry to break). Rules read the indexes built
here and never rebuild them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduler.domain import BellSchedule, Lesson, School, minutes

Key = tuple[str, int, int]  # (lesson id, day, period)


@dataclass
class Vars:
    school: School
    model: cp_model.CpModel
    explain: bool = False
    # start[(lesson, day, period)]: a session of the lesson starts there
    start: dict[Key, cp_model.IntVar] = field(default_factory=dict)
    # covers[(lesson, day, period)]: the start variables whose session covers that period
    covers: dict[Key, list[cp_model.IntVar]] = field(default_factory=lambda: defaultdict(list))
    starts: dict[str, list[tuple[int, int, cp_model.IntVar]]] = field(default_factory=lambda: defaultdict(list))
    lessons_by_atom: dict[str, list[Lesson]] = field(default_factory=lambda: defaultdict(list))
    lessons_by_teacher: dict[str, list[Lesson]] = field(default_factory=lambda: defaultdict(list))
    # enforcement literals per rule instance, only in explain mode
    guards: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    located: dict[tuple[str, int], tuple[int, bool] | None] = field(default_factory=dict)
    # after-school ("5+2"), only when the school configures it:
    # duty[(class, day, teacher)]: the teacher supervises the class's session 1 (and its non-club pupils after)
    duty: dict[tuple[str, int, str], cp_model.IntVar] = field(default_factory=dict)
    # meets[(club, day)]: the club meets that day; instructs[(club, teacher)]: the club's one instructor
    meets: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    instructs: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    # leads[(club, day, teacher)] = meets ∧ instructs, for days the teacher can come
    leads: dict[tuple[str, int, str], cp_model.IntVar] = field(default_factory=dict)
    # after-school work per teacher: (day, start minute, end minute, literal)
    after_school_work: dict[str, list[tuple[int, int, int, cp_model.IntVar]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    flexible: dict[str, list[cp_model.IntVar]] | None = None  # per teacher and day, built on first use
    # room choice, only when some lesson has a room set (rule room_set): the lessons whose room the
    # model chooses (``room_choice_lessons``) with their candidate rooms
    room_lessons: dict[str, list[str]] = field(default_factory=dict)
    # room_classes[name]: alike rooms chosen together (``room_classes``); room_choice[(lesson, day,
    # period)][name]: the session starting there is in a room of that class
    room_classes: dict[str, list[str]] = field(default_factory=dict)
    room_choice: dict[Key, dict[str, cp_model.IntVar]] = field(default_factory=dict)
    # start variable index → its key, and the starts a unit rule forbids outright (``forbid``; not in explain mode)
    key_of: dict[int, Key] = field(default_factory=dict)
    forbidden: set[Key] = field(default_factory=set)
    # a class atom whose week is full has its clash as "exactly one" (``clashes._full_week``): the indices of
    # those constraints in the model, one per slot of each such atom (``clashes.without_full_weeks`` loosens them)
    full_clashes: list[int] = field(default_factory=list)
    # off: no room choice; the rooms of the lessons that would choose one are only counted per moment
    # (``clashes.add_room_capacity``), for a times-first search whose rooms are chosen after
    choose_rooms: bool = True

    def forbid(self, var: cp_model.IntVar | Key, family: str, key: str) -> None:
        """Rule instance (``family``, ``key``) forbids the session start ``var`` whatever else is placed (an
        unavailable period, a start outside the allowed ones…). Outside explain mode the start is recorded in
        ``forbidden``, so that ``build_model`` can leave it out of the model altogether (``build_vars(skip=…)``)."""
        if isinstance(var, tuple):  # forbidden_starts' scratch pass (``build_vars(starts_only=True)``): a key
            self.forbidden.add(var)
            return
        self.model.add(var == 0).only_enforce_if(self.enforce(family, key))
        if not self.explain:
            self.forbidden.add(self.key_of[var.index])

    def enforce(self, family: str, key: str) -> list[cp_model.IntVar]:
        """Enforcement literal of one rule instance (e.g. ("teacher_clash", "t017")); none normally."""
        if not self.explain:
            return []
        if (family, key) not in self.guards:
            self.guards[(family, key)] = self.model.new_bool_var(f"rule:{family}:{key}")
        return [self.guards[(family, key)]]

    def cover(self, lesson: Lesson, day: int, period: int) -> cp_model.LinearExprT:
        """1 when a session of ``lesson`` covers (day, period), else 0."""
        return sum(self.covers.get((lesson.id, day, period), []))

    def covering(self, lesson: Lesson, day: int, period: int) -> list[cp_model.IntVar]:
        return self.covers.get((lesson.id, day, period), [])

    def starts_of(self, lesson: Lesson) -> list[tuple[int, int, cp_model.IntVar]]:
        return self.starts[lesson.id]

    @property
    def days(self) -> range:
        return range(1, len(self.school.days) + 1)


def build_vars(
    m: cp_model.CpModel,
    school: School,
    explain: bool = False,
    skip: set[Key] | None = None,
    starts_only: bool = False,
    choose_rooms: bool = True,
) -> Vars:
    """The start variables of every lesson but those in ``skip`` (starts no timetable can use), then, unless
    ``starts_only``, the after-school and (unless ``choose_rooms`` is off) the room-choice variables.
    ``starts_only`` is ``forbidden_starts``' scratch pass, which only runs the unit rules: each start is stood for
    by its key, not a CP-SAT variable (making 10k–20k Booleans was most of that pass), and ``forbid`` records it."""
    v = Vars(school=school, model=m, explain=explain, choose_rooms=choose_rooms)
    skip = skip or set()
    listed: set[tuple[str, str]] = set()  # (atom, lesson id): by id, as comparing lessons field by field is slow
    for lesson in school.all_lessons:
        schedule = school.schedule_of(lesson)
        for group in lesson.groups:
            for atom in school.atoms_of(group):
                if (atom, lesson.id) not in listed:
                    listed.add((atom, lesson.id))
                    v.lessons_by_atom[atom].append(lesson)
        for teacher in lesson.teachers:
            v.lessons_by_teacher[teacher].append(lesson)
        last_start = len(schedule.periods) - lesson.duration + 1
        for day in v.days:
            for period in range(1, last_start + 1):
                if (lesson.id, day, period) in skip:
                    continue
                key = (lesson.id, day, period)
                if starts_only:  # forbidden_starts' scratch pass: the key stands for the start (no CP-SAT variable)
                    var = key
                else:
                    var = m.new_bool_var(f"x[{lesson.id},{day},{period}]")
                    v.key_of[var.index] = key
                v.start[key] = var
                v.starts[lesson.id].append((day, period, var))
                for covered in range(period, period + lesson.duration):
                    v.covers[(lesson.id, day, covered)].append(var)
    if starts_only:
        return v
    if school.after_school is not None:
        _after_school_vars(m, v)
    if choose_rooms:
        _room_choice_vars(m, v)
    return v


def alike_atoms(v: Vars) -> list[tuple[str, list[Lesson], int]]:
    """Class atoms (subgroups) with the same lessons, once: (first atom, its lessons, how many atoms have them).
    Their clash constraints are the same (built once) and so are their soft terms (built once, counted once per
    atom: St Paul's FET file has 1,362 atoms, and same_subject_in_a_row took 17 s of the objective's 24 s build
    atom by atom)."""
    alike: dict[frozenset[str], list] = {}
    for atom, lessons in v.lessons_by_atom.items():
        key = frozenset(lesson.id for lesson in lessons)
        if key in alike:
            alike[key][2] += 1
        else:
            alike[key] = [atom, lessons, 1]
    return [(atom, lessons, count) for atom, lessons, count in alike.values()]


def room_choice_lessons(school: School) -> dict[str, list[str]]:
    """Lesson id → candidate rooms, for the lessons whose room the model chooses: every lesson with a
    room set or in a room group (``School.room_groups``: which room matters there), and every lesson
    that may use a room one of those may use, closed under sharing (fixed-room and room-type lessons
    included, so the rooms' capacity is exact). Empty when no lesson has a room set and there are no
    room groups: then the per-type totals of room_capacity are exact enough (alike rooms)."""
    grouped = grouped_lessons(school)
    if not grouped and not any(lesson.rooms is not None for lesson in school.all_lessons):
        return {}
    candidates = {lesson.id: rooms for lesson in school.all_lessons if (rooms := school.rooms_of(lesson))}
    chosen = {
        lid: rooms for lid, rooms in candidates.items() if school.lesson_by_id[lid].rooms is not None or lid in grouped
    }
    shared = {room for rooms in chosen.values() for room in rooms}
    grown = True
    while grown:
        grown = False
        for lid, rooms in candidates.items():
            if lid not in chosen and shared.intersection(rooms):
                chosen[lid] = rooms
                shared.update(rooms)
                grown = True
    return chosen


def room_classes(school: School, lessons: dict[str, list[str]]) -> dict[str, list[str]]:
    """The rooms of the room-choice ``lessons`` in classes of alike rooms, named by their first room:
    rooms with the same unavailable slots that are candidates of the same lessons. No lesson tells
    the rooms of a class apart, so the model counts a class's sessions against the class's total
    capacity, and which room of it a session gets is left to scheduler/rooms.py (earliest start
    first, exact for alike rooms): far fewer variables when a set lists many rooms. A room that a
    lesson of a room group may use is a class of its own."""
    users: dict[str, set[str]] = defaultdict(set)
    for lesson_id, rooms in lessons.items():
        for room_id in rooms:
            users[room_id].add(lesson_id)
    grouped = grouped_lessons(school)
    alike: dict[tuple, list[str]] = defaultdict(list)
    for room in school.rooms:
        if room.id in users:
            closed = frozenset((s.day, s.period, s.stage) for s in room.unavailable)
            # a room of a room group's lesson is a class of its own: the group's rules tell rooms apart
            own = room.id if users[room.id] & grouped else None
            alike[(closed, frozenset(users[room.id]), own)].append(room.id)
    return {rooms[0]: rooms for rooms in alike.values()}


def grouped_lessons(school: School) -> set[str]:
    """The lessons of the school's room groups that need a room (the only ones the groups' rules count)."""
    return {
        lesson_id
        for group in school.room_groups
        for lesson_id in group.lessons
        if school.needs_room(school.lesson_by_id[lesson_id])
    }


def _room_choice_vars(m: cp_model.CpModel, v: Vars) -> None:
    """A Boolean per (session start, candidate room class) whose rooms are free in every period the
    session covers; a fixed-room lesson's start variable is its own room choice (no new variable)."""
    school = v.school
    v.room_lessons = room_choice_lessons(school)
    v.room_classes = room_classes(school, v.room_lessons)
    class_of = {room_id: name for name, rooms in v.room_classes.items() for room_id in rooms}
    for lesson_id, rooms in v.room_lessons.items():
        lesson = school.lesson_by_id[lesson_id]
        stage = school.stage_of(lesson)
        classes = list(dict.fromkeys(class_of[r] for r in rooms))
        for day, period, var in v.starts[lesson_id]:
            covered = range(period, period + lesson.duration)
            free = [c for c in classes if all(school.room_by_id[c].free(day, p, stage) for p in covered)]
            if lesson.room:
                v.room_choice[(lesson_id, day, period)] = {c: var for c in free}
                continue
            v.room_choice[(lesson_id, day, period)] = {
                c: m.new_bool_var(f"y[{lesson_id},{day},{period},{c}]") for c in free
            }


def _after_school_vars(m: cp_model.CpModel, v: Vars) -> None:
    """Session-1 duties, club days and instructors; ``leads`` is defined here as meets ∧ instructs."""
    school = v.school
    for school_class in school.classes:
        start, end = school.duty_interval(school_class.id) if school_class.stage in school.window_by_stage else (0, 0)
        for day in school.service_days:
            if not school.needs_supervision(school_class.id, day):
                continue
            for teacher in school.supervisor_candidates(school_class.id):
                if school.after_school_available(teacher, day):
                    var = m.new_bool_var(f"duty[{school_class.id},{day},{teacher}]")
                    v.duty[(school_class.id, day, teacher)] = var
                    v.after_school_work[teacher].append((day, start, end, var))
    for club in school.after_school.clubs:
        start, end = school.club_interval(club)
        for day in school.service_days:
            v.meets[(club.id, day)] = m.new_bool_var(f"meets[{club.id},{day}]")
        for teacher in dict.fromkeys(club.instructors):
            v.instructs[(club.id, teacher)] = m.new_bool_var(f"instructs[{club.id},{teacher}]")
            for day in school.service_days:
                if not school.after_school_available(teacher, day):
                    continue
                meets, instructs = v.meets[(club.id, day)], v.instructs[(club.id, teacher)]
                lead = m.new_bool_var(f"leads[{club.id},{day},{teacher}]")
                m.add_bool_and([meets, instructs]).only_enforce_if(lead)
                m.add_bool_or([lead, ~meets, ~instructs])
                v.leads[(club.id, day, teacher)] = lead
                v.after_school_work[teacher].append((day, start, end, lead))


def decisions(v: Vars) -> dict[tuple, cp_model.IntVar]:
    """Every decision variable (lesson starts, after-school choices, room choices), by a key that names it in any
    model of the school: ("start", lesson, day, period), ("duty", class, day, teacher), ("meets", club, day),
    ("instructs", club, teacher), ("room", lesson, day, period, room class). Values found on one model hint or
    fix another by these keys (a start left out of a model is a session not placed there)."""
    found: dict[tuple, cp_model.IntVar] = {("start", *key): var for key, var in v.start.items()}
    found.update({("duty", *key): var for key, var in v.duty.items()})
    found.update({("meets", *key): var for key, var in v.meets.items()})
    found.update({("instructs", *key): var for key, var in v.instructs.items()})
    for (lesson_id, day, period), choice in v.room_choice.items():
        if not v.school.lesson_by_id[lesson_id].room:
            found.update({("room", lesson_id, day, period, name): var for name, var in choice.items()})
    return found


def lunch_before(schedule: BellSchedule, day: int, period: int) -> bool:
    """A lunch block of that day lies between ``period`` - 1 and ``period`` (so they are not in a row)."""
    if period <= 1:
        return False
    end, start = minutes(schedule.period(period - 1).end), minutes(schedule.period(period).start)
    return any(
        b.kind == "lunch" and (b.days is None or day in b.days) and end <= minutes(b.start) < start
        for b in schedule.blocks
    )


def periods_between(schedule: BellSchedule, day: int, last: int, first: int) -> int:
    """Periods after ``last`` and before ``first`` of one day, each lunch block of that day between them
    counting as one more (FET counts a break hour as an hour); negative when ``first`` ≤ ``last``."""
    end, start = minutes(schedule.period(last).end), minutes(schedule.period(first).start)
    lunches = sum(
        b.kind == "lunch" and (b.days is None or day in b.days) and end <= minutes(b.start) < start
        for b in schedule.blocks
    )
    return first - last - 1 + lunches


def period_minutes(schedule: BellSchedule, period: int) -> int:
    p = schedule.period(period)
    return minutes(p.end) - minutes(p.start)


def time_points(schedules: list[BellSchedule]) -> list[int]:
    """Clock minutes at which some period starts: where overlaps of clock intervals peak."""
    return sorted({minutes(p.start) for s in schedules for p in s.periods})


def running_at(v: Vars, lesson: Lesson, day: int, moment: int) -> list[cp_model.IntVar]:
    """Start variables of the sessions of ``lesson`` whose clock interval contains ``moment``.

    In the break between periods p and p+1 only a session covering both is running.
    """
    where = locate(v, v.school.schedule_of(lesson), moment)
    if where is None:
        return []
    period, in_break = where
    if not in_break:
        return v.covering(lesson, day, period)
    after = set(map(id, v.covering(lesson, day, period + 1)))
    return [var for var in v.covering(lesson, day, period) if id(var) in after]


def locate(v: Vars, schedule: BellSchedule, moment: int) -> tuple[int, bool] | None:
    """Where ``moment`` falls in ``schedule`` (cached): see ``_locate``."""
    key = (schedule.stage, moment)
    if key not in v.located:
        v.located[key] = _locate(schedule, moment)
    return v.located[key]


def _locate(schedule: BellSchedule, moment: int) -> tuple[int, bool] | None:
    """(period, False) when ``moment`` is inside a period; (period, True) in the break after it."""
    periods = schedule.periods
    for i, p in enumerate(periods):
        if minutes(p.start) <= moment < minutes(p.end):
            return p.index, False
        if i + 1 < len(periods) and minutes(p.end) <= moment < minutes(periods[i + 1].start):
            return p.index, True
    return None


def implied_any(m: cp_model.CpModel, literals: list[cp_model.IntVar], name: str = "") -> cp_model.IntVar:
    """A literal that is true when one of ``literals`` is (it may be true otherwise; only its truth binds)."""
    if len(literals) == 1:
        return literals[0]
    either = m.new_bool_var(name)
    for literal in literals:
        m.add_implication(literal, either)
    return either


def add_used_cap(
    m: cp_model.CpModel, name: str, groups: dict[object, list[cp_model.IntVar]], limit: int, guard: list
) -> None:
    """At most ``limit`` of ``groups`` are used: one ``implied_any`` per non-empty group (a slot, a day, a room);
    a cap on their sum only pushes them down, so the implications suffice."""
    used = [implied_any(m, literals, f"{name}[{key}]") for key, literals in groups.items() if literals]
    if len(used) > limit:
        m.add(sum(used) <= limit).only_enforce_if(guard)
