"""Our solver vs FET's ``fet-cl`` on the same schools: time to a first timetable.

Two kinds of input, both timed on the same machine in the same run, several seeds each:

- a school JSON: exported to .fet (``scheduler.fet.export_fet``); FET gets the rules the export
  can express (the export report lists those it cannot, e.g. the daily activity minutes), so it
  solves a looser problem than ours;
- a real ``.fet`` file: ours imports it (``scheduler.fet.import_fet``) and solves the School;
  ``fet-cl`` runs on the original file. Ours then solves a looser problem wherever the import
  report lists a FET constraint as not represented or approximated; those are printed per file.

Ours counts a timetable only when the independent checker passes it; FET's only when ``fet-cl``
reports "Simulation successful". Both times include reading the input (for ours: import or load,
model building, solving). FET's six random-seed components are derived from the seed.

    python -m benchmarks.fet_compare --time-limit 60 --seeds 3 instances/*.json
    python -m benchmarks.fet_compare --time-limit 120 --seeds 2 path/to/school.fet
    python -m benchmarks.fet_compare --time-limit 120 --fet-time-limit 300 --seeds 1 big.fet
    python -m benchmarks.fet_compare --time-limit 60 --seeds 3 --first-only real.fet   # no optimisation after
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from scheduler.domain import School


def ours(
    read: Callable[[], School], time_limit: float, seed: int, workers: int, first_only: bool = False
) -> tuple[float | None, str]:
    """Seconds to the first timetable the checker passes (read + build + solve), None if none; a note.
    With ``first_only`` the solve stops at its first timetable (solve() keeps that one)."""
    import threading

    from scheduler.check import check
    from scheduler.solve import SolveOptions, solve

    started = time.perf_counter()
    school = read()
    loaded = time.perf_counter() - started
    options = SolveOptions(time_limit=time_limit, seed=seed, workers=workers, explain=not first_only)
    if first_only:
        stop = threading.Event()
        result = solve(school, options, progress=lambda _: stop.set(), stop=stop)
    else:
        result = solve(school, options)
    if result.solution is None or result.time_to_first is None:
        findings = "; ".join(f.message for f in result.explanation[:2])
        return None, f"{result.status}" + (f": {findings}" if findings else "")
    report = check(school, result.solution)
    if not report.ok:
        hard = [v.message for v in report.violations if v.severity == "hard"]
        return None, f"checker: {len(hard)} hard violations, e.g. {hard[0]}"
    return loaded + result.time_to_first, result.status


def theirs(path: str | Path, time_limit: int, seed: int, work: Path) -> tuple[float | None, str]:
    from scheduler.fet.runner import run_fet_cl

    run = run_fet_cl(path, work / f"seed-{seed}", time_limit=time_limit, seed=seed)
    return (run.wall_time if run.success else None), run.message


def fet_audit(fet_file: Path, school: School, report, work: Path, seeds: int) -> str:
    """How many of fet-cl's timetables pass our checker on the imported school ("2/2"), and the first broken
    rule: where the import says mapped, FET's timetables must pass (else the import is stricter than FET)."""
    from scheduler.check import check
    from scheduler.fet.timetable import read_fet_timetable

    passed, made, broken = 0, 0, []
    for seed in range(seeds):
        path = work / f"seed-{seed}" / "timetables" / fet_file.stem / f"{fet_file.stem}_activities.xml"
        if not path.exists():
            continue
        made += 1
        solution, _ = read_fet_timetable(path, school, report)
        hard = check(school, solution).hard
        passed += not hard
        broken += [v.message for v in hard[:1]]
    return f"{passed}/{made}" + (f" ({broken[0]})" if broken else "")


def median_time(times: list[float | None]) -> float | None:
    """Median over all runs, a run without a timetable counting as slower than any; None if that is the median."""
    solved = [t for t in times if t is not None]
    if len(solved) <= len(times) // 2:
        return None
    return statistics.median(sorted(t if t is not None else float("inf") for t in times))


def _shown(median: float | None, time_limit: float) -> str:
    return f"{median:.2f}s" if median is not None else f"timeout (>{time_limit:g}s)"


def _ratio(ours_median: float | None, fet_median: float | None, time_limit: float) -> str:
    """ours / FET: below 0.5 meets the target; FET's time-out counts as the limit (a lower bound)."""
    if ours_median is None:
        return "-"
    if fet_median is None:
        return f"<{ours_median / time_limit:.2f}"
    return f"{ours_median / fet_median:.2f}"


