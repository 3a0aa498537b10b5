"""FET interop: a hand-written .fet file imports into a school we can timetable, the report names
what was not represented, and an exported school re-imports and is solvable by ``fet-cl``."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from tiny import tiny_school

from scheduler.__main__ import main
from scheduler.check import check
from scheduler.domain import School
from scheduler.fet import FetImportError, export_fet, import_fet
from scheduler.fet.importer import BLOCKED_SUBJECT, grade_from_name, subject_category
from scheduler.fet.runner import fet_cl_path, run_fet_cl
from scheduler.solve import SolveOptions, solve

SMALL = Path(__file__).parent / "data" / "small.fet"


@pytest.fixture(scope="module")
def small():
    return import_fet(SMALL)


def test_small_fet_imports_into_a_valid_school(small):
    school, report = small
    assert isinstance(school, School)
    assert school.days == ["Mon", "Tue", "Wed"]
    assert [c.id for c in school.classes] == ["3A", "3B"]
    assert school.class_by_id["3A"].sections == ["3A-boys", "3A-girls"]
    assert {c.grade for c in school.classes} == {3}
    assert {t.name for t in school.teachers} == {"Wang", "Li", "Zhao", "Liu"}
    categories = {s.name: s.category for s in school.subjects}
    assert categories["体育"] == "pe" and categories["音乐"] == "arts" and categories["语文"] == "core"
    assert categories["Lab"] == "other"
    # 15 active activities; the inactive one is not imported, and nothing else is dropped
    assert report.counts["activities"] == 15
    assert report.dropped == []
    assert sum(lesson.count for lesson in school.lessons if lesson.subject != BLOCKED_SUBJECT) == 15


def test_break_hour_on_every_day_becomes_a_lunch_block(small):
    school, _ = small
    schedule = school.bell_schedules[0]
    assert len(schedule.periods) == 5  # 6 FET hours minus the break
    assert [(b.name, b.kind) for b in schedule.blocks] == [("Lunch", "lunch")]
    assert schedule.periods[0].start == "08:00" and schedule.periods[0].end == "08:45"


def test_split_activity_becomes_one_lesson_per_duration(small):
    school, _ = small
    maths_3a = sorted((lesson.duration, lesson.count) for lesson in school.lessons if lesson.id.startswith("fet7"))
    assert maths_3a == [(1, 1), (2, 1)]
    assert school.lesson_by_id["fet1"].count == 3


def test_time_constraints_are_mapped_to_the_right_periods(small):
    school, _ = small
    wang = school.teacher_by_id["Wang"]
    # FET Tue/H3 is our period 3 of day 2: the Lunch hour before it was removed; the Wed H5 break (on one day
    # only) is a period here, unavailable to every teacher, as FET places nothing in a break
    assert {(s.day, s.period) for s in wang.unavailable} == {(1, 1), (2, 3), (3, 5)}
    assert wang.max_lessons_per_day == 2
    # Liu: max 2 days a week (active); Zhao's max 3 days is inactive
    assert {t.id: t.max_days_per_week for t in school.teachers} == {"Wang": None, "Li": None, "Zhao": None, "Liu": 2}
    # Li: max 0 gaps a week (100 %); the Wed H5 break (on one day only) is unavailable, as FET counts no break as a gap
    li = school.teacher_by_id["Li"]
    assert (li.max_gaps_per_week, li.max_gaps_per_day) == (0, None)
    assert [(s.day, s.period) for s in li.unavailable] == [(3, 5)]
    music = school.lesson_by_id["fet14"]
    assert [(s.day, s.period) for s in music.pinned] == [(3, 3)]
    assert music.room == "MusicRoom" and music.groups == ["3A", "3B"]
    assert school.lesson_by_id["fet15"].room == "LabRoom"
    # ConstraintRoomNotAvailableTimes: LabRoom on Mon H1
    assert [(s.day, s.period, s.stage) for s in school.room_by_id["LabRoom"].unavailable] == [(1, 1, None)]
    pe = school.subject_by_id[school.lesson_by_id["fet11"].subject]
    assert pe.room_type and {r.id for r in school.rooms if r.type == pe.room_type} == {"Gym"}
    blocked = {(c.id, s.section, s.day, s.period) for c in school.classes for s in c.unavailable}
    # students-set not available (3B Tue H1, 3A-girls Mon H4) and the Wed H5 break (every class)
    assert blocked == {("3B", None, 2, 1), ("3A", "3A-girls", 1, 4), ("3A", None, 3, 5), ("3B", None, 3, 5)}
    assert not any(lesson.subject == BLOCKED_SUBJECT for lesson in school.lessons)


def test_report_lists_what_is_not_represented_with_counts_and_weights(small):
    _, report = small
    unsupported = {(c.type, c.outcome): (c.count, c.weights) for c in report.unsupported}
    assert report.outcome_of("ConstraintStudentsSetMaxGapsPerWeek") == {"mapped": 2}  # 2 gaps: class.max_gaps_per_week
    assert unsupported[("ConstraintActivityPreferredStartingTimes", "soft_not_represented")] == (1, [80.0])
    assert report.outcome_of("ConstraintTeacherMaxDaysPerWeek") == {"mapped": 1, "inactive": 1}
    assert report.outcome_of("ConstraintMinDaysBetweenActivities") == {"approximated": 1}
    assert report.outcome_of("ConstraintStudentsSetNotAvailableTimes") == {"mapped": 2}
    for mapped in (
        "ConstraintBasicCompulsoryTime",
        "ConstraintBasicCompulsorySpace",
        "ConstraintBreakTimes",
        "ConstraintTeacherNotAvailableTimes",
        "ConstraintTeacherMaxHoursDaily",
        "ConstraintActivityPreferredStartingTime",
        "ConstraintActivityPreferredRoom",
        "ConstraintActivityPreferredRooms",
        "ConstraintSubjectPreferredRoom",
        "ConstraintRoomNotAvailableTimes",
        "ConstraintTeacherMaxGapsPerWeek",
    ):
        assert report.outcome_of(mapped) == {"mapped": 1}, mapped
    # every constraint element of the file is accounted for
    root = ET.parse(SMALL).getroot()
    in_file = len(root.findall("Time_Constraints_List/*")) + len(root.findall("Space_Constraints_List/*"))
    assert sum(c.count for c in report.constraints) == in_file == 22
    text = "\n".join(report.lines())
    assert "ConstraintActivityPreferredStartingTimes ×1 (weight 80%)" in text and "unavailable class slots" in text


def test_preferred_slots_and_same_starting_time_in_the_small_file(small):
    school, report = small
    for fet_type in (
        "ConstraintActivitiesPreferredTimeSlots",
        "ConstraintActivityPreferredStartingTimes",
        "ConstraintActivitiesSameStartingTime",
    ):
        assert report.outcome_of(fet_type).get("mapped") == 1, fet_type
    # PE (all three activities) only in H3–H5 = our periods 3–5; 3B's PE also only Tue/Wed H4
    afternoons = [(d, p) for d in (1, 2, 3) for p in (3, 4, 5)]
    for lesson_id in ("fet11", "fet12"):
        assert sorted((s.day, s.period) for s in school.lesson_by_id[lesson_id].allowed_starts) == afternoons
    assert sorted((s.day, s.period) for s in school.lesson_by_id["fet13"].allowed_starts) == [(2, 4), (3, 4)]
    assert school.lesson_by_id["fet15"].same_time_as == "fet12"


def test_imported_school_is_timetabled_and_passes_the_checker(small):
    school, _ = small
    result = solve(school, SolveOptions(time_limit=10, workers=2))
    assert result.status in ("optimal", "feasible"), result.explanation
    report = check(school, result.solution)
    assert report.ok, [v.message for v in report.violations if v.severity == "hard"]
    starts = {(p.lesson, p.day, p.period) for p in result.solution.placements}
    assert ("fet14", 3, 3) in starts
    assert {(d, p) for lesson, d, p in starts if lesson == "fet12"} == {
        (d, p) for lesson, d, p in starts if lesson == "fet15"
    }
    assert {(d, p) for lesson, d, p in starts if lesson == "fet13"} <= {(2, 4), (3, 4)}


def test_unknown_references_are_named(tmp_path):
    text = SMALL.read_text(encoding="utf-8").replace("<Teacher>Li</Teacher>", "<Teacher>Lee</Teacher>", 1)
    bad = tmp_path / "bad.fet"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(FetImportError) as caught:
        import_fet(bad)
    assert any("Id 7" in p and "unknown teacher 'Lee'" in p for p in caught.value.problems)


def test_grade_and_category_from_names():
    assert grade_from_name("三年级") == 3 and grade_from_name("初二") == 8 and grade_from_name("Grade 5") == 5
    assert grade_from_name("2008/2009") is None and grade_from_name("Seniors") is None
    assert subject_category("PE") == "pe" and subject_category("Speech") == "other"
    assert subject_category("美术") == "arts" and subject_category("数学") == "core"


def test_export_then_import_keeps_teachers_classes_and_lessons(tmp_path):
    school = tiny_school()
    out = tmp_path / "tiny.fet"
    report = export_fet(school, out)
    assert any("daily_activity" in line for line in report.not_expressed)
    assert any("操场 ×2" in line for line in report.expressed)  # capacity 2 → two FET rooms
    again, _ = import_fet(out)
    assert [(t.id, t.name) for t in again.teachers] == [(t.id, t.name) for t in school.teachers]
    assert [(c.id, c.name, c.grade) for c in again.classes] == [(c.id, c.name, c.grade) for c in school.classes]
    assert [s.id for s in again.subjects] == [s.id for s in school.subjects]
    original = sorted((tuple(x.groups), x.subject, tuple(x.teachers), x.duration, x.count) for x in school.all_lessons)
    imported = sorted((tuple(x.groups), x.subject, tuple(x.teachers), x.duration, x.count) for x in again.all_lessons)
    assert imported == original
    assert again.resolved_policy.weekly_plan(3) == school.resolved_policy.weekly_plan(3)


def test_cli_import_and_export(tmp_path, capsys):
    school_json = tmp_path / "small.json"
    assert main(["import-fet", str(SMALL), "--out", str(school_json)]) == 0
    assert "ConstraintRoomNotAvailableTimes ×1" in capsys.readouterr().out
    fet_out = tmp_path / "again.fet"
    assert main(["export-fet", str(school_json), "--out", str(fet_out)]) == 0
    assert "daily_activity" not in capsys.readouterr().out  # the imported school has the rule off
    assert import_fet(fet_out)[0].teachers


def test_export_writes_room_not_available_times_and_import_restores_them(tmp_path):
    data = tiny_school().model_dump()
    rooms = {r["id"]: r for r in data["rooms"]}
    rooms["r-music"]["unavailable"] = [{"day": 1, "period": 1}, {"day": 2, "period": 5}]
    rooms["r-pg"]["unavailable"] = [{"day": 3, "period": 1}]  # capacity 2: two FET rooms, one constraint each
    school = School.model_validate(data)
    out = tmp_path / "rooms.fet"
    report = export_fet(school, out)
    assert "ConstraintRoomNotAvailableTimes ×3 (room.unavailable)" in report.expressed
    written = ET.parse(out).getroot().findall("Space_Constraints_List/ConstraintRoomNotAvailableTimes")
    assert sorted(c.findtext("Room") for c in written) == ["操场 #1", "操场 #2", "音乐教室"]
    again, imported = import_fet(out)
    assert imported.outcome_of("ConstraintRoomNotAvailableTimes") == {"mapped": 3}
    unavailable = {r.name: [(s.day, s.period, s.stage) for s in r.unavailable] for r in again.rooms}
    assert unavailable == {
        "音乐教室": [(1, 1, None), (2, 5, None)],
        "操场 #1": [(3, 1, None)],
        "操场 #2": [(3, 1, None)],
    }


def test_room_not_available_times_become_room_unavailable(tmp_path):
    # Math needs Lab; Lab is not available on D0/H2 and D1/H0, and on D0/H1, a break hour on every day
    year = "<Year><Name>1</Name><Group><Name>1A</Name></Group></Year>"
    path = _fet(tmp_path, year, [("T1", "Math", "1A")] * 3, hours=4, days=2)

    def times(tag: str, slots: list[tuple[int, int]]) -> str:
        return "".join(f"<{tag}><Day>D{d}</Day><Hour>H{h}</Hour></{tag}>" for d, h in slots)

    lab = "<Room><Name>Lab</Name><Building></Building><Capacity>30</Capacity><Virtual>false</Virtual></Room>"
    breaks = (
        "<ConstraintBreakTimes><Weight_Percentage>100</Weight_Percentage><Number_of_Break_Times>2"
        f"</Number_of_Break_Times>{times('Break_Time', [(0, 1), (1, 1)])}<Active>true</Active></ConstraintBreakTimes>"
    )
    space = (
        "<ConstraintSubjectPreferredRoom><Weight_Percentage>100</Weight_Percentage><Subject>Math</Subject>"
        "<Room>Lab</Room><Active>true</Active></ConstraintSubjectPreferredRoom>"
        "<ConstraintRoomNotAvailableTimes><Weight_Percentage>100</Weight_Percentage><Room>Lab</Room>"
        "<Number_of_Not_Available_Times>3</Number_of_Not_Available_Times>"
        f"{times('Not_Available_Time', [(0, 1), (0, 2), (1, 0)])}<Active>true</Active></ConstraintRoomNotAvailableTimes>"
    )
    text = path.read_text(encoding="utf-8")
    text = text.replace("<Rooms_List></Rooms_List>", f"<Rooms_List>{lab}</Rooms_List>")
    text = text.replace("</Time_Constraints_List>", breaks + "</Time_Constraints_List>")
    text = text.replace(
        "<Space_Constraints_List></Space_Constraints_List>", f"<Space_Constraints_List>{space}</Space_Constraints_List>"
    )
    path.write_text(text, encoding="utf-8")
    school, report = import_fet(path)
    (room,) = school.rooms
    # hours H0, H2, H3 are periods 1–3; the slot at the break hour H1 is dropped
    assert [(s.day, s.period) for s in room.unavailable] == [(1, 2), (2, 1)]
    assert [c.note for c in report.constraints if c.type == "ConstraintRoomNotAvailableTimes"] == ["room.unavailable"]
    assert report.outcome_of("ConstraintRoomNotAvailableTimes") == {"mapped": 1}
    result = solve(school, SolveOptions(time_limit=10, workers=1))
    assert check(school, result.solution).ok
    assert not {(p.day, p.period) for p in result.solution.placements} & {(1, 2), (2, 1)}


def _require_fet_cl() -> None:
    if fet_cl_path() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("fet-cl is not installed in CI: .ci/install-fet.sh should have installed it")
        pytest.skip("fet-cl (FET's command-line generator) is not installed here; run .ci/install-fet.sh")


def test_fet_cl_generates_a_timetable_for_the_exported_tiny_school(tmp_path):
    _require_fet_cl()
    out = tmp_path / "tiny.fet"
    export_fet(tiny_school(), out)
    run = run_fet_cl(out, tmp_path / "fet-out", time_limit=20, seed=1)
    assert run.success, run.message
    assert run.activities_xml and "<Activity>" in Path(run.activities_xml).read_text(encoding="utf-8")


def test_fet_cl_generates_with_class_no_gaps_and_first_period_start(tmp_path):
    _require_fet_cl()
    data = tiny_school().model_dump()
    for school_class in data["classes"]:
        school_class.update(no_gaps=True, starts_first_period=True)
    out = tmp_path / "flags.fet"
    export_fet(School.model_validate(data), out)
    run = run_fet_cl(out, tmp_path / "fet-out", time_limit=20, seed=1)
    assert run.success, run.message


def test_fet_cl_generates_with_daily_bounds_and_lessons_kept_apart(tmp_path):
    _require_fet_cl()
    data = tiny_school().model_dump()
    data["teachers"][2].update(min_lessons_per_day=2, allow_empty_days=False)  # 王老师: 6 periods, 2 every day
    data["teachers"][0]["min_lessons_per_day"] = 2
    data["classes"][0].update(min_lessons_per_day=3, max_lessons_per_day=4, allow_empty_days=False)
    data["classes"][1].update(min_lessons_per_day=2)
    data["assignments"] = [a for a in data["assignments"] if a["subject"] != "chinese"]
    data["lessons"] = [
        {"id": "c31-chinese", "subject": "chinese", "teachers": ["t1"], "groups": ["c3-1"], "count": 4},
        {"id": "c32-chinese", "subject": "chinese", "teachers": ["t2"], "groups": ["c3-2"], "count": 4},
    ]
    data["lessons"][1]["not_with"] = ["c31-chinese"]
    out = tmp_path / "bounds.fet"
    export_fet(School.model_validate(data), out)
    run = run_fet_cl(out, tmp_path / "fet-out", time_limit=20, seed=1)
    assert run.success, run.message


def test_fet_cl_accepts_the_hand_written_file(tmp_path):
    _require_fet_cl()
    run = run_fet_cl(SMALL, tmp_path / "fet-out", time_limit=20, seed=1)
    assert run.success, run.message


# ---- real-file forms (FET's examples): each reproduced by a minimal hand-written file ----------


def _fet(
    tmp_path: Path,
    students: str,
    activities: list[tuple[str, str, str]],
    teachers: tuple[str, ...] = ("T1",),
    hours: int = 4,
    days: int = 2,
) -> Path:
    """A minimal FET 6 file: ``students`` is the Students_List body; activities are (teacher, subject, students)."""
    rows = "".join(
        f"<Activity><Teacher>{t}</Teacher><Subject>{s}</Subject><Students>{g}</Students><Duration>1</Duration>"
        f"<Total_Duration>1</Total_Duration><Id>{i}</Id><Activity_Group_Id>0</Activity_Group_Id>"
        "<Active>true</Active><Comments></Comments></Activity>"
        if g
        else f"<Activity><Teacher>{t}</Teacher><Subject>{s}</Subject><Duration>1</Duration><Total_Duration>1"
        f"</Total_Duration><Id>{i}</Id><Activity_Group_Id>0</Activity_Group_Id><Active>true</Active></Activity>"
        for i, (t, s, g) in enumerate(activities, start=1)
    )
    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<fet version="6.8.5"><Mode>Official</Mode><Institution_Name>t</Institution_Name>
<Days_List><Number_of_Days>{days}</Number_of_Days>{"".join(f"<Day><Name>D{d}</Name></Day>" for d in range(days))}
</Days_List>
<Hours_List><Number_of_Hours>{hours}</Number_of_Hours>{"".join(f"<Hour><Name>H{h}</Name></Hour>" for h in range(hours))}
</Hours_List>
<Subjects_List><Subject><Name>Math</Name></Subject><Subject><Name>Art</Name></Subject></Subjects_List>
<Teachers_List>{"".join(f"<Teacher><Name>{t}</Name></Teacher>" for t in teachers)}</Teachers_List>
<Students_List>{students}</Students_List>
<Activities_List>{rows}</Activities_List>
<Rooms_List></Rooms_List>
<Time_Constraints_List><ConstraintBasicCompulsoryTime><Weight_Percentage>100</Weight_Percentage><Active>true</Active>
</ConstraintBasicCompulsoryTime></Time_Constraints_List>
<Space_Constraints_List></Space_Constraints_List>
</fet>"""
    path = tmp_path / "real.fet"
    path.write_text(text, encoding="utf-8")
    return path


