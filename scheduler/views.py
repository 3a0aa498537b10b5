"""The timetable as tables (pandas DataFrames): one source for Excel, CSV and the HTTP API.

Every view is a function of the School and the Solution (and, for reports, the checker's
Report), so a grid in the workbook, a CSV file and a JSON response never disagree:

- ``placements_table``: one row per placed lesson session (总表);
- ``class_grid`` / ``teacher_grid`` / ``room_grid``: day × period grids (班级课表、教师课表、教室课表);
- ``teacher_load_table``, ``policy_table``, ``report_table``, ``objective_table``.

``write_timetable_workbook`` and ``write_timetable_csv`` write them out. Days and periods are
1-based everywhere a user sees them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from scheduler.changes import ChangeSummary, change_table
from scheduler.clubs import choice_summary
from scheduler.domain import BellSchedule, Lesson, School, Weights, clock, minutes
from scheduler.policy import resolve_policy
from scheduler.solution import Placement, Solution, describe, group_name, room_name

if TYPE_CHECKING:
    from scheduler.check.report import Report

STAGE_NAMES = {"primary": "小学", "middle": "初中"}
GRADE_NAMES = {
    1: "一年级",
    2: "二年级",
    3: "三年级",
    4: "四年级",
    5: "五年级",
    6: "六年级",
    7: "七年级",
    8: "八年级",
    9: "九年级",
}
# Names of the preset subject ids, used when a school's subject table lacks one (policy view).
PRESET_SUBJECT_NAMES = {
    "chinese": "语文",
    "math": "数学",
    "english": "英语",
    "moral": "道德与法治",
    "science": "科学",
    "it": "信息科技",
    "pe": "体育与健康",
    "music": "音乐",
    "art": "美术",
    "labour": "劳动",
    "physics": "物理",
    "chemistry": "化学",
    "biology": "生物学",
    "history": "历史",
    "geography": "地理",
    "practice": "综合实践活动",
    "class_meeting": "班会",
}
OBJECTIVE_NAMES = {
    "teacher_gaps": "教师空堂",
    "core_in_afternoon": "主科排在下午",
    "same_subject_same_day": "同一学科一天多次",
    "same_subject_in_a_row": "同一学科连排",
    "teacher_daily_overload": "教师单日课时超过均值",
    "class_daily_overload": "班级单日课时超过均值",
    "flexible_day_shortfall": "弹性上下班天数不足",
    "after_school_duty_excess": "课后服务次数超过均摊",
}
SEVERITY_NAMES = {"hard": "硬性", "soft": "软性"}

# Columns of the placements table: display columns (Chinese) then the solution.json fields.
PLACEMENT_COLUMNS = [
    "班级",
    "学科",
    "教师",
    "教室",
    "星期",
    "节次",
    "开始",
    "结束",
    "学段",
    "lesson",
    "groups",
    "subject",
    "teachers",
    "room",
    "day",
    "period",
    "duration",
]


# ---- placements ----------------------------------------------------------------------------
def _valid(school: School, placement: Placement) -> bool:
    """A placement the views can draw: a known lesson on a school day inside its bell schedule."""
    lesson = school.lesson_by_id.get(placement.lesson)
    if lesson is None or not 1 <= placement.day <= len(school.days):
        return False
    return placement.period <= len(school.schedule_of(lesson).periods)


def _described(school: School, solution: Solution) -> list[Placement]:
    return [describe(school, p) for p in solution.placements if _valid(school, p)]


def _periods_label(period: int, duration: int) -> str:
    return f"第{period}节" if duration == 1 else f"第{period}–{period + duration - 1}节"


def placements_table(school: School, solution: Solution) -> pd.DataFrame:
    """总表: one row per placed session, sorted by day, start time, class and subject.

    Placements the school cannot place (unknown lesson, day or period) keep their row with
    the raw ids and empty display columns, so nothing of the solution disappears.
    """
    rows = []
    for raw in solution.placements:
        if _valid(school, raw):
            p = describe(school, raw)
            stage = school.stage_of(school.lesson_by_id[p.lesson])
            rows.append(
                {
                    "班级": "、".join(p.class_names),
                    "学科": p.subject_name,
                    "教师": "、".join(p.teacher_names),
                    "教室": room_name(school, p.room),
                    "星期": school.days[p.day - 1],
                    "节次": _periods_label(p.period, p.duration),
                    "开始": p.start,
                    "结束": p.end,
                    "学段": STAGE_NAMES[stage],
                    "lesson": p.lesson,
                    "groups": ",".join(p.groups),
                    "subject": p.subject,
                    "teachers": ",".join(p.teachers),
                    "room": p.room or "",
                    "day": p.day,
                    "period": p.period,
                    "duration": p.duration,
                }
            )
        else:
            rows.append(
                {column: "" for column in PLACEMENT_COLUMNS}
                | {"lesson": raw.lesson, "room": raw.room or "", "day": raw.day, "period": raw.period, "duration": 1}
            )
    table = pd.DataFrame(rows, columns=PLACEMENT_COLUMNS)
    if table.empty:
        return table
    table = table.sort_values(["day", "开始", "period", "班级", "学科", "lesson"], kind="stable")
    return table.reset_index(drop=True).astype({"day": "int64", "period": "int64", "duration": "int64"})


# ---- grids ---------------------------------------------------------------------------------
def _row_label(schedule: BellSchedule, index: int, with_stage: bool) -> str:
    period = schedule.period(index)
    label = f"第{index}节 {period.start}–{period.end}"
    return f"{STAGE_NAMES[schedule.stage]} {label}" if with_stage else label


def _empty_grid(school: School, schedules: list[BellSchedule]) -> tuple[pd.DataFrame, dict]:
    """An all-empty grid with one row block per schedule; returns it and (stage, period) -> row label."""
    with_stage = len(schedules) > 1
    labels = {
        (schedule.stage, period.index): _row_label(schedule, period.index, with_stage)
        for schedule in schedules
        for period in schedule.periods
    }
    grid = pd.DataFrame("", index=pd.Index(list(labels.values()), name="节次"), columns=list(school.days))
    return grid, labels


def _fill(school: School, grid: pd.DataFrame, labels: dict, entries: Iterable[tuple[Placement, str]]) -> pd.DataFrame:
    """Write each entry's text into every period its session covers (a double fills both)."""
    cells: dict[tuple[str, str], list[str]] = {}
    for p, text in entries:
        stage = school.stage_of(school.lesson_by_id[p.lesson])
        for index in range(p.period, p.period + p.duration):
            row = labels.get((stage, index))
            if row is None:
                continue
            texts = cells.setdefault((row, school.days[p.day - 1]), [])
            if text not in texts:
                texts.append(text)
    for (row, day), texts in cells.items():
        grid.at[row, day] = "\n".join(texts)
    return grid


