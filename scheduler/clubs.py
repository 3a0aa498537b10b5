"""Pupils into clubs (社团选课), the second CP-SAT stage, run after the timetable stage fixed club days.

Fairness rule (docs/RULES.md, ``club_fairness``), in two stages:

* **Stage A** gives every participating pupil (stays for session 2 on at least one day) exactly
  one club (leaving one out costs ``UNPLACED_COST``, so only when seats or days leave no way), minimising a convex rank cost: 1st choice 0, 2nd 1, 3rd 3, 4th 7, k-th 2^(k−1) − 1,
  a club the pupil did not list ``UNRANKED_COST``. Convexity spreads the pain: two pupils on
  their 2nd choice cost less than one on the 1st and one on the 3rd. Club sizes stay within
  ``min_size``…``max_size``.
* **Stage B** hands out second clubs, only from the seats stage A left free, only among the pupil's
  top three choices, and only when stage A put nobody below their 3rd choice — so nobody gets a
  4th choice (or an unlisted club) while someone else gets two clubs. It maximises 3 / 2 / 1 points
  for a 1st / 2nd / 3rd choice.

A pupil attends a club on each of its meeting days on which the pupil stays for session 2; a
pupil's two clubs never meet on the same such day.
"""

from __future__ import annotations

import time
from collections import defaultdict

from ortools.sat.python import cp_model
from pydantic import BaseModel

from scheduler.domain import Club, Pupil, School
from scheduler.solution import Enrolment

UNRANKED_COST = 100
UNPLACED_COST = 10_000  # a pupil left without a club (only when seats or days make it unavoidable)
SECOND_CLUB_CHOICES = 3  # stage B uses only the top three choices


def rank_cost(rank: int | None) -> int:
    """Convex cost of placing a pupil in their ``rank``-th choice (None: a club they did not list)."""
    return UNRANKED_COST if rank is None else min(UNRANKED_COST - 1, 2 ** (rank - 1) - 1)


class ClubStats(BaseModel):
    status: str  # of stage A: optimal / feasible / infeasible / unknown / none (no pupils)
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    wall_time: float = 0.0
    pupils: int = 0  # participating pupils
    unplaced: list[str] = []
    second_clubs: int = 0
    message: str = ""


def session2_days(school: School, pupil: Pupil) -> list[int]:
    return [d for d in school.service_days if pupil.until[d - 1] == 2]


def club_days_of(school: School, pupil: Pupil, club: Club, club_days: dict[str, list[int]]) -> list[int]:
    """The meeting days of ``club`` on which the pupil stays for session 2."""
    stays = set(session2_days(school, pupil))
    return [d for d in club_days.get(club.id, []) if d in stays]


def eligible(school: School, pupil: Pupil, club: Club, club_days: dict[str, list[int]]) -> bool:
    grade = school.class_by_id[pupil.class_id].grade
    return grade in club.grades and bool(club_days_of(school, pupil, club, club_days))


def _rank(pupil: Pupil, club_id: str) -> int | None:
    return pupil.choices.index(club_id) + 1 if club_id in pupil.choices else None


def _solver(time_limit: float, workers: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    return solver


STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.UNKNOWN: "unknown",
    cp_model.MODEL_INVALID: "invalid",
}


