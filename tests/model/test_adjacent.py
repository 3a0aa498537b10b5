"""Rule adjacent_if_same_day (FET: min days between activities with "consecutive if same day", which FET's
generator enforces at any weight): on a tiny school where it is the rule that bites."""

from __future__ import annotations

from test_rules import OPTIONS, solved
from tiny import tiny

from scheduler.check import check
from scheduler.domain import School
from scheduler.solve import solve


def _chinese(pinned: list[tuple[int, int]] = (), **fields) -> School:
    """三年级1班's 4 语文 a week (at most 2 a day, 3 days) as one lesson with the given fields."""
    data = tiny()
    data["assignments"] = [a for a in data["assignments"] if (a["class_id"], a["subject"]) != ("c3-1", "chinese")]
    lesson = {"id": "c31-chinese", "subject": "chinese", "teachers": ["t1"], "groups": ["c3-1"], "count": 4}
    lesson["pinned"] = [{"day": d, "period": p} for d, p in pinned]
    data["lessons"] = [{**lesson, **fields}]
    return School.model_validate(data)


def _chinese_days(solution) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for p in solution.placements:
        if p.lesson == "c31-chinese":
            out.setdefault(p.day, []).append(p.period)
    return {day: sorted(periods) for day, periods in out.items()}


def test_two_sessions_on_one_day_are_adjacent_and_never_across_lunch():
    # 4 sessions on 3 days: some day has two; one is pinned to 第3节, and 第4节 is after 午餐
    school = _chinese(pinned=[(1, 3)], adjacent_if_same_day=True)
    solution = solved(school)
    assert check(school, solution).ok
    pairs = [periods for periods in _chinese_days(solution).values() if len(periods) == 2]
    assert pairs and all(second == first + 1 and (first, second) != (3, 4) for first, second in pairs)


def test_pinned_apart_on_one_day_is_infeasible_with_the_rule_named_and_relaxed():
    assert solve(_chinese(pinned=[(1, 1), (1, 3)]), OPTIONS).status in ("optimal", "feasible")
    result = solve(_chinese(pinned=[(1, 1), (1, 3)], adjacent_if_same_day=True), OPTIONS)
    assert result.status == "infeasible"
    assert any(f.rule == "adjacent_if_same_day" for f in result.explanation)
    relaxed = [f.message for f in result.explanation if f.rule == "relaxation" and "已验证" in f.message]
    assert any("同一天的两次不连着上" in message for message in relaxed), relaxed
