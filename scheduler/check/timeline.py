"""Placements → sessions: the periods, clock interval and pupil atoms each placement covers.

Vocabulary of docs/RULES.md: a session of lesson L placed at (day d, period p) covers periods
p … p+duration−1 of L's bell schedule, covers the atoms of L's groups, and two sessions overlap
when they are on the same day and their clock intervals intersect.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from scheduler.domain import BellSchedule, Lesson, School, Subject, minutes
from scheduler.solution import Placement


def lunch_before(schedule: BellSchedule, day: int, period: int) -> bool:
    """A lunch block that applies on ``day`` lies between ``period`` - 1 and ``period``: they are not in a row."""
    if period <= 1:
        return False
    end, start = minutes(schedule.period(period - 1).end), minutes(schedule.period(period).start)
    return any(
        block.kind == "lunch" and (block.days is None or day in block.days) and end <= minutes(block.start) < start
        for block in schedule.blocks
    )


def long_rows(schedule: BellSchedule, day: int, periods: set[int], limit: int) -> Iterator[tuple[int, int]]:
    """(first period, the period that makes it ``limit`` + 1) of each row of ``periods`` in a row longer than
    ``limit``; a lunch block of that day between two periods ends the row."""
    row, start = 0, 0
    for period in range(1, len(schedule.periods) + 1):
        if period not in periods or lunch_before(schedule, day, period):
            row = 0
        if period in periods:
            start = period if row == 0 else start
            row += 1
            if row == limit + 1:
                yield start, period


@dataclass(eq=False)
class Session:
    """One valid placement, expanded. Compared by identity: two equal placements are two sessions."""

    index: int  # position of the placement in the solution
    lesson: Lesson
    subject: Subject
    day: int
    period: int  # first covered period
    room: str | None
    schedule: BellSchedule
    atoms: frozenset[str]
    class_ids: tuple[str, ...]
    start: int  # minutes since midnight: start of the first covered period
    end: int  # end of the last covered period

    @property
    def class_id(self) -> str | None:
        """The first class of the session (a violation's class column); None for a lesson without pupils."""
        return self.class_ids[0] if self.class_ids else None

    @property
    def periods(self) -> range:
        return range(self.period, self.period + self.lesson.duration)

    @property
    def last_period(self) -> int:
        return self.period + self.lesson.duration - 1

    @property
    def stage(self) -> str:
        return self.schedule.stage

    def period_minutes(self) -> list[int]:
        """Minutes of each covered period."""
        return [minutes(self.schedule.period(p).end) - minutes(self.schedule.period(p).start) for p in self.periods]

    def overlaps(self, other: Session) -> bool:
        return self.day == other.day and self.start < other.end and other.start < self.end


def placement_problems(school: School, placement: Placement) -> list[str]:
    """What makes a placement impossible (placement_valid), as short Chinese phrases; [] if valid."""
    lesson = school.lesson_by_id.get(placement.lesson)
    if lesson is None:
        return [f"未知课程 '{placement.lesson}'"]
    problems = []
    n_days = len(school.days)
    if not 1 <= placement.day <= n_days:
        problems.append(f"第 {placement.day} 天不是上课日（共 {n_days} 天）")
    n_periods = len(school.schedule_of(lesson).periods)
    last = placement.period + lesson.duration - 1
    if placement.period < 1 or last > n_periods:
        span = f"第{placement.period}节" if lesson.duration == 1 else f"第{placement.period}–{last}节"
        problems.append(f"{span}超出作息表（每天共 {n_periods} 节）")
    if placement.room is not None and placement.room not in school.room_by_id:
        problems.append(f"教室 '{placement.room}' 不存在")
    return problems


def expand(school: School, placements: list[Placement]) -> list[Session]:
    """The sessions of the valid placements; invalid ones are left out (see ``placement_problems``)."""
    sessions = []
    for index, placement in enumerate(placements):
        if placement_problems(school, placement):
            continue
        lesson = school.lesson_by_id[placement.lesson]
        schedule = school.schedule_of(lesson)
        last = placement.period + lesson.duration - 1
        sessions.append(
            Session(
                index=index,
                lesson=lesson,
                subject=school.subject_by_id[lesson.subject],
                day=placement.day,
                period=placement.period,
                room=placement.room,
                schedule=schedule,
                atoms=frozenset(atom for group in lesson.groups for atom in school.atoms_of(group)),
                class_ids=tuple(c.id for c in school.classes_of(lesson)),
                start=minutes(schedule.period(placement.period).start),
                end=minutes(schedule.period(last).end),
            )
        )
    return sessions


def overlapping_pairs(sessions: list[Session]) -> list[tuple[Session, Session]]:
    """Every pair of overlapping sessions, the earlier-starting one first."""
    ordered = sorted(sessions, key=lambda s: (s.day, s.start, s.index))
    pairs = []
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if second.day != first.day or second.start >= first.end:
                break  # later ones start even later
            pairs.append((first, second))
    return pairs
