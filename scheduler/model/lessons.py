"""Weekly hours, per-day caps, double lessons, pre-placed lessons, allowed start slots and lessons
taught at the same times."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.domain import BellSchedule, Lesson, minutes
from scheduler.model.variables import Vars, add_used_cap, lunch_before, periods_between


def add_lesson_count(m: cp_model.CpModel, v: Vars) -> None:
    """Every lesson is placed exactly ``count`` times a week."""
    for lesson in v.school.all_lessons:
        m.add(sum(var for _, _, var in v.starts_of(lesson)) == lesson.count).only_enforce_if(
            v.enforce("lesson_count", lesson.id)
        )


def add_weekly_hours(m: cp_model.CpModel, v: Vars) -> None:
    """开齐开足: each class atom gets exactly the policy's weekly periods of every planned subject.

    The lessons fix these totals, so a mismatch is a data fault: it makes the model infeasible
    under its rule literal, and the pre-check names it.
    """
    school = v.school
    for school_class in school.classes:
        plan = school.resolved_policy.weekly_plan(school_class.grade)
        for atom in school_class.atoms():
            given: dict[str, int] = defaultdict(int)
            for lesson in v.lessons_by_atom.get(atom, []):
                given[lesson.subject] += lesson.periods_per_week
            for subject, planned in plan.items():
                if given[subject] != planned:
                    m.add_bool_or([]).only_enforce_if(v.enforce("weekly_hours", f"{atom}/{subject}"))


def subject_cap(v: Vars, subject_id: str) -> int:
    """Periods of a subject a class may have per day (PE: also the policy's max_pe_per_day)."""
    subject = v.school.subject_by_id[subject_id]
    cap = subject.max_per_day
    if subject.category == "pe":
        cap = min(cap, v.school.resolved_policy.max_pe_per_day)
    return cap


def add_subject_per_day(m: cp_model.CpModel, v: Vars) -> None:
    """At most N periods of a subject per class per day (体育每天至多1节)."""
    school = v.school
    done: set[frozenset[str]] = set()  # atoms (subgroups) sharing a subject's lessons share the constraint
    for atom, lessons in v.lessons_by_atom.items():
        by_subject: dict[str, list] = defaultdict(list)
        for lesson in lessons:
            by_subject[lesson.subject].append(lesson)
        for subject, subject_lessons in by_subject.items():
            cap = subject_cap(v, subject)
            ids = frozenset(lesson.id for lesson in subject_lessons)
            if sum(lesson.periods_per_week for lesson in subject_lessons) <= cap or ids in done:
                continue
            done.add(ids)
            schedule = school.schedule_of(subject_lessons[0])
            for day in v.days:
                covered = [
                    var
                    for lesson in subject_lessons
                    for p in range(1, len(schedule.periods) + 1)
                    for var in v.covering(lesson, day, p)
                ]
                m.add(sum(covered) <= cap).only_enforce_if(v.enforce("subject_per_day", f"{atom}/{subject}"))


def add_double_span(m: cp_model.CpModel, v: Vars) -> None:
    """A double lesson (连堂) does not straddle the lunch break."""
    school = v.school
    for lesson in school.all_lessons:
        if lesson.duration < 2:
            continue
        schedule = school.schedule_of(lesson)
        lunches = [b for b in schedule.blocks if b.kind == "lunch"]
        for day, period, var in v.starts_of(lesson):
            first = minutes(schedule.period(period).start)
            last = minutes(schedule.period(period + lesson.duration - 1).end)
            if any(
                (b.days is None or day in b.days) and first < minutes(b.start) and minutes(b.end) <= last
                for b in lunches
            ):
                v.forbid(var, "double_span", lesson.id)


def add_different_days(m: cp_model.CpModel, v: Vars) -> None:
    """Sessions of a lesson on different days (FET: min days between activities, at 100 %).

    With ``min_days_apart`` n, every n consecutive days hold at most one start of the lesson.
    """
    n_days = len(v.school.days)
    for lesson in v.school.all_lessons:
        if not lesson.different_days or lesson.count < 2:
            continue
        by_day: dict[int, list] = defaultdict(list)
        for day, _, var in v.starts_of(lesson):
            by_day[day].append(var)
        apart = lesson.min_days_apart
        for first in range(1, max(1, n_days - apart + 1) + 1):
            window = [var for day in range(first, min(n_days, first + apart - 1) + 1) for var in by_day[day]]
            m.add(sum(window) <= 1).only_enforce_if(v.enforce("different_days", lesson.id))


def add_days_apart(m: cp_model.CpModel, v: Vars) -> None:
    """Sessions of a lesson and of each lesson in its ``days_apart_from`` start ≥ ``days`` days apart
    (FET: min days between activities, over parts that are different lessons here)."""
    school = v.school
    on_day: dict[tuple[str, int], cp_model.IntVar] = {}

    def starts_on(lesson: Lesson, day: int) -> cp_model.IntVar:
        """A Boolean true when a session of the lesson starts on the day (implied by each start variable)."""
        if (lesson.id, day) not in on_day:
            var = on_day[(lesson.id, day)] = m.new_bool_var(f"starts_on[{lesson.id},{day}]")
            for d, _, start in v.starts_of(lesson):
                if d == day:
                    m.add_implication(start, var)
        return on_day[(lesson.id, day)]

    for lesson in school.all_lessons:
        for apart in lesson.days_apart_from:
            other = school.lesson_by_id[apart.lesson]
            guard = v.enforce("days_apart", f"{lesson.id}/{other.id}")
            for day in v.days:
                for other_day in v.days:
                    if abs(day - other_day) < apart.days:
                        m.add_bool_or(
                            [starts_on(lesson, day).Not(), starts_on(other, other_day).Not()]
                        ).only_enforce_if(guard)


def add_adjacent_if_same_day(m: cp_model.CpModel, v: Vars) -> None:
    """Two sessions on one day of a lesson with ``adjacent_if_same_day``, or of a lesson and one of its
    ``adjacent_with``, follow each other directly (FET: min days between activities, consecutive if same
    day): no two starts of a day whose sessions would not be adjacent."""
    school = v.school
    for lesson in school.all_lessons:
        pairs = [lesson] if lesson.adjacent_if_same_day and lesson.count > 1 else []
        pairs += [school.lesson_by_id[other] for other in dict.fromkeys(lesson.adjacent_with)]
        schedule = school.schedule_of(lesson)
        for other in pairs:
            guard = v.enforce("adjacent_if_same_day", lesson.id)
            theirs: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
            for other_day, second, other_var in v.starts_of(other):
                theirs[other_day].append((second, other_var))
            for day, first, var in v.starts_of(lesson):
                # one constraint per start: it rules out every start of the other that day not adjacent to it
                # (of one lesson: the later starts, so each pair once)
                later_only = other is lesson
                near = _adjacent_starts(schedule, day, first, lesson.duration, other.duration)
                apart = [
                    other_var.Not()
                    for second, other_var in theirs[day]
                    if second not in near and (second > first or not later_only)
                ]
                if apart:
                    m.add_bool_and(apart).only_enforce_if([var, *guard])


def _adjacent_starts(schedule: BellSchedule, day: int, first: int, length: int, other_length: int) -> set[int]:
    """The starts of a session of ``other_length`` periods that follow directly, in either order, a session of
    ``length`` starting at ``first`` on ``day``: the later starts in the period after the earlier ends, with no
    lunch block of that day between them."""
    near = set()
    if first + length <= len(schedule.periods) and not lunch_before(schedule, day, first + length):
        near.add(first + length)
    if first - other_length >= 1 and not lunch_before(schedule, day, first):
        near.add(first - other_length)
    return near


def add_min_gap(m: cp_model.CpModel, v: Vars) -> None:
    """Two sessions on one day of a lesson with ``min_gap`` have at least ``min_gap`` periods between them, a lunch
    block counting as one (FET: min gaps between activities). From each start, the later starts too close to it
    form a window of which at most one is used (the closer a later start, the fewer periods between)."""
    school = v.school
    for lesson in school.all_lessons:
        if lesson.min_gap is None or lesson.count < 2:
            continue
        guard = v.enforce("min_gap", lesson.id)
        schedule = school.schedule_of(lesson)
        starts = v.starts_of(lesson)
        for day, first, var in starts:
            last = first + lesson.duration - 1
            window = [
                other
                for d, second, other in starts
                if d == day and second > first and periods_between(schedule, day, last, second) < lesson.min_gap
            ]
            if window:
                m.add(var + sum(window) <= 1).only_enforce_if(guard)


def add_occupy_max_slots(m: cp_model.CpModel, v: Vars) -> None:
    """The sessions of an ``occupy_max_slots`` entry's lessons cover at most ``max_slots`` of its slots (FET:
    activities occupy max time slots from selection): a Boolean per slot, implied by each session covering it."""
    school = v.school
    for occupy in school.occupy_max_slots:
        lessons = [school.lesson_by_id[lesson_id] for lesson_id in dict.fromkeys(occupy.lessons)]
        covering = {
            (slot.day, slot.period, slot.stage): [
                var
                for lesson in lessons
                if slot.stage in (None, school.stage_of(lesson))
                for var in v.covering(lesson, slot.day, slot.period)
            ]
            for slot in occupy.slots
        }
        guard = v.enforce("occupy_max_slots", occupy.id)
        add_used_cap(m, f"occupied[{occupy.id}]", covering, occupy.max_slots, guard)


def add_pinned(m: cp_model.CpModel, v: Vars) -> None:
    """Pre-placed lessons (e.g. 班会 周一第1节) start where the school put them."""
    for lesson in v.school.all_lessons:
        for slot in lesson.pinned:
            var = v.start.get((lesson.id, slot.day, slot.period))
            if var is None:
                m.add_bool_or([]).only_enforce_if(v.enforce("pinned", lesson.id))
            else:
                m.add(var == 1).only_enforce_if(v.enforce("pinned", lesson.id))


def add_allowed_starts(m: cp_model.CpModel, v: Vars) -> None:
    """A lesson with ``allowed_starts`` starts its sessions only in those slots (FET: preferred starting times)."""
    for lesson in v.school.all_lessons:
        if lesson.allowed_starts is None:
            continue
        allowed = {(slot.day, slot.period) for slot in lesson.allowed_starts}
        for day, period, var in v.starts_of(lesson):
            if (day, period) not in allowed:
                v.forbid(var, "allowed_starts", lesson.id)


def add_same_time(m: cp_model.CpModel, v: Vars) -> None:
    """走班/平行课: a lesson with ``same_time_as`` starts its sessions exactly where the other lesson starts its own."""
    for lesson in v.school.all_lessons:
        if lesson.same_time_as is None:
            continue
        other = v.school.lesson_by_id[lesson.same_time_as]
        mine = {(day, period): var for day, period, var in v.starts_of(lesson)}
        theirs = {(day, period): var for day, period, var in v.starts_of(other)}
        guard = v.enforce("same_time", lesson.id)
        for key in mine.keys() | theirs.keys():
            if key in mine and key in theirs:
                m.add(mine[key] == theirs[key]).only_enforce_if(guard)
            else:
                m.add((mine[key] if key in mine else theirs[key]) == 0).only_enforce_if(guard)
