"""FET relations between activities (consecutive, grouped, ordered, ends students day, same starting day /
hour): a hand-written snippet per family imports into the lesson fields, solves, passes the checker, and
round-trips export → import (and ``fet-cl`` accepts the export when it is installed)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from scheduler.check import check
from scheduler.domain import School
from scheduler.fet import export_fet, import_fet
from scheduler.fet.runner import fet_cl_path, run_fet_cl
from scheduler.solve import SolveOptions, solve
from tests.fet.test_fet import _element, _fet, _with_constraints

YEAR = (
    "<Year><Name>1</Name><Group><Name>1A</Name></Group><Group><Name>1B</Name></Group>"
    "<Group><Name>1C</Name></Group></Year>"
)
FIELDS = (
    "consecutive_after",
    "grouped_with",
    "ordered_after",
    "ordered_if_same_day_after",
    "ends_day",
    "same_day_as",
    "same_hour_as",
)


def _split(path: Path, groups: dict[int, int]) -> Path:
    """Make activities parts of split activities: {activity id: group id}."""
    text = path.read_text(encoding="utf-8")
    for aid, group in groups.items():
        text = text.replace(f"<Id>{aid}</Id><Activity_Group_Id>0<", f"<Id>{aid}</Id><Activity_Group_Id>{group}<")
    path.write_text(text, encoding="utf-8")
    return path


def _pair(tag: str, *ids: int) -> str:
    names = ("First_Activity_Id", "Second_Activity_Id", "Third_Activity_Id")
    return _element(tag, list(zip(names, ids, strict=False)))


def _relations(school: School) -> dict[str, dict]:
    """Per lesson with a relation: the relation fields that are set."""
    out = {}
    for lesson in school.lessons:
        fields = {name: getattr(lesson, name) for name in FIELDS if getattr(lesson, name)}
        if fields:
            out[lesson.id] = fields
    return out


def _shapes(school: School) -> list[tuple]:
    """The relations with each lesson named by its subject, groups and duration (ids change on re-import)."""

    def name(lesson_id: str) -> str:
        lesson = school.lesson_by_id[lesson_id]
        return f"{school.subject_by_id[lesson.subject].name}@{','.join(lesson.groups)}/{lesson.duration}"

    out = []
    for lesson_id, fields in _relations(school).items():
        for field, value in fields.items():
            shown = (
                value if isinstance(value, bool) else sorted(map(name, [value] if isinstance(value, str) else value))
            )
            out.append((name(lesson_id), field, str(shown)))
    return sorted(out)


def _starts(solution, lesson_id: str) -> list[tuple[int, int]]:
    return sorted((p.day, p.period) for p in solution.placements if p.lesson == lesson_id)


def _solve_export_reimport(school: School, tmp_path: Path, expressed: list[str]):
    """Solve and check the school; export it (with the given constraint lines), re-import it, and let fet-cl
    solve the export when it is installed. Returns the solution."""
    result = solve(school, SolveOptions(time_limit=10, workers=1))
    assert result.status in ("optimal", "feasible"), result.explanation
    assert check(school, result.solution).ok, [v.message for v in check(school, result.solution).hard]
    out = tmp_path / "again.fet"
    report = export_fet(school, out)
    for line in expressed:
        assert any(line in e for e in report.expressed), report.expressed
    again, _ = import_fet(out)
    assert _shapes(again) == _shapes(school)
    if fet_cl_path() is not None:  # else: the export is still checked by re-import above
        run = run_fet_cl(out, tmp_path / "fet-out", time_limit=20, seed=1)
        assert run.success, run.message
    return result.solution


def _with_break(path: Path, hour: str, days: int) -> Path:
    breaks = "".join(f"<Break_Time><Day>D{d}</Day><Hour>{hour}</Hour></Break_Time>" for d in range(days))
    return _with_constraints(
        path,
        f"<ConstraintBreakTimes><Weight_Percentage>100</Weight_Percentage><Number_of_Break_Times>{days}"
        f"</Number_of_Break_Times>{breaks}<Active>true</Active></ConstraintBreakTimes>",
    )


def test_two_activities_consecutive_across_a_break_and_within_a_split_activity(tmp_path):
    # 1 + 2: 1A Math split in two, part 2 right after part 1; 3 (1B Art) right after 4 (1C Math); H2 is a break
    # on every day (a lunch block here), which the pair may straddle; 5 → 6 at 90 %: reported only
    activities = [("T1", "Math", "1A")] * 2 + [("T2", "Art", "1B"), ("T3", "Math", "1C")]
    activities += [("T2", "Art", "1C"), ("T3", "Math", "1B")]
    path = _fet(tmp_path, YEAR, activities, teachers=("T1", "T2", "T3"), days=2, hours=5)
    _with_break(_split(path, {1: 1, 2: 1}), "H2", 2)
    tag = "ConstraintTwoActivitiesConsecutive"
    soft = _pair(tag, 5, 6).replace("<Weight_Percentage>100<", "<Weight_Percentage>90<")
    school, report = import_fet(_with_constraints(path, _pair(tag, 1, 2) + _pair(tag, 4, 3) + soft))
    assert report.outcome_of(tag) == {"mapped": 2, "soft_not_represented": 1}
    assert _relations(school) == {"fet1-2": {"consecutive_after": "fet1-1"}, "fet3": {"consecutive_after": "fet4"}}
    solution = _solve_export_reimport(school, tmp_path, [f"{tag} ×2"])
    for first, second in (("fet1-1", "fet1-2"), ("fet4", "fet3")):
        ((day, period),) = _starts(solution, first)
        assert _starts(solution, second) == [(day, period + 1)]


def test_consecutive_is_not_represented_over_a_break_on_only_some_days(tmp_path):
    path = _fet(tmp_path, YEAR, [("T1", "Math", "1A"), ("T2", "Art", "1A")], teachers=("T1", "T2"), days=2, hours=3)
    _with_constraints(
        path,
        "<ConstraintBreakTimes><Weight_Percentage>100</Weight_Percentage><Number_of_Break_Times>1"
        "</Number_of_Break_Times><Break_Time><Day>D0</Day><Hour>H1</Hour></Break_Time><Active>true</Active>"
        "</ConstraintBreakTimes>",
    )
    school, report = import_fet(_with_constraints(path, _pair("ConstraintTwoActivitiesConsecutive", 1, 2)))
    assert report.outcome_of("ConstraintTwoActivitiesConsecutive") == {"not_represented": 1}
    assert _relations(school) == {}


def test_two_and_three_activities_grouped(tmp_path):
    # 1 (1A Math) and 2 (1B Art) grouped; 3, 4, 5 (1C Math, 1A Art, 1B Math) grouped, in any order
    activities = [("T1", "Math", "1A"), ("T2", "Art", "1B"), ("T1", "Math", "1C"), ("T2", "Art", "1A")]
    activities += [("T3", "Math", "1B")]
    path = _fet(tmp_path, YEAR, activities, teachers=("T1", "T2", "T3"), days=2, hours=4)
    constraints = _pair("ConstraintTwoActivitiesGrouped", 1, 2) + _pair("ConstraintThreeActivitiesGrouped", 3, 4, 5)
    school, report = import_fet(_with_constraints(path, constraints))
    assert report.outcome_of("ConstraintTwoActivitiesGrouped") == {"mapped": 1}
    assert report.outcome_of("ConstraintThreeActivitiesGrouped") == {"mapped": 1}
    assert _relations(school) == {"fet1": {"grouped_with": ["fet2"]}, "fet3": {"grouped_with": ["fet4", "fet5"]}}
    solution = _solve_export_reimport(
        school, tmp_path, ["ConstraintTwoActivitiesGrouped ×1", "ConstraintThreeActivitiesGrouped ×1"]
    )
    for group in (["fet1", "fet2"], ["fet3", "fet4", "fet5"]):
        starts = [_starts(solution, lesson)[0] for lesson in group]
        assert len({day for day, _ in starts}) == 1
        periods = sorted(period for _, period in starts)
        assert periods == list(range(periods[0], periods[0] + len(group)))


def test_two_activities_ordered_and_ordered_if_same_day(tmp_path):
    # 2 after 1 over the week; 4 after 3 when on the same day; 1 is pinned to the first day's last hour
    activities = [("T1", "Math", "1A"), ("T2", "Art", "1B"), ("T1", "Math", "1C"), ("T2", "Art", "1A")]
    path = _fet(tmp_path, YEAR, activities, teachers=("T1", "T2"), days=2, hours=3)
    pinned = _element(
        "ConstraintActivityPreferredStartingTime",
        [("Activity_Id", 1), ("Preferred_Day", "D0"), ("Preferred_Hour", "H2"), ("Permanently_Locked", "true")],
    )
    constraints = _pair("ConstraintTwoActivitiesOrdered", 1, 2) + _pair("ConstraintTwoActivitiesOrderedIfSameDay", 3, 4)
    school, report = import_fet(_with_constraints(path, constraints + pinned))
    assert report.outcome_of("ConstraintTwoActivitiesOrdered") == {"mapped": 1}
    assert report.outcome_of("ConstraintTwoActivitiesOrderedIfSameDay") == {"mapped": 1}
    assert _relations(school) == {"fet2": {"ordered_after": ["fet1"]}, "fet4": {"ordered_if_same_day_after": ["fet3"]}}
    solution = _solve_export_reimport(
        school, tmp_path, ["ConstraintTwoActivitiesOrdered ×1", "ConstraintTwoActivitiesOrderedIfSameDay ×1"]
    )
    assert _starts(solution, "fet2")[0][0] == 2  # after 周一's last hour: the second day
    (day3, period3), (day4, period4) = _starts(solution, "fet3")[0], _starts(solution, "fet4")[0]
    assert day3 != day4 or period4 > period3


def test_activity_and_activities_end_students_day(tmp_path):
    # 1 (part of 1A's split Math 1 + 2) ends 1A's day; every Art activity (3: 1B) ends its students' day;
    # 1C is not available at one slot (a class unavailable slot here, where no session is, as FET skips it):
    # its Art ends its day too
    activities = [("T1", "Math", "1A")] * 2 + [("T2", "Art", "1B"), ("T1", "Math", "1B"), ("T2", "Art", "1C")]
    activities += [("T1", "Math", "1C")]
    path = _split(_fet(tmp_path, YEAR, activities, teachers=("T1", "T2"), days=2, hours=3), {1: 1, 2: 1})
    not_available = _element(
        "ConstraintStudentsSetNotAvailableTimes",
        [
            ("Students", "1C"),
            ("Number_of_Not_Available_Times", 1),
            ("Not_Available_Time", "<Day>D1</Day><Hour>H0</Hour>"),
        ],
    )
    one = _element("ConstraintActivityEndsStudentsDay", [("Activity_Id", 1)])
    every_art = _element(
        "ConstraintActivitiesEndStudentsDay",
        [("Teacher_Name", ""), ("Students_Name", ""), ("Subject_Name", "Art"), ("Activity_Tag_Name", "")],
    )
    school, report = import_fet(_with_constraints(path, one + every_art + not_available))
    assert report.outcome_of("ConstraintActivityEndsStudentsDay") == {"mapped": 1}
    assert report.outcome_of("ConstraintActivitiesEndStudentsDay") == {"mapped": 1}
    assert _relations(school) == {"fet1-1": {"ends_day": True}, "fet3": {"ends_day": True}, "fet5": {"ends_day": True}}
    assert school.lesson_by_id["fet1-2"].count == 1  # the other part of the split activity: its own lesson
    solution = _solve_export_reimport(school, tmp_path, ["ConstraintActivityEndsStudentsDay ×3"])
    for lesson, group in (("fet1-1", "1A"), ("fet3", "1B"), ("fet5", "1C")):
        ((day, period),) = _starts(solution, lesson)
        later = [
            p
            for p in solution.placements
            if p.day == day and p.period > period and group in school.lesson_by_id[p.lesson].groups
        ]
        assert later == []


def test_activities_same_starting_day_and_hour(tmp_path):
    # 1A Math split 1 + 2 and 1B Art split 3 + 4 on the same days part by part; 5 and 6 in the same hour;
    # 7 and 8, two parts of one split activity, on one day: separate lessons of their own
    activities = [("T1", "Math", "1A")] * 2 + [("T2", "Art", "1B")] * 2 + [("T1", "Math", "1C"), ("T2", "Art", "1A")]
    activities += [("T3", "Math", "1B")] * 2
    path = _split(
        _fet(tmp_path, YEAR, activities, teachers=("T1", "T2", "T3"), days=3, hours=4),
        {1: 1, 2: 1, 3: 3, 4: 3, 7: 7, 8: 7},
    )

    def same(tag: str, *ids: int) -> str:
        return _element(tag, [("Number_of_Activities", len(ids)), *(("Activity_Id", i) for i in ids)])

    day, hour = "ConstraintActivitiesSameStartingDay", "ConstraintActivitiesSameStartingHour"
    constraints = same(day, 1, 3) + same(day, 2, 4) + same(hour, 5, 6) + same(day, 7, 8)
    school, report = import_fet(_with_constraints(path, constraints))
    assert report.outcome_of(day) == {"mapped": 3}
    assert report.outcome_of(hour) == {"mapped": 1}
    assert _relations(school) == {
        "fet3": {"same_day_as": "fet1"},
        "fet6": {"same_hour_as": "fet5"},
        "fet7-2": {"same_day_as": "fet7-1"},
    }
    solution = _solve_export_reimport(school, tmp_path, [f"{day} ×3", f"{hour} ×1"])
    assert [d for d, _ in _starts(solution, "fet1")] == [d for d, _ in _starts(solution, "fet3")]
    assert [p for _, p in _starts(solution, "fet5")] == [p for _, p in _starts(solution, "fet6")]
    assert _starts(solution, "fet7-1")[0][0] == _starts(solution, "fet7-2")[0][0]
    written = ET.parse(tmp_path / "again.fet").getroot().findall(f"Time_Constraints_List/{day}")
    assert [e.findtext("Number_of_Activities") for e in written] == ["2"] * 3