def test_names_differing_only_in_blanks_are_different_records(tmp_path):
    # Indonesia/TelPolytech_odd.fet has teachers 'HEN' and 'HEN ', India/MED_2019-20-1.fet subjects 'CEIR 11(' ')'
    year = "<Year><Name>1</Name><Group><Name>1A</Name></Group></Year>"
    path = _fet(tmp_path, year, [("HEN", "Math", "1A"), ("HEN ", "Art", "1A")], teachers=("HEN", "HEN "))
    school, _ = import_fet(path)
    assert [t.name for t in school.teachers] == ["HEN", "HEN"]
    first, second = (t.id for t in school.teachers)
    assert first != second
    teacher_of = {school.subject_by_id[lesson.subject].name: lesson.teachers for lesson in school.lessons}
    assert teacher_of == {"Math": [first], "Art": [second]}


def test_pupil_sets_without_activities_are_left_out_and_reported(tmp_path):
    # Spain/2-secondary-school: subgroups and groups no activity names made the model fail on empty sets
    year = (
        "<Year><Name>1</Name><Group><Name>1A</Name><Subgroup><Name>1A-x</Name></Subgroup>"
        "<Subgroup><Name>1A-y</Name></Subgroup><Subgroup><Name>1A-z</Name></Subgroup></Group>"
        "<Group><Name>1B</Name></Group></Year>"
    )
    path = _fet(tmp_path, year, [("T1", "Math", "1A-x"), ("T1", "Art", "1A-y")])
    school, report = import_fet(path)
    assert [(c.name, c.sections) for c in school.classes] == [("1A", ["1A-x", "1A-y"])]
    assert any("'1B'" in line for line in report.dropped)
    assert any("1A-z" in line for line in report.dropped)
    result = solve(school, SolveOptions(time_limit=10, workers=1))
    assert result.status in ("optimal", "feasible"), result.explanation
    assert check(school, result.solution).ok


