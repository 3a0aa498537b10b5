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
    after = _after_school_figures(school, result)
    return after | {
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


def _after_school_figures(school, result) -> dict:
    """Pupils into clubs (second stage) and the teachers' flexible days, for schools with after-school data."""
    if result.solution is None or result.clubs is None or result.solution.after_school is None:
        return {}
    from scheduler.clubs import choice_summary
    from scheduler.views import teacher_hours_table

    choices = choice_summary(school, result.solution.after_school.enrolments)
    hours = teacher_hours_table(school, result.solution)
    school_staff = hours[hours["校外"] == ""]
    return {
        "club_status": result.clubs.status,
        "pupils": result.clubs.pupils,
        "clubs": len(school.after_school.clubs),
        "club_s": round(result.clubs.wall_time, 2),
        "club_gap": None if result.clubs.gap is None else round(100 * result.clubs.gap, 2),
        "first_pct": choices["first_choice"],
        "top3_pct": choices["top3"],
        "unplaced": choices["unplaced"],
        "min_flexible": int(school_staff["弹性天数"].min()),
        "max_duties": int(school_staff["课后服务次数"].max()),
    }


AFTER_COLUMNS = [
    ("club_status", "pupils→clubs status"),
    ("pupils", "pupils"),
    ("clubs", "clubs"),
    ("club_s", "pupils→clubs s"),
    ("club_gap", "gap %"),
    ("first_pct", "1st choice %"),
    ("top3_pct", "top-3 %"),
    ("unplaced", "unplaced"),
    ("min_flexible", "min flexible days/teacher"),
    ("max_duties", "max duties/teacher"),
]


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
    after_rows = []
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
        with_after = [r for r in runs if "club_status" in r]
        if with_after:
            after = {"school": row["school"]}
            for key, _ in AFTER_COLUMNS:
                values = [r[key] for r in with_after if r[key] is not None]
                if key == "club_status":
                    after[key] = "/".join(sorted(set(values)))
                elif key in ("min_flexible", "unplaced"):
                    after[key] = min(values) if key == "min_flexible" else max(values)
                else:
                    after[key] = statistics.median(values) if values else None
            after_rows.append(after)
    if after_rows:
        print("\nAfter-school (medians; min flexible days and unplaced: worst run)\n")
        print("| school | " + " | ".join(title for _, title in AFTER_COLUMNS) + " |")
        print("|" + "---|" * (len(AFTER_COLUMNS) + 1))
        for after in after_rows:
            cells = [after["school"], *(after.get(key) for key, _ in AFTER_COLUMNS)]
            print("| " + " | ".join("-" if c is None else str(c) for c in cells) + " |", flush=True)


if __name__ == "__main__":
    main()
