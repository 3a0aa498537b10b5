"""The shape of a pupil's day (五项管理): start and end times, lunch, activity hour, daily load,
no gaps (无空堂) and a start in period 1."""

from __future__ import annotations

from collections.abc import Iterator

from scheduler.check.context import Context
from scheduler.check.report import Violation
from scheduler.check.timeline import long_rows
from scheduler.domain import BellSchedule, SchoolClass, TagLimit, clock, minutes


def check_double_span(ctx: Context) -> Iterator[Violation]:
    """A double lesson (连堂) does not straddle a lunch block that applies that day."""
    for session in ctx.sessions:
        if session.lesson.duration <= 1:
            continue
        for block in session.schedule.blocks:
            if block.kind != "lunch" or (block.days is not None and session.day not in block.days):
                continue
            periods = [session.schedule.period(p) for p in session.periods]
            before = any(minutes(p.end) <= minutes(block.start) for p in periods)
            after = any(minutes(p.start) >= minutes(block.end) for p in periods)
            if before and after:
                yield Violation(
                    rule="double_span",
                    message=f"{ctx.lesson_label(session.lesson)} {ctx.slot_name(session)} 连堂跨过{block.name}",
                    class_id=session.class_id,
                    lesson_id=session.lesson.id,
                    day=session.day,
                    period=session.period,
                )


def check_daily_activity(ctx: Context) -> Iterator[Violation]:
    """每天校内体育活动: activity blocks + PE (or activity-counting) lesson minutes ≥ the policy minimum."""
    needed = ctx.policy.daily_activity_minutes
    for school_class in ctx.school.classes:
        schedule = ctx.school.schedule_by_stage[school_class.stage]
        for day in ctx.day_numbers:
            block_minutes = sum(
                b.minutes for b in schedule.blocks if b.physical_activity and (b.days is None or day in b.days)
            )
            for atom in school_class.atoms():
                lesson_minutes = sum(
                    sum(s.period_minutes())
                    for s in ctx.atom_day(atom, day)
                    if s.subject.category == "pe" or s.subject.counts_as_activity
                )
                total = block_minutes + lesson_minutes
                if total < needed:
                    yield Violation(
                        rule="daily_activity",
                        message=f"{ctx.atom_name(atom)} {ctx.day_name(day)} 体育活动仅 {total} 分钟，少于 {needed} 分钟",
                        class_id=school_class.id,
                        day=day,
                    )


def check_earliest_start(ctx: Context) -> Iterator[Violation]:
    """No session covers a period starting before the stage's earliest start (小学不早于8:20)."""
    for session in ctx.sessions:
        earliest = ctx.policy.stages[session.stage].earliest_start
        if session.start < minutes(earliest):
            yield Violation(
                rule="earliest_start",
                message=(
                    f"{ctx.lesson_label(session.lesson)} {ctx.slot_name(session)} {clock(session.start)} 开始，"
                    f"早于最早上课时间 {earliest}"
                ),
                class_id=session.class_id,
                lesson_id=session.lesson.id,
                day=session.day,
                period=session.period,
            )


def check_daily_lessons(ctx: Context) -> Iterator[Violation]:
    """Periods covering an atom on a day ≤ the stage's ``max_lessons_per_day``."""
    for school_class in ctx.school.classes:
        limit = ctx.policy.stages[school_class.stage].max_lessons_per_day
        for atom in school_class.atoms():
            for day in ctx.day_numbers:
                taught = sum(s.lesson.duration for s in ctx.atom_day(atom, day))
                if taught > limit:
                    yield Violation(
                        rule="daily_lessons",
                        message=f"{ctx.atom_name(atom)} {ctx.day_name(day)} 有 {taught} 节课，超过每天 {limit} 节",
                        class_id=school_class.id,
                        day=day,
                    )


def check_daily_study_minutes(ctx: Context) -> Iterator[Violation]:
    """Lesson minutes covering an atom on a day ≤ the stage's ``max_daily_study_minutes`` (在校学习时间)."""
    for school_class in ctx.school.classes:
        limit = ctx.policy.stages[school_class.stage].max_daily_study_minutes
        for atom in school_class.atoms():
            for day in ctx.day_numbers:
                studied = sum(sum(s.period_minutes()) for s in ctx.atom_day(atom, day))
                if studied > limit:
                    yield Violation(
                        rule="daily_study_minutes",
                        message=f"{ctx.atom_name(atom)} {ctx.day_name(day)} 上课 {studied} 分钟，超过每天 {limit} 分钟",
                        class_id=school_class.id,
                        day=day,
                    )


def _covered_periods(ctx: Context, atom: str, day: int) -> set[int]:
    return {p for s in ctx.atom_day(atom, day) for p in s.periods}


def _gap_periods(school_class: SchoolClass, atom: str, day: int, covered: set[int]) -> list[int]:
    """Free periods (not unavailable for the atom) between the first and last covered one, not covered."""
    inside = range(min(covered, default=0) + 1, max(covered, default=0))
    return [p for p in inside if p not in covered and school_class.free(atom, day, p)]


