"""After-school views and workbook sheets, on the checker's hand-made plan (tests/check/test_check_afterschool.py)."""

from __future__ import annotations

from openpyxl import load_workbook

from scheduler import views
from tests.check.test_check_afterschool import BASE, GOOD_PLAN, solution


def test_plan_roster_and_summary_tables():
    sol = solution(GOOD_PLAN)
    plan = views.after_school_plan_table(BASE, sol)
    monday = plan[plan["day"] == 1]
    assert list(monday["时段"]) == ["第一时段", "第一时段", "第二时段", "第二时段"]  # no pupil left for reading
    first = monday.iloc[0]
    assert (first["班级/社团"], first["教师"], first["地点"], first["人数"]) == (
        "三年级1班",
        "王老师",
        "三年级1班教室",
        3,
    )
    football = monday[monday["班级/社团"] == "足球"].iloc[0]
    assert (football["教师"], football["地点"], football["人数"]) == ("孙教练", "操场", 2)
    roster = views.club_roster_table(BASE, sol)
    assert len(roster) == 4 and set(roster["志愿"]) == {"第1志愿", "第2志愿"}
    table = views.choice_summary_table(BASE, sol)
    summary = dict(zip(table["key"], table["值"], strict=True))
    assert summary["unplaced"] == 0 and summary["first_choice"] == 100.0 and summary["two_clubs"] == 1


def test_teacher_hours_show_arrival_leave_and_flexible_days():
    table = views.teacher_hours_table(BASE, solution(GOOD_PLAN)).set_index("teacher")
    # 王老师: 周一 supervision only → arrives 09:00 (晚到), leaves 17:30 with the service
    assert table.loc["t3", "周一"] == "09:00–17:30（晚到）"
    assert table.loc["t1", "周一"] == "08:20–15:30（早走）"
    assert table.loc["t3", "弹性天数"] == 2 and table.loc["t3", "课后服务次数"] == 2
    assert table.loc["x2", "校外"] == "是"


def test_activity_table_counts_sports_club_pupils_towards_120_minutes():
    table = views.activity_table(BASE, solution(GOOD_PLAN)).set_index(["class", "day"])
    row = table.loc[("c1", 1)]
    # 大课间 30 + 体育 40 = 70 in school; p1 plays 足球 (90 min) → 160 ≥ 120
    assert (row["校内合计"], row["体育社团人数"], row["达到120分钟人数"]) == (70, 1, 1)


def test_workbook_has_the_after_school_sheets(tmp_path):
    path = views.write_timetable_workbook(BASE, solution(GOOD_PLAN), tmp_path / "t.xlsx")
    names = load_workbook(path).sheetnames
    assert {"课后服务安排", "社团名单", "选课满意度", "教师弹性上下班", "每日体育活动"} <= set(names)
