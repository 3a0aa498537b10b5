"""Class not-available periods and class gap caps in the checker (FET students sets' semantics)."""

from __future__ import annotations

from typing import Any

import pytest

from scheduler.check import check
from tests.check import test_check_rules as base
from tests.check.schools import GOOD, replace, sectioned_school, timetable, tiny_school
from tests.check.test_check_rules import Case

CLASS_DAY_CASES = [
    Case(
        "class_unavailable",
        replace(GOOD, ("c1.pe", 1, 2), ("c1.pe", 1, 3)),
        {"lesson_id": "c1.pe", "class_id": "c1", "day": 1, "period": 3},
        ("三年级1班", "体育", "周一 第3节", "不排课时段"),
        school=tiny_school(patch={"classes.c1": {"unavailable": [{"day": 1, "period": 3}]}}),
    ),
    Case(
        "class_max_gaps",
        replace(GOOD, ("c1.pe", 1, 2), ("c1.pe", 1, 4)),
        {"class_id": "c1", "day": 1},
        ("三年级1班 周一 有 2 节空堂，每天最多 1 节",),
        school=tiny_school(patch={"classes.c1": {"max_gaps_per_day": 1}}),
    ),
    Case(
        "class_late_starts",
        replace(replace(GOOD, ("c1.math", 1, 1), ("c1.math", 1, 3)), ("c1.math", 2, 1), ("c1.math", 2, 3)),
        {"class_id": "c1"},
        ("三年级1班 一周有 2 天晚一节开始上课（周一、周二），上限 1 天",),
        school=tiny_school(patch={"classes.c1": {"max_late_starts_per_week": 1}}),
    ),
    Case(
        "class_max_consecutive",
        replace(GOOD, ("c1.math", 2, 1), ("c1.math", 1, 3)),  # 三年级1班 周一: 第1、2、3节
        {"class_id": "c1", "day": 1, "period": 3},
        ("三年级1班 周一 第1–3节 连上 3 节，超过连上上限 2 节",),
        school=tiny_school(patch={"classes.c1": {"max_consecutive": 2}, "subjects.math": {"max_per_day": 2}}),
    ),
    Case(
        "class_tag_hours",
        replace(GOOD, ("c1.math", 2, 1), ("c1.math", 1, 3)),  # 三年级1班 周一: 数学、体育、数学
        {"class_id": "c1", "day": 1, "period": 3},
        ("三年级1班 周一 第1–3节 连上「主课」课 3 节，超过连上上限 2 节",),
        school=tiny_school(
            patch={
                "classes.c1": {"tag_limits": [{"tag": "主课", "max_consecutive": 2}]},
                "lessons.c1.math": {"tags": ["主课"]},
                "lessons.c1.pe": {"tags": ["主课"]},
                "subjects.math": {"max_per_day": 2},
            }
        ),
    ),
]


@pytest.mark.parametrize("case", CLASS_DAY_CASES, ids=lambda case: case.rule)
def test_correct_timetable_passes(case: Case) -> None:
    base.test_correct_timetable_passes(case)


@pytest.mark.parametrize("case", CLASS_DAY_CASES, ids=lambda case: case.rule)
def test_broken_timetable_is_caught(case: Case) -> None:
    base.test_broken_timetable_is_caught(case)


def _messages(rule: str, rows: list, **fields: Any) -> list[str]:
    return [v.message for v in check(tiny_school(patch={"classes.c1": fields}), timetable(rows)).of(rule)]


def test_unavailable_period_is_no_gap() -> None:
    # 三年级1班 周一: 数学 第1节, 体育 第3节; 第2节 is a gap unless the class is unavailable then
    rows = replace(GOOD, ("c1.pe", 1, 2), ("c1.pe", 1, 3))
    assert _messages("class_no_gaps", rows, no_gaps=True) == ["三年级1班 周一 第2节 空堂（前后都有课）"]
    assert _messages("class_no_gaps", rows, no_gaps=True, unavailable=[{"day": 1, "period": 2}]) == []
    assert _messages("class_max_gaps", rows, max_gaps_per_week=0) == ["三年级1班 一周共有 1 节空堂，上限 0 节"]
    assert _messages("class_max_gaps", rows, max_gaps_per_week=0, unavailable=[{"day": 1, "period": 2}]) == []


