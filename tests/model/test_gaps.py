"""Rules min_gap, teacher_interval_max_days and occupy_max_slots (FET: min gaps between activities, teacher
interval max days per week, activities occupy max time slots from selection) on the tiny school."""

from __future__ import annotations

from test_rules import OPTIONS, solved
from tiny import tiny

from scheduler.check import check
from scheduler.domain import School
from scheduler.solve import solve

MORNING = (1, 2, 3)  # periods before 午餐 in the tiny school


def _school(math: dict | None = None, teacher: dict | None = None, occupy: list | None = None) -> School:
    """The tiny school with 三年级1班 数学 (王老师, 3 a week) as an explicit lesson ``c3-1.math`` with ``math``."""
    data = tiny()
    data["assignments"] = [a for a in data["assignments"] if (a["class_id"], a["subject"]) != ("c3-1", "math")]
    lesson = {"id": "c3-1.math", "subject": "math", "teachers": ["t3"], "groups": ["c3-1"], "count": 3}
    data["lessons"] = [{**lesson, **(math or {})}]
    for subject in data["subjects"]:
        if subject["id"] == "math":
            subject["max_per_day"] = 3
    (wang,) = [t for t in data["teachers"] if t["id"] == "t3"]
    wang.update(teacher or {})
    data["occupy_max_slots"] = occupy or []
    return School.model_validate(data)


def _starts(solution, lesson_id: str) -> set[tuple[int, int]]:
    return {(p.day, p.period) for p in solution.placements if p.lesson == lesson_id}


def _verified(result) -> list[str]:
    return [f.message for f in result.explanation if f.rule == "relaxation" and "已验证" in f.message]


def test_min_gap_keeps_sessions_of_a_day_apart():
    allowed = [{"day": 1, "period": p} for p in (1, 2, 3)] + [{"day": 2, "period": 1}]
    school = _school({"allowed_starts": allowed, "min_gap": 1})
    solution = solved(school)
    assert check(school, solution).ok
    assert _starts(solution, "c3-1.math") == {(1, 1), (1, 3), (2, 1)}  # 第1、3节: one period between


def test_a_lunch_block_is_a_gap_and_too_short_a_gap_is_infeasible_named_and_relaxed():
    around_lunch = [{"day": 1, "period": 3}, {"day": 1, "period": 4}, {"day": 2, "period": 1}]
    school = _school({"allowed_starts": around_lunch, "min_gap": 1})  # 午餐 between 第3 and 第4节 counts
    assert check(school, solved(school)).ok
    result = solve(_school({"allowed_starts": around_lunch, "min_gap": 2}), OPTIONS)
    assert result.status == "infeasible"
    assert any(f.rule == "min_gap" for f in result.explanation)
    assert any("只隔 1 节" in message for message in _verified(result)), _verified(result)


def test_teacher_interval_max_days_keeps_the_mornings_to_one_day():
    interval = [{"first_period": 1, "last_period": 3, "max_days": 1}]
    school = _school(teacher={"interval_max_days": interval})
    solution = solved(school)
    assert check(school, solution).ok
    mornings = {p.day for p in solution.placements if "t3" in p.teachers and p.period in MORNING}
    assert len(mornings) == 1


def test_teacher_interval_max_days_too_few_is_infeasible_named_and_relaxed():
    # 数学 of one class at most once a day would need 3 days; the whole day on only 2 cannot hold 3 sessions
    school = _school(
        {"different_days": True}, {"interval_max_days": [{"first_period": 1, "last_period": 5, "max_days": 2}]}
    )
    result = solve(school, OPTIONS)
    assert result.status == "infeasible"
    assert any(f.rule == "teacher_interval_max_days" for f in result.explanation)
    assert any("有课的天数上限从 2 天提高到 3 天" in message for message in _verified(result)), _verified(result)


def test_occupy_max_slots_keeps_the_lessons_out_of_the_selection():
    mornings = [{"day": d, "period": p} for d in (1, 2, 3) for p in MORNING]
    school = _school(occupy=[{"id": "am", "lessons": ["c3-1.math"], "slots": mornings, "max_slots": 1}])
    solution = solved(school)
    assert check(school, solution).ok
    assert sum(period in MORNING for _, period in _starts(solution, "c3-1.math")) == 1


def test_occupy_max_slots_too_few_is_infeasible_named_and_relaxed():
    every = [{"day": d, "period": p} for d in (1, 2, 3) for p in range(1, 6)]
    school = _school(occupy=[{"id": "all", "lessons": ["c3-1.math"], "slots": every, "max_slots": 2}])
    result = solve(school, OPTIONS)
    assert result.status == "infeasible"
    assert any(f.rule == "occupy_max_slots" for f in result.explanation)
    assert any("占 3 个时段" in message for message in _verified(result)), _verified(result)
