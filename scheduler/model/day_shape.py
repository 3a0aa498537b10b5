"""The shape of a pupil's day: start time, lessons and study time per day, end time, activity hour,
no gaps (无空堂) and a start in period 1."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from ortools.sat.python import cp_model

from scheduler.domain import BellSchedule, Lesson, SchoolClass, minutes
from scheduler.model.teachers import add_day_cap, add_row_cap, gap_flags
from scheduler.model.variables import Vars, period_minutes


def _forbid_periods(m: cp_model.CpModel, v: Vars, family: str, bad_period) -> None:
    """Forbid every session covering a period for which ``bad_period(lesson, period)`` holds."""
    school = v.school
    for school_class in school.classes:
        lessons = {lesson.id: lesson for atom in school_class.atoms() for lesson in v.lessons_by_atom.get(atom, [])}
        bad: dict[str, list[int]] = {}  # per bell schedule (stage): the class's bad periods, found once
        for lesson in lessons.values():
            schedule = school.schedule_of(lesson)
            if schedule.stage not in bad:
                bad[schedule.stage] = [p.index for p in schedule.periods if bad_period(school_class, schedule, p)]
            for period in bad[schedule.stage]:
                for day in v.days:
                    for var in v.covering(lesson, day, period):
                        v.forbid(var, family, school_class.id)


def add_earliest_start(m: cp_model.CpModel, v: Vars) -> None:
    """五项管理·睡眠: no lesson before 8:20 (primary) / 8:00 (middle school)."""
    stages = v.school.resolved_policy.stages
    _forbid_periods(
        m,
        v,
        "earliest_start",
        lambda c, s, p: minutes(p.start) < minutes(stages[c.stage].earliest_start),
    )


def add_latest_end(m: cp_model.CpModel, v: Vars) -> None:
    """Lower grades finish earlier where the policy sets a latest lesson end for the grade."""
    latest = v.school.resolved_policy.latest_lesson_end
    _forbid_periods(
        m,
        v,
        "latest_end",
        lambda c, s, p: c.grade in latest and minutes(p.end) > minutes(latest[c.grade]),
    )


def _atom_day_periods(v: Vars, atom: str, day: int) -> list[tuple[Lesson, int, cp_model.IntVar]]:
    """(lesson, covered period, start variable) for every possible coverage of the atom on the day."""
    out = []
    for lesson in v.lessons_by_atom.get(atom, []):
        for period in range(1, len(v.school.schedule_of(lesson).periods) + 1):
            out += [(lesson, period, var) for var in v.covering(lesson, day, period)]
    return out


def add_daily_lessons(m: cp_model.CpModel, v: Vars) -> None:
    """At most the stage's lessons per day, and within its daily study minutes (在校学习时间)."""
    school = v.school
    stages = school.resolved_policy.stages
    for school_class in school.classes:
        stage = stages[school_class.stage]
        schedule = school.schedule_by_stage[school_class.stage]
        # a cap the day's periods cannot pass (one lesson a period, by class_clash) is left out: on FET files
        # with many subgroups these were most of the model's terms (St Paul's: 1.5 million, 6 s to build)
        count_binds = len(schedule.periods) > stage.max_lessons_per_day
        minutes_bind = sum(period_minutes(schedule, p.index) for p in schedule.periods) > stage.max_daily_study_minutes
        if not (count_binds or minutes_bind):
            continue
        for atom in school_class.atoms():
            for day in v.days:
                covered = _atom_day_periods(v, atom, day)
                if count_binds:
                    m.add(sum(var for _, _, var in covered) <= stage.max_lessons_per_day).only_enforce_if(
                        v.enforce("daily_lessons", school_class.id)
                    )
                if minutes_bind:
                    study = sum(var * period_minutes(schedule, p) for _, p, var in covered)
                    m.add(study <= stage.max_daily_study_minutes).only_enforce_if(
                        v.enforce("daily_study_minutes", school_class.id)
                    )


