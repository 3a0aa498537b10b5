"""benchmarks.fet_lock: our timetable of a FET file, locked into a copy of the file, is accepted by fet-cl;
and the check can fail: a timetable with a class clash, locked the same way, is refused (skipped without fet-cl)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.fet_lock import locked_copy
from scheduler.check import check
from scheduler.fet import import_fet
from scheduler.fet.runner import fet_cl_path, run_fet_cl
from scheduler.solve import SolveOptions, solve

SMALL = Path(__file__).parent / "data" / "small.fet"

pytestmark = pytest.mark.skipif(
    fet_cl_path() is None, reason="fet-cl not on PATH (Debian package fet; CI installs it): nothing to lock into"
)


def _ours():
    school, report = import_fet(SMALL)
    result = solve(school, SolveOptions(time_limit=10, workers=1))
    assert result.solution is not None and check(school, result.solution).ok
    return school, report, result.solution


def test_fet_accepts_our_timetable_locked_into_its_file(tmp_path):
    school, report, solution = _ours()
    copy = tmp_path / "locked.fet"
    assert locked_copy(SMALL, solution, report, copy) == len(report.activity_lessons)
    run = run_fet_cl(copy, tmp_path / "out", time_limit=30, seed=1)
    assert run.success, run.message


def test_fet_refuses_a_clashing_timetable_locked_into_its_file(tmp_path):
    school, report, solution = _ours()
    # move every session of one class onto the first session's slot: a class clash FET cannot keep
    class_id = school.classes[0].id
    mine = [p for p in solution.placements if class_id in {g.partition(":")[0] for g in p.groups}]
    assert len(mine) >= 2
    first = mine[0]
    moved = [
        p.model_copy(update={"day": first.day, "period": first.period}) if p in mine else p for p in solution.placements
    ]
    clashing = solution.model_copy(update={"placements": moved})
    assert not check(school, clashing).ok  # our checker sees the clash too
    copy = tmp_path / "clash.fet"
    locked_copy(SMALL, clashing, report, copy)
    run = run_fet_cl(copy, tmp_path / "out", time_limit=20, seed=1)
    assert not run.success
