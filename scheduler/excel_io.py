"""The School as an Excel workbook: one sheet per table, written and read back losslessly.

Layout (docs/FORMAT.md, "Workbook"): every data sheet has the field names in row 1 (English,
what the reader matches), a Chinese help row in row 2 and one record per row from row 3 on.
Lists are comma-separated (``, `` ``，`` ``、`` all work); an empty cell means "not given" so the
field takes its default. The sheets 说明 / README are notes and are ignored when reading.

A mistake in a filled workbook is reported by sheet, Excel row number and column, e.g.
``sheet teachers, row 6, column max_lessons_per_week: Input should be less than or equal
to 60 (got 99)``, and raised as ``scheduler.load.InputError`` — never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import ValidationError

from scheduler.domain import TEACHER_DAY_CAP, TEACHER_WEEK_CAP, School, Weights
from scheduler.load import InputError

NOTE_SHEETS = ("说明", "README")
LIST_SPLIT = re.compile(r"[,，、;；]")
STAGE_ALIASES = {"primary": "primary", "小学": "primary", "middle": "middle", "初中": "middle"}
TRUE_WORDS = {"true", "yes", "y", "1", "是", "对", "√", "✓", "x"}
FALSE_WORDS = {"false", "no", "n", "0", "否", "不", "×", "-"}
NO_DAYS = {"none", "无", "[]"}


@dataclass(frozen=True)
class Column:
    """A column of a sheet. ``kind`` decides how a cell is written and read.

    str · int · bool · clock ("HH:MM") · stage (primary/小学, middle/初中) · day (number or day
    name) · list (comma-separated text) · days (comma-separated days; empty = every day, "none" =
    no day) · slots ("day-period" or "day-period:stage", comma-separated) · json (a number, or
    text that is JSON when it parses as JSON).
    """

    name: str
    kind: str
    help: str


def _c(name: str, kind: str, help_text: str) -> Column:
    return Column(name, kind, help_text)


SHEETS: dict[str, list[Column]] = {
    "school": [
        _c("id", "str", "学校编号（必填）"),
        _c("name", "str", "学校名称（必填）"),
        _c("days", "list", "上课日名称，逗号分隔；空=周一至周五"),
        _c("policy_preset", "str", "政策预设：national-2022 / activity-120"),
    ],
    "policy_overrides": [
        _c("path", "str", "覆盖的政策项（点分路径），如 weekly_lessons.3.math"),
        _c("value", "json", '值：数字，或 JSON，如 {"math": 2, "pe": 1}'),
    ],
    "weights": [_c(name, "int", "软目标权重（0=不考虑）") for name in Weights.model_fields],
    "flexible": [
        _c("min_days", "int", "每位教师每周至少几天弹性上下班"),
        _c("late_arrival_until", "clock", "晚到：此时间前没有课（HH:MM）"),
        _c("early_leave_from", "clock", "早走：此时间后没有课（HH:MM）"),
    ],
    "bell_settings": [
        _c("stage", "stage", "学段：primary/小学 或 middle/初中"),
        _c("name", "str", "作息时间表名称"),
        _c("afternoon_from", "clock", "下午从几点开始（HH:MM），默认 12:00"),
    ],
    "bell_periods": [
        _c("stage", "stage", "学段：primary/小学 或 middle/初中"),
        _c("index", "int", "第几节（从1开始，连续）"),
        _c("start", "clock", "开始（HH:MM）"),
        _c("end", "clock", "结束（HH:MM）"),
    ],
    "bell_blocks": [
        _c("stage", "stage", "学段：primary/小学 或 middle/初中"),
        _c("name", "str", "名称，如 大课间、眼保健操、午餐"),
        _c("kind", "str", "类型：activity / eye_exercise / lunch / break / other"),
        _c("start", "clock", "开始（HH:MM）"),
        _c("end", "clock", "结束（HH:MM）"),
        _c("physical_activity", "bool", "计入每天体育活动时间：TRUE/FALSE"),
        _c("days", "days", "哪几天（1=周一，逗号分隔）；空=每天；none=不安排"),
    ],
    "subjects": [
        _c("id", "str", "学科编号，如 math"),
        _c("name", "str", "学科名称，如 数学"),
        _c("category", "str", "类别：core/pe/arts/science/labour/it/moral/local/class_meeting/activity/other"),
        _c("room_type", "str", "需要的教室类型；空=本班教室"),
        _c("max_per_day", "int", "每天最多几节"),
        _c("counts_as_activity", "bool", "计入体育活动时间：TRUE/FALSE"),
        _c("protected", "bool", "音体美等不得挤占：TRUE/FALSE"),
        _c("morning_preferred", "bool", "尽量排在上午：TRUE/FALSE"),
    ],
    "teachers": [
        _c("id", "str", "教师编号"),
        _c("name", "str", "姓名"),
        _c("subjects", "list", "任教学科编号，逗号分隔"),
        _c("max_lessons_per_week", "int", f"每周最多课时（0–{TEACHER_WEEK_CAP}）"),
        _c("max_lessons_per_day", "int", f"每天最多课时（0–{TEACHER_DAY_CAP}）"),
        _c("min_lessons_per_day", "int", f"有课的日子每天至少几节（0–{TEACHER_DAY_CAP}）；空=不限"),
        _c("allow_empty_days", "bool", "允许某天没有课（否则每天都要达到最少节数）：TRUE/FALSE，默认 TRUE"),
        _c("max_days_per_week", "int", "每周最多几天有课（0–7）；空=不限"),
        _c("min_days_per_week", "int", "每周至少几天有课（0–7）；空=不限"),
        _c("max_gaps_per_week", "int", "每周最多几节空堂；空=不限"),
        _c("max_gaps_per_day", "int", "每天最多几节空堂；空=不限"),
        _c("max_consecutive", "int", "最多连上几节（午休隔开的不算连上）；空=不限"),
        _c(
            "tag_limits",
            "json",
            '带某活动标签的课每天/连上最多几节：JSON，如 [{"tag": "实验", "max_per_day": 2, "max_consecutive": 1}]',
        ),
        _c(
            "interval_max_days",
            "json",
            '在某几节有课的天数上限：JSON，如 [{"first_period": 1, "last_period": 4, "max_days": 3}]；空=不限',
        ),
        _c("outside_staff", "bool", "外聘：TRUE/FALSE"),
        _c("after_school_days", "days", "可承担课后服务的日子（1=周一，逗号分隔）；空=每天；none=不承担"),
    ],
    "teacher_unavailable": [
        _c("teacher", "str", "教师编号"),
        _c("day", "day", "星期几（1=周一，或填名称）"),
        _c("period", "int", "第几节"),
        _c("stage", "stage", "学段；空=各学段的这一节"),
    ],
    "rooms": [
        _c("id", "str", "教室编号"),
        _c("name", "str", "教室名称"),
        _c("type", "str", "教室类型，如 classroom、gym、lab"),
        _c("capacity", "int", "同时容纳几个班（1–20）"),
        _c("unavailable", "slots", "不可用时段：星期-节次，如 2-3, 4-1:middle；空=随时可用"),
    ],
    "classes": [
        _c("id", "str", "班级编号，如 c3-2"),
        _c("name", "str", "班级名称，如 三年级2班"),
        _c("grade", "int", "年级（1–9）"),
        _c("pupils", "int", "学生人数"),
        _c("home_room", "str", "本班教室编号"),
        _c("sections", "list", "分组（如 男, 女），逗号分隔；空=不分组"),
        _c("min_lessons_per_day", "int", f"有课的日子每天至少几节（0–{TEACHER_DAY_CAP}）；空=不限"),
        _c("max_lessons_per_day", "int", f"本班每天最多几节（0–{TEACHER_DAY_CAP}）；空=按学段上限"),
        _c("allow_empty_days", "bool", "允许某天没有课（否则每天都要达到最少节数）：TRUE/FALSE，默认 TRUE"),
        _c("no_gaps", "bool", "无空堂：TRUE/FALSE"),
        _c("starts_first_period", "bool", "每天从第1节开始：TRUE/FALSE"),
        _c("max_gaps_per_week", "int", "每个分组每周最多几节空堂（不排课时段不算）；空=不限"),
        _c("max_gaps_per_day", "int", "每个分组每天最多几节空堂（不排课时段不算）；空=不限"),
        _c("max_late_starts_per_week", "int", "每周最多几天可晚一节（从第2个可排课节次）开始上课；空=不限"),
        _c("max_consecutive", "int", "每个分组最多连上几节（午休隔开的不算连上）；空=不限"),
        _c(
            "tag_limits",
            "json",
            '每个分组带某活动标签的课每天/连上最多几节：JSON，如 [{"tag": "实验", "max_per_day": 2}]',
        ),
    ],
    "class_unavailable": [
        _c("class", "str", "班级编号"),
        _c("day", "day", "星期几（1=周一，或填名称）"),
        _c("period", "int", "第几节"),
        _c("section", "str", "分组；空=全班"),
    ],
    "assignments": [
        _c("class_id", "str", "班级编号"),
        _c("subject", "str", "学科编号"),
        _c("teachers", "list", "任课教师编号，逗号分隔"),
        _c("periods_per_week", "int", "每周课时；空=按政策课时计划"),
        _c("doubles", "int", "其中连堂几次"),
        _c("room", "str", "固定教室编号；空=按学科教室类型"),
    ],
    "lessons": [
        _c("id", "str", "课程编号"),
        _c("subject", "str", "学科编号"),
        _c("teachers", "list", "教师编号，逗号分隔"),
        _c("groups", "list", "班级或分组：c3-2 或 c3-2:男，逗号分隔；空=无学生的安排（值班、教研）"),
        _c("duration", "int", "每次几节连上"),
        _c("count", "int", "每周几次"),
        _c("room", "str", "固定教室编号"),
        _c("pinned", "slots", "固定时间：星期-节次，如 1-1, 3-2"),
        _c("different_days", "bool", "各次分在不同的日子（每天至多一次）：TRUE/FALSE"),
        _c("min_days_apart", "int", "分在不同日子时，每两次至少相隔几天（1–6），默认 1"),
        _c("adjacent_if_same_day", "bool", "同一天的两次须连着上（每天至多两次）：TRUE/FALSE"),
        _c("adjacent_with", "list", "与哪些课（课程编号）若在同一天须连着上，逗号分隔"),
        _c("days_apart_from", "json", '与哪些课分在不同的日子：JSON，如 [{"lesson": "c3-1.math.d", "days": 1}]'),
        _c("allowed_starts", "slots", "允许开始的时间：星期-节次，如 1-1, 2-1；空=任何时间"),
        _c("same_time_as", "str", "与哪门课（课程编号）同时上课（走班/平行课，两门课每周次数相同）"),
        _c("not_with", "list", "不能与哪些课（课程编号）同时上课，逗号分隔"),
        _c("stage", "str", "无学生的安排用哪个学段的作息：primary / middle；有班级时留空"),
        _c("consecutive_after", "str", "紧接在哪门课（课程编号）之后上（同一天，两门课每周次数相同）"),
        _c("grouped_with", "list", "与哪一两门课（课程编号）同一天连着上（顺序不限，每周次数相同），逗号分隔"),
        _c("ordered_after", "list", "排在哪些课（课程编号）之后（按一周的先后），逗号分隔"),
        _c("ordered_if_same_day_after", "list", "同一天时排在哪些课（课程编号）之后，逗号分隔"),
        _c("ends_day", "bool", "是学生当天最后一节课：TRUE/FALSE"),
        _c("same_day_as", "str", "与哪门课（课程编号）在同一天上（每周次数相同）"),
        _c("same_hour_as", "str", "与哪门课（课程编号）在同一节次开始（每周次数相同）"),
        _c("rooms", "list", "可用教室编号（任选其一，连堂课同一间），逗号分隔；空=按学科教室类型"),
        _c("tags", "list", "活动标签（教师、班级的标签课时上限按它计），逗号分隔"),
        _c("min_gap", "int", "同一天的两次之间至少隔几节（午休算一节）；空=不限"),
    ],
    "meetings": [
        _c("id", "str", "会议编号"),
        _c("name", "str", "名称，如 数学教研"),
        _c("teachers", "list", "参加教师编号，逗号分隔"),
        _c("day", "day", "星期几（1=周一，或填名称）"),
        _c("start", "clock", "开始（HH:MM）"),
        _c("end", "clock", "结束（HH:MM）"),
    ],
    "room_groups": [
        _c("id", "str", "教室组编号"),
        _c("lessons", "list", "组内的课（课程编号），逗号分隔，至少两门"),
        _c("max_rooms", "int", "这些课全周最多用几间不同的教室；空=不限"),
        _c("same_room_if_consecutive", "bool", "其中两节课同一天紧接着上时须在同一间教室：TRUE/FALSE"),
    ],
    "occupy_max_slots": [
        _c("id", "str", "时段组编号"),
        _c("lessons", "list", "哪些课（课程编号），逗号分隔"),
        _c("slots", "slots", "所选时段：星期-节次，如 1-1, 3-2"),
        _c("max_slots", "int", "这些课最多占所选时段中的几个"),
    ],
    # ---- 课后服务 "5+2" (docs/RULES.md, after-school); a school without it leaves these sheets empty
    "after_school": [
        _c("days", "days", "课后服务日（1=周一，逗号分隔）；空=每个上课日"),
        _c("work_end", "clock", "当地下班时间（HH:MM），服务结束不早于此"),
        _c("max_duties_per_week", "int", "每位教师每周课后服务（看护+社团）最多几次"),
        _c("supervisors", "str", "第一时段看护教师：class=本班任课教师，grade=本年级任课教师"),
    ],
    "after_school_windows": [
        _c("stage", "stage", "学段：primary/小学 或 middle/初中"),
        _c("start", "clock", "第一时段（作业辅导）开始（HH:MM）"),
        _c("session1_end", "clock", "第一时段结束（HH:MM）"),
        _c("session2_start", "clock", "第二时段（社团）开始（HH:MM）"),
        _c("end", "clock", "课后服务结束（HH:MM）"),
    ],
    "clubs": [
        _c("id", "str", "社团编号"),
        _c("name", "str", "社团名称，如 足球"),
        _c("category", "str", "类别：sports/arts/science/reading/labour/chess/other"),
        _c("grades", "list", "面向年级（同一学段），逗号分隔，如 3, 4"),
        _c("min_size", "int", "最少人数"),
        _c("max_size", "int", "最多人数"),
        _c("days_per_week", "int", "每周活动几次"),
        _c("room_type", "str", "需要的场地类型，如 playground、music"),
        _c("physical_activity", "bool", "计入体育活动时间：TRUE/FALSE"),
        _c("instructors", "list", "可指导的教师编号（校内或外聘），逗号分隔"),
    ],
    "pupils": [
        _c("id", "str", "学生编号"),
        _c("class_id", "str", "班级编号"),
        _c("until", "list", "每个上课日留到：0=放学走，1=第一时段后，2=第二时段后；逗号分隔，如 2, 2, 1, 0, 2"),
        _c("choices", "list", "社团志愿（社团编号，第一志愿在前），逗号分隔"),
    ],
    "participation": [
        _c("class_id", "str", "班级编号（无学生名单时按人数）"),
        _c("session1", "list", "每个上课日参加第一时段的人数，逗号分隔"),
        _c("session2", "list", "每个上课日参加第二时段的人数，逗号分隔"),
    ],
}
SINGLE_ROW = ("school", "weights", "flexible", "after_school")
AFTER_SCHOOL_TABLES = {
    "after_school_windows": "windows",
    "clubs": "clubs",
    "pupils": "pupils",
    "participation": "participation",
}
# Where an error on a whole table (no row) is shown.
TABLE_SHEETS = {
    "id": "school",
    "name": "school",
    "days": "school",
    "policy": "school",
    "bell_schedules": "bell_periods",
    "subjects": "subjects",
    "teachers": "teachers",
    "rooms": "rooms",
    "classes": "classes",
    "assignments": "assignments",
    "lessons": "lessons",
    "meetings": "meetings",
    "room_groups": "room_groups",
    "occupy_max_slots": "occupy_max_slots",
    "weights": "weights",
    "flexible": "flexible",
    "after_school": "after_school",
}

Location = tuple[str, int | None, str | None]  # sheet, Excel row, column


# ---- writing -------------------------------------------------------------------------------
def _cell_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "list":
        return ", ".join(map(str, value)) or None
    if kind == "days":
        return ", ".join(map(str, value)) if value else "none"
    if kind == "slots":
        return ", ".join(f"{s['day']}-{s['period']}" + (f":{s['stage']}" if s["stage"] else "") for s in value) or None
    if kind == "json":
        if isinstance(value, bool | int | float):
            return value
        if isinstance(value, str):
            try:
                json.loads(value)
            except ValueError:
                return value
        return json.dumps(value, ensure_ascii=False)
    return value


# the sheets that hold one School list each, a row a record, written and read as they are
RECORD_TABLES = (
    "subjects",
    "teachers",
    "rooms",
    "classes",
    "assignments",
    "lessons",
    "meetings",
    "room_groups",
    "occupy_max_slots",
)


def _school_rows(school: School) -> dict[str, list[dict[str, Any]]]:
    data = school.model_dump()
    rows: dict[str, list[dict[str, Any]]] = {
        "school": [
            {"id": data["id"], "name": data["name"], "days": data["days"], "policy_preset": data["policy"]["preset"]}
        ],
        "policy_overrides": [{"path": k, "value": v} for k, v in data["policy"]["overrides"].items()],
        "weights": [data["weights"]],
        "flexible": [data["flexible"]],
        "bell_settings": [],
        "bell_periods": [],
        "bell_blocks": [],
        "teacher_unavailable": [],
        "class_unavailable": [],
    }
    for bell in data["bell_schedules"]:
        rows["bell_settings"].append({k: bell[k] for k in ("stage", "name", "afternoon_from")})
        rows["bell_periods"] += [{"stage": bell["stage"], **p} for p in bell["periods"]]
        rows["bell_blocks"] += [{"stage": bell["stage"], **b} for b in bell["blocks"]]
    for table in RECORD_TABLES:
        rows[table] = data[table]
    for teacher in data["teachers"]:
        rows["teacher_unavailable"] += [{"teacher": teacher["id"], **slot} for slot in teacher["unavailable"]]
    for school_class in data["classes"]:
        rows["class_unavailable"] += [{"class": school_class["id"], **slot} for slot in school_class["unavailable"]]
    after = data.get("after_school")
    rows["after_school"] = (
        [{k: after[k] for k in ("days", "work_end", "max_duties_per_week", "supervisors")}] if after else []
    )
    for sheet, field in AFTER_SCHOOL_TABLES.items():
        rows[sheet] = after[field] if after else []
    return rows


def write_school_workbook(school: School, path: str | Path) -> Path:
    """Write ``school`` as a workbook in the layout of ``SHEETS`` (read back by ``read_school_workbook``)."""
    path = Path(path)
    workbook = Workbook()
    notes = workbook.active
    notes.title = NOTE_SHEETS[0]
    _write_notes(notes, school)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    help_font = Font(italic=True, color="666666")
    rows = _school_rows(school)
    for sheet, columns in SHEETS.items():
        ws = workbook.create_sheet(sheet)
        for col, column in enumerate(columns, 1):
            head = ws.cell(row=1, column=col, value=column.name)
            head.font, head.fill = Font(bold=True), header_fill
            head.comment = Comment(column.help, "scheduler")
            note = ws.cell(row=2, column=col, value=column.help)
            note.font, note.alignment = help_font, Alignment(wrap_text=True, vertical="top")
            letter = get_column_letter(col)
            ws.column_dimensions[letter].width = max(12, min(40, len(column.name) + 4, len(column.help) * 2))
            if column.kind not in ("int", "bool", "json"):
                # Text format keeps "08:20" and "1-3" from turning into Excel times and dates.
                ws.column_dimensions[letter].number_format = "@"
        for r, record in enumerate(rows[sheet], 3):
            for col, column in enumerate(columns, 1):
                value = _cell_value(column.kind, record.get(column.name))
                if value is None:
                    continue
                cell = ws.cell(row=r, column=col, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text as text, even "=…"
                    cell.number_format = "@"
        ws.freeze_panes = "A3"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _write_notes(ws, school: School) -> None:
    lines = [
        f"{school.name}（{school.id}）：学校数据",
        "每张表：第1行是字段名（程序读取，请勿修改），第2行是中文说明，第3行起每行一条记录。",
        "空单元格表示使用默认值。列表用逗号分隔。星期、节次从1开始。时间写作 HH:MM（文本格式）。",
        "班级分组写作 班级编号:分组，如 c3-2:男。政策覆盖写作点分路径，如 weekly_lessons.3.math = 4。",
        "本页（说明 / README）不会被读取。格式说明见 docs/FORMAT.md。",
        "",
        "表格：",
        *(f"{sheet}: {', '.join(c.name for c in columns)}" for sheet, columns in SHEETS.items()),
    ]
    for r, line in enumerate(lines, 1):
        ws.cell(row=r, column=1, value=line)
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 100


# ---- reading -------------------------------------------------------------------------------
class _CellError(ValueError):
    pass


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        raise _CellError(f"expected text, got a date/time {value} (format the column as text)")
    return str(value).strip()


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise _CellError(f"expected a whole number, got {value}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value)
    if re.fullmatch(r"[+-]?\d+(\.0+)?", text):
        return int(float(text))
    raise _CellError(f"expected a whole number, got '{text}'")


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = _text(value).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise _CellError(f"expected TRUE or FALSE (是/否), got '{word}'")


def _clock(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and 0 <= value < 1:  # an Excel time stored as a fraction of a day
        total = round(value * 24 * 60)
        return f"{total // 60:02d}:{total % 60:02d}"
    text = _text(value).replace("：", ":")
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(:00)?", text)
    return f"{int(match[1]):02d}:{match[2]}" if match else text


def _stage(value: Any) -> str:
    text = _text(value)
    return STAGE_ALIASES.get(text.lower(), STAGE_ALIASES.get(text, text))


def _list(value: Any) -> list[str]:
    return [item.strip() for item in LIST_SPLIT.split(_text(value)) if item.strip()]


class _Reader:
    """Reads one workbook into School data, remembering where each value came from."""

    def __init__(self, days: list[str]):
        self.days = days
        self.errors: list[str] = []
        self.where: dict[tuple, Location] = {}

    def day(self, value: Any) -> int:
        if isinstance(value, str) and value.strip() in self.days:
            return self.days.index(value.strip()) + 1
        try:
            return _int(value)
        except _CellError:
            raise _CellError(f"expected a day number (1–{len(self.days)}) or a day name, got '{value}'") from None

    def convert(self, kind: str, value: Any) -> Any:
        if kind == "int":
            return _int(value)
        if kind == "bool":
            return _bool(value)
        if kind == "clock":
            return _clock(value)
        if kind == "stage":
            return _stage(value)
        if kind == "day":
            return self.day(value)
        if kind == "list":
            return _list(value)
        if kind == "days":
            text = _text(value)
            return [] if text.lower() in NO_DAYS else [self.day(d) for d in _list(text)]
        if kind == "slots":
            return [self.slot(item) for item in _list(value)]
        if kind == "json":
            if isinstance(value, bool | int | float):
                return value
            text = _text(value)
            try:
                return json.loads(text)
            except ValueError:
                return text
        return _text(value)

    def slot(self, text: str) -> dict[str, Any]:
        match = re.fullmatch(r"(.+?)\s*-\s*(\d+)\s*(?::\s*(.+))?", text)
        if not match:
            raise _CellError(f"expected day-period like '1-3' (or '1-3:middle'), got '{text}'")
        slot: dict[str, Any] = {"day": self.day(match[1]), "period": int(match[2])}
        if match[3]:
            slot["stage"] = _stage(match[3])
        return slot

    def sheet_rows(self, ws, sheet: str) -> list[tuple[int, dict[str, Any]]]:
        """The sheet's records as (Excel row, {column: value}) with empty cells left out."""
        columns = {c.name: c for c in SHEETS[sheet]}
        rows = list(ws.iter_rows(values_only=True))
        if not rows:
            return []
        header = [_text(h) if h is not None else "" for h in rows[0]]
        for col, name in enumerate(header, 1):
            if name and name not in columns:
                self.errors.append(
                    f"sheet {sheet}, column {get_column_letter(col)} '{name}': unknown column "
                    f"(known: {', '.join(columns)})"
                )
        for name in {n for n in header if n and header.count(n) > 1}:
            self.errors.append(f"sheet {sheet}, column {name}: appears more than once")
        records = []
        for r, values in enumerate(rows[1:], 2):
            cells = {
                name: value
                for name, value in zip(header, values, strict=False)
                if name in columns and value is not None and not (isinstance(value, str) and not value.strip())
            }
            if not cells or (r == 2 and any(columns[n].help == _text(v) for n, v in cells.items())):
                continue  # a blank row, or the help row
            record = {}
            for name, value in cells.items():
                try:
                    record[name] = self.convert(columns[name].kind, value)
                except _CellError as exc:
                    self.errors.append(f"sheet {sheet}, row {r}, column {name}: {exc}")
            records.append((r, record))
        return records

    def table(self, key: tuple, sheet: str, row: int, record: dict[str, Any], fields: dict[str, str] | None = None):
        """Remember where ``key`` and each of its fields came from."""
        self.where[key] = (sheet, row, None)
        for column in SHEETS[sheet]:
            field = (fields or {}).get(column.name, column.name)
            self.where[(*key, *field.split("."))] = (sheet, row, column.name)
        return record