def add_class_lessons_per_day(m: cp_model.CpModel, v: Vars) -> None:
    """A class's own daily bounds, per atom: periods ≤ ``max_lessons_per_day``, and ≥ ``min_lessons_per_day``
    on a day with lessons (every day without ``allow_empty_days``) — FET: students (set) max / min hours daily."""
    for school_class in v.school.classes:
        low, high = school_class.min_lessons_per_day, school_class.max_lessons_per_day
        if not low and high is None:
            continue
        guard = v.enforce("class_lessons_per_day", school_class.id)
        for atom in school_class.atoms():
            for day in v.days:
                covered = [var for _, _, var in _atom_day_periods(v, atom, day)]
                if high is not None and len(covered) > high:
                    m.add(sum(covered) <= high).only_enforce_if(guard)
                if not low:
                    continue
                if not school_class.allow_empty_days:
                    m.add(sum(covered) >= low).only_enforce_if(guard)
                elif covered:
                    busy = m.new_bool_var(f"busy[{atom},{day}]")  # the atom has a lesson that day
                    for var in covered:
                        m.add_implication(var, busy)
                    m.add(sum(covered) >= low).only_enforce_if([busy, *guard])


def _atom_day_cover(v: Vars, atom: str, day: int, n_periods: int) -> list[cp_model.LinearExprT]:
    """Per period 1…n (index 0 unused): the sum of the start variables covering the atom then (0/1 by class_clash)."""
    by_period: dict[int, list[cp_model.IntVar]] = {p: [] for p in range(1, n_periods + 1)}
    for _, period, var in _atom_day_periods(v, atom, day):
        by_period[period].append(var)
    return [0, *(sum(by_period[p]) if by_period[p] else 0 for p in range(1, n_periods + 1))]


def _flagged_atom_days(
    v: Vars, flag: str
) -> Iterator[tuple[SchoolClass, str, int, list[cp_model.LinearExprT], list[int]]]:
    """(class, atom, day, per-period cover, the atom's free periods that day in order) for every atom with
    lessons of a class whose ``flag`` is set."""
    school = v.school
    for school_class in school.classes:
        if not getattr(school_class, flag):
            continue
        n_periods = len(school.schedule_by_stage[school_class.stage].periods)
        for atom in school_class.atoms():
            if v.lessons_by_atom.get(atom):
                for day in v.days:
                    free = [p for p in range(1, n_periods + 1) if school_class.free(atom, day, p)]
                    yield school_class, atom, day, _atom_day_cover(v, atom, day, n_periods), free


def add_class_unavailable(m: cp_model.CpModel, v: Vars) -> None:
    """No session covers a class's atom in a period the class (or the atom's section) is unavailable
    (FET: students set not available times, break slots)."""
    for school_class in v.school.classes:
        if not school_class.unavailable:
            continue
        done: set[tuple[str, int, int]] = set()
        for atom in school_class.atoms():
            section = atom.partition(":")[2] or None
            for slot in school_class.unavailable:
                if slot.section not in (None, section):
                    continue
                for lesson in v.lessons_by_atom.get(atom, []):
                    if (lesson.id, slot.day, slot.period) in done:
                        continue
                    done.add((lesson.id, slot.day, slot.period))
                    for var in v.covering(lesson, slot.day, slot.period):
                        v.forbid(var, "class_unavailable", school_class.id)


def add_class_no_gaps(m: cp_model.CpModel, v: Vars) -> None:
    """A class with ``no_gaps``: each day, the periods covering each of its atoms form one block of the
    atom's free periods (无空堂; unavailable periods are skipped, as FET skips not-available and break slots)."""
    for school_class, atom, day, cover, free in _flagged_atom_days(v, "no_gaps"):
        # begins[p]: a block of covered free periods begins at p; one block a day at most
        begins = []
        previous: cp_model.LinearExprT = 0
        for p in free:
            if not isinstance(cover[p], int):  # else nothing can cover p, so no block begins there
                begin = m.new_bool_var(f"begins[{atom},{day},{p}]")
                m.add(begin >= cover[p] - previous)
                begins.append(begin)
            previous = cover[p]
        if len(begins) > 1:
            m.add(sum(begins) <= 1).only_enforce_if(v.enforce("class_no_gaps", school_class.id))
        if school_class.starts_first_period:
            _add_prefix_day(m, v, school_class, cover, free)


