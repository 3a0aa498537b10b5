"""Minimal-change re-planning: a changed school and the current timetable → few moves, a valid timetable,
and a change list that says exactly what moved. The checker and ``changes.compare`` judge, not the model."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import openpyxl
import pytest

from scheduler.changes import MOVE_COST, compare
from scheduler.check import check
from scheduler.domain import School
from scheduler.load import load_school
from scheduler.solution import Placement, Solution
from scheduler.solve import SolveOptions, solve


@pytest.fixture(scope="module")
def rural():
    school = load_school("instances/rural-6.json")
    base = solve(school, SolveOptions(time_limit=20))
    assert base.solution is not None and check(school, base.solution).ok
    return school, base.solution


def _busiest_teacher_slot(school: School, solution: Solution) -> tuple[str, Placement]:
    """A teacher with lessons, and one of their single-period, unpinned sessions."""
    pinned = {lesson.id for lesson in school.all_lessons if lesson.pinned}
    load = Counter(t for p in solution.placements for t in p.teachers)
    for teacher, _ in load.most_common():
        for p in solution.placements:
            if teacher in p.teachers and p.duration == 1 and p.lesson not in pinned:
                return teacher, p
    raise AssertionError("no movable session")


def _blocked(school: School, teacher_id: str, slots: list[tuple[int, int]]) -> School:
    """The school with ``teacher_id`` unavailable at ``slots`` (a mid-term change: 教师某些时段不能上课)."""
    data = school.model_dump()
    for t in data["teachers"]:
        if t["id"] == teacher_id:
            t["unavailable"] = t["unavailable"] + [{"day": d, "period": p} for d, p in slots]
    return School.model_validate(data)


def test_replan_moves_only_what_the_change_forces(rural):
    school, current = rural
    teacher, session = _busiest_teacher_slot(school, current)
    changed = _blocked(school, teacher, [(session.day, session.period)])

    result = solve(changed, SolveOptions(time_limit=20, baseline=current))

    assert result.solution is not None
    report = check(changed, result.solution)
    assert report.ok, report.summary()
    changes = compare(changed, current, result.solution)
    assert result.changes is not None and result.changes.cost == changes.cost
    # the blocked session had to move; it is listed with where it was
    moved_from = {(c.lesson, c.from_day, c.from_period) for c in changes.changes if c.kind in ("day", "period")}
    assert (session.lesson, session.day, session.period) in moved_from
    # and little else moved: far fewer than a fresh timetable moves
    fresh = solve(changed, SolveOptions(time_limit=10, seed=1))
    fresh_changes = compare(changed, current, fresh.solution)
    assert 1 <= changes.moved <= 6
    assert changes.cost < fresh_changes.cost
    assert changes.kept + changes.moved == len(current.placements)


def test_pinned_lessons_never_move(rural):
    school, current = rural
    pinned = [lesson for lesson in school.all_lessons if lesson.pinned]
    assert pinned, "rural-6 pins the class meeting (班会)"
    teacher, session = _busiest_teacher_slot(school, current)
    changed = _blocked(school, teacher, [(session.day, session.period)])
    result = solve(changed, SolveOptions(time_limit=20, baseline=current))
    before = {(p.lesson, p.day, p.period) for p in current.placements if p.lesson in {x.id for x in pinned}}
    after = {(p.lesson, p.day, p.period) for p in result.solution.placements}
    assert before <= after


def test_change_list_counts_day_and_period_moves_and_teacher_changes():
    school = load_school("instances/tiny-3.json")
    base = solve(school, SolveOptions(time_limit=10)).solution
    placements = list(base.placements)
    first = placements[0]
    # move one session to another period the same day, one to another day; teachers are read as given
    moved = [
        p.model_copy(update={"period": p.period + 1 if p.period < 4 else p.period - 1}) if p is first else p
        for p in placements
    ]
    second = next(p for p in moved if p.lesson != first.lesson and p.duration == 1)
    moved = [p.model_copy(update={"day": p.day % 5 + 1}) if p is second else p for p in moved]
    after = base.model_copy(update={"placements": moved})
    changes = compare(school, base, after)
    kinds = Counter(c.kind for c in changes.changes)
    assert changes.moved_period + changes.moved_day == 2, changes.line()
    assert changes.cost == MOVE_COST["day"] * changes.moved_day + MOVE_COST["period"] * changes.moved_period
    assert kinds["removed"] == kinds["added"] == 0
    # another teacher for one lesson: listed once, counted per session
    renamed = [
        p.model_copy(update={"teacher_names": ["代课老师"]}) if p.lesson == first.lesson else p
        for p in after.placements
    ]
    changes = compare(school, base.model_copy(update={"placements": renamed}), after)
    sessions = sum(1 for p in after.placements if p.lesson == first.lesson)
    assert changes.teacher_changed == sessions
    assert [c.from_teachers for c in changes.changes if c.kind == "teacher"] == ["代课老师"]


def test_replan_cli_writes_a_printable_change_list(tmp_path, rural):
    school, current = rural
    teacher, session = _busiest_teacher_slot(school, current)
    changed = _blocked(school, teacher, [(session.day, session.period), (session.day, 1)])
    school_file, current_file, out = tmp_path / "school.json", tmp_path / "current.json", tmp_path / "out"
    school_file.write_text(changed.model_dump_json(), encoding="utf-8")
    current.save(current_file)
    done = subprocess.run(
        [sys.executable, "-m", "scheduler", "replan", str(school_file), "--current", str(current_file)]
        + ["--time-limit", "20", "--out", str(out), "--from-week", "9", "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "变动：移动" in done.stdout and "自第 9 周起执行" in done.stdout and "检查通过" in done.stdout
    book = openpyxl.load_workbook(out / "changes.xlsx")
    assert book.sheetnames == ["说明", "变动"]
    rows = list(book["变动"].iter_rows(values_only=True))
    assert rows[0][:5] == ("班级", "学科", "变动", "原时间", "新时间")
    saved = json.loads((out / "changes.json").read_text(encoding="utf-8"))
    assert len(rows) - 1 == len(saved["changes"]) >= 1
    new = Solution.load(out / "solution.json")
    assert check(changed, new).ok
    assert (session.lesson, session.day, session.period) not in {(p.lesson, p.day, p.period) for p in new.placements}
