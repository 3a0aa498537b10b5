"""Teacher availability, teaching-research meetings, teaching loads and free periods (空堂)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ortools.sat.python import cp_model

from scheduler.domain import BellSchedule, Teacher, minutes
from scheduler.model.variables import Vars, add_used_cap, lunch_before


def add_teacher_unavailable(m: cp_model.CpModel, v: Vars) -> None:
    """A teacher teaches nothing in a period they marked unavailable."""
    school = v.school
    for teacher in school.teachers:
        for lesson in v.lessons_by_teacher[teacher.id]:
            stage = school.stage_of(lesson)
            for slot in teacher.unavailable:
                if slot.stage in (None, stage):
                    for var in v.covering(lesson, slot.day, slot.period):
                        v.forbid(var, "teacher_unavailable", teacher.id)


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
                        v.forbid(var, "meeting", f"{meeting.id}/{teacher}")


def teacher_day_loads(v: Vars, teacher: str) -> dict[int, cp_model.LinearExprT]:
    """Per day, the periods the teacher teaches (0 on a day without a possible start), in one pass over the
    teacher's starts (a pass per day was 16 ms of Spain's FET file's build)."""
    variables: dict[int, list[cp_model.IntVar]] = {day: [] for day in v.days}
    weights: dict[int, list[int]] = {day: [] for day in v.days}
    for lesson in v.lessons_by_teacher[teacher]:
        for day, _, var in v.starts_of(lesson):
            variables[day].append(var)
            weights[day].append(lesson.duration)
    return {
        day: cp_model.LinearExpr.weighted_sum(variables[day], weights[day]) if variables[day] else 0 for day in v.days
    }


def add_teacher_max_week(m: cp_model.CpModel, v: Vars) -> None:
    """A teacher's weekly periods stay within ``max_lessons_per_week``.

    Every lesson is placed exactly ``count`` times (``add_lesson_count``), so the weekly load is fixed by the
    data: where it is within the limit the constraint is implied and left out (it cost 16 ms of Spain's FET
    file's build); explain mode keeps it, as the lesson count may be relaxed there."""
    for teacher in v.school.teachers:
        fixed = sum(lesson.count * lesson.duration for lesson in v.lessons_by_teacher[teacher.id])
        if not v.explain and fixed <= teacher.max_lessons_per_week:
            continue
        load = sum(teacher_day_loads(v, teacher.id).values())
        m.add(load <= teacher.max_lessons_per_week).only_enforce_if(v.enforce("teacher_max_week", teacher.id))


def add_teacher_max_day(m: cp_model.CpModel, v: Vars) -> None:
    """A teacher's periods on any day stay within ``max_lessons_per_day``."""
    for teacher in v.school.teachers:
        if not v.lessons_by_teacher[teacher.id]:
            continue
        for load in teacher_day_loads(v, teacher.id).values():
            m.add(load <= teacher.max_lessons_per_day).only_enforce_if(v.enforce("teacher_max_day", teacher.id))


def add_teacher_min_day(m: cp_model.CpModel, v: Vars) -> None:
    """A teacher teaches at least ``min_lessons_per_day`` periods on a day they teach, or on every day without
    ``allow_empty_days`` (FET: teacher(s) min hours daily, at 100 %)."""
    for teacher in v.school.teachers:
        low = teacher.min_lessons_per_day
        if not low or (teacher.allow_empty_days and not v.lessons_by_teacher[teacher.id]):
            continue
        guard = v.enforce("teacher_min_day", teacher.id)
        for day, load in teacher_day_loads(v, teacher.id).items():
            if not teacher.allow_empty_days:
                m.add(load >= low).only_enforce_if(guard)
                continue
            teaches = m.new_bool_var(f"teaches_on[{teacher.id},{day}]")
            for lesson in v.lessons_by_teacher[teacher.id]:
                for d, _, var in v.starts_of(lesson):
                    if d == day:
                        m.add_implication(var, teaches)
            m.add(load >= low).only_enforce_if([teaches, *guard])


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


def add_teacher_min_days(m: cp_model.CpModel, v: Vars) -> None:
    """A teacher with lessons teaches on at least ``min_days_per_week`` days (FET: teacher(s) min days per
    week, at 100 %)."""
    for teacher in v.school.teachers:
        low = teacher.min_days_per_week
        if not low or not v.lessons_by_teacher[teacher.id]:
            continue
        teaches = []
        for day in v.days:
            starts = [
                var for lesson in v.lessons_by_teacher[teacher.id] for d, _, var in v.starts_of(lesson) if d == day
            ]
            if starts:
                flag = m.new_bool_var(f"teaches_some[{teacher.id},{day}]")
                m.add_bool_or(starts).only_enforce_if(flag)
                teaches.append(flag)
        m.add(sum(teaches) >= low).only_enforce_if(v.enforce("teacher_min_days", teacher.id))