def test_days_of_more_than_17_hours_get_shorter_synthetic_periods(tmp_path):
    # South-Africa/difficult/Insight_Learning_Centre2.fet has 21 hours, Iran/Sharif.fet 22
    year = "<Year><Name>1</Name><Group><Name>1A</Name></Group></Year>"
    school, report = import_fet(_fet(tmp_path, year, [("T1", "Math", "1A")], hours=22))
    periods = school.bell_schedules[0].periods
    assert len(periods) == 22
    assert (periods[0].start, periods[0].end, periods[1].start) == ("08:00", "08:38", "08:43")
    assert periods[-1].end < "23:59"
    assert school.policy.overrides["stages.primary.lesson_minutes"] == 38
    assert any("38-minute lessons" in line for line in report.lossy)


def test_a_long_fet_day_is_the_pupils_daily_cap(tmp_path):
    # Insight_Learning_Centre2: 21 hours a day, classes with 66–69 lessons in 5 days (FET's timetable has 15
    # on a Monday); the stage's daily cap was 12, so the import was impossible
    year = "<Year><Name>1</Name><Group><Name>1A</Name></Group></Year>"
    activities = [("T1" if i % 2 else "T2", "Math" if i % 2 else "Art", "1A") for i in range(30)]
    school, report = import_fet(_fet(tmp_path, year, activities, teachers=("T1", "T2"), hours=21, days=2))
    assert school.policy.overrides["stages.primary.max_lessons_per_day"] == 21
    assert not any("pupils and teachers capped" in line for line in report.lossy)
    result = solve(school, SolveOptions(time_limit=5, workers=1))
    assert result.status in ("optimal", "feasible"), result.explanation
    assert check(school, result.solution).ok
    assert max(Counter(p.day for p in result.solution.placements).values()) >= 15


def test_years_without_grade_numbers_share_one_stage(tmp_path):
    # Spain/2-secondary-school: year 'PCPI' among '1º ESO A' …; activities join years far apart in the file
    names = ["PCPI", "A", "B", "C", "D", "E", "F", "8º"]
    years = "".join(f"<Year><Name>{n}</Name></Year>" for n in names)
    path = _fet(tmp_path, years, [("T1", "Math", n) for n in names], days=5, hours=6)
    # one activity of the first and the last year: graded 1 and 8 in file order it spanned two stages
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("<Students>8º</Students>", "<Students>8º</Students><Students>PCPI</Students>"))
    school, report = import_fet(path)
    assert report.dropped == []
    assert {c.name: c.grade for c in school.classes} == dict.fromkeys(names, 6)
    joint = [lesson for lesson in school.lessons if len(lesson.groups) == 2]
    assert [sorted(school.class_by_id[g].name for g in lesson.groups) for lesson in joint] == [["8º", "PCPI"]]
    assert any("no grade number" in line and "PCPI" in line for line in report.lossy)


def test_an_activity_joining_years_of_both_stages_puts_every_year_in_one_stage(tmp_path):
    # Romania/Oradea/FS-2008-2009-difficult: RELIGIE for 6b, 7b and 8b at once (was dropped: one lesson, one stage)
    years = "".join(f"<Year><Name>{n}</Name><Group><Name>{n}A</Name></Group></Year>" for n in ("5", "6", "7", "8"))
    path = _fet(
        tmp_path,
        years,
        [("T1", "Math", f"{n}A") for n in "5678"] + [("T2", "Art", "6A")],
        ("T1", "T2"),
        days=5,
        hours=6,
    )
    text = path.read_text(encoding="utf-8")
    joint = "<Subject>Art</Subject><Students>6A</Students>"
    path.write_text(text.replace(joint, joint + "<Students>8A</Students>"))
    school, report = import_fet(path)
    assert report.dropped == []
    assert {c.name: c.grade for c in school.classes} == {"5A": 5, "6A": 6, "7A": 6, "8A": 6}
    assert {c.stage for c in school.classes} == {"primary"}
    (joint,) = [lesson for lesson in school.lessons if len(lesson.groups) == 2]
    assert sorted(school.class_by_id[g].name for g in joint.groups) == ["6A", "8A"]
    assert any("imported as grade 6" in line and "7, 8" in line for line in report.lossy)


def test_years_of_one_stage_keep_their_grades(tmp_path):
    years = "".join(f"<Year><Name>{n}</Name><Group><Name>{n}A</Name></Group></Year>" for n in ("5", "6", "7", "8"))
    school, report = import_fet(_fet(tmp_path, years, [("T1", "Math", f"{n}A") for n in "5678"], days=5, hours=6))
    assert {c.name: c.grade for c in school.classes} == {"5A": 5, "6A": 6, "7A": 7, "8A": 8}
    assert not any("imported as grade 6" in line for line in report.lossy)