def check_class_no_gaps(ctx: Context) -> Iterator[Violation]:
    """A class with ``no_gaps``: no free period (one the atom is not unavailable in) between two periods
    covering one of its atoms on a day (无空堂)."""
    for school_class in ctx.school.classes:
        if not school_class.no_gaps:
            continue
        for atom in school_class.atoms():
            for day in ctx.day_numbers:
                for period in _gap_periods(school_class, atom, day, _covered_periods(ctx, atom, day)):
                    yield Violation(
                        rule="class_no_gaps",
                        message=f"{ctx.atom_name(atom)} {ctx.day_name(day)} 第{period}节 空堂（前后都有课）",
                        class_id=school_class.id,
                        day=day,
                        period=period,
                    )


def check_class_starts_first_period(ctx: Context) -> Iterator[Violation]:
    """A class with ``starts_first_period``: on a day an atom of it has a lesson, no free period (one the
    atom is not unavailable in) comes before its first covered period."""
    for school_class in ctx.school.classes:
        if not school_class.starts_first_period:
            continue
        for atom in school_class.atoms():
            for day in ctx.day_numbers:
                covered = _covered_periods(ctx, atom, day)
                before = [p for p in range(1, min(covered, default=1)) if school_class.free(atom, day, p)]
                if covered and before:
                    yield Violation(
                        rule="class_starts_first_period",
                        message=f"{ctx.atom_name(atom)} {ctx.day_name(day)} 第{before[0]}节 没有课，但当天后面有课",
                        class_id=school_class.id,
                        day=day,
                        period=before[0],
                    )


def check_class_late_starts(ctx: Context) -> Iterator[Violation]:
    """A class with ``max_late_starts_per_week``: per atom and day with lessons, at most one free period before
    the first lesson; days with one (or more) ≤ ``max_late_starts_per_week``."""
    for school_class in ctx.school.classes:
        limit = school_class.max_late_starts_per_week
        if limit is None:
            continue
        for atom in school_class.atoms():
            late_days = []
            for day in ctx.day_numbers:
                covered = _covered_periods(ctx, atom, day)
                before = [p for p in range(1, min(covered, default=1)) if school_class.free(atom, day, p)]
                if covered and len(before) > 1:
                    yield Violation(
                        rule="class_late_starts",
                        message=f"{ctx.atom_name(atom)} {ctx.day_name(day)} 第{before[0]}、{before[1]}节 都没有课，但当天后面有课",
                        class_id=school_class.id,
                        day=day,
                        period=before[0],
                    )
                if covered and before:
                    late_days.append(ctx.day_name(day))
            if len(late_days) > limit:
                yield Violation(
                    rule="class_late_starts",
                    message=f"{ctx.atom_name(atom)} 一周有 {len(late_days)} 天晚一节开始上课（{'、'.join(late_days)}），上限 {limit} 天",
                    class_id=school_class.id,
                )


def check_class_unavailable(ctx: Context) -> Iterator[Violation]:
    """No session covers an atom of a class in a period the class (or the atom's section) is unavailable."""
    for school_class in ctx.school.classes:
        if not school_class.unavailable:
            continue
        for atom in school_class.atoms():
            for session in ctx.by_atom.get(atom, []):
                for period in session.periods:
                    if not school_class.free(atom, session.day, period):
                        yield Violation(
                            rule="class_unavailable",
                            message=(
                                f"{ctx.atom_name(atom)} {ctx.day_name(session.day)} 第{period}节 为不排课时段，"
                                f"却排了{ctx.subject_name(session.lesson.subject)}"
                            ),
                            class_id=school_class.id,
                            lesson_id=session.lesson.id,
                            day=session.day,
                            period=period,
                        )


def check_class_max_gaps(ctx: Context) -> Iterator[Violation]:
    """Per atom of a class with a gap cap: gaps (空堂: free periods between two covered ones of a day, not
    unavailable) ≤ ``max_gaps_per_day`` each day and ≤ ``max_gaps_per_week`` in the week."""
    for school_class in ctx.school.classes:
        per_day, per_week = school_class.max_gaps_per_day, school_class.max_gaps_per_week
        if per_day is None and per_week is None:
            continue
        for atom in school_class.atoms():
            total = 0
            for day in ctx.day_numbers:
                count = len(_gap_periods(school_class, atom, day, _covered_periods(ctx, atom, day)))
                total += count
                if per_day is not None and count > per_day:
                    yield Violation(
                        rule="class_max_gaps",
                        message=f"{ctx.atom_name(atom)} {ctx.day_name(day)} 有 {count} 节空堂，每天最多 {per_day} 节",
                        class_id=school_class.id,
                        day=day,
                    )
            if per_week is not None and total > per_week:
                yield Violation(
                    rule="class_max_gaps",
                    message=f"{ctx.atom_name(atom)} 一周共有 {total} 节空堂，上限 {per_week} 节",
                    class_id=school_class.id,
                )


