"""Views: the placements table, class / teacher / room grids, policy table and the writers."""

from __future__ import annotations

import csv

import openpyxl
import pytest

from scheduler.check.report import Report, Violation
from scheduler.domain import School
from scheduler.solution import Placement, Solution
from scheduler.views import (
    class_grid,
    objective_table,
    placements_table,
    policy_table,
    report_table,
    room_grid,
    sheet_name,
    teacher_grid,
    teacher_load_table,
    write_timetable_csv,
    write_timetable_workbook,
)


def make_school() -> School:
    """Three classes (one with sections, one middle-school), a teacher of both stages, a gym."""
    primary = [("08:20", "09:00"), ("09:10", "09:50"), ("10:20", "11:00"), ("11:10", "11:50"), ("14:00", "14:40")]
    middle = [("08:00", "08:45"), ("08:55", "09:40"), ("10:10", "10:55"), ("11:05", "11:50"), ("14:00", "14:45")]
    return School.model_validate(
        {
            "id": "demo",
            "name": "实验小学",
            "bell_schedules": [
                {
                    "stage": "primary",
                    "name": "小学作息",
                    "periods": [{"index": i, "start": s, "end": e} for i, (s, e) in enumerate(primary, 1)],
                    "blocks": [{"name": "午餐", "kind": "lunch", "start": "11:50", "end": "13:00"}],
                },
                {
                    "stage": "middle",
                    "periods": [{"index": i, "start": s, "end": e} for i, (s, e) in enumerate(middle, 1)],
                },
            ],
            "policy": {"overrides": {"weekly_lessons.3": {"math": 2, "pe": 1}}},
            "subjects": [
                {"id": "math", "name": "数学", "category": "core", "morning_preferred": True},
                {"id": "pe", "name": "体育", "category": "pe", "room_type": "gym", "max_per_day": 1},
            ],
            "teachers": [
                {"id": "t-li", "name": "李老师", "subjects": ["math"]},
                {"id": "t-zhang", "name": "张伟", "subjects": ["pe"]},
                {"id": "t-both", "name": "周老师", "subjects": ["math"]},
                {"id": "t-zhao", "name": "赵老师", "subjects": ["pe"]},
            ],
            "rooms": [
                {"id": "r1", "name": "301教室"},
                {"id": "r2", "name": "302教室"},
                {"id": "r7", "name": "701教室"},
                {"id": "gym", "name": "体育馆", "type": "gym", "capacity": 2},
            ],
            "classes": [
                {"id": "c3-1", "name": "三年级1班", "grade": 3, "home_room": "r1"},
                {"id": "c3-2", "name": "三年级2班", "grade": 3, "home_room": "r2", "sections": ["男", "女"]},
                {"id": "c7-1", "name": "七年级1班", "grade": 7, "home_room": "r7"},
            ],
            "assignments": [
                {"class_id": "c3-1", "subject": "math", "teachers": ["t-li"], "doubles": 1},
                {"class_id": "c3-1", "subject": "pe", "teachers": ["t-zhang"]},
                {"class_id": "c3-2", "subject": "math", "teachers": ["t-both"]},
                {"class_id": "c7-1", "subject": "math", "teachers": ["t-both"], "periods_per_week": 2},
            ],
            "lessons": [
                {"id": "pe-boys", "subject": "pe", "teachers": ["t-zhang"], "groups": ["c3-2:男"]},
                {"id": "pe-girls", "subject": "pe", "teachers": ["t-zhao"], "groups": ["c3-2:女"]},
            ],
        }
    )


def make_solution() -> Solution:
    slots = [
        ("c3-1.math.d", 1, 1, None),  # a double: periods 1–2 on 周一
        ("c3-1.pe", 2, 3, "gym"),
        ("c3-2.math", 1, 1, None),
        ("c3-2.math", 3, 2, None),
        ("c7-1.math", 1, 2, None),
        ("c7-1.math", 3, 1, None),
        ("pe-boys", 2, 4, "gym"),
        ("pe-girls", 4, 4, "gym"),
    ]
    return Solution(
        school_id="demo",
        placements=[Placement(lesson=lesson, day=d, period=p, room=room) for lesson, d, p, room in slots],
        objective_terms={"teacher_gaps": 1, "core_in_afternoon": 0},
    )


@pytest.fixture
def school() -> School:
    return make_school()


@pytest.fixture
def solution() -> Solution:
    return make_solution()