def teacher_day_cover(
    v: Vars, teacher: str, tag: str | None = None
) -> Iterator[tuple[BellSchedule, int, dict[int, list[cp_model.IntVar]]]]:
    """Per bell schedule the teacher teaches in and per day: period → the start variables of the
    teacher's sessions covering it (at most one true, by teacher_clash); with ``tag``, of the sessions of
    lessons carrying that tag only."""
    school = v.school
    lessons = [lesson for lesson in v.lessons_by_teacher[teacher] if tag is None or tag in lesson.tags]
    for stage in dict.fromkeys(school.stage_of(lesson) for lesson in lessons):
        schedule = school.schedule_by_stage[stage]
        # read off each lesson's starts (period by period over every lesson was slow on large files)
        covers: dict[int, dict[int, list[cp_model.IntVar]]] = {
            day: {p.index: [] for p in schedule.periods} for day in v.days
        }
        for lesson in lessons:
            if school.stage_of(lesson) == stage:
                for day, start, var in v.starts_of(lesson):
                    for period in range(start, start + lesson.duration):
                        covers[day][period].append(var)
        for day in v.days:
            yield schedule, day, covers[day]


def add_teacher_max_gaps(m: cp_model.CpModel, v: Vars) -> None:
    """A teacher's gaps (空堂: free periods between two lessons of a day; unavailable periods and
    breaks are none) number ≤ ``max_gaps_per_day`` on each day and ≤ ``max_gaps_per_week`` in the
    week, summed over the teacher's bell schedules (FET: teacher(s) max gaps per day / week, at 100 %)."""
    for teacher, gaps, limit in _teacher_gap_sums(m, v):
        m.add(sum(gaps) <= limit).only_enforce_if(v.enforce("teacher_max_gaps", teacher.id))


def teacher_gap_excess(m: cp_model.CpModel, v: Vars) -> list[cp_model.IntVar]:
    """The same limits as ``add_teacher_max_gaps``, as excess counts instead (≥ the gaps above each limit):
    all zero exactly when every limit holds. For a model that minimises them (``build_model(gaps_as_excess=
    True)``): on schools with tight gap limits (Greek FET files) that finds a timetable where the hard rule
    does not."""
    out = []
    for teacher, gaps, limit in _teacher_gap_sums(m, v):
        excess = m.new_int_var(0, len(gaps) - limit, f"gap_excess[{teacher.id}]")
        m.add(excess >= sum(gaps) - limit)
        out.append(excess)
    return out


def _teacher_gap_sums(m: cp_model.CpModel, v: Vars) -> Iterator[tuple[Teacher, list[cp_model.IntVar], int]]:
    """(teacher, gap flags, limit): per day and per week, each sum of flags that may pass its limit."""
    for teacher in v.school.teachers:
        per_day, per_week = teacher.max_gaps_per_day, teacher.max_gaps_per_week
        if (per_day is None and per_week is None) or not v.lessons_by_teacher[teacher.id]:
            continue
        gaps: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for schedule, day, cover in teacher_day_cover(v, teacher.id):
            gaps[day] += _gaps(m, teacher, schedule, day, cover)
        if per_day is not None:
            for day_gaps in gaps.values():
                if len(day_gaps) > per_day:
                    yield teacher, day_gaps, per_day
        week = [gap for day_gaps in gaps.values() for gap in day_gaps]
        if per_week is not None and len(week) > per_week:
            yield teacher, week, per_week


def add_teacher_max_consecutive(m: cp_model.CpModel, v: Vars) -> None:
    """A teacher teaches at most ``max_consecutive`` periods in a row (连上不超过 N 节); a lunch block
    between two periods ends the row (FET: teacher(s) max hours continuously, a break hour ends it)."""
    for teacher in v.school.teachers:
        limit = teacher.max_consecutive
        if limit is None or not v.lessons_by_teacher[teacher.id]:
            continue
        guard = v.enforce("teacher_max_consecutive", teacher.id)
        for schedule, day, cover in teacher_day_cover(v, teacher.id):
            add_row_cap(m, schedule, day, cover, limit, guard)


def add_teacher_tag_hours(m: cp_model.CpModel, v: Vars) -> None:
    """Per entry of a teacher's ``tag_limits``: the periods of the teacher's lessons carrying the tag number
    ≤ ``max_per_day`` on each day, and ≤ ``max_consecutive`` in a row, a lunch block ending the row (FET:
    teacher(s) activity tag max hours daily / continuously, at 100 %)."""
    for teacher in v.school.teachers:
        for limit in teacher.tag_limits:
            tagged = [lesson for lesson in v.lessons_by_teacher[teacher.id] if limit.tag in lesson.tags]
            if not tagged:
                continue
            guard = v.enforce("teacher_tag_hours", teacher.id)
            for schedule, day, cover in teacher_day_cover(v, teacher.id, limit.tag):
                add_day_cap(m, cover, limit.max_per_day, guard)
                if limit.max_consecutive is not None:
                    add_row_cap(m, schedule, day, cover, limit.max_consecutive, guard)


