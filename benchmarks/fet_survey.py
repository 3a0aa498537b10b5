"""Run the FET importer over real ``.fet`` files and summarise what imports and what does not.

Per file: imported or the error, activities and lessons, and the commonest FET constraints the
School does not represent (type ×count, hard or soft). The summary counts the files that import,
groups the failures by reason and ranks the unsupported constraint types by the files they occur in.

    python -m benchmarks.fet_survey                      # FET's official-mode examples (Debian fet-data)
    python -m benchmarks.fet_survey path/to/dir file.fet --markdown
    python -m benchmarks.fet_survey --fet-cl 90 --min-activities 300   # also time fet-cl (seed 0) per file

With ``--fet-cl`` the survey also runs FET's own generator once on each imported file of at least
``--min-activities`` activities and prints its time, to find the files FET finds hard (20 s or more,
or no timetable within the limit): the ones the speed comparison in ``fet_compare`` is about. With
``--ours`` it also times our first checked timetable (seed 0, read + build + first phase; the solve
stops there), so one run screens the files where either solver is slow:

    python -m benchmarks.fet_survey --ours 30 --fet-cl 60 --min-activities 300 --exact-only
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

from scheduler.domain import TEACHER_WEEK_CAP

EXAMPLES = Path("/usr/share/doc/fet-data/examples")
OFFICIAL = (
    "FET-5-official",
    "FET-6-official",
)  # the mode we import; mornings-afternoons, terms, block-planning are not


def fet_files(paths: list[str]) -> list[Path]:
    """The .fet files named or found under the given directories, sorted."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        found += sorted(path.rglob("*.fet")) if path.is_dir() else [path]
    return found


def failure_reason(problem: str) -> str:
    """A problem line without its file-specific parts: 'Days_List: 10 days; …' → 'Days_List: N days; …'."""
    reason = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", problem)
    reason = re.sub(r"\[\d+\]", "[i]", reason)
    reason = re.sub(r"\(Id \d+\)|\([^()]*\)\.", "", reason)
    return re.sub(r"(?<![\d–])\d+(?![\d–])", "N", reason)  # keep ranges such as 1–7


def survey(path: Path) -> dict:
    """Import one file; the outcome as a row for the table and the summary."""
    from scheduler.fet import FetImportError, import_fet

    started = time.perf_counter()
    try:
        school, report = import_fet(path)
    except FetImportError as exc:
        return {"file": path, "ok": False, "problems": exc.problems, "seconds": time.perf_counter() - started}
    min_days = Counter()  # ConstraintMinDaysBetweenActivities at 100 %: exact or approximated
    for c in report.constraints:
        if c.type == "ConstraintMinDaysBetweenActivities" and c.weights == [100.0]:
            min_days[c.outcome] += c.count
    unsupported = Counter()
    for c in report.unsupported:
        unsupported[c.type, "hard" if c.outcome == "not_represented" else "soft"] += c.count
    return {
        "file": path,
        "ok": True,
        "activities": report.counts["activities"],
        "lessons": report.counts["lessons"],
        "periods": sum(lesson.periods_per_week for lesson in school.lessons if lesson.subject != "fet-blocked"),
        "dropped": len(report.dropped),
        "overloaded": any("teach more than" in line for line in report.lossy),
        "unsupported": unsupported,
        "min_days": min_days,
        "seconds": time.perf_counter() - started,
    }


def time_fet_cl(path: Path, time_limit: int) -> str:
    """One fet-cl run (seed 0): its wall time, or why it made no timetable."""
    import tempfile

    from scheduler.fet.runner import run_fet_cl

    with tempfile.TemporaryDirectory() as work:
        run = run_fet_cl(path, work, time_limit, seed=0)
    return f"{run.wall_time:.1f} s" if run.success else f"no timetable ({run.message}, {run.wall_time:.0f} s)"


