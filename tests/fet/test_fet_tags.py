"""FET's activity tag max hours daily / continuously (teachers and students), students (set) max hours
continuously and teacher(s) min days per week of fewer than every day: import, solve, check, export → import,
fet-cl."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from scheduler.check import check
from scheduler.fet import export_fet, import_fet
from scheduler.fet.runner import fet_cl_path, run_fet_cl
from scheduler.solve import SolveOptions, solve
from tests.fet.test_fet import _element, _fet, _with_constraints

YEAR = (
    "<Year><Name>1</Name><Group><Name>1A</Name></Group><Group><Name>1B</Name>"
    "<Subgroup><Name>1B-x</Name></Subgroup><Subgroup><Name>1B-y</Name></Subgroup></Group></Year>"
)
OPTIONS = SolveOptions(time_limit=10, workers=1)


def _tagged(path: Path, tag: str, activity_ids: list[int]) -> Path:
    """Tag the activities ``activity_ids`` with ``tag`` (and list the tag)."""
    text = path.read_text(encoding="utf-8")
    for aid in activity_ids:
        text = text.replace(f"<Id>{aid}</Id>", f"<Activity_Tag>{tag}</Activity_Tag><Id>{aid}</Id>", 1)
    listed = f"<Activity_Tags_List><Activity_Tag><Name>{tag}</Name></Activity_Tag></Activity_Tags_List>"
    path.write_text(text.replace("</Subjects_List>", "</Subjects_List>" + listed), encoding="utf-8")
    return path


def _limits(records) -> dict[str, list[tuple[str, int | None, int | None]]]:
    return {r.name: [(x.tag, x.max_per_day, x.max_consecutive) for x in r.tag_limits] for r in records}


def _runs(periods: set[int]) -> list[int]:
    """Lengths of the runs of consecutive periods."""
    lengths: list[int] = []
    for p in sorted(periods):
        if lengths and p - 1 in periods:
            lengths[-1] += 1
        else:
            lengths.append(1)
    return lengths


def _fet_cl_accepts(school, tmp_path: Path):
    out = tmp_path / "again.fet"
    report = export_fet(school, out)
    if fet_cl_path() is not None:
        run = run_fet_cl(out, tmp_path / "fet-out", time_limit=20, seed=1)
        assert run.success, run.message
    again, _ = import_fet(out)
    return again, report


def test_teacher_activity_tag_caps_map_both_ways(tmp_path):
    # T1: 3 Lab activities with 1A (at most 1 a day, 1 in a row) and 3 untagged with 1B; every teacher: 2 Lab in a row
    activities = [("T1", "Math", "1A")] * 3 + [("T1", "Math", "1B")] * 3 + [("T2", "Art", "1A")]
    path = _tagged(_fet(tmp_path, YEAR, activities, teachers=("T1", "T2"), days=3, hours=4), "Lab", [1, 2, 3])
    constraints = (
        _element(
            "ConstraintTeacherActivityTagMaxHoursDaily",
            [("Teacher_Name", "T1"), ("Activity_Tag_Name", "Lab"), ("Maximum_Hours_Daily", 1)],
        )
        + _element(
            "ConstraintTeacherActivityTagMaxHoursContinuously",
            [("Teacher_Name", "T1"), ("Activity_Tag_Name", "Lab"), ("Maximum_Hours_Continuously", 1)],
        )
        + _element(
            "ConstraintTeachersActivityTagMaxHoursContinuously",
            [("Activity_Tag_Name", "Lab"), ("Maximum_Hours_Continuously", 2)],
        )
    )
    school, report = import_fet(_with_constraints(path, constraints))
    for fet_type in (
        "ConstraintTeacherActivityTagMaxHoursDaily",
        "ConstraintTeacherActivityTagMaxHoursContinuously",
        "ConstraintTeachersActivityTagMaxHoursContinuously",
    ):
        assert report.outcome_of(fet_type) == {"mapped": 1}, fet_type
    assert _limits(school.teachers) == {"T1": [("Lab", 1, 1)], "T2": [("Lab", None, 2)]}
    assert sorted(len(lesson.tags) for lesson in school.lessons) == [0, 0, 0, 0, 1, 1, 1]
    result = solve(school, OPTIONS)
    assert result.status in ("optimal", "feasible")
    assert check(school, result.solution).ok
    lab_days = [p.day for p in result.solution.placements if "Lab" in school.lesson_by_id[p.lesson].tags]
    assert sorted(lab_days) == [1, 2, 3]

    again, export_report = _fet_cl_accepts(school, tmp_path)
    assert any("ActivityTagMaxHours" in line for line in export_report.expressed)
    assert _limits(again.teachers) == _limits(school.teachers)
    assert sorted(lesson.tags for lesson in again.lessons) == sorted(lesson.tags for lesson in school.lessons)


def test_students_tag_caps_and_max_hours_continuously_map_both_ways(tmp_path):
    # 1A: 4 Lab periods, at most 2 a day (1A) and 1 in a row (all students), at most 2 periods in a row of any
    # lesson; a subgroup alone (1B-x) is not represented, a weight below 100 % stays soft
    activities = [("T1", "Math", "1A")] * 4 + [("T2", "Art", "1A")] * 2 + [("T1", "Math", "1B")] * 2
    path = _tagged(_fet(tmp_path, YEAR, activities, teachers=("T1", "T2"), days=2, hours=4), "Lab", [1, 2, 3, 4])
    soft = _element(
        "ConstraintStudentsSetMaxHoursContinuously", [("Maximum_Hours_Continuously", 1), ("Students", "1B")]
    )
    constraints = (
        _element(
            "ConstraintStudentsSetActivityTagMaxHoursDaily",
            [("Maximum_Hours_Daily", 2), ("Students", "1A"), ("Activity_Tag", "Lab")],
        )
        + _element(
            "ConstraintStudentsActivityTagMaxHoursContinuously",
            [("Maximum_Hours_Continuously", 1), ("Activity_Tag", "Lab")],
        )
        + _element("ConstraintStudentsSetMaxHoursContinuously", [("Maximum_Hours_Continuously", 2), ("Students", "1A")])
        + _element("ConstraintStudentsMaxHoursContinuously", [("Maximum_Hours_Continuously", 3)])
        + _element(
            "ConstraintStudentsSetMaxHoursContinuously", [("Maximum_Hours_Continuously", 1), ("Students", "1B-x")]
        )
        + soft.replace("<Weight_Percentage>100<", "<Weight_Percentage>95<")
    )
    school, report = import_fet(_with_constraints(path, constraints))
    assert report.outcome_of("ConstraintStudentsSetActivityTagMaxHoursDaily") == {"mapped": 1}
    assert report.outcome_of("ConstraintStudentsActivityTagMaxHoursContinuously") == {"mapped": 1}
    assert report.outcome_of("ConstraintStudentsMaxHoursContinuously") == {"mapped": 1}
    assert report.outcome_of("ConstraintStudentsSetMaxHoursContinuously") == {
        "mapped": 1,
        "not_represented": 1,
        "soft_not_represented": 1,
    }
    assert _limits(school.classes) == {"1A": [("Lab", 2, 1)], "1B": [("Lab", None, 1)]}
    assert {c.name: c.max_consecutive for c in school.classes} == {"1A": 2, "1B": 3}
    result = solve(school, OPTIONS)
    assert result.status in ("optimal", "feasible")
    assert check(school, result.solution).ok
    lab: dict[int, set[int]] = defaultdict(set)
    busy: dict[int, set[int]] = defaultdict(set)
    for p in result.solution.placements:
        lesson = school.lesson_by_id[p.lesson]
        if lesson.groups == [school.classes[0].id]:
            busy[p.day].add(p.period)
            if "Lab" in lesson.tags:
                lab[p.day].add(p.period)
    assert {day: len(periods) for day, periods in lab.items()} == {1: 2, 2: 2}
    assert all(_runs(periods) == [1, 1] for periods in lab.values())
    assert all(max(_runs(periods)) <= 2 for periods in busy.values())

    again, _ = _fet_cl_accepts(school, tmp_path)
    assert _limits(again.classes) == _limits(school.classes)
    assert {c.name: c.max_consecutive for c in again.classes} == {"1A": 2, "1B": 3}


def test_teacher_min_days_of_fewer_days_maps_both_ways(tmp_path):
    activities = [("T1", "Math", "1A")] * 2 + [("T2", "Art", "1B")] * 3
    path = _fet(tmp_path, YEAR, activities, teachers=("T1", "T2"), days=3, hours=4)
    constraints = _element("ConstraintTeacherMinDaysPerWeek", [("Teacher_Name", "T1"), ("Minimum_Days_Per_Week", 2)])
    school, report = import_fet(_with_constraints(path, constraints))
    assert report.outcome_of("ConstraintTeacherMinDaysPerWeek") == {"mapped": 1}
    assert {t.name: (t.min_days_per_week, t.allow_empty_days) for t in school.teachers} == {
        "T1": (2, True),
        "T2": (None, True),
    }
    result = solve(school, OPTIONS)
    assert check(school, result.solution).ok
    t1 = school.teachers[0].id
    assert len({p.day for p in result.solution.placements if t1 in p.teachers}) == 2
    again, _ = _fet_cl_accepts(school, tmp_path)
    assert {t.name: t.min_days_per_week for t in again.teachers} == {"T1": 2, "T2": None}