def import_notes(report) -> list[str]:
    """What of the FET file ours does not enforce as FET would: one line per constraint type."""
    lines = []
    for c in sorted(report.constraints, key=lambda c: (c.outcome, -c.count)):
        if c.outcome in ("not_represented", "soft_not_represented", "approximated"):
            kind = {"not_represented": "hard, not represented", "soft_not_represented": "soft, not represented"}
            weights = "/".join(f"{w:g}%" for w in c.weights)
            note = f": {c.note}" if c.outcome == "approximated" and c.note else ""
            lines.append(f"{c.type} ×{c.count} ({kind.get(c.outcome, 'approximated')}, weight {weights}){note}")
    if report.dropped:
        lines.append(f"{len(report.dropped)} FET records not imported, e.g. {report.dropped[0]}")
    return lines


def main(argv: list[str] | None = None) -> int:
    from scheduler.fet import export_fet, import_fet
    from scheduler.fet.runner import fet_cl_path
    from scheduler.load import load_school

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("schools", nargs="+", help="school JSON files and/or FET .fet files")
    parser.add_argument("--time-limit", type=float, default=60.0, help="per run, both solvers (seconds)")
    parser.add_argument(
        "--fet-time-limit", type=float, default=None, help="per fet-cl run, if not --time-limit (seconds)"
    )
    parser.add_argument("--seeds", type=int, default=3, help="runs per solver, seeds 0…n-1")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers (fet-cl is single-threaded)")
    parser.add_argument(
        "--first-only",
        action="store_true",
        help="ours stops at its first timetable (the time measured is the same; the optimisation is skipped)",
    )
    args = parser.parse_args(argv)
    fet_limit = args.fet_time_limit or args.time_limit
    if fet_cl_path() is None:
        print("fet-cl not found: run .ci/install-fet.sh", file=sys.stderr)
        return 2
    rows, details = [], []
    with tempfile.TemporaryDirectory(prefix="fet-compare-") as tmp:
        for path in args.schools:
            name = Path(path).stem
            if path.endswith(".fet"):
                fet_file = Path(path)
                school, report = import_fet(path)
                size = f"{report.counts['activities']} ({school_periods(school)} periods)"
                notes = ["ours does not enforce as FET would:", *import_notes(report)]

                def read(path: str = path) -> School:
                    return import_fet(path)[0]
            else:
                fet_file = Path(tmp) / f"{name}.fet"
                export = export_fet(load_school(path), fet_file)
                size = str(export.counts["activities"])
                notes = ["FET does not get (not in the exported .fet):", *export.not_expressed]

                def read(path: str = path) -> School:
                    return load_school(path)

            ours_runs = [ours(read, args.time_limit, seed, args.workers, args.first_only) for seed in range(args.seeds)]
            fet_runs = [theirs(fet_file, int(fet_limit), seed, Path(tmp) / name) for seed in range(args.seeds)]
            audit = fet_audit(fet_file, school, report, Path(tmp) / name, args.seeds) if path.endswith(".fet") else "-"
            ours_times, fet_times = [t for t, _ in ours_runs], [t for t, _ in fet_runs]
            ours_median, fet_median = median_time(ours_times), median_time(fet_times)
            failures = sorted({m for t, m in ours_runs if t is None})
            fet_failures = sorted({m for t, m in fet_runs if t is None})
            rows.append(
                (
                    name,
                    size,
                    _shown(ours_median, args.time_limit),
                    f"{sum(t is not None for t in ours_times)}/{args.seeds}",
                    _shown(fet_median, fet_limit),
                    f"{sum(t is not None for t in fet_times)}/{args.seeds}",
                    _ratio(ours_median, fet_median, fet_limit),
                    audit,
                    "; ".join([*(f"ours: {m}" for m in failures), *(f"fet-cl: {m}" for m in fet_failures)]) or "-",
                )
            )
            details.append((name, notes))
            print(f"{name}: ours {_times(ours_times)}  fet-cl {_times(fet_times)}", file=sys.stderr, flush=True)
    header = ("school", "activities", "ours: first checked (median)", "ours ok", "fet-cl median", "fet-cl ok")
    header += ("ours/fet-cl", "fet-cl's timetables pass our checker", "notes")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(x).replace("|", "/") for x in row) + " |")
    limits = f"{args.time_limit:g}s per run" + (f" (fet-cl {fet_limit:g}s)" if fet_limit != args.time_limit else "")
    print(f"\ntime limit {limits}, {args.seeds} seeds, CP-SAT workers {args.workers}")
    for name, notes in details:
        if notes[1:]:
            print(f"\n{name}: {notes[0]}")
            print("\n".join(f"- {line}" for line in notes[1:]))
    return 0


def school_periods(school: School) -> int:
    """Periods a week of real lessons (without the 不排课 placeholders of an import)."""
    from scheduler.fet.importer import BLOCKED_SUBJECT

    return sum(lesson.periods_per_week for lesson in school.all_lessons if lesson.subject != BLOCKED_SUBJECT)


def _times(times: list[float | None]) -> str:
    return "[" + ", ".join("-" if t is None else f"{t:.1f}" for t in times) + "]"


if __name__ == "__main__":
    sys.exit(main())