def time_ours(path: Path, time_limit: float) -> str:
    """Our first checked timetable (seed 0): read + build + first phase, or why there is none. The first
    phase gets ``time_limit``; the solve stops once it has a timetable."""
    from benchmarks.fet_compare import ours
    from scheduler.fet import import_fet
    from scheduler.solve import FEASIBILITY_SHARE

    started = time.perf_counter()
    seconds, note = ours(lambda: import_fet(path)[0], time_limit / FEASIBILITY_SHARE, 0, 2, first_only=True)
    if seconds is None:
        return f"no timetable ({note}, {time.perf_counter() - started:.0f} s)"
    return f"{seconds:.2f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "paths", nargs="*", help=f".fet files or folders (default: {EXAMPLES}/{{{','.join(OFFICIAL)}}})"
    )
    parser.add_argument("--top", type=int, default=3, help="unsupported constraint types shown per file")
    parser.add_argument("--markdown", action="store_true", help="print the summary as Markdown tables")
    parser.add_argument("--fet-cl", type=int, metavar="SECONDS", help="also run fet-cl (seed 0) with this time limit")
    parser.add_argument("--ours", type=float, metavar="SECONDS", help="also time our first timetable (seed 0)")
    parser.add_argument("--min-activities", type=int, default=0, help="with --fet-cl / --ours: only files this large")
    parser.add_argument(
        "--exact-only",
        action="store_true",
        help="with --fet-cl / --ours: only files with every hard constraint represented",
    )
    args = parser.parse_args(argv)
    paths = args.paths or [str(EXAMPLES / mode) for mode in OFFICIAL if (EXAMPLES / mode).is_dir()]
    files = fet_files(paths)
    if not files:
        print("no .fet files found (Debian: apt-get install fet-data)", file=sys.stderr)
        return 2
    rows = []
    for path in files:
        row = survey(path)
        rows.append(row)
        shown = path.relative_to(EXAMPLES) if path.is_relative_to(EXAMPLES) else path
        if row["ok"]:
            top = ", ".join(f"{t} ×{n} ({kind})" for (t, kind), n in row["unsupported"].most_common(args.top))
            print(f"OK   {shown}: {row['activities']} activities, {row['lessons']} lessons; unsupported: {top or '-'}")
            exact = not any(kind == "hard" for _, kind in row["unsupported"])
            if row["activities"] >= args.min_activities and (exact or not args.exact_only):
                if args.ours:
                    row["ours"] = time_ours(path, args.ours)
                    print(f"     ours:   {row['ours']}")
                if args.fet_cl:
                    row["fet"] = time_fet_cl(path, args.fet_cl)
                    print(f"     fet-cl: {row['fet']}")
        else:
            print(f"FAIL {shown}: {'; '.join(row['problems'][:3])}")
    _summary(rows, args.markdown)
    timed = [r for r in rows if "fet" in r or "ours" in r]
    if timed:
        print(f"\nseed 0 on {len(timed)} files of ≥ {args.min_activities} activities (ours | fet-cl | ours/fet-cl):")
        races = Counter()
        for r in sorted(timed, key=lambda r: -_fet_seconds(r.get("fet", "-"), args.fet_cl or 0)):
            hard = [t for (t, kind), _ in r["unsupported"].items() if kind == "hard"]
            ratio = "-"
            if "ours" in r and "fet" in r:
                kind, ratio = outcome(r["ours"], r["fet"], args.fet_cl)
                races[kind] += 1
            print(
                f"  {r.get('ours', '-'):>32} | {r.get('fet', '-'):>32} | {ratio:>5}  {r['file']}  "
                f"({r['activities']} activities; hard unsupported: {len(hard)} types)"
            )
        if races:
            shown = "; ".join(f"{kind} {races[kind]}" for kind in OUTCOMES)
            print(f"on the {races.total()} files timed with both: {shown}")
    return 0


OUTCOMES = (
    "ours under half of fet-cl",
    "ours faster, not by half",
    "fet-cl faster",
    "only ours",
    "only fet-cl",
    "neither",
)