def test_placements_table_has_one_sorted_row_per_session(school, solution):
    table = placements_table(school, solution)
    assert len(table) == len(solution.placements)
    assert list(table[["day", "开始"]].itertuples(index=False)) == sorted(
        table[["day", "开始"]].itertuples(index=False)
    )
    double = table[table["lesson"] == "c3-1.math.d"].iloc[0]
    assert (double["班级"], double["学科"], double["教师"], double["星期"]) == ("三年级1班", "数学", "李老师", "周一")
    assert (double["节次"], double["开始"], double["结束"], double["duration"]) == ("第1–2节", "08:20", "09:50", 2)
    gym = table[table["lesson"] == "pe-boys"].iloc[0]
    assert (gym["班级"], gym["教室"], gym["学段"]) == ("三年级2班（男）", "体育馆", "小学")


def test_placements_table_keeps_unplaceable_rows(school):
    bad = Solution(school_id="demo", placements=[Placement(lesson="nope", day=9, period=1)])
    table = placements_table(school, bad)
    assert list(table["lesson"]) == ["nope"]
    assert class_grid(school, bad, "c3-1").eq("").all().all()


def test_class_grid_cells_and_double_lessons(school, solution):
    grid = class_grid(school, solution, "c3-1")
    assert list(grid.columns) == ["周一", "周二", "周三", "周四", "周五"]
    assert list(grid.index)[:2] == ["第1节 08:20–09:00", "第2节 09:10–09:50"]
    assert len(grid) == 5
    assert grid.loc["第1节 08:20–09:00", "周一"] == "数学\n李老师"
    assert grid.loc["第2节 09:10–09:50", "周一"] == "数学\n李老师"  # the double fills both periods
    assert grid.loc["第3节 10:20–11:00", "周二"] == "体育\n张伟"
    assert (grid != "").sum().sum() == 3


def test_class_grid_shows_sections(school, solution):
    grid = class_grid(school, solution, "c3-2")
    assert grid.loc["第4节 11:10–11:50", "周二"] == "体育（男）\n张伟"
    assert grid.loc["第4节 11:10–11:50", "周四"] == "体育（女）\n赵老师"
    assert grid.loc["第1节 08:20–09:00", "周一"] == "数学\n周老师"


def test_middle_school_class_uses_its_own_bell_schedule(school, solution):
    grid = class_grid(school, solution, "c7-1")
    assert list(grid.index)[0] == "第1节 08:00–08:45"
    assert grid.loc["第2节 08:55–09:40", "周一"] == "数学\n周老师"


def test_teacher_grid_cells(school, solution):
    grid = teacher_grid(school, solution, "t-li")
    assert grid.loc["第1节 08:20–09:00", "周一"] == "三年级1班 数学"
    assert grid.loc["第2节 09:10–09:50", "周一"] == "三年级1班 数学"
    assert (grid != "").sum().sum() == 2


def test_teacher_of_both_stages_gets_a_row_block_per_bell_schedule(school, solution):
    grid = teacher_grid(school, solution, "t-both")
    assert len(grid) == 10
    assert grid.index[0] == "小学 第1节 08:20–09:00"
    assert grid.index[5] == "初中 第1节 08:00–08:45"
    assert grid.loc["小学 第1节 08:20–09:00", "周一"] == "三年级2班 数学"
    assert grid.loc["初中 第2节 08:55–09:40", "周一"] == "七年级1班 数学"
    assert grid.loc["初中 第1节 08:00–08:45", "周三"] == "七年级1班 数学"
    assert (grid != "").sum().sum() == 4


def test_room_grid_cells(school, solution):
    grid = room_grid(school, solution, "gym")
    assert grid.loc["第3节 10:20–11:00", "周二"] == "三年级1班 体育"
    assert grid.loc["第4节 11:10–11:50", "周二"] == "三年级2班（男） 体育"
    assert (grid != "").sum().sum() == 3
    assert room_grid(school, solution, "r7").index[0] == "第1节 08:00–08:45"  # 七年级1班's home room


def test_teacher_load_table(school, solution):
    load = teacher_load_table(school, solution).set_index("teacher")
    assert load.loc["t-both", "计划课时"] == 4  # 三年级 math 2 (the override) + 七年级 2
    assert load.loc["t-both", "已排课时"] == 4
    assert load.loc["t-zhao", "已排课时"] == 1
    assert load.loc["t-li", "周一"] == 2
    assert load.loc["t-li", "日最多"] == 2


