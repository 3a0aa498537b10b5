"""The command line as a user runs it: files written, exit codes, readable errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl


def run(*args: str):
    return subprocess.run([sys.executable, "-m", "scheduler", *args], capture_output=True, text=True, timeout=300)


def test_solve_writes_solution_workbook_and_report(tmp_path):
    out = tmp_path / "out"
    done = run("solve", "instances/tiny-3.json", "--time-limit", "10", "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "检查通过" in done.stdout
    solution = json.loads((out / "solution.json").read_text(encoding="utf-8"))
    assert solution["format"] == "school-timetable/1"
    first = solution["placements"][0]
    assert {"lesson", "day", "period", "start", "end", "subject_name", "class_names", "teacher_names"} <= set(first)
    book = openpyxl.load_workbook(out / "timetable.xlsx")
    assert any(name.startswith("班级-") for name in book.sheetnames)
    checked = run("check", "instances/tiny-3.json", str(out / "solution.json"), "--json")
    assert checked.returncode == 0 and json.loads(checked.stdout)["violations"] == []


def test_check_flags_a_broken_timetable(tmp_path):
    out = tmp_path / "out"
    assert run("solve", "instances/tiny-3.json", "--time-limit", "10", "--out", str(out), "--quiet").returncode == 0
    solution = json.loads((out / "solution.json").read_text(encoding="utf-8"))
    solution["placements"].append(dict(solution["placements"][0]))  # the same lesson twice at once
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(solution, ensure_ascii=False), encoding="utf-8")
    checked = run("check", "instances/tiny-3.json", str(broken))
    assert checked.returncode == 5
    assert "class_clash" in checked.stdout and "检查未通过" in checked.stdout


def test_bad_input_names_the_field_and_exits_2(tmp_path):
    data = json.loads(Path("instances/tiny-3.json").read_text(encoding="utf-8"))
    data["teachers"][1]["max_lessons_per_week"] = 199
    data["teachers"][2]["subjects"].append("体肓")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    done = run("solve", str(bad), "--out", str(tmp_path / "o"))
    assert done.returncode == 2
    assert "teachers[1].max_lessons_per_week" in done.stderr
    assert "Traceback" not in done.stderr
    bad.write_text("{not json", encoding="utf-8")
    done = run("check", str(bad), str(bad))
    assert done.returncode == 2 and "not valid JSON" in done.stderr and "Traceback" not in done.stderr


def test_impossible_school_exits_3_with_the_reason(tmp_path):
    data = json.loads(Path("instances/tiny-3.json").read_text(encoding="utf-8"))
    pe_teachers = {a["teachers"][0] for a in data["assignments"] if a["subject"] == "pe"}
    for teacher in data["teachers"]:
        if teacher["id"] in pe_teachers:
            teacher["max_lessons_per_week"] = 2
    bad = tmp_path / "short.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    done = run("solve", str(bad), "--out", str(tmp_path / "o"), "--quiet")
    assert done.returncode == 3
    assert "超过每周上限 2 节" in done.stdout
    assert (tmp_path / "o" / "explanation.json").exists()


def test_template_round_trips_through_the_excel_loader(tmp_path):
    book = tmp_path / "school.xlsx"
    done = run("template", "--out", str(book))
    assert done.returncode == 0, done.stderr
    sheets = openpyxl.load_workbook(book).sheetnames
    assert {"teachers", "classes", "assignments", "bell_periods"} <= set(sheets)
    out = tmp_path / "o"
    solved = run("solve", str(book), "--time-limit", "10", "--out", str(out), "--quiet")
    assert solved.returncode == 0, solved.stdout + solved.stderr


def test_solve_with_the_progress_bar_as_make_demo_runs_it(tmp_path):
    # no --quiet: the progress bar sees the first timetable before any objective or bound exists
    out = tmp_path / "out"
    done = run("solve", "instances/tiny-3.json", "--time-limit", "5", "--out", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "方案" in done.stderr and "目标" in done.stderr
    assert "检查通过" in done.stdout