def outcome(ours_shown: str, fet_shown: str, fet_limit: int) -> tuple[str, str]:
    """One file's seed-0 race from the shown times ('1.23 s' or 'no timetable (…)'): one of ``OUTCOMES``
    and ours / fet-cl ('<0.05' when fet-cl timed out, counting its limit as its time; '-' without ours)."""
    from benchmarks.fet_compare import _ratio

    ours, fet = _seconds(ours_shown), _seconds(fet_shown)
    if ours is None:
        return ("only fet-cl" if fet is not None else "neither"), "-"
    if fet is None:
        return "only ours", _ratio(ours, None, fet_limit)
    fet = max(fet, 0.01)  # fet-cl's time is shown to 0.1 s: '0.0 s' on the smallest files
    kind = OUTCOMES[0] if ours <= fet / 2 else OUTCOMES[1] if ours < fet else OUTCOMES[2]
    return kind, _ratio(ours, fet, fet_limit)


def _seconds(shown: str) -> float | None:
    """The seconds of a shown time ('1.23 s'), None for 'no timetable (…)'."""
    return float(shown.split()[0]) if shown[0].isdigit() else None


def _fet_seconds(shown: str, time_limit: int) -> float:
    seconds = _seconds(shown)
    return time_limit + 1.0 if seconds is None else seconds


def _summary(rows: list[dict], markdown: bool) -> None:
    imported = [r for r in rows if r["ok"]]
    failed = [r for r in rows if not r["ok"]]
    reasons = Counter(reason for r in failed for reason in dict.fromkeys(map(failure_reason, r["problems"])))
    files_with: Counter[tuple[str, str]] = Counter()
    total: Counter[tuple[str, str]] = Counter()
    for r in imported:
        files_with.update(r["unsupported"].keys())
        total.update(r["unsupported"])
    sizes = sorted(r["activities"] for r in imported)
    print()
    print(f"{len(imported)}/{len(rows)} files import; {len(failed)} fail.")
    if sizes:
        print(f"Imported: {sizes[0]}–{sizes[-1]} activities (median {sizes[len(sizes) // 2]}); ", end="")
        print(f"{sum(r['dropped'] > 0 for r in imported)} files with records not imported (see each report).")
    clean = sum(not any(kind == "hard" for _, kind in r["unsupported"]) for r in imported)
    print(f"{clean} imported files have no hard (100%) constraint left unrepresented.")
    overloaded = sum(r["overloaded"] for r in imported)
    print(
        f"{overloaded} imported files have teachers above the School's {TEACHER_WEEK_CAP} periods a week "
        "(infeasible as imported)."
    )
    min_days: Counter[str] = Counter()
    for r in imported:
        min_days.update(r["min_days"])
    print(
        f"ConstraintMinDaysBetweenActivities at 100%: {min_days['mapped']} exact (rule different_days), "
        f"{min_days['approximated']} approximated, in "
        f"{sum(bool(r['min_days']) for r in imported)} files "
        f"({sum(r['min_days'].keys() == {'mapped'} for r in imported)} with every one exact)."
    )
    if markdown:
        print("\n| failure reason | files |\n|---|---|")
        for reason, n in reasons.most_common():
            print(f"| {reason} | {n} |")
        print("\n| unsupported FET constraint | hard/soft | files | constraints |\n|---|---|---|---|")
        for (fet_type, kind), n in files_with.most_common(25):
            print(f"| {fet_type} | {kind} | {n} | {total[fet_type, kind]} |")
    else:
        print("Failure reasons:")
        for reason, n in reasons.most_common():
            print(f"  {n:4d}  {reason}")
        print("Unsupported constraint types (files, constraints):")
        for (fet_type, kind), n in files_with.most_common(25):
            print(f"  {n:4d} {total[fet_type, kind]:6d}  {fet_type} ({kind})")


if __name__ == "__main__":
    sys.exit(main())