def test_a_file_of_activities_without_students_fails_with_a_reason(tmp_path):
    # Iran/Sharif-University: a university file whose activities name teachers only
    year = "<Year><Name>1</Name></Year>"
    with pytest.raises(FetImportError) as caught:
        import_fet(_fet(tmp_path, year, [("T1", "Math", ""), ("T1", "Art", "")]))
    assert any("no activity names a students set (2 have no students)" in p for p in caught.value.problems)


def test_teachers_over_the_weekly_cap_are_reported(tmp_path):
    # Namibia/by-Bobby and South-Africa/Insight_Learning_Centre2: teachers with 41–66 periods a week fit the
    # School's cap (the longest week it holds, 7 days of 24 periods); only a load above that is reported
    year = "".join(f"<Year><Name>{g}</Name><Group><Name>{g}A</Name></Group></Year>" for g in (1, 2, 3, 4, 5, 6))
    activities = [("T1", "Math", f"{g}A") for g in (1, 2, 3, 4, 5, 6) for _ in range(11)]
    school, report = import_fet(_fet(tmp_path, year, activities, hours=14, days=5))
    assert not any("teach more than" in line for line in report.lossy)
    assert school.teachers[0].max_lessons_per_week == 70  # every slot of the week
    activities = [("T1", "Math", f"{g}A") for g in (1, 2, 3, 4, 5, 6) for _ in range(29)]
    _, report = import_fet(_fet(tmp_path, year, activities, hours=24, days=7))
    assert any("1 teachers teach more than 168 periods" in line and "T1 174" in line for line in report.lossy)


def test_min_days_between_the_parts_of_a_split_activity_become_different_days(tmp_path):
    # FET adds ConstraintMinDaysBetweenActivities to every split activity; at 100 % it is hard
    year = "<Year><Name>1</Name><Group><Name>1A</Name></Group></Year>"
    activities = [("T1", "Math", "1A")] * 3 + [("T1", "Art", "1A")] * 3
    path = _fet(tmp_path, year, activities, days=5, hours=4)
    text = path.read_text(encoding="utf-8")
    for aid, group in {1: 1, 2: 1, 3: 1, 4: 4, 5: 4, 6: 4}.items():
        text = text.replace(f"<Id>{aid}</Id><Activity_Group_Id>0<", f"<Id>{aid}</Id><Activity_Group_Id>{group}<")
    # Art is split 1 + 1 + 2: two lessons of ours, different_days inside the first, days_apart between them
    text = text.replace(
        "<Duration>1</Duration><Total_Duration>1</Total_Duration><Id>6<",
        "<Duration>2</Duration><Total_Duration>4</Total_Duration><Id>6<",
    )

    def min_days(ids: list[int], days: int) -> str:
        listed = "".join(f"<Activity_Id>{i}</Activity_Id>" for i in ids)
        return (
            "<ConstraintMinDaysBetweenActivities><Weight_Percentage>100</Weight_Percentage><Consecutive_If_Same_Day>"
            f"true</Consecutive_If_Same_Day><Number_of_Activities>{len(ids)}</Number_of_Activities>{listed}"
            f"<MinDays>{days}</MinDays><Active>true</Active></ConstraintMinDaysBetweenActivities>"
        )

    constraints = min_days([1, 2, 3], 2) + min_days([4, 5, 6], 1)
    path.write_text(text.replace("</Time_Constraints_List>", constraints + "</Time_Constraints_List>"))
    school, report = import_fet(path)
    maths = school.lesson_by_id["fet1"]
    assert (maths.count, maths.different_days, maths.min_days_apart) == (3, True, 2)
    art = {
        (lesson.duration, lesson.count, lesson.different_days)
        for lesson in school.lessons
        if lesson.subject != maths.subject
    }
    assert art == {(1, 2, True), (2, 1, False)}
    assert report.outcome_of("ConstraintMinDaysBetweenActivities") == {"mapped": 2}
    (split,) = [c for c in report.constraints if "several lessons" in c.note]
    assert "days_apart" in split.note
    art_lessons = [lesson for lesson in school.lessons if lesson.subject != maths.subject]
    assert sum(len(lesson.days_apart_from) for lesson in art_lessons) == 1
    result = solve(school, SolveOptions(time_limit=10, workers=1))
    assert check(school, result.solution).ok
    assert sorted(p.day for p in result.solution.placements if p.lesson == "fet1") == [1, 3, 5]
    art_days = [p.day for p in result.solution.placements if p.lesson in {lesson.id for lesson in art_lessons}]
    assert len(art_days) == len(set(art_days)) == 3


def test_teacher_max_days_per_week_maps_both_ways(tmp_path):
    # ConstraintTeachersMaxDaysPerWeek (every teacher) and ConstraintTeacherMaxDaysPerWeek: the smallest holds
    year = "<Year><Name>1</Name><Group><Name>1A</Name></Group><Group><Name>1B</Name></Group></Year>"
    activities = [("T1", "Math", "1A")] * 4 + [("T2", "Art", "1B")] * 4 + [("T3", "Math", "1B")]
    path = _fet(tmp_path, year, activities, teachers=("T1", "T2", "T3"), days=5, hours=4)

    def max_days(days: int, teacher: str | None = None) -> str:
        tag = "ConstraintTeachersMaxDaysPerWeek" if teacher is None else "ConstraintTeacherMaxDaysPerWeek"
        name = "" if teacher is None else f"<Teacher_Name>{teacher}</Teacher_Name>"
        return (
            f"<{tag}><Weight_Percentage>100</Weight_Percentage>{name}<Max_Days_Per_Week>{days}</Max_Days_Per_Week>"
            f"<Active>true</Active><Comments></Comments></{tag}>"
        )

    constraints = max_days(2, "T1") + max_days(3) + max_days(4, "T2")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("</Time_Constraints_List>", constraints + "</Time_Constraints_List>"))
    school, report = import_fet(path)
    assert {t.name: t.max_days_per_week for t in school.teachers} == {"T1": 2, "T2": 3, "T3": 3}
    assert report.outcome_of("ConstraintTeacherMaxDaysPerWeek") == {"mapped": 2}
    assert report.outcome_of("ConstraintTeachersMaxDaysPerWeek") == {"mapped": 1}
    result = solve(school, SolveOptions(time_limit=10, workers=1))
    assert check(school, result.solution).ok
    t1 = school.teachers[0].id
    assert len({p.day for p in result.solution.placements if t1 in school.lesson_by_id[p.lesson].teachers}) <= 2

    out = tmp_path / "again.fet"
    export_report = export_fet(school, out)
    assert any("ConstraintTeacherMaxDaysPerWeek for 3 teachers" in line for line in export_report.expressed)
    written = ET.parse(out).getroot().findall("Time_Constraints_List/ConstraintTeacherMaxDaysPerWeek")
    assert [(e.findtext("Teacher_Name"), e.findtext("Max_Days_Per_Week")) for e in written] == [
        ("T1", "2"),
        ("T2", "3"),
        ("T3", "3"),
    ]
    assert [child.tag for child in written[0]] == [
        "Weight_Percentage",
        "Teacher_Name",
        "Max_Days_Per_Week",
        "Active",
        "Comments",
    ]
    again, _ = import_fet(out)
    assert {t.id: t.max_days_per_week for t in again.teachers} == {t.id: t.max_days_per_week for t in school.teachers}