def _schedules_for(school: School, lessons: Iterable[Lesson]) -> list[BellSchedule]:
    """The bell schedules of these lessons' stages, in the school's order; all when none."""
    stages = {school.stage_of(lesson) for lesson in lessons}
    chosen = [b for b in school.bell_schedules if b.stage in stages]
    return chosen or list(school.bell_schedules)


def class_grid(school: School, solution: Solution, class_id: str) -> pd.DataFrame:
    """班级课表: cell "数学\\n李老师"; a lesson of a section shows it: "体育（男）\\n王老师"."""
    school_class = school.class_by_id[class_id]
    grid, labels = _empty_grid(school, [school.schedule_by_stage[school_class.stage]])
    entries = []
    for p in _described(school, solution):
        sections = [g.partition(":")[2] for g in p.groups if g.partition(":")[0] == class_id]
        if not sections:
            continue
        subject = p.subject_name
        if all(sections):
            subject += f"（{'、'.join(sections)}）"
        entries.append((p, "\n".join(filter(None, [subject, "、".join(p.teacher_names)]))))
    return _fill(school, grid, labels, entries)


def _groups_text(school: School, groups: list[str]) -> str:
    return "、".join(group_name(school, g) for g in groups)


def teacher_grid(school: School, solution: Solution, teacher_id: str) -> pd.DataFrame:
    """教师课表: cell "三年级2班 数学".

    A teacher of both stages (九年一贯制) gets one row block per bell schedule, labelled
    小学 / 初中, since the two schedules' periods are at different clock times.
    """
    teacher = school.teacher_by_id[teacher_id]
    lessons = [lesson for lesson in school.all_lessons if teacher.id in lesson.teachers]
    grid, labels = _empty_grid(school, _schedules_for(school, lessons))
    entries = [
        (p, f"{_groups_text(school, p.groups)} {p.subject_name}".strip())
        for p in _described(school, solution)
        if teacher.id in p.teachers
    ]
    return _fill(school, grid, labels, entries)


def room_grid(school: School, solution: Solution, room_id: str) -> pd.DataFrame:
    """教室课表: cell "三年级1班 体育"; rows of every stage whose lessons may use the room."""
    room = school.room_by_id[room_id]
    placed = [p for p in _described(school, solution) if p.room == room.id]
    home_classes = {c.id for c in school.classes if c.home_room == room.id}
    candidates = [
        lesson
        for lesson in school.all_lessons
        if room.id in (school.rooms_of(lesson) or []) or any(g.partition(":")[0] in home_classes for g in lesson.groups)
    ]
    candidates += [school.lesson_by_id[p.lesson] for p in placed]
    grid, labels = _empty_grid(school, _schedules_for(school, candidates))
    entries = [(p, f"{_groups_text(school, p.groups)} {p.subject_name}".strip()) for p in placed]
    return _fill(school, grid, labels, entries)


