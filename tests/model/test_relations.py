"""Relations between lessons in the model: each rule bites in a tiny school (the solver keeps it where it
would otherwise not), and a relation that cannot hold makes the school infeasible with the rule named."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from tiny import tiny

from scheduler.check import check
from scheduler.domain import School
from scheduler.explain import RULE_NAMES
from scheduler.solve import SolveOptions, solve

OPTIONS = SolveOptions(time_limit=20, workers=2)


def _school(**fields: dict) -> School:
    """The tiny school with music and PE as explicit lessons (c31-music, c32-music, c31-pe, c32-pe) and ``fields``
    set on them, e.g. ``c32-music={"consecutive_after": "c31-music"}``; 美术 c31-art (one period) for three."""
    data = tiny()
    data["assignments"] = [a for a in data["assignments"] if a["subject"] not in ("music", "pe")]
    data["subjects"].append({"id": "art", "name": "美术", "category": "arts"})
    data["teachers"].append({"id": "t6", "name": "孙老师", "subjects": ["art"]})
    data["lessons"] = [
        {"id": "c31-music", "subject": "music", "teachers": ["t5"], "groups": ["c3-1"]},
        {"id": "c32-music", "subject": "music", "teachers": ["t5"], "groups": ["c3-2"]},
        {"id": "c31-pe", "subject": "pe", "teachers": ["t4"], "groups": ["c3-1"], "count": 3},
        {"id": "c32-pe", "subject": "pe", "teachers": ["t4"], "groups": ["c3-2"], "count": 3},
        {"id": "c31-art", "subject": "art", "teachers": ["t6"], "groups": ["c3-1"]},
    ]
    for lesson in data["lessons"]:
        lesson.update(fields.get(lesson["id"], {}))
    return School.model_validate(data)


def _pin(day: int, period: int) -> dict:
    return {"pinned": [{"day": day, "period": period}]}


def _starts(school: School, lesson_id: str) -> list[tuple[int, int]]:
    result = solve(school, OPTIONS)
    assert result.status in ("optimal", "feasible"), result.explanation
    assert check(school, result.solution).ok
    return sorted((p.day, p.period) for p in result.solution.placements if p.lesson == lesson_id)


def _solution(school: School):
    result = solve(school, OPTIONS)
    assert result.status in ("optimal", "feasible"), result.explanation
    assert check(school, result.solution).ok
    return result.solution


def _named(school: School, rule: str, words: str) -> list[str]:
    """Infeasible, and the explanation names ``rule`` (in Chinese) with ``words``; the verified relaxations."""
    result = solve(school, OPTIONS)
    assert result.status == "infeasible"
    named = [f.message for f in result.explanation if f.rule == rule]
    assert named and words in named[0] and RULE_NAMES[rule] in named[0], [f.message for f in result.explanation]
    return [f.message for f in result.explanation if f.rule == "relaxation" and "已验证" in f.message]


def test_consecutive_starts_right_after_the_other_lesson_across_lunch():
    school = _school(**{"c31-music": _pin(1, 3), "c32-music": {"consecutive_after": "c31-music"}})
    assert _starts(school, "c32-music") == [(1, 4)]  # period 4 follows the lunch block: a break is allowed


def test_consecutive_pairs_the_sessions_of_lessons_with_several():
    school = _school(**{"c32-pe": {"consecutive_after": "c31-pe"}})
    solution = _solution(school)
    first = sorted((p.day, p.period + 1) for p in solution.placements if p.lesson == "c31-pe")
    assert first == sorted((p.day, p.period) for p in solution.placements if p.lesson == "c32-pe")


def test_consecutive_that_cannot_hold_is_infeasible_and_named():
    school = _school(**{"c31-music": _pin(1, 3), "c32-music": {"consecutive_after": "c31-music", **_pin(2, 1)}})
    relaxations = _named(school, "consecutive", "三年级2班 音乐")
    assert relaxations, "a verified relaxation (the pinned slot or the relation)"


def _blocks(solution, lesson_ids: set[str]) -> dict[int, list[int]]:
    by_day: dict[int, list[int]] = {}
    for p in solution.placements:
        if p.lesson in lesson_ids:
            by_day.setdefault(p.day, []).append(p.period)
    return {day: sorted(periods) for day, periods in by_day.items()}


def test_grouped_puts_one_session_of_each_back_to_back_every_day():
    school = _school(**{"c31-pe": {"grouped_with": ["c32-pe"]}})
    by_day = _blocks(_solution(school), {"c31-pe", "c32-pe"})
    assert sorted(by_day) == [1, 2, 3]
    assert all(b == a + 1 for a, b in by_day.values())


def test_three_lessons_grouped_fill_a_block_of_three():
    fields = {"c31-music": {"grouped_with": ["c32-music", "c31-art"], **_pin(2, 5)}}
    assert _blocks(_solution(_school(**fields)), {"c31-music", "c32-music", "c31-art"}) == {2: [3, 4, 5]}


def test_grouped_that_cannot_hold_is_infeasible_and_named():
    school = _school(**{"c31-music": {"grouped_with": ["c32-music"], **_pin(1, 1)}, "c32-music": _pin(2, 2)})
    _named(school, "grouped", "三年级1班 音乐")


def test_ordered_starts_after_the_other_lesson_over_the_week():
    school = _school(**{"c32-music": _pin(2, 4), "c31-music": {"ordered_after": ["c32-music"]}})
    (start,) = _starts(school, "c31-music")
    assert start > (2, 4)


def test_ordered_that_cannot_hold_is_infeasible_and_named():
    school = _school(**{"c32-music": _pin(2, 4), "c31-music": {"ordered_after": ["c32-music"], **_pin(1, 5)}})
    _named(school, "ordered", "三年级1班 音乐")


@pytest.mark.parametrize("pinned", [(1, 5), (3, 1)])
def test_ordered_if_same_day_only_orders_sessions_on_one_day(pinned):
    school = _school(**{"c32-music": _pin(*pinned), "c31-music": {"ordered_if_same_day_after": ["c32-music"]}})
    (start,) = _starts(school, "c31-music")
    assert start[0] != pinned[0] or start[1] > pinned[1]


def test_ordered_if_same_day_that_cannot_hold_is_infeasible_and_named():
    school = _school(
        **{"c32-music": _pin(1, 5), "c31-music": {"ordered_if_same_day_after": ["c32-music"], **_pin(1, 3)}}
    )
    _named(school, "ordered_if_same_day", "三年级1班 音乐")


def test_ends_day_leaves_nothing_after_it_for_its_pupils():
    school = _school(**{"c31-music": {"ends_day": True, **_pin(1, 3)}})
    solution = _solution(school)
    groups = {lesson.id: lesson.groups for lesson in school.all_lessons}
    after = [p for p in solution.placements if p.day == 1 and p.period > 3 and "c3-1" in groups[p.lesson]]
    assert after == []


def test_ends_day_that_cannot_hold_is_infeasible_and_named():
    school = _school(**{"c31-music": {"ends_day": True, **_pin(1, 1)}, "c31-art": _pin(1, 2)})
    relaxations = _named(school, "ends_day", "三年级1班 音乐")
    assert any("当天最后一节" in m or "固定时段" in m for m in relaxations), relaxations


def test_same_day_and_same_hour_follow_the_other_lesson():
    school = _school(**{"c31-music": _pin(1, 5), "c32-music": {"same_day_as": "c31-music"}})
    assert _starts(school, "c32-music")[0][0] == 1
    school = _school(**{"c31-music": _pin(1, 5), "c32-music": {"same_hour_as": "c31-music"}})
    assert _starts(school, "c32-music")[0][1] == 5


def test_same_day_and_same_hour_that_cannot_hold_are_infeasible_and_named():
    _named(
        _school(**{"c31-music": _pin(1, 5), "c32-music": {"same_day_as": "c31-music", **_pin(2, 1)}}),
        "same_day",
        "音乐",
    )
    _named(
        _school(**{"c31-music": _pin(1, 5), "c32-music": {"same_hour_as": "c31-music", **_pin(2, 1)}}),
        "same_hour",
        "音乐",
    )


@pytest.mark.parametrize(
    ("fields", "location", "words"),
    [
        ({"c32-music": {"consecutive_after": "nope"}}, ("lessons", 1, "consecutive_after"), "unknown lesson 'nope'"),
        ({"c32-music": {"same_day_as": "c32-music"}}, ("lessons", 1, "same_day_as"), "the lesson itself"),
        ({"c31-pe": {"grouped_with": ["c31-music"]}}, ("lessons", 2, "grouped_with", 0), "need equal counts"),
        (
            {"c31-art": {"grouped_with": ["c31-music", "c32-music", "c31-pe"]}},
            ("lessons", 4, "grouped_with"),
            "two or three",
        ),
        ({"c31-art": {"ordered_after": ["c31-pe", "x"]}}, ("lessons", 4, "ordered_after", 1), "unknown lesson 'x'"),
    ],
)
def test_bad_relations_name_the_field(fields, location, words):
    with pytest.raises(ValidationError) as raised:
        _school(**fields)
    errors = {tuple(e["loc"]): e["msg"] for e in raised.value.errors()}
    assert location in errors and words in errors[location], errors