def _open(path: Path):
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InputError(str(path), [f"not a readable Excel workbook (.xlsx): {exc}"]) from None


def _read(path: str | Path) -> tuple[dict[str, Any], dict[tuple, Location]]:
    path = Path(path)
    workbook = _open(path)
    try:
        present = {ws.title: ws for ws in workbook.worksheets}
        reader = _Reader(list(School.model_fields["days"].get_default(call_default_factory=True)))
        errors = reader.errors
        for title in present:
            if title not in SHEETS and title not in NOTE_SHEETS:
                errors.append(f"sheet {title}: unknown sheet (known: {', '.join(SHEETS)})")
        rows: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        # The school sheet first: its day names are what day columns may refer to.
        for sheet in SHEETS:
            if sheet in present:
                rows[sheet] = reader.sheet_rows(present[sheet], sheet)
            else:
                rows[sheet] = []
            if sheet == "school" and rows[sheet] and rows[sheet][0][1].get("days"):
                reader.days = rows[sheet][0][1]["days"]
    finally:
        workbook.close()
    if "school" not in present:
        errors.append("sheet school: missing (the school's id and name)")
    data: dict[str, Any] = {}
    for sheet in SINGLE_ROW:
        for extra_row, _ in rows[sheet][1:]:
            errors.append(f"sheet {sheet}, row {extra_row}: only one record allowed in this sheet")
    if rows["school"]:
        r, record = rows["school"][0]
        reader.table((), "school", r, {}, {"policy_preset": "policy.preset"})
        data |= {k: v for k, v in record.items() if k != "policy_preset"}
        if "policy_preset" in record:
            data["policy"] = {"preset": record["policy_preset"]}
    overrides = {}
    for r, record in rows["policy_overrides"]:
        if "path" not in record:
            errors.append(f"sheet policy_overrides, row {r}, column path: missing")
            continue
        overrides[record["path"]] = record.get("value")
        reader.where[("policy", "overrides", record["path"])] = ("policy_overrides", r, "value")
    if overrides:
        data.setdefault("policy", {})["overrides"] = overrides
    for sheet in ("weights", "flexible"):
        if rows[sheet]:
            r, record = rows[sheet][0]
            data[sheet] = reader.table((sheet,), sheet, r, record)
    _read_after_school(reader, rows, data)

    _read_bells(reader, rows, data)
    for table in RECORD_TABLES:
        data[table] = [reader.table((table, i), table, r, record) for i, (r, record) in enumerate(rows[table])]
    _read_unavailable(reader, rows, data, "teachers", "teacher_unavailable", "teacher")
    _read_unavailable(reader, rows, data, "classes", "class_unavailable", "class")
    for i, (r, record) in enumerate(rows["lessons"]):
        for column in ("pinned", "allowed_starts", "rooms"):
            for j in range(len(record.get(column, []))):
                reader.where[("lessons", i, column, j)] = ("lessons", r, column)
    data = {k: v for k, v in data.items() if v != [] or k in ("bell_schedules", "subjects", "classes")}
    if errors:
        raise InputError(str(path), errors)
    return data, reader.where


