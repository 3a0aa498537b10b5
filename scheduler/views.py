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

from scheduler.domain import BellSchedule, Lesson, School, Weights
from scheduler.policy import resolve_policy
from scheduler.solution import Placement, Solution, describe

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
    "flexible_day_shortfall": "弹性上下班天数不足",
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


def _group_label(school: School, group: str) -> str:
    class_id, _, section = group.partition(":")
    school_class = school.class_by_id.get(class_id)
    name = school_class.name if school_class else class_id
    return f"{name}（{section}）" if section else name


def _room_name(school: School, room_id: str | None) -> str:
    if not room_id:
        return ""
    room = school.room_by_id.get(room_id)
    return room.name if room else room_id


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
                    "教室": _room_name(school, p.room),
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
    return "、".join(_group_label(school, g) for g in groups)


def teacher_grid(school: School, solution: Solution, teacher_id: str) -> pd.DataFrame:
    """教师课表: cell "三年级2班 数学".

    A teacher of both stages (九年一贯制) gets one row block per bell schedule, labelled
    小学 / 初中, since the two schedules' periods are at different clock times.
    """
    teacher = school.teacher_by_id[teacher_id]
    lessons = [lesson for lesson in school.all_lessons if teacher.id in lesson.teachers]
    grid, labels = _empty_grid(school, _schedules_for(school, lessons))
    entries = [
        (p, f"{_groups_text(school, p.groups)} {p.subject_name}")
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
        if lesson.room == room.id
        or (lesson.room is None and school.room_type_of(lesson) == room.type)
        or any(g.partition(":")[0] in home_classes for g in lesson.groups)
    ]
    candidates += [school.lesson_by_id[p.lesson] for p in placed]
    grid, labels = _empty_grid(school, _schedules_for(school, candidates))
    entries = [(p, f"{_groups_text(school, p.groups)} {p.subject_name}") for p in placed]
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
