"""After-school "5+2" rules in the one CP-SAT model, on tiny inline schools: each rule bites and is respected.

The tiny school (tests/model/tiny.py) has 3 days and 5 periods ending 15:00; its service runs
15:10–17:30 (session 1 until 16:10, session 2 from 16:20).
"""

from __future__ import annotations

from collections import Counter

from tiny import tiny

from scheduler.check import check
from scheduler.domain import School
from scheduler.explain import precheck
from scheduler.solve import SolveOptions, solve

OPTIONS = SolveOptions(time_limit=20, workers=2)
WINDOW = {"stage": "primary", "start": "15:10", "session1_end": "16:10", "session2_start": "16:20", "end": "17:30"}
OUTSIDE = {
    "id": "x1",
    "name": "王教练",
    "outside_staff": True,
    "max_lessons_per_week": 0,
    "max_lessons_per_day": 0,
    "after_school_days": [2],
}


def school_with(after_school: dict | None = None, teachers: list | None = None, rooms: list | None = None, **top):
    data = tiny(**top)
    data["teachers"] += teachers or []
    data["rooms"] += rooms or []
    data["rooms"] += [{"id": f"h{i}", "name": f"三年级{i}班教室"} for i in (1, 2)]
    for i, c in enumerate(data["classes"], 1):
        c["home_room"] = f"h{i}"
    data["after_school"] = {"windows": [WINDOW], "work_end": "17:30"} | (after_school or {})
    return School.model_validate(data)


def solved(school: School):
    result = solve(school, OPTIONS)
    assert result.status in ("optimal", "feasible"), [f.message for f in result.explanation]
    report = check(school, result.solution)
    assert report.hard == [], [v.message for v in report.hard]
    assert report.soft == result.terms
    return result


def test_every_class_gets_one_of_its_own_teachers_in_its_home_room_every_day():
    school = school_with()
    plan = solved(school).solution.after_school
    per_class_day = Counter((s.class_id, s.day) for s in plan.supervisions)
    assert per_class_day == {(c, d): 1 for c in ("c3-1", "c3-2") for d in (1, 2, 3)}
    for s in plan.supervisions:
        assert s.teacher in school.teachers_of_class[s.class_id]
        assert s.room == school.class_by_id[s.class_id].home_room
    assert len(plan.sessions) == 3 and plan.sessions[0].session2_end == "17:30"


def test_duty_cap_spreads_supervision():
    """6 duties, 5 candidate teachers: with at most 2 a week nobody takes 3."""
    school = school_with({"max_duties_per_week": 2})
    plan = solved(school).solution.after_school
    assert max(Counter(s.teacher for s in plan.supervisions).values()) <= 2


def test_duty_cap_too_small_is_infeasible_and_named():
    school = school_with({"max_duties_per_week": 1})  # 6 duties > 5 teachers × 1
    result = solve(school, OPTIONS)
    assert result.status == "infeasible"
    assert {"as_duty_max_week", "as_supervision"} <= {f.rule for f in result.explanation}


def test_flexible_days_are_hard_with_after_school():
    """Every teacher ≥ 2 flexible days, jointly with the timetable (period 1 kept free on duty days)."""
    school = school_with(flexible={"min_days": 2, "late_arrival_until": "09:00", "early_leave_from": "14:10"})
    result = solved(school)
    report = check(school, result.solution)
    assert report.of("flexible_days") == []
    from scheduler.check.context import Context

    ctx = Context(school, result.solution)
    assert all(len(ctx.flexible_days(t.id)) >= 2 for t in school.teachers)


def test_flexible_days_impossible_is_reported():
    """Only 张老师/李老师 can supervise their classes and nothing starts after 23:00: no flexible day."""
    school = school_with(
        flexible={"min_days": 1, "late_arrival_until": "23:00", "early_leave_from": "14:10"},
    )
    data = school.model_dump()
    for t in data["teachers"]:
        if t["id"] != "t1" and t["id"] != "t2":
            t["after_school_days"] = []
    school = School.model_validate(data)
    result = solve(school, OPTIONS)
    assert result.status == "infeasible"
    rules = {f.rule for f in result.explanation}
    assert "flexible_days" in rules
    assert any(name in f.message for f in result.explanation for name in ("张老师", "李老师"))


