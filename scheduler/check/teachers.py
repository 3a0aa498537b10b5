"""Teachers' time: unavailable periods, meetings (教研/集体备课), weekly and daily load, gaps (空堂)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

from scheduler.check.context import Context
from scheduler.check.report import Violation
from scheduler.check.timeline import Session, long_rows
from scheduler.domain import minutes


def check_teacher_unavailable(ctx: Context) -> Iterator[Violation]:
    """No session of a teacher covers one of the teacher's unavailable periods (stage null: every stage)."""
    for teacher_id, sessions in ctx.by_teacher.items():
        teacher = ctx.school.teacher_by_id[teacher_id]
        for session in sessions:
            for period in session.periods:
                if any(
                    slot.day == session.day and slot.period == period and slot.stage in (None, session.stage)
                    for slot in teacher.unavailable
                ):
                    yield Violation(
                        rule="teacher_unavailable",
                        message=(
                            f"{teacher.name} {ctx.day_name(session.day)} 第{period}节 不能上课，"
                            f"却排了 {ctx.lesson_label(session.lesson)}"
                        ),
                        teacher_id=teacher_id,
                        class_id=session.class_id,
                        lesson_id=session.lesson.id,
                        day=session.day,
                        period=period,
                    )


def check_meeting(ctx: Context) -> Iterator[Violation]:
    """No session of a teacher overlaps (clock time, same day) a meeting the teacher attends."""
    for meeting in ctx.school.meetings:
        start, end = minutes(meeting.start), minutes(meeting.end)
        for teacher_id in dict.fromkeys(meeting.teachers):
            for session in ctx.by_teacher.get(teacher_id, []):
                if session.day == meeting.day and session.start < end and start < session.end:
                    yield Violation(
                        rule="meeting",
                        message=(
                            f"{ctx.teacher_name(teacher_id)} {ctx.slot_name(session)} {ctx.lesson_label(session.lesson)} "
                            f"与{meeting.name}（{meeting.start}–{meeting.end}）冲突"
                        ),
                        teacher_id=teacher_id,
                        class_id=session.class_id,
                        lesson_id=session.lesson.id,
                        day=session.day,
                        period=session.period,
                    )


def check_teacher_max_week(ctx: Context) -> Iterator[Violation]:
    """Periods taught in the week ≤ ``max_lessons_per_week`` (a session counts ``duration`` periods)."""
    for teacher_id, sessions in ctx.by_teacher.items():
        teacher = ctx.school.teacher_by_id[teacher_id]
        taught = sum(s.lesson.duration for s in sessions)
        if taught > teacher.max_lessons_per_week:
            yield Violation(
                rule="teacher_max_week",
                message=f"{teacher.name} 每周 {taught} 节，超过上限 {teacher.max_lessons_per_week} 节",
                teacher_id=teacher_id,
            )


def check_teacher_max_day(ctx: Context) -> Iterator[Violation]:
    """Periods taught on a day ≤ ``max_lessons_per_day``."""
    for teacher_id, sessions in ctx.by_teacher.items():
        teacher = ctx.school.teacher_by_id[teacher_id]
        per_day = Counter()
        for session in sessions:
            per_day[session.day] += session.lesson.duration
        for day, taught in sorted(per_day.items()):
            if taught > teacher.max_lessons_per_day:
                yield Violation(
                    rule="teacher_max_day",
                    message=f"{teacher.name} {ctx.day_name(day)} 上 {taught} 节，超过每天上限 {teacher.max_lessons_per_day} 节",
                    teacher_id=teacher_id,
                    day=day,
                )


def check_teacher_min_day(ctx: Context) -> Iterator[Violation]:
    """Periods taught ≥ ``min_lessons_per_day`` on a day the teacher teaches (every day without ``allow_empty_days``)."""
    for teacher in ctx.school.teachers:
        low = teacher.min_lessons_per_day
        if not low:
            continue
        per_day = Counter()
        for session in ctx.by_teacher.get(teacher.id, []):
            per_day[session.day] += session.lesson.duration
        for day in ctx.day_numbers:
            taught = per_day[day]
            if taught < low and (taught or not teacher.allow_empty_days):
                yield Violation(
                    rule="teacher_min_day",
                    message=f"{teacher.name} {ctx.day_name(day)} 上 {taught} 节，少于每天至少 {low} 节",
                    teacher_id=teacher.id,
                    day=day,
                )


def check_teacher_max_days(ctx: Context) -> Iterator[Violation]:
    """Days on which a teacher has a session ≤ ``max_days_per_week`` (when set)."""
    for teacher_id, sessions in ctx.by_teacher.items():
        teacher = ctx.school.teacher_by_id[teacher_id]
        limit = teacher.max_days_per_week
        days = sorted({session.day for session in sessions})
        if limit is not None and len(days) > limit:
            names = "、".join(ctx.day_name(day) for day in days)
            yield Violation(
                rule="teacher_max_days",
                message=f"{teacher.name} 一周在 {len(days)} 天有课（{names}），上限 {limit} 天",
                teacher_id=teacher_id,
            )


def check_teacher_min_days(ctx: Context) -> Iterator[Violation]:
    """A teacher with lessons has sessions on ≥ ``min_days_per_week`` days (when set)."""
    for teacher in ctx.school.teachers:
        low = teacher.min_days_per_week
        if not low or not any(teacher.id in lesson.teachers for lesson in ctx.school.all_lessons):
            continue
        days = sorted({session.day for session in ctx.by_teacher.get(teacher.id, [])})
        if len(days) < low:
            names = "、".join(ctx.day_name(day) for day in days) or "无"
            yield Violation(
                rule="teacher_min_days",
                message=f"{teacher.name} 一周只在 {len(days)} 天有课（{names}），至少 {low} 天",
                teacher_id=teacher.id,
            )