def assign_pupils(
    school: School, club_days: dict[str, list[int]], time_limit: float = 10.0, workers: int = 2
) -> tuple[list[Enrolment], ClubStats]:
    """Stage A then stage B (module docstring). ``club_days``: club id → its meeting days."""
    started = time.perf_counter()
    if school.after_school is None or not school.after_school.pupils:
        return [], ClubStats(status="none")
    clubs = school.after_school.clubs
    pupils = [p for p in school.after_school.pupils if session2_days(school, p)]
    options = {p.id: [c for c in clubs if eligible(school, p, c, club_days)] for p in pupils}
    unplaced = [p.id for p in pupils if not options[p.id]]

    m = cp_model.CpModel()
    x: dict[tuple[str, str], cp_model.IntVar] = {}
    members: dict[str, list] = defaultdict(list)
    cost = []
    for pupil in pupils:
        if not options[pupil.id]:
            continue
        lits = []
        for club in options[pupil.id]:
            var = m.new_bool_var(f"x[{pupil.id},{club.id}]")
            x[(pupil.id, club.id)] = var
            members[club.id].append(var)
            lits.append(var)
            cost.append(rank_cost(_rank(pupil, club.id)) * var)
        m.add_at_most_one(lits)
        cost.append(UNPLACED_COST * (1 - sum(lits)))
    for club in clubs:
        m.add(sum(members[club.id]) <= club.max_size)
        m.add(sum(members[club.id]) >= club.min_size)
    m.minimize(sum(cost))
    # Stage A is a transportation problem: a min-cost flow gives an optimal start, CP-SAT proves it.
    start = _flow_start(pupils, options, clubs)
    for key, value in start.items():
        m.add_hint(x[key], value)
    solver = _solver(time_limit, workers)
    status = STATUS[solver.solve(m)]
    flow_optimum = _flow_optimum(pupils, options, clubs, start)
    stats = ClubStats(status=status, pupils=len(pupils), unplaced=unplaced)
    if status not in ("optimal", "feasible"):
        stats.wall_time = time.perf_counter() - started
        stats.message = "社团人数上下限与学生资格无法同时满足：请增加社团名额或降低最少人数"
        return [], stats
    stats.objective = solver.objective_value
    stats.bound = solver.best_objective_bound
    if flow_optimum is not None:
        # the flow's optimum is stage A's (network flows have integral optima), a bound whatever CP-SAT proved
        stats.bound = max(stats.bound, flow_optimum)
        if stats.objective <= stats.bound + 1e-9:
            stats.status = "optimal"
    stats.gap = 0.0 if stats.objective <= stats.bound + 1e-9 else (stats.objective - stats.bound) / stats.objective
    first = {p: c for (p, c), var in x.items() if solver.boolean_value(var)}
    stats.unplaced = [p.id for p in pupils if p.id not in first]

    # Stage B: second clubs from the seats left, only if nobody who chose got worse than a 3rd choice.
    by_id = {c.id: c for c in clubs}
    worst_ok = all(
        (_rank(p, first[p.id]) or UNRANKED_COST) <= SECOND_CLUB_CHOICES for p in pupils if p.choices and p.id in first
    )
    second: dict[str, str] = {}
    if worst_ok:
        second = _second_clubs(school, pupils, first, by_id, club_days, time_limit, workers)
    stats.second_clubs = len(second)
    enrolments = []
    for pupil in pupils:
        for club_id in filter(None, (first.get(pupil.id), second.get(pupil.id))):
            club = by_id[club_id]
            enrolments.append(
                Enrolment(
                    pupil=pupil.id,
                    club=club_id,
                    days=club_days_of(school, pupil, club, club_days),
                    rank=_rank(pupil, club_id),
                )
            )
    stats.wall_time = time.perf_counter() - started
    return enrolments, stats


def _flow_start(pupils: list[Pupil], options: dict[str, list[Club]], clubs: list[Club]) -> dict:
    """Stage A as a min-cost flow (pupil → club → sink, min_size forced by a large reward): a warm start."""
    from ortools.graph.python import min_cost_flow

    placed = [p for p in pupils if options[p.id]]
    club_node = {c.id: len(placed) + i for i, c in enumerate(clubs)}
    sink = len(placed) + len(clubs)
    reward = UNPLACED_COST * (len(placed) + 1)
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = {}
    for i, pupil in enumerate(placed):
        flow.set_node_supply(i, 1)
        flow.add_arc_with_capacity_and_unit_cost(i, sink, 1, UNPLACED_COST)
        for club in options[pupil.id]:
            arc = flow.add_arc_with_capacity_and_unit_cost(i, club_node[club.id], 1, rank_cost(_rank(pupil, club.id)))
            arcs[arc] = (pupil.id, club.id)
    for club in clubs:
        flow.add_arc_with_capacity_and_unit_cost(club_node[club.id], sink, min(club.min_size, club.max_size), -reward)
        flow.add_arc_with_capacity_and_unit_cost(club_node[club.id], sink, max(0, club.max_size - club.min_size), 0)
    flow.set_node_supply(sink, -len(placed))
    if flow.solve() != flow.OPTIMAL:
        return {}
    return {key: int(flow.flow(arc)) for arc, key in arcs.items()}


