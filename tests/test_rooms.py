"""Rooms for placed sessions (scheduler/rooms.py): a room is only used in periods it is available."""

from __future__ import annotations

from tiny import tiny

from scheduler.check import check
from scheduler.domain import School
from scheduler.rooms import assign_rooms
from scheduler.solution import Placement, Solution


def lab_school(x_unavailable: list[int], y_unavailable: list[int]) -> School:
    """Two labs on Monday with the given unavailable periods; each class has a double lab lesson."""
    data = tiny()
    data["subjects"].append({"id": "lab", "name": "科学实验", "category": "science", "room_type": "lab"})
    data["teachers"] += [
        {"id": "t6", "name": "孙老师", "subjects": ["lab"]},
        {"id": "t7", "name": "周老师", "subjects": ["lab"]},
    ]
    data["rooms"] += [
        {
            "id": "lab-x",
            "name": "实验室1",
            "type": "lab",
            "unavailable": [{"day": 1, "period": p} for p in x_unavailable],
        },
        {
            "id": "lab-y",
            "name": "实验室2",
            "type": "lab",
            "unavailable": [{"day": 1, "period": p} for p in y_unavailable],
        },
    ]
    data["lessons"] = [
        {"id": "c1.lab", "subject": "lab", "teachers": ["t6"], "groups": ["c3-1"], "duration": 2},
        {"id": "c2.lab", "subject": "lab", "teachers": ["t7"], "groups": ["c3-2"], "duration": 2},
    ]
    return School.model_validate(data)


def rooms_of(placements: list[Placement]) -> dict[str, str | None]:
    return {p.lesson: p.room for p in placements}


def room_violations(school: School, placements: list[Placement]) -> list[str]:
    report = check(school, Solution(school_id=school.id, placements=placements))
    return [v.message for v in report.hard if v.rule.startswith("room")]


def test_a_room_is_not_used_in_its_unavailable_periods():
    # 实验室1 is unavailable in period 3: the lesson in periods 3–4 goes to 实验室2
    school = lab_school(x_unavailable=[3], y_unavailable=[])
    placements = assign_rooms(school, [Placement(lesson="c1.lab", day=1, period=3)])
    assert rooms_of(placements) == {"c1.lab": "lab-y"}
    assert room_violations(school, placements) == []


def test_when_the_greedy_choice_blocks_a_later_session_the_search_finds_rooms():
    # 实验室1 is free in periods 1–3 (fewer periods, so the greedy gives it to the first session),
    # 实验室2 not in period 3; the session in periods 2–3 can only have 实验室1
    school = lab_school(x_unavailable=[4, 5], y_unavailable=[3])
    placed = [Placement(lesson="c1.lab", day=1, period=1), Placement(lesson="c2.lab", day=1, period=2)]
    placements = assign_rooms(school, placed)
    assert rooms_of(placements) == {"c1.lab": "lab-y", "c2.lab": "lab-x"}
    assert room_violations(school, placements) == []


def test_no_room_free_in_every_covered_period_leaves_the_session_without_a_room():
    # periods 3–4: 实验室1 is unavailable in 4, 实验室2 in 3; the preferred room does not override that
    school = lab_school(x_unavailable=[4], y_unavailable=[3])
    placed = [Placement(lesson="c1.lab", day=1, period=3)]
    placements = assign_rooms(school, placed, prefer={("c1.lab", 1, 3): "lab-x"})
    assert rooms_of(placements) == {"c1.lab": None}
    assert any("没有安排教室" in message for message in room_violations(school, placements))
