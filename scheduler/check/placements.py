"""Rules on the placements themselves: valid slots, weekly count, pinned slots, sessions on different days,
allowed start slots, lessons at the same times."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from itertools import combinations, product

from scheduler.check.context import Context
from scheduler.check.report import Violation
from scheduler.check.timeline import Session, lunch_before, placement_problems
from scheduler.domain import minutes


def check_placement_valid(ctx: Context) -> Iterator[Violation]:
    """A placement names a known lesson, a school day, a slot the session fits in and a known room."""
    school = ctx.school
    for index, placement in enumerate(ctx.solution.placements):
        problems = placement_problems(school, placement)
        if not problems:
            continue
        lesson = school.lesson_by_id.get(placement.lesson)
        label = f"（{ctx.lesson_label(lesson)}）" if lesson else ""
        yield Violation(
            rule="placement_valid",
            message=f"第{index + 1}条安排{label}：{'；'.join(problems)}",
            class_id=ctx.class_id_of(lesson),
            lesson_id=placement.lesson,
            room_id=placement.room,
            day=placement.day,
            period=placement.period,
        )


def check_lesson_count(ctx: Context) -> Iterator[Violation]:
    """Each lesson is placed exactly ``count`` times."""
    placed = Counter(s.lesson.id for s in ctx.sessions)
    for lesson in ctx.school.all_lessons:
        if placed[lesson.id] != lesson.count:
            yield Violation(
                rule="lesson_count",
                message=f"{ctx.lesson_label(lesson)} 排了 {placed[lesson.id]} 次，应为 {lesson.count} 次",
                class_id=ctx.class_id_of(lesson),
                lesson_id=lesson.id,
            )


def check_pinned(ctx: Context) -> Iterator[Violation]:
    """Every pinned slot of a lesson has a session of that lesson starting there (e.g. 班会 周一第1节)."""
    starts = {(s.lesson.id, s.day, s.period) for s in ctx.sessions}
    for lesson in ctx.school.all_lessons:
        for slot in lesson.pinned:
            if (lesson.id, slot.day, slot.period) not in starts:
                yield Violation(
                    rule="pinned",
                    message=f"{ctx.lesson_label(lesson)} 应固定在 {ctx.day_name(slot.day)} 第{slot.period}节，却未排在那里",
                    class_id=ctx.class_id_of(lesson),
                    lesson_id=lesson.id,
                    day=slot.day,
                    period=slot.period,
                )


def check_different_days(ctx: Context) -> Iterator[Violation]:
    """A lesson with ``different_days``: the starting days of two sessions are ≥ ``min_days_apart`` apart."""
    days: dict[str, list[int]] = {}
    for session in ctx.sessions:
        if session.lesson.different_days:
            days.setdefault(session.lesson.id, []).append(session.day)
    for lesson_id, lesson_days in days.items():
        lesson = ctx.school.lesson_by_id[lesson_id]
        apart = lesson.min_days_apart
        where = {"class_id": ctx.class_id_of(lesson), "lesson_id": lesson_id}
        for day, n in sorted(Counter(lesson_days).items()):
            if n > 1:
                yield Violation(
                    rule="different_days",
                    message=f"{ctx.lesson_label(lesson)}：{ctx.day_name(day)}有 {n} 节，应分在不同的日子",
                    day=day,
                    **where,
                )
        distinct = sorted(set(lesson_days))
        for earlier, later in zip(distinct, distinct[1:], strict=False):
            if later - earlier < apart:
                yield Violation(
                    rule="different_days",
                    message=f"{ctx.lesson_label(lesson)}：{ctx.day_name(earlier)}和{ctx.day_name(later)}都有课，"
                    f"应至少相隔 {apart} 天",
                    day=later,
                    **where,
                )


def check_days_apart(ctx: Context) -> Iterator[Violation]:
    """A lesson's sessions and those of each lesson in its ``days_apart_from`` start ≥ ``days`` days apart."""
    days: dict[str, set[int]] = {}
    for session in ctx.sessions:
        days.setdefault(session.lesson.id, set()).add(session.day)
    for lesson in ctx.school.all_lessons:
        for apart in lesson.days_apart_from:
            other = ctx.school.lesson_by_id[apart.lesson]
            for day in sorted(days.get(lesson.id, ())):
                close = sorted(d for d in days.get(other.id, ()) if abs(d - day) < apart.days)
                if close:
                    rule = "不应排在同一天" if apart.days == 1 else f"应至少相隔 {apart.days} 天"
                    yield Violation(
                        rule="days_apart",
                        message=f"{ctx.lesson_label(lesson)}（{ctx.day_name(day)}）和{ctx.lesson_label(other)}"
                        f"（{ctx.day_name(close[0])}）{rule}",
                        class_id=ctx.class_id_of(lesson),
                        lesson_id=lesson.id,
                        day=day,
                    )