def _flow_optimum(pupils: list[Pupil], options: dict[str, list[Club]], clubs: list[Club], start: dict) -> float | None:
    """Stage A's optimal cost from the min-cost flow, when its flow fills every club's minimum (then no
    assignment meeting the minima costs less: each is a flow of the same network); else None."""
    if not start:
        return None
    size: dict[str, int] = defaultdict(int)
    cost = 0
    for pupil in pupils:
        if not options[pupil.id]:
            continue
        chosen = [club.id for club in options[pupil.id] if start.get((pupil.id, club.id))]
        for club_id in chosen:
            size[club_id] += 1
            cost += rank_cost(_rank(pupil, club_id))
        cost += UNPLACED_COST * (1 - len(chosen))
    if any(not club.min_size <= size[club.id] <= club.max_size for club in clubs):
        return None
    return float(cost)


def _second_clubs(school, pupils, first, by_id, club_days, time_limit, workers) -> dict[str, str]:
    """Stage B: at most one more club per pupil among their top three, in the seats stage A left free."""
    taken: dict[str, int] = defaultdict(int)
    for club_id in first.values():
        taken[club_id] += 1
    m = cp_model.CpModel()
    y: dict[tuple[str, str], cp_model.IntVar] = {}
    seats: dict[str, list] = defaultdict(list)
    gain = []
    for pupil in pupils:
        if pupil.id not in first:
            continue
        busy = set(club_days_of(school, pupil, by_id[first[pupil.id]], club_days))
        lits = []
        for rank, club_id in enumerate(pupil.choices[:SECOND_CLUB_CHOICES], 1):
            club = by_id[club_id]
            if club_id == first[pupil.id] or taken[club_id] >= club.max_size:
                continue
            if not eligible(school, pupil, club, club_days) or busy & set(club_days_of(school, pupil, club, club_days)):
                continue
            var = m.new_bool_var(f"y[{pupil.id},{club_id}]")
            y[(pupil.id, club_id)] = var
            seats[club_id].append(var)
            lits.append(var)
            gain.append((SECOND_CLUB_CHOICES + 1 - rank) * var)
        if lits:
            m.add_at_most_one(lits)
    if not y:
        return {}
    for club_id, lits in seats.items():
        m.add(sum(lits) <= by_id[club_id].max_size - taken[club_id])
    m.maximize(sum(gain))
    solver = _solver(time_limit, workers)
    if solver.solve(m) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {}
    return {p: c for (p, c), var in y.items() if solver.boolean_value(var)}


def choice_summary(school: School, enrolments: list[Enrolment]) -> dict[str, float | int]:
    """选课满意度: share of participating pupils whose best club is their 1st / top-2 / top-3 choice."""
    if school.after_school is None:
        return {}
    pupils = [p for p in school.after_school.pupils if session2_days(school, p)]
    best: dict[str, int] = {}
    for e in enrolments:
        pupil = school.pupil_by_id.get(e.pupil)
        if pupil is None:
            continue
        rank = _rank(pupil, e.club) or UNRANKED_COST
        best[e.pupil] = min(best.get(e.pupil, UNRANKED_COST + 1), rank)
    n = len(pupils) or 1
    clubs_per_pupil: dict[str, int] = defaultdict(int)
    for e in enrolments:
        clubs_per_pupil[e.pupil] += 1
    return {
        "participating": len(pupils),
        "first_choice": round(100 * sum(r == 1 for r in best.values()) / n, 1),
        "top2": round(100 * sum(r <= 2 for r in best.values()) / n, 1),
        "top3": round(100 * sum(r <= 3 for r in best.values()) / n, 1),
        "unplaced": sum(p.id not in best for p in pupils),
        "two_clubs": sum(v >= 2 for v in clubs_per_pupil.values()),
    }
