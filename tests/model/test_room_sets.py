"""Rule room_set: per-lesson room sets are chosen by the model, exactly (docs/RULES.md).

Tiny schools of one day where only the rooms decide: with per-type totals (or a greedy after the
solve) each of them would go wrong.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from scheduler.check import check
from scheduler.domain import School
from scheduler.excel_io import read_school_workbook, write_school_workbook
from scheduler.explain import precheck
from scheduler.model import build_model
from scheduler.model.variables import room_choice_lessons, room_classes
from scheduler.rooms import assign_rooms
from scheduler.solution import Placement
from scheduler.solve import SolveOptions, solve

OPTIONS = SolveOptions(time_limit=20, workers=2)
PERIODS = [
    {"index": 1, "start": "08:20", "end": "09:00"},
    {"index": 2, "start": "09:10", "end": "09:50"},
    {"index": 3, "start": "10:00", "end": "10:40"},
]


def school(lessons: list[dict], periods: int = 1, rooms: list[dict] | None = None, classes: int = 3) -> School:
    """One day of ``periods`` periods, ``classes`` grade-3 classes, lab rooms A, B (type lab) and C (type hall)."""
    return School.model_validate(
        {
            "id": "sets",
            "name": "指定教室小学",
            "days": ["周一"],
            "bell_schedules": [{"stage": "primary", "periods": PERIODS[:periods]}],
            "policy": {"preset": "national-2022", "overrides": {"weekly_lessons.3": {}, "daily_activity_minutes": 0}},
            "subjects": [
                {"id": "lab", "name": "实验", "room_type": "lab", "max_per_day": 3},
                {"id": "talk", "name": "讲座", "max_per_day": 3},
            ],
            "teachers": [],
            "rooms": rooms
            or [
                {"id": "A", "name": "实验室A", "type": "lab"},
                {"id": "B", "name": "实验室B", "type": "lab"},
                {"id": "C", "name": "礼堂", "type": "hall"},
            ],
            "classes": [{"id": f"c{i}", "name": f"三年级{i}班", "grade": 3} for i in range(1, classes + 1)],
            "lessons": lessons,
        }
    )


def lesson(lid: str, group: str, subject: str = "talk", **fields) -> dict:
    return {"id": lid, "subject": subject, "groups": [group], **fields}


def solved(s: School):
    result = solve(s, OPTIONS)
    assert result.status in ("optimal", "feasible"), result.explanation
    report = check(s, result.solution)
    assert report.hard == [], [v.message for v in report.hard]
    return result.solution


def rooms_of(solution) -> dict[str, str | None]:
    return {p.lesson: p.room for p in solution.placements}


def test_each_session_is_in_a_room_of_its_set():
    # talk needs no room of its own; the sets put the two classes in the hall and in lab B
    s = school([lesson("x", "c1", rooms=["C"]), lesson("y", "c2", rooms=["B", "C"])])
    assert rooms_of(solved(s)) == {"x": "C", "y": "B"}


def test_one_room_for_two_sets_at_one_moment_is_impossible():
    # two lab rooms by type, but both sets are lab A only: per-type totals (2) would say feasible
    s = school([lesson("x", "c1", "lab", rooms=["A"]), lesson("y", "c2", "lab", rooms=["A"])])
    result = solve(s, OPTIONS)
    assert result.status == "infeasible"
    assert {f.rule for f in result.explanation} & {"room_set", "room_capacity"}


def test_the_same_room_set_twice_takes_turns_when_periods_allow():
    s = school([lesson("x", "c1", "lab", rooms=["A"]), lesson("y", "c2", "lab", rooms=["A"])], periods=2)
    solution = solved(s)
    assert rooms_of(solution) == {"x": "A", "y": "A"}
    assert len({p.period for p in solution.placements}) == 2


def test_overlapping_sets_that_a_greedy_would_get_wrong():
    # x may use A or B, y only A, both at period 1: earliest-first greedy gives x room A and y nothing
    s = school([lesson("x", "c1", rooms=["A", "B"]), lesson("y", "c2", rooms=["A"])])
    assert rooms_of(solved(s)) == {"x": "B", "y": "A"}
    greedy = assign_rooms(s, [Placement(lesson="x", day=1, period=1), Placement(lesson="y", day=1, period=1)])
    assert {p.lesson: p.room for p in greedy} == {"x": "A", "y": None}


def test_hall_condition_over_overlapping_sets():
    # three sessions at once all within {A, B}: two rooms, three lessons (the type total, 3 rooms, says yes)
    rooms = [
        {"id": "A", "name": "实验室A", "type": "lab"},
        {"id": "B", "name": "实验室B", "type": "lab"},
        {"id": "D", "name": "实验室D", "type": "lab"},
    ]
    sets = [["A", "B"], ["A"], ["B", "A"]]
    lessons = [lesson(f"x{i}", f"c{i + 1}", "lab", rooms=r) for i, r in enumerate(sets)]
    assert solve(school(lessons, rooms=rooms), OPTIONS).status == "infeasible"
    lessons[2]["rooms"] = ["B", "D"]
    assert sorted(rooms_of(solved(school(lessons, rooms=rooms))).values()) == ["A", "B", "D"]


def test_type_lessons_sharing_a_room_with_a_set_are_placed_exactly():
    # y needs any lab (A or B), x only lab A, one period: y must take B, which the model chooses
    s = school([lesson("x", "c1", "lab", rooms=["A"]), lesson("y", "c2", "lab")])
    assert rooms_of(solved(s)) == {"x": "A", "y": "B"}


def test_fixed_room_lessons_count_in_a_shared_room():
    s = school([lesson("x", "c1", rooms=["A", "B"]), lesson("y", "c2", "lab", room="A")])
    assert rooms_of(solved(s)) == {"x": "B", "y": "A"}


def test_a_double_lesson_keeps_one_room_for_its_whole_duration():
    # A is closed in period 2, B in period 1: only switching rooms mid-lesson would fit periods 1–2
    rooms = [
        {"id": "A", "name": "实验室A", "type": "lab", "unavailable": [{"day": 1, "period": 2}]},
        {"id": "B", "name": "实验室B", "type": "lab", "unavailable": [{"day": 1, "period": 1}]},
    ]
    double = lesson("x", "c1", rooms=["A", "B"], duration=2)
    assert solve(school([double], periods=2, rooms=rooms), OPTIONS).status == "infeasible"
    solution = solved(school([double], periods=3, rooms=rooms))
    (placement,) = solution.placements
    assert (placement.period, placement.room) == (2, "B")  # periods 2–3: A is closed in period 2, B is free


def test_room_capacity_over_one_counts_in_room_choices():
    rooms = [{"id": "A", "name": "操场", "type": "lab", "capacity": 2}, {"id": "C", "name": "礼堂", "type": "hall"}]
    lessons = [lesson(f"x{i}", f"c{i}", rooms=["A"]) for i in (1, 2, 3)]
    assert solve(school(lessons, rooms=rooms), OPTIONS).status == "infeasible"
    assert sorted(rooms_of(solved(school(lessons, periods=2, rooms=rooms))).values()) == ["A", "A", "A"]


def test_explanation_names_the_room_set_and_a_verified_relaxation():
    # both must start in period 1 (the week has room for both in lab A, so counting does not see it)
    first = [{"day": 1, "period": 1}]
    s = school(
        [lesson("x", "c1", rooms=["A"], allowed_starts=first), lesson("y", "c2", rooms=["A"], allowed_starts=first)],
        periods=2,
    )
    result = solve(s, OPTIONS)
    assert result.status == "infeasible"
    messages = " ".join(f.message for f in result.explanation)
    assert "指定教室" in messages or "实验室A" in messages
    relaxations = [f for f in result.explanation if f.rule == "relaxation"]
    assert relaxations, messages


def test_counting_names_a_room_set_too_small_for_its_lessons_week():
    # three periods in the week, four periods that may only be in lab A (a set lesson and a fixed one)
    s = school([lesson("x", "c1", rooms=["A"], count=3), lesson("y", "c2", "lab", room="A")], periods=3)
    (finding,) = [f for f in precheck(s) if f.rule == "room_set"]
    assert (finding.need, finding.available) == (4, 3) and "实验室A" in finding.message
    assert sorted(finding.records) == ["x", "y"]
    assert solve(s, OPTIONS).status == "infeasible"
    assert [f for f in precheck(school([lesson("x", "c1", rooms=["A", "B"], count=3)], periods=3))] == []


def test_schools_without_room_sets_get_no_room_variables():
    s = school([lesson("x", "c1", "lab"), lesson("y", "c2", "lab")])
    assert room_choice_lessons(s) == {}
    built = build_model(s, objective=False)
    assert built.vars.room_choice == {} and built.vars.room_lessons == {}


def test_room_choice_spreads_over_rooms_shared_by_type_and_fixed_lessons():
    s = school(
        [lesson("x", "c1", rooms=["A"]), lesson("y", "c2", "lab"), lesson("z", "c3", room="C")],
        rooms=None,
    )
    assert room_choice_lessons(s) == {"x": ["A"], "y": ["A", "B"]}


def test_alike_rooms_are_chosen_as_one_class_and_then_get_distinct_rooms():
    s = school([lesson("x", "c1", rooms=["A", "B"]), lesson("y", "c2", rooms=["B", "A"])])
    assert room_classes(s, room_choice_lessons(s)) == {"A": ["A", "B"]}
    assert sorted(rooms_of(solved(s)).values()) == ["A", "B"]
    told_apart = school([lesson("x", "c1", rooms=["A", "B"]), lesson("y", "c2", rooms=["A"])])
    assert room_classes(told_apart, room_choice_lessons(told_apart)) == {"A": ["A"], "B": ["B"]}
    closed = [
        {"id": "A", "name": "甲", "type": "lab", "unavailable": [{"day": 1, "period": 2}]},
        {"id": "B", "name": "乙", "type": "lab"},
    ]
    different = school([lesson("x", "c1", rooms=["A", "B"])], periods=2, rooms=closed)
    assert room_classes(different, room_choice_lessons(different)) == {"A": ["A"], "B": ["B"]}


@pytest.mark.parametrize(
    ("fields", "location", "words"),
    [
        ({"rooms": ["A", "Z"]}, ("lessons", 0, "rooms", 1), "unknown room 'Z'"),
        ({"rooms": []}, ("lessons", 0, "rooms"), "empty list"),
        ({"rooms": ["A", "A"]}, ("lessons", 0, "rooms", 1), "listed twice"),
        ({"rooms": ["A", "B"], "room": "C"}, ("lessons", 0, "room"), "not one of the lesson's rooms"),
    ],
)
def test_room_sets_are_validated_by_field(fields, location, words):
    with pytest.raises(ValidationError) as caught:
        school([lesson("x", "c1", **fields)])
    errors = caught.value.errors()
    assert any(tuple(e["loc"]) == location and words in e["msg"] for e in errors), errors


def test_a_fixed_room_in_its_set_is_allowed_and_fixes_the_lesson():
    s = school([lesson("x", "c1", rooms=["A", "B"], room="B")])
    assert rooms_of(solved(s)) == {"x": "B"}


def test_workbook_round_trip_keeps_room_sets(tmp_path: Path):
    s = school([lesson("x", "c1", rooms=["A", "C"]), lesson("y", "c2", "lab")])
    back = School.model_validate(read_school_workbook(write_school_workbook(s, tmp_path / "school.xlsx")))
    assert [(x.id, x.rooms) for x in back.lessons] == [("x", ["A", "C"]), ("y", None)]