def check_class_max_consecutive(ctx: Context) -> Iterator[Violation]:
    """Per atom of a class with ``max_consecutive``: ≤ that many covered periods in a row (a lunch block of the
    day ends the row)."""
    for school_class in ctx.school.classes:
        limit = school_class.max_consecutive
        if limit is None:
            continue
        schedule = ctx.school.schedule_by_stage[school_class.stage]
        for atom in school_class.atoms():
            for day in ctx.day_numbers:
                for start, period in long_rows(schedule, day, _covered_periods(ctx, atom, day), limit):
                    yield Violation(
                        rule="class_max_consecutive",
                        message=f"{ctx.atom_name(atom)} {ctx.day_name(day)} 第{start}–{period}节 连上 "
                        f"{limit + 1} 节，超过连上上限 {limit} 节",
                        class_id=school_class.id,
                        day=day,
                        period=period,
                    )


def check_class_tag_hours(ctx: Context) -> Iterator[Violation]:
    """Per entry of a class's ``tag_limits`` and atom: periods of sessions of lessons carrying the tag
    ≤ ``max_per_day`` on a day and ≤ ``max_consecutive`` in a row (a lunch block ends the row)."""
    for school_class in ctx.school.classes:
        schedule = ctx.school.schedule_by_stage[school_class.stage]
        for limit in school_class.tag_limits:
            for atom in school_class.atoms():
                tagged = [s for s in ctx.by_atom.get(atom, []) if limit.tag in s.lesson.tags]
                per_day: dict[int, set[int]] = {}
                for session in tagged:
                    per_day.setdefault(session.day, set()).update(session.periods)
                for day, periods in sorted(per_day.items()):
                    yield from _tag_day_violations(ctx, school_class, atom, day, schedule, periods, limit)


def _tag_day_violations(
    ctx: Context,
    school_class: SchoolClass,
    atom: str,
    day: int,
    schedule: BellSchedule,
    periods: set[int],
    limit: TagLimit,
) -> Iterator[Violation]:
    """An atom's day of tagged periods against one tag limit."""
    name = f"{ctx.atom_name(atom)} {ctx.day_name(day)}"
    if limit.max_per_day is not None and len(periods) > limit.max_per_day:
        yield Violation(
            rule="class_tag_hours",
            message=f"{name} 有「{limit.tag}」课 {len(periods)} 节，超过每天上限 {limit.max_per_day} 节",
            class_id=school_class.id,
            day=day,
        )
    if limit.max_consecutive is not None:
        for start, period in long_rows(schedule, day, periods, limit.max_consecutive):
            yield Violation(
                rule="class_tag_hours",
                message=f"{name} 第{start}–{period}节 连上「{limit.tag}」课 {limit.max_consecutive + 1} 节，"
                f"超过连上上限 {limit.max_consecutive} 节",
                class_id=school_class.id,
                day=day,
                period=period,
            )


def check_latest_end(ctx: Context) -> Iterator[Violation]:
    """When the policy sets a latest lesson end for a grade, no session of its classes ends after it."""
    latest = ctx.policy.latest_lesson_end
    for session in ctx.sessions:
        for class_id in session.class_ids:
            limit = latest.get(ctx.school.class_by_id[class_id].grade)
            if limit is not None and session.end > minutes(limit):
                yield Violation(
                    rule="latest_end",
                    message=(
                        f"{ctx.class_name(class_id)} {ctx.subject_name(session.lesson.subject)} {ctx.slot_name(session)} "
                        f"{clock(session.end)} 结束，晚于 {limit}"
                    ),
                    class_id=class_id,
                    lesson_id=session.lesson.id,
                    day=session.day,
                    period=session.last_period,
                )


def check_class_lessons_per_day(ctx: Context) -> Iterator[Violation]:
    """A class's own daily bounds, per atom: periods ≤ ``max_lessons_per_day``; ≥ ``min_lessons_per_day`` on a
    day with lessons (every day without ``allow_empty_days``)."""
    for school_class in ctx.school.classes:
        low, high = school_class.min_lessons_per_day, school_class.max_lessons_per_day
        if not low and high is None:
            continue
        for atom in school_class.atoms():
            for day in ctx.day_numbers:
                taught = sum(s.lesson.duration for s in ctx.atom_day(atom, day))
                if high is not None and taught > high:
                    bound = f"超过本班每天最多 {high} 节"
                elif low and taught < low and (taught or not school_class.allow_empty_days):
                    bound = f"少于本班每天至少 {low} 节"
                else:
                    continue
                yield Violation(
                    rule="class_lessons_per_day",
                    message=f"{ctx.atom_name(atom)} {ctx.day_name(day)} 有 {taught} 节课，{bound}",
                    class_id=school_class.id,
                    day=day,
                )
