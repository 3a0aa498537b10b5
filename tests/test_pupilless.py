"""Lessons without pupils (值班、教研活动 to place; FET activities without students): they take their
teachers' time (and a room's), are validated, solved, checked, and carried through FET import/export."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

sys.path.insert(0, str(Path(__file__).parent / "check"))
sys.path.insert(0, str(Path(__file__).parent / "fet"))

from schools import GOOD, timetable, tiny_school  # noqa: E402
from test_fet import _fet  # noqa: E402

from scheduler.check import check  # noqa: E402
from scheduler.excel_io import write_school_workbook  # noqa: E402
from scheduler.fet import export_fet, import_fet  # noqa: E402
from scheduler.load import load_school  # noqa: E402
from scheduler.solve import SolveOptions, solve  # noqa: E402

SUBJECT = {"id": "duty", "name": "值班", "category": "other"}
ON_DUTY = {"teachers.t1": {"subjects": ["math", "duty"]}}  # 张老师 also takes duties
DUTY = {"id": "t1.duty", "subject": "duty", "teachers": ["t1"], "stage": "primary", "count": 2}


def test_a_lesson_without_pupils_needs_a_stage():
    with pytest.raises(ValidationError) as caught:
        tiny_school(patch=ON_DUTY, subjects=[SUBJECT], lessons=[{**DUTY, "stage": None}])
    assert "lessons.6.groups\n  no pupil group" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        tiny_school(patch=ON_DUTY, subjects=[SUBJECT], lessons=[{**DUTY, "groups": ["c1"], "stage": "middle"}])
    assert "lessons.6.stage" in str(caught.value)


def test_the_duty_takes_the_teachers_time():
    # 张老师 teaches math 2× to each class (4 of the 10 periods) and now has 6 duty periods a week: every
    # one of his 10 periods is taken, so the model must interleave them exactly
    school = tiny_school(patch=ON_DUTY, subjects=[SUBJECT], lessons=[{**DUTY, "count": 6}])
    result = solve(school, SolveOptions(time_limit=20, workers=2))
    assert result.status in ("optimal", "feasible")
    assert check(school, result.solution).ok
    taught = [(p.day, p.period) for p in result.solution.placements if "t1" in p.teachers]
    assert len(taught) == len(set(taught)) == 10
    # one more duty period cannot fit: the school is infeasible, and said so
    too_many = tiny_school(patch=ON_DUTY, subjects=[SUBJECT], lessons=[{**DUTY, "count": 7}])
    assert solve(too_many, SolveOptions(time_limit=20, workers=2, explain=False)).status == "infeasible"


def test_the_checker_catches_a_duty_during_a_lesson():
    school = tiny_school(patch=ON_DUTY, subjects=[SUBJECT], lessons=[DUTY])
    ok = timetable([*GOOD, ("t1.duty", 1, 3), ("t1.duty", 2, 3)])
    assert check(school, ok).ok
    clash = check(school, timetable([*GOOD, ("t1.duty", 1, 1), ("t1.duty", 2, 3)])).of("teacher_clash")
    assert [(v.teacher_id, v.day, v.period) for v in clash] == [("t1", 1, 1)]
    assert "张老师 值班" in clash[0].message


def test_fet_activities_without_students_import_solve_and_round_trip(tmp_path):
    # Belize/shc-2012: 224 of 952 activities are teachers' duties ("Lunch", "Duty") without students
    year = "<Year><Name>3</Name><Group><Name>3A</Name></Group></Year>"
    activities = [("T1", "Math", "3A")] * 3 + [("T1", "Art", "")] * 4
    school, report = import_fet(_fet(tmp_path, year, activities, hours=4, days=2))
    assert report.dropped == []
    duties = [lesson for lesson in school.lessons if not lesson.groups]
    assert sum(lesson.count for lesson in duties) == 4
    assert {lesson.stage for lesson in duties} == {"primary"}
    assert any("4 activities without students" in line for line in report.lossy)
    result = solve(school, SolveOptions(time_limit=20, workers=2))
    assert result.status in ("optimal", "feasible")
    assert check(school, result.solution).ok
    taught = [(p.day, p.period) for p in result.solution.placements if p.teachers]
    assert len(taught) == len(set(taught)) == 7

    path = tmp_path / "out.fet"
    export_fet(school, path)
    again, _ = import_fet(path)
    assert sorted(lesson.count for lesson in again.lessons if not lesson.groups) == sorted(
        lesson.count for lesson in duties
    )


def test_workbook_round_trip_keeps_a_lesson_without_pupils(tmp_path):
    school = tiny_school(patch=ON_DUTY, subjects=[SUBJECT], lessons=[DUTY])
    again = load_school(write_school_workbook(school, tmp_path / "school.xlsx"))
    assert again.model_dump() == school.model_dump()
    assert again.lesson_by_id["t1.duty"].stage == "primary"