def _read_unavailable(reader: _Reader, rows: dict, data: dict[str, Any], table: str, sheet: str, owner: str) -> None:
    """Rows of ``sheet`` (one unavailable slot each, ``owner`` naming the record) → ``table``'s ``unavailable``."""
    index = {record.get("id"): i for i, (_, record) in enumerate(rows[table])}
    for r, record in rows[sheet]:
        i = index.get(record.get(owner))
        if i is None:
            reader.errors.append(f"sheet {sheet}, row {r}, column {owner}: unknown {owner} '{record.get(owner)}'")
            continue
        slots = data[table][i].setdefault("unavailable", [])
        reader.table((table, i, "unavailable", len(slots)), sheet, r, {})
        slots.append({k: v for k, v in record.items() if k != owner})


def _read_after_school(reader: _Reader, rows: dict, data: dict[str, Any]) -> None:
    """after_school (one row) + windows / clubs / pupils / participation → ``after_school``; none: no service."""
    if not rows["after_school"] and not any(rows[sheet] for sheet in AFTER_SCHOOL_TABLES):
        return
    after: dict[str, Any] = {}
    if rows["after_school"]:
        r, record = rows["after_school"][0]
        after |= reader.table(("after_school",), "after_school", r, record)
    else:
        reader.where[("after_school",)] = ("after_school", None, None)
    for sheet, field in AFTER_SCHOOL_TABLES.items():
        after[field] = [
            reader.table(("after_school", field, i), sheet, r, record) for i, (r, record) in enumerate(rows[sheet])
        ]
        reader.where.setdefault(("after_school", field), (sheet, None, None))
    data["after_school"] = after