def test_policy_table_marks_overrides(school):
    table = policy_table(school)
    assert table.iloc[0]["值"] == "national-2022"
    grade3 = table[table["类别"] == "课时计划·三年级"].set_index("项目")
    assert grade3.loc["数学", "值"] == "2"
    assert grade3.loc["数学", "状态"] == "已覆盖"
    assert grade3.loc["体育", "状态"] == "已覆盖"
    assert grade3.loc["每周合计", "值"] == "3"
    # Chinese was in the preset's grade-3 plan: the override dropped it, and the table says so.
    assert (grade3.loc["语文", "值"], grade3.loc["语文", "状态"], grade3.loc["语文", "预设值"]) == (
        "不计划",
        "已覆盖",
        "6",
    )
    grade7 = table[table["类别"] == "课时计划·七年级"].set_index("项目")
    assert grade7.loc["语文", "状态"] == "预设"  # preset subject names fill in for subjects the school lacks
    overrides = table[table["类别"] == "学校覆盖"]
    assert list(overrides["项目"]) == ["weekly_lessons.3"]
    assert overrides.iloc[0]["值"] == '{"math": 2, "pe": 1}'
    activity = table[table["path"] == "daily_activity_minutes"].iloc[0]
    assert (activity["值"], activity["状态"]) == ("60", "预设")


def test_policy_table_shows_the_preset_value_of_an_override():
    data = make_school().model_dump()
    data["policy"]["overrides"] = {"daily_activity_minutes": 90}
    table = policy_table(School.model_validate(data)).set_index("path")
    assert table.loc["daily_activity_minutes", "值"].iloc[0] == "90"
    assert table.loc["daily_activity_minutes", "预设值"].iloc[0] == "60"
    assert set(table.loc["daily_activity_minutes", "状态"]) == {"已覆盖"}


def test_report_and_objective_tables(school):
    report = Report(
        school_id="demo",
        violations=[
            Violation(rule="same_subject_same_day", severity="soft", message="软"),
            Violation(
                rule="teacher_clash", message="李老师 周一第1节 同时上两节课", teacher_id="t-li", day=1, period=1
            ),
        ],
    )
    table = report_table(report)
    assert list(table["严重程度"]) == ["硬性", "软性"]
    assert table.iloc[0]["说明"].startswith("李老师")
    assert report_table(Report(school_id="demo")).empty
    objectives = objective_table({"teacher_gaps": 2}, school.weights)
    assert objectives.iloc[0]["目标"] == "教师空堂"
    assert objectives.iloc[0]["加权值"] == 2 * school.weights.teacher_gaps


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = set()
    names = [
        sheet_name("教师-" + "张" * 40, taken),
        sheet_name("教师-" + "张" * 40, taken),
        sheet_name("a/b[c]:*?", taken),
    ]
    assert all(len(n) <= 31 for n in names)
    assert len(set(names)) == 3
    assert not any(ch in n for n in names for ch in "[]:*?/\\")


def test_timetable_workbook(tmp_path, school, solution):
    report = Report(school_id="demo", violations=[Violation(rule="teacher_clash", message="李老师 冲突")])
    path = write_timetable_workbook(school, solution, tmp_path / "out" / "课表.xlsx", report=report)
    workbook = openpyxl.load_workbook(path)
    names = workbook.sheetnames
    assert names[:2] == ["说明", "总表"]
    for expected in ["班级-三年级2班", "教师-张伟", "教室-体育馆", "政策", "检查报告", "教师课时"]:
        assert expected in names
    assert workbook["说明"]["B3"].value == "实验小学"
    grid = workbook["班级-三年级1班"]
    assert grid["A1"].value == "三年级1班 课表"
    assert [c.value for c in grid[2]][:3] == ["节次", "周一", "周二"]
    assert grid["B3"].value == "数学\n李老师"
    assert grid["B3"].alignment.wrap_text
    assert grid["B2"].font.bold
    assert workbook["总表"]["A1"].value == "班级"
    policy_values = [c.value for row in workbook["政策"].iter_rows() for c in row]
    assert "已覆盖" in policy_values
    assert "李老师 冲突" in [c.value for row in workbook["检查报告"].iter_rows() for c in row]
    assert all(len(n) <= 31 for n in names)


def test_timetable_workbook_without_report(tmp_path, school):
    path = write_timetable_workbook(school, Solution(school_id="demo"), tmp_path / "empty.xlsx")
    assert "检查报告" not in openpyxl.load_workbook(path).sheetnames


def test_timetable_csv(tmp_path, school, solution):
    written = write_timetable_csv(school, solution, tmp_path / "csv")
    names = {p.name for p in written}
    assert {"placements.csv", "teacher_load.csv", "policy.csv", "class-c3-1.csv", "teacher-t-both.csv"} <= names
    raw = (tmp_path / "csv" / "placements.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(tmp_path / "csv" / "class-c3-1.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["节次", "周一", "周二", "周三", "周四", "周五"]
    assert rows[1][:2] == ["第1节 08:20–09:00", "数学\n李老师"]
