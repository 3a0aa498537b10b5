"""Benchmark: per sample school, time to first feasible timetable, objective, bound, gap, peak memory.

Each run is a fresh subprocess, so peak memory (max RSS) belongs to that solve alone, and
model building counts in every time. Every timetable is checked by the independent checker.

    python -m benchmarks.bench --time-limit 120 --repeat 3 instances/urban-24.json …
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
from pathlib import Path

DEFAULT = ["rural-6", "urban-24", "large-48", "nine-year-36"]


def run_one(path: str, time_limit: float, seed: int, workers: int) -> dict:
    """Solve once in this process and return the figures (called in a subprocess)."""
    from scheduler.check import check
    from scheduler.load import load_school
    from scheduler.solve import SolveOptions, solve

    school = load_school(path)
    result = solve(school, SolveOptions(time_limit=time_limit, seed=seed, workers=workers))
    report = check(school, result.solution) if result.solution else None
    return {
        "school": Path(path).stem,
        "classes": len(school.classes),
        "lessons": sum(lesson.periods_per_week for lesson in school.all_lessons),
        "status": result.status,
        "build": round(result.build_time, 2),
        "first": None if result.time_to_first is None else round(result.time_to_first, 2),
        "objective": result.objective,
        "bound": result.bound,
        "gap": None if result.gap is None else round(100 * result.gap, 1),
        "wall": round(result.wall_time, 1),
        "checker_hard": None if report is None else len(report.hard),
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("schools", nargs="*", help="school files (default: the four sample schools)")
    parser.add_argument("--time-limit", type=float, default=120)
    parser.add_argument("--repeat", type=int, default=1, help="runs per school with seeds 0…n-1; medians reported")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.schools[0], args.time_limit, args.seed, args.workers)))
        return
    schools = args.schools or [f"instances/{name}.json" for name in DEFAULT]
    header = (
        "school",
        "classes",
        "lessons",
        "status",
        "build s",
        "first s",
        "objective",
        "bound",
        "gap %",
        "wall s",
        "hard violations",
        "peak MiB",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for path in schools:
        runs = []
        for seed in range(args.repeat):
            cmd = [
                sys.executable,
                "-m",
                "benchmarks.bench",
                "--one",
                path,
                "--time-limit",
                str(args.time_limit),
                "--seed",
                str(seed),
                "--workers",
                str(args.workers),
            ]
            out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
        row = dict(runs[0])
        for key in ("build", "first", "objective", "bound", "gap", "wall", "peak_mib", "checker_hard"):
            values = [r[key] for r in runs if r[key] is not None]
            row[key] = statistics.median(values) if values else None
        row["status"] = "/".join(sorted({r["status"] for r in runs}))
        cells = [
            row["school"],
            row["classes"],
            row["lessons"],
            row["status"],
            row["build"],
            row["first"],
            row["objective"],
            row["bound"],
            row["gap"],
            row["wall"],
            row["checker_hard"],
            row["peak_mib"],
        ]
        print("| " + " | ".join("-" if c is None else str(c) for c in cells) + " |", flush=True)


if __name__ == "__main__":
    main()
