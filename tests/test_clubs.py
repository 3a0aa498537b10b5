"""Pupils into clubs (scheduler/clubs.py): capacity, eligibility, fairness, choice shares, scale."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from scheduler.clubs import assign_pupils, choice_summary, rank_cost
from scheduler.domain import School
from scheduler.load import load_school
from tests.check.schools import school_data

WINDOW = {"stage": "primary", "start": "14:50", "session1_end": "15:50", "session2_start": "16:00", "end": "17:30"}


def club(club_id: str, size: int, grades=(3,), min_size: int = 0) -> dict:
    return {
        "id": club_id,
        "name": club_id,
        "grades": list(grades),
        "room_type": "music",
        "instructors": ["t3"],
        "min_size": min_size,
        "max_size": size,
    }


def school(clubs: list[dict], pupils: list[dict], classes: list[dict] | None = None) -> School:
    data = school_data()
    data["classes"] += classes or []
    data["after_school"] = {"windows": [WINDOW], "clubs": clubs, "pupils": pupils}
    return School.model_validate(data)


def pupil(pupil_id: str, choices: list[str], until=(2, 2), class_id: str = "c1") -> dict:
    return {"id": pupil_id, "class_id": class_id, "until": list(until), "choices": choices}


def clubs_of(enrolments) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in enrolments:
        out.setdefault(e.pupil, []).append(e.club)
    return out


def test_rank_cost_is_convex():
    costs = [rank_cost(r) for r in range(1, 6)] + [rank_cost(None)]
    steps = [b - a for a, b in zip(costs, costs[1:], strict=False)]
    assert costs[0] == 0 and steps == sorted(steps) and all(s > 0 for s in steps)


def test_capacity_is_kept_and_the_convex_cost_spreads_second_choices():
    """Three pupils want A (2 seats) then B: two get A, one gets B — never a pupil left out."""
    s = school([club("A", 2), club("B", 5)], [pupil(f"p{i}", ["A", "B"]) for i in range(3)])
    enrolments, stats = assign_pupils(s, {"A": [1], "B": [2]})
    firsts = Counter(clubs_of(enrolments)[f"p{i}"][0] for i in range(3))
    assert stats.status == "optimal" and stats.unplaced == []
    assert Counter(e.club for e in enrolments)["A"] == 2
    assert firsts["A"] == 2


def test_only_eligible_clubs_grade_and_days():
    """A grade-4 club and a club meeting on a day the pupil goes home are never given."""
    s = school(
        [club("old", 10, grades=(4,)), club("monday", 10), club("tuesday", 10)],
        [pupil("p1", ["old", "monday", "tuesday"], until=(1, 2))],
    )
    enrolments, _ = assign_pupils(s, {"old": [2], "monday": [1], "tuesday": [2]})
    assert [(e.club, e.days, e.rank) for e in enrolments] == [("tuesday", [2], 3)]


def test_unlisted_club_only_when_the_choices_are_full_and_min_size_holds():
    s = school([club("A", 1), club("B", 10, min_size=2)], [pupil("p1", ["A"]), pupil("p2", ["A"])])
    enrolments, stats = assign_pupils(s, {"A": [1], "B": [2]})
    got = {e.pupil: (e.club, e.rank) for e in enrolments}
    # B must open with 2 pupils: both go there, although one of them could have had A
    assert sorted(got.values()) == [("B", None), ("B", None)]
    assert stats.status == "optimal"


def test_second_clubs_only_from_leftover_seats_and_only_when_nobody_is_below_third_choice():
    fair = school(
        [club("A", 3), club("B", 3)],
        [pupil("p1", ["A", "B"]), pupil("p2", ["A", "B"]), pupil("p3", ["B", "A"])],
    )
    enrolments, stats = assign_pupils(fair, {"A": [1], "B": [2]})
    assert stats.second_clubs == 3 and all(len(c) == 2 for c in clubs_of(enrolments).values())

    # p4 gets only their 4th choice: then nobody may have two clubs
    unfair = school(
        [club(c, 1) for c in "ABC"] + [club("D", 5)],
        [pupil(f"p{i}", ["A", "B", "C", "D"]) for i in range(4)],
    )
    enrolments, stats = assign_pupils(unfair, {"A": [1], "B": [1], "C": [1], "D": [2]})
    assert stats.second_clubs == 0 and max(len(c) for c in clubs_of(enrolments).values()) == 1


def test_second_club_never_meets_on_the_same_day_as_the_first():
    s = school([club("A", 5), club("B", 5)], [pupil("p1", ["A", "B"])])
    enrolments, stats = assign_pupils(s, {"A": [1], "B": [1]})
    assert [e.club for e in enrolments] == ["A"] and stats.second_clubs == 0


def test_first_choice_share_and_summary():
    pupils = [pupil(f"p{i}", ["A", "B", "C"]) for i in range(10)]
    s = school([club("A", 6), club("B", 3), club("C", 5)], pupils)
    enrolments, _ = assign_pupils(s, {"A": [1], "B": [1], "C": [1]})
    summary = choice_summary(s, enrolments)
    assert summary == {
        "participating": 10,
        "first_choice": 60.0,
        "top2": 90.0,
        "top3": 100.0,
        "unplaced": 0,
        "two_clubs": 0,
    }


def test_two_thousand_pupils_and_thirty_clubs_solve_to_optimality():
    """The large sample school: ~1,800 staying pupils, 30 clubs; timing is printed (benchmarks assert speed)."""
    s = load_school(Path(__file__).parent.parent / "instances" / "large-48.json")
    days = {c.id: [1 + (i + k) % 5 for k in range(c.days_per_week)] for i, c in enumerate(s.after_school.clubs)}
    started = time.perf_counter()
    enrolments, stats = assign_pupils(s, days, time_limit=30)
    elapsed = time.perf_counter() - started
    print(
        f"\nclub assignment: {stats.pupils} pupils, {len(days)} clubs, {stats.status}, gap {stats.gap}, {elapsed:.1f} s"
    )
    assert len(s.after_school.pupils) >= 2000 and len(days) == 30
    assert stats.status == "optimal" or (stats.gap is not None and stats.gap < 0.01)
    assert stats.unplaced == []
    members = Counter(e.club for e in enrolments)
    assert all(c.min_size <= members[c.id] <= c.max_size for c in s.after_school.clubs)
    assert choice_summary(s, enrolments)["first_choice"] > 70
