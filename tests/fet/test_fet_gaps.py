"""FET's min gaps between activities, teacher(s) interval max days per week and activities occupy max time
slots from selection → Lesson.min_gap, Teacher.interval_max_days, School.occupy_max_slots: a small FET file per
constraint imports exactly, solves, passes the checker and round-trips export → import; and fet-cl's own
timetable of the file passes our checker, so FET's semantics are tested against ours (skipped without fet-cl)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.check import check
from scheduler.domain import School
from scheduler.fet import export_fet, import_fet
from scheduler.fet.report import ImportReport
from scheduler.fet.runner import fet_cl_path, run_fet_cl
from scheduler.fet.timetable import read_fet_timetable
from scheduler.solve import SolveOptions, solve
from tests.fet.test_fet import _element, _fet, _with_constraints
from tests.fet.test_fet_relations import _split, _with_break

YEAR = "<Year><Name>1</Name><Group><Name>1A</Name></Group><Group><Name>1B</Name></Group></Year>"
OPTIONS = SolveOptions(time_limit=10, workers=1)


def _ids(*ids: int) -> list[tuple[str, object]]:
    return [("Number_of_Activities", len(ids)), *(("Activity_Id", aid) for aid in ids)]


def _solved_and_checked(school: School):
    result = solve(school, OPTIONS)
    assert result.status in ("optimal", "feasible"), result.explanation
    assert check(school, result.solution).ok, [v.message for v in check(school, result.solution).hard]
    return result.solution


def _fet_timetable_passes_our_checker(path: Path, school: School, report: ImportReport, tmp_path: Path) -> None:
    """fet-cl solves the file; its timetable, read into the imported school, breaks none of our hard rules."""
    if fet_cl_path() is None:
        pytest.skip("fet-cl not on PATH (Debian package fet; CI installs it): FET's semantics not compared")
    space = _element("ConstraintBasicCompulsorySpace", [])  # FET refuses to generate without it
    text = path.read_text(encoding="utf-8").replace("<Space_Constraints_List>", "<Space_Constraints_List>" + space)
    path.write_text(text, encoding="utf-8")
    run = run_fet_cl(path, tmp_path / "fet-out", time_limit=30, seed=1)
    assert run.success, run.message
    solution, skipped = read_fet_timetable(run.activities_xml, school, report)
    assert skipped == []
    assert len(solution.placements) == sum(lesson.count for lesson in school.lessons)
    assert check(school, solution).ok, [v.message for v in check(school, solution).hard]


def test_min_gaps_between_activities_count_a_break_hour(tmp_path):
    # One day H0–H4, H2 a break; 1A is free only in H1 and H4, so its split Math (1 + 2) sits there: FET counts
    # H2 (break) and H3 as two gaps, and so must the School (午餐 block + period 3)
    path = _fet(
        tmp_path, YEAR, [("T1", "Math", "1A")] * 2 + [("T2", "Art", "1B")], teachers=("T1", "T2"), days=1, hours=5
    )
    _split(path, {1: 1, 2: 1})
    _with_break(path, "H2", days=1)
    closed = "".join(f"<Not_Available_Time><Day>D0</Day><Hour>{h}</Hour></Not_Available_Time>" for h in ("H0", "H3"))
    not_available = (
        "<ConstraintStudentsSetNotAvailableTimes><Weight_Percentage>100</Weight_Percentage><Students>1A</Students>"
        f"<Number_of_Not_Available_Times>2</Number_of_Not_Available_Times>{closed}<Active>true</Active>"
        "</ConstraintStudentsSetNotAvailableTimes>"
    )
    gaps = _element("ConstraintMinGapsBetweenActivities", [*_ids(1, 2), ("MinGaps", 2)])
    spread_over_two = _element("ConstraintMinGapsBetweenActivities", [*_ids(1, 3), ("MinGaps", 1)])
    _with_constraints(path, not_available + gaps + spread_over_two)
    school, report = import_fet(path)
    assert report.outcome_of("ConstraintMinGapsBetweenActivities") == {"mapped": 1, "not_represented": 1}
    (math,) = [lesson for lesson in school.lessons if lesson.count == 2]
    assert math.min_gap == 2
    solution = _solved_and_checked(school)
    assert sorted(p.period for p in solution.placements if p.lesson == math.id) == [2, 4]
    tighter = school.model_copy(update={"lessons": [m.model_copy(update={"min_gap": 3}) for m in school.lessons]})
    assert solve(School.model_validate(tighter.model_dump()), OPTIONS).status == "infeasible"

    out = tmp_path / "again.fet"
    assert any("ConstraintMinGapsBetweenActivities ×1" in line for line in export_fet(school, out).expressed)
    again, _ = import_fet(out)
    assert [lesson.min_gap for lesson in again.lessons if lesson.count == 2] == [2]
    _fet_timetable_passes_our_checker(path, school, report, tmp_path)


def test_teacher_interval_max_days_ends_before_its_end_hour(tmp_path):
    # 3 days H0–H2; T1's split Math on 3 days, in [H0, H2) on one day only, so in H2 (past the interval's end
    # hour) on two; T2 in [H2, end of day) on one day only
    activities = [("T1", "Math", "1A")] * 3 + [("T2", "Art", "1A")] * 3
    path = _fet(tmp_path, YEAR, activities, teachers=("T1", "T2"), days=3, hours=3)
    fields = [
        ("Teacher_Name", "T1"),
        ("Interval_Start_Hour", "H0"),
        ("Interval_End_Hour", "H2"),
        ("Max_Days_Per_Week", 1),
    ]
    morning = _element("ConstraintTeacherIntervalMaxDaysPerWeek", fields)
    fields = [
        ("Teacher_Name", "T2"),
        ("Interval_Start_Hour", "H2"),
        ("Interval_End_Hour", ""),
        ("Max_Days_Per_Week", 1),
    ]
    evening = _element("ConstraintTeacherIntervalMaxDaysPerWeek", fields)
    every = _element(
        "ConstraintTeachersIntervalMaxDaysPerWeek",
        [("Interval_Start_Hour", "H0"), ("Interval_End_Hour", "H1"), ("Max_Days_Per_Week", 3)],
    )
    spread = _element(
        "ConstraintMinDaysBetweenActivities", [("Consecutive_If_Same_Day", "false"), *_ids(1, 2, 3), ("MinDays", 1)]
    )
    school, report = import_fet(_with_constraints(_split(path, {1: 1, 2: 1, 3: 1}), morning + evening + every + spread))
    assert report.outcome_of("ConstraintTeacherIntervalMaxDaysPerWeek") == {"mapped": 2}
    assert report.outcome_of("ConstraintTeachersIntervalMaxDaysPerWeek") == {"mapped": 1}
    intervals = {
        t.name: [(i.first_period, i.last_period, i.max_days) for i in t.interval_max_days] for t in school.teachers
    }
    assert intervals == {"T1": [(1, 2, 1), (1, 1, 3)], "T2": [(3, 3, 1), (1, 1, 3)]}
    solution = _solved_and_checked(school)
    t1 = school.teachers[0].id
    assert len({p.day for p in solution.placements if t1 in p.teachers and p.period < 3}) <= 1

    out = tmp_path / "again.fet"
    assert any("ConstraintTeacherIntervalMaxDaysPerWeek ×4" in line for line in export_fet(school, out).expressed)
    again, _ = import_fet(out)
    assert {
        t.name: [(i.first_period, i.last_period, i.max_days) for i in t.interval_max_days] for t in again.teachers
    } == intervals
    _fet_timetable_passes_our_checker(path, school, report, tmp_path)


def test_activities_occupy_max_time_slots_counts_a_slot_once(tmp_path):
    # 2 days H0–H2: 1A's split Math (1 + 2) and 1B's two Art (3, 4) in at most 2 of the 6 slots: they must pair
    # up at the same times, a slot that two of them occupy counting once (FET's definition)
    activities = [("T1", "Math", "1A")] * 2 + [("T2", "Art", "1B")] * 2
    path = _split(_fet(tmp_path, YEAR, activities, teachers=("T1", "T2"), days=2, hours=3), {1: 1, 2: 1})
    selected = "".join(
        f"<Selected_Time_Slot><Selected_Day>D{d}</Selected_Day><Selected_Hour>H{h}</Selected_Hour></Selected_Time_Slot>"
        for d in range(2)
        for h in range(3)
    )
    occupy = _element(
        "ConstraintActivitiesOccupyMaxTimeSlotsFromSelection",
        [*_ids(1, 2, 3, 4), ("Number_of_Selected_Time_Slots", 6), ("_", ""), ("Max_Number_of_Occupied_Time_Slots", 2)],
    ).replace("<_></_>", selected)
    part = _element(
        "ConstraintActivitiesOccupyMaxTimeSlotsFromSelection",
        [*_ids(1), ("Number_of_Selected_Time_Slots", 6), ("_", ""), ("Max_Number_of_Occupied_Time_Slots", 1)],
    ).replace("<_></_>", selected)
    school, report = import_fet(_with_constraints(path, occupy + part))
    assert report.outcome_of("ConstraintActivitiesOccupyMaxTimeSlotsFromSelection") == {
        "mapped": 1,
        "not_represented": 1,
    }
    (entry,) = school.occupy_max_slots
    assert (len(entry.lessons), len(entry.slots), entry.max_slots) == (3, 6, 2)  # Math, Art 3, Art 4
    solution = _solved_and_checked(school)
    assert len({(p.day, p.period) for p in solution.placements}) == 2

    out = tmp_path / "again.fet"
    export_fet(school, out)
    (again,) = import_fet(out)[0].occupy_max_slots
    assert (len(again.lessons), len(again.slots), again.max_slots) == (3, 6, 2)
    _fet_timetable_passes_our_checker(path, school, report, tmp_path)