def _add_prefix_day(m: cp_model.CpModel, v: Vars, school_class: SchoolClass, cover: list, free: list[int]) -> None:
    """Implied by no gaps and a start in the first free period together: the atom's day is a prefix of its
    free periods, so each free period is covered only if the one before it is. Redundant, but it propagates
    one period at a time where the block-begin flags and "first period ≥ each" only bite at the end: on
    Italy's Ancona (every class without gaps from the first hour) dropping either rule made the file easy."""
    guard = v.enforce("class_no_gaps", school_class.id) + v.enforce("class_starts_first_period", school_class.id)
    for earlier, later in zip(free, free[1:], strict=False):
        if not isinstance(cover[later], int):
            m.add(cover[earlier] >= cover[later]).only_enforce_if(guard)
    low = school_class.min_lessons_per_day
    if not low or len(free) < low:
        return  # too few free periods: class_lessons_per_day itself has the atom fail
    # with at least ``low`` lessons a day, the day's first ``low`` free periods are covered (on every day, or
    # on each day with a lesson when the class may have empty days)
    guard += v.enforce("class_lessons_per_day", school_class.id)
    last_needed = cover[free[low - 1]]
    if isinstance(last_needed, int):
        return
    if school_class.allow_empty_days:
        m.add(last_needed >= cover[free[0]]).only_enforce_if(guard)
    else:
        m.add(last_needed >= 1).only_enforce_if(guard)


def add_class_starts_first_period(m: cp_model.CpModel, v: Vars) -> None:
    """A class with ``starts_first_period``: on a day an atom of it has a lesson, the atom's first free
    period covers it (period 1 unless unavailable: FET's first hour skips not-available and break slots)."""
    for school_class, _, _, cover, free in _flagged_atom_days(v, "starts_first_period"):
        if not free:
            continue
        first = free[0]
        for p in range(first + 1, len(cover)):
            if not isinstance(cover[p], int):
                m.add(cover[first] >= cover[p]).only_enforce_if(v.enforce("class_starts_first_period", school_class.id))


def add_class_max_gaps(m: cp_model.CpModel, v: Vars) -> None:
    """A class's atoms have ≤ ``max_gaps_per_day`` gaps (空堂: free periods between two lessons of a day; an
    unavailable period is none) on each day and ≤ ``max_gaps_per_week`` in the week, counted per atom
    (FET: students (set) max gaps per day / week, counted per subgroup)."""
    school = v.school
    for school_class in school.classes:
        per_day, per_week = school_class.max_gaps_per_day, school_class.max_gaps_per_week
        if per_day is None and per_week is None:
            continue
        periods = [p.index for p in school.schedule_by_stage[school_class.stage].periods]
        guard = v.enforce("class_max_gaps", school_class.id)
        for atom in school_class.atoms():
            if not v.lessons_by_atom.get(atom):
                continue
            week: list[cp_model.IntVar] = []
            for day in v.days:
                cover: dict[int, list[cp_model.IntVar]] = {p: [] for p in periods}
                for _, p, var in _atom_day_periods(v, atom, day):
                    cover[p].append(var)
                free = partial(school_class.free, atom, day)
                gaps = gap_flags(m, f"{atom},{day}", periods, cover, free)
                if per_day is not None and len(gaps) > per_day:
                    m.add(sum(gaps) <= per_day).only_enforce_if(guard)
                week += gaps
            if per_week is not None and len(week) > per_week:
                m.add(sum(week) <= per_week).only_enforce_if(guard)


def _atom_day_tag_cover(v: Vars, atom: str, day: int, tag: str | None) -> dict[int, list[cp_model.IntVar]]:
    """Period → the start variables of the atom's sessions covering it that day (with ``tag``: of lessons
    carrying it only)."""
    cover: dict[int, list[cp_model.IntVar]] = {}
    for lesson, period, var in _atom_day_periods(v, atom, day):
        if tag is None or tag in lesson.tags:
            cover.setdefault(period, []).append(var)
    return cover


def add_class_max_consecutive(m: cp_model.CpModel, v: Vars) -> None:
    """Each atom of a class with ``max_consecutive`` has at most that many periods in a row, a lunch block
    ending the row (FET: students (set) max hours continuously, per subgroup; a break ends it)."""
    school = v.school
    for school_class in school.classes:
        limit = school_class.max_consecutive
        if limit is None:
            continue
        schedule = school.schedule_by_stage[school_class.stage]
        guard = v.enforce("class_max_consecutive", school_class.id)
        for atom in school_class.atoms():
            for day in v.days:
                add_row_cap(m, schedule, day, _atom_day_tag_cover(v, atom, day, None), limit, guard)


