"""Soft goals: exact counts of each term (docs/RULES.md), weighted by ``School.weights``.

Every term is modelled tightly (its variable equals the count, not merely bounds it), so the
values the solver reports are the true counts, and the checker recomputes the same numbers.
"""

from __future__ import annotations

import math
from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.model.teachers import flexible_flags, teacher_day_cover
from scheduler.model.variables import Vars, alike_atoms

Terms = dict[str, list[cp_model.LinearExprT]]


def _positive_part(m: cp_model.CpModel, expr: cp_model.LinearExprT, upper: int, name: str) -> cp_model.IntVar:
    """A variable equal to max(0, expr)."""
    var = m.new_int_var(0, max(upper, 0), name)
    m.add_max_equality(var, [expr, 0])
    return var


def _and(m: cp_model.CpModel, a, b, name: str) -> cp_model.IntVar:
    """A Boolean equal to a ∧ b for 0/1 expressions a, b."""
    var = m.new_bool_var(name)
    m.add(var <= a)
    m.add(var <= b)
    m.add(var >= a + b - 1)
    return var


def teacher_gaps(m: cp_model.CpModel, v: Vars) -> list:
    """Idle gaps: per teacher, day, stage and half day, max(0, runs of busy periods − 1)."""
    out = []
    for teacher in v.lessons_by_teacher:
        for schedule, day, cover in teacher_day_cover(v, teacher):
            halves = [
                [p.index for p in schedule.periods if not schedule.is_afternoon(p.index)],
                [p.index for p in schedule.periods if schedule.is_afternoon(p.index)],
            ]
            for half in halves:
                if len(half) < 3:
                    continue
                busy = {p: sum(cover[p]) for p in half}
                runs = [busy[half[0]]]
                for prev, p in zip(half, half[1:], strict=False):
                    runs.append(_and(m, busy[p], 1 - busy[prev], f"run[{teacher},{day},{p}]"))
                out.append(_positive_part(m, sum(runs) - 1, len(half), f"gaps[{teacher},{day},{half[0]}]"))
    return out


def core_in_afternoon(m: cp_model.CpModel, v: Vars) -> list:
    """Periods of 语数英 (morning_preferred subjects) in the afternoon."""
    school, out = v.school, []
    for lesson in school.all_lessons:
        if not school.subject_by_id[lesson.subject].morning_preferred:
            continue
        schedule = school.schedule_of(lesson)
        for day in v.days:
            for p in schedule.periods:
                if schedule.is_afternoon(p.index):
                    out += v.covering(lesson, day, p.index)
    return out


def same_subject_same_day(m: cp_model.CpModel, v: Vars) -> list:
    """Per class atom, subject and day: sessions beyond the first."""
    out = []
    for atom, lessons, atoms in alike_atoms(v):
        by_subject = defaultdict(list)
        for lesson in lessons:
            by_subject[lesson.subject].append(lesson)
        for subject, subject_lessons in by_subject.items():
            if sum(lesson.count for lesson in subject_lessons) < 2:
                continue
            repeats = []
            for day in v.days:
                sessions = [var for lesson in subject_lessons for d, _, var in v.starts_of(lesson) if d == day]
                repeats.append(_positive_part(m, sum(sessions) - 1, len(sessions), f"repeat[{atom},{subject},{day}]"))
            # Counting bound (sessions beyond one a day are unavoidable): gives the solver a sound
            # lower bound at once instead of waiting for its LP.
            m.add(sum(repeats) >= sum(lesson.count for lesson in subject_lessons) - len(v.days))
            out += repeats * atoms
    return out