def test_day_may_start_after_unavailable_periods() -> None:
    # 三年级1班 周二: 音乐 第2节, 数学 第3节; 第1节 empty
    rows = replace(GOOD, ("c1.math", 2, 1), ("c1.math", 2, 3))
    assert _messages("class_starts_first_period", rows, starts_first_period=True) == [
        "三年级1班 周二 第1节 没有课，但当天后面有课"
    ]
    flags = {"starts_first_period": True, "unavailable": [{"day": 2, "period": 1}]}
    assert _messages("class_starts_first_period", rows, **flags) == []
    # unavailable in 第1节 but free in 第2节: the day must start in 第2节
    late = replace(
        replace(GOOD, ("c1.music", 2, 2, "m1"), ("c1.music", 2, 4, "m1")), ("c1.math", 2, 1), ("c1.math", 2, 3)
    )
    assert _messages("class_starts_first_period", late, **flags) == ["三年级1班 周二 第2节 没有课，但当天后面有课"]


def test_section_slot_blocks_only_that_section() -> None:
    data = sectioned_school().model_dump()
    c3 = next(c for c in data["classes"] if c["id"] == "c3")
    c3["unavailable"] = [{"day": 1, "period": 3, "section": "男"}]
    school = type(sectioned_school()).model_validate(data)
    rows = [*GOOD, ("c3.math", 1, 1), ("c3.math", 2, 1), ("c3.pe.m", 1, 3), ("c3.pe.f", 1, 3)]
    report = check(school, timetable(rows))
    assert [v.message for v in report.of("class_unavailable")] == [
        "三年级3班（男） 周一 第3节 为不排课时段，却排了体育"
    ]
    assert [(v.lesson_id, v.period) for v in report.of("class_unavailable")] == [("c3.pe.m", 3)]


def test_gaps_are_counted_per_section_and_week() -> None:
    data = sectioned_school().model_dump()
    c3 = next(c for c in data["classes"] if c["id"] == "c3")
    c3.update(max_gaps_per_week=1)
    school = type(sectioned_school()).model_validate(data)
    # 男: 周一 1 math, 3 PE (one gap); 周二 1 math, 4 ... 女: 周一 1 math, 2 PE (none)
    rows = [*GOOD, ("c3.math", 1, 1), ("c3.math", 2, 1), ("c3.pe.m", 1, 3), ("c3.pe.f", 1, 2)]
    assert check(school, timetable(rows)).of("class_max_gaps") == []
    rows = [*GOOD, ("c3.math", 1, 1), ("c3.math", 2, 1), ("c3.pe.m", 1, 4), ("c3.pe.f", 1, 2)]
    assert [v.message for v in check(school, timetable(rows)).of("class_max_gaps")] == [
        "三年级3班（男） 一周共有 2 节空堂，上限 1 节"
    ]


def test_late_start_is_at_most_one_free_period():
    # 三年级1班 周一: 体育 第2节 → 第3节 and 数学 第1节 → 第4节: 第1、2节 free before the first lesson
    rows = replace(replace(GOOD, ("c1.pe", 1, 2), ("c1.pe", 1, 3)), ("c1.math", 1, 1), ("c1.math", 1, 4))
    assert _messages("class_late_starts", rows, max_late_starts_per_week=5) == [
        "三年级1班 周一 第1、2节 都没有课，但当天后面有课"
    ]
    # with 第1节 unavailable, only 第2节 is free before: one late day, allowed
    assert _messages("class_late_starts", rows, max_late_starts_per_week=1, unavailable=[{"day": 1, "period": 1}]) == []


def test_lunch_ends_a_class_row_and_an_untagged_lesson_a_tag_row() -> None:
    # 三年级1班 周一: 数学 第3节, 体育 第4节, 午餐, 数学 第5节: rows of 2 and 1
    rows = replace(replace(GOOD, ("c1.pe", 1, 2), ("c1.pe", 1, 4)), ("c1.math", 1, 1), ("c1.math", 1, 3))
    rows = replace(rows, ("c1.math", 2, 1), ("c1.math", 1, 5))
    math_twice = {"subjects.math": {"max_per_day": 2}}
    school = tiny_school(patch={"classes.c1": {"max_consecutive": 2}, **math_twice})
    assert check(school, timetable(rows)).of("class_max_consecutive") == []
    # 数学 第1、3节 with 体育 between: no two tagged periods in a row
    rows = replace(GOOD, ("c1.math", 2, 1), ("c1.math", 1, 3))
    limits = {"tag_limits": [{"tag": "主课", "max_consecutive": 1}]}
    school = tiny_school(patch={"classes.c1": limits, "lessons.c1.math": {"tags": ["主课"]}, **math_twice})
    assert check(school, timetable(rows)).of("class_tag_hours") == []
