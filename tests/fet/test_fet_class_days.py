"""FET students sets' not-available times, gaps and first-hour starts: import, solve, check, export, re-import,
and ``fet-cl`` on the export (skipped where it is not installed)."""

from __future__ import annotations

from collections import defaultdict

from test_fet import _element, _fet, _require_fet_cl, _students_limit, _with_constraints

from scheduler.check import check
from scheduler.domain import School
from scheduler.fet import export_fet, import_fet
from scheduler.fet.runner import run_fet_cl
from scheduler.solve import SolveOptions, solve

YEAR = (
    "<Year><Name>1</Name><Group><Name>1A</Name></Group><Group><Name>1B</Name>"
    "<Subgroup><Name>1B-x</Name></Subgroup><Subgroup><Name>1B-y</Name></Subgroup></Group></Year>"
)
# 1A: 6 lessons in two days of 5 hours, so a lesson on both days; 1B: 2 together, 2 per subgroup
ACTIVITIES = [("T1", "Math", "1A")] * 3 + [("T2", "Art", "1A")] * 3
ACTIVITIES += [("T3", "Math", "1B")] * 2 + [("T4", "Art", "1B-x")] * 2 + [("T4", "Art", "1B-y")] * 2
TEACHERS = ("T1", "T2", "T3", "T4")


def _not_available(students: str, slots: list[tuple[int, int]]) -> str:
    times = "".join(f"<Not_Available_Time><Day>D{d}</Day><Hour>H{h}</Hour></Not_Available_Time>" for d, h in slots)
    return _element(
        "ConstraintStudentsSetNotAvailableTimes",
        [("Students", students), ("Number_of_Not_Available_Times", len(slots))],
    ).replace("<Active>", times + "<Active>")


def _atom_days(school: School, solution) -> dict[tuple[str, int], list[int]]:
    """(atom, day) → sorted covered periods."""
    out: dict[tuple[str, int], list[int]] = defaultdict(list)
    for p in solution.placements:
        lesson = school.lesson_by_id[p.lesson]
        for atom in dict.fromkeys(a for g in lesson.groups for a in school.atoms_of(g)):
            out[atom, p.day] += range(p.period, p.period + lesson.duration)
    return {key: sorted(periods) for key, periods in out.items()}


def _solved(school: School):
    result = solve(school, SolveOptions(time_limit=10, workers=1))
    assert result.solution is not None, result.explanation
    report = check(school, result.solution)
    assert report.ok, [v.message for v in report.hard]
    return result.solution


def _fet_cl_accepts(school: School, tmp_path) -> None:
    _require_fet_cl()
    out = tmp_path / "for-fet-cl.fet"
    export_fet(school, out)
    run = run_fet_cl(out, tmp_path / "fet-out", time_limit=20, seed=1)
    assert run.success, run.message


def _not_available_file(tmp_path):
    # 1A not available in the first hour of D0, subgroup 1B-x in H2 of D1; all students: no gaps, start early
    constraints = (
        _not_available("1A", [(0, 0)])
        + _not_available("1B-x", [(1, 2)])
        + _students_limit("ConstraintStudentsMaxGapsPerWeek", "Max_Gaps", 0)
        + _students_limit("ConstraintStudentsEarlyMaxBeginningsAtSecondHour", "Max_Beginnings_At_Second_Hour", 0)
    )
    return _with_constraints(_fet(tmp_path, YEAR, ACTIVITIES, teachers=TEACHERS, days=2, hours=5), constraints)


def test_not_available_slots_become_class_unavailable_and_keep_no_gaps_and_early_start(tmp_path):
    school, report = import_fet(_not_available_file(tmp_path))
    assert report.outcome_of("ConstraintStudentsSetNotAvailableTimes") == {"mapped": 2}
    assert report.outcome_of("ConstraintStudentsMaxGapsPerWeek") == {"mapped": 1}
    assert report.outcome_of("ConstraintStudentsEarlyMaxBeginningsAtSecondHour") == {"mapped": 1}
    assert report.unsupported == []
    assert {c.id: [(s.day, s.period, s.section) for s in c.unavailable] for c in school.classes} == {
        "1A": [(1, 1, None)],
        "1B": [(2, 3, "1B-x")],
    }
    assert all(c.no_gaps and c.starts_first_period for c in school.classes)
    assert "placeholder lessons" not in report.counts and report.counts["unavailable class slots"] == 2

    days = _atom_days(school, _solved(school))
    # FET's first hour of 1A on D0 is H1 (H0 is not available): the day starts there, with no gap after it
    assert days["1A", 1][0] == 2 and days["1A", 1] == list(range(2, 2 + len(days["1A", 1])))
    assert 3 not in days.get(("1B:1B-x", 2), [])


def test_not_available_slots_round_trip_and_fet_cl_accepts_them(tmp_path):
    school, _ = import_fet(_not_available_file(tmp_path))
    out = tmp_path / "again.fet"
    export_report = export_fet(school, out)
    assert any("class.unavailable" in line for line in export_report.expressed)
    again, again_report = import_fet(out)
    assert again_report.outcome_of("ConstraintStudentsSetNotAvailableTimes") == {"mapped": 2}

    def shape(s: School) -> dict:
        return {
            c.id: ([(x.day, x.period, x.section) for x in c.unavailable], c.no_gaps, c.starts_first_period)
            for c in s.classes
        }

    assert shape(again) == shape(school)
    _solved(again)
    _fet_cl_accepts(school, tmp_path)