def same_subject_in_a_row(m: cp_model.CpModel, v: Vars) -> list:
    """Per atom and day: adjacent periods taken by two different sessions of one subject."""
    school, out = v.school, []
    for atom, lessons, atoms in alike_atoms(v):
        by_subject = defaultdict(list)
        for lesson in lessons:
            by_subject[lesson.subject].append(lesson)
        for subject, subject_lessons in by_subject.items():
            if sum(lesson.count for lesson in subject_lessons) < 2:
                continue
            n_periods = len(school.schedule_of(subject_lessons[0]).periods)
            for day in v.days:
                for p in range(1, n_periods):
                    here = sum(v.cover(lesson, day, p) for lesson in subject_lessons)
                    after = sum(v.cover(lesson, day, p + 1) for lesson in subject_lessons)
                    # the same session covering both p and p+1 (a double) does not count
                    same = [
                        var
                        for lesson in subject_lessons
                        if lesson.duration > 1
                        for var in v.covering(lesson, day, p)
                        if any(var is other for other in v.covering(lesson, day, p + 1))
                    ]
                    if isinstance(here, int) or isinstance(after, int):
                        continue
                    pair = m.new_bool_var(f"row[{atom},{subject},{day},{p}]")
                    m.add(pair <= here)
                    m.add(pair <= after)
                    m.add(pair <= 1 - sum(same))
                    m.add(pair >= here + after - 1 - sum(same))
                    out += [pair] * atoms
    return out


def _daily_overload(m: cp_model.CpModel, v: Vars, groups: list[tuple[str, list, int]], name: str) -> list:
    """Per group (teacher or class atom: key, lessons, how many groups have them) and day: periods beyond
    ⌈weekly periods / days⌉."""
    out = []
    for key, lessons, count in groups:
        weekly = sum(lesson.periods_per_week for lesson in lessons)
        fair = math.ceil(weekly / len(v.days))
        for day in v.days:
            load = sum(lesson.duration * var for lesson in lessons for d, _, var in v.starts_of(lesson) if d == day)
            out += [_positive_part(m, load - fair, weekly, f"{name}[{key},{day}]")] * count
    return out


def teacher_daily_overload(m: cp_model.CpModel, v: Vars) -> list:
    """Per teacher and day: periods beyond the teacher's fair share of the week."""
    return _daily_overload(m, v, [(teacher, lessons, 1) for teacher, lessons in v.lessons_by_teacher.items()], "over")


def class_daily_overload(m: cp_model.CpModel, v: Vars) -> list:
    """Per class atom and day: periods beyond the atom's fair share (a balanced week for pupils)."""
    return _daily_overload(m, v, alike_atoms(v), "class_over")


def flexible_day_shortfall(m: cp_model.CpModel, v: Vars) -> list:
    """Per teacher: flexible days short of ``flexible.min_days``."""
    need = v.school.flexible.min_days
    flags = flexible_flags(m, v)
    return [
        _positive_part(m, need - sum(flags[teacher]), need, f"short[{teacher}]") for teacher in v.lessons_by_teacher
    ]


def after_school_duty_excess(m: cp_model.CpModel, v: Vars) -> list:
    """Per school teacher: after-school duties (session-1 supervisions + club meetings) beyond the fair share."""
    fair, out = v.school.fair_duties, []
    for teacher, work in v.after_school_work.items():
        if v.school.teacher_by_id[teacher].outside_staff:
            continue
        out.append(_positive_part(m, sum(lit for *_, lit in work) - fair, len(work), f"duty_excess[{teacher}]"))
    return out


TERMS = {
    "teacher_gaps": teacher_gaps,
    "core_in_afternoon": core_in_afternoon,
    "same_subject_same_day": same_subject_same_day,
    "same_subject_in_a_row": same_subject_in_a_row,
    "teacher_daily_overload": teacher_daily_overload,
    "class_daily_overload": class_daily_overload,
    "flexible_day_shortfall": flexible_day_shortfall,
    "after_school_duty_excess": after_school_duty_excess,
}


def add_objective(m: cp_model.CpModel, v: Vars, extra: cp_model.LinearExprT = 0) -> dict[str, cp_model.LinearExprT]:
    """Build every soft term with a non-zero weight; minimise their weighted sum (plus ``extra``)."""
    weights = v.school.weights.model_dump()
    terms: dict[str, cp_model.LinearExprT] = {}
    for name, build in TERMS.items():
        if name == "after_school_duty_excess" and v.school.after_school is None:
            continue  # the term exists only with after-school service (docs/RULES.md)
        if weights[name] > 0:
            terms[name] = sum(build(m, v))
    m.minimize(sum(weights[name] * expr for name, expr in terms.items()) + extra)
    return terms
