"""Soft-goal terms recomputed by the checker, on hand-made timetables (values counted by hand)."""

from __future__ import annotations

from scheduler.check import check
from tests.check.schools import GOOD, sectioned_school, timetable, tiny_school

TERMS = {
    "teacher_gaps",
    "core_in_afternoon",
    "same_subject_same_day",
    "same_subject_in_a_row",
    "teacher_daily_overload",
    "class_daily_overload",
    "flexible_day_shortfall",
}


def test_a_good_timetable_of_the_tiny_school_costs_nothing() -> None:
    report = check(tiny_school(), timetable(GOOD))
    assert report.soft == dict.fromkeys(TERMS, 0)


def test_every_term_on_a_crowded_monday() -> None:
    #            周一                          周二
    # c1   1 数学  2 数学  5 体育            1 音乐
    # c2   1 体育  4 数学                    2 音乐  5 数学
    school = tiny_school(
        flexible={"min_days": 2, "late_arrival_until": "09:00", "early_leave_from": "12:00"},
        meetings=[{"id": "m", "name": "音乐教研", "teachers": ["t4"], "day": 1, "start": "08:00", "end": "13:00"}],
    )
    rows = [
        ("c1.math", 1, 1),
        ("c1.math", 1, 2),
        ("c1.pe", 1, 5),
        ("c1.music", 2, 1, "m1"),
        ("c2.math", 1, 4),
        ("c2.math", 2, 5),
        ("c2.pe", 1, 1),
        ("c2.music", 2, 2, "m1"),
    ]
    assert check(school, timetable(rows)).soft == {
        # 张老师 周一 第1、2、4节: two runs in the morning. 李老师 周一 第1、5节: one run per half day.
        "teacher_gaps": 1,
        # c2 数学 周二 第5节 (14:00) is the only morning-preferred period after 12:00.
        "core_in_afternoon": 1,
        # c1 has 数学 twice on 周一.
        "same_subject_same_day": 1,
        # ... in periods 1 and 2.
        "same_subject_in_a_row": 1,
        # 张老师 4 periods → share 2/day, 3 on 周一: 1. 李老师 2 periods → share 1/day, 2 on 周一: 1.
        "teacher_daily_overload": 2,
        # c1: 4 periods → share 2/day, 3 on 周一: 1. c2: 2 on each day: 0.
        "class_daily_overload": 1,
        # 李老师 周一 starts 08:20 and ends 14:40: 1 flexible day of 2.
        # 赵老师 周一 has the 08:00–13:00 meeting: 1 flexible day of 2. 张老师 and 王老师: 2 each.
        "flexible_day_shortfall": 2,
    }


def test_a_double_lesson_is_one_session() -> None:
    school = tiny_school(
        lessons=[{"id": "c1.art", "subject": "art", "teachers": ["t3"], "groups": ["c1"], "duration": 2}]
    )
    rows = [("c1.art", 1, 3), ("c1.math", 2, 4), ("c1.math", 2, 5)]
    soft = check(school, timetable(rows)).soft
    # 美术 第3–4节 is one session: not "in a row"; 数学 第4、5节 are two sessions: in a row.
    assert soft["same_subject_in_a_row"] == 1
    assert soft["same_subject_same_day"] == 1
    assert soft["core_in_afternoon"] == 1
    # 王老师 2 periods → share 1/day, 2 on 周一; 张老师 likewise on 周二.
    assert soft["teacher_daily_overload"] == 2
    # c1: the double on 周一 and two 数学 on 周二: 2 periods each day, share 2.
    assert soft["class_daily_overload"] == 0
    # 张老师 周二 第4节 (morning) and 第5节 (afternoon) are one run in each half day.
    assert soft["teacher_gaps"] == 0


def test_section_terms_count_per_atom() -> None:
    rows = [("c3.math", 1, 1), ("c3.math", 1, 2), ("c3.pe.m", 2, 5), ("c3.pe.f", 2, 4)]
    soft = check(sectioned_school(), timetable(rows)).soft
    # Both 男 and 女 have 数学 twice on 周一, in periods 1 and 2.
    assert soft["same_subject_same_day"] == 2
    assert soft["same_subject_in_a_row"] == 2
    assert soft["teacher_gaps"] == 0
    assert soft["teacher_daily_overload"] == 2
    # 男 and 女: 数学 ×2 on 周一, one PE on 周二 → share 2/day: 0 each.
    assert soft["class_daily_overload"] == 0
    # Everything ends by 15:30: every day is flexible.
    assert soft["flexible_day_shortfall"] == 0


def test_teachers_without_sessions_have_no_shortfall() -> None:
    school = tiny_school(flexible={"min_days": 3})  # more than the 2 school days
    assert check(school, timetable([])).soft["flexible_day_shortfall"] == 0
    assert check(school, timetable([("c1.pe", 1, 1)])).soft["flexible_day_shortfall"] == 1