def test_teacher_max_gaps_map_both_ways(tmp_path):
    # Teacher(s)MaxGapsPerWeek / PerDay at 100 %: the smallest per teacher holds; at 90 %: only the soft goal
    year = "<Year><Name>1</Name><Group><Name>1A</Name></Group><Group><Name>1B</Name></Group></Year>"
    activities = [("T1", "Math", "1A")] * 3 + [("T1", "Math", "1B")] * 3 + [("T2", "Art", "1A")] * 2
    activities += [("T3", "Art", "1B")] * 2
    path = _fet(tmp_path, year, activities, teachers=("T1", "T2", "T3"), days=3, hours=4)

    def max_gaps(tag: str, gaps: int, teacher: str | None = None, weight: int = 100) -> str:
        name = "" if teacher is None else f"<Teacher_Name>{teacher}</Teacher_Name>"
        return (
            f"<{tag}><Weight_Percentage>{weight}</Weight_Percentage>{name}<Max_Gaps>{gaps}</Max_Gaps>"
            f"<Active>true</Active><Comments></Comments></{tag}>"
        )

    week, day = "ConstraintTeacherMaxGapsPerWeek", "ConstraintTeacherMaxGapsPerDay"
    constraints = (
        max_gaps("ConstraintTeachersMaxGapsPerWeek", 2)
        + max_gaps(week, 0, "T1")
        + max_gaps(week, 0, "T3", weight=90)
        + max_gaps(day, 1, "T2")
        + max_gaps("ConstraintTeachersMaxGapsPerDay", 3)
        # a break on D0 only: a period here, and no gap for FET
        + "<ConstraintBreakTimes><Weight_Percentage>100</Weight_Percentage><Number_of_Break_Times>1"
        "</Number_of_Break_Times><Break_Time><Day>D0</Day><Hour>H1</Hour></Break_Time>"
        "<Active>true</Active><Comments></Comments></ConstraintBreakTimes>"
    )
    school, report = import_fet(_with_constraints(path, constraints))
    caps = {t.name: (t.max_gaps_per_week, t.max_gaps_per_day) for t in school.teachers}
    assert caps == {"T1": (0, 3), "T2": (2, 1), "T3": (2, 3)}
    assert report.outcome_of(week) == {"mapped": 1, "approximated": 1}
    assert report.outcome_of(day) == {"mapped": 1}
    assert report.outcome_of("ConstraintTeachersMaxGapsPerWeek") == {"mapped": 1}
    assert report.outcome_of("ConstraintTeachersMaxGapsPerDay") == {"mapped": 1}
    # the break slot is unavailable to the capped teachers, so it is never one of their gaps
    assert all([(s.day, s.period) for s in t.unavailable] == [(1, 2)] for t in school.teachers)
    result = solve(school, SolveOptions(time_limit=10, workers=1))
    assert check(school, result.solution).ok
    t1 = school.teachers[0]  # no gaps at all
    taught = [(p.day, p.period) for p in result.solution.placements if t1.id in school.lesson_by_id[p.lesson].teachers]
    for d in (1, 2, 3):
        periods = [p for day, p in taught if day == d]
        between = range(min(periods, default=0), max(periods, default=0))
        assert all(p in periods or not t1.free(d, p, "primary") for p in between)

    out = tmp_path / "again.fet"
    export_report = export_fet(school, out)
    assert any("ConstraintTeacherMaxGapsPerWeek / PerDay for 3 teachers" in line for line in export_report.expressed)
    root = ET.parse(out).getroot()
    written = {tag: root.findall(f"Time_Constraints_List/{tag}") for tag in (week, day)}
    assert [(e.findtext("Teacher_Name"), e.findtext("Max_Gaps")) for e in written[week]] == [
        ("T1", "0"),
        ("T2", "2"),
        ("T3", "2"),
    ]
    assert [(e.findtext("Teacher_Name"), e.findtext("Max_Gaps")) for e in written[day]] == [
        ("T1", "3"),
        ("T2", "1"),
        ("T3", "3"),
    ]
    assert [child.tag for child in written[day][0]] == [
        "Weight_Percentage",
        "Teacher_Name",
        "Max_Gaps",
        "Active",
        "Comments",
    ]
    again, _ = import_fet(out)
    assert {t.id: (t.max_gaps_per_week, t.max_gaps_per_day) for t in again.teachers} == {
        t.id: (t.max_gaps_per_week, t.max_gaps_per_day) for t in school.teachers
    }


def _with_constraints(path: Path, constraints: str) -> Path:
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("</Time_Constraints_List>", constraints + "</Time_Constraints_List>"), encoding="utf-8"
    )
    return path


def _preferred(tag: str, item: str, infix: str, slots: list[tuple[int, int]], head: str) -> str:
    listed = "".join(
        f"<{item}><Preferred_{infix}Day>D{d}</Preferred_{infix}Day><Preferred_{infix}Hour>H{h}</Preferred_{infix}Hour></{item}>"
        for d, h in slots
    )
    return f"<{tag}><Weight_Percentage>100</Weight_Percentage>{head}{listed}<Active>true</Active></{tag}>"


def test_preferred_starting_times_and_time_slots_become_allowed_starts(tmp_path):
    year = "<Year><Name>1</Name><Group><Name>1A</Name></Group><Group><Name>1B</Name></Group></Year>"
    activities = [("T1", "Math", "1A"), ("T1", "Math", "1A"), ("T2", "Art", "1B"), ("T2", "Art", "1B")]
    path = _fet(tmp_path, year, activities, teachers=("T1", "T2"), days=3, hours=4)
    text = path.read_text(encoding="utf-8")
    text = text.replace("<Id>1</Id><Activity_Group_Id>0<", "<Id>1</Id><Activity_Group_Id>1<")
    text = text.replace("<Id>2</Id><Activity_Group_Id>0<", "<Id>2</Id><Activity_Group_Id>1<")
    # activity 4 is tagged; the Activities… constraint selects it by tag, activity 3 by id
    text = text.replace("<Id>4</Id>", "<Activity_Tag>Lab</Activity_Tag><Id>4</Id>")
    path.write_text(text, encoding="utf-8")
    maths = [(d, h) for d in range(3) for h in (2, 3)]
    constraints = (
        # Math (split activity 1 + 2): afternoons only, for the group by subject
        _preferred(
            "ConstraintActivitiesPreferredStartingTimes",
            "Preferred_Starting_Time",
            "Starting_",
            maths,
            "<Teacher_Name></Teacher_Name><Students_Name>1A</Students_Name><Subject_Name>Math</Subject_Name>"
            f"<Activity_Tag_Name></Activity_Tag_Name><Duration></Duration><Number_of_Preferred_Starting_Times>{len(maths)}"
            "</Number_of_Preferred_Starting_Times>",
        )
        # activity 3: time slots D0 H0, D0 H1 → starts D0 H0 and D0 H1
        + _preferred(
            "ConstraintActivityPreferredTimeSlots",
            "Preferred_Time_Slot",
            "",
            [(0, 0), (0, 1)],
            "<Activity_Id>3</Activity_Id><Number_of_Preferred_Time_Slots>2</Number_of_Preferred_Time_Slots>",
        )
        # activity 4 (tag Lab): starting times on day 2 only, intersected with hour 0 or 1 by id
        + _preferred(
            "ConstraintActivitiesPreferredTimeSlots",
            "Preferred_Time_Slot",
            "",
            [(2, h) for h in range(4)],
            "<Teacher_Name></Teacher_Name><Students_Name></Students_Name><Subject_Name></Subject_Name>"
            "<Activity_Tag_Name>Lab</Activity_Tag_Name><Duration></Duration>"
            "<Number_of_Preferred_Time_Slots>4</Number_of_Preferred_Time_Slots>",
        )
        + _preferred(
            "ConstraintActivityPreferredStartingTimes",
            "Preferred_Starting_Time",
            "Starting_",
            [(1, 1), (2, 1)],
            "<Activity_Id>4</Activity_Id><Number_of_Preferred_Starting_Times>2</Number_of_Preferred_Starting_Times>",
        )
    )
    school, report = import_fet(_with_constraints(path, constraints))
    for fet_type in (
        "ConstraintActivitiesPreferredStartingTimes",
        "ConstraintActivityPreferredTimeSlots",
        "ConstraintActivitiesPreferredTimeSlots",
        "ConstraintActivityPreferredStartingTimes",
    ):
        assert report.outcome_of(fet_type) == {"mapped": 1}, fet_type
    allowed = {
        lesson.id: sorted((s.day, s.period) for s in lesson.allowed_starts or [])
        for lesson in school.lessons
        if lesson.subject != BLOCKED_SUBJECT
    }
    assert allowed == {
        "fet1": [(d, p) for d in (1, 2, 3) for p in (3, 4)],
        "fet3": [(1, 1), (1, 2)],
        "fet4": [(3, 2)],
    }
    result = solve(school, SolveOptions(time_limit=10, workers=1))
    assert check(school, result.solution).ok
    starts = {(p.lesson, p.day, p.period) for p in result.solution.placements}
    assert ("fet4", 3, 2) in starts and all(p >= 3 for lesson, _, p in starts if lesson == "fet1")
    # the export writes the allowed starts back, and they import unchanged
    export_fet(school, tmp_path / "again.fet")
    again, _ = import_fet(tmp_path / "again.fet")
    assert {
        lesson.id: sorted((s.day, s.period) for s in lesson.allowed_starts or []) for lesson in again.lessons
    } == allowed


