"""Why a school cannot be timetabled, in the school's own terms.

First, pre-checks by counting: each is a necessary condition, so a finding proves that no
timetable exists and names the records and numbers. When they all pass but the solver still
proves infeasibility, every rule instance gets an enforcement literal and CP-SAT finds a set of
rule instances that cannot hold together, which is shrunk to a minimal one and put in words.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict

from ortools.sat.python import cp_model
from pydantic import BaseModel

from scheduler.domain import Lesson, School, minutes

RULE_NAMES = {
    "lesson_count": "每节课按周课时全部排入",
    "weekly_hours": "开齐开足（周课时符合课程方案）",
    "class_clash": "班级同一时间只上一节课",
    "teacher_clash": "教师同一时间只上一节课",
    "room_capacity": "场地/专用教室容量",
    "room_unavailable": "场地不可用时段",
    "room_set": "课的指定教室",
    "rooms_max_different": "一组课最多用几间教室",
    "same_room_if_consecutive": "一组课连着上时在同一间教室",
    "teacher_unavailable": "教师不可用时段",
    "meeting": "教研/集体备课时间",
    "teacher_max_week": "教师每周课时上限",
    "teacher_max_day": "教师每天课时上限",
    "teacher_min_day": "教师每天最少课时",
    "teacher_max_days": "教师每周上课天数上限",
    "teacher_min_days": "教师每周上课天数下限",
    "teacher_max_gaps": "教师空堂上限",
    "teacher_max_consecutive": "教师连上节数上限",
    "teacher_tag_hours": "教师某类（活动标签）课每天/连上节数上限",
    "teacher_interval_max_days": "教师在某几节有课的天数上限",
    "pinned": "固定安排的课",
    "different_days": "同一课的各次分在不同的日子",
    "adjacent_if_same_day": "同一课在同一天的两次须连着上",
    "days_apart": "两门课分在不同的日子",
    "min_gap": "同一课在同一天的两次之间至少隔几节",
    "allowed_starts": "课的允许开始时间",
    "same_time": "走班/平行课同时上课",
    "not_overlapping": "不能同时上的课",
    "occupy_max_slots": "一组课最多占所选时段中的几个",
    "subject_per_day": "同一学科每天节数上限",
    "double_span": "连堂课不跨午休",
    "daily_activity": "每天校内体育活动时间",
    "earliest_start": "最早上课时间",
    "daily_lessons": "每天课时上限",
    "daily_study_minutes": "每天在校学习时间上限",
    "class_lessons_per_day": "班级每天课时上下限",
    "class_no_gaps": "班级无空堂",
    "class_starts_first_period": "班级每天从第1节开始",
    "latest_end": "低年级放学时间",
    "consecutive": "紧接着上的课",
    "grouped": "同一天连着上的课（顺序不限）",
    "ordered": "课的先后顺序",
    "ordered_if_same_day": "同一天时课的先后顺序",
    "ends_day": "学生当天最后一节课",
    "same_day": "同一天上的课",
    "same_hour": "同一节次开始的课",
    "as_service_days": "课后服务每周5天",
    "as_daily_minutes": "课后服务每天不少于2小时",
    "as_end_time": "课后服务结束时间不早于下班时间",
    "as_session_length": "第一时段（作业辅导）时长",
    "as_supervision": "每班课后服务有一位本班教师看护",
    "as_club_days": "社团每周活动天数",
    "as_club_instructor": "社团有一位指导教师",
    "as_instructor_available": "社团指导教师可来校的日子",
    "as_room_capacity": "社团场地容量",
    "as_teacher_clash": "教师课后服务、社团、上课、教研不冲突",
    "as_duty_max_week": "教师每周课后服务次数上限",
    "flexible_days": "教师每周弹性上下班天数（开展课后服务时为硬性）",
    "club_every_pupil": "参加第二时段的学生每人至少一个社团（其留校日有本年级社团活动）",
    "class_unavailable": "班级不排课时段",
    "class_max_gaps": "班级空堂上限",
    "class_late_starts": "班级每周晚一节开始上课的天数上限",
    "class_max_consecutive": "班级连上节数上限",
    "class_tag_hours": "班级某类（活动标签）课每天/连上节数上限",
}


class Finding(BaseModel):
    """One reason the school cannot be timetabled."""

    rule: str
    message: str
    records: list[str] = []
    need: int | None = None
    available: int | None = None


# ---- pre-checks by counting ---------------------------------------------------------------


def precheck(school: School) -> list[Finding]:
    findings: list[Finding] = []
    for check in PRECHECKS:
        findings += check(school)
    return findings


def _subject_name(school: School, subject: str) -> str:
    return school.subject_by_id[subject].name


def _lessons_by_atom(school: School) -> dict[str, list[Lesson]]:
    out: dict[str, list[Lesson]] = defaultdict(list)
    for lesson in school.all_lessons:
        for group in lesson.groups:
            for atom in school.atoms_of(group):
                if lesson not in out[atom]:
                    out[atom].append(lesson)
    return out


def _pupils_name(school: School, lesson: Lesson) -> str:
    """三年级1班、三年级2班 — or the teachers of a lesson without pupils (值班、教研)."""
    return "、".join(_atom_name(school, g) for g in lesson.groups) or "、".join(
        school.teacher_by_id[t].name for t in lesson.teachers
    )


def _atom_name(school: School, atom: str) -> str:
    class_id, _, section = atom.partition(":")
    name = school.class_by_id[class_id].name
    return f"{name}（{section}）" if section else name


def check_weekly_hours(school: School) -> list[Finding]:
    """Each planned subject has exactly the policy's periods for every class (开齐开足)."""
    out = []
    by_atom = _lessons_by_atom(school)
    for school_class in school.classes:
        plan = school.resolved_policy.weekly_plan(school_class.grade)
        for atom in school_class.atoms():
            given: dict[str, int] = defaultdict(int)
            for lesson in by_atom[atom]:
                given[lesson.subject] += lesson.periods_per_week
            for subject, planned in plan.items():
                if given[subject] == planned:
                    continue
                name = _subject_name(school, subject) if subject in school.subject_by_id else subject
                what = "没有任课安排" if given[subject] == 0 else f"只安排了 {given[subject]} 节/周"
                if given[subject] > planned:
                    what = f"安排了 {given[subject]} 节/周，多于"
                    message = f"{_atom_name(school, atom)} {name} {what}课程方案的 {planned} 节（开齐开足，不得挤占）"
                else:
                    message = f"{_atom_name(school, atom)} {name} {what}，课程方案要求 {planned} 节/周（开齐开足）"
                out.append(
                    Finding(
                        rule="weekly_hours",
                        message=message,
                        records=[school_class.id, subject],
                        need=planned,
                        available=given[subject],
                    )
                )
    return out


