"""Rule teacher_max_consecutive (连上不超过 N 节; FET: teacher(s) max hours continuously) on a tiny school."""

from __future__ import annotations

from test_rules import OPTIONS, solved
from tiny import tiny

from scheduler.check import check
from scheduler.domain import School
from scheduler.solve import solve


def _school(**fields) -> School:
    data = tiny()
    (wang,) = [t for t in data["teachers"] if t["id"] == "t3"]  # 王老师: 数学 of both classes, 6 periods a week
    wang.update(fields)
    return School.model_validate(data)


def test_no_two_lessons_in_a_row_with_a_cap_of_one():
    school = _school(max_consecutive=1)
    solution = solved(school)
    assert check(school, solution).ok
    taught = {(p.day, p.period) for p in solution.placements if "t3" in p.teachers}
    assert len(taught) == 6
    # periods 3 and 4 are split by 午餐, so only 1–2, 2–3 and 4–5 would be rows
    assert not any((day, period + 1) in taught for day, period in taught if period != 3)


def test_a_cap_that_cannot_hold_is_infeasible_named_and_relaxed():
    # free only in periods 1–2 each day: 6 periods in 6 slots, two in a row every day
    only_first_two = [{"day": d, "period": p} for d in (1, 2, 3) for p in (3, 4, 5)]
    assert solve(_school(unavailable=only_first_two), OPTIONS).status in ("optimal", "feasible")
    result = solve(_school(unavailable=only_first_two, max_consecutive=1), OPTIONS)
    assert result.status == "infeasible"
    assert any(f.rule == "teacher_max_consecutive" for f in result.explanation)
    relaxed = [f.message for f in result.explanation if f.rule == "relaxation" and "已验证" in f.message]
    assert any("连上上限从 1 节提高到 2 节" in message for message in relaxed), relaxed