def test_same_starting_time_pairs_whole_lessons(tmp_path):
    # 1A and 1B have Math at the same times (split 1 + 2 and 3 + 4, paired part by part);
    # 5 and 6 form a pair too; 7 + 9 pairs only one part of Art's split activity 7/8 with 9: part 7
    # becomes a lesson of its own (sessions of one lesson are interchangeable), paired with 9
    year = (
        "<Year><Name>1</Name><Group><Name>1A</Name></Group><Group><Name>1B</Name></Group>"
        "<Group><Name>1C</Name></Group></Year>"
    )
    activities = [("T1", "Math", "1A")] * 2 + [("T2", "Math", "1B")] * 2 + [("T1", "Art", "1C"), ("T2", "Art", "1A")]
    activities += [("T3", "Art", "1B")] * 2 + [("T1", "Math", "1C")]
    path = _fet(tmp_path, year, activities, teachers=("T1", "T2", "T3"), days=3, hours=4)
    text = path.read_text(encoding="utf-8")
    for aid, group in {1: 1, 2: 1, 3: 3, 4: 3, 7: 7, 8: 7}.items():
        text = text.replace(f"<Id>{aid}</Id><Activity_Group_Id>0<", f"<Id>{aid}</Id><Activity_Group_Id>{group}<")
    path.write_text(text, encoding="utf-8")

    def same(ids: list[int]) -> str:
        listed = "".join(f"<Activity_Id>{i}</Activity_Id>" for i in ids)
        return (
            "<ConstraintActivitiesSameStartingTime><Weight_Percentage>100</Weight_Percentage>"
            f"<Number_of_Activities>{len(ids)}</Number_of_Activities>{listed}<Active>true</Active>"
            "</ConstraintActivitiesSameStartingTime>"
        )

    school, report = import_fet(_with_constraints(path, same([1, 3]) + same([2, 4]) + same([5, 6]) + same([7, 9])))
    assert report.outcome_of("ConstraintActivitiesSameStartingTime") == {"mapped": 4}
    linked = {lesson.id: lesson.same_time_as for lesson in school.lessons if lesson.same_time_as}
    assert linked == {"fet3": "fet1", "fet6": "fet5", "fet9": "fet7-1"}
    assert {lesson.id: lesson.count for lesson in school.lessons}["fet1"] == 2  # 1 + 2, paired whole
    result = solve(school, SolveOptions(time_limit=10, workers=1))
    assert check(school, result.solution).ok

    def starts(lesson_id: str) -> list[tuple[int, int]]:
        return sorted((p.day, p.period) for p in result.solution.placements if p.lesson == lesson_id)

    assert starts("fet1") == starts("fet3") and starts("fet5") == starts("fet6")
    assert starts("fet7-1") == starts("fet9")
    export_fet(school, tmp_path / "again.fet")
    again, _ = import_fet(tmp_path / "again.fet")

    def pairs(imported) -> set[tuple]:  # lesson ids may differ after export (a split part is its own activity)
        shape = {lesson.id: (lesson.subject, tuple(lesson.groups), lesson.count) for lesson in imported.lessons}
        return {(shape[lesson.id], shape[lesson.same_time_as]) for lesson in imported.lessons if lesson.same_time_as}

    assert pairs(again) == pairs(school) and len(pairs(school)) == 3


def test_same_starting_time_partner_of_a_split_lesson_is_split_alike(tmp_path):
    # 1A Math split 1 + 2, 1B Art split 3 + 4, paired part by part (1–3, 2–4); part 2 alone has preferred
    # starting times, so Math is two lessons: Art must be split alike for the pairs to be whole lessons
    year = "<Year><Name>1</Name><Group><Name>1A</Name></Group><Group><Name>1B</Name></Group></Year>"
    activities = [("T1", "Math", "1A")] * 2 + [("T2", "Art", "1B")] * 2
    path = _fet(tmp_path, year, activities, teachers=("T1", "T2"), days=3, hours=4)
    text = path.read_text(encoding="utf-8")
    for aid, group in {1: 1, 2: 1, 3: 3, 4: 3}.items():
        text = text.replace(f"<Id>{aid}</Id><Activity_Group_Id>0<", f"<Id>{aid}</Id><Activity_Group_Id>{group}<")
    path.write_text(text, encoding="utf-8")
    same = "".join(
        _element(
            "ConstraintActivitiesSameStartingTime",
            [("Number_of_Activities", 2), ("Activity_Id", a), ("Activity_Id", b)],
        )
        for a, b in ((1, 3), (2, 4))
    )
    afternoon = _preferred(
        "ConstraintActivityPreferredStartingTimes",
        "Preferred_Starting_Time",
        "Starting_",
        [(1, 3), (2, 3)],
        "<Activity_Id>2</Activity_Id><Number_of_Preferred_Starting_Times>2</Number_of_Preferred_Starting_Times>",
    )
    school, report = import_fet(_with_constraints(path, same + afternoon))
    assert report.outcome_of("ConstraintActivitiesSameStartingTime") == {"mapped": 2}
    assert sorted(lesson.count for lesson in school.lessons) == [1, 1, 1, 1]
    result = solve(school, SolveOptions(time_limit=10, workers=1))
    assert check(school, result.solution).ok
    starts = {(p.lesson, p.day, p.period) for p in result.solution.placements}
    for lesson in school.lessons:
        if lesson.same_time_as:
            mine = {(d, h) for lid, d, h in starts if lid == lesson.id}
            assert mine == {(d, h) for lid, d, h in starts if lid == lesson.same_time_as}
    late = [lesson.id for lesson in school.lessons if lesson.allowed_starts]
    assert [(p.day, p.period) in {(2, 4), (3, 4)} for p in result.solution.placements if p.lesson in late] == [True]


def _students_limit(tag: str, field: str, limit: int, students: str | None = None) -> str:
    named = "" if students is None else f"<Students>{students}</Students>"
    return (
        f"<{tag}><Weight_Percentage>100</Weight_Percentage><{field}>{limit}</{field}>{named}"
        f"<Active>true</Active><Comments></Comments></{tag}>"
    )


def test_students_no_gaps_and_early_beginnings_become_class_flags(tmp_path):
    # 1A: no gaps (group); 1B: gaps on one subgroup only (not represented); 1C: 1 gap (class.max_gaps_per_week);
    # the year starts early (every class); all students at most 2 beginnings at the second hour (max_late_starts_per_week)
    year = (
        "<Year><Name>1</Name><Group><Name>1A</Name></Group><Group><Name>1B</Name>"
        "<Subgroup><Name>1B-x</Name></Subgroup><Subgroup><Name>1B-y</Name></Subgroup></Group>"
        "<Group><Name>1C</Name></Group></Year>"
    )
    activities = [("T1", "Math", "1A")] * 3 + [("T2", "Art", "1A")] * 2
    activities += [("T3", "Math", "1B")] * 3 + [("T2", "Art", "1C")] * 2
    path = _fet(tmp_path, year, activities, teachers=("T1", "T2", "T3"), days=3, hours=5)
    gaps, early = "Max_Gaps", "Max_Beginnings_At_Second_Hour"
    constraints = (
        _students_limit("ConstraintStudentsSetMaxGapsPerWeek", gaps, 0, "1A")
        + _students_limit("ConstraintStudentsSetMaxGapsPerDay", gaps, 0, "1B-x")
        + _students_limit("ConstraintStudentsSetMaxGapsPerWeek", gaps, 1, "1C")
        + _students_limit("ConstraintStudentsSetEarlyMaxBeginningsAtSecondHour", early, 0, "1")
        + _students_limit("ConstraintStudentsEarlyMaxBeginningsAtSecondHour", early, 2)
    )
    school, report = import_fet(_with_constraints(path, constraints))
    assert report.outcome_of("ConstraintStudentsSetMaxGapsPerWeek") == {"mapped": 2}
    assert report.outcome_of("ConstraintStudentsSetMaxGapsPerDay") == {"not_represented": 1}
    assert report.outcome_of("ConstraintStudentsSetEarlyMaxBeginningsAtSecondHour") == {"mapped": 1}
    assert report.outcome_of("ConstraintStudentsEarlyMaxBeginningsAtSecondHour") == {"mapped": 1}
    notes = {(c.type, c.outcome): c.note for c in report.constraints}
    gap_notes = {c.note for c in report.constraints if c.type == "ConstraintStudentsSetMaxGapsPerWeek"}
    assert gap_notes == {"class.no_gaps", "class.max_gaps_per_week (rule class_max_gaps)"}
    assert notes[("ConstraintStudentsSetEarlyMaxBeginningsAtSecondHour", "mapped")] == "class.starts_first_period"
    assert notes[("ConstraintStudentsEarlyMaxBeginningsAtSecondHour", "mapped")] == (
        "class.max_late_starts_per_week (rule class_late_starts)"
    )
    flags = {c.name: (c.no_gaps, c.starts_first_period, c.max_gaps_per_week) for c in school.classes}
    assert flags == {"1A": (True, True, None), "1B": (False, True, None), "1C": (False, True, 1)}

    result = solve(school, SolveOptions(time_limit=10, workers=1))
    assert check(school, result.solution).ok
    for c in school.classes:
        days: dict[int, set[int]] = {}
        for p in result.solution.placements:
            if c.id in school.lesson_by_id[p.lesson].groups:
                days.setdefault(p.day, set()).add(p.period)
        for periods in days.values():
            assert min(periods) == 1, (c.name, days)
            if c.no_gaps:
                assert periods == set(range(1, max(periods) + 1)), (c.name, days)

    out = tmp_path / "again.fet"
    export_report = export_fet(school, out)
    assert "ConstraintStudentsSetMaxGapsPerWeek (0) for 1 classes (class.no_gaps)" in export_report.expressed
    root = ET.parse(out).getroot()
    written_gaps = root.findall("Time_Constraints_List/ConstraintStudentsSetMaxGapsPerWeek")
    written_early = root.findall("Time_Constraints_List/ConstraintStudentsSetEarlyMaxBeginningsAtSecondHour")
    assert [(e.findtext("Students"), e.findtext("Max_Gaps")) for e in written_gaps] == [("1A", "0"), ("1C", "1")]
    early_written = [(e.findtext("Students"), e.findtext("Max_Beginnings_At_Second_Hour")) for e in written_early]
    assert early_written == [(name, n) for name in ("1A", "1B", "1C") for n in ("2", "0")]
    assert [child.tag for child in written_gaps[0]] == [
        "Weight_Percentage",
        "Max_Gaps",
        "Students",
        "Active",
        "Comments",
    ]
    assert [child.tag for child in written_early[0]] == [
        "Weight_Percentage",
        "Max_Beginnings_At_Second_Hour",
        "Students",
        "Active",
        "Comments",
    ]
    again, _ = import_fet(out)
    assert {
        c.id: (c.no_gaps, c.starts_first_period, c.max_gaps_per_week, c.max_late_starts_per_week) for c in again.classes
    } == {
        c.id: (c.no_gaps, c.starts_first_period, c.max_gaps_per_week, c.max_late_starts_per_week)
        for c in school.classes
    }


