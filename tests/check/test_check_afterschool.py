"""Every after-school rule of docs/RULES.md: a correct hand-made plan passes, a broken one is caught.

The school is the checker's tiny school (tests/check/schools.py, 2 days, lessons until 14:40) with
a service 14:50–17:30 (session 1 until 15:50, session 2 from 16:00), home rooms, a playground,
two outside coaches and three clubs. ``GOOD`` is the plan:

    supervision  三年级1班: 王老师 both days; 三年级2班: 李老师 周一, 赵老师 周二
    clubs        足球 周一 操场 (孙教练), 跳绳 周一 操场 (周教练), 合唱 周二 音乐教室 (孙教练)
    pupils       p1 足球 + 合唱, p2 合唱, p4 足球; p3 only session 1, p5 goes home
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import pytest

from scheduler.check import check
from scheduler.check.rules import AFTER_SCHOOL_RULE_IDS
from scheduler.domain import School
from scheduler.solution import AfterSchoolPlan, Solution
from tests.check.schools import GOOD, school_data, timetable

WINDOW = {"stage": "primary", "start": "14:50", "session1_end": "15:50", "session2_start": "16:00", "end": "17:30"}
CLUBS = [
    {"id": "football", "name": "足球", "category": "sports", "grades": [3], "room_type": "playground",
     "instructors": ["x2", "t2"], "min_size": 1, "max_size": 2, "physical_activity": True},
    {"id": "rope", "name": "跳绳", "category": "sports", "grades": [3], "room_type": "playground",
     "instructors": ["x3", "t2"], "min_size": 0, "max_size": 30},
    {"id": "chorus", "name": "合唱", "category": "arts", "grades": [3], "room_type": "music",
     "instructors": ["x2", "t3"], "min_size": 1, "max_size": 30},
]  # fmt: skip
PUPILS = [
    {"id": "p1", "class_id": "c1", "until": [2, 2], "choices": ["football", "chorus"]},
    {"id": "p2", "class_id": "c1", "until": [1, 2], "choices": ["chorus"]},
    {"id": "p3", "class_id": "c1", "until": [1, 1], "choices": []},
    {"id": "p4", "class_id": "c2", "until": [2, 2], "choices": ["football"]},
    {"id": "p5", "class_id": "c2", "until": [0, 0], "choices": []},
]


def as_school(after: dict | None = None, patch: dict | None = None, **top) -> School:
    data = school_data()
    data["rooms"] += [
        {"id": "h1", "name": "三年级1班教室"},
        {"id": "h2", "name": "三年级2班教室"},
        {"id": "pg", "name": "操场", "type": "playground", "capacity": 2},
    ]
    for c in data["classes"]:
        c["home_room"] = "h1" if c["id"] == "c1" else "h2"
    data["teachers"] += [
        {"id": "x2", "name": "孙教练", "outside_staff": True, "after_school_days": [1, 2]},
        {"id": "x3", "name": "周教练", "outside_staff": True, "after_school_days": [1]},
    ]
    data["flexible"] = {"min_days": 1}
    data["after_school"] = {
        "windows": [WINDOW],
        "work_end": "17:30",
        "clubs": copy.deepcopy(CLUBS),
        "pupils": copy.deepcopy(PUPILS),
    } | (after or {})
    for key, fields in (patch or {}).items():
        table, _, record_id = key.partition(".")
        records = data["after_school"][table] if table in ("clubs", "pupils") else data[table]
        next(r for r in records if r["id"] == record_id).update(fields)
    data.update(top)
    return School.model_validate(data)


BASE = as_school()
GOOD_PLAN: dict[str, list[dict[str, Any]]] = {
    "supervisions": [
        {"class_id": "c1", "day": 1, "teacher": "t3", "room": "h1"},
        {"class_id": "c1", "day": 2, "teacher": "t3", "room": "h1"},
        {"class_id": "c2", "day": 1, "teacher": "t2", "room": "h2"},
        {"class_id": "c2", "day": 2, "teacher": "t4", "room": "h2"},
    ],
    "club_meetings": [
        {"club": "football", "day": 1, "room": "pg", "instructor": "x2"},
        {"club": "rope", "day": 1, "room": "pg", "instructor": "x3"},
        {"club": "chorus", "day": 2, "room": "m1", "instructor": "x2"},
    ],
    "enrolments": [
        {"pupil": "p1", "club": "football"},
        {"pupil": "p1", "club": "chorus"},
        {"pupil": "p2", "club": "chorus"},
        {"pupil": "p4", "club": "football"},
    ],
}


def solution(plan: dict) -> Solution:
    base = timetable(GOOD)
    return base.model_copy(update={"after_school": AfterSchoolPlan.model_validate(plan)})


def changed(table: str, index: int, **fields) -> dict:
    plan = copy.deepcopy(GOOD_PLAN)
    plan[table][index].update(fields)
    return plan


def added(table: str, row: dict) -> dict:
    plan = copy.deepcopy(GOOD_PLAN)
    plan[table].append(row)
    return plan


def removed(table: str, index: int) -> dict:
    plan = copy.deepcopy(GOOD_PLAN)
    del plan[table][index]
    return plan


@dataclass
class Case:
    rule: str
    names: tuple[str, ...]  # Chinese names the message must contain
    plan: dict = field(default_factory=lambda: copy.deepcopy(GOOD_PLAN))
    school: School = field(default_factory=lambda: BASE)
    expect: dict[str, Any] = field(default_factory=dict)
    also: frozenset[str] = frozenset()


CASES = [
    Case("as_service_days", ("课后服务每周只有 1 天", "周二"), school=as_school({"days": [1]}),
         also=frozenset({"as_supervision", "as_club_days", "club_eligible"})),
    Case("as_daily_minutes", ("小学课后服务", "160 分钟", "少于每天 200 分钟"),
         school=as_school(policy={"preset": "national-2022", "overrides": {
             "weekly_lessons.3": {"math": 2, "pe": 1}, "daily_activity_minutes": 30,
             "after_school.min_daily_minutes": 200}})),
    Case("as_end_time", ("17:30 结束", "早于当地下班时间 18:00"), school=as_school({"work_end": "18:00"})),
    Case("as_session_length", ("第一时段", "60 分钟", "3年级书面作业最多 90 分钟"),
         school=as_school(policy={"preset": "national-2022", "overrides": {
             "weekly_lessons.3": {"math": 2, "pe": 1}, "daily_activity_minutes": 30,
             "after_school.homework_minutes.3": 90}})),
    Case("as_supervision", ("三年级1班", "周一", "多功能教室", "应在本班教室"),
         plan=changed("supervisions", 0, room="r1"), expect={"class_id": "c1", "day": 1}),
    Case("as_club_days", ("足球", "每周活动 1 天", "周一、周二"),
         plan=added("club_meetings", {"club": "football", "day": 2, "room": "pg", "instructor": "x2"}),
         also=frozenset({"club_pupil_clash", "as_teacher_clash"})),
    Case("as_club_instructor", ("足球", "赵老师", "不在候选指导教师之列"),
         plan=changed("club_meetings", 0, instructor="t4"), expect={"teacher_id": "t4", "day": 1}),
    Case("as_instructor_available", ("合唱", "周二", "孙教练", "只能在 周一 来校"),
         school=as_school(patch={"teachers.x2": {"after_school_days": [1]}}), expect={"teacher_id": "x2"}),
    Case("as_club_room", ("合唱", "多功能教室", "music 类"), plan=changed("club_meetings", 2, room="r1")),
    Case("as_room_capacity", ("操场", "周一", "容量 1", "足球", "跳绳"),
         school=as_school(patch={"rooms.pg": {"capacity": 1}}), expect={"room_id": "pg", "day": 1}),
    Case("as_teacher_clash", ("李老师", "周一", "三年级2班 课后服务看护", "跳绳"),
         plan=changed("club_meetings", 1, instructor="t2"), expect={"teacher_id": "t2", "day": 1}),
    Case("as_duty_max_week", ("王老师", "每周课后服务 2 次", "上限 1 次"),
         school=as_school({"max_duties_per_week": 1}), expect={"teacher_id": "t3"}),
    Case("flexible_days", ("李老师", "只有 1 天", "周一", "至少 2 天"),
         plan=changed("supervisions", 3, teacher="t2"), school=as_school(flexible={"min_days": 2}),
         expect={"teacher_id": "t2"}),
    Case("club_eligible", ("三年级2班 学生 p5", "跳绳", "都不参加第二时段"),
         plan=added("enrolments", {"pupil": "p5", "club": "rope"}), expect={"class_id": "c2"}),
    Case("club_capacity", ("足球", "有 2 人", "上限 1 人"),
         school=as_school(patch={"clubs.football": {"max_size": 1, "min_size": 0}})),
    Case("club_min_size", ("合唱", "只有 2 人", "开班人数 3 人"),
         school=as_school(patch={"clubs.chorus": {"min_size": 3}})),
    Case("club_pupil_clash", ("三年级2班 学生 p4", "周一", "足球", "跳绳"),
         plan=added("enrolments", {"pupil": "p4", "club": "rope"}), expect={"day": 1}),
    Case("club_every_pupil", ("三年级2班 学生 p4", "没有分到任何社团"),
         plan=removed("enrolments", 3), expect={"class_id": "c2"}),
    Case("club_fairness", ("三年级2班 学生 p4", "未填报的社团", "1 名学生参加两个社团", "p1"),
         plan=changed("enrolments", 3, club="rope")),
]  # fmt: skip


def test_every_after_school_rule_has_a_case():
    assert [case.rule for case in CASES] == AFTER_SCHOOL_RULE_IDS


def test_the_good_plan_passes_and_reports_its_soft_terms():
    report = check(BASE, solution(GOOD_PLAN))
    assert report.hard == [], [v.message for v in report.hard]
    assert report.soft["after_school_duty_excess"] == 0  # fair share ⌈(4 + 3) / 4⌉ = 2; 王老师 has 2
    assert BASE.fair_duties == 2


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.rule)
def test_correct_plan_passes_where_the_rule_bites(case: Case):
    if case.school is not BASE and case.plan == GOOD_PLAN:
        return  # the school itself breaks the rule
    report = check(case.school, solution(GOOD_PLAN))
    assert report.hard == [], [v.message for v in report.hard]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.rule)
def test_broken_plan_is_caught(case: Case):
    report = check(case.school, solution(case.plan))
    assert set(report.counts()) == {case.rule} | case.also, [v.message for v in report.hard]
    matching = [v for v in report.of(case.rule) if all(getattr(v, k) == w for k, w in case.expect.items())]
    assert matching, [v.model_dump() for v in report.of(case.rule)]
    for name in case.names:
        assert name in matching[0].message, matching[0].message


def test_without_after_school_the_rules_are_silent():
    school = School.model_validate(school_data())
    report = check(school, timetable(GOOD))
    assert report.hard == [] and "after_school_duty_excess" not in report.soft


def test_duties_count_in_the_flexible_day_soft_term():
    """李老师 teaches period 1 on 周二 (an early-leave day); supervising 周二 too leaves only 周一 flexible."""
    report = check(BASE, solution(GOOD_PLAN))
    assert report.soft["flexible_day_shortfall"] == 0
    plan = changed("supervisions", 3, teacher="t2")  # 李老师 also supervises 周二: no flexible day left
    school = as_school(flexible={"min_days": 2})
    assert check(school, solution(GOOD_PLAN)).soft["flexible_day_shortfall"] == 0
    report = check(school, solution(plan))
    assert report.soft["flexible_day_shortfall"] == 1
    assert [v.teacher_id for v in report.of("flexible_days")] == ["t2"]


def test_bad_after_school_records_fail_with_their_location():
    import pydantic

    with pytest.raises(pydantic.ValidationError) as error:
        as_school(
            patch={"pupils.p1": {"choices": ["football", "足球队"], "until": [2]}, "clubs.rope": {"grades": [3, 7]}}
        )
    text = str(error.value)
    assert "after_school.clubs.1.grades" in text and "one stage" in text
    assert "after_school.pupils.0.until" in text
    assert "after_school.pupils.0.choices.1" in text and "unknown club '足球队'" in text
