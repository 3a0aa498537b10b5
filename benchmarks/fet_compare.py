"""Our solver vs FET's ``fet-cl`` on the same schools: time to a first timetable.

Per school: export to .fet (``scheduler.fet.export_fet``), run ``fet-cl`` once per seed with a time
limit (FET's six random-seed components derived from the seed), and run our solver with the
same seeds. Ours counts a timetable only when the independent checker passes it; FET's only when
``fet-cl`` reports "Simulation successful". Both times include reading the input. FET gets the
rules the export can express (the report lists those it cannot, e.g. the daily activity
minutes), so it solves a looser problem than ours.

    python -m benchmarks.fet_compare --time-limit 60 --seeds 3 instances/*.json
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path


def ours(path: str, time_limit: float, seed: int, workers: int) -> float | None:
    """Seconds to the first timetable the checker passes (load + build + solve), None if none."""
    from scheduler.check import check
    from scheduler.load import load_school
    from scheduler.solve import SolveOptions, solve

    started = time.perf_counter()
    school = load_school(path)
    loaded = time.perf_counter() - started
    result = solve(school, SolveOptions(time_limit=time_limit, seed=seed, workers=workers))
    if result.solution is None or not check(school, result.solution).ok or result.time_to_first is None:
        return None
    return loaded + result.time_to_first


def theirs(path: str, time_limit: int, seed: int, work: Path) -> tuple[float | None, str]:
    from scheduler.fet.runner import run_fet_cl

    run = run_fet_cl(path, work / f"seed-{seed}", time_limit=time_limit, seed=seed)
    return (run.wall_time if run.success else None), run.message


def _median(times: list[float | None], time_limit: float) -> str:
    solved = [t for t in times if t is not None]
    if len(solved) <= len(times) // 2:  # the median run did not finish
        return f"timeout (>{time_limit:g}s)"
    ranked = sorted(t if t is not None else float("inf") for t in times)
    return f"{statistics.median(ranked):.2f}s"


def main(argv: list[str] | None = None) -> int:
    from scheduler.fet import export_fet
    from scheduler.fet.runner import fet_cl_path
    from scheduler.load import load_school

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("schools", nargs="+", help="school JSON files")
    parser.add_argument("--time-limit", type=float, default=60.0, help="per run, both solvers (seconds)")
    parser.add_argument("--seeds", type=int, default=3, help="runs per solver, seeds 0…n-1")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers (fet-cl is single-threaded)")
    args = parser.parse_args(argv)
    if fet_cl_path() is None:
        print("fet-cl not found: run .ci/install-fet.sh", file=sys.stderr)
        return 2
    rows = []
    with tempfile.TemporaryDirectory(prefix="fet-compare-") as tmp:
        for path in args.schools:
            name = Path(path).stem
            fet_file = Path(tmp) / f"{name}.fet"
            report = export_fet(load_school(path), fet_file)
            ours_times = [ours(path, args.time_limit, seed, args.workers) for seed in range(args.seeds)]
            fet_runs = [
                theirs(str(fet_file), int(args.time_limit), seed, Path(tmp) / name) for seed in range(args.seeds)
            ]
            fet_times = [t for t, _ in fet_runs]
            rows.append(
                (
                    name,
                    report.counts["activities"],
                    _median(ours_times, args.time_limit),
                    f"{sum(t is not None for t in ours_times)}/{args.seeds}",
                    _median(fet_times, args.time_limit),
                    f"{sum(t is not None for t in fet_times)}/{args.seeds}",
                    "; ".join(sorted({m for t, m in fet_runs if t is None})) or "-",
                )
            )
            print(f"{name}: ours {ours_times}  fet-cl {fet_times}", file=sys.stderr)
    header = ("school", "activities", "ours: first checked (median)", "ours ok", "fet-cl median", "fet-cl ok", "fet-cl")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(x) for x in row) + " |")
    print(f"\ntime limit {args.time_limit:g}s per run, {args.seeds} seeds, CP-SAT workers {args.workers}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
