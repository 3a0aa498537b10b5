"""Does FET itself accept our timetable of a real ``.fet`` file? Ours imports and solves the file; each of
its sessions is written back into a copy of the original file as a permanently locked starting time of
one FET activity of that lesson, and ``fet-cl`` generates on that copy. FET only succeeds if it can keep
every locked activity where ours put it and still respect every constraint of the original file (rooms are
left to FET). So a success shows, by FET's own generator, that our timetable breaks no hard constraint of
the file: the import was not looser than the file there, whatever the import report says.

    python -m benchmarks.fet_lock --time-limit 60 path/to/school.fet

The sessions of one lesson are interchangeable in our model, so they go to the lesson's FET activities in
activity-id order. Activities the import left out (none on an exact import) stay free for FET to place.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path


def locked_copy(fet_file: Path, solution, report, out: Path) -> int:
    """Write ``fet_file`` with one locked starting time per activity ours placed; returns how many."""
    tree = ET.parse(fet_file)
    root = tree.getroot()
    day_names = {number: name for name, number in report.day_numbers.items()}
    hour_names = {period: name for name, period in report.hour_periods.items()}
    activities: dict[str, list[int]] = defaultdict(list)
    for activity_id, lesson_id in sorted(report.activity_lessons.items()):
        activities[lesson_id].append(activity_id)
    starts: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for p in sorted(solution.placements, key=lambda p: (p.day, p.period)):
        starts[p.lesson].append((p.day, p.period))
    constraints = root.find("Time_Constraints_List")
    locked = 0
    for lesson_id, ids in activities.items():
        for activity_id, (day, period) in zip(ids, starts.get(lesson_id, []), strict=False):
            element = ET.SubElement(constraints, "ConstraintActivityPreferredStartingTime")
            for tag, text in (
                ("Weight_Percentage", "100"),
                ("Activity_Id", str(activity_id)),
                ("Preferred_Day", day_names[day]),
                ("Preferred_Hour", hour_names[period]),
                ("Permanently_Locked", "true"),
                ("Active", "true"),
                ("Comments", "locked by benchmarks.fet_lock: our timetable"),
            ):
                ET.SubElement(element, tag).text = text
            locked += 1
    tree.write(out, encoding="utf-8", xml_declaration=True)
    return locked


def main(argv: list[str] | None = None) -> int:
    from scheduler.check import check
    from scheduler.fet import import_fet
    from scheduler.fet.runner import fet_cl_path, run_fet_cl
    from scheduler.solve import SolveOptions, solve

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", help="real FET .fet files")
    parser.add_argument("--time-limit", type=float, default=60.0, help="ours, and fet-cl on the locked copy (s)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if fet_cl_path() is None:
        print("fet-cl not found: run .ci/install-fet.sh", file=sys.stderr)
        return 2
    print("| file | activities | locked | ours: checked | fet-cl on the locked copy | fet-cl s |")
    print("|---|---|---|---|---|---|")
    failed = 0
    with tempfile.TemporaryDirectory(prefix="fet-lock-") as tmp:
        for name in args.files:
            path = Path(name)
            school, report = import_fet(path)
            result = solve(school, SolveOptions(time_limit=args.time_limit, seed=args.seed))
            activities = report.counts["activities"]
            if result.solution is None or check(school, result.solution).hard:
                print(f"| {path.stem} | {activities} | – | no checked timetable ({result.status}) | – | – |")
                failed += 1
                continue
            copy = Path(tmp) / f"{path.stem}.fet"
            locked = locked_copy(path, result.solution, report, copy)
            run = run_fet_cl(copy, Path(tmp) / path.stem, time_limit=int(args.time_limit), seed=args.seed)
            verdict = "accepted" if run.success else f"not accepted: {run.message}"
            failed += not run.success
            print(f"| {path.stem} | {activities} | {locked} | yes | {verdict} | {run.wall_time:.1f} |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