def _teacher_lessons(school: School) -> dict[str, list[Lesson]]:
    out: dict[str, list[Lesson]] = defaultdict(list)
    for lesson in school.all_lessons:
        for teacher in lesson.teachers:
            out[teacher].append(lesson)
    return out


def _allowed_periods(school: School, stage: str, grade: int | None = None) -> list[int]:
    """Periods of a stage's schedule not excluded by the start-time and end-time rules."""
    policy = school.resolved_policy
    schedule = school.schedule_by_stage[stage]
    earliest = minutes(policy.stages[stage].earliest_start)
    latest = policy.latest_lesson_end.get(grade) if grade is not None else None
    return [
        p.index
        for p in schedule.periods
        if minutes(p.start) >= earliest and (latest is None or minutes(p.end) <= minutes(latest))
    ]


def check_teacher_load(school: School) -> list[Finding]:
    """A teacher's assigned periods fit their weekly cap, daily cap and free periods."""
    out = []
    n_days = len(school.days)
    for teacher_id, lessons in _teacher_lessons(school).items():
        teacher = school.teacher_by_id[teacher_id]
        load = sum(lesson.periods_per_week for lesson in lessons)
        subjects = "、".join(dict.fromkeys(_subject_name(school, lesson.subject) for lesson in lessons))
        if load > teacher.max_lessons_per_week:
            out.append(
                Finding(
                    rule="teacher_max_week",
                    message=f"{teacher.name}（{subjects}）任课 {load} 节/周，超过每周上限 {teacher.max_lessons_per_week} 节",
                    records=[teacher_id],
                    need=load,
                    available=teacher.max_lessons_per_week,
                )
            )
        if load > teacher.max_lessons_per_day * n_days:
            out.append(
                Finding(
                    rule="teacher_max_day",
                    message=f"{teacher.name} 任课 {load} 节/周，但每天最多 {teacher.max_lessons_per_day} 节、"
                    f"每周 {n_days} 天，最多 {teacher.max_lessons_per_day * n_days} 节",
                    records=[teacher_id],
                    need=load,
                    available=teacher.max_lessons_per_day * n_days,
                )
            )
        free = 0
        for stage in {school.stage_of(lesson) for lesson in lessons}:
            schedule = school.schedule_by_stage[stage]
            for day in range(1, n_days + 1):
                for p in _allowed_periods(school, stage):
                    if _teacher_free(school, teacher_id, stage, day, p, schedule):
                        free += 1
        if load > free:
            out.append(
                Finding(
                    rule="teacher_unavailable",
                    message=f"{teacher.name} 任课 {load} 节/周，但除去不可用时段和教研时间后只有 {free} 个节次可上课",
                    records=[teacher_id],
                    need=load,
                    available=free,
                )
            )
    return out


