"""Relations between lessons: consecutive, grouped, ordered, ending the pupils' day, same day / same period.

Sessions of a lesson are interchangeable, so a relation between lessons with ``count`` > 1 holds
session by session: the sessions pair up one to one (docs/RULES.md).
"""

from __future__ import annotations

from collections import defaultdict
from itertools import permutations

from ortools.sat.python import cp_model

from scheduler.domain import Lesson
from scheduler.model.variables import Vars


def _add_blocks(m: cp_model.CpModel, v: Vars, lessons: list[Lesson], orders: list[tuple[Lesson, ...]], guard) -> None:
    """The sessions of ``lessons`` form blocks: one session of each, on one day, back to back in one of ``orders``.

    A block variable per (order, day, first period) whose sessions all fit; every start of a member
    is exactly one block's session there.
    """
    parts: dict[tuple[str, int, int], list[cp_model.IntVar]] = defaultdict(list)
    for n, order in enumerate(orders):
        for day in v.days:
            for first in range(1, len(v.school.schedule_of(order[0]).periods) + 1):
                offsets, period = [], first
                for lesson in order:
                    offsets.append((lesson.id, period))
                    period += lesson.duration
                if not all((lid, day, p) in v.start for lid, p in offsets):
                    continue
                block = m.new_bool_var(f"block[{n},{order[0].id},{day},{first}]")
                for lid, p in offsets:
                    parts[(lid, day, p)].append(block)
    for lesson in lessons:
        for day, period, var in v.starts_of(lesson):
            m.add(var == sum(parts.get((lesson.id, day, period), []))).only_enforce_if(guard)


def add_consecutive(m: cp_model.CpModel, v: Vars) -> None:
    """A lesson with ``consecutive_after`` starts each session at the period right after a session of the other
    lesson ends, the same day (FET: two activities consecutive; a lunch block between the two periods is allowed)."""
    for lesson in v.school.all_lessons:
        if lesson.consecutive_after is None:
            continue
        first = v.school.lesson_by_id[lesson.consecutive_after]
        guard = v.enforce("consecutive", lesson.id)
        mine = {(day, period): var for day, period, var in v.starts_of(lesson)}
        theirs = {(day, period + first.duration): var for day, period, var in v.starts_of(first)}
        for key in mine.keys() | theirs.keys():
            if key in mine and key in theirs:
                m.add(mine[key] == theirs[key]).only_enforce_if(guard)
            else:
                m.add((mine[key] if key in mine else theirs[key]) == 0).only_enforce_if(guard)


def add_grouped(m: cp_model.CpModel, v: Vars) -> None:
    """A lesson with ``grouped_with``: its sessions and those of the other lessons form blocks of one session of
    each, on one day, back to back in any order (FET: two / three activities grouped)."""
    for lesson in v.school.all_lessons:
        if not lesson.grouped_with:
            continue
        members = [lesson, *(v.school.lesson_by_id[other] for other in lesson.grouped_with)]
        _add_blocks(m, v, members, list(permutations(members)), v.enforce("grouped", lesson.id))


def _add_ordered(m: cp_model.CpModel, v: Vars, field: str, rule: str, same_day_only: bool) -> None:
    """Every session of a lesson starts after every session of the lessons in ``field`` ends (day-major order)."""
    for lesson in v.school.all_lessons:
        for other_id in dict.fromkeys(getattr(lesson, field)):
            other = v.school.lesson_by_id[other_id]
            guard = v.enforce(rule, f"{lesson.id}/{other_id}")
            for day, period, var in v.starts_of(lesson):
                clashing = [
                    ~before
                    for d, p, before in v.starts_of(other)
                    if (period <= p + other.duration - 1 if d == day else d > day and not same_day_only)
                ]
                if clashing:
                    m.add_bool_and(clashing).only_enforce_if([var, *guard])


def add_ordered(m: cp_model.CpModel, v: Vars) -> None:
    """A lesson with ``ordered_after`` starts every session after every session of those lessons has ended, over
    the week: on a later day, or the same day at a later period (FET: two activities ordered)."""
    _add_ordered(m, v, "ordered_after", "ordered", same_day_only=False)


def add_ordered_if_same_day(m: cp_model.CpModel, v: Vars) -> None:
    """A lesson with ``ordered_if_same_day_after``: on a day with sessions of both, each of its sessions starts after
    the other lesson's sessions that day have ended (FET: two activities ordered if same day)."""
    _add_ordered(m, v, "ordered_if_same_day_after", "ordered_if_same_day", same_day_only=True)


def add_ends_day(m: cp_model.CpModel, v: Vars) -> None:
    """A lesson with ``ends_day``: after one of its sessions, no session covers any of its pupils that day
    (FET: activity ends students day)."""
    school = v.school
    for lesson in school.all_lessons:
        if not lesson.ends_day:
            continue
        atoms = {atom for group in lesson.groups for atom in school.atoms_of(group)}
        sharing = list({id(o): o for atom in atoms for o in v.lessons_by_atom.get(atom, [])}.values())
        n_periods = len(school.schedule_of(lesson).periods)
        guard = v.enforce("ends_day", lesson.id)
        for day, period, var in v.starts_of(lesson):
            later = {
                id(x): x
                for other in sharing
                for p in range(period + lesson.duration, n_periods + 1)
                for x in v.covering(other, day, p)
            }
            if later:
                m.add_bool_and([~x for x in later.values()]).only_enforce_if([var, *guard])


def _add_same(m: cp_model.CpModel, v: Vars, field: str, rule: str, key) -> None:
    """The sessions of a lesson and of the lesson in ``field`` start equally often at every value of ``key``."""
    for lesson in v.school.all_lessons:
        other_id = getattr(lesson, field)
        if other_id is None:
            continue
        other = v.school.lesson_by_id[other_id]
        counts: dict[int, list] = defaultdict(lambda: [[], []])
        for side, who in enumerate((lesson, other)):
            for day, period, var in v.starts_of(who):
                counts[key(day, period)][side].append(var)
        guard = v.enforce(rule, lesson.id)
        for mine, theirs in counts.values():
            m.add(sum(mine) == sum(theirs)).only_enforce_if(guard)


def add_same_day(m: cp_model.CpModel, v: Vars) -> None:
    """A lesson with ``same_day_as`` has as many sessions as the other lesson on every day (FET: activities same
    starting day)."""
    _add_same(m, v, "same_day_as", "same_day", lambda day, period: day)


def add_same_hour(m: cp_model.CpModel, v: Vars) -> None:
    """A lesson with ``same_hour_as`` starts as many sessions as the other lesson in every period number, over the
    week (FET: activities same starting hour)."""
    _add_same(m, v, "same_hour_as", "same_hour", lambda day, period: period)
