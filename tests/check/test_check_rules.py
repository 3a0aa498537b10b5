"""Every hard rule of docs/RULES.md: a correct timetable passes, a broken one is caught."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from scheduler.check import check
from scheduler.check.rules import AFTER_SCHOOL_RULE_IDS, RULE_IDS
from scheduler.domain import School
from scheduler.solution import Placement, Solution
from tests.check.schools import GOOD, Row, replace, timetable, tiny_school

BASE = tiny_school()

# GOOD with nothing in period 1 (for a 09:00 earliest start).
LATE: list[Row] = [
    ("c1.math", 1, 3),
    ("c1.math", 2, 3),
    ("c1.pe", 1, 2),
    ("c1.music", 2, 2, "m1"),
    ("c2.math", 1, 2),
    ("c2.math", 2, 2),
    ("c2.pe", 2, 3),
    ("c2.music", 1, 3, "m1"),
]

# GOOD with 三年级1班's 数学 and 体育 in the 多功能教室 (周一 第1、2节: consecutive)
SAME_ROOM_GOOD: list[Row] = [(*row, "r1") if row[0] in ("c1.math", "c1.pe") else row for row in GOOD]

ART_DOUBLE = {"id": "c1.art", "subject": "art", "teachers": ["t3"], "groups": ["c1"], "duration": 2}
BLOCKS_WITH_AFTERNOON_SPORT = [
    {"name": "大课间", "kind": "activity", "start": "09:50", "end": "10:20", "physical_activity": True},
    {"name": "午餐", "kind": "lunch", "start": "11:50", "end": "13:30"},
    {"name": "课外活动", "kind": "activity", "start": "15:00", "end": "15:40", "physical_activity": True, "days": [2]},
]


@dataclass
class Case:
    """A school where ``rule`` bites, a timetable that keeps it and one that breaks it."""

    rule: str
    broken: list[Row]
    expect: dict[str, Any]  # fields of the violation
    names: tuple[str, ...]  # names from the data the message must contain
    school: School = field(default_factory=lambda: BASE)
    good: list[Row] = field(default_factory=lambda: list(GOOD))
    broken_school: School | None = None  # when the rule is broken by the data, not the placements
    also: frozenset[str] = frozenset()  # other rules the broken timetable necessarily breaks


CASES = [
    Case(
        "placement_valid",
        replace(GOOD, ("c1.pe", 1, 2), ("c1.pe", 1, 6)),
        {"lesson_id": "c1.pe", "class_id": "c1", "day": 1, "period": 6},
        ("三年级1班", "体育", "第6节"),
        also=frozenset({"lesson_count", "weekly_hours"}),
    ),
    Case(
        "lesson_count",
        [r for r in GOOD if r != ("c2.math", 2, 2)],
        {"lesson_id": "c2.math", "class_id": "c2"},
        ("三年级2班", "数学", "排了 1 次，应为 2 次"),
        also=frozenset({"weekly_hours"}),
    ),
    Case(
        "weekly_hours",
        [r for r in GOOD if r != ("c1.math", 2, 1)],
        {"class_id": "c1"},
        ("三年级1班 数学 每周 1 节，少于课程方案规定的 2 节",),
        broken_school=tiny_school(patch={"lessons.c1.math": {"count": 1}}),
    ),
    Case(
        "class_clash",
        replace(GOOD, ("c1.pe", 1, 2), ("c1.pe", 1, 1)),
        {"class_id": "c1", "lesson_id": "c1.pe", "day": 1, "period": 1},
        ("三年级1班 周一 第1节 同时有两节课：数学、体育",),
    ),
    Case(
        "teacher_clash",
        replace(replace(GOOD, ("c1.math", 2, 1), ("c1.math", 2, 3)), ("c2.math", 2, 2), ("c2.math", 2, 3)),
        {"teacher_id": "t1", "day": 2, "period": 3},
        ("张老师 周二 第3节 同时有两节课：三年级1班 数学、三年级2班 数学",),
    ),
    Case(
        "room_missing",
        replace(GOOD, ("c1.music", 2, 2, "m1"), ("c1.music", 2, 2)),
        {"lesson_id": "c1.music", "class_id": "c1", "day": 2, "period": 2},
        ("三年级1班", "音乐", "没有安排教室"),
    ),
    Case(
        "room_type",
        replace(GOOD, ("c1.music", 2, 2, "m1"), ("c1.music", 2, 2, "r1")),
        {"lesson_id": "c1.music", "room_id": "r1", "day": 2, "period": 2},
        ("三年级1班", "多功能教室"),
    ),
    Case(
        "room_capacity",
        replace(
            replace(GOOD, ("c1.music", 2, 2, "m1"), ("c1.music", 1, 3, "m1")),
            ("c2.music", 1, 1, "m1"),
            ("c2.music", 1, 3, "m1"),
        ),
        {"room_id": "m1", "day": 1, "period": 3},
        ("音乐教室", "三年级1班", "三年级2班", "容量 1"),
    ),
    Case(
        "room_unavailable",
        replace(GOOD, ("c1.music", 2, 2, "m1"), ("c1.music", 1, 3, "m1")),
        {"room_id": "m1", "lesson_id": "c1.music", "class_id": "c1", "day": 1, "period": 3},
        ("音乐教室 周一 第3节 不可用，却安排了 三年级1班 音乐",),
        school=tiny_school(patch={"rooms.m1": {"unavailable": [{"day": 1, "period": 3}]}}),
    ),
    Case(
        "room_set",
        list(GOOD),
        {"room_id": "m1", "lesson_id": "c1.music", "class_id": "c1", "day": 2, "period": 2},
        ("三年级1班 音乐 周二 第2节 排在音乐教室，不在指定教室（多功能教室）之中",),
        school=tiny_school(patch={"lessons.c1.music": {"rooms": ["r1"]}}),
        good=replace(GOOD, ("c1.music", 2, 2, "m1"), ("c1.music", 2, 2, "r1")),
    ),
    Case(
        "rooms_max_different",
        replace(GOOD, ("c1.music", 2, 2, "m1"), ("c1.music", 2, 2, "r1")),
        {"lesson_id": "c1.music"},
        ("教室组 g1（三年级1班 音乐、三年级2班 音乐）用了 2 间教室（多功能教室、音乐教室），最多 1 间",),
        school=tiny_school(
            patch={"lessons.c1.music": {"rooms": ["m1", "r1"]}, "lessons.c2.music": {"rooms": ["m1", "r1"]}},
            room_groups=[{"id": "g1", "lessons": ["c1.music", "c2.music"], "max_rooms": 1}],
        ),
    ),
    Case(
        "same_room_if_consecutive",
        replace(SAME_ROOM_GOOD, ("c1.pe", 1, 2, "r1"), ("c1.pe", 1, 2, "m1")),
        {"lesson_id": "c1.pe", "class_id": "c1", "room_id": "m1", "day": 1, "period": 2},
        ("教室组 g1：三年级1班 数学 周一 第1节 在多功能教室，紧接着的 三年级1班 体育 周一 第2节 却在音乐教室",),
        school=tiny_school(
            patch={"lessons.c1.math": {"rooms": ["r1", "m1"]}, "lessons.c1.pe": {"rooms": ["r1", "m1"]}},
            room_groups=[{"id": "g1", "lessons": ["c1.math", "c1.pe"], "same_room_if_consecutive": True}],
        ),
        good=list(SAME_ROOM_GOOD),
    ),
    Case(
        "teacher_unavailable",
        replace(GOOD, ("c1.math", 2, 1), ("c1.math", 2, 3)),
        {"teacher_id": "t1", "lesson_id": "c1.math", "day": 2, "period": 3},
        ("张老师", "三年级1班"),
        school=tiny_school(patch={"teachers.t1": {"unavailable": [{"day": 2, "period": 3}]}}),
    ),
    Case(
        "meeting",
        replace(GOOD, ("c1.math", 1, 1), ("c1.math", 1, 3)),
        {"teacher_id": "t1", "lesson_id": "c1.math", "day": 1, "period": 3},
        ("张老师", "三年级1班", "数学教研"),
        school=tiny_school(
            meetings=[{"id": "m", "name": "数学教研", "teachers": ["t1"], "day": 1, "start": "10:00", "end": "11:00"}]
        ),
    ),
    Case(
        "teacher_max_week",
        list(GOOD),
        {"teacher_id": "t1"},
        ("张老师 每周 4 节，超过上限 3 节",),
        broken_school=tiny_school(patch={"teachers.t1": {"max_lessons_per_week": 3}}),
    ),
    Case(
        "teacher_max_day",
        replace(GOOD, ("c1.math", 2, 1), ("c1.math", 1, 3)),
        {"teacher_id": "t1", "day": 1},
        ("张老师 周一 上 3 节",),
        school=tiny_school(patch={"teachers.t1": {"max_lessons_per_day": 2}, "subjects.math": {"max_per_day": 2}}),
    ),
    Case(
        "teacher_min_day",
        replace(GOOD, ("c2.math", 2, 2), ("c2.math", 1, 3)),  # 张老师: 周一 3 节, 周二 1 节
        {"teacher_id": "t1", "day": 2},
        ("张老师 周二 上 1 节，少于每天至少 2 节",),
        school=tiny_school(patch={"teachers.t1": {"min_lessons_per_day": 2}, "subjects.math": {"max_per_day": 2}}),
    ),
    Case(
        "teacher_max_days",
        list(GOOD),
        {"teacher_id": "t1"},
        ("张老师 一周在 2 天有课（周一、周二），上限 1 天",),
        school=tiny_school(patch={"teachers.t1": {"max_days_per_week": 2}}),
        broken_school=tiny_school(patch={"teachers.t1": {"max_days_per_week": 1}}),
    ),
    Case(
        "teacher_min_days",
        replace(replace(GOOD, ("c1.math", 2, 1), ("c1.math", 1, 3)), ("c2.math", 2, 2), ("c2.math", 1, 4)),
        {"teacher_id": "t1"},
        ("张老师 一周只在 1 天有课（周一），至少 2 天",),
        school=tiny_school(patch={"teachers.t1": {"min_days_per_week": 2}, "subjects.math": {"max_per_day": 2}}),
    ),
    Case(
        "teacher_max_gaps",
        replace(GOOD, ("c2.math", 2, 2), ("c2.math", 2, 4)),  # 张老师 周二: 第1节, 第4节
        {"teacher_id": "t1", "day": 2},
        ("张老师 周二 有 2 节空堂，每天最多 1 节",),
        school=tiny_school(patch={"teachers.t1": {"max_gaps_per_day": 1}}),
    ),
    Case(
        "teacher_max_consecutive",
        replace(GOOD, ("c1.math", 2, 1), ("c1.math", 1, 3)),  # 张老师 周一: 第1、2、3节
        {"teacher_id": "t1", "day": 1, "period": 3},
        ("张老师 周一 第1–3节 连上 3 节，超过连上上限 2 节",),
        school=tiny_school(patch={"teachers.t1": {"max_consecutive": 2}, "subjects.math": {"max_per_day": 2}}),
    ),
    Case(
        "teacher_tag_hours",
        replace(GOOD, ("c1.math", 2, 1), ("c1.math", 1, 3)),  # 张老师 周一: 三年级1班 数学 第1、3节
        {"teacher_id": "t1", "day": 1},
        ("张老师 周一 上「主课」课 2 节，超过每天上限 1 节",),
        school=tiny_school(
            patch={
                "teachers.t1": {"tag_limits": [{"tag": "主课", "max_per_day": 1}]},
                "lessons.c1.math": {"tags": ["主课"]},
                "subjects.math": {"max_per_day": 2},
            }
        ),
    ),
    Case(
        "teacher_interval_max_days",
        list(GOOD),  # 张老师 第1节: 周一、周二
        {"teacher_id": "t1", "day": 2},
        ("张老师 一周有 2 天在第1节有课（周一、周二），上限 1 天",),
        school=tiny_school(
            patch={"teachers.t1": {"interval_max_days": [{"first_period": 1, "last_period": 1, "max_days": 1}]}}
        ),
        good=replace(GOOD, ("c1.math", 2, 1), ("c1.math", 2, 3)),
    ),
    Case(
        "pinned",
        replace(GOOD, ("c1.math", 1, 1), ("c1.math", 1, 3)),
        {"lesson_id": "c1.math", "class_id": "c1", "day": 1, "period": 1},
        ("三年级1班", "周一 第1节"),
        school=tiny_school(patch={"lessons.c1.math": {"pinned": [{"day": 1, "period": 1}]}}),
    ),
    Case(
        "different_days",
        replace(GOOD, ("c1.math", 2, 1), ("c1.math", 1, 3)),
        {"lesson_id": "c1.math", "class_id": "c1", "day": 1},
        ("三年级1班 数学：周一有 2 节，应分在不同的日子",),
        school=tiny_school(patch={"lessons.c1.math": {"different_days": True}, "subjects.math": {"max_per_day": 2}}),
    ),
    Case(
        "days_apart",
        replace(GOOD, ("c1.pe", 1, 2), ("c1.pe", 2, 3)),
        {"lesson_id": "c1.pe", "class_id": "c1", "day": 2},
        ("三年级1班 体育（周二）和三年级1班 音乐（周二）不应排在同一天",),
        school=tiny_school(patch={"lessons.c1.pe": {"days_apart_from": [{"lesson": "c1.music", "days": 1}]}}),
    ),
    Case(
        "adjacent_if_same_day",
        replace(GOOD, ("c1.math", 2, 1), ("c1.math", 1, 3)),
        {"lesson_id": "c1.math", "class_id": "c1", "day": 1, "period": 3},
        ("三年级1班 数学（周一第1节）和三年级1班 数学（第3节）同一天上课，应连着上",),
        school=tiny_school(
            patch={"lessons.c1.math": {"adjacent_if_same_day": True}, "subjects.math": {"max_per_day": 2}}
        ),
        good=replace(replace(GOOD, ("c1.math", 1, 1), ("c1.math", 1, 3)), ("c1.math", 2, 1), ("c1.math", 1, 4)),
    ),
    Case(
        "min_gap",
        replace(GOOD, ("c1.math", 2, 1), ("c1.math", 1, 3)),  # 第1、3节: only 第2节 between (大课间 is no lunch)
        {"lesson_id": "c1.math", "class_id": "c1", "day": 1, "period": 3},
        ("三年级1班 数学 周一 第1节和第3节之间只隔 1 节，应至少隔 2 节",),
        school=tiny_school(patch={"lessons.c1.math": {"min_gap": 2}, "subjects.math": {"max_per_day": 2}}),
        good=replace(GOOD, ("c1.math", 2, 1), ("c1.math", 1, 4)),
    ),
    Case(
        "allowed_starts",
        replace(GOOD, ("c1.math", 1, 1), ("c1.math", 1, 3)),
        {"lesson_id": "c1.math", "class_id": "c1", "day": 1, "period": 3},
        ("三年级1班 数学 排在 周一 第3节，不在允许的开始时间内",),
        school=tiny_school(
            patch={"lessons.c1.math": {"allowed_starts": [{"day": 1, "period": 1}, {"day": 2, "period": 1}]}}
        ),
    ),
    Case(
        "same_time",
        list(GOOD),  # 三年级1班 音乐 周二第2节, 三年级2班 体育 周二第1节
        {"lesson_id": "c2.pe", "class_id": "c2", "day": 2, "period": 1},
        ("三年级2班 体育 与 三年级1班 音乐 应同时上课，但 周二 第1节 只排了其中一个",),
        school=tiny_school(patch={"lessons.c2.pe": {"same_time_as": "c1.music"}}),
        good=replace(replace(GOOD, ("c2.pe", 2, 1), ("c2.pe", 2, 2)), ("c2.math", 2, 2), ("c2.math", 2, 3)),
    ),
    Case(
        "not_overlapping",
        replace(replace(GOOD, ("c1.pe", 1, 2), ("c1.pe", 1, 3)), ("c2.music", 1, 1, "m1"), ("c2.music", 1, 3, "m1")),
        {"lesson_id": "c2.music", "class_id": "c2", "day": 1, "period": 3},
        ("三年级2班 音乐 与 三年级1班 体育 不能同时上课，却都排在 周一 第3节",),
        school=tiny_school(patch={"lessons.c2.music": {"not_with": ["c1.pe"]}}),
    ),
    Case(
        "occupy_max_slots",
        list(GOOD),  # 数学 in 第1、2节 on both days: 4 of the 4 slots
        {"lesson_id": "c1.math", "day": 2, "period": 2},
        ("时段组 o1 的课占了所选 4 个时段中的 4 个，最多 3 个",),
        school=tiny_school(
            occupy_max_slots=[
                {
                    "id": "o1",
                    "lessons": ["c1.math", "c2.math"],
                    "slots": [{"day": d, "period": p} for d in (1, 2) for p in (1, 2)],
                    "max_slots": 3,
                }
            ]
        ),
        good=replace(GOOD, ("c2.math", 2, 2), ("c2.math", 2, 3)),
    ),
    Case(
        "subject_per_day",
        replace(GOOD, ("c1.math", 2, 1), ("c1.math", 1, 3)),
        {"class_id": "c1", "day": 1},
        ("三年级1班 周一 有 2 节数学，每天最多 1 节",),
    ),
    Case(
        "double_span",
        [*GOOD, ("c1.art", 1, 4)],
        {"lesson_id": "c1.art", "class_id": "c1", "day": 1, "period": 4},
        ("三年级1班", "美术", "午餐"),
        school=tiny_school(lessons=[ART_DOUBLE]),
        good=[*GOOD, ("c1.art", 1, 3)],
    ),
    Case(
        "daily_activity",
        list(GOOD),
        {"class_id": "c2", "day": 1},
        ("三年级2班 周一 体育活动仅 30 分钟，少于 70 分钟",),
        school=tiny_school(
            policy={"daily_activity_minutes": 70},
            patch={"bell_schedules.primary": {"blocks": BLOCKS_WITH_AFTERNOON_SPORT}},
        ),
        good=replace(GOOD, ("c2.pe", 2, 1), ("c2.pe", 1, 3)),
    ),
    Case(
        "earliest_start",
        replace(LATE, ("c1.math", 1, 3), ("c1.math", 1, 1)),
        {"lesson_id": "c1.math", "class_id": "c1", "day": 1, "period": 1},
        ("三年级1班", "08:20 开始，早于最早上课时间 09:00"),
        school=tiny_school(policy={"stages.primary.earliest_start": "09:00"}),
        good=LATE,
    ),
    Case(
        "daily_lessons",
        replace(GOOD, ("c1.music", 2, 2, "m1"), ("c1.music", 1, 3, "m1")),
        {"class_id": "c1", "day": 1},
        ("三年级1班 周一 有 3 节课，超过每天 2 节",),
        school=tiny_school(policy={"stages.primary.max_lessons_per_day": 2}),
    ),
    Case(
        "daily_study_minutes",
        replace(GOOD, ("c1.music", 2, 2, "m1"), ("c1.music", 1, 3, "m1")),
        {"class_id": "c1", "day": 1},
        ("三年级1班 周一 上课 120 分钟，超过每天 80 分钟",),
        school=tiny_school(policy={"stages.primary.max_daily_study_minutes": 80}),
    ),
    Case(
        "class_lessons_per_day",
        replace(GOOD, ("c1.music", 2, 2, "m1"), ("c1.music", 1, 3, "m1")),
        {"class_id": "c1", "day": 1},
        ("三年级1班 周一 有 3 节课，超过本班每天最多 2 节",),
        school=tiny_school(patch={"classes.c1": {"max_lessons_per_day": 2, "min_lessons_per_day": 2}}),
    ),
    Case(
        "class_no_gaps",
        replace(GOOD, ("c1.pe", 1, 2), ("c1.pe", 1, 3)),
        {"class_id": "c1", "day": 1, "period": 2},
        ("三年级1班 周一 第2节 空堂（前后都有课）",),
        school=tiny_school(patch={"classes.c1": {"no_gaps": True}}),
    ),
    Case(
        "class_starts_first_period",
        replace(GOOD, ("c1.math", 2, 1), ("c1.math", 2, 3)),
        {"class_id": "c1", "day": 2, "period": 1},
        ("三年级1班 周二 第1节 没有课，但当天后面有课",),
        school=tiny_school(patch={"classes.c1": {"starts_first_period": True}}),
    ),
    Case(
        "latest_end",
        replace(GOOD, ("c1.music", 2, 2, "m1"), ("c1.music", 2, 4, "m1")),
        {"lesson_id": "c1.music", "class_id": "c1", "day": 2, "period": 4},
        ("三年级1班", "11:50 结束，晚于 11:00"),
        school=tiny_school(policy={"latest_lesson_end.3": "11:00"}),
    ),
]


def test_every_rule_has_a_case() -> None:
    # the after-school rules have theirs in tests/check/test_afterschool.py, the class day rules in
    # tests/check/test_check_class_days.py, the relations between lessons in tests/check/test_check_relations.py
    from tests.check.test_check_class_days import CLASS_DAY_CASES
    from tests.check.test_check_relations import RELATION_CASES

    in_school = [r for r in RULE_IDS if r not in AFTER_SCHOOL_RULE_IDS]
    assert [case.rule for case in [*CASES, *CLASS_DAY_CASES, *RELATION_CASES]] == in_school


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.rule)
def test_correct_timetable_passes(case: Case) -> None:
    report = check(case.school, timetable(case.good))
    assert report.hard == [], [v.message for v in report.hard]
    assert report.ok


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.rule)
def test_broken_timetable_is_caught(case: Case) -> None:
    report = check(case.broken_school or case.school, timetable(case.broken))
    assert set(report.counts()) == {case.rule} | case.also, [v.message for v in report.hard]
    matching = [v for v in report.of(case.rule) if all(getattr(v, k) == want for k, want in case.expect.items())]
    assert matching, [v.model_dump() for v in report.of(case.rule)]
    for name in case.names:
        assert name in matching[0].message
    assert not report.ok


# ---- details of single rules ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("placement", "problem"),
    [
        (Placement(lesson="nope", day=1, period=1), "未知课程 'nope'"),
        (Placement(lesson="c1.pe", day=3, period=1), "第 3 天不是上课日"),
        (Placement(lesson="c1.pe", day=1, period=2, room="r9"), "教室 'r9' 不存在"),
        (Placement.model_construct(lesson="c1.pe", day=0, period=0, room=None), "不是上课日"),
    ],
)
def test_impossible_placements_are_reported_not_raised(placement: Placement, problem: str) -> None:
    placements = [timetable(GOOD).placements[0], placement]
    report = check(BASE, Solution.model_construct(school_id="tiny", placements=placements))
    (violation,) = report.of("placement_valid")
    assert problem in violation.message
    assert violation.message.startswith("第2条安排")
    assert (violation.lesson_id, violation.day, violation.period) == (placement.lesson, placement.day, placement.period)


def test_a_double_must_fit_in_the_day() -> None:
    school = tiny_school(lessons=[ART_DOUBLE])
    report = check(school, timetable([*GOOD, ("c1.art", 2, 5)]))
    (violation,) = report.of("placement_valid")
    assert "第5–6节超出作息表" in violation.message
    assert report.counts()["lesson_count"] == 1  # the invalid placement is skipped by the other rules


def test_weekly_hours_catches_crowding_out() -> None:
    school = tiny_school(patch={"lessons.c1.math": {"count": 3}, "subjects.math": {"max_per_day": 2}})
    report = check(school, timetable([*GOOD, ("c1.math", 1, 3)]))
    (violation,) = report.of("weekly_hours")
    assert violation.message == "三年级1班 数学 每周 3 节，多于课程方案规定的 2 节"


def test_different_days_with_min_days_apart_needs_a_gap_day() -> None:
    data = tiny_school(patch={"lessons.c1.math": {"different_days": True, "min_days_apart": 2}}).model_dump()
    school = School.model_validate({**data, "days": ["周一", "周二", "周三"]})
    (violation,) = check(school, timetable(GOOD)).of("different_days")
    assert violation.message == "三年级1班 数学：周一和周二都有课，应至少相隔 2 天"
    assert (violation.lesson_id, violation.day) == ("c1.math", 2)
    moved = replace(GOOD, ("c1.math", 2, 1), ("c1.math", 3, 1))
    assert check(school, timetable(moved)).of("different_days") == []


def test_pe_is_capped_by_the_policy_even_when_the_subject_allows_more() -> None:
    school = tiny_school(patch={"subjects.pe": {"max_per_day": 2}, "lessons.c1.pe": {"count": 2}})
    report = check(school, timetable([*GOOD, ("c1.pe", 1, 3)]))
    (violation,) = report.of("subject_per_day")
    assert violation.message == "三年级1班 周一 有 2 节体育，每天最多 1 节"


def test_sections_clash_only_when_they_share_pupils() -> None:
    from tests.check.schools import sectioned_school

    school = sectioned_school()
    c3 = [("c3.math", 1, 1), ("c3.math", 2, 3), ("c3.pe.m", 1, 3), ("c3.pe.f", 1, 3)]
    assert check(school, timetable([*GOOD, *c3])).of("class_clash") == []

    clash = check(school, timetable([*GOOD, *replace(c3, ("c3.pe.m", 1, 3), ("c3.pe.m", 1, 1))])).of("class_clash")
    assert [(v.class_id, v.day, v.period) for v in clash] == [("c3", 1, 1)]
    assert clash[0].message == "三年级3班（男） 周一 第1节 同时有两节课：数学、体育"


def test_no_gaps_and_first_period_hold_for_each_section() -> None:
    from tests.check.schools import sectioned_school

    data = sectioned_school().model_dump()
    c3 = next(c for c in data["classes"] if c["id"] == "c3")
    c3.update(no_gaps=True, starts_first_period=True)
    school = School.model_validate(data)
    # 周一: math (whole class) in 1, PE of 女 in 2, PE of 男 in 3; 周二: math in 2 only
    c3_rows = [("c3.math", 1, 1), ("c3.math", 2, 2), ("c3.pe.m", 1, 3), ("c3.pe.f", 1, 2)]
    report = check(school, timetable([*GOOD, *c3_rows]))
    assert [v.message for v in report.of("class_no_gaps")] == ["三年级3班（男） 周一 第2节 空堂（前后都有课）"]
    assert [v.message for v in report.of("class_starts_first_period")] == [
        "三年级3班（男） 周二 第1节 没有课，但当天后面有课",
        "三年级3班（女） 周二 第1节 没有课，但当天后面有课",
    ]


def test_unavailable_slot_of_another_stage_does_not_apply() -> None:
    slot = {"day": 2, "period": 3, "stage": "middle"}
    school = tiny_school(patch={"teachers.t1": {"unavailable": [slot]}})
    report = check(school, timetable(replace(GOOD, ("c1.math", 2, 1), ("c1.math", 2, 3))))
    assert report.of("teacher_unavailable") == []


def test_unavailable_periods_and_breaks_are_not_teacher_gaps() -> None:
    # 张老师 周二: 第1节 and 第4节; between them 第2节, the 大课间 (no period) and 第3节
    rows = replace(GOOD, ("c2.math", 2, 2), ("c2.math", 2, 4))

    def gaps(**fields: Any) -> list[str]:
        school = tiny_school(patch={"teachers.t1": fields})
        return [v.message for v in check(school, timetable(rows)).of("teacher_max_gaps")]

    away = [{"day": 2, "period": 3}]
    assert gaps(max_gaps_per_day=1, unavailable=away) == []
    assert gaps(max_gaps_per_week=0, unavailable=away) == ["张老师 一周共有 1 节空堂，上限 0 节"]
    # a slot of another stage's bell schedule leaves 第3节 a gap
    away = [{"day": 2, "period": 3, "stage": "middle"}]
    assert gaps(max_gaps_per_day=1, max_gaps_per_week=1, unavailable=away) == [
        "张老师 周二 有 2 节空堂，每天最多 1 节",
        "张老师 一周共有 2 节空堂，上限 1 节",
    ]


def test_teachers_clash_by_clock_time_across_bell_schedules() -> None:
    middle = {
        "stage": "middle",
        "periods": [
            {"index": 1, "start": "09:00", "end": "09:45"},
            {"index": 2, "start": "10:00", "end": "10:45"},
        ],
    }
    school = tiny_school(
        bell_schedules=[middle],
        classes=[{"id": "c7", "name": "七年级1班", "grade": 7}],
        lessons=[{"id": "c7.math", "subject": "math", "teachers": ["t1"], "groups": ["c7"]}],
    )
    # 张老师 on 周二: primary 第1节 08:20–09:00 and 第3节 10:20–11:00.
    rows = replace(GOOD, ("c2.math", 2, 2), ("c2.math", 2, 3))
    # Middle 第1节 (09:00–09:45) has the same number as primary 第1节 but follows it.
    assert check(school, timetable([*rows, ("c7.math", 2, 1)])).of("teacher_clash") == []
    # Middle 第2节 (10:00–10:45) overlaps primary 第3节.
    clash = check(school, timetable([*rows, ("c7.math", 2, 2)])).of("teacher_clash")
    assert [(v.teacher_id, v.day, v.period, v.lesson_id) for v in clash] == [("t1", 2, 3, "c2.math")]
    assert clash[0].message == (
        "张老师 周二 第3节 同时有两节课：七年级1班 数学（周二 第2节 10:00–10:45）、三年级2班 数学（周二 第3节 10:20–11:00）"
    )


def test_daily_minimums_skip_empty_days_only_when_allowed() -> None:
    # 王老师 teaches 三年级1班 音乐 on 周二 only; 三年级3班 has one double art lesson (no teacher), on 周一
    art = {"id": "c3.art", "subject": "art", "groups": ["c3"], "duration": 2}
    rows = [*GOOD, ("c3.art", 1, 3)]
    for allow_empty in (True, False):
        school = tiny_school(
            patch={"teachers.t3": {"min_lessons_per_day": 1, "allow_empty_days": allow_empty}},
            classes=[
                {"id": "c3", "name": "三年级3班", "grade": 3, "min_lessons_per_day": 2, "allow_empty_days": allow_empty}
            ],
            lessons=[art],
        )
        report = check(school, timetable(rows))
        teacher = [v.message for v in report.of("teacher_min_day")]
        school_class = [v.message for v in report.of("class_lessons_per_day")]
        if allow_empty:
            assert teacher == [] and school_class == []
        else:
            assert teacher == ["王老师 周一 上 0 节，少于每天至少 1 节"]
            assert school_class == ["三年级3班 周二 有 0 节课，少于本班每天至少 2 节"]


def test_daily_bounds_hold_for_each_section() -> None:
    from tests.check.schools import sectioned_school

    data = sectioned_school().model_dump()
    next(c for c in data["classes"] if c["id"] == "c3")["min_lessons_per_day"] = 2
    school = School.model_validate(data)
    # 男: 周一 数学 + 体育, 周二 数学; 女: 周一 数学, 周二 数学 + 体育
    c3_rows = [("c3.math", 1, 3), ("c3.math", 2, 3), ("c3.pe.m", 1, 4), ("c3.pe.f", 2, 4)]
    report = check(school, timetable([*GOOD, *c3_rows]))
    assert [v.message for v in report.of("class_lessons_per_day")] == [
        "三年级3班（男） 周二 有 1 节课，少于本班每天至少 2 节",
        "三年级3班（女） 周一 有 1 节课，少于本班每天至少 2 节",
    ]


def test_not_overlapping_compares_clock_times_of_double_lessons() -> None:
    # a double art lesson in periods 3–4 overlaps 三年级2班 音乐 in period 4
    art = {"id": "c1.art", "subject": "art", "groups": ["c1"], "duration": 2, "not_with": ["c2.music"]}
    school = tiny_school(lessons=[art])
    rows = [*replace(GOOD, ("c2.music", 1, 1, "m1"), ("c2.music", 1, 4, "m1")), ("c1.art", 1, 3)]
    (violation,) = check(school, timetable(rows)).of("not_overlapping")
    assert violation.message == "三年级1班 美术 与 三年级2班 音乐 不能同时上课，却排在 周一 第3–4节 与 周一 第4节"


def test_adjacent_sessions_across_lunch_or_of_two_lessons_are_not_adjacent() -> None:
    # periods 4 (11:10–11:50) and 5 (14:00–14:40) have consecutive numbers, but 午餐 lies between them
    school = tiny_school(patch={"lessons.c1.math": {"adjacent_if_same_day": True}, "subjects.math": {"max_per_day": 2}})
    rows = replace(GOOD, ("c1.math", 2, 1), ("c1.math", 1, 4))
    assert check(school, timetable(replace(rows, ("c1.math", 1, 1), ("c1.math", 1, 5)))).of("adjacent_if_same_day")
    assert (
        check(school, timetable(replace(rows, ("c1.math", 1, 1), ("c1.math", 1, 3)))).of("adjacent_if_same_day") == []
    )
    # across two lessons (adjacent_with): c1.pe 周一第2节 right after c1.math 第1节 is fine, 第4节 is not
    paired = tiny_school(patch={"lessons.c1.pe": {"adjacent_with": ["c1.math"]}})
    assert check(paired, timetable(GOOD)).of("adjacent_if_same_day") == []
    (violation,) = check(paired, timetable(replace(GOOD, ("c1.pe", 1, 2), ("c1.pe", 1, 4)))).of("adjacent_if_same_day")
    assert (violation.lesson_id, violation.day, violation.period) == ("c1.pe", 1, 4)


def test_lunch_ends_a_teachers_row_of_lessons() -> None:
    # 张老师 周一 第3、4节 then, after 午餐, 第5节: two rows (2 and 1), within a cap of 2
    school = tiny_school(patch={"teachers.t1": {"max_consecutive": 2}, "subjects.math": {"max_per_day": 2}})
    rows = replace(replace(GOOD, ("c1.math", 1, 1), ("c1.math", 1, 3)), ("c2.math", 1, 2), ("c2.math", 1, 4))
    assert (
        check(school, timetable(replace(rows, ("c1.math", 2, 1), ("c1.math", 1, 5)))).of("teacher_max_consecutive")
        == []
    )


def test_rooms_of_sessions_apart_or_across_lunch_may_differ() -> None:
    # 三年级1班 数学 周一 第4节 (多功能教室), 午餐, 体育 第5节 (音乐教室); 周二 数学 第1节 with 体育 gone
    school = tiny_school(
        patch={"lessons.c1.math": {"rooms": ["r1", "m1"]}, "lessons.c1.pe": {"rooms": ["r1", "m1"]}},
        room_groups=[{"id": "g1", "lessons": ["c1.math", "c1.pe"], "same_room_if_consecutive": True}],
    )
    rows = replace(
        replace(SAME_ROOM_GOOD, ("c1.math", 1, 1, "r1"), ("c1.math", 1, 4, "r1")),
        ("c1.pe", 1, 2, "r1"),
        ("c1.pe", 1, 5, "m1"),
    )
    assert check(school, timetable(rows)).of("same_room_if_consecutive") == []
    (violation,) = check(school, timetable(replace(rows, ("c1.pe", 1, 5, "m1"), ("c1.pe", 1, 3, "m1")))).of(
        "same_room_if_consecutive"
    )
    assert (violation.lesson_id, violation.period) == ("c1.math", 4)  # 体育 第3节, then 数学 第4节


def test_a_lunch_block_counts_as_one_period_between_two_sessions() -> None:
    # 三年级1班 数学 周一 第4节 and 第5节: 午餐 between them, one period's gap (FET: a break hour)
    school = tiny_school(patch={"lessons.c1.math": {"min_gap": 1}, "subjects.math": {"max_per_day": 2}})
    rows = replace(replace(GOOD, ("c1.math", 1, 1), ("c1.math", 1, 4)), ("c1.math", 2, 1), ("c1.math", 1, 5))
    assert check(school, timetable(rows)).of("min_gap") == []
    (violation,) = check(
        tiny_school(patch={"lessons.c1.math": {"min_gap": 2}, "subjects.math": {"max_per_day": 2}}), timetable(rows)
    ).of("min_gap")
    assert "只隔 1 节" in violation.message
