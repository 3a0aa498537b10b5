"""Running what-if scenarios: solve the base school, then every scenario, in parallel processes.

The base timetable is the reference: each scenario is solved with it as ``SolveOptions.baseline``
(minimal-change re-planning) and the lessons it moved are counted by ``scheduler.changes.compare``.
Every timetable is audited by the independent checker. Schools cross the process boundary as JSON
dicts; the pool runs ``max(1, cores // workers)`` solves at once.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from scheduler.changes import ChangeSummary
from scheduler.check import check
from scheduler.clubs import choice_summary
from scheduler.domain import School
from scheduler.load import InputError, load_school, load_solution, validation_problems
from scheduler.scenarios.edits import Edit, ScenarioImpossible, apply_edits, describe
from scheduler.scenarios.report import BASE_NAME, Comparison, ScenarioOutcome
from scheduler.scenarios.staffing import StaffingAnswer, teachers_needed
from scheduler.solution import Solution
from scheduler.solve import SolveOptions, solve
from scheduler.views import activity_table, teacher_hours_table, teacher_load_table


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=80)
    description: str = ""
    edits: list[Edit] = []


class StaffingQuery(BaseModel):
    """人员测算: the fewest teachers of ``subject`` (adding at most ``max_extra``) that can be timetabled."""

    model_config = ConfigDict(extra="forbid")

    subject: str
    max_extra: int = Field(3, ge=0, le=20)
    time_limit: float | None = Field(None, gt=0, le=3600)  # per probe; default: the file's time_limit


class ScenarioSet(BaseModel):
    """The scenarios and how to run them (the part shared by the file and the API)."""

    model_config = ConfigDict(extra="forbid")

    time_limit: float = Field(60.0, gt=0, le=24 * 3600)  # per solve
    workers: int = Field(1, ge=1, le=64)  # CP-SAT workers per solve
    scenarios: list[Scenario] = Field(min_length=1, max_length=50)
    staffing: list[StaffingQuery] = []

    @model_validator(mode="after")
    def _unique_names(self) -> ScenarioSet:
        seen = set()
        for scenario in self.scenarios:
            if scenario.name in seen or scenario.name == BASE_NAME:
                raise ValueError(f"情景名称重复：「{scenario.name}」")
            seen.add(scenario.name)
        return self


class ScenarioFile(ScenarioSet):
    """A scenario file: the base school (a path relative to the file, or the school inline) + scenarios."""

    base: str | School
    # the school's current timetable (solution.json, relative to the file): the reference, not solved again
    base_solution: str | None = None


def load_scenario_file(path: str | Path) -> tuple[ScenarioFile, School]:
    """The scenario file and its base school; every problem names its field (an InputError).

    ``base_solution`` stays a path: read it with ``load_base_solution``.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(str(path), ["file not found"])
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        scenario_file = ScenarioFile.model_validate(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(str(path), [f"not valid JSON: {exc}"]) from None
    except ValidationError as exc:
        raise InputError(str(path), validation_problems(exc)) from None
    base = scenario_file.base
    if isinstance(base, str):
        base_path = (path.parent / base).resolve()
        base = load_school(base_path)
    validate_scenarios(base, scenario_file.scenarios)
    return scenario_file, base


def load_base_solution(scenario_file: ScenarioFile, path: str | Path) -> Solution | None:
    """The current timetable named by the file (relative to the scenario file ``path``), if any."""
    if scenario_file.base_solution is None:
        return None
    return load_solution((Path(path).parent / scenario_file.base_solution).resolve(), "base_solution")


def validate_scenarios(base: School, scenarios: list[Scenario]) -> list[School | ScenarioImpossible]:
    """Apply every scenario's edits (raises EditError for the first bad edit); the schools or why not."""
    out: list[School | ScenarioImpossible] = []
    for i, scenario in enumerate(scenarios):
        try:
            out.append(apply_edits(base, scenario.edits, scenario.name, where=("scenarios", i)))
        except ScenarioImpossible as exc:
            out.append(exc)
    return out


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


# ---- one solve (runs in a worker process) ---------------------------------------------------------------------


def solve_task(school_data: dict, name: str, time_limit: float, workers: int, baseline_data: dict | None) -> dict:
    """Solve one school, audit it, and measure it; returns the outcome (and the timetable) as JSON dicts."""
    started = time.perf_counter()
    school = School.model_validate(school_data)
    baseline = Solution.model_validate(baseline_data) if baseline_data else None
    options = SolveOptions(time_limit=time_limit, workers=workers, baseline=baseline, hint=None)
    try:
        result = solve(school, options)
    except Exception as exc:  # one broken scenario must not sink the comparison
        outcome = ScenarioOutcome(name=name, status="error", explanation=[f"{type(exc).__name__}: {exc}"])
        outcome.wall_time = time.perf_counter() - started
        return {"outcome": outcome.model_dump(mode="json"), "solution": None}
    outcome = ScenarioOutcome(
        name=name,
        status=result.status,
        explanation=[f.message for f in result.explanation],
        terms=result.terms,
    )
    if result.solution is not None:
        # the soft goals alone: with a baseline the solver's objective also carries the move cost
        outcome.objective = float(school.weights.cost(result.terms))
        measure(school, result.solution, outcome, result.changes)
    outcome.wall_time = time.perf_counter() - started
    solution = result.solution.model_dump(mode="json") if result.solution is not None else None
    return {"outcome": outcome.model_dump(mode="json"), "solution": solution}


def measure(school: School, solution: Solution, outcome: ScenarioOutcome, moves: ChangeSummary | None) -> None:
    """The comparison numbers of one timetable, from the school, the timetable and what moved (if re-planned)."""
    report = check(school, solution)
    outcome.hard_violations = len(report.hard)
    staff = {t.id for t in school.teachers if not t.outside_staff}
    loads = teacher_load_table(school, solution)
    placed = loads.loc[loads["teacher"].isin(staff), "已排课时"]
    if len(placed):
        outcome.load_min, outcome.load_max = int(placed.min()), int(placed.max())
        outcome.load_avg = round(float(placed.mean()), 1)
    hours = teacher_hours_table(school, solution)
    flexible = hours.loc[hours["teacher"].isin(staff), "弹性天数"]
    if len(flexible):
        outcome.flexible_min = int(flexible.min())
        outcome.flexible_short = int((flexible < school.flexible.min_days).sum())
    activity = activity_table(school, solution)["校内合计"]
    if len(activity):
        outcome.activity_min, outcome.activity_avg = int(activity.min()), round(float(activity.mean()), 1)
    if school.after_school is not None and school.after_school.pupils and solution.after_school is not None:
        summary = choice_summary(school, solution.after_school.enrolments)
        outcome.club_first, outcome.club_top3 = summary["first_choice"], summary["top3"]
        outcome.club_unplaced = int(summary["unplaced"])
    if moves is not None:
        outcome.moved_day, outcome.moved_period = moves.moved_day, moves.moved_period
        outcome.teacher_changed, outcome.move_cost = moves.teacher_changed, moves.cost


def measure_task(school_data: dict, name: str, solution_data: dict) -> dict:
    """A given timetable (the school's current one) measured like a solved scenario."""
    started = time.perf_counter()
    school = School.model_validate(school_data)
    solution = Solution.model_validate(solution_data)
    outcome = ScenarioOutcome(name=name, status="feasible", terms=dict(solution.objective_terms))
    outcome.objective = float(school.weights.cost(solution.objective_terms))
    measure(school, solution, outcome, None)
    outcome.wall_time = time.perf_counter() - started
    return {"outcome": outcome.model_dump(mode="json"), "solution": solution_data}


def staffing_task(
    school_data: dict, subject: str, max_extra: int, time_limit: float, workers: int, hint_data: dict | None
) -> dict:
    school = School.model_validate(school_data)
    hint = Solution.model_validate(hint_data) if hint_data else None
    return teachers_needed(school, subject, max_extra, time_limit, workers, hint).model_dump(mode="json")


# ---- the whole run --------------------------------------------------------------------------------------------


class _Inline:
    """A stand-in for the process pool when only one solve runs at a time: no process start-up cost."""

    def submit(self, fn, *args) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except Exception as exc:
            future.set_exception(exc)
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


def run_scenarios(
    base: School,
    scenarios: ScenarioSet,
    parallel: int | None = None,
    progress: Callable[[ScenarioOutcome], None] | None = None,
    solutions: dict[str, dict] | None = None,
    base_solution: Solution | None = None,
) -> Comparison:
    """Solve the base, then every scenario (``parallel`` at once; default cores // workers).

    With ``base_solution`` (the school's current timetable) the base is not solved again: that
    timetable is audited, measured and used as the reference.

    ``progress`` is called with each finished outcome; ``solutions`` (if given) receives each
    timetable by scenario name (the base under BASE_NAME).
    """
    started = time.perf_counter()
    time_limit, workers = scenarios.time_limit, scenarios.workers
    schools = validate_scenarios(base, scenarios.scenarios)
    parallel = parallel or max(1, cores() // workers)
    base_data = base.model_dump(mode="json")
    if base_solution is not None:
        base_done = measure_task(base_data, BASE_NAME, base_solution.model_dump(mode="json"))
    else:
        # The base runs alone before anything else, so it may use every core the scenarios will share.
        base_done = solve_task(base_data, BASE_NAME, time_limit, max(workers, min(cores(), 8)), None)
    pool = (
        _Inline()
        if parallel == 1
        else ProcessPoolExecutor(max_workers=parallel, mp_context=multiprocessing.get_context("spawn"))
    )
    try:
        staffing_futures = [
            pool.submit(
                staffing_task,
                base_data,
                q.subject,
                q.max_extra,
                q.time_limit or time_limit,
                workers,
                base_done["solution"],
            )
            for q in scenarios.staffing
        ]
        base_outcome = ScenarioOutcome.model_validate(base_done["outcome"])
        base_outcome.description = "未做任何修改的学校"
        if progress:
            progress(base_outcome)
        if solutions is not None and base_done["solution"]:
            solutions[BASE_NAME] = base_done["solution"]
        futures: list[Future | None] = []
        for scenario, school in zip(scenarios.scenarios, schools, strict=True):
            if isinstance(school, ScenarioImpossible):
                futures.append(None)
                continue
            futures.append(
                pool.submit(
                    solve_task,
                    school.model_dump(mode="json"),
                    scenario.name,
                    time_limit,
                    workers,
                    base_done["solution"],
                )
            )
        outcomes = []
        for scenario, school, future in zip(scenarios.scenarios, schools, futures, strict=True):
            if future is None:
                outcome = ScenarioOutcome(
                    name=scenario.name, status="infeasible", explanation=[f.message for f in school.findings]
                )
            else:
                done = future.result()
                outcome = ScenarioOutcome.model_validate(done["outcome"])
                if solutions is not None and done["solution"]:
                    solutions[scenario.name] = done["solution"]
            outcome.description = scenario.description
            outcome.edits = _edit_words(base, scenario)
            outcomes.append(outcome)
            if progress:
                progress(outcome)
        staffing = [StaffingAnswer.model_validate(f.result()) for f in staffing_futures]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return Comparison(
        school=base.name,
        time_limit=time_limit,
        workers=workers,
        parallel=parallel,
        base=base_outcome,
        scenarios=outcomes,
        staffing=staffing,
        wall_time=time.perf_counter() - started,
    )


def _edit_words(base: School, scenario: Scenario) -> list[str]:
    """Each edit in words, named against the school as it was just before that edit."""
    words, school = [], base
    for edit in scenario.edits:
        words.append(describe(school, edit))
        with contextlib.suppress(ScenarioImpossible):
            school = apply_edits(school, [edit], scenario.name)
    return words