def add_day_cap(m: cp_model.CpModel, cover: dict[int, list[cp_model.IntVar]], limit: int | None, guard: list) -> None:
    """The periods of ``cover`` (one day of one bell schedule) that are covered number ≤ ``limit`` (None: no cap)."""
    covered = [var for variables in cover.values() for var in variables]
    if limit is not None and len(covered) > limit:
        m.add(sum(covered) <= limit).only_enforce_if(guard)


def add_row_cap(
    m: cp_model.CpModel,
    schedule: BellSchedule,
    day: int,
    cover: dict[int, list[cp_model.IntVar]],
    limit: int,
    guard: list,
) -> None:
    """No ``limit`` + 1 periods in a row of ``schedule`` on ``day`` that no lunch block interrupts are all
    covered (``cover``: period → the start variables covering it, at most one true)."""
    for run in _unbroken_runs(schedule, day):
        for start in range(len(run) - limit):
            window = [var for p in run[start : start + limit + 1] for var in cover.get(p, [])]
            if len(window) > limit:
                m.add(sum(window) <= limit).only_enforce_if(guard)


def add_teacher_interval_max_days(m: cp_model.CpModel, v: Vars) -> None:
    """For each of a teacher's ``interval_max_days``: the days on which a session of the teacher covers one of
    periods first…last number ≤ ``max_days`` (FET: teacher(s) interval max days per week, at 100 %)."""
    for teacher in v.school.teachers:
        if not teacher.interval_max_days or not v.lessons_by_teacher[teacher.id]:
            continue
        guard = v.enforce("teacher_interval_max_days", teacher.id)
        days = list(teacher_day_cover(v, teacher.id))
        for n, interval in enumerate(teacher.interval_max_days):
            in_interval: dict[int, list[cp_model.IntVar]] = defaultdict(list)
            for schedule, day, cover in days:
                for period in range(interval.first_period, min(interval.last_period, len(schedule.periods)) + 1):
                    in_interval[day] += cover[period]
            add_used_cap(
                m, f"interval_busy[{teacher.id},{n}]", dict(sorted(in_interval.items())), interval.max_days, guard
            )


def _unbroken_runs(schedule: BellSchedule, day: int) -> list[list[int]]:
    """The day's periods in runs that no lunch block of that day interrupts."""
    runs: list[list[int]] = [[]]
    for period in schedule.periods:
        if lunch_before(schedule, day, period.index):
            runs.append([])
        runs[-1].append(period.index)
    return runs


def _gaps(
    m: cp_model.CpModel, teacher: Teacher, schedule: BellSchedule, day: int, cover: dict[int, list[cp_model.IntVar]]
) -> list[cp_model.IntVar]:
    """Booleans, one per period of the day that can be a gap of the teacher, each true when it is one."""
    name = f"{teacher.id},{day},{schedule.stage}"
    periods = [p.index for p in schedule.periods]
    return gap_flags(m, name, periods, cover, lambda p: teacher.free(day, p, schedule.stage))


def gap_flags(
    m: cp_model.CpModel, name: str, periods: list[int], cover: dict[int, list[cp_model.IntVar]], free
) -> list[cp_model.IntVar]:
    """Booleans, one per period p of ``periods`` (in order) that can be a gap, each true when it is one: p is
    ``free(p)``, nothing covers it, and something covers a period before and one after it. A cap on their
    sum only pushes them down, so lower bounds suffice."""
    # before[p] / after[p]: something covers a period before / after p (0: cannot)
    before: dict[int, cp_model.LinearExprT] = {periods[0]: 0}
    for prev, p in zip(periods, periods[1:], strict=False):
        if not cover[prev] and isinstance(before[prev], int):
            before[p] = 0
            continue
        before[p] = m.new_bool_var(f"before[{name},{p}]")
        m.add(before[p] >= before[prev])
        for var in cover[prev]:
            m.add(before[p] >= var)
    after: dict[int, cp_model.LinearExprT] = {periods[-1]: 0}
    for p, following in zip(reversed(periods[:-1]), reversed(periods[1:]), strict=True):
        if not cover[following] and isinstance(after[following], int):
            after[p] = 0
            continue
        after[p] = m.new_bool_var(f"after[{name},{p}]")
        m.add(after[p] >= after[following])
        for var in cover[following]:
            m.add(after[p] >= var)
    out = []
    for p in periods:
        if isinstance(before[p], int) or isinstance(after[p], int) or not free(p):
            continue
        gap = m.new_bool_var(f"gap[{name},{p}]")
        m.add(gap >= before[p] + after[p] - 1 - sum(cover[p]))
        out.append(gap)
    return out


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
