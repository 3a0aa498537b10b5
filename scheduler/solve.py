"""build → solve → Result: time limit, workers, seed, warm start, progress and cancellation."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Literal

from ortools.sat.python import cp_model
from pydantic import BaseModel, ConfigDict, Field

from scheduler.changes import ChangeSummary, compare
from scheduler.clubs import ClubStats, assign_pupils
from scheduler.domain import School
from scheduler.explain import Finding, explain_infeasible, precheck
from scheduler.model import build_model, forbidden_starts
from scheduler.model.clashes import without_full_weeks
from scheduler.model.variables import decisions, room_choice_lessons
from scheduler.rooms import assign_club_rooms, assign_rooms
from scheduler.solution import (
    AfterSchoolPlan,
    ClubMeeting,
    Placement,
    ServiceSession,
    Solution,
    Supervision,
    describe,
)

Status = Literal["optimal", "feasible", "infeasible", "unknown", "invalid"]
_STATUS: dict[int, Status] = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "invalid",
    cp_model.UNKNOWN: "unknown",
}


FEASIBILITY_SHARE = 0.5  # at most this share of the time limit goes to finding a first timetable
FIXED_TIME_LIMIT = 30.0  # counting the soft goals of a fixed timetable (propagation only, normally < 1 s)

# a timetable's decision values, keyed as ``scheduler.model.variables.decisions`` (absent: a start not placed)
Values = dict[tuple, bool]


class SolveOptions(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    time_limit: float = Field(60.0, gt=0, le=24 * 3600)
    workers: int = Field(2, ge=1, le=64)
    seed: int = 0
    hint: Solution | None = None  # warm start from a previous timetable
    # minimal-change re-planning: stay close to this timetable (scheduler/changes.py counts the moves)
    baseline: Solution | None = None
    move_weight: int = Field(100, ge=1, le=10_000)  # objective weight of one move-cost unit (moves dominate)
    explain: bool = True  # on infeasibility, search for the rules that clash
    club_time_limit: float = Field(10.0, gt=0, le=3600)  # second stage: pupils into clubs
    feasibility_first: bool = True  # find any timetable first, then optimise from it
    log: bool = False


class Progress(BaseModel):
    elapsed: float
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    solutions: int = 0


class Result(BaseModel):
    status: Status
    solution: Solution | None = None
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    time_to_first: float | None = None
    wall_time: float = 0.0
    build_time: float = 0.0
    terms: dict[str, int] = {}
    explanation: list[Finding] = []
    clubs: ClubStats | None = None  # the pupil-to-club stage, when the school has pupil lists
    changes: ChangeSummary | None = None  # re-planning: what moved against the baseline

    @property
    def has_timetable(self) -> bool:
        return self.solution is not None


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None:
        return None
    if abs(objective) < 1e-9:
        return 0.0
    return max(0.0, (objective - bound) / abs(objective))


class _Watcher(cp_model.CpSolverSolutionCallback):
    def __init__(self, started: float, progress: Callable[[Progress], None] | None):
        super().__init__()
        self.started = started
        self.progress = progress
        self.first: float | None = None
        self.count = 0

    def on_solution_callback(self) -> None:
        elapsed = time.perf_counter() - self.started
        self.count += 1
        if self.first is None:
            self.first = elapsed
        if self.progress:
            objective, bound = self.objective_value, self.best_objective_bound
            self.progress(
                Progress(
                    elapsed=elapsed,
                    objective=objective,
                    bound=bound,
                    gap=relative_gap(objective, bound),
                    solutions=self.count,
                )
            )


def solve(
    school: School,
    options: SolveOptions | None = None,
    progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
) -> Result:
    """Timetable ``school``. Times are measured from the call, so model building counts."""
    options = options or SolveOptions()
    started = time.perf_counter()
    findings = precheck(school)
    if findings:
        return Result(status="infeasible", explanation=findings, wall_time=time.perf_counter() - started)

    watcher = _Watcher(started, progress)
    done = threading.Event()
    solvers: list[cp_model.CpSolver] = []
    if stop is not None:
        threading.Thread(target=_stop_when, args=(stop, done, solvers), daemon=True).start()
    first_status, first_values = None, None
    building = time.perf_counter()
    forbidden = forbidden_starts(school)  # once for both models (the same variables, so hints line up)
    build_time = time.perf_counter() - building
    # First a timetable on the hard rules alone (with a baseline: as few moves as possible), then the soft goals.
    if not _stopped(stop) and (options.baseline is not None or (options.hint is None and options.feasibility_first)):
        first_status, first_values, first_build = _first_phase(
            school, options, started, watcher, solvers, progress, forbidden, stop
        )
        build_time += first_build
    status: Status = "unknown"
    solver, bound = _solver(options, 0.1), None
    if first_status == cp_model.INFEASIBLE:
        status = "infeasible"
    elif first_values is not None or not _stopped(stop):
        building = time.perf_counter()
        built = build_model(school, baseline=options.baseline, move_weight=options.move_weight, forbidden=forbidden)
        if first_values is not None:
            for key, var in decisions(built.vars).items():
                built.model.add_hint(var, first_values.get(key, False))
        elif options.hint is not None or options.baseline is not None:
            _add_hints(built, options.hint or options.baseline)
        build_time += time.perf_counter() - building
        if not _stopped(stop):
            solver = _solver(options, max(0.1, options.time_limit - (time.perf_counter() - started)))
            solvers.append(solver)
            status = _STATUS[solver.solve(built.model, watcher)]
            bound = solver.best_objective_bound if status == "unknown" else None
        if status == "unknown" and first_values is not None:
            # The optimisation found nothing better in its time, or was stopped before it did: keep the
            # first timetable (already reported as found), its soft goals counted.
            solver, fixed = _fixed(built, first_values, options)
            status = "feasible" if fixed in (cp_model.OPTIMAL, cp_model.FEASIBLE) else "unknown"
    done.set()
    wall = time.perf_counter() - started

    if status in ("optimal", "feasible"):
        terms = {name: int(solver.value(expr)) for name, expr in built.terms.items()}
        solution = _extract(school, built, solver, terms, options.baseline)
        clubs = None
        if school.after_school is not None:
            clubs = _after_school(school, built, solver, solution, options)
        wall = time.perf_counter() - started
        # Presolve may loosen a soft term's definition (x ≥ count, as the objective pushes it down),
        # so the solver's objective can sit above the timetable's true cost: recompute it exactly.
        objective = float(school.weights.cost(terms))
        changes = None
        if options.baseline is not None:
            objective += options.move_weight * solver.value(built.moves)
            changes = compare(school, options.baseline, solution)
        bound = min(solver.best_objective_bound if bound is None else bound, objective)
        return Result(
            status=status,
            solution=solution,
            objective=objective,
            bound=bound,
            gap=relative_gap(objective, bound),
            time_to_first=watcher.first,
            wall_time=wall,
            build_time=build_time,
            terms=terms,
            clubs=clubs,
            changes=changes,
        )
    explanation = []
    if status == "infeasible" and options.explain:
        explanation = explain_infeasible(school, time_limit=max(5.0, options.time_limit / 2))
    return Result(status=status, wall_time=wall, build_time=build_time, explanation=explanation)


def _stopped(stop: threading.Event | None) -> bool:
    return stop is not None and stop.is_set()


def _solver(options: SolveOptions, time_limit: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = options.workers
    solver.parameters.random_seed = options.seed
    solver.parameters.log_search_progress = options.log
    return solver


def _any_timetable(solver: cp_model.CpSolver) -> None:
    """Parameters for a model without objective, where the first solution ends the search.

    - With 2 workers (this machine's cores, the default) the full search is CP-SAT's ``no_lp`` worker,
      not ``default_lp``: on Egypt's FET file the LP made ``default_lp`` reach 598 conflicts in 32 s and
      find no timetable (seed 1), while ``no_lp`` found one on every seed.
    - The worker beside it runs only feasibility jump (no feasibility pump or LNS without an objective),
      the local search that finds the first timetable on most real FET files.
    - Presolve makes one pass, without symmetry detection (1.6 s of Egypt's 4 s presolve) or probing.
    - Feasibility jump's linearization level is 0, not 2 (a timetable within the limit in more runs on
      Egypt and Ancona, measured, not explained).

    Together, Egypt's solve goes from 12.6 s / 37 s / none in 40 s to 3.9–5.4 s, Ancona's median from
    30 s to 11 s (sweeps in benchmarks/FET_REAL.md, session 8). ``no_lp`` is a complete search, so an
    impossible school is still proved infeasible.
    """
    if solver.parameters.num_workers == 2:  # measured there; with more workers the portfolio has no_lp anyway
        solver.parameters.subsolvers.append("no_lp")
    solver.parameters.use_feasibility_pump = False
    solver.parameters.use_lns = False
    _light_presolve(solver)
    solver.parameters.feasibility_jump_linearization_level = 0


def _light_presolve(solver: cp_model.CpSolver) -> None:
    """One presolve pass, without symmetry detection or probing (``_any_timetable``'s measurements)."""
    solver.parameters.max_presolve_iterations = 1
    solver.parameters.symmetry_level = 0
    solver.parameters.cp_model_probing_level = 0


class _FirstSeen(cp_model.CpSolverSolutionCallback):
    def __init__(self, started: float):
        super().__init__()
        self.started = started
        self.first: float | None = None

    def on_solution_callback(self) -> None:
        if self.first is None:
            self.first = time.perf_counter() - self.started


def _first_phase(
    school: School,
    options: SolveOptions,
    started: float,
    watcher: _Watcher,
    solvers: list,
    progress: Callable[[Progress], None] | None,
    forbidden: set,
    stop: threading.Event | None = None,
) -> tuple[int, Values | None, float]:
    """A timetable on a model of the hard rules only (no soft-goal terms: smaller, fast), whose
    decision values then warm-start the optimisation; returns (status, values, build seconds).

    Without a baseline any timetable will do (the solver stops at the first); with one the phase
    minimises the move cost for its share of the time. The first timetable counts as the time to
    first feasible solution. Where teachers have gap limits and the hard rules give no timetable in
    ``GAPS_HARD_SECONDS``, the rest of the phase minimises the gaps above the limits to 0 (``_by_gap_excess``).
    Where some class's week is full, the hard rules are searched two ways at once (``_full_week_portfolio``);
    where the model chooses rooms, the times are found first and the rooms on them after (``_times_then_rooms``).
    """
    building = time.perf_counter()
    times_first = options.baseline is None and bool(room_choice_lessons(school))
    plain = None
    if not times_first:
        plain = build_model(
            school, objective=False, baseline=options.baseline, move_weight=options.move_weight, forbidden=forbidden
        )
        if options.baseline is not None:
            plain.model.minimize(plain.moves)
            _add_hints(plain, options.baseline)
    build_time = time.perf_counter() - building
    budget = max(0.1, min(options.time_limit * FEASIBILITY_SHARE, options.time_limit - (time.perf_counter() - started)))
    by_excess = options.baseline is None and _has_gap_limits(school)
    status, values = cp_model.UNKNOWN, None
    if not by_excess or GAPS_HARD_SECONDS > 0:
        limit = max(0.1, min(budget, GAPS_HARD_SECONDS)) if by_excess else budget
        if plain is None:
            status, values, first, more = _times_then_rooms(school, options, limit, started, solvers, forbidden)
        else:
            status, values, first, more = _hard_rules(plain, options, limit, started, solvers)
        build_time += more
        if values is not None:
            watcher.first = first if first is not None else time.perf_counter() - started
    left = options.time_limit * FEASIBILITY_SHARE - (time.perf_counter() - started)
    if status == cp_model.UNKNOWN and by_excess and left > 0 and not _stopped(stop):
        status, values, more = _by_gap_excess(school, options, started, watcher, solvers, forbidden, left)
        build_time += more
    if values is not None and progress:
        progress(Progress(elapsed=watcher.first, solutions=1))
    return status, values, build_time


def _hard_rules(
    built, options: SolveOptions, limit: float, started: float, solvers: list
) -> tuple[int, Values | None, float | None, float]:
    """The first timetable of ``built`` (the hard rules, no objective but a baseline's moves) within ``limit``:
    the race of ``_full_week_portfolio`` where some class's week is full (2 workers, no baseline), else one
    search (``_one_search``). Returns (status, decision values, seconds from ``started`` to the first, seconds
    spent building)."""
    if options.baseline is None and options.workers == 2 and built.vars.full_clashes:
        building = time.perf_counter()
        loose = replace(built, model=without_full_weeks(built.model, built.vars.full_clashes))
        build_time = time.perf_counter() - building
        return (*_full_week_portfolio(built, loose, options, limit, started, solvers), build_time)
    return (*_one_search(built, options, limit, started, solvers), 0.0)


def _one_search(
    built, options: SolveOptions, limit: float, started: float, solvers: list
) -> tuple[int, Values | None, float | None]:
    """One search of ``built`` (``_any_timetable``'s parameters without a baseline); returns (status, decision
    values, seconds from ``started`` to the first)."""
    solver = _solver(options, limit)
    if options.baseline is None:
        _any_timetable(solver)
    solvers.append(solver)
    seen = _FirstSeen(started)
    status = solver.solve(built.model, seen)
    values = _values(solver, built) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    return status, values, seen.first


def _times_then_rooms(
    school: School, options: SolveOptions, limit: float, started: float, solvers: list, forbidden: set
) -> tuple[int, Values | None, float | None, float]:
    """Where the model chooses rooms (room sets, room groups), times first, then rooms: the hard rules without
    room choice, the rooms counted per moment instead (``build_model(choose_rooms=False)``), then the hard rules
    with room choice on those times alone (every other start left out), which only chooses the rooms. On
    Egypt's FET file the room choice is 60 000 of the model's 70 000 variables; the times alone are found in
    1–3 s (benchmarks/FET_REAL.md, "Session 14"). The counting is necessary for a room each, not sufficient (a
    double lesson keeps one room, a room group's rooms are chosen for the week): where the rooms do not fit
    those times, the whole model is searched, hinted with them, for the rest of ``limit``. No timetable of
    the times alone proves that there is none. Returns as ``_hard_rules``."""
    phase = time.perf_counter()
    times = build_model(school, objective=False, forbidden=forbidden, choose_rooms=False)
    build_time = time.perf_counter() - phase
    status, values, _, more = _hard_rules(times, options, limit, started, solvers)
    build_time += more
    if values is None:
        return status, None, None, build_time
    placed = {key for key in times.vars.start if values.get(("start", *key), False)}
    building = time.perf_counter()
    rooms = build_model(school, objective=False, forbidden=set(times.vars.start) - placed | forbidden)
    build_time += time.perf_counter() - building
    _, values, first = _one_search(rooms, options, max(0.1, limit - (time.perf_counter() - phase)), started, solvers)
    if values is not None:
        return cp_model.FEASIBLE, values, first, build_time
    building = time.perf_counter()
    plain = build_model(school, objective=False, forbidden=forbidden)
    _hint_starts(plain, placed)
    build_time += time.perf_counter() - building
    left = max(0.1, limit - (time.perf_counter() - phase))
    status, values, first, more = _hard_rules(plain, options, left, started, solvers)
    return status, values, first, build_time + more


def _full_week_portfolio(
    full, loose, options: SolveOptions, limit: float, started: float, solvers: list
) -> tuple[int, Values | None, float | None]:
    """Two one-worker searches side by side, the first timetable stopping both: the complete search without LP
    (as ``no_lp``) on ``full`` (full class weeks as "exactly one"), and local search only (feasibility jump and
    violation LS) on ``loose`` (the same rules, full weeks as "at most one"). The equality makes the complete
    search find St Paul's and Bethlen-2008-2009 (none without it) but slows the local search, which found
    ConcordiaY15T1a's timetables (benchmarks/FET_REAL.md, "Session 13"). Either side's proof that there is
    none counts: ``loose`` holds the same rules without the implied equalities, so no timetable of it means
    none of ``full``. The side that finishes first stops the other, again every 20 ms until it has stopped (a
    stop sent before a solve has started is lost). Returns (status, decision values, seconds from ``started`` to the first)."""
    complete, local = _solver(options, limit), _solver(options, limit)
    for solver in (complete, local):
        solver.parameters.num_workers = 1
        _light_presolve(solver)
    complete.parameters.linearization_level = 0
    local.parameters.use_ls_only = True
    local.parameters.feasibility_jump_linearization_level = 0
    solvers += [complete, local]
    found: dict[str, object] = {}
    lock, done = threading.Lock(), threading.Event()

    class _First(cp_model.CpSolverSolutionCallback):
        def __init__(self, built):
            super().__init__()
            self.built = built

        def on_solution_callback(self) -> None:
            with lock:
                if "values" not in found:
                    found["first"] = time.perf_counter() - started
                    found["values"] = _values(self, self.built)
            done.set()
            self.stop_search()

    def run(solver: cp_model.CpSolver, built, key: str) -> None:
        found[key] = cp_model.UNKNOWN if done.is_set() else solver.solve(built.model, _First(built))
        if found[key] == cp_model.INFEASIBLE:
            done.set()

    threads = [
        threading.Thread(target=run, args=(solver, built, key), daemon=True)
        for solver, built, key in ((complete, full, "complete"), (local, loose, "local"))
    ]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        if done.wait(0.02):
            for solver in (complete, local):
                solver.stop_search()
        threads[0].join(0.02)
    if "values" in found:
        return cp_model.FEASIBLE, found["values"], found["first"]
    if cp_model.INFEASIBLE in (found["complete"], found["local"]):
        return cp_model.INFEASIBLE, None, None
    return cp_model.UNKNOWN, None, None


# Where teachers have gap limits, the first phase gives the hard rules this long, then minimises the gaps above
# the limits instead: Greek FET files (Gymnasio, 8th-highschool) get a timetable that way and none on the hard
# rules in 120 s; Egypt's is found on the hard rules in 6–11 s (from the start of the run), before the switch
# (benchmarks/FET_REAL.md, "Sessions 11–12"). 0: straight to the gaps.
GAPS_HARD_SECONDS = 10.0


def _has_gap_limits(school: School) -> bool:
    return any(t.max_gaps_per_day is not None or t.max_gaps_per_week is not None for t in school.teachers)


class _ZeroExcess(_FirstSeen):
    """Stops the search at the first solution with no gaps above the limits, and notes when that was."""

    def on_solution_callback(self) -> None:
        if self.first is None and round(self.objective_value) == 0:
            super().on_solution_callback()
            self.stop_search()


def _by_gap_excess(
    school: School,
    options: SolveOptions,
    started: float,
    watcher: _Watcher,
    solvers: list,
    forbidden: set,
    budget: float,
) -> tuple[int, Values | None, float]:
    """The hard rules but the teachers' gap limits, the gaps above them minimised (CP-SAT's default search,
    LNS included); a solution with none above is a timetable of the hard rules. A least excess above 0 proves
    that none exists."""
    building = time.perf_counter()
    relaxed = build_model(school, objective=False, forbidden=forbidden, gaps_as_excess=True)
    relaxed.model.minimize(relaxed.gap_excess)
    build_time = time.perf_counter() - building
    solver = _solver(options, max(0.1, budget - build_time))
    solvers.append(solver)
    seen = _ZeroExcess(started)
    status = solver.solve(relaxed.model, seen)
    if status == cp_model.INFEASIBLE or (status == cp_model.OPTIMAL and round(solver.objective_value) > 0):
        return cp_model.INFEASIBLE, None, build_time
    if seen.first is None:
        return cp_model.UNKNOWN, None, build_time
    watcher.first = seen.first
    return cp_model.FEASIBLE, _values(solver, relaxed), build_time


def _values(solver: cp_model.CpSolver | cp_model.CpSolverSolutionCallback, built) -> Values:
    """The decision values of ``built`` in the solver's last solution (or the callback's current one)."""
    return {key: solver.boolean_value(var) for key, var in decisions(built.vars).items()}


def _fixed(built, values: Values, options: SolveOptions) -> tuple[cp_model.CpSolver, int]:
    """The full model with every decision fixed to ``values``: the soft goals of that timetable."""
    for key, var in decisions(built.vars).items():
        built.model.add(var == int(values.get(key, False)))
    solver = _solver(options, FIXED_TIME_LIMIT)
    return solver, solver.solve(built.model)


def _stop_when(stop: threading.Event, done: threading.Event, solvers: list) -> None:
    """Once ``stop`` is set, keep stopping every solver (also one started later) until done."""
    while not done.wait(0.1):
        if stop.is_set():
            for solver in list(solvers):
                solver.stop_search()


def _add_hints(built, hint: Solution) -> None:
    _hint_starts(built, {(p.lesson, p.day, p.period) for p in hint.placements})


def _hint_starts(built, placed: set) -> None:
    """Hints every start of ``built``: placed where its (lesson, day, period) is in ``placed``."""
    for key, var in built.vars.start.items():
        built.model.add_hint(var, key in placed)


def _extract(
    school: School, built, solver: cp_model.CpSolver, terms: dict[str, int], baseline: Solution | None = None
) -> Solution:
    placed = [key for key, var in built.vars.start.items() if solver.boolean_value(var)]
    placements = [Placement(lesson=lesson_id, day=day, period=period) for lesson_id, day, period in placed]
    within = {key: rooms for key in placed if (rooms := _chosen_rooms(built.vars, solver, key))}
    prefer = {(p.lesson, p.day, p.period): p.room for p in baseline.placements} if baseline else None
    placements = [describe(school, p) for p in assign_rooms(school, placements, prefer, within)]
    placements.sort(key=lambda p: (p.day, p.period, p.lesson))
    policy = school.resolved_policy
    return Solution(
        school_id=school.id,
        policy=policy.id,
        policy_overrides=policy.overrides,
        placements=placements,
        objective_terms=terms,
    )


def _chosen_rooms(v, solver: cp_model.CpSolver, key: tuple[str, int, int]) -> list[str] | None:
    """The class of alike rooms the model chose for the session starting at ``key`` (rule room_set),
    else None; scheduler/rooms.py then picks the room (within the class: earliest start first, exact)."""
    chosen = next((name for name, var in v.room_choice.get(key, {}).items() if solver.boolean_value(var)), None)
    return None if chosen is None else v.room_classes[chosen]


def _after_school(school: School, built, solver: cp_model.CpSolver, solution: Solution, options: SolveOptions):
    """The after-school plan of the timetable stage, then pupils into clubs (second stage)."""
    v = built.vars
    supervisions = [
        Supervision(
            class_id=class_id,
            day=day,
            teacher=teacher,
            room=school.class_by_id[class_id].home_room,
            teacher_name=school.teacher_by_id[teacher].name,
            class_name=school.class_by_id[class_id].name,
        )
        for (class_id, day, teacher), var in v.duty.items()
        if solver.boolean_value(var)
    ]
    instructor = {club: t for (club, t), var in v.instructs.items() if solver.boolean_value(var)}
    meetings = [(club, day, instructor[club]) for (club, day), var in v.meets.items() if solver.boolean_value(var)]
    club_meetings = [
        ClubMeeting(
            club=club,
            day=day,
            room=room,
            instructor=teacher,
            club_name=school.club_by_id[club].name,
            instructor_name=school.teacher_by_id[teacher].name,
        )
        for club, day, teacher, room in assign_club_rooms(school, meetings, solution.placements)
    ]
    club_meetings.sort(key=lambda c: (c.day, c.club))
    club_days: dict[str, list[int]] = {}
    for club, day, _ in sorted(meetings, key=lambda m: m[1]):
        club_days.setdefault(club, []).append(day)
    enrolments, stats = assign_pupils(school, club_days, options.club_time_limit, options.workers)
    sessions = [
        ServiceSession(
            stage=w.stage,
            day=day,
            session1_start=w.start,
            session1_end=w.session1_end,
            session2_start=w.session2_start,
            session2_end=w.end,
        )
        for day in school.service_days
        for w in school.after_school.windows
    ]
    supervisions.sort(key=lambda s: (s.day, s.class_id))
    solution.after_school = AfterSchoolPlan(
        sessions=sessions, supervisions=supervisions, club_meetings=club_meetings, enrolments=enrolments
    )
    return stats
