"""Room groups (rules rooms_max_different, same_room_if_consecutive; FET: activities occupy max different
rooms, activities same room if consecutive) on one-day schools where only the rooms decide."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from test_room_sets import OPTIONS, lesson, school

from scheduler.check import check
from scheduler.domain import School
from scheduler.excel_io import read_school_workbook, write_school_workbook
from scheduler.solve import solve

# lab room A closed in period 1, B in period 2: a lab session in each period needs both rooms
SPLIT_ROOMS = [
    {"id": "A", "name": "实验室A", "type": "lab", "unavailable": [{"day": 1, "period": 1}]},
    {"id": "B", "name": "实验室B", "type": "lab", "unavailable": [{"day": 1, "period": 2}]},
    {"id": "C", "name": "礼堂", "type": "hall"},
]


def grouped(lessons: list[dict], groups: list[dict], periods: int = 2, rooms: list[dict] | None = None) -> School:
    base = school(lessons, periods=periods, rooms=rooms)
    return School.model_validate({**base.model_dump(), "room_groups": groups})


def rooms_used(result, lesson_ids: set[str]) -> list[tuple[int, str | None]]:
    return sorted((p.period, p.room) for p in result.solution.placements if p.lesson in lesson_ids)


def test_max_rooms_counts_every_session_and_makes_split_rooms_infeasible():
    lessons = [lesson("lab1", "c1", "lab", count=2)]
    assert solve(grouped(lessons, [], rooms=SPLIT_ROOMS), OPTIONS).status in ("optimal", "feasible")  # B, then A
    group = {"id": "g1", "lessons": ["lab1"], "max_rooms": 1}
    result = solve(grouped(lessons, [group], rooms=SPLIT_ROOMS), OPTIONS)
    assert result.status == "infeasible"


def test_max_rooms_puts_two_lessons_in_one_room():
    lessons = [lesson("lab1", "c1", "lab"), lesson("lab2", "c2", "lab")]
    group = {"id": "g1", "lessons": ["lab1", "lab2"], "max_rooms": 1}
    # one period: two sessions at once need two rooms
    result = solve(grouped(lessons, [group], periods=1), OPTIONS)
    assert result.status == "infeasible"
    assert any(f.rule == "rooms_max_different" for f in result.explanation)
    relaxed = [f.message for f in result.explanation if f.rule == "relaxation" and "已验证" in f.message]
    assert any("允许教室组 g1 用 2 间教室" in message for message in relaxed), relaxed
    school_ = grouped(lessons, [group])
    result = solve(school_, OPTIONS)
    assert result.status in ("optimal", "feasible")
    assert check(school_, result.solution).ok
    (first, one), (second, other) = rooms_used(result, {"lab1", "lab2"})
    assert first != second and one == other


def test_same_room_if_consecutive_binds_and_is_named():
    # one class, two lab lessons in two periods: they follow each other, in rooms A / B only apart
    lessons = [lesson("lab1", "c1", "lab"), lesson("lab2", "c1", "lab")]
    group = {"id": "g1", "lessons": ["lab1", "lab2"], "same_room_if_consecutive": True}
    assert solve(grouped(lessons, [], rooms=SPLIT_ROOMS), OPTIONS).status in ("optimal", "feasible")
    result = solve(grouped(lessons, [group], rooms=SPLIT_ROOMS), OPTIONS)
    assert result.status == "infeasible"
    assert any(f.rule == "same_room_if_consecutive" for f in result.explanation)
    relaxed = [f.message for f in result.explanation if f.rule == "relaxation" and "已验证" in f.message]
    assert any("连着上时换教室" in message for message in relaxed), relaxed
    school_ = grouped(lessons, [group])
    result = solve(school_, OPTIONS)
    assert result.status in ("optimal", "feasible")
    assert check(school_, result.solution).ok
    assert len({room for _, room in rooms_used(result, {"lab1", "lab2"})}) == 1


def test_sessions_apart_may_change_rooms():
    # three periods, the two sessions of one lesson in periods 1 and 3 (B, then A): not consecutive
    starts = [{"day": 1, "period": 1}, {"day": 1, "period": 3}]
    lessons = [lesson("lab1", "c1", "lab", count=2, allowed_starts=starts)]
    rooms = [
        {"id": "A", "name": "实验室A", "type": "lab", "unavailable": [{"day": 1, "period": 1}]},
        {"id": "B", "name": "实验室B", "type": "lab", "unavailable": [{"day": 1, "period": 3}]},
    ]
    group = {"id": "g1", "lessons": ["lab1"], "same_room_if_consecutive": True}
    school_ = grouped(lessons, [group], periods=3, rooms=rooms)
    result = solve(school_, OPTIONS)
    assert result.status in ("optimal", "feasible")
    assert rooms_used(result, {"lab1"}) == [(1, "B"), (3, "A")]
    assert check(school_, result.solution).ok


def _spy_hard_rules(monkeypatch, times_values=None) -> list[bool]:
    """Records, per hard-rules search of the first phase, whether its model chooses rooms; with
    ``times_values`` the search of the model without room choice returns those instead of searching."""
    import scheduler.solve as solve_module

    calls, search = [], solve_module._hard_rules

    def spy(built, *args):
        calls.append(built.vars.choose_rooms)
        if times_values is not None and not built.vars.choose_rooms:
            return solve_module.cp_model.FEASIBLE, times_values, None, 0.0
        return search(built, *args)

    monkeypatch.setattr(solve_module, "_hard_rules", spy)
    return calls


def test_rooms_are_chosen_after_the_times_where_the_model_chooses_rooms(monkeypatch):
    calls = _spy_hard_rules(monkeypatch)
    lessons = [lesson("lab1", "c1", "lab"), lesson("lab2", "c2", "lab")]
    school_ = grouped(lessons, [{"id": "g1", "lessons": ["lab1", "lab2"], "max_rooms": 1}])
    result = solve(school_, OPTIONS)
    # the times alone, then the rooms on those times (no second search of the whole model)
    assert calls == [False] and result.status in ("optimal", "feasible")
    assert check(school_, result.solution).ok


def test_times_whose_rooms_do_not_fit_send_the_search_to_the_whole_model(monkeypatch):
    # lab1 twice in periods 1 and 2 counts right per moment (B free in 1, A in 2) but needs two rooms,
    # and the group allows one: the rooms stage fails on those times, the whole model finds period 3 instead
    bad_times = {("start", "lab1", 1, 1): True, ("start", "lab1", 1, 2): True}
    calls = _spy_hard_rules(monkeypatch, bad_times)
    lessons = [lesson("lab1", "c1", "lab", count=2)]
    school_ = grouped(lessons, [{"id": "g1", "lessons": ["lab1"], "max_rooms": 1}], periods=3, rooms=SPLIT_ROOMS)
    result = solve(school_, OPTIONS)
    assert calls == [False, True] and result.status in ("optimal", "feasible")
    assert check(school_, result.solution).ok
    assert 3 in {period for period, _ in rooms_used(result, {"lab1"})}


def test_a_school_whose_times_fit_but_rooms_never_do_is_still_infeasible(monkeypatch):
    # two periods: every timetable of the times alone needs two rooms for the one-room group
    calls = _spy_hard_rules(monkeypatch)
    lessons = [lesson("lab1", "c1", "lab", count=2)]
    school_ = grouped(lessons, [{"id": "g1", "lessons": ["lab1"], "max_rooms": 1}], rooms=SPLIT_ROOMS)
    assert solve(school_, OPTIONS).status == "infeasible"
    assert calls[:2] == [False, True]


def test_room_groups_are_validated_by_field():
    lessons = [lesson("lab1", "c1", "lab"), lesson("lab2", "c2", "lab")]
    with pytest.raises(ValidationError, match=r"room_groups\.0\.lessons\.1[\s\S]*listed twice"):
        grouped(lessons, [{"id": "g1", "lessons": ["lab1", "lab1"], "max_rooms": 1}])
    with pytest.raises(ValidationError, match=r"unknown lesson 'nope'"):
        grouped(lessons, [{"id": "g1", "lessons": ["lab1", "nope"], "max_rooms": 1}])
    with pytest.raises(ValidationError, match=r"room_groups\.0\.max_rooms[\s\S]*no rule"):
        grouped(lessons, [{"id": "g1", "lessons": ["lab1", "lab2"]}])


def test_workbook_round_trip_keeps_room_groups(tmp_path: Path):
    lessons = [lesson("lab1", "c1", "lab"), lesson("lab2", "c2", "lab")]
    groups = [
        {"id": "g1", "lessons": ["lab1", "lab2"], "max_rooms": 1},
        {"id": "g2", "lessons": ["lab2"], "max_rooms": 2, "same_room_if_consecutive": True},
    ]
    s = grouped(lessons, groups)
    back = School.model_validate(read_school_workbook(write_school_workbook(s, tmp_path / "school.xlsx")))
    assert back.room_groups == s.room_groups