def _read_bells(reader: _Reader, rows: dict, data: dict[str, Any]) -> None:
    """bell_settings / bell_periods / bell_blocks rows → one bell schedule per stage."""
    schedules: dict[str, dict[str, Any]] = {}
    first_row: dict[str, Location] = {}
    for sheet in ("bell_settings", "bell_periods", "bell_blocks"):
        for r, record in rows[sheet]:
            stage = record.get("stage")
            if stage is None:
                reader.errors.append(f"sheet {sheet}, row {r}, column stage: missing (primary/小学 or middle/初中)")
                continue
            if stage not in schedules:
                schedules[stage] = {"stage": stage, "periods": [], "blocks": []}
                first_row[stage] = (sheet, r, "stage")
            schedule = schedules[stage]
            i = list(schedules).index(stage)
            if sheet == "bell_settings":
                schedule |= {k: v for k, v in record.items() if k != "stage"}
                reader.table(("bell_schedules", i), sheet, r, record)
            else:
                items = schedule["periods" if sheet == "bell_periods" else "blocks"]
                reader.table(
                    ("bell_schedules", i, "periods" if sheet == "bell_periods" else "blocks", len(items)), sheet, r, {}
                )
                items.append({k: v for k, v in record.items() if k != "stage"})
    for i, stage in enumerate(schedules):
        sheet, r, _ = first_row[stage]
        reader.where.setdefault(("bell_schedules", i), (sheet, r, None))
        reader.where[("bell_schedules", i, "stage")] = (sheet, r, "stage")
        reader.where[("bell_schedules", i, "periods")] = ("bell_periods", None, None)
    data["bell_schedules"] = list(schedules.values())


