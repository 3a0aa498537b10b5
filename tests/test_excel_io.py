"""The school workbook: round trip, Chinese help, and errors that name sheet, row and column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from scheduler.domain import School
from scheduler.excel_io import SHEETS, load_school_workbook, read_school_workbook, write_school_workbook
from scheduler.load import InputError, load_school
from tests.check.schools import tiny_school


def school_data() -> dict:
    """Two primary classes (one with sections), one middle-school class; every table used once."""
    return {
        "id": "demo",
        "name": "实验学校",
        "days": ["周一", "周二", "周三", "周四", "周五"],
        "bell_schedules": [
            {
                "stage": "primary",
                "name": "小学作息",
                "afternoon_from": "13:00",
                "periods": [
                    {"index": 1, "start": "08:20", "end": "09:00"},
                    {"index": 2, "start": "09:10", "end": "09:50"},
                    {"index": 3, "start": "10:20", "end": "11:00"},
                    {"index": 4, "start": "14:00", "end": "14:40"},
                ],
                "blocks": [
                    {"name": "大课间", "kind": "activity", "start": "09:50", "end": "10:20", "physical_activity": True},
                    {"name": "午餐", "kind": "lunch", "start": "11:50", "end": "13:00", "days": [1, 3]},
                    {"name": "停课", "start": "16:00", "end": "16:30", "days": []},
                ],
            },
            {"stage": "middle", "periods": [{"index": 1, "start": "08:00", "end": "08:45"}]},
        ],
        "policy": {
            "preset": "activity-120",
            "overrides": {
                "weekly_lessons.3": {"math": 2, "pe": 1},
                "latest_lesson_end.3": "15:30",
                "max_pe_per_day": 2,
            },
        },
        "subjects": [
            {"id": "math", "name": "数学", "category": "core", "morning_preferred": True, "max_per_day": 2},
            {"id": "pe", "name": "体育", "category": "pe", "room_type": "gym", "protected": True},
        ],
        "teachers": [
            {
                "id": "t1",
                "name": "李老师",
                "subjects": ["math"],
                "min_lessons_per_day": 2,
                "allow_empty_days": False,
                "unavailable": [{"day": 1, "period": 1}],
            },
            {
                "id": "t2",
                "name": "张伟",
                "subjects": ["pe"],
                "max_lessons_per_week": 20,
                "max_days_per_week": 4,
                "max_gaps_per_week": 3,
                "max_gaps_per_day": 0,
                "unavailable": [{"day": 2, "period": 1, "stage": "middle"}, {"day": 5, "period": 4}],
            },
            {"id": "t3", "name": "Ms Wang", "outside_staff": True},
        ],
        "rooms": [
            {"id": "r1", "name": "301教室"},
            {
                "id": "gym",
                "name": "体育馆",
                "type": "gym",
                "capacity": 2,
                "unavailable": [{"day": 3, "period": 4}, {"day": 1, "period": 1, "stage": "middle"}],
            },
        ],
        "classes": [
            {
                "id": "c3-1",
                "name": "三年级1班",
                "grade": 3,
                "home_room": "r1",
                "pupils": 42,
                "min_lessons_per_day": 3,
                "max_lessons_per_day": 6,
                "allow_empty_days": False,
            },
            {"id": "c3-2", "name": "三年级2班", "grade": 3, "sections": ["男", "女"], "no_gaps": True},
            {"id": "c7-1", "name": "七年级1班", "grade": 7, "no_gaps": True, "starts_first_period": True},
        ],
        "assignments": [
            {"class_id": "c3-1", "subject": "math", "teachers": ["t1"], "doubles": 1},
            {"class_id": "c3-1", "subject": "pe", "teachers": ["t2"], "room": "gym"},
            {"class_id": "c7-1", "subject": "math", "teachers": ["t1", "t3"], "periods_per_week": 3},
        ],
        "lessons": [
            {
                "id": "pe-m",
                "subject": "pe",
                "teachers": ["t2"],
                "groups": ["c3-2:男"],
                "pinned": [{"day": 1, "period": 2}],
            },
            {
                "id": "math-2",
                "subject": "math",
                "teachers": ["t1"],
                "groups": ["c3-2"],
                "count": 2,
                "duration": 1,
                "not_with": ["pe-m"],
            },
            {
                "id": "math-3",
                "subject": "math",
                "teachers": ["t1"],
                "groups": ["c3-2"],
                "count": 2,
                "consecutive_after": "math-2",
                "grouped_with": ["math-2"],
                "ordered_after": ["pe-m"],
                "ordered_if_same_day_after": ["pe-m", "math-2"],
                "ends_day": True,
                "same_day_as": "math-2",
                "same_hour_as": "math-2",
            },
            {"id": "m7", "subject": "math", "groups": ["c7-1"], "pinned": [{"day": 3, "period": 1, "stage": "middle"}]},
        ],
        "meetings": [
            {"id": "m1", "name": "数学教研", "teachers": ["t1", "t3"], "day": 3, "start": "14:00", "end": "15:30"}
        ],
        "weights": {"teacher_gaps": 7, "flexible_day_shortfall": 0},
        "flexible": {"min_days": 3, "late_arrival_until": "09:10"},
    }


@pytest.fixture
def school() -> School:
    return School.model_validate(school_data())


def round_trip(school: School, path: Path) -> School:
    return School.model_validate(read_school_workbook(write_school_workbook(school, path)))


def test_round_trip(tmp_path, school):
    assert round_trip(school, tmp_path / "school.xlsx").model_dump() == school.model_dump()


def test_load_school_reads_xlsx(tmp_path, school):
    path = write_school_workbook(school, tmp_path / "学校.xlsx")
    assert load_school(path).model_dump() == school.model_dump()


def test_workbook_layout_has_chinese_help(tmp_path, school):
    workbook = openpyxl.load_workbook(write_school_workbook(school, tmp_path / "school.xlsx"))
    assert workbook.sheetnames == ["说明", *SHEETS]
    teachers = workbook["teachers"]
    assert [c.value for c in teachers[1]] == [c.name for c in SHEETS["teachers"]]
    assert teachers["D2"].value == "每周最多课时（0–168）"
    assert teachers["A1"].font.bold and teachers["A1"].comment is not None
    assert [c.value for c in teachers[3]][:3] == ["t1", "李老师", "math"]
    assert workbook["policy_overrides"]["B3"].value == '{"math": 2, "pe": 1}'
    assert workbook["lessons"]["H3"].value == "1-2"
    assert workbook["bell_periods"]["C3"].value == "08:20"


def edit(path: Path, sheet: str, cell: str, value) -> Path:
    workbook = openpyxl.load_workbook(path)
    workbook[sheet][cell] = value
    workbook.save(path)
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_school(path)
    return caught.value.problems


@pytest.fixture
def workbook(tmp_path, school) -> Path:
    return write_school_workbook(school, tmp_path / "school.xlsx")


def test_bad_max_lessons_per_week_names_sheet_row_column(workbook):
    edit(workbook, "teachers", "D4", 199)  # row 4: the second teacher (张伟)
    [problem] = problems(workbook)
    assert problem.startswith("sheet teachers, row 4, column max_lessons_per_week: ")
    assert "168" in problem and "199" in problem


def test_unknown_subject_in_teacher_row(workbook):
    edit(workbook, "teachers", "C3", "math, 体肓")
    [problem] = problems(workbook)
    assert problem.startswith("sheet teachers, row 3, column subjects: ")
    assert "体肓" in problem


def test_text_in_number_column(workbook):
    edit(workbook, "classes", "C5", "七")
    [problem] = problems(workbook)
    assert problem == "sheet classes, row 5, column grade: expected a whole number, got '七'"


def test_bad_pinned_slot_and_unknown_teacher_in_unavailable(workbook):
    edit(workbook, "lessons", "H3", "周一第2节")
    edit(workbook, "teacher_unavailable", "A4", "t9")
    found = problems(workbook)
    assert any(p.startswith("sheet lessons, row 3, column pinned: expected day-period") for p in found)
    assert "sheet teacher_unavailable, row 4, column teacher: unknown teacher 't9'" in found


def test_room_unavailable_slot_past_the_week_names_its_cell(workbook):
    edit(workbook, "rooms", "E4", "3-4, 9-1")  # row 4: 体育馆
    assert problems(workbook) == ["sheet rooms, row 4, column unavailable: 9 is not a school day (1–5)"]


def test_bad_override_names_its_row(workbook):
    edit(workbook, "policy_overrides", "A4", "latest_lesson_end.3.x")
    [problem] = problems(workbook)
    assert problem.startswith("sheet policy_overrides, row 4, column value: ")


def test_unknown_override_path_names_its_row(workbook):
    edit(workbook, "policy_overrides", "A5", "stages.primary.bar")
    edit(workbook, "policy_overrides", "B5", 1)
    [problem] = problems(workbook)
    assert problem == "sheet policy_overrides, row 5, column path: override 'stages.primary.bar': no such policy value"


def test_override_value_out_of_range_names_its_row(workbook):
    edit(workbook, "policy_overrides", "A5", "daily_activity_minutes")
    edit(workbook, "policy_overrides", "B5", 999)
    [problem] = problems(workbook)
    assert problem.startswith("sheet policy_overrides, row 5, column value: ")


def test_bell_period_out_of_order_names_its_row(workbook):
    edit(workbook, "bell_periods", "B4", 3)  # second primary period numbered 3
    [problem] = problems(workbook)
    assert problem.startswith("sheet bell_periods, row 4, column index: expected 2, got 3")


def test_reference_errors_in_assignments_and_lessons(workbook):
    edit(workbook, "assignments", "B5", "art")
    edit(workbook, "lessons", "D4", "c3-2:乙")
    found = problems(workbook)
    assert "sheet assignments, row 5, column subject: unknown subject 'art'" in found
    assert any(p.startswith("sheet lessons, row 4, column groups: ") and "乙" in p for p in found)


def test_unknown_sheet_and_column(workbook):
    book = openpyxl.load_workbook(workbook)
    book.create_sheet("teacher")
    book["rooms"]["F1"] = "floor"
    book.save(workbook)
    found = problems(workbook)
    assert any(p.startswith("sheet teacher: unknown sheet") for p in found)
    assert any(p.startswith("sheet rooms, column F 'floor': unknown column") for p in found)


def test_missing_required_value(workbook):
    edit(workbook, "rooms", "B4", None)
    assert problems(workbook) == ["sheet rooms, row 4, column name: Field required"]


def test_hand_typed_cells_are_understood(tmp_path, school):
    """What a person types: Excel times, no help row, numbers as ids, 小学/是, day names."""
    path = write_school_workbook(school, tmp_path / "school.xlsx")
    book = openpyxl.load_workbook(path)
    book["bell_periods"]["C3"] = dt.time(8, 20)
    book["bell_periods"]["A3"] = "小学"
    book["bell_blocks"]["F3"] = "是"
    book["teacher_unavailable"]["B3"] = "周一"
    book["rooms"].delete_rows(2)  # the help row
    book.save(path)
    assert load_school(path).model_dump() == school.model_dump()


def test_not_a_workbook(tmp_path):
    path = tmp_path / "school.xlsx"
    path.write_text("not excel")
    [problem] = problems(path)
    assert "not a readable Excel workbook" in problem


def test_read_errors_from_read_school_workbook(workbook):
    edit(workbook, "subjects", "E3", "two")
    with pytest.raises(InputError, match="sheet subjects, row 3, column max_per_day"):
        read_school_workbook(workbook)
    with pytest.raises(InputError):
        load_school_workbook(workbook)


# ---- property: any small valid school survives the round trip --------------------------------
ID = st.from_regex(r"[a-z][a-z0-9_-]{0,4}", fullmatch=True)
NAME = (
    st.text(alphabet="张李王赵数学语文体育班级老师ABCxyz123（）-=", min_size=1, max_size=6).map(str.strip).filter(bool)
)
CATEGORIES = ["core", "pe", "arts", "science", "other"]


@st.composite
def small_schools(draw) -> dict:
    n_days = draw(st.integers(1, 7))
    days = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"][:n_days]
    stages = draw(st.sampled_from([["primary"], ["middle"], ["primary", "middle"]]))
    schedules = []
    for stage in stages:
        n_periods = draw(st.integers(1, 6))
        periods = [
            {"index": i + 1, "start": f"{8 + i:02d}:00", "end": f"{8 + i:02d}:{draw(st.integers(30, 59)):02d}"}
            for i in range(n_periods)
        ]
        blocks = [
            {
                "name": draw(NAME),
                "kind": draw(st.sampled_from(["activity", "lunch", "other"])),
                "start": "12:00",
                "end": "12:30",
                "physical_activity": draw(st.booleans()),
                "days": draw(st.none() | st.lists(st.integers(1, n_days), max_size=3)),
            }
            for _ in range(draw(st.integers(0, 2)))
        ]
        schedules.append({"stage": stage, "name": draw(st.just("") | NAME), "periods": periods, "blocks": blocks})
    n_periods = max(len(s["periods"]) for s in schedules)
    rooms = [
        {
            "id": rid,
            "name": draw(NAME),
            "type": draw(st.sampled_from(["classroom", "gym"])),
            "capacity": draw(st.integers(1, 3)),
        }
        for rid in draw(st.lists(ID, max_size=3, unique=True))
    ]
    room_types = sorted({r["type"] for r in rooms})
    subjects = [
        {
            "id": sid,
            "name": draw(NAME),
            "category": draw(st.sampled_from(CATEGORIES)),
            "room_type": draw(st.none() | st.sampled_from(room_types)) if room_types else None,
            "max_per_day": draw(st.integers(1, 3)),
            "protected": draw(st.booleans()),
        }
        for sid in draw(st.lists(ID, min_size=1, max_size=3, unique=True))
    ]
    subject_ids = [s["id"] for s in subjects]
    slot = st.builds(
        dict,
        day=st.integers(1, n_days),
        period=st.integers(1, n_periods),
        stage=st.none() | st.sampled_from(stages),
    )
    for room in rooms:
        room["unavailable"] = draw(st.lists(slot, max_size=2))
    teachers = [
        {
            "id": tid,
            "name": draw(NAME),
            "subjects": draw(st.lists(st.sampled_from(subject_ids), max_size=2, unique=True)),
            "max_lessons_per_week": draw(st.integers(0, 40)),
            "min_lessons_per_day": draw(st.none() | st.integers(0, 16)),
            "allow_empty_days": draw(st.booleans()),
            "max_days_per_week": draw(st.none() | st.integers(0, 7)),
            "max_gaps_per_week": draw(st.none() | st.integers(0, 60)),
            "max_gaps_per_day": draw(st.none() | st.integers(0, 16)),
            "unavailable": draw(st.lists(slot, max_size=2)),
            "outside_staff": draw(st.booleans()),
        }
        for tid in draw(st.lists(ID, max_size=3, unique=True))
    ]
    grades = [g for g in range(1, 10) if ("primary" if g <= 6 else "middle") in stages]
    classes = [
        {
            "id": cid,
            "name": draw(NAME),
            "grade": draw(st.sampled_from(grades)),
            "home_room": draw(st.none() | st.sampled_from([r["id"] for r in rooms])) if rooms else None,
            "sections": draw(st.lists(st.sampled_from(["男", "女", "A"]), max_size=2, unique=True)),
            "min_lessons_per_day": draw(st.none() | st.integers(0, 16)),
            "max_lessons_per_day": draw(st.none() | st.integers(0, 16)),
            "allow_empty_days": draw(st.booleans()),
            "no_gaps": draw(st.booleans()),
            "starts_first_period": draw(st.booleans()),
        }
        for cid in draw(st.lists(ID, min_size=1, max_size=3, unique=True))
    ]

    def teachers_for(subject: str) -> list[str]:
        able = [t["id"] for t in teachers if not t["subjects"] or subject in t["subjects"]]
        return draw(st.lists(st.sampled_from(able), min_size=1, max_size=2, unique=True)) if able else []

    assignments = []
    for c in classes:
        for sid in draw(st.lists(st.sampled_from(subject_ids), max_size=2, unique=True)):
            chosen = teachers_for(sid)
            if chosen:
                total = draw(st.integers(1, 4))
                assignments.append(
                    {
                        "class_id": c["id"],
                        "subject": sid,
                        "teachers": chosen,
                        "periods_per_week": total,
                        "doubles": draw(st.integers(0, total // 2)),
                    }
                )
    lessons = []
    for lid in draw(st.lists(ID, max_size=2, unique=True)):
        c = draw(st.sampled_from(classes))
        groups = [c["id"]] if not c["sections"] else [f"{c['id']}:{draw(st.sampled_from(c['sections']))}"]
        count = draw(st.integers(1, 3))
        sid = draw(st.sampled_from(subject_ids))
        lessons.append(
            {
                "id": lid,
                "subject": sid,
                "teachers": draw(st.just([]) | st.just(teachers_for(sid))),
                "groups": groups,
                "count": count,
                "pinned": draw(st.lists(slot, max_size=count)),
                "allowed_starts": draw(st.none() | st.lists(slot, min_size=1, max_size=3)),
            }
        )
    if len(lessons) == 2 and draw(st.booleans()):
        lessons[1]["count"] = lessons[0]["count"]
        lessons[1]["same_time_as"] = lessons[0]["id"]
    if len(lessons) == 2 and draw(st.booleans()):
        lessons[0]["not_with"] = [lessons[1]["id"]]
    meetings = []
    if teachers and draw(st.booleans()):
        attending = draw(st.lists(st.sampled_from([t["id"] for t in teachers]), min_size=1, unique=True))
        meetings.append(
            {"id": "mt", "name": draw(NAME), "teachers": attending, "day": n_days, "start": "15:00", "end": "16:00"}
        )
    overrides = draw(
        st.dictionaries(
            st.sampled_from(
                [
                    "daily_activity_minutes",
                    "weekly_lessons.3.math",
                    "latest_lesson_end.4",
                    "stages.primary.earliest_start",
                ]
            ),
            st.integers(0, 120),
            max_size=2,
        )
    )
    if "latest_lesson_end.4" in overrides:
        overrides["latest_lesson_end.4"] = "15:30"
    if "stages.primary.earliest_start" in overrides:
        overrides["stages.primary.earliest_start"] = "08:00"
    return {
        "id": draw(ID),
        "name": draw(NAME),
        "days": days,
        "bell_schedules": schedules,
        "policy": {"preset": draw(st.sampled_from(["national-2022", "activity-120"])), "overrides": overrides},
        "subjects": subjects,
        "teachers": teachers,
        "rooms": rooms,
        "classes": classes,
        "assignments": assignments,
        "lessons": lessons,
        "meetings": meetings,
        "weights": {"teacher_gaps": draw(st.integers(0, 1000))},
    }


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=small_schools())
def test_round_trip_property(tmp_path, data):
    try:
        school = School.model_validate(data)
    except ValidationError:
        assume(False)
    assert round_trip(school, tmp_path / "random.xlsx").model_dump() == school.model_dump()


# ---- after-school "5+2" sheets ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def urban_book(tmp_path_factory) -> tuple[School, Path]:
    school = load_school("instances/urban-24.json")
    return school, write_school_workbook(school, tmp_path_factory.mktemp("urban") / "urban.xlsx")


def test_after_school_round_trips_through_the_workbook(urban_book):
    school, path = urban_book
    assert school.after_school is not None and school.after_school.pupils
    assert load_school(path).model_dump() == school.model_dump()
    book = openpyxl.load_workbook(path, read_only=True)
    assert {"after_school", "after_school_windows", "clubs", "pupils", "participation"} <= set(book.sheetnames)


def test_school_without_after_school_keeps_none(tmp_path, school):
    assert school.after_school is None
    assert round_trip(school, tmp_path / "s.xlsx").after_school is None


def test_after_school_errors_name_sheet_row_column(tmp_path, urban_book):
    _, path = urban_book
    copy = tmp_path / "bad.xlsx"
    copy.write_bytes(path.read_bytes())
    book = openpyxl.load_workbook(copy)
    clubs = book["clubs"]
    column = [c.value for c in clubs[1]].index("instructors") + 1
    clubs.cell(row=4, column=column, value="t404")  # the second club
    pupils = book["pupils"]
    column = [c.value for c in pupils[1]].index("choices") + 1
    pupils.cell(row=3, column=column, value="no-such-club")
    book.save(copy)
    found = problems(copy)
    assert any(p.startswith("sheet clubs, row 4, column instructors: ") and "t404" in p for p in found), found
    assert any(p.startswith("sheet pupils, row 3, column choices: ") and "no-such-club" in p for p in found), found


def test_gap_interval_and_slot_rules_round_trip(tmp_path):
    school = tiny_school(
        patch={
            "lessons.c1.math": {"min_gap": 2},
            "teachers.t1": {"interval_max_days": [{"first_period": 1, "last_period": 2, "max_days": 1}]},
        },
        occupy_max_slots=[
            {"id": "am", "lessons": ["c1.math", "c2.math"], "slots": [{"day": 1, "period": 1}], "max_slots": 1}
        ],
    )
    again = round_trip(school, tmp_path / "rules.xlsx")
    assert again.model_dump() == school.model_dump()
    assert again.occupy_max_slots[0].max_slots == 1 and again.lesson_by_id["c1.math"].min_gap == 2