def club(club_id: str, name: str, room_type: str, instructors: list[str], **more) -> dict:
    return {
        "id": club_id,
        "name": name,
        "grades": [3],
        "room_type": room_type,
        "instructors": instructors,
        "min_size": 0,
        "max_size": 40,
    } | more


def test_club_meets_on_its_instructors_day_in_a_room_of_its_type():
    school = school_with(
        {
            "clubs": [
                club("choir", "合唱", "music", ["x1"]),
                club("rope", "跳绳", "playground", ["t4"], days_per_week=2),
            ]
        },
        teachers=[OUTSIDE],
    )
    plan = solved(school).solution.after_school
    meetings = {(m.club, m.day): m for m in plan.club_meetings}
    assert [d for c, d in meetings if c == "choir"] == [2]
    assert meetings[("choir", 2)].room == "r-music" and meetings[("choir", 2)].instructor == "x1"
    rope_days = [d for c, d in meetings if c == "rope"]
    assert len(rope_days) == 2
    # 赵老师 leads 跳绳 on those days, so he supervises no class then (no double booking)
    assert not any(s.teacher == "t4" and s.day in rope_days for s in plan.supervisions)


def test_two_music_clubs_whose_outside_instructors_come_only_on_tuesday_are_reported():
    """The music room holds one club; both instructors can only come on day 2: the pre-check says so."""
    other = OUTSIDE | {"id": "x2", "name": "李老师（外聘）"}
    school = school_with(
        {"clubs": [club("choir", "合唱", "music", ["x1"]), club("folk", "民乐", "music", ["x2"])]},
        teachers=[OUTSIDE, other],
    )
    findings = precheck(school)
    assert [f.rule for f in findings] == ["as_room_capacity"]
    assert "合唱" in findings[0].message and "民乐" in findings[0].message and "周二" in findings[0].message
    result = solve(school, OPTIONS)
    assert result.status == "infeasible" and result.explanation == findings


def test_club_whose_only_instructor_is_never_free_is_reported():
    never = OUTSIDE | {"after_school_days": []}
    school = school_with({"clubs": [club("go", "围棋", "music", ["x1"])]}, teachers=[never])
    (finding,) = precheck(school)
    assert finding.rule == "as_instructor_available"
    assert "围棋" in finding.message and "王教练" in finding.message


def test_model_explains_a_club_clash_the_precheck_cannot_see():
    """跳绳 needs 赵老师 on 3 days, but he may do only 2 after-school duties a week."""
    school = school_with(
        {"clubs": [club("rope", "跳绳", "playground", ["t4"], days_per_week=3)], "max_duties_per_week": 2},
    )
    assert precheck(school) == []
    result = solve(school, OPTIONS)
    assert result.status == "infeasible"
    rules = {f.rule for f in result.explanation}
    assert {"as_club_days", "as_duty_max_week"} <= rules


def test_settings_that_break_5_plus_2_are_reported_by_the_precheck():
    short = WINDOW | {"session1_end": "15:40", "session2_start": "15:40", "end": "17:00"}
    school = school_with({"windows": [short], "days": [1, 2]})
    rules = [f.rule for f in precheck(school)]
    assert rules == ["as_service_days", "as_daily_minutes", "as_end_time", "as_session_length"]


def test_pupils_are_placed_in_clubs_after_the_timetable():
    pupils = [
        {"id": f"p{i}", "class_id": "c3-1" if i % 2 else "c3-2", "until": [2, 2, 2], "choices": ["rope", "choir"]}
        for i in range(12)
    ]
    school = school_with(
        {
            "clubs": [
                club("choir", "合唱", "music", ["x1"], max_size=20),
                club("rope", "跳绳", "playground", ["t4"], max_size=8, physical_activity=True, category="sports"),
            ],
            "pupils": pupils,
        },
        teachers=[OUTSIDE],
    )
    result = solved(school)
    enrolled = Counter(e.club for e in result.solution.after_school.enrolments)
    assert enrolled["rope"] == 8  # first choice up to capacity
    assert result.clubs.status == "optimal" and result.clubs.unplaced == []
    assert {e.pupil for e in result.solution.after_school.enrolments} == {p["id"] for p in pupils}
