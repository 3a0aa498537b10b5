"""FET's teacher(s) max hours continuously → Teacher.max_consecutive (rule teacher_max_consecutive): import,
solve, check, export → import, fet-cl."""

from __future__ import annotations

from scheduler.check import check
from scheduler.fet import export_fet, import_fet
from scheduler.fet.runner import fet_cl_path, run_fet_cl
from scheduler.solve import SolveOptions, solve
from tests.fet.test_fet import _element, _fet, _with_constraints

YEAR = "<Year><Name>1</Name><Group><Name>1A</Name></Group><Group><Name>1B</Name></Group></Year>"


def test_max_hours_continuously_maps_both_ways(tmp_path):
    activities = [("T1", "Math", "1A")] * 3 + [("T1", "Math", "1B")] * 3 + [("T2", "Art", "1A")]
    path = _fet(tmp_path, YEAR, activities, teachers=("T1", "T2"), days=2, hours=4)
    every = _element("ConstraintTeachersMaxHoursContinuously", [("Maximum_Hours_Continuously", 3)])
    one = _element("ConstraintTeacherMaxHoursContinuously", [("Teacher_Name", "T1"), ("Maximum_Hours_Continuously", 2)])
    school, report = import_fet(_with_constraints(path, every + one))
    assert report.outcome_of("ConstraintTeacherMaxHoursContinuously") == {"mapped": 1}
    assert {t.name: t.max_consecutive for t in school.teachers} == {"T1": 2, "T2": 3}
    result = solve(school, SolveOptions(time_limit=10, workers=1))
    assert result.status in ("optimal", "feasible")
    assert check(school, result.solution).ok
    t1 = school.teachers[0].id
    taught = {(p.day, p.period) for p in result.solution.placements if t1 in p.teachers}
    assert not any({(d, p + 1), (d, p + 2)} <= taught for d, p in taught)  # never three in a row

    out = tmp_path / "again.fet"
    export_fet(school, out)
    again, _ = import_fet(out)
    assert {t.name: t.max_consecutive for t in again.teachers} == {"T1": 2, "T2": 3}
    if fet_cl_path() is not None:
        run = run_fet_cl(out, tmp_path / "fet-out", time_limit=20, seed=1)
        assert run.success, run.message
