"""Benchmark: minimal-change re-planning against a fresh solve after one teacher leaves.

The base timetable is solved once (seed 0). Then one teacher is removed with the scenario edit
``remove_teacher`` (their classes go, assignment by assignment, to the qualified colleague with the
most spare periods) and the changed school is solved twice per seed: re-planned against the base
timetable, and from scratch. Both are checked by the independent checker; the moves are counted
by ``scheduler.changes.compare`` from the two timetables alone.

    python -m benchmarks.replan instances/large-48.json --time-limit 120 --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import time

from scheduler.changes import compare
from scheduler.check import check
from scheduler.domain import School
from scheduler.explain import precheck
from scheduler.load import load_school
from scheduler.scenarios.edits import RemoveTeacher, ScenarioImpossible, apply_edits
from scheduler.solution import Solution
from scheduler.solve import SolveOptions, solve


def teacher_to_remove(school: School, subject: str) -> tuple[str, School]:
    """The first teacher of ``subject`` whose lessons colleagues can take without breaking a count rule."""
    for teacher in school.teachers:
        if subject not in teacher.subjects or teacher.outside_staff:
            continue
        if not any(teacher.id in lesson.teachers for lesson in school.all_lessons):
            continue
        try:
            changed = apply_edits(school, [RemoveTeacher(op="remove_teacher", teacher=teacher.id)])
        except ScenarioImpossible:
            continue
        if not precheck(changed):
            return teacher.id, changed
    raise SystemExit(f"no {subject} teacher can be removed without breaking a counting rule")


def run(changed: School, base: Solution, options: SolveOptions) -> dict:
    started = time.perf_counter()
    result = solve(changed, options)
    wall = time.perf_counter() - started
    if result.solution is None:
        return {"status": result.status, "wall": wall}
    changes = compare(changed, base, result.solution)
    return {
        "status": result.status,
        "first": result.time_to_first,
        "wall": wall,
        "moved": changes.moved,
        "moved_day": changes.moved_day,
        "moved_period": changes.moved_period,
        "cost": changes.cost,
        "soft": changed.weights.cost(result.terms),
        "hard": len(check(changed, result.solution).hard),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("school", nargs="?", default="instances/large-48.json")
    parser.add_argument("--subject", default="math", help="the subject of the teacher who leaves")
    parser.add_argument("--time-limit", type=float, default=120)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    school = load_school(args.school)
    base = solve(school, SolveOptions(time_limit=args.time_limit, workers=args.workers))
    assert base.solution is not None, base.status
    gone, changed = teacher_to_remove(school, args.subject)
    print(
        f"school {school.id}: base {base.status}, objective {base.objective:.0f}, {len(base.solution.placements)} sessions"
    )
    print(f"removed teacher {gone} ({school.teacher_by_id[gone].name}); lessons re-dealt by remove_teacher/auto\n")
    rows = {"replan": [], "fresh": []}
    for seed in range(args.repeat):
        common = {"time_limit": args.time_limit, "workers": args.workers, "seed": seed}
        rows["replan"].append(run(changed, base.solution, SolveOptions(**common, baseline=base.solution)))
        rows["fresh"].append(run(changed, base.solution, SolveOptions(**common)))
    print(
        "| run | seed | status | first s | wall s | moved | to another day | same day | move cost | soft objective | hard violations |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for kind, results in rows.items():
        for seed, r in enumerate(results):
            print(
                f"| {kind} | {seed} | {r['status']} | {_f(r.get('first'))} | {_f(r['wall'])} | {r.get('moved', '-')} | "
                f"{r.get('moved_day', '-')} | {r.get('moved_period', '-')} | {r.get('cost', '-')} | "
                f"{r.get('soft', '-')} | {r.get('hard', '-')} |"
            )
    print()
    for kind, results in rows.items():
        done = [r for r in results if "moved" in r]
        if done:
            print(
                f"{kind}: median moved {statistics.median(r['moved'] for r in done)}, "
                f"median first {statistics.median(r['first'] for r in done):.2f} s, "
                f"median soft objective {statistics.median(r['soft'] for r in done)}"
            )


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


if __name__ == "__main__":
    main()