def test_all_students_no_gaps_flags_every_class_also_with_not_available_slots(tmp_path):
    year = "<Year><Name>1</Name><Group><Name>1A</Name></Group><Group><Name>1B</Name></Group></Year>"
    activities = [("T1", "Math", "1A")] * 3 + [("T2", "Art", "1B")] * 3
    path = _fet(tmp_path, year, activities, teachers=("T1", "T2"), days=2, hours=4)
    not_available = (
        "<ConstraintStudentsSetNotAvailableTimes><Weight_Percentage>100</Weight_Percentage><Students>1B</Students>"
        "<Number_of_Not_Available_Times>1</Number_of_Not_Available_Times><Not_Available_Time><Day>D0</Day>"
        "<Hour>H3</Hour></Not_Available_Time><Active>true</Active></ConstraintStudentsSetNotAvailableTimes>"
    )
    constraints = _students_limit("ConstraintStudentsMaxGapsPerDay", "Max_Gaps", 0) + not_available
    school, report = import_fet(_with_constraints(path, constraints))
    assert report.outcome_of("ConstraintStudentsMaxGapsPerDay") == {"mapped": 1}
    # 1B has a not-available slot: class.unavailable, which the rule skips as FET does, so the rule stays on
    assert {c.name: c.no_gaps for c in school.classes} == {"1A": True, "1B": True}
    assert [(s.day, s.period) for s in school.class_by_id["1B"].unavailable] == [(1, 4)]
    result = solve(school, SolveOptions(time_limit=10, workers=1))
    assert check(school, result.solution).ok


def _element(tag: str, fields: list[tuple[str, object]]) -> str:
    """A FET constraint at 100 % with the given child elements, in order."""
    body = "".join(f"<{name}>{value}</{name}>" for name, value in fields)
    return f"<{tag}><Weight_Percentage>100</Weight_Percentage>{body}<Active>true</Active><Comments></Comments></{tag}>"


def _children(element: ET.Element) -> list[tuple[str, str]]:
    return [(child.tag, child.text or "") for child in element]


def test_students_max_and_min_hours_daily_become_class_day_bounds(tmp_path):
    # 1A: max 2 (group) and max 3 (all students): 2; the year: at least 2 on a day with lessons; 1C also
    # at least 2 on every day: 2 without empty days; a subgroup alone is not represented
    year = (
        "<Year><Name>1</Name><Group><Name>1A</Name></Group><Group><Name>1B</Name>"
        "<Subgroup><Name>1B-x</Name></Subgroup><Subgroup><Name>1B-y</Name></Subgroup></Group>"
        "<Group><Name>1C</Name></Group></Year>"
    )
    activities = [("T1", "Math", "1A")] * 2 + [("T2", "Art", "1A")] * 2 + [("T3", "Math", "1B")] * 3
    activities += [("T1", "Math", "1C")] * 3 + [("T2", "Art", "1C")] * 3
    path = _fet(tmp_path, year, activities, teachers=("T1", "T2", "T3"), days=3, hours=5)
    constraints = (
        _element("ConstraintStudentsSetMaxHoursDaily", [("Maximum_Hours_Daily", 2), ("Students", "1A")])
        + _element("ConstraintStudentsMaxHoursDaily", [("Maximum_Hours_Daily", 3)])
        + _element("ConstraintStudentsSetMaxHoursDaily", [("Maximum_Hours_Daily", 1), ("Students", "1B-x")])
        + _element(
            "ConstraintStudentsSetMinHoursDaily",
            [("Minimum_Hours_Daily", 2), ("Students", "1"), ("Allow_Empty_Days", "true")],
        )
        + _element(
            "ConstraintStudentsSetMinHoursDaily",
            [("Minimum_Hours_Daily", 2), ("Students", "1C"), ("Allow_Empty_Days", "false")],
        )
    )
    school, report = import_fet(_with_constraints(path, constraints))
    assert report.outcome_of("ConstraintStudentsSetMaxHoursDaily") == {"mapped": 1, "not_represented": 1}
    assert report.outcome_of("ConstraintStudentsMaxHoursDaily") == {"mapped": 1}
    assert report.outcome_of("ConstraintStudentsSetMinHoursDaily") == {"mapped": 2}
    bounds = {c.name: (c.min_lessons_per_day, c.max_lessons_per_day, c.allow_empty_days) for c in school.classes}
    assert bounds == {"1A": (2, 2, True), "1B": (2, 3, True), "1C": (2, 3, False)}

    result = solve(school, SolveOptions(time_limit=10, workers=1))
    assert check(school, result.solution).ok
    per_day = {c.id: Counter({d: 0 for d in (1, 2, 3)}) for c in school.classes}
    for p in result.solution.placements:
        for group in school.lesson_by_id[p.lesson].groups:
            per_day[group.partition(":")[0]][p.day] += 1
    assert sorted(per_day["1A"].values()) == [0, 2, 2]
    assert sorted(per_day["1B"].values()) == [0, 0, 3]
    assert sorted(per_day["1C"].values()) == [2, 2, 2]

    out = tmp_path / "again.fet"
    export_report = export_fet(school, out)
    assert "ConstraintStudentsSetMinHoursDaily for 3 classes (class.min_lessons_per_day, allow_empty_days)" in (
        export_report.expressed
    )
    root = ET.parse(out).getroot()
    written_max = root.findall("Time_Constraints_List/ConstraintStudentsSetMaxHoursDaily")
    written_min = root.findall("Time_Constraints_List/ConstraintStudentsSetMinHoursDaily")
    assert [(e.findtext("Students"), e.findtext("Maximum_Hours_Daily")) for e in written_max] == [
        ("1A", "2"),
        ("1B", "3"),
        ("1C", "3"),
    ]
    assert _children(written_min[2]) == [
        ("Weight_Percentage", "100"),
        ("Minimum_Hours_Daily", "2"),
        ("Students", "1C"),
        ("Allow_Empty_Days", "false"),
        ("Active", "true"),
        ("Comments", ""),
    ]
    again, _ = import_fet(out)
    assert {c.id: (c.min_lessons_per_day, c.max_lessons_per_day, c.allow_empty_days) for c in again.classes} == {
        c.id: (c.min_lessons_per_day, c.max_lessons_per_day, c.allow_empty_days) for c in school.classes
    }


