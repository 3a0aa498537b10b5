"""Relations between lessons (consecutive, grouped, ordered, ends the day, same day / period): a correct
timetable passes, a broken one is caught (the cases of tests/check/test_check_rules.py, for these rules)."""

from __future__ import annotations

import pytest

from scheduler.check import check
from tests.check.schools import GOOD, replace, timetable, tiny_school
from tests.check.test_check_rules import Case

# GOOD:   周一: c1 1 数学 2 体育, c2 1 音乐 2 数学;  周二: c1 1 数学 2 音乐, c2 1 体育 2 数学
RELATION_CASES = [
    Case(
        "consecutive",
        replace(GOOD, ("c1.music", 2, 2, "m1"), ("c1.music", 2, 3, "m1")),
        {"lesson_id": "c1.music", "class_id": "c1", "day": 2, "period": 3},
        ("三年级1班 音乐 应紧接在 三年级2班 体育 之后（同一天），但 周二 第3节 没有这样排",),
        school=tiny_school(patch={"lessons.c1.music": {"consecutive_after": "c2.pe"}}),
    ),
    Case(
        "grouped",
        replace(GOOD, ("c1.pe", 1, 2), ("c1.pe", 1, 3)),
        {"lesson_id": "c1.pe", "class_id": "c1", "day": 1},
        ("三年级1班 体育、三年级2班 音乐 应在同一天连着上（顺序不限），周一却没有这样排",),
        school=tiny_school(patch={"lessons.c1.pe": {"grouped_with": ["c2.music"]}}),
    ),
    Case(
        "ordered",
        replace(GOOD, ("c1.music", 2, 2, "m1"), ("c1.music", 1, 3, "m1")),
        {"lesson_id": "c1.music", "class_id": "c1", "day": 1, "period": 3},
        ("三年级1班 音乐（周一 第3节）应排在 三年级2班 体育（周二 第1节）结束之后",),
        school=tiny_school(patch={"lessons.c1.music": {"ordered_after": ["c2.pe"]}}),
    ),
    Case(
        "ordered_if_same_day",
        replace(GOOD, ("c2.music", 1, 1, "m1"), ("c2.music", 1, 3, "m1")),
        {"lesson_id": "c1.pe", "class_id": "c1", "day": 1, "period": 2},
        ("三年级1班 体育（周一 第2节）应排在 三年级2班 音乐（周一 第3节）结束之后（同一天时）",),
        school=tiny_school(patch={"lessons.c1.pe": {"ordered_if_same_day_after": ["c2.music"]}}),
    ),
    Case(
        "ends_day",
        replace(GOOD, ("c1.math", 1, 1), ("c1.math", 1, 3)),
        {"lesson_id": "c1.pe", "class_id": "c1", "day": 1, "period": 2},
        ("三年级1班 体育（周一 第2节）应是学生当天最后一节课，之后却还有 三年级1班 数学（周一 第3节）",),
        school=tiny_school(patch={"lessons.c1.pe": {"ends_day": True}}),
    ),
    Case(
        "same_day",
        replace(GOOD, ("c2.music", 1, 1, "m1"), ("c2.music", 2, 3, "m1")),
        {"lesson_id": "c1.pe", "class_id": "c1", "day": 1},
        ("三年级1班 体育 与 三年级2班 音乐 应在同一天上课，但周一的次数不同",),
        school=tiny_school(patch={"lessons.c1.pe": {"same_day_as": "c2.music"}}),
    ),
    Case(
        "same_hour",
        replace(GOOD, ("c1.music", 2, 2, "m1"), ("c1.music", 2, 3, "m1")),
        {"lesson_id": "c1.music", "class_id": "c1", "period": 3},
        ("三年级1班 音乐 与 三年级1班 体育 应在同一节次开始，但第3节的次数不同",),
        school=tiny_school(patch={"lessons.c1.music": {"same_hour_as": "c1.pe"}}),
    ),
]


@pytest.mark.parametrize("case", RELATION_CASES, ids=lambda case: case.rule)
def test_correct_timetable_passes(case: Case) -> None:
    report = check(case.school, timetable(case.good))
    assert report.hard == [], [v.message for v in report.hard]


@pytest.mark.parametrize("case", RELATION_CASES, ids=lambda case: case.rule)
def test_broken_timetable_is_caught(case: Case) -> None:
    report = check(case.school, timetable(case.broken))
    assert set(report.counts()) == {case.rule} | case.also, [v.message for v in report.hard]
    matching = [v for v in report.of(case.rule) if all(getattr(v, k) == want for k, want in case.expect.items())]
    assert matching, [v.model_dump() for v in report.of(case.rule)]
    for name in case.names:
        assert any(name in v.message for v in report.of(case.rule)), [v.message for v in report.of(case.rule)]


def test_grouped_pairs_sessions_of_lessons_with_several_sessions() -> None:
    # c1.math (2 sessions) grouped with c2.math (2 sessions): GOOD has them back to back on both days
    school = tiny_school(patch={"lessons.c1.math": {"grouped_with": ["c2.math"]}})
    assert check(school, timetable(GOOD)).hard == []
    # both of c2's math lessons on one day: day 1 has two of c2's and one of c1's
    rows = replace(replace(GOOD, ("c2.math", 2, 2), ("c2.math", 1, 3)), ("c2.pe", 2, 1), ("c2.pe", 2, 2))
    report = check(school, timetable(rows))
    assert {v.day for v in report.of("grouped")} == {1, 2}


def test_three_lessons_grouped_in_any_order() -> None:
    school = tiny_school(patch={"lessons.c1.pe": {"grouped_with": ["c2.music", "c2.pe"]}})
    assert check(school, timetable(GOOD)).of("grouped")  # c2's PE is on 周二
    rows = replace(GOOD, ("c2.pe", 2, 1), ("c2.pe", 1, 3))  # 周一: c2 音乐 1, c1 体育 2, c2 体育 3
    assert check(school, timetable(rows)).hard == []


def test_ends_day_holds_for_each_section_it_covers() -> None:
    school = tiny_school(
        classes=[{"id": "c3", "name": "三年级3班", "grade": 3, "sections": ["男", "女"]}],
        lessons=[
            {"id": "c3.math", "subject": "math", "teachers": ["t1"], "groups": ["c3"], "count": 2},
            {"id": "c3.pe.m", "subject": "pe", "teachers": ["t2"], "groups": ["c3:男"], "ends_day": True},
            {"id": "c3.pe.f", "subject": "pe", "teachers": ["t2"], "groups": ["c3:女"]},
        ],
    )
    rows = [*GOOD, ("c3.math", 1, 3), ("c3.math", 2, 3), ("c3.pe.m", 1, 4), ("c3.pe.f", 1, 5)]
    assert check(school, timetable(rows)).hard == []  # the girls' PE after the boys' PE is no lesson of the boys
    rows = [*GOOD, ("c3.math", 1, 5), ("c3.math", 2, 3), ("c3.pe.m", 1, 4), ("c3.pe.f", 2, 4)]
    assert [v.period for v in check(school, timetable(rows)).of("ends_day")] == [4]
