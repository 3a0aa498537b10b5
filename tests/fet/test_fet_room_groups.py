"""FET's activities occupy max different rooms / activities same room if consecutive → School.room_groups
(rules rooms_max_different, same_room_if_consecutive): import, solve, check, export → import, fet-cl.

On the hand-written file of tests/fet/test_fet_rooms.py: activities 2, 6, 7 (5A; rooms R5, {R4, R5}, R5) may
use one room only, so 6 goes to R5; activities 5, 8, 11 (5B; Sci {R1, R4}, Gym {R2, R5}, Math R2) keep their
room when consecutive, so Sci never comes right before or after Gym or Math.
"""

from __future__ import annotations

from pathlib import Path

from scheduler.check import check
from scheduler.fet import export_fet, import_fet
from scheduler.fet.runner import fet_cl_path, run_fet_cl
from scheduler.solve import SolveOptions, solve
from tests.fet.test_fet import _fet
from tests.fet.test_fet_rooms import SPACE, _space, fet_text

OPTIONS = SolveOptions(time_limit=20, workers=2)
MAX_ROOMS = "ConstraintActivitiesOccupyMaxDifferentRooms"
SAME_ROOM = "ConstraintActivitiesSameRoomIfConsecutive"


def _listing(ids: list[int]) -> str:
    return f"<Number_of_Activities>{len(ids)}</Number_of_Activities>" + "".join(
        f"<Activity_Id>{aid}</Activity_Id>" for aid in ids
    )


GROUPS = [
    _space(MAX_ROOMS, _listing([2, 6, 7]) + "<Max_Number_of_Different_Rooms>1</Max_Number_of_Different_Rooms>"),
    _space(SAME_ROOM, _listing([5, 8, 11])),
    _space(MAX_ROOMS, _listing([1, 3]) + "<Max_Number_of_Different_Rooms>1</Max_Number_of_Different_Rooms>", 90),
]


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "groups.fet"
    path.write_text(fet_text([*SPACE, *GROUPS]), encoding="utf-8")
    return path


def test_room_group_constraints_map_to_room_groups(tmp_path):
    school, report = import_fet(_file(tmp_path))
    assert report.outcome_of(MAX_ROOMS) == {"mapped": 1, "soft_not_represented": 1}
    assert report.outcome_of(SAME_ROOM) == {"mapped": 1}
    lesson_of = report.activity_lessons
    assert [(g.lessons, g.max_rooms, g.same_room_if_consecutive) for g in school.room_groups] == [
        (sorted({lesson_of[2], lesson_of[6], lesson_of[7]}), 1, False),
        (sorted({lesson_of[5], lesson_of[8], lesson_of[11]}), None, True),
    ]


def test_room_groups_bind_in_the_solve_and_survive_export(tmp_path):
    school, report = import_fet(_file(tmp_path))
    result = solve(school, OPTIONS)
    assert result.status in ("optimal", "feasible")
    assert check(school, result.solution).ok
    lesson_of, room_name = report.activity_lessons, {r.id: r.name for r in school.rooms}
    placed = {p.lesson: p for p in result.solution.placements}
    assert room_name[placed[lesson_of[6]].room] == "R5"
    sci, others = placed[lesson_of[5]], [placed[lesson_of[8]], placed[lesson_of[11]]]
    assert not any(p.day == sci.day and abs(p.period - sci.period) == 1 for p in others)

    out = tmp_path / "again.fet"
    exported = export_fet(school, out)
    assert any(MAX_ROOMS in line for line in exported.expressed)
    assert any(SAME_ROOM in line for line in exported.expressed)
    again, _ = import_fet(out)
    assert [(len(g.lessons), g.max_rooms, g.same_room_if_consecutive) for g in again.room_groups] == [
        (3, 1, False),
        (3, None, True),
    ]
    if fet_cl_path() is not None:
        run = run_fet_cl(out, tmp_path / "fet-out", time_limit=20, seed=1)
        assert run.success, run.message


def test_parts_of_a_split_activity_listed_apart_become_lessons_of_their_own(tmp_path):
    year = "<Year><Name>1</Name><Group><Name>1A</Name></Group></Year>"
    path = _fet(tmp_path, year, [("T1", "Math", "1A")] * 3 + [("T1", "Art", "1A")])
    text = path.read_text(encoding="utf-8")
    for aid in (1, 2, 3):  # one activity split in three parts
        text = text.replace(f"<Id>{aid}</Id><Activity_Group_Id>0", f"<Id>{aid}</Id><Activity_Group_Id>1")
    constraint = _space(SAME_ROOM, _listing([1, 2, 4]))
    path.write_text(text.replace("</Space_Constraints_List>", constraint + "</Space_Constraints_List>"))
    school, report = import_fet(path)
    lesson_of = report.activity_lessons
    assert lesson_of[1] == lesson_of[2] != lesson_of[3]
    assert {lesson.id: lesson.count for lesson in school.lessons}[lesson_of[1]] == 2
    (group,) = school.room_groups
    assert group.lessons == sorted({lesson_of[1], lesson_of[4]})