def add_class_tag_hours(m: cp_model.CpModel, v: Vars) -> None:
    """Per entry of a class's ``tag_limits``, for each atom: the periods of lessons carrying the tag number
    ≤ ``max_per_day`` on each day and ≤ ``max_consecutive`` in a row, a lunch block ending the row (FET:
    students (set) activity tag max hours daily / continuously, per subgroup)."""
    school = v.school
    for school_class in school.classes:
        schedule = school.schedule_by_stage[school_class.stage]
        for limit in school_class.tag_limits:
            guard = v.enforce("class_tag_hours", school_class.id)
            for atom in school_class.atoms():
                for day in v.days:
                    cover = _atom_day_tag_cover(v, atom, day, limit.tag)
                    add_day_cap(m, cover, limit.max_per_day, guard)
                    if limit.max_consecutive is not None:
                        add_row_cap(m, schedule, day, cover, limit.max_consecutive, guard)


def add_class_late_starts(m: cp_model.CpModel, v: Vars) -> None:
    """A class with ``max_late_starts_per_week``: per atom and day with lessons, at most one free period comes
    before the first lesson, and days with one number ≤ ``max_late_starts_per_week`` (FET: students (set) early
    max beginnings at second hour; its first hour skips not-available and break slots)."""
    school = v.school
    for school_class in school.classes:
        limit = school_class.max_late_starts_per_week
        if limit is None:
            continue
        guard = v.enforce("class_late_starts", school_class.id)
        for atom in school_class.atoms():
            late_days = []
            for day in v.days:
                late = _late_start(m, v, school_class, atom, day, guard)
                if late is not None:
                    late_days.append(late)
            if len(late_days) > limit:
                m.add(sum(late_days) <= limit).only_enforce_if(guard)


def _late_start(
    m: cp_model.CpModel, v: Vars, school_class: SchoolClass, atom: str, day: int, guard: list
) -> cp_model.IntVar | None:
    """Forbid two free periods before the atom's first lesson of the day; a Boolean that is at least 1 when one
    free period comes before it (None: the day cannot start late)."""
    n_periods = len(v.school.schedule_by_stage[school_class.stage].periods)
    cover = _atom_day_cover(v, atom, day, n_periods)
    free = [p for p in range(1, n_periods + 1) if school_class.free(atom, day, p)]
    later = [p for p in range(free[0] + 1, n_periods + 1) if not isinstance(cover[p], int)] if free else []
    if not later:
        return None
    first = free[0]
    for p in later:
        if len(free) > 1 and p > free[1]:
            m.add(cover[first] + cover[free[1]] >= cover[p]).only_enforce_if(guard)
    late = m.new_bool_var(f"late_start[{atom},{day}]")
    for p in later:
        m.add(late >= cover[p] - cover[first])
    return late


def block_activity_minutes(schedule: BellSchedule, day: int) -> int:
    """Minutes of fixed physical-activity blocks (大课间, 课外体育活动) on ``day``."""
    return sum(b.minutes for b in schedule.blocks if b.physical_activity and (b.days is None or day in b.days))


def is_activity(v: Vars, lesson: Lesson) -> bool:
    subject = v.school.subject_by_id[lesson.subject]
    return subject.category == "pe" or subject.counts_as_activity


def add_daily_activity(m: cp_model.CpModel, v: Vars) -> None:
    """每天校内体育活动不少于1小时: 大课间 + activity blocks + PE/activity lessons, every day."""
    school = v.school
    required = school.resolved_policy.daily_activity_minutes
    for school_class in school.classes:
        schedule = school.schedule_by_stage[school_class.stage]
        for atom in school_class.atoms():
            for day in v.days:
                fixed = block_activity_minutes(schedule, day)
                if fixed >= required:
                    continue
                lessons = sum(
                    var * period_minutes(schedule, p)
                    for lesson, p, var in _atom_day_periods(v, atom, day)
                    if is_activity(v, lesson)
                )
                m.add(fixed + lessons >= required).only_enforce_if(v.enforce("daily_activity", school_class.id))
