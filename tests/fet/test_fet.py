"""FET interop: a hand-written .fet file imports into a school we can timetable, the report names
what was not represented, and an exported school re-imports and is solvable by ``fet-cl``."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
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
    # FET Tue/H3 is our period 3 of day 2: the Lunch hour before it was removed
    assert {(s.day, s.period) for s in wang.unavailable} == {(1, 1), (2, 3)}
    assert wang.max_lessons_per_day == 2
    music = school.lesson_by_id["fet14"]
    assert [(s.day, s.period) for s in music.pinned] == [(3, 3)]
    assert music.room == "MusicRoom" and music.groups == ["3A", "3B"]
    assert school.lesson_by_id["fet15"].room == "LabRoom"
    pe = school.subject_by_id[school.lesson_by_id["fet11"].subject]
    assert pe.room_type and {r.id for r in school.rooms if r.type == pe.room_type} == {"Gym"}
    blocked = {
        (group, s.day, s.period)
        for lesson in school.lessons
        if lesson.subject == BLOCKED_SUBJECT
        for group in lesson.groups
        for s in lesson.pinned
    }
    # students-set not available (3B Tue H1, 3A-girls Mon H4) and the Wed H5 break (every class)
    assert blocked == {("3B", 2, 1), ("3A:3A-girls", 1, 4), ("3A", 3, 5), ("3B", 3, 5)}


def test_report_lists_what_is_not_represented_with_counts_and_weights(small):
    _, report = small
    unsupported = {(c.type, c.outcome): (c.count, c.weights) for c in report.unsupported}
    assert unsupported[("ConstraintStudentsSetMaxGapsPerWeek", "not_represented")] == (2, [100.0])
    assert unsupported[("ConstraintRoomNotAvailableTimes", "not_represented")] == (1, [100.0])
    assert unsupported[("ConstraintTeacherMaxDaysPerWeek", "not_represented")] == (1, [100.0])
    assert unsupported[("ConstraintActivityPreferredStartingTimes", "soft_not_represented")] == (1, [80.0])
    assert report.outcome_of("ConstraintTeacherMaxDaysPerWeek")["inactive"] == 1
    assert report.outcome_of("ConstraintMinDaysBetweenActivities") == {"approximated": 1}
    assert report.outcome_of("ConstraintTeacherMaxGapsPerWeek") == {"approximated": 1}
    assert report.outcome_of("ConstraintStudentsSetNotAvailableTimes") == {"approximated": 2}
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
    ):
        assert report.outcome_of(mapped) == {"mapped": 1}, mapped
    # every constraint element of the file is accounted for
    root = ET.parse(SMALL).getroot()
    in_file = len(root.findall("Time_Constraints_List/*")) + len(root.findall("Space_Constraints_List/*"))
    assert sum(c.count for c in report.constraints) == in_file == 19
    text = "\n".join(report.lines())
    assert "ConstraintStudentsSetMaxGapsPerWeek ×2" in text and "placeholder" in text


def test_imported_school_is_timetabled_and_passes_the_checker(small):
    school, _ = small
    result = solve(school, SolveOptions(time_limit=10, workers=2))
    assert result.status in ("optimal", "feasible"), result.explanation
    report = check(school, result.solution)
    assert report.ok, [v.message for v in report.violations if v.severity == "hard"]
    starts = {(p.lesson, p.day, p.period) for p in result.solution.placements}
    assert ("fet14", 3, 3) in starts


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


def test_fet_cl_accepts_the_hand_written_file(tmp_path):
    _require_fet_cl()
    run = run_fet_cl(SMALL, tmp_path / "fet-out", time_limit=20, seed=1)
    assert run.success, run.message