def read_school_workbook(path: str | Path) -> dict[str, Any]:
    """Read a school workbook into a dict for ``School.model_validate``; cell errors raise InputError."""
    data, _ = _read(path)
    return data


# ---- validation errors → sheet, row, column -----------------------------------------------
_PATH_IN_MESSAGE = re.compile(r"^([a-z_]+(?:\[\d+\])*(?:\.[a-z_]+(?:\[\d+\])*)*): (.*)$", re.S)


def _refine(loc: tuple, message: str) -> tuple[tuple, str]:
    """Sub-record validators say where inside the record: ('bell_schedules', 0) + 'periods[1].index: …'."""
    message = message.removeprefix("Value error, ")
    match = _PATH_IN_MESSAGE.match(message)
    if not match:
        return loc, message
    extra: list[str | int] = []
    for part in match[1].split("."):
        name, *indexes = re.split(r"\[|\]\[|\]", part.rstrip("]"))
        extra += [name, *(int(i) for i in indexes if i)]
    return (*loc, *extra), match[2]


def _locate(loc: tuple, message: str, where: dict[tuple, Location], overrides: dict) -> Location:
    if loc[:1] == ("policy",) and "preset" not in loc:
        scores = {path: _mention(path, message) for path in overrides}
        best = max(scores, key=scores.get, default=None)
        if best is not None and scores[best]:
            sheet, row, _ = where[("policy", "overrides", best)]
            # "override 'x.y': no such policy value" is about the path, anything else about the value.
            return (sheet, row, "path" if f"override '{best}'" in message else "value")
        if overrides and ("override" in message or loc[1:2] == ("overrides",)):
            return ("policy_overrides", None, None)
        return where.get(("policy", "preset"), ("school", None, "policy_preset"))
    for n in range(len(loc), 0, -1):
        if loc[:n] in where:
            return where[loc[:n]]
    return (TABLE_SHEETS.get(str(loc[0]), "school") if loc else "school", None, None)


