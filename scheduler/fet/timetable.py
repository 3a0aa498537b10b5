"""A timetable FET made (``fet-cl``'s ``…_activities.xml``) → a ``Solution`` of the imported School.

So the independent checker can audit a timetable made in FET against the School's rules (教务处: check
last term's FET timetable), and a FET timetable of a file shows whether our import is stricter than the
file: FET's own timetable must pass our checker wherever the import report says "mapped exactly".

Each FET activity is one session of the lesson the import made of it (``ImportReport.activity_lessons``);
FET days and hours are named, and map through the report to days and periods (a break hour removed from
the bell schedule has no period, and FET places nothing there). Rooms map by name; an empty room is
none. Activities the import left out are counted, not placed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from scheduler.domain import School
from scheduler.fet.importer import FetImportError
from scheduler.fet.report import ImportReport
from scheduler.solution import Placement, Solution, describe


def read_fet_timetable(path: str | Path, school: School, report: ImportReport) -> tuple[Solution, list[str]]:
    """The placements of FET's activities timetable, and one line per activity that could not be placed."""
    path = Path(path)
    try:
        root = ET.fromstring(path.read_bytes())
    except (OSError, ET.ParseError) as exc:
        raise FetImportError(str(path), [f"not a readable FET activities timetable: {exc}"]) from None
    if root.tag != "Activities_Timetable":
        raise FetImportError(str(path), [f"root element is <{root.tag}>, expected <Activities_Timetable>"])
    placements, skipped, problems = [], [], []
    for i, element in enumerate(root.findall("Activity")):
        where = f"Activity[{i}]"
        aid_text = (element.findtext("Id") or "").strip()
        lesson_id = report.activity_lessons.get(int(aid_text)) if aid_text.isdigit() else None
        if lesson_id is None:
            skipped.append(f"activity {aid_text or '?'}: not a lesson of the imported school; left out")
            continue
        day = report.day_numbers.get(element.findtext("Day") or "")
        period = report.hour_periods.get(element.findtext("Hour") or "")
        room_name = element.findtext("Room") or ""
        room = report.room_ids.get(room_name) if room_name else None
        if day is None or period is None:
            problems.append(
                f"{where} (activity {aid_text}): unknown day or hour '{element.findtext('Day')}' / "
                f"'{element.findtext('Hour')}'"
            )
            continue
        if room_name and room is None:
            problems.append(f"{where} (activity {aid_text}).Room: unknown room '{room_name}'")
            continue
        placements.append(describe(school, Placement(lesson=lesson_id, day=day, period=period, room=room)))
    if problems:
        raise FetImportError(str(path), problems)
    placements.sort(key=lambda p: (p.day, p.period, p.lesson))
    policy = school.resolved_policy
    solution = Solution(school_id=school.id, policy=policy.id, policy_overrides=policy.overrides, placements=placements)
    return solution, skipped
