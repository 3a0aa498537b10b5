"""Relations between lessons: consecutive, grouped, ordered, ending the pupils' day, same day / same period.

Written from docs/RULES.md, independently of the model: sessions of related lessons with several
sessions pair up one to one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

from scheduler.check.context import Context
from scheduler.check.report import Violation
from scheduler.check.timeline import Session
from scheduler.domain import Lesson


def _by_lesson(ctx: Context) -> dict[str, list[Session]]:
    out: dict[str, list[Session]] = defaultdict(list)
    for session in ctx.sessions:
        out[session.lesson.id].append(session)
    return out


def _where(ctx: Context, lesson: Lesson, day: int | None = None, period: int | None = None) -> dict:
    return {"class_id": ctx.school.classes_of(lesson)[0].id, "lesson_id": lesson.id, "day": day, "period": period}


def check_consecutive(ctx: Context) -> Iterator[Violation]:
    """A lesson with ``consecutive_after``: its sessions start exactly at the periods right after the other
    lesson's sessions end, the same days (as multisets of (day, period))."""
    sessions = _by_lesson(ctx)
    for lesson in ctx.school.all_lessons:
        if lesson.consecutive_after is None:
            continue
        first = ctx.school.lesson_by_id[lesson.consecutive_after]
        mine = Counter((s.day, s.period) for s in sessions.get(lesson.id, []))
        wanted = Counter((s.day, s.last_period + 1) for s in sessions.get(first.id, []))
        for day, period in sorted((mine - wanted) + (wanted - mine)):
            yield Violation(
                rule="consecutive",
                message=f"{ctx.lesson_label(lesson)} 应紧接在 {ctx.lesson_label(first)} 之后（同一天），"
                f"但 {ctx.day_name(day)} 第{period}节 没有这样排",
                **_where(ctx, lesson, day, period),
            )


def _blocks_fit(sessions: list[Session], members: set[str]) -> bool:
    """Whether ``sessions`` (of one day) split into blocks of one session of each member lesson, back to back."""
    if not sessions:
        return True
    ordered = sorted(sessions, key=lambda s: (s.period, s.lesson.id))
    head = ordered[0]  # the earliest session starts a block

    def extend(block: list[Session], rest: list[Session]) -> bool:
        if len(block) == len(members):
            return _blocks_fit(rest, members)
        taken = {s.lesson.id for s in block}
        for i, s in enumerate(rest):
            fits = s.lesson.id not in taken and s.period == block[-1].last_period + 1
            if fits and extend([*block, s], rest[:i] + rest[i + 1 :]):
                return True
        return False

    return extend([head], ordered[1:])


def check_grouped(ctx: Context) -> Iterator[Violation]:
    """A lesson with ``grouped_with``: on every day, the sessions of it and of the other lessons split into
    blocks of one session of each lesson, back to back in any order."""
    sessions = _by_lesson(ctx)
    for lesson in ctx.school.all_lessons:
        if not lesson.grouped_with:
            continue
        members = [lesson, *(ctx.school.lesson_by_id[other] for other in lesson.grouped_with)]
        ids = {m.id for m in members}
        names = "、".join(ctx.lesson_label(m) for m in members)
        for day in ctx.day_numbers:
            today = [s for m in members for s in sessions.get(m.id, []) if s.day == day]
            counts = Counter(s.lesson.id for s in today)
            if len(set(counts[m] for m in ids)) == 1 and _blocks_fit(today, ids):
                continue
            yield Violation(
                rule="grouped",
                message=f"{names} 应在同一天连着上（顺序不限），{ctx.day_name(day)}却没有这样排",
                **_where(ctx, lesson, day),
            )


def _ordered(ctx: Context, field: str, rule: str, same_day_only: bool) -> Iterator[Violation]:
    sessions = _by_lesson(ctx)
    for lesson in ctx.school.all_lessons:
        for other_id in getattr(lesson, field):
            other = ctx.school.lesson_by_id[other_id]
            for mine in sessions.get(lesson.id, []):
                for theirs in sessions.get(other_id, []):
                    if same_day_only and mine.day != theirs.day:
                        continue
                    if (mine.day, mine.period) > (theirs.day, theirs.last_period):
                        continue
                    yield Violation(
                        rule=rule,
                        message=f"{ctx.lesson_label(lesson)}（{ctx.slot_name(mine)}）应排在 "
                        f"{ctx.lesson_label(other)}（{ctx.slot_name(theirs)}）结束之后"
                        + ("（同一天时）" if same_day_only else ""),
                        **_where(ctx, lesson, mine.day, mine.period),
                    )


def check_ordered(ctx: Context) -> Iterator[Violation]:
    """A lesson with ``ordered_after``: every session starts after every session of those lessons ends (a later
    day, or the same day at a later period)."""
    yield from _ordered(ctx, "ordered_after", "ordered", same_day_only=False)


def check_ordered_if_same_day(ctx: Context) -> Iterator[Violation]:
    """A lesson with ``ordered_if_same_day_after``: every session starts after every session of those lessons on
    the same day ends."""
    yield from _ordered(ctx, "ordered_if_same_day_after", "ordered_if_same_day", same_day_only=True)


def check_ends_day(ctx: Context) -> Iterator[Violation]:
    """A lesson with ``ends_day``: no session covering one of its atoms covers a later period that day."""
    for mine in ctx.sessions:
        if not mine.lesson.ends_day:
            continue
        later = {
            s.index: s
            for atom in mine.atoms
            for s in ctx.by_atom.get(atom, [])
            if s.day == mine.day and s.last_period > mine.last_period
        }
        for other in sorted(later.values(), key=lambda s: (s.period, s.index)):
            yield Violation(
                rule="ends_day",
                message=f"{ctx.lesson_label(mine.lesson)}（{ctx.slot_name(mine)}）应是学生当天最后一节课，"
                f"之后却还有 {ctx.lesson_label(other.lesson)}（{ctx.slot_name(other)}）",
                **_where(ctx, mine.lesson, mine.day, mine.period),
            )


def _same(ctx: Context, field: str, rule: str, key, words: str) -> Iterator[Violation]:
    sessions = _by_lesson(ctx)
    for lesson in ctx.school.all_lessons:
        other_id = getattr(lesson, field)
        if other_id is None:
            continue
        other = ctx.school.lesson_by_id[other_id]
        mine = Counter(key(s) for s in sessions.get(lesson.id, []))
        theirs = Counter(key(s) for s in sessions.get(other_id, []))
        for value in sorted((mine - theirs) + (theirs - mine)):
            yield Violation(
                rule=rule,
                message=f"{ctx.lesson_label(lesson)} 与 {ctx.lesson_label(other)} 应{words}，但{value[1]}的次数不同",
                **_where(ctx, lesson, *value[0]),
            )


def check_same_day(ctx: Context) -> Iterator[Violation]:
    """A lesson with ``same_day_as``: its sessions start on the same days as the other lesson's (multisets)."""
    yield from _same(ctx, "same_day_as", "same_day", lambda s: ((s.day, None), ctx.day_name(s.day)), "在同一天上课")


def check_same_hour(ctx: Context) -> Iterator[Violation]:
    """A lesson with ``same_hour_as``: its sessions start in the same periods as the other lesson's (multisets)."""
    yield from _same(
        ctx, "same_hour_as", "same_hour", lambda s: ((None, s.period), f"第{s.period}节"), "在同一节次开始"
    )