def _gaps_file(tmp_path):
    # 1A: at most 1 gap a week (group); all students: at most 1 gap a day; 1A's first lesson pinned to D0 H0
    # and one to D0 H4, so D0 needs lessons in between
    constraints = (
        _students_limit("ConstraintStudentsSetMaxGapsPerWeek", "Max_Gaps", 1, "1A")
        + _students_limit("ConstraintStudentsMaxGapsPerDay", "Max_Gaps", 1)
        + _students_limit("ConstraintStudentsSetMaxGapsPerDay", "Max_Gaps", 2, "1B")
        + _element(
            "ConstraintActivityPreferredStartingTime",
            [("Activity_Id", 1), ("Preferred_Day", "D0"), ("Preferred_Hour", "H0"), ("Permanently_Locked", "true")],
        )
        + _element(
            "ConstraintActivityPreferredStartingTime",
            [("Activity_Id", 4), ("Preferred_Day", "D0"), ("Preferred_Hour", "H4"), ("Permanently_Locked", "true")],
        )
    )
    return _with_constraints(_fet(tmp_path, YEAR, ACTIVITIES, teachers=TEACHERS, days=2, hours=5), constraints)


def _gaps_of(periods: list[int]) -> int:
    return periods[-1] - periods[0] + 1 - len(periods) if periods else 0


def test_students_max_gaps_above_zero_become_class_gap_caps(tmp_path):
    school, report = import_fet(_gaps_file(tmp_path))
    assert report.outcome_of("ConstraintStudentsSetMaxGapsPerWeek") == {"mapped": 1}
    assert report.outcome_of("ConstraintStudentsMaxGapsPerDay") == {"mapped": 1}
    assert report.outcome_of("ConstraintStudentsSetMaxGapsPerDay") == {"mapped": 1}
    assert report.unsupported == []
    caps = {c.id: (c.max_gaps_per_week, c.max_gaps_per_day, c.no_gaps) for c in school.classes}
    assert caps == {"1A": (1, 1, False), "1B": (None, 1, False)}  # the smallest of the per-day caps

    days = _atom_days(school, _solved(school))
    assert sum(_gaps_of(days.get(("1A", d), [])) for d in (1, 2)) <= 1
    assert all(_gaps_of(periods) <= 1 for periods in days.values())


def test_students_gap_caps_round_trip_and_fet_cl_accepts_them(tmp_path):
    school, _ = import_fet(_gaps_file(tmp_path))
    out = tmp_path / "again.fet"
    export_report = export_fet(school, out)
    assert "ConstraintStudentsSetMaxGapsPerWeek / PerDay for 2 classes (class.max_gaps_per_week / per_day)" in (
        export_report.expressed
    )
    again, _ = import_fet(out)
    assert {c.id: (c.max_gaps_per_week, c.max_gaps_per_day) for c in again.classes} == {
        c.id: (c.max_gaps_per_week, c.max_gaps_per_day) for c in school.classes
    }
    _solved(again)
    _fet_cl_accepts(school, tmp_path)


def _late_starts_file(tmp_path):
    # all students: at most 1 beginning at the second hour a week; 1A not available at H0 of D1 (so a start
    # at H1 there is no late start); activity 1 (1A) pinned to D0 H1, a late start on D0
    constraints = (
        _students_limit("ConstraintStudentsEarlyMaxBeginningsAtSecondHour", "Max_Beginnings_At_Second_Hour", 1)
        + _not_available("1A", [(1, 0)])
        + _element(
            "ConstraintActivityPreferredStartingTime",
            [("Activity_Id", 1), ("Preferred_Day", "D0"), ("Preferred_Hour", "H1"), ("Permanently_Locked", "true")],
        )
    )
    return _with_constraints(_fet(tmp_path, YEAR, ACTIVITIES, teachers=TEACHERS, days=2, hours=5), constraints)


def _late_days(school: School, days: dict, atom: str) -> int:
    school_class = school.class_by_id[atom.partition(":")[0]]
    late = 0
    for (a, day), periods in days.items():
        if a == atom:
            before = [p for p in range(1, periods[0]) if school_class.free(atom, day, p)]
            assert len(before) <= 1, (atom, day, periods)
            late += bool(before)
    return late


def test_students_early_beginnings_above_zero_become_class_late_starts(tmp_path):
    school, report = import_fet(_late_starts_file(tmp_path))
    assert report.outcome_of("ConstraintStudentsEarlyMaxBeginningsAtSecondHour") == {"mapped": 1}
    assert report.unsupported == []
    assert {c.id: (c.max_late_starts_per_week, c.starts_first_period) for c in school.classes} == {
        "1A": (1, False),
        "1B": (1, False),
    }
    days = _atom_days(school, _solved(school))
    assert days["1A", 1][0] == 2 and _late_days(school, days, "1A") == 1  # D0 late, D1 starts at its first free hour
    assert all(_late_days(school, days, atom) <= 1 for atom in ("1B:1B-x", "1B:1B-y"))


def test_students_late_starts_round_trip_and_fet_cl_accepts_them(tmp_path):
    school, _ = import_fet(_late_starts_file(tmp_path))
    out = tmp_path / "again.fet"
    export_report = export_fet(school, out)
    assert "ConstraintStudentsSetEarlyMaxBeginningsAtSecondHour for 2 classes (class.max_late_starts_per_week)" in (
        export_report.expressed
    )
    again, _ = import_fet(out)
    assert {c.id: c.max_late_starts_per_week for c in again.classes} == {"1A": 1, "1B": 1}
    _solved(again)
    _fet_cl_accepts(school, tmp_path)