def check_adjacent_if_same_day(ctx: Context) -> Iterator[Violation]:
    """Two sessions on one day of a lesson with ``adjacent_if_same_day``, or of a lesson and one of its
    ``adjacent_with``, follow each other directly: the later one starts in the period after the earlier
    ends, with no lunch block between them."""
    by_day: dict[tuple[str, int], list[Session]] = {}
    for session in ctx.sessions:
        by_day.setdefault((session.lesson.id, session.day), []).append(session)
    bound = [(lesson.id, lesson.id) for lesson in ctx.school.all_lessons if lesson.adjacent_if_same_day]
    bound += [(lesson.id, other) for lesson in ctx.school.all_lessons for other in dict.fromkeys(lesson.adjacent_with)]
    for lesson_id, other_id in bound:
        for day in range(1, len(ctx.school.days) + 1):
            mine, theirs = by_day.get((lesson_id, day), []), by_day.get((other_id, day), [])
            pairs = combinations(mine, 2) if lesson_id == other_id else product(mine, theirs)
            for one, two in pairs:
                earlier, later = sorted([one, two], key=lambda s: (s.period, s.index))
                if _directly_after(earlier, later):
                    continue
                yield Violation(
                    rule="adjacent_if_same_day",
                    message=f"{ctx.lesson_label(earlier.lesson)}（{ctx.day_name(day)}第{earlier.period}节）和"
                    f"{ctx.lesson_label(later.lesson)}（第{later.period}节）同一天上课，应连着上",
                    class_id=later.class_id,
                    lesson_id=later.lesson.id,
                    day=day,
                    period=later.period,
                )


def check_min_gap(ctx: Context) -> Iterator[Violation]:
    """Two sessions on one day of a lesson with ``min_gap`` have at least ``min_gap`` periods between them, each
    lunch block of that day between them counting as one."""
    by_day: dict[tuple[str, int], list[Session]] = {}
    for session in ctx.sessions:
        by_day.setdefault((session.lesson.id, session.day), []).append(session)
    for lesson in ctx.school.all_lessons:
        if lesson.min_gap is None:
            continue
        for day in ctx.day_numbers:
            for one, two in combinations(by_day.get((lesson.id, day), []), 2):
                earlier, later = sorted([one, two], key=lambda s: (s.period, s.index))
                between = _periods_between(earlier, later)
                if between < lesson.min_gap:
                    yield Violation(
                        rule="min_gap",
                        message=f"{ctx.lesson_label(lesson)} {ctx.day_name(day)} 第{earlier.period}节和第{later.period}节"
                        f"之间只隔 {max(between, 0)} 节，应至少隔 {lesson.min_gap} 节",
                        class_id=later.class_id,
                        lesson_id=lesson.id,
                        day=day,
                        period=later.period,
                    )


def _periods_between(earlier: Session, later: Session) -> int:
    """Periods and lunch blocks of that day starting in the time from ``earlier``'s end to ``later``'s start;
    -1 when they overlap."""
    if later.period <= earlier.last_period:
        return -1
    periods = sum(earlier.end <= minutes(p.start) < later.start for p in earlier.schedule.periods)
    lunches = sum(
        block.kind == "lunch"
        and (block.days is None or earlier.day in block.days)
        and earlier.end <= minutes(block.start) < later.start
        for block in earlier.schedule.blocks
    )
    return periods + lunches


def check_occupy_max_slots(ctx: Context) -> Iterator[Violation]:
    """The sessions of an ``occupy_max_slots`` entry's lessons cover at most ``max_slots`` of its slots."""
    for occupy in ctx.school.occupy_max_slots:
        lessons = set(occupy.lessons)
        covered = {(s.day, period, s.stage) for s in ctx.sessions if s.lesson.id in lessons for period in s.periods}
        used = [
            slot
            for slot in occupy.slots
            if any(
                (day, period) == (slot.day, slot.period) and slot.stage in (None, stage)
                for day, period, stage in covered
            )
        ]
        if len(used) > occupy.max_slots:
            first = used[occupy.max_slots]
            yield Violation(
                rule="occupy_max_slots",
                message=f"时段组 {occupy.id} 的课占了所选 {len(occupy.slots)} 个时段中的 {len(used)} 个，"
                f"最多 {occupy.max_slots} 个",
                lesson_id=occupy.lessons[0],
                day=first.day,
                period=first.period,
            )


def _directly_after(earlier: Session, later: Session) -> bool:
    return later.period == earlier.last_period + 1 and not lunch_before(earlier.schedule, earlier.day, later.period)


def check_allowed_starts(ctx: Context) -> Iterator[Violation]:
    """A lesson with ``allowed_starts``: every session starts in one of those slots."""
    for session in ctx.sessions:
        lesson = session.lesson
        if lesson.allowed_starts is None:
            continue
        if not any(s.day == session.day and s.period == session.period for s in lesson.allowed_starts):
            yield Violation(
                rule="allowed_starts",
                message=f"{ctx.lesson_label(lesson)} 排在 {ctx.day_name(session.day)} 第{session.period}节，"
                "不在允许的开始时间内",
                class_id=ctx.class_id_of(lesson),
                lesson_id=lesson.id,
                day=session.day,
                period=session.period,
            )


def check_same_time(ctx: Context) -> Iterator[Violation]:
    """A lesson with ``same_time_as``: its sessions start at exactly the times the other lesson's start."""
    starts: dict[str, Counter[tuple[int, int]]] = {}
    for session in ctx.sessions:
        starts.setdefault(session.lesson.id, Counter())[(session.day, session.period)] += 1
    for lesson in ctx.school.all_lessons:
        if lesson.same_time_as is None:
            continue
        other = ctx.school.lesson_by_id[lesson.same_time_as]
        mine, theirs = starts.get(lesson.id, Counter()), starts.get(other.id, Counter())
        for day, period in sorted((mine - theirs) + (theirs - mine)):
            yield Violation(
                rule="same_time",
                message=f"{ctx.lesson_label(lesson)} 与 {ctx.lesson_label(other)} 应同时上课，"
                f"但 {ctx.day_name(day)} 第{period}节 只排了其中一个",
                class_id=ctx.class_id_of(lesson),
                lesson_id=lesson.id,
                day=day,
                period=period,
            )
