"""Every sample school: the solver's timetable passes the independent checker, and the soft-goal
values the model reports are the ones the checker recomputes from the timetable."""

from __future__ import annotations

import pytest

from scheduler.check import check
from scheduler.load import load_school
from scheduler.solve import SolveOptions, solve

# time limits keep the default run short; first timetables come in a few seconds (benchmarks/RESULTS.md)
SAMPLES = {"tiny-3": 10, "rural-6": 20, "urban-24": 20, "large-48": 45, "nine-year-36": 45}


@pytest.mark.parametrize("name", list(SAMPLES))
def test_sample_school_solves_and_passes_the_checker(name):
    school = load_school(f"instances/{name}.json")
    result = solve(school, SolveOptions(time_limit=SAMPLES[name], workers=2))
    assert result.status in ("optimal", "feasible"), result.explanation
    report = check(school, result.solution)
    assert report.hard == [], report.summary()
    assert report.soft == result.terms
    assert result.objective == sum(getattr(school.weights, k) * v for k, v in result.terms.items())
    assert result.time_to_first is not None and result.time_to_first <= result.wall_time
    if school.after_school is not None:
        plan = result.solution.after_school
        assert plan is not None and plan.supervisions and plan.club_meetings and plan.enrolments
        assert result.clubs.status == "optimal" or result.clubs.gap < 0.01
        assert result.clubs.unplaced == []
        # 弹性上下班 is hard with after-school: the checker found no flexible_days violation above
        assert report.of("flexible_days") == []
