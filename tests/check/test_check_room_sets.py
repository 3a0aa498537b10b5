"""Rule room_set in the checker: hand-made timetables of the tiny school with room sets."""

from __future__ import annotations

from scheduler.check import check
from tests.check.schools import GOOD, replace, timetable, tiny_school

# c1's music may be in the music room or the multi-purpose room; c2's only in the multi-purpose room
SETS = tiny_school(patch={"lessons.c1.music": {"rooms": ["m1", "r1"]}, "lessons.c2.music": {"rooms": ["r1"]}})
SETS_GOOD = replace(GOOD, ("c2.music", 1, 1, "m1"), ("c2.music", 1, 1, "r1"))


def test_sessions_in_rooms_of_their_sets_pass():
    report = check(SETS, timetable(SETS_GOOD))
    assert report.hard == [], [v.message for v in report.hard]
    other_room = replace(SETS_GOOD, ("c1.music", 2, 2, "m1"), ("c1.music", 2, 2, "r1"))
    assert check(SETS, timetable(other_room)).hard == []


def test_a_session_outside_its_set_is_caught_and_not_as_a_room_type():
    report = check(SETS, timetable(GOOD))  # c2's music in the music room
    assert set(report.counts()) == {"room_set"}
    (violation,) = report.of("room_set")
    assert (violation.lesson_id, violation.room_id, violation.day, violation.period) == ("c2.music", "m1", 1, 1)
    assert "三年级2班 音乐 周一 第1节 排在音乐教室，不在指定教室（多功能教室）之中" in violation.message


def test_a_set_lesson_without_a_room_is_room_missing_naming_its_rooms():
    report = check(SETS, timetable(replace(SETS_GOOD, ("c1.music", 2, 2, "m1"), ("c1.music", 2, 2))))
    assert set(report.counts()) == {"room_missing"}
    (violation,) = report.of("room_missing")
    assert violation.lesson_id == "c1.music" and "可用教室：音乐教室、多功能教室" in violation.message


def test_a_set_of_a_subject_without_room_type_still_needs_a_room():
    school = tiny_school(patch={"lessons.c1.pe": {"rooms": ["r1"]}})
    assert set(check(school, timetable(GOOD)).counts()) == {"room_missing"}
    in_room = replace(GOOD, ("c1.pe", 1, 2), ("c1.pe", 1, 2, "r1"))
    assert check(school, timetable(in_room)).hard == []


def test_two_set_lessons_in_one_room_at_once_break_its_capacity():
    both = replace(SETS_GOOD, ("c1.music", 2, 2, "m1"), ("c1.music", 1, 3, "r1"))
    crowded = replace(both, ("c2.music", 1, 1, "r1"), ("c2.music", 1, 3, "r1"))
    report = check(SETS, timetable(crowded))
    assert set(report.counts()) == {"room_capacity"}
    assert report.of("room_capacity")[0].room_id == "r1"


def test_a_fixed_room_with_a_set_must_be_the_fixed_room():
    school = tiny_school(patch={"lessons.c1.music": {"rooms": ["m1", "r1"], "room": "m1"}})
    moved = replace(GOOD, ("c1.music", 2, 2, "m1"), ("c1.music", 2, 2, "r1"))
    report = check(school, timetable(moved))
    assert "room_set" in report.counts()
    assert check(school, timetable(GOOD)).hard == []
