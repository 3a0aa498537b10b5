"""A timetable FET made (fet-cl's activities XML) read onto the imported School and audited by the checker:
``python -m scheduler import-fet FILE.fet --out SCHOOL.json --timetable FILE_activities.xml``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scheduler.__main__ import main
from scheduler.check import check
from scheduler.fet import FetImportError, import_fet
from scheduler.fet.runner import fet_cl_path, run_fet_cl
from scheduler.fet.timetable import read_fet_timetable
from tests.fet.test_fet import SMALL, _fet

YEAR = "<Year><Name>1</Name><Group><Name>1A</Name></Group></Year>"


def _activities(tmp_path: Path, rows: list[tuple[int, str, str]]) -> Path:
    body = "".join(f"<Activity><Id>{i}</Id><Day>{d}</Day><Hour>{h}</Hour><Room></Room></Activity>" for i, d, h in rows)
    path = tmp_path / "real_activities.xml"
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?><Activities_Timetable>{body}</Activities_Timetable>')
    return path


def test_a_fet_timetable_becomes_placements_the_checker_audits(tmp_path):
    school, report = import_fet(_fet(tmp_path, YEAR, [("T1", "Math", "1A"), ("T1", "Art", "1A")], hours=2, days=2))
    solution, skipped = read_fet_timetable(_activities(tmp_path, [(1, "D0", "H0"), (2, "D1", "H1")]), school, report)
    assert skipped == []
    assert [(p.lesson, p.day, p.period) for p in solution.placements] == [("fet1", 1, 1), ("fet2", 2, 2)]
    assert check(school, solution).ok
    clash, _ = read_fet_timetable(_activities(tmp_path, [(1, "D0", "H0"), (2, "D0", "H0")]), school, report)
    assert {v.rule for v in check(school, clash).hard} == {"class_clash", "teacher_clash"}


def test_unknown_days_and_foreign_activities_are_named(tmp_path):
    school, report = import_fet(_fet(tmp_path, YEAR, [("T1", "Math", "1A")], hours=2, days=2))
    _, skipped = read_fet_timetable(_activities(tmp_path, [(1, "D0", "H0"), (9, "D0", "H1")]), school, report)
    assert skipped == ["activity 9: not a lesson of the imported school; left out"]
    with pytest.raises(FetImportError) as caught:
        read_fet_timetable(_activities(tmp_path, [(1, "Sunday", "H0")]), school, report)
    assert caught.value.problems == ["Activity[0] (activity 1): unknown day or hour 'Sunday' / 'H0'"]


def test_cli_audits_a_broken_fet_timetable_with_exit_5(tmp_path, capsys):
    fet = _fet(tmp_path, YEAR, [("T1", "Math", "1A"), ("T1", "Art", "1A")], hours=2, days=2)
    out = tmp_path / "school.json"
    broken = _activities(tmp_path, [(1, "D0", "H0"), (2, "D0", "H0")])
    assert main(["import-fet", str(fet), "--out", str(out), "--timetable", str(broken)]) == 5
    written = json.loads((tmp_path / "school.solution.json").read_text(encoding="utf-8"))
    assert len(written["placements"]) == 2
    printed = capsys.readouterr().out
    assert "FET 课表（2 节次）已写出" in printed and "检查通过" not in printed


def test_fet_cl_timetable_of_the_hand_written_file_passes_our_checker(tmp_path):
    """FET's own timetable passes the checker: where the report says mapped, the import is not stricter."""
    if fet_cl_path() is None:
        pytest.skip("fet-cl not on PATH (Debian package fet; CI installs it)")
    run = run_fet_cl(SMALL, tmp_path / "fet-out", time_limit=20, seed=1)
    assert run.success, run.message
    school, report = import_fet(SMALL)
    timetable = tmp_path / "fet-out" / "timetables" / SMALL.stem / f"{SMALL.stem}_activities.xml"
    solution, skipped = read_fet_timetable(timetable, school, report)
    assert skipped == []
    assert len(solution.placements) == sum(lesson.count for lesson in school.lessons)
    assert check(school, solution).ok, [v.message for v in check(school, solution).hard]