def test_students_hours_daily_with_not_available_slots_map_as_they_are(tmp_path):
    # FET counts lesson hours only, and so does class_lessons_per_day: not-available slots (class.unavailable)
    # do not shift the bounds. 1A is unavailable at H0 every day, 1B at H0 and H1 on D0.
    year = "<Year><Name>1</Name><Group><Name>1A</Name></Group><Group><Name>1B</Name></Group></Year>"
    activities = [("T1", "Math", "1A")] * 4 + [("T2", "Art", "1B")] * 4
    path = _fet(tmp_path, year, activities, teachers=("T1", "T2"), days=2, hours=5)

    def not_available(students: str, slots: list[tuple[int, int]]) -> str:
        times = "".join(f"<Not_Available_Time><Day>D{d}</Day><Hour>H{h}</Hour></Not_Available_Time>" for d, h in slots)
        return _element(
            "ConstraintStudentsSetNotAvailableTimes",
            [("Students", students), ("Number_of_Not_Available_Times", len(slots))],
        ).replace("<Active>", times + "<Active>")

    min_daily = [("Minimum_Hours_Daily", 2), ("Allow_Empty_Days", "false")]
    constraints = (
        not_available("1A", [(0, 0), (1, 0)])
        + not_available("1B", [(0, 0), (0, 1)])
        + _element("ConstraintStudentsMaxHoursDaily", [("Maximum_Hours_Daily", 2)])
        + _element("ConstraintStudentsMinHoursDaily", min_daily)
    )
    school, report = import_fet(_with_constraints(path, constraints))
    bounds = {c.name: (c.min_lessons_per_day, c.max_lessons_per_day, c.allow_empty_days) for c in school.classes}
    assert bounds == {"1A": (2, 2, False), "1B": (2, 2, False)}
    assert report.outcome_of("ConstraintStudentsMaxHoursDaily") == {"mapped": 1}
    assert report.outcome_of("ConstraintStudentsMinHoursDaily") == {"mapped": 1}
    result = solve(school, SolveOptions(time_limit=10, workers=1))
    assert check(school, result.solution).ok
    real = Counter((school.lesson_by_id[p.lesson].groups[0], p.day) for p in result.solution.placements)
    assert real["1A", 1] == real["1A", 2] == real["1B", 1] == real["1B", 2] == 2  # FET's 2 a day


def test_teacher_min_hours_daily_maps_both_ways(tmp_path):
    # T1: at least 2 on a day with lessons, and lessons on all 3 days (FET's way to forbid empty days); all
    # teachers: at least 1 (an older file, no Allow_Empty_Days: empty days allowed), and on at least 2 days
    year = "<Year><Name>1</Name><Group><Name>1A</Name></Group><Group><Name>1B</Name></Group></Year>"
    activities = [("T1", "Math", "1A")] * 4 + [("T1", "Math", "1B")] * 2 + [("T2", "Art", "1B")] * 3
    path = _fet(tmp_path, year, activities, teachers=("T1", "T2"), days=3, hours=4)
    t1_min = [("Teacher_Name", "T1"), ("Minimum_Hours_Daily", 2), ("Allow_Empty_Days", "true")]
    constraints = (
        _element("ConstraintTeacherMinHoursDaily", t1_min)
        + _element("ConstraintTeacherMinDaysPerWeek", [("Teacher_Name", "T1"), ("Minimum_Days_Per_Week", 3)])
        + _element("ConstraintTeachersMinHoursDaily", [("Minimum_Hours_Daily", 1)])
        + _element("ConstraintTeachersMinDaysPerWeek", [("Minimum_Days_Per_Week", 2)])
    )
    school, report = import_fet(_with_constraints(path, constraints))
    for fet_type in ("ConstraintTeacherMinHoursDaily", "ConstraintTeacherMinDaysPerWeek"):
        assert report.outcome_of(fet_type) == {"mapped": 1}, fet_type
    assert report.outcome_of("ConstraintTeachersMinHoursDaily") == {"mapped": 1}
    assert report.outcome_of("ConstraintTeachersMinDaysPerWeek") == {"mapped": 1}
    assert {t.name: (t.min_lessons_per_day, t.allow_empty_days, t.min_days_per_week) for t in school.teachers} == {
        "T1": (2, False, 2),
        "T2": (1, True, 2),
    }
    result = solve(school, SolveOptions(time_limit=10, workers=1))
    assert check(school, result.solution).ok
    t1 = Counter(p.day for p in result.solution.placements if "T1" in school.lesson_by_id[p.lesson].teachers)
    assert sorted(t1.values()) == [2, 2, 2]

    out = tmp_path / "again.fet"
    export_report = export_fet(school, out)
    assert any("ConstraintTeacherMinHoursDaily for 2 teachers" in line for line in export_report.expressed)
    root = ET.parse(out).getroot()
    written = root.findall("Time_Constraints_List/ConstraintTeacherMinHoursDaily")
    assert [_children(e)[1:4] for e in written] == [
        [("Teacher_Name", "T1"), ("Minimum_Hours_Daily", "2"), ("Allow_Empty_Days", "true")],
        [("Teacher_Name", "T2"), ("Minimum_Hours_Daily", "1"), ("Allow_Empty_Days", "true")],
    ]
    every_day = root.findall("Time_Constraints_List/ConstraintTeacherMinDaysPerWeek")
    # one a teacher: T1's every day (its min days of 2 is implied), T2's 2
    assert [_children(e)[1:3] for e in every_day] == [
        [("Teacher_Name", "T1"), ("Minimum_Days_Per_Week", "3")],
        [("Teacher_Name", "T2"), ("Minimum_Days_Per_Week", "2")],
    ]
    again, _ = import_fet(out)
    assert {t.id: (t.min_lessons_per_day, t.allow_empty_days) for t in again.teachers} == {
        t.id: (t.min_lessons_per_day, t.allow_empty_days) for t in school.teachers
    }
    assert {t.name: t.min_days_per_week for t in again.teachers} == {"T1": None, "T2": 2}


def test_activities_not_overlapping_keep_whole_lessons_apart(tmp_path):
    # 1 + 2: one split activity (lesson fet1); 1, 2, 3 apart: fet1 and fet3; 3, 4 apart: fet3 and fet4;
    # 1 and 4 only: part of fet1, not represented
    year = (
        "<Year><Name>1</Name><Group><Name>1A</Name></Group><Group><Name>1B</Name></Group>"
        "<Group><Name>1C</Name></Group></Year>"
    )
    activities = [("T1", "Math", "1A")] * 2 + [("T2", "Art", "1B"), ("T3", "Math", "1C")]
    path = _fet(tmp_path, year, activities, teachers=("T1", "T2", "T3"), days=2, hours=2)
    text = path.read_text(encoding="utf-8")
    for aid in (1, 2):
        text = text.replace(f"<Id>{aid}</Id><Activity_Group_Id>0<", f"<Id>{aid}</Id><Activity_Group_Id>1<")
    path.write_text(text, encoding="utf-8")

    def apart(ids: list[int]) -> str:
        listed = [("Activity_Id", i) for i in ids]
        return _element("ConstraintActivitiesNotOverlapping", [("Number_of_Activities", len(ids)), *listed])

    school, report = import_fet(_with_constraints(path, apart([1, 2, 3]) + apart([3, 4]) + apart([1, 4])))
    assert report.outcome_of("ConstraintActivitiesNotOverlapping") == {"mapped": 2, "not_represented": 1}
    linked = {lesson.id: lesson.not_with for lesson in school.lessons if lesson.not_with}
    assert linked == {"fet3": ["fet1"], "fet4": ["fet3"]}
    result = solve(school, SolveOptions(time_limit=10, workers=1))
    assert check(school, result.solution).ok
    slots = {lesson: {(p.day, p.period) for p in result.solution.placements if p.lesson == lesson} for lesson in linked}
    slots["fet1"] = {(p.day, p.period) for p in result.solution.placements if p.lesson == "fet1"}
    assert not slots["fet1"] & slots["fet3"] and not slots["fet3"] & slots["fet4"]

    out = tmp_path / "again.fet"
    export_report = export_fet(school, out)
    assert "ConstraintActivitiesNotOverlapping ×2: lessons with not_with, pair by pair" in export_report.expressed
    written = ET.parse(out).getroot().findall("Time_Constraints_List/ConstraintActivitiesNotOverlapping")
    assert [e.findtext("Number_of_Activities") for e in written] == ["3", "2"]
    again, _ = import_fet(out)
    assert {lesson.id: lesson.not_with for lesson in again.lessons if lesson.not_with} == linked


def test_survey_times_our_first_checked_timetable(capsys):
    # benchmarks.fet_survey --ours: seed 0, stops after the first phase, prints the seconds to a checked timetable
    from benchmarks.fet_survey import main

    assert main([str(SMALL), "--ours", "20", "--exact-only"]) == 0
    out = capsys.readouterr().out
    shown = [line.split("ours:", 1)[1].split() for line in out.splitlines() if "ours:" in line]
    assert len(shown) == 1 and shown[0][1] == "s", out
    assert 0 <= float(shown[0][0]) < 20


def test_survey_sorts_each_race_into_an_outcome_with_the_ratio():
    from benchmarks.fet_survey import outcome

    assert outcome("1.00 s", "4.0 s", 60) == ("ours under half of fet-cl", "0.25")
    assert outcome("3.00 s", "4.0 s", 60) == ("ours faster, not by half", "0.75")
    assert outcome("5.00 s", "4.0 s", 60) == ("fet-cl faster", "1.25")
    assert outcome("3.00 s", "no timetable (Time exceeded, 60 s)", 60) == ("only ours", "<0.05")
    assert outcome("no timetable (unknown, 60 s)", "4.0 s", 60) == ("only fet-cl", "-")
    assert outcome("no timetable (unknown, 60 s)", "no timetable (Time exceeded, 60 s)", 60) == ("neither", "-")