def _mention(path: str, message: str) -> int:
    """How many leading parts of an override path the message names (``latest_lesson_end.3`` → 2)."""
    parts = path.split(".")
    for n in range(len(parts), 0, -1):
        if re.search(rf"(?<![\w.]){re.escape('.'.join(parts[:n]))}(?![\w])", message):
            return n
    return 0


def _tidy(message: str) -> str:
    """One line, without pydantic's type tags and documentation links."""
    message = re.sub(r"\s*\[type=[^\]]*\]", "", message)
    message = re.sub(r"\s*For further information visit \S+", "", message)
    return " ".join(message.split())


def _place(location: Location) -> str:
    sheet, row, column = location
    return ", ".join(
        part for part in (f"sheet {sheet}", f"row {row}" if row else "", f"column {column}" if column else "") if part
    )


def workbook_problems(exc: ValidationError, where: dict[tuple, Location], overrides: dict) -> list[str]:
    """One line per validation error, naming the sheet, Excel row and column it came from."""
    problems = []
    for error in exc.errors():
        loc, message = _refine(tuple(error["loc"]), error["msg"])
        location = _locate(loc, message, where, overrides)
        value = error.get("input")
        if error["type"] not in ("missing", "reference") and isinstance(value, str | int | float):
            message += f" (got {value!r})"
        problems.append(f"{_place(location)}: {_tidy(message)}")
    return problems


def load_school_workbook(path: str | Path) -> School:
    """Read and validate a school workbook; every problem names its sheet, row and column."""
    data, where = _read(path)
    try:
        return School.model_validate(data)
    except ValidationError as exc:
        overrides = data.get("policy", {}).get("overrides", {}) if isinstance(data.get("policy"), dict) else {}
        raise InputError(str(path), workbook_problems(exc, where, overrides)) from None