def check_teacher_interval_max_days(ctx: Context) -> Iterator[Violation]:
    """For each of a teacher's ``interval_max_days``: days on which a session of the teacher covers one of
    periods first…last ≤ ``max_days``."""
    for teacher_id, sessions in ctx.by_teacher.items():
        teacher = ctx.school.teacher_by_id[teacher_id]
        for interval in teacher.interval_max_days:
            wanted = range(interval.first_period, interval.last_period + 1)
            days = sorted({s.day for s in sessions if any(period in wanted for period in s.periods)})
            if len(days) > interval.max_days:
                names = "、".join(ctx.day_name(day) for day in days)
                first, last = interval.first_period, interval.last_period
                span = f"第{first}节" if first == last else f"第{first}–{last}节"
                yield Violation(
                    rule="teacher_interval_max_days",
                    message=f"{teacher.name} 一周有 {len(days)} 天在{span}有课（{names}），上限 {interval.max_days} 天",
                    teacher_id=teacher_id,
                    day=days[interval.max_days],
                )


def check_teacher_max_consecutive(ctx: Context) -> Iterator[Violation]:
    """A teacher teaches ≤ ``max_consecutive`` periods in a row (连上); a lunch block between two periods of
    that day ends the row."""
    for teacher_id, sessions in ctx.by_teacher.items():
        limit = ctx.school.teacher_by_id[teacher_id].max_consecutive
        if limit is None:
            continue
        schedules = {session.stage: session.schedule for session in sessions}
        for (day, stage), periods in sorted(teacher_day_periods(sessions).items()):
            for start, period in long_rows(schedules[stage], day, periods, limit):
                yield Violation(
                    rule="teacher_max_consecutive",
                    message=f"{ctx.teacher_name(teacher_id)} {ctx.day_name(day)} 第{start}–{period}节 连上 "
                    f"{limit + 1} 节，超过连上上限 {limit} 节",
                    teacher_id=teacher_id,
                    day=day,
                    period=period,
                )


def check_teacher_tag_hours(ctx: Context) -> Iterator[Violation]:
    """Per entry of a teacher's ``tag_limits``: periods of the teacher's sessions of lessons carrying the tag
    ≤ ``max_per_day`` on a day and ≤ ``max_consecutive`` in a row (a lunch block ends the row)."""
    for teacher_id, sessions in ctx.by_teacher.items():
        teacher = ctx.school.teacher_by_id[teacher_id]
        for limit in teacher.tag_limits:
            tagged = [s for s in sessions if limit.tag in s.lesson.tags]
            per_day = Counter()
            for session in tagged:
                per_day[session.day] += session.lesson.duration
            for day, taught in sorted(per_day.items()):
                if limit.max_per_day is not None and taught > limit.max_per_day:
                    yield Violation(
                        rule="teacher_tag_hours",
                        message=f"{teacher.name} {ctx.day_name(day)} 上「{limit.tag}」课 {taught} 节，"
                        f"超过每天上限 {limit.max_per_day} 节",
                        teacher_id=teacher_id,
                        day=day,
                    )
            if limit.max_consecutive is None:
                continue
            schedules = {session.stage: session.schedule for session in tagged}
            for (day, stage), periods in sorted(teacher_day_periods(tagged).items()):
                for start, period in long_rows(schedules[stage], day, periods, limit.max_consecutive):
                    yield Violation(
                        rule="teacher_tag_hours",
                        message=f"{teacher.name} {ctx.day_name(day)} 第{start}–{period}节 连上「{limit.tag}」课 "
                        f"{limit.max_consecutive + 1} 节，超过连上上限 {limit.max_consecutive} 节",
                        teacher_id=teacher_id,
                        day=day,
                        period=period,
                    )


def teacher_day_periods(sessions: list[Session]) -> dict[tuple[int, str], set[int]]:
    """Periods covered by a teacher's sessions, per (day, stage of the bell schedule)."""
    covered: dict[tuple[int, str], set[int]] = defaultdict(set)
    for session in sessions:
        covered[session.day, session.stage].update(session.periods)
    return covered


def check_teacher_max_gaps(ctx: Context) -> Iterator[Violation]:
    """Gaps (空堂: periods of a bell schedule between two the teacher teaches that day, neither
    taught nor unavailable), summed over the teacher's schedules: ≤ ``max_gaps_per_day`` each day,
    ≤ ``max_gaps_per_week`` in the week (when set)."""
    for teacher_id, sessions in ctx.by_teacher.items():
        teacher = ctx.school.teacher_by_id[teacher_id]
        per_day, per_week = teacher.max_gaps_per_day, teacher.max_gaps_per_week
        if per_day is None and per_week is None:
            continue
        gaps: Counter[int] = Counter()
        for (day, stage), periods in teacher_day_periods(sessions).items():
            inside = range(min(periods) + 1, max(periods))
            gaps[day] += sum(p not in periods and teacher.free(day, p, stage) for p in inside)
        for day, count in sorted(gaps.items()):
            if per_day is not None and count > per_day:
                yield Violation(
                    rule="teacher_max_gaps",
                    message=f"{teacher.name} {ctx.day_name(day)} 有 {count} 节空堂，每天最多 {per_day} 节",
                    teacher_id=teacher_id,
                    day=day,
                )
        total = sum(gaps.values())
        if per_week is not None and total > per_week:
            yield Violation(
                rule="teacher_max_gaps",
                message=f"{teacher.name} 一周共有 {total} 节空堂，上限 {per_week} 节",
                teacher_id=teacher_id,
            )