# ---- tables --------------------------------------------------------------------------------
def teacher_load_table(school: School, solution: Solution) -> pd.DataFrame:
    """教师课时: planned and placed periods per teacher, per day, against the teacher's limits."""
    placed = _described(school, solution)
    rows = []
    for teacher in school.teachers:
        planned = sum(lesson.periods_per_week for lesson in school.all_lessons if teacher.id in lesson.teachers)
        per_day = [0] * len(school.days)
        for p in placed:
            if teacher.id in p.teachers:
                per_day[p.day - 1] += p.duration
        row: dict[str, Any] = {
            "教师": teacher.name,
            "学科": "、".join(
                school.subject_by_id[s].name if s in school.subject_by_id else s for s in teacher.subjects
            ),
            "计划课时": planned,
            "已排课时": sum(per_day),
            "周上限": teacher.max_lessons_per_week,
        }
        row |= dict(zip(school.days, per_day, strict=True))
        row |= {"日最多": max(per_day), "日上限": teacher.max_lessons_per_day, "teacher": teacher.id}
        rows.append(row)
    columns = ["教师", "学科", "计划课时", "已排课时", "周上限", *school.days, "日最多", "日上限", "teacher"]
    return pd.DataFrame(rows, columns=columns)


def _value_text(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _subject_name(school: School, subject_id: str) -> str:
    subject = school.subject_by_id.get(subject_id)
    return subject.name if subject else PRESET_SUBJECT_NAMES.get(subject_id, subject_id)


def policy_table(school: School) -> pd.DataFrame:
    """政策: the resolved policy, one row per value; every school override is marked 已覆盖.

    Columns: 类别, 项目, 值, 状态 (已覆盖 / 预设), 预设值 (the preset's value where overridden), path
    (the dotted path an override would use).
    """
    policy = school.resolved_policy
    preset = resolve_policy(school.policy.preset)
    overrides = policy.overrides

    def status(path: str) -> str:
        # An override of a whole table (``weekly_lessons.3``) covers every value inside it.
        hit = any(path == o or path.startswith(o + ".") or o.startswith(path + ".") for o in overrides)
        return "已覆盖" if hit else "预设"

    def lookup(data: Any, path: str) -> Any:
        for key in path.split("."):
            if isinstance(data, dict):
                data = data.get(int(key) if key.isdigit() and int(key) in data else key, "")
            else:
                data = getattr(data, key, "")
        return data

    rows: list[dict[str, Any]] = []

    def add(category: str, item: str, value: Any, path: str) -> None:
        state = status(path) if path else ""
        preset_value = lookup(preset, path) if state == "已覆盖" else ""
        rows.append(
            {
                "类别": category,
                "项目": item,
                "值": _value_text(value),
                "状态": state,
                "预设值": _value_text(preset_value),
                "path": path,
            }
        )

    add("预设", "编号", policy.id, "")
    add("预设", "名称", policy.name, "")
    for i, source in enumerate(policy.sources, 1):
        add("依据", f"来源{i}", source, "")
    add("每日", "每天体育活动时间（分钟）", policy.daily_activity_minutes, "daily_activity_minutes")
    add("每日", "每天最多体育课（节）", policy.max_pe_per_day, "max_pe_per_day")
    stage_items = {
        "lesson_minutes": "每节课时长（分钟）",
        "earliest_start": "最早上课时间",
        "max_lessons_per_day": "每天最多课时（节）",
        "max_daily_study_minutes": "每天最长在校学习时间（分钟）",
    }
    for stage, limits in policy.stages.items():
        for field, item in stage_items.items():
            add(STAGE_NAMES[stage], item, getattr(limits, field), f"stages.{stage}.{field}")
    add("课后服务", "每周天数", policy.after_school.days_per_week, "after_school.days_per_week")
    add("课后服务", "每天最少时长（分钟）", policy.after_school.min_daily_minutes, "after_school.min_daily_minutes")
    for grade, limit in sorted(policy.after_school.homework_minutes.items()):
        add(
            "课后服务",
            f"{GRADE_NAMES.get(grade, grade)}书面作业上限（分钟）",
            limit,
            f"after_school.homework_minutes.{grade}",
        )
    add("每日", "含社团的综合体育活动目标（分钟，仅报告）", policy.activity_target_minutes, "activity_target_minutes")
    for grade, end in sorted(policy.latest_lesson_end.items()):
        add("最晚下课", GRADE_NAMES.get(grade, str(grade)), end, f"latest_lesson_end.{grade}")
    grades = sorted({c.grade for c in school.classes})
    for grade in grades:
        plan = policy.weekly_plan(grade)
        for subject_id, count in plan.items():
            add(
                f"课时计划·{GRADE_NAMES.get(grade, grade)}",
                _subject_name(school, subject_id),
                count,
                f"weekly_lessons.{grade}.{subject_id}",
            )
        # Subjects an override took out of the plan stay visible, with the preset's number.
        for subject_id in [s for s in preset.weekly_plan(grade) if s not in plan]:
            add(
                f"课时计划·{GRADE_NAMES.get(grade, grade)}",
                _subject_name(school, subject_id),
                "不计划",
                f"weekly_lessons.{grade}.{subject_id}",
            )
        add(f"课时计划·{GRADE_NAMES.get(grade, grade)}", "每周合计", sum(plan.values()), "")
    for path, value in overrides.items():
        rows.append(
            {"类别": "学校覆盖", "项目": path, "值": _value_text(value), "状态": "已覆盖", "预设值": "", "path": path}
        )
    return pd.DataFrame(rows, columns=["类别", "项目", "值", "状态", "预设值", "path"])


def report_table(report: Report) -> pd.DataFrame:
    """检查报告: one row per violation, hard before soft, then by rule, day and period."""
    columns = ["规则", "严重程度", "说明", "星期", "节次", "班级", "教师", "教室", "课程", "rule", "severity"]
    rows = [
        {
            "规则": v.rule,
            "严重程度": SEVERITY_NAMES.get(v.severity, v.severity),
            "说明": v.message,
            "星期": v.day if v.day is not None else "",
            "节次": v.period if v.period is not None else "",
            "班级": v.class_id or "",
            "教师": v.teacher_id or "",
            "教室": v.room_id or "",
            "课程": v.lesson_id or "",
            "rule": v.rule,
            "severity": v.severity,
        }
        for v in report.violations
    ]
    table = pd.DataFrame(rows, columns=columns)
    if table.empty:
        return table
    order = table["severity"].map({"hard": 0, "soft": 1}).fillna(2)
    table = table.assign(_order=order).sort_values(["_order", "rule"], kind="stable").drop(columns="_order")
    return table.reset_index(drop=True)


def objective_table(terms: dict[str, int], weights: Weights | None = None) -> pd.DataFrame:
    """软目标: each soft-goal term's value; with ``weights``, its weight and weighted value."""
    rows = []
    for term, value in terms.items():
        row: dict[str, Any] = {"目标": OBJECTIVE_NAMES.get(term, term), "值": value}
        if weights is not None:
            weight = getattr(weights, term, None)
            row |= {
                "权重": weight if weight is not None else "",
                "加权值": value * weight if weight is not None else "",
            }
        rows.append(row | {"term": term})
    columns = ["目标", "值", *(["权重", "加权值"] if weights is not None else []), "term"]
    return pd.DataFrame(rows, columns=columns)


# ---- after-school ("5+2") -------------------------------------------------------------------
CATEGORY_NAMES = {
    "sports": "体育",
    "arts": "艺术",
    "science": "科技",
    "reading": "阅读",
    "labour": "劳动",
    "chess": "棋类",
    "other": "其他",
}


def _club_days(solution: Solution) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for meeting in solution.after_school.club_meetings if solution.after_school else []:
        out.setdefault(meeting.club, []).append(meeting.day)
    return out


def _attendance(school: School, solution: Solution) -> dict[tuple[str, int], str]:
    """(pupil, day) → club the pupil attends that day (a club meeting day on which the pupil stays)."""
    days = _club_days(solution)
    out = {}
    for e in solution.after_school.enrolments if solution.after_school else []:
        pupil = school.pupil_by_id.get(e.pupil)
        if pupil is None:
            continue
        for day in days.get(e.club, []):
            if 1 <= day <= len(pupil.until) and pupil.until[day - 1] == 2:
                out[(e.pupil, day)] = e.club
    return out


def _staying(school: School, class_id: str, day: int, session: int) -> int:
    """Pupils of a class in session 1 / 2 on a day (pupil list, else the participation counts, else all)."""
    pupils = school.pupils_by_class.get(class_id)
    if pupils:
        return sum(p.until[day - 1] >= session for p in pupils)
    for row in school.after_school.participation if school.after_school else []:
        if row.class_id == class_id:
            return (row.session1 if session == 1 else row.session2)[day - 1]
    return school.class_by_id[class_id].pupils


def after_school_plan_table(school: School, solution: Solution) -> pd.DataFrame:
    """课后服务安排: per day, session 1 per class (supervisor, room) and session 2 (clubs, then 阅读/看护 per class)."""
    columns = ["星期", "学段", "时段", "时间", "内容", "班级/社团", "教师", "地点", "人数", "day"]
    plan = solution.after_school
    if school.after_school is None or plan is None:
        return pd.DataFrame(columns=columns)
    attendance = _attendance(school, solution)
    supervisor = {(s.class_id, s.day): s for s in plan.supervisions}
    rows = []
    for day in school.service_days:
        for window in school.after_school.windows:
            stage = STAGE_NAMES[window.stage]
            classes = [c for c in school.classes if c.stage == window.stage]
            for c in classes:
                s = supervisor.get((c.id, day))
                if s is None:
                    continue
                rows.append(
                    {
                        "星期": school.days[day - 1],
                        "学段": stage,
                        "时段": "第一时段",
                        "时间": f"{window.start}–{window.session1_end}",
                        "内容": "作业辅导答疑",
                        "班级/社团": c.name,
                        "教师": school.teacher_by_id[s.teacher].name
                        if s.teacher in school.teacher_by_id
                        else s.teacher,
                        "地点": room_name(school, s.room),
                        "人数": _staying(school, c.id, day, 1),
                        "day": day,
                    }
                )
            for meeting in plan.club_meetings:
                club = school.club_by_id.get(meeting.club)
                if meeting.day != day or club is None or school.club_stage(club) != window.stage:
                    continue
                rows.append(
                    {
                        "星期": school.days[day - 1],
                        "学段": stage,
                        "时段": "第二时段",
                        "时间": f"{window.session2_start}–{window.end}",
                        "内容": f"社团（{CATEGORY_NAMES[club.category]}）",
                        "班级/社团": club.name,
                        "教师": school.teacher_by_id[meeting.instructor].name
                        if meeting.instructor in school.teacher_by_id
                        else meeting.instructor,
                        "地点": room_name(school, meeting.room),
                        "人数": sum(1 for (_, d), cid in attendance.items() if d == day and cid == club.id),
                        "day": day,
                    }
                )
            for c in classes:
                s = supervisor.get((c.id, day))
                pupils = school.pupils_by_class.get(c.id, [])
                free = sum(p.until[day - 1] == 2 and (p.id, day) not in attendance for p in pupils)
                if s is None or (pupils and not free):
                    continue
                rows.append(
                    {
                        "星期": school.days[day - 1],
                        "学段": stage,
                        "时段": "第二时段",
                        "时间": f"{window.session2_start}–{window.end}",
                        "内容": "阅读/游戏看护",
                        "班级/社团": c.name,
                        "教师": school.teacher_by_id[s.teacher].name
                        if s.teacher in school.teacher_by_id
                        else s.teacher,
                        "地点": room_name(school, s.room),
                        "人数": free if pupils else _staying(school, c.id, day, 2),
                        "day": day,
                    }
                )
    return pd.DataFrame(rows, columns=columns)


def club_roster_table(school: School, solution: Solution) -> pd.DataFrame:
    """社团名单: one row per enrolment: club, its days, room and instructor, the pupil and their choice."""
    columns = ["社团", "类别", "活动日", "场地", "指导教师", "班级", "学生", "志愿", "参加日", "club", "pupil"]
    plan = solution.after_school
    if plan is None:
        return pd.DataFrame(columns=columns)
    meetings: dict[str, list] = {}
    for meeting in plan.club_meetings:
        meetings.setdefault(meeting.club, []).append(meeting)
    rows = []
    for e in sorted(plan.enrolments, key=lambda e: (e.club, e.pupil)):
        club, pupil = school.club_by_id.get(e.club), school.pupil_by_id.get(e.pupil)
        held = sorted(meetings.get(e.club, []), key=lambda m: m.day)
        rank = pupil.choices.index(e.club) + 1 if pupil and e.club in pupil.choices else None
        rows.append(
            {
                "社团": club.name if club else e.club,
                "类别": CATEGORY_NAMES[club.category] if club else "",
                "活动日": "、".join(school.days[m.day - 1] for m in held if 1 <= m.day <= len(school.days)),
                "场地": "、".join(dict.fromkeys(room_name(school, m.room) for m in held)),
                "指导教师": "、".join(
                    dict.fromkeys(
                        school.teacher_by_id[m.instructor].name
                        if m.instructor in school.teacher_by_id
                        else m.instructor
                        for m in held
                    )
                ),
                "班级": school.class_by_id[pupil.class_id].name if pupil else "",
                "学生": e.pupil,
                "志愿": f"第{rank}志愿" if rank else "调剂",
                "参加日": "、".join(school.days[d - 1] for d in e.days if 1 <= d <= len(school.days)),
                "club": e.club,
                "pupil": e.pupil,
            }
        )
    return pd.DataFrame(rows, columns=columns)


def _teacher_busy(school: School, solution: Solution) -> dict[tuple[str, int], list[tuple[int, int]]]:
    """(teacher, day) → clock intervals of lessons, meetings and after-school work."""
    busy: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for p in _described(school, solution):
        for teacher in p.teachers:
            busy.setdefault((teacher, p.day), []).append((minutes(p.start), minutes(p.end)))
    for m in school.meetings:
        for teacher in m.teachers:
            busy.setdefault((teacher, m.day), []).append((minutes(m.start), minutes(m.end)))
    plan = solution.after_school
    if plan is not None and school.after_school is not None:
        for s in plan.supervisions:
            if s.class_id in school.class_by_id and school.class_by_id[s.class_id].stage in school.window_by_stage:
                busy.setdefault((s.teacher, s.day), []).append(school.duty_interval(s.class_id))
        for meeting in plan.club_meetings:
            if meeting.club in school.club_by_id:
                interval = school.club_interval(school.club_by_id[meeting.club])
                busy.setdefault((meeting.instructor, meeting.day), []).append(interval)
    return busy


def teacher_hours_table(school: School, solution: Solution) -> pd.DataFrame:
    """教师弹性上下班: per teacher and day, arrival and leave time and whether the day is flexible.

    Arrival is ``flexible.late_arrival_until`` on a day nothing starts before it (晚到), else the
    earliest period start; leave is ``flexible.early_leave_from`` on a day nothing ends after it
    (早走), else the later of the last period's end and the end of the teacher's last duty.
    """
    late_until = minutes(school.flexible.late_arrival_until)
    early_from = minutes(school.flexible.early_leave_from)
    start = min(minutes(b.periods[0].start) for b in school.bell_schedules)
    end = max(minutes(b.periods[-1].end) for b in school.bell_schedules)
    busy = _teacher_busy(school, solution)
    duties: dict[str, int] = {}
    plan = solution.after_school
    for s in plan.supervisions if plan else []:
        duties[s.teacher] = duties.get(s.teacher, 0) + 1
    for meeting in plan.club_meetings if plan else []:
        duties[meeting.instructor] = duties.get(meeting.instructor, 0) + 1
    rows = []
    for teacher in school.teachers:
        row: dict[str, Any] = {"教师": teacher.name, "校外": "是" if teacher.outside_staff else ""}
        flexible = 0
        for day, day_name in enumerate(school.days, 1):
            intervals = busy.get((teacher.id, day), [])
            late = all(a >= late_until for a, _ in intervals)
            early = all(b <= early_from for _, b in intervals)
            flexible += late or early
            arrive = clock(late_until) if late else clock(start)
            leave = clock(early_from) if early else clock(max([end, *(b for _, b in intervals)]))
            mark = "（晚到、早走）" if late and early else "（晚到）" if late else "（早走）" if early else ""
            row[day_name] = f"{arrive}–{leave}{mark}"
        row |= {"弹性天数": flexible, "课后服务次数": duties.get(teacher.id, 0), "teacher": teacher.id}
        rows.append(row)
    return pd.DataFrame(rows, columns=["教师", "校外", *school.days, "弹性天数", "课后服务次数", "teacher"])


def activity_table(school: School, solution: Solution) -> pd.DataFrame:
    """每日体育活动: per class and day, in-school minutes (大课间/活动时段 + 体育课/活动课) and, with
    sports clubs counted, how many pupils reach the stricter target (policy.activity_target_minutes)."""
    policy = school.resolved_policy
    target = policy.activity_target_minutes
    attendance = _attendance(school, solution)
    lessons: dict[tuple[str, int], int] = {}
    for p in _described(school, solution):
        lesson = school.lesson_by_id[p.lesson]
        subject = school.subject_by_id[lesson.subject]
        if subject.category != "pe" and not subject.counts_as_activity:
            continue
        schedule = school.schedule_of(lesson)
        length = sum(
            minutes(schedule.period(i).end) - minutes(schedule.period(i).start)
            for i in range(p.period, p.period + p.duration)
        )
        for c in school.classes_of(lesson):
            lessons[(c.id, p.day)] = lessons.get((c.id, p.day), 0) + length
    rows = []
    for c in school.classes:
        schedule = school.schedule_by_stage[c.stage]
        window = school.window_by_stage.get(c.stage)
        pupils = school.pupils_by_class.get(c.id, [])
        for day, day_name in enumerate(school.days, 1):
            blocks = sum(
                b.minutes for b in schedule.blocks if b.physical_activity and (b.days is None or day in b.days)
            )
            in_school = blocks + lessons.get((c.id, day), 0)
            sport = [
                p
                for p in pupils
                if (p.id, day) in attendance and school.club_by_id[attendance[(p.id, day)]].physical_activity
            ]
            club_minutes = window.session2_minutes if window else 0
            reach = sum(in_school + (club_minutes if p in sport else 0) >= target for p in pupils)
            rows.append(
                {
                    "班级": c.name,
                    "星期": day_name,
                    "大课间/活动时段": blocks,
                    "体育课/活动课": lessons.get((c.id, day), 0),
                    "校内合计": in_school,
                    "校内要求": policy.daily_activity_minutes,
                    "校内达标": "是" if in_school >= policy.daily_activity_minutes else "否",
                    "体育社团人数": len(sport),
                    "体育社团分钟": club_minutes if sport else 0,
                    f"达到{target}分钟人数": reach if pupils else (c.pupils if in_school >= target else 0),
                    "班级人数": len(pupils) or c.pupils,
                    "class": c.id,
                    "day": day,
                }
            )
    return pd.DataFrame(rows)


def choice_summary_table(school: School, solution: Solution) -> pd.DataFrame:
    """选课满意度: % first choice, % top 2, % top 3, pupils unplaced, pupils with two clubs."""
    plan = solution.after_school
    summary = choice_summary(school, plan.enrolments if plan else [])
    names = {
        "participating": "参加第二时段的学生",
        "first_choice": "第一志愿（%）",
        "top2": "前两志愿（%）",
        "top3": "前三志愿（%）",
        "unplaced": "未分到社团",
        "two_clubs": "参加两个社团",
    }
    return pd.DataFrame(
        [{"项目": names[k], "值": v, "key": k} for k, v in summary.items()], columns=["项目", "值", "key"]
    )


# ---- writers -------------------------------------------------------------------------------
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")


def sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name: no []:*?/\\ characters, at most 31 characters."""
    base = _SHEET_FORBIDDEN.sub("_", title).strip("'") or "sheet"
    name, n = base[:31], 1
    while name.lower() in {t.lower() for t in taken}:
        n += 1
        suffix = f"~{n}"
        name = base[: 31 - len(suffix)] + suffix
    taken.add(name)
    return name


def _text_width(value: Any) -> int:
    """Display width of the longest line: CJK characters count double."""
    lines = str(value).split("\n") if value is not None else [""]
    return max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in line) for line in lines)


def _write_frame(ws: Worksheet, frame: pd.DataFrame, first_row: int = 1, index: bool = False) -> int:
    """Write ``frame`` with a bold header at ``first_row``; returns the next free row."""
    headers = ([frame.index.name or ""] if index else []) + [str(c) for c in frame.columns]
    for col, header in enumerate(headers, 1):
        cell = ws.cell(row=first_row, column=col, value=header)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
    for r, (label, values) in enumerate(zip(frame.index, frame.itertuples(index=False), strict=True), first_row + 1):
        cells = ([label] if index else []) + list(values)
        for col, value in enumerate(cells, 1):
            if value is not None and not isinstance(value, str | int | float | bool):
                value = str(value)
            if isinstance(value, float) and pd.isna(value):
                value = None
            cell = ws.cell(row=r, column=col, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
            cell.alignment = WRAP
            if index and col == 1:
                cell.font = HEADER_FONT
    return first_row + len(frame) + 1


def _fit_columns(ws: Worksheet, min_width: int = 6, max_width: int = 60) -> None:
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                widths[cell.column] = max(widths.get(cell.column, 0), _text_width(cell.value))
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = max(min_width, min(max_width, width + 2))


def _write_grid(ws: Worksheet, title: str, grid: pd.DataFrame) -> None:
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    _write_frame(ws, grid, first_row=2, index=True)
    _fit_columns(ws, min_width=10, max_width=30)
    ws.freeze_panes = "B3"


def _summary_rows(school: School, solution: Solution, report: Report | None) -> list[tuple[str, Any]]:
    policy = school.resolved_policy
    rows: list[tuple[str, Any]] = [
        ("学校", school.name),
        ("学校编号", school.id),
        ("上课日", "、".join(school.days)),
        ("政策预设", f"{policy.id}：{policy.name}"),
        ("政策覆盖", "；".join(f"{k} = {_value_text(v)}" for k, v in policy.overrides.items()) or "无"),
        ("班级数", len(school.classes)),
        ("教师数", len(school.teachers)),
        ("教室数", len(school.rooms)),
        ("已排课次", len(solution.placements)),
        ("应排课次", sum(lesson.count for lesson in school.all_lessons)),
    ]
    if report is not None:
        rows.append(("检查结果", report.summary()))
    if solution.objective_terms:
        rows.append(
            ("软目标", "；".join(f"{OBJECTIVE_NAMES.get(k, k)} {v}" for k, v in solution.objective_terms.items()))
        )
    rows.append(("说明", "总表列出每一节课；各班级、教师、教室各一张课表；政策页标明学校覆盖的数值（已覆盖）。"))
    return rows


def write_timetable_workbook(
    school: School, solution: Solution, path: str | Path, report: Report | None = None
) -> Path:
    """The timetable as one .xlsx: 说明, 总表, a grid per class / teacher / room, 教师课时, 政策, 检查报告."""
    path = Path(path)
    workbook = Workbook()
    taken: set[str] = set()

    ws = workbook.active
    ws.title = sheet_name("说明", taken)
    ws.cell(row=1, column=1, value=f"{school.name} 课表").font = Font(bold=True, size=14)
    for r, (key, value) in enumerate(_summary_rows(school, solution, report), 3):
        ws.cell(row=r, column=1, value=key).font = HEADER_FONT
        ws.cell(row=r, column=2, value=value).alignment = WRAP
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 90

    ws = workbook.create_sheet(sheet_name("总表", taken))
    _write_frame(ws, placements_table(school, solution))
    _fit_columns(ws)
    ws.freeze_panes = "A2"

    for school_class in school.classes:
        ws = workbook.create_sheet(sheet_name(f"班级-{school_class.name}", taken))
        _write_grid(ws, f"{school_class.name} 课表", class_grid(school, solution, school_class.id))
    for teacher in school.teachers:
        ws = workbook.create_sheet(sheet_name(f"教师-{teacher.name}", taken))
        _write_grid(ws, f"{teacher.name} 课表", teacher_grid(school, solution, teacher.id))
    for room in school.rooms:
        ws = workbook.create_sheet(sheet_name(f"教室-{room.name}", taken))
        _write_grid(ws, f"{room.name} 课表", room_grid(school, solution, room.id))

    ws = workbook.create_sheet(sheet_name("教师课时", taken))
    _write_frame(ws, teacher_load_table(school, solution))
    _fit_columns(ws)

    ws = workbook.create_sheet(sheet_name("政策", taken))
    _write_frame(ws, policy_table(school))
    _fit_columns(ws)

    if school.after_school is not None and solution.after_school is not None:
        for title, frame in (
            ("课后服务安排", after_school_plan_table(school, solution)),
            ("社团名单", club_roster_table(school, solution)),
            ("选课满意度", choice_summary_table(school, solution)),
        ):
            ws = workbook.create_sheet(sheet_name(title, taken))
            _write_frame(ws, frame)
            _fit_columns(ws)
            ws.freeze_panes = "A2"
    ws = workbook.create_sheet(sheet_name("教师弹性上下班", taken))
    _write_frame(ws, teacher_hours_table(school, solution))
    _fit_columns(ws)
    ws.freeze_panes = "B2"
    ws = workbook.create_sheet(sheet_name("每日体育活动", taken))
    _write_frame(ws, activity_table(school, solution))
    _fit_columns(ws)
    ws.freeze_panes = "A2"

    if solution.objective_terms:
        ws = workbook.create_sheet(sheet_name("软目标", taken))
        _write_frame(ws, objective_table(solution.objective_terms, school.weights))
        _fit_columns(ws)

    if report is not None:
        ws = workbook.create_sheet(sheet_name("检查报告", taken))
        ws.cell(row=1, column=1, value=report.summary()).font = Font(bold=True, size=12)
        next_row = _write_frame(ws, report_table(report), first_row=3)
        if report.soft:
            _write_frame(ws, objective_table(report.soft, school.weights), first_row=next_row + 1)
        _fit_columns(ws)

    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _file_part(text: str) -> str:
    return re.sub(r"[^\w.\-]+", "_", text).strip("_") or "x"


def write_timetable_csv(school: School, solution: Solution, out_dir: str | Path) -> list[Path]:
    """placements.csv, teacher_load.csv, policy.csv and class-/teacher-/room-<id>.csv grids (UTF-8 with BOM)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def save(frame: pd.DataFrame, name: str, index: bool = False) -> None:
        target, n = out / name, 1
        while target in written:  # two ids that differ only in characters a file name cannot hold
            n += 1
            target = out / f"{Path(name).stem}~{n}.csv"
        frame.to_csv(target, index=index, encoding="utf-8-sig")
        written.append(target)

    save(placements_table(school, solution), "placements.csv")
    save(teacher_load_table(school, solution), "teacher_load.csv")
    save(policy_table(school), "policy.csv")
    if solution.objective_terms:
        save(objective_table(solution.objective_terms, school.weights), "objective.csv")
    for school_class in school.classes:
        save(class_grid(school, solution, school_class.id), f"class-{_file_part(school_class.id)}.csv", index=True)
    for teacher in school.teachers:
        save(teacher_grid(school, solution, teacher.id), f"teacher-{_file_part(teacher.id)}.csv", index=True)
    for room in school.rooms:
        save(room_grid(school, solution, room.id), f"room-{_file_part(room.id)}.csv", index=True)
    return written


def write_change_workbook(
    school: School, summary: ChangeSummary, path: str | Path, note: str = "", report: Report | None = None
) -> Path:
    """The change list of a re-plan (调课通知) as .xlsx: 说明 (counts) and 变动 (one row per change)."""

    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "说明"
    rows = [
        ("学校", school.name),
        ("调整", note or "—"),
        ("移动的课", f"{summary.moved} 节（调到另一天 {summary.moved_day}，同日换节次 {summary.moved_period}）"),
        ("新增 / 取消", f"{summary.added} / {summary.removed}"),
        ("换教师的课次", summary.teacher_changed),
        ("换教室的课次", summary.room_changed),
        ("未动的课次", summary.kept),
    ]
    if report is not None:
        rows.append(("检查结果", report.summary()))
    _write_frame(ws, pd.DataFrame(rows, columns=["项目", "内容"]))
    _fit_columns(ws)
    ws = wb.create_sheet("变动")
    _write_frame(ws, change_table(school, summary))
    _fit_columns(ws, max_width=30)
    ws.freeze_panes = "A2"
    wb.save(path)
    return path