def _teacher_free(school: School, teacher_id: str, stage: str, day: int, period: int, schedule) -> bool:
    teacher = school.teacher_by_id[teacher_id]
    if any(s.day == day and s.period == period and s.stage in (None, stage) for s in teacher.unavailable):
        return False
    p = schedule.period(period)
    return not any(
        m.day == day
        and teacher_id in m.teachers
        and minutes(m.start) < minutes(p.end)
        and minutes(p.start) < minutes(m.end)
        for m in school.meetings
    )


def check_teacher_days(school: School) -> list[Finding]:
    """A teacher's weekly periods fit their ``max_days_per_week`` best days (daily cap, free periods)."""
    out = []
    n_days = len(school.days)
    for teacher_id, lessons in _teacher_lessons(school).items():
        teacher = school.teacher_by_id[teacher_id]
        limit = teacher.max_days_per_week
        if limit is None or limit >= n_days:
            continue
        load = sum(lesson.periods_per_week for lesson in lessons)
        per_day = []
        for day in range(1, n_days + 1):
            free = 0
            for stage in {school.stage_of(lesson) for lesson in lessons}:
                schedule = school.schedule_by_stage[stage]
                free += sum(
                    _teacher_free(school, teacher_id, stage, day, p, schedule) for p in _allowed_periods(school, stage)
                )
            per_day.append(min(teacher.max_lessons_per_day, free))
        best = sum(sorted(per_day, reverse=True)[:limit])
        if load <= best:
            continue
        subjects = "、".join(dict.fromkeys(_subject_name(school, lesson.subject) for lesson in lessons))
        most = f"最多 {best} 节"
        if best < limit * teacher.max_lessons_per_day:
            most = f"除去不可用时段和教研时间后{most}"
        out.append(
            Finding(
                rule="teacher_max_days",
                message=f"{teacher.name}（{subjects}）任课 {load} 节/周，但每周最多 {limit} 天有课、"
                f"每天最多 {teacher.max_lessons_per_day} 节，{most}",
                records=[teacher_id],
                need=load,
                available=best,
            )
        )
    return out


def _day_bounds_fit(total: int, low: int, most: int, n_days: int, allow_empty: bool) -> bool:
    """``total`` periods a week split into days of ``low``…``most`` periods each (days without any: ``allow_empty``)."""
    if allow_empty and total == 0:
        return True
    days = range(1, n_days + 1) if allow_empty else [n_days]
    return any(k * low <= total <= k * most for k in days)


def _day_bounds_words(total: int, low: int, most: int, n_days: int, allow_empty: bool) -> str:
    if low > most:
        return f"有课的日子每天至少 {low} 节，但每天最多只能排 {most} 节"
    if allow_empty:
        return f"有课的日子每天 {low}–{most} 节，凑不成 {total} 节"
    return f"每天都要有 {low}–{most} 节（共 {n_days} 天），需 {n_days * low}–{n_days * most} 节"


def check_teacher_min_day(school: School) -> list[Finding]:
    """A teacher's weekly periods split into days of at least ``min_lessons_per_day`` and at most the daily cap."""
    out = []
    n_days = len(school.days)
    lessons_of = _teacher_lessons(school)
    for teacher in school.teachers:
        low, most = teacher.min_lessons_per_day, teacher.max_lessons_per_day
        load = sum(lesson.periods_per_week for lesson in lessons_of.get(teacher.id, []))
        if not low or load > most * n_days or _day_bounds_fit(load, low, most, n_days, teacher.allow_empty_days):
            continue  # a load over the daily cap is check_teacher_load's finding
        out.append(
            Finding(
                rule="teacher_min_day",
                message=f"{teacher.name} 任课 {load} 节/周，但"
                + _day_bounds_words(load, low, most, n_days, teacher.allow_empty_days),
                records=[teacher.id],
            )
        )
    return out


def check_class_day_bounds(school: School) -> list[Finding]:
    """A class's weekly periods fit its own daily bounds: at most ``max_lessons_per_day`` a day, and days of at
    least ``min_lessons_per_day`` (or none, with ``allow_empty_days``)."""
    out = []
    by_atom = _lessons_by_atom(school)
    policy = school.resolved_policy
    n_days = len(school.days)
    for school_class in school.classes:
        low, high = school_class.min_lessons_per_day, school_class.max_lessons_per_day
        if not low and high is None:
            continue
        stage = policy.stages[school_class.stage]
        allowed = _allowed_periods(school, school_class.stage, school_class.grade)
        day_cap = min(len(allowed), stage.max_lessons_per_day, stage.max_daily_study_minutes // stage.lesson_minutes)
        most = day_cap if high is None else min(high, day_cap)
        for atom in school_class.atoms():
            need = sum(lesson.periods_per_week for lesson in by_atom[atom])
            if need > day_cap * n_days:
                continue  # check_class_capacity names it
            if need > most * n_days:
                words, available = f"本班每天最多 {most} 节，每周最多 {most * n_days} 节", most * n_days
            elif low and not _day_bounds_fit(need, low, most, n_days, school_class.allow_empty_days):
                words, available = _day_bounds_words(need, low, most, n_days, school_class.allow_empty_days), None
            else:
                continue
            out.append(
                Finding(
                    rule="class_lessons_per_day",
                    message=f"{_atom_name(school, atom)} 每周 {need} 节课，但{words}",
                    records=[school_class.id],
                    need=need,
                    available=available,
                )
            )
    return out


def check_class_capacity(school: School) -> list[Finding]:
    """A class's weekly periods fit the periods its day shape allows."""
    out = []
    by_atom = _lessons_by_atom(school)
    policy = school.resolved_policy
    n_days = len(school.days)
    for school_class in school.classes:
        stage = policy.stages[school_class.stage]
        allowed = _allowed_periods(school, school_class.stage, school_class.grade)
        per_day = min(len(allowed), stage.max_lessons_per_day, stage.max_daily_study_minutes // stage.lesson_minutes)
        for atom in school_class.atoms():
            need = sum(lesson.periods_per_week for lesson in by_atom[atom])
            if need > per_day * n_days:
                out.append(
                    Finding(
                        rule="daily_lessons",
                        message=f"{_atom_name(school, atom)} 每周 {need} 节课，但每天最多可排 {per_day} 节"
                        f"（上课时间、每天课时和学习时间上限），每周最多 {per_day * n_days} 节",
                        records=[school_class.id],
                        need=need,
                        available=per_day * n_days,
                    )
                )
    return out


def check_class_unavailable(school: School) -> list[Finding]:
    """An atom's weekly periods fit the periods left free by the class's unavailable slots (each day at most
    the day's cap of the stage)."""
    out = []
    by_atom = _lessons_by_atom(school)
    policy = school.resolved_policy
    for school_class in school.classes:
        if not school_class.unavailable:
            continue
        stage = policy.stages[school_class.stage]
        allowed = _allowed_periods(school, school_class.stage, school_class.grade)
        day_cap = min(stage.max_lessons_per_day, stage.max_daily_study_minutes // stage.lesson_minutes)
        for atom in school_class.atoms():
            need = sum(lesson.periods_per_week for lesson in by_atom[atom])
            available = sum(
                min(day_cap, sum(school_class.free(atom, day, p) for p in allowed))
                for day in range(1, len(school.days) + 1)
            )
            if need > available:
                out.append(
                    Finding(
                        rule="class_unavailable",
                        message=f"{_atom_name(school, atom)} 每周 {need} 节课，但除去不排课时段每周最多可排 {available} 节",
                        records=[school_class.id],
                        need=need,
                        available=available,
                    )
                )
    return out


def check_subject_spread(school: School) -> list[Finding]:
    """A subject's weekly periods fit its per-day cap (体育每天至多1节)."""
    out = []
    n_days = len(school.days)
    policy = school.resolved_policy
    for atom, lessons in _lessons_by_atom(school).items():
        periods: dict[str, int] = defaultdict(int)
        for lesson in lessons:
            periods[lesson.subject] += lesson.periods_per_week
        for subject_id, need in periods.items():
            subject = school.subject_by_id[subject_id]
            cap = min(subject.max_per_day, policy.max_pe_per_day) if subject.category == "pe" else subject.max_per_day
            if need > cap * n_days:
                out.append(
                    Finding(
                        rule="subject_per_day",
                        message=f"{_atom_name(school, atom)} {subject.name} 每周 {need} 节，但每天最多 {cap} 节、"
                        f"每周 {n_days} 天",
                        records=[atom.partition(":")[0], subject_id],
                        need=need,
                        available=cap * n_days,
                    )
                )
    return out


def check_different_days(school: School) -> list[Finding]:
    """Sessions that must be on days ``min_days_apart`` apart fit the week: (count − 1) × apart + 1 ≤ days."""
    out = []
    n_days = len(school.days)
    for lesson in school.all_lessons:
        if not lesson.different_days:
            continue
        apart = lesson.min_days_apart
        need = (lesson.count - 1) * apart + 1
        if need > n_days:
            groups = _pupils_name(school, lesson)
            spacing = "分在不同的日子" if apart == 1 else f"每两次至少相隔 {apart} 天"
            out.append(
                Finding(
                    rule="different_days",
                    message=f"{groups} {_subject_name(school, lesson.subject)} 每周 {lesson.count} 次，应{spacing}，"
                    f"需要 {need} 天，但每周只有 {n_days} 天",
                    records=[lesson.id],
                    need=need,
                    available=n_days,
                )
            )
    return out


def check_room_capacity(school: School) -> list[Finding]:
    """Lessons needing a room type fit the rooms' capacity × periods of the week."""
    out = []
    n_days = len(school.days)
    demand: dict[str, int] = defaultdict(int)
    stages: dict[str, set[str]] = defaultdict(set)
    for lesson in school.all_lessons:
        room_type = school.room_type_of(lesson)
        if room_type and not _in_room_set(lesson):
            demand[room_type] += lesson.periods_per_week
            stages[room_type].add(school.stage_of(lesson))
    for room_type, need in demand.items():
        rooms = [r for r in school.rooms if r.type == room_type]
        capacity = sum(r.capacity for r in rooms)
        periods = sum(len(_allowed_periods(school, s)) for s in stages[room_type]) * n_days
        if need > capacity * periods:
            names = "、".join(r.name for r in rooms) or room_type
            out.append(
                Finding(
                    rule="room_capacity",
                    message=f"需要{names}的课每周 {need} 节，但这些场地同时最多容纳 {capacity} 个班，"
                    f"每周 {periods} 个节次，最多 {capacity * periods} 节",
                    records=[room_type],
                    need=need,
                    available=capacity * periods,
                )
            )
    return out


def _in_room_set(lesson: Lesson) -> bool:
    """A lesson whose room is one of its own room set (rule room_set), not any room of its subject's type."""
    return lesson.rooms is not None and not lesson.room


def check_room_unavailable(school: School) -> list[Finding]:
    """Lessons of a fixed room, or of a room type, fit the periods those rooms are not unavailable."""
    out = []
    n_days = len(school.days)
    demand: dict[tuple[str, str], int] = defaultdict(int)  # ("room", id) or ("type", room type) → periods
    stages: dict[tuple[str, str], set[str]] = defaultdict(set)
    named: set[tuple[frozenset[str], int]] = set()  # a type of one room whose lessons are all fixed there: once
    for lesson in school.all_lessons:
        room_type = school.room_type_of(lesson)
        if room_type is None:
            continue
        by_type = [] if _in_room_set(lesson) else [("type", room_type)]
        for key in [*([("room", lesson.room)] if lesson.room else []), *by_type]:
            demand[key] += lesson.periods_per_week
            stages[key].add(school.stage_of(lesson))
    for (kind, name), need in demand.items():
        rooms = [school.room_by_id[name]] if kind == "room" else [r for r in school.rooms if r.type == name]
        if not any(r.unavailable for r in rooms):
            continue
        allowed = [(s, p) for s in sorted(stages[(kind, name)]) for p in _allowed_periods(school, s)]
        if kind == "type" and need > sum(r.capacity for r in rooms) * len(allowed) * n_days:
            continue  # check_room_capacity names it
        available = sum(
            r.capacity for day in range(1, n_days + 1) for s, p in allowed for r in rooms if r.free(day, p, s)
        )
        if need > available and (frozenset(r.id for r in rooms), need) not in named:
            named.add((frozenset(r.id for r in rooms), need))
            names = "、".join(r.name for r in rooms)
            whose = f"固定在{names}的课" if kind == "room" else f"需要{names}的课"
            out.append(
                Finding(
                    rule="room_unavailable",
                    message=f"{whose}每周 {need} 节，但除去不可用时段，{names}每周最多只能上 {available} 节",
                    records=[name],
                    need=need,
                    available=available,
                )
            )
    return out


def check_room_set(school: School) -> list[Finding]:
    """Lessons that may only use rooms of one lesson's room set fit those rooms' free periods of the week."""
    out = []
    n_days = len(school.days)
    candidates = {lesson.id: set(rooms) for lesson in school.all_lessons if (rooms := school.rooms_of(lesson))}
    for rooms in dict.fromkeys(frozenset(lesson.rooms) for lesson in school.all_lessons if _in_room_set(lesson)):
        inside = [school.lesson_by_id[lid] for lid, usable in candidates.items() if usable <= rooms]
        need = sum(lesson.periods_per_week for lesson in inside)
        stages = sorted({school.stage_of(lesson) for lesson in inside})
        available = sum(
            school.room_by_id[r].capacity
            for r in rooms
            for stage in stages
            for day in range(1, n_days + 1)
            for p in _allowed_periods(school, stage)
            if school.room_by_id[r].free(day, p, stage)
        )
        if need > available:
            names = "、".join(school.room_by_id[r].name for r in sorted(rooms))
            out.append(
                Finding(
                    rule="room_set",
                    message=f"只能在{names}上的课每周 {need} 节，但这些教室每周最多只能上 {available} 节",
                    records=[lesson.id for lesson in inside],
                    need=need,
                    available=available,
                )
            )
    return out


def _activity_need(school: School, stage: str, day: int) -> int:
    """Periods of PE/activity lessons a class of ``stage`` needs on ``day`` to reach the daily minutes."""
    schedule = school.schedule_by_stage[stage]
    blocks = sum(b.minutes for b in schedule.blocks if b.physical_activity and (b.days is None or day in b.days))
    missing = school.resolved_policy.daily_activity_minutes - blocks
    if missing <= 0:
        return 0
    longest = max(minutes(p.end) - minutes(p.start) for p in schedule.periods)
    return math.ceil(missing / longest)


def _is_activity(school: School, lesson: Lesson) -> bool:
    subject = school.subject_by_id[lesson.subject]
    return subject.category == "pe" or subject.counts_as_activity


def check_daily_activity(school: School) -> list[Finding]:
    """Every day reaches the activity minutes: enough PE/activity periods, spreadable over the days."""
    out = []
    n_days = len(school.days)
    policy = school.resolved_policy
    required = policy.daily_activity_minutes
    room_need: dict[tuple[str, int], int] = defaultdict(int)
    for atom, lessons in _lessons_by_atom(school).items():
        school_class = school.class_by_id[atom.partition(":")[0]]
        stage = school_class.stage
        needs = [_activity_need(school, stage, day) for day in range(1, n_days + 1)]
        active = [lesson for lesson in lessons if _is_activity(school, lesson)]
        have = sum(lesson.periods_per_week for lesson in active)
        if sum(needs) > have:
            schedule = school.schedule_by_stage[stage]
            blocks = sum(b.minutes for b in schedule.blocks if b.physical_activity and b.days is None)
            out.append(
                Finding(
                    rule="daily_activity",
                    message=f"{_atom_name(school, atom)} 每天需体育活动 {required} 分钟：固定活动时间（大课间等）"
                    f"每天 {blocks} 分钟，其余需体育课/活动课补足，每周共需 {sum(needs)} 节，"
                    f"但只有 {have} 节体育课/活动课",
                    records=[school_class.id],
                    need=sum(needs),
                    available=have,
                )
            )
        caps = defaultdict(int)
        for lesson in active:
            caps[lesson.subject] = min(
                school.subject_by_id[lesson.subject].max_per_day,
                policy.max_pe_per_day if school.subject_by_id[lesson.subject].category == "pe" else 99,
            )
        if needs and max(needs) > sum(caps.values()):
            out.append(
                Finding(
                    rule="daily_activity",
                    message=f"{_atom_name(school, atom)} 某些天需要 {max(needs)} 节体育课/活动课才够 {required} 分钟，"
                    f"但每天最多只能排 {sum(caps.values())} 节",
                    records=[school_class.id],
                    need=max(needs),
                    available=sum(caps.values()),
                )
            )
        if (
            active
            and len({school.room_type_of(lesson) for lesson in active}) == 1
            and not any(map(_in_room_set, active))
        ):
            room_type = school.room_type_of(active[0])
            if room_type:
                for day, need in enumerate(needs, start=1):
                    room_need[(room_type, day)] += need
    for (room_type, day), need in room_need.items():
        capacity = sum(r.capacity for r in school.rooms if r.type == room_type)
        stages = {c.stage for c in school.classes}
        periods = max(len(_allowed_periods(school, s)) for s in stages)
        if need > capacity * periods:
            out.append(
                Finding(
                    rule="room_capacity",
                    message=f"{school.days[day - 1]} 为保证每天体育活动，需在 {room_type} 场地上 {need} 节课，"
                    f"但场地同时容纳 {capacity} 个班 × {periods} 节 = {capacity * periods} 节",
                    records=[room_type],
                    need=need,
                    available=capacity * periods,
                )
            )
    return out


def _club_days_possible(school: School, club) -> dict[str, list[int]]:
    """Per candidate instructor: service days they can come with no meeting during the club's time."""
    start, end = school.club_interval(club)
    out = {}
    for teacher in dict.fromkeys(club.instructors):
        days = []
        for day in school.service_days:
            busy = any(
                m.day == day and teacher in m.teachers and minutes(m.start) < end and start < minutes(m.end)
                for m in school.meetings
            )
            if school.after_school_available(teacher, day) and not busy:
                days.append(day)
        out[teacher] = days
    return out


def check_after_school(school: School) -> list[Finding]:
    """课后服务 5+2: settings, and every club's instructor, days and rooms, by counting."""
    if school.after_school is None:
        return []
    out: list[Finding] = []
    policy = school.resolved_policy.after_school
    stage_names = {"primary": "小学", "middle": "初中"}
    if len(school.service_days) < len(school.days):
        out.append(
            Finding(
                rule="as_service_days",
                message=f"课后服务每周只安排 {len(school.service_days)} 天，应每个上课日都开展（每周 {policy.days_per_week} 天）",
                need=len(school.days),
                available=len(school.service_days),
            )
        )
    for window in school.after_school.windows:
        stage = stage_names[window.stage]
        if window.total_minutes < policy.min_daily_minutes:
            out.append(
                Finding(
                    rule="as_daily_minutes",
                    message=f"{stage}课后服务 {window.start}–{window.end} 只有 {window.total_minutes} 分钟，每天应不少于 {policy.min_daily_minutes} 分钟",
                    records=[window.stage],
                    need=policy.min_daily_minutes,
                    available=window.total_minutes,
                )
            )
        if minutes(window.end) < minutes(school.after_school.work_end):
            out.append(
                Finding(
                    rule="as_end_time",
                    message=f"{stage}课后服务 {window.end} 结束，早于当地下班时间 {school.after_school.work_end}",
                    records=[window.stage],
                )
            )
        schedule = school.schedule_by_stage.get(window.stage)
        grades = {c.grade for c in school.classes if c.stage == window.stage}
        need = max((policy.homework_minutes.get(g, 0) for g in grades), default=0)
        late = schedule is not None and minutes(window.start) < minutes(schedule.periods[-1].end)
        if window.session1_minutes < need or late:
            why = (
                f"开始时间 {window.start} 早于最后一节课结束"
                if late
                else f"只有 {window.session1_minutes} 分钟，不够完成书面作业（最多 {need} 分钟）"
            )
            out.append(
                Finding(
                    rule="as_session_length",
                    message=f"{stage}课后服务第一时段（作业辅导答疑）{why}",
                    records=[window.stage],
                    need=need,
                    available=window.session1_minutes,
                )
            )
    home = {c.home_room for c in school.classes}
    capacity: dict[str, int] = defaultdict(int)
    for room in school.rooms:
        if room.id not in home:
            capacity[room.type] += room.capacity
    day_names = school.days
    possible: dict[str, set[int]] = {}
    for club in school.after_school.clubs:
        per_teacher = _club_days_possible(school, club)
        best = max(per_teacher.values(), key=len)
        possible[club.id] = {d for days in per_teacher.values() if len(days) >= club.days_per_week for d in days}
        if len(best) < club.days_per_week:
            who = "；".join(
                f"{school.teacher_by_id[t].name}：{'、'.join(day_names[d - 1] for d in days) or '无'}"
                for t, days in per_teacher.items()
            )
            out.append(
                Finding(
                    rule="as_instructor_available",
                    message=f"社团「{club.name}」每周活动 {club.days_per_week} 天，但指导教师可来的日子不够（{who}）",
                    records=[club.id],
                    need=club.days_per_week,
                    available=len(best),
                )
            )
        if capacity[club.room_type] == 0:
            out.append(
                Finding(
                    rule="as_room_capacity",
                    message=f"社团「{club.name}」需要 {club.room_type} 类场地，但学校没有这类场地（班级教室留给本班学生）",
                    records=[club.id, club.room_type],
                    need=1,
                    available=0,
                )
            )
    # Hall's condition per room type: clubs that can only meet on days D need ≤ capacity × |D| meetings.
    by_type: dict[str, list] = defaultdict(list)
    for club in school.after_school.clubs:
        by_type[club.room_type].append(club)
    for room_type, clubs in by_type.items():
        if capacity[room_type] == 0:
            continue
        for days in {frozenset(possible[c.id]) for c in clubs if possible[c.id]}:
            inside = [c for c in clubs if possible[c.id] and possible[c.id] <= days]
            need = sum(c.days_per_week for c in inside)
            if need > capacity[room_type] * len(days):
                rooms = "、".join(r.name for r in school.rooms if r.type == room_type and r.id not in home)
                names = "、".join(f"「{c.name}」" for c in inside)
                shown = "、".join(day_names[d - 1] for d in sorted(days))
                out.append(
                    Finding(
                        rule="as_room_capacity",
                        message=f"社团{names}的指导教师只能在 {shown} 来校，每周共需活动 {need} 次，"
                        f"但{rooms}这些天最多容纳 {capacity[room_type] * len(days)} 次",
                        records=[c.id for c in inside] + [room_type],
                        need=need,
                        available=capacity[room_type] * len(days),
                    )
                )
    return out


PRECHECKS = [
    check_weekly_hours,
    check_teacher_load,
    check_teacher_days,
    check_teacher_min_day,
    check_class_capacity,
    check_class_day_bounds,
    check_subject_spread,
    check_different_days,
    check_room_capacity,
    check_room_unavailable,
    check_daily_activity,
    check_after_school,
    check_class_unavailable,
    check_room_set,
]


# ---- model-based explanation --------------------------------------------------------------


def _describe_guard(school: School, family: str, key: str) -> str:
    rule = RULE_NAMES.get(family, family)
    head, _, tail = key.partition("/")
    if head in school.teacher_by_id:
        who = school.teacher_by_id[head].name
    elif head.partition(":")[0] in school.class_by_id:
        who = _atom_name(school, head)
    elif head in school.room_by_id:
        who = school.room_by_id[head].name
    elif any(r.type == head for r in school.rooms):
        who = "、".join(r.name for r in school.rooms if r.type == head)
    elif head in school.lesson_by_id:
        lesson = school.lesson_by_id[head]
        who = _pupils_name(school, lesson) + " " + _subject_name(school, lesson.subject)
    elif head in school.club_by_id:
        who = f"社团「{school.club_by_id[head].name}」"
    elif head in ("primary", "middle"):
        who = {"primary": "小学", "middle": "初中"}[head] + "课后服务"
    elif head == "service":
        who = "课后服务"
    elif any(o.id == head for o in school.occupy_max_slots):
        who = f"时段组 {head}"
    elif any(m.id == head for m in school.meetings):
        meeting = next(m for m in school.meetings if m.id == head)
        who = meeting.name + (f"（{school.teacher_by_id[tail].name}）" if tail in school.teacher_by_id else "")
        tail = ""
    else:
        who = head
    if tail in school.subject_by_id:
        who += " " + _subject_name(school, tail)
    elif family in ("not_overlapping", "ordered", "ordered_if_same_day") and tail in school.lesson_by_id:
        other = school.lesson_by_id[tail]
        who += f" 与 {_pupils_name(school, other)} {_subject_name(school, other.subject)}"
    return f"{who}：{rule}"


def _solve_with(model: cp_model.CpModel, assumptions: list, time_limit: float) -> tuple[int, list[int]]:
    model.clear_assumptions()
    model.add_assumptions(assumptions)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1
    status = solver.solve(model)
    core = solver.sufficient_assumptions_for_infeasibility() if status == cp_model.INFEASIBLE else []
    return status, list(core)


def explain_infeasible(school: School, time_limit: float = 30.0, relax: bool = True) -> list[Finding]:
    """A minimal set of rule instances (per teacher, class, room type…) that cannot hold together,
    then (``relax``) for each a verified smallest relaxation or why it cannot be relaxed
    (scheduler/relax.py, with up to another ``time_limit`` / 2 seconds)."""
    from scheduler.model import build_model  # the model is only needed here, not for pre-checks

    deadline = time.perf_counter() + time_limit
    built = build_model(school, explain=True, objective=False)
    guards = built.vars.guards
    by_index = {lit.index: key for key, lit in guards.items()}
    status, core = _solve_with(built.model, list(guards.values()), max(1.0, time_limit / 2))
    if status != cp_model.INFEASIBLE:
        return [Finding(rule="unknown", message="求解器在时限内未能证明无解，也未找到课表；请延长时限后重试")]
    keys = [by_index[i] for i in core if i in by_index]
    # Deletion-based shrinking: drop a rule instance when the rest still cannot hold.
    i = 0
    while i < len(keys) and time.perf_counter() < deadline:
        trial = keys[:i] + keys[i + 1 :]
        remaining = deadline - time.perf_counter()
        status, _ = _solve_with(built.model, [guards[k] for k in trial], max(0.5, min(5.0, remaining)))
        if status == cp_model.INFEASIBLE:
            keys = trial
        else:
            i += 1
    findings = [
        Finding(rule=family, message=_describe_guard(school, family, key), records=[key]) for family, key in keys
    ]
    if findings:
        findings.insert(0, Finding(rule="conflict", message="以下规则无法同时满足（放宽其中任意一条即可能排出课表）："))
        if relax:
            from scheduler.relax import suggest_relaxations

            findings += suggest_relaxations(school, keys, time_limit=max(5.0, time_limit / 2))
    return findings
