"""What-if scenarios: edits apply (or fail naming the field), runs compare, staffing bisection, workbook, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from tiny import tiny

from scheduler.__main__ import main
from scheduler.domain import School
from scheduler.load import InputError, load_school
from scheduler.scenarios import (
    EditError,
    Scenario,
    ScenarioImpossible,
    ScenarioSet,
    apply_edits,
    load_scenario_file,
    run_scenarios,
    staffed,
    teachers_needed,
)
from scheduler.scenarios.edits import teacher_loads

ROOT = Path(__file__).resolve().parent.parent
TINY3 = ROOT / "instances" / "tiny-3.json"


def edits(*items: dict) -> list:
    return Scenario.model_validate({"name": "测试", "edits": list(items)}).edits


@pytest.fixture(scope="module")
def tiny3() -> School:
    return load_school(TINY3)


# ---- edits ------------------------------------------------------------------------------------------------------


def test_edits_return_a_new_school_and_leave_the_base_alone(tiny3):
    changed = apply_edits(
        tiny3,
        edits(
            {"op": "teacher_max_load", "teacher": "t001", "per_week": 10, "per_day": 3},
            {"op": "teacher_availability", "teacher": "t001", "afternoons": [3]},
            {"op": "weekly_lessons", "grade": 3, "subject": "pe", "periods": 3},
            {"op": "policy_preset", "preset": "activity-120"},
            {"op": "add_room", "room": {"id": "r-gym", "name": "体育馆", "type": "playground", "capacity": 2}},
            {"op": "add_teacher", "teacher": {"id": "t9", "name": "新老师", "subjects": ["pe"]}},
        ),
    )
    t001 = changed.teacher_by_id["t001"]
    assert (t001.max_lessons_per_week, t001.max_lessons_per_day) == (10, 3)
    assert {(s.day, s.period) for s in t001.unavailable} == {(3, 5), (3, 6), (3, 7)}  # 周三 afternoon periods
    assert changed.planned_periods("c3-1", "pe") == 3
    assert changed.resolved_policy.daily_activity_minutes == 120
    assert "r-gym" in changed.room_by_id and "t9" in changed.teacher_by_id
    # the base is untouched
    assert tiny3.teacher_by_id["t001"].unavailable == [] and tiny3.planned_periods("c3-1", "pe") == 2
    assert tiny3.resolved_policy.id == "national-2022"


def test_remove_teacher_auto_deals_lessons_to_the_teacher_with_most_spare_periods(tiny3):
    # t004/t005/t006 all teach 语文 etc.; t004's 三年级1班 lessons go to whoever has the most spare periods
    loads = teacher_loads(tiny3)
    changed = apply_edits(tiny3, edits({"op": "remove_teacher", "teacher": "t004"}))
    assert "t004" not in changed.teacher_by_id
    assert all("t004" not in lesson.teachers for lesson in changed.all_lessons)
    new_loads = teacher_loads(changed)
    assert sum(new_loads.values()) == sum(loads.values())
    assert new_loads["t005"] + new_loads["t006"] == loads["t005"] + loads["t006"] + loads["t004"]


def test_remove_teacher_to_a_named_teacher(tiny3):
    changed = apply_edits(tiny3, edits({"op": "remove_teacher", "teacher": "t004", "reassign_to": "t005"}))
    assert teacher_loads(changed)["t005"] == teacher_loads(tiny3)["t005"] + teacher_loads(tiny3)["t004"]


def test_removing_the_only_teacher_of_a_subject_is_impossible_and_says_why(tiny3):
    with pytest.raises(ScenarioImpossible) as caught:
        apply_edits(tiny3, edits({"op": "remove_teacher", "teacher": "t003"}))
    message = caught.value.findings[0].message
    assert "史红老师" in message and "体育" in message and "三年级1班" in message


@pytest.mark.parametrize(
    ("edit", "field", "words"),
    [
        ({"op": "remove_teacher", "teacher": "t999"}, "edits[1].teacher", "t999"),
        ({"op": "remove_teacher", "teacher": "t004", "reassign_to": "t003"}, "edits[1].reassign_to", "不教"),
        ({"op": "teacher_availability", "teacher": "t001", "afternoons": [9]}, "edits[1].afternoons[0]", "上课日"),
        ({"op": "weekly_lessons", "grade": 3, "subject": "pe2", "periods": 4}, "edits[1].subject", "pe2"),
        ({"op": "policy_preset", "preset": "activity-90"}, "edits[1].preset", "activity-120"),
        ({"op": "remove_room", "room": "r-nope"}, "edits[1].room", "r-nope"),
        ({"op": "remove_club", "club": "football"}, "edits[1].club", "课后服务"),
        ({"op": "add_teacher", "teacher": {"id": "t001", "name": "重复"}}, "edits[1].teacher.id", "t001"),
    ],
)
def test_a_bad_edit_names_the_scenario_the_edit_and_the_field(tiny3, edit, field, words):
    first = {"op": "teacher_max_load", "teacher": "t001", "per_week": 16}
    with pytest.raises(EditError) as caught:
        apply_edits(tiny3, edits(first, edit), scenario="体育老师调整", where=("scenarios", 2))
    assert isinstance(caught.value, InputError)  # the CLI prints it without a traceback
    assert caught.value.source == "情景「体育老师调整」"
    assert caught.value.locs[0][:3] == ("scenarios", 2, "edits")
    assert caught.value.problems[0].startswith(f"scenarios[2].{field}:"), caught.value.problems
    assert words in caught.value.problems[0]


def test_an_edit_the_school_rejects_names_the_edit_and_the_school_field(tiny3):
    with pytest.raises(EditError) as caught:
        apply_edits(tiny3, edits({"op": "remove_room", "room": "r-music1"}), scenario="音乐教室停用")
    problem = caught.value.problems[0]
    assert problem.startswith("edits[0]:") and "subjects[7].room_type" in problem and "music" in problem


def test_unknown_edit_op_is_rejected_with_its_location():
    with pytest.raises(ValueError, match="op"):
        Scenario.model_validate({"name": "x", "edits": [{"op": "fire_everyone"}]})


def test_after_school_clubs_and_instructors():
    data = tiny()
    data["rooms"] += [{"id": f"h{i}", "name": f"三年级{i}班教室"} for i in (1, 2)]
    for i, c in enumerate(data["classes"], 1):
        c["home_room"] = f"h{i}"
    window = {"stage": "primary", "start": "15:10", "session1_end": "16:10", "session2_start": "16:20", "end": "17:30"}
    club = {"id": "ball", "name": "篮球", "grades": [3], "room_type": "playground", "instructors": ["t4"]}
    data["after_school"] = {"windows": [window], "clubs": [club]}
    school = School.model_validate(data)
    coach = {"id": "x1", "name": "王教练", "after_school_days": [2]}
    changed = apply_edits(
        school,
        edits(
            {"op": "add_instructor", "teacher": coach, "clubs": ["ball"]},
            {"op": "add_club", "club": club | {"id": "run", "name": "跑步", "instructors": ["x1"]}},
            {"op": "remove_club", "club": "ball"},
            {"op": "after_school_end", "end": "17:50"},
        ),
    )
    assert changed.teacher_by_id["x1"].outside_staff
    assert list(changed.club_by_id) == ["run"]
    assert changed.after_school.windows[0].end == "17:50"
    with pytest.raises(EditError, match="add_club|instructors"):
        apply_edits(school, edits({"op": "add_club", "club": club | {"id": "c2", "instructors": ["nobody"]}}))


# ---- running ------------------------------------------------------------------------------------------------------


def scenario_set(*scenarios: dict, time_limit: float = 5, staffing: list | None = None) -> ScenarioSet:
    return ScenarioSet.model_validate(
        {"time_limit": time_limit, "workers": 1, "scenarios": list(scenarios), "staffing": staffing or []}
    )


@pytest.fixture(scope="module")
def tiny3_comparison(tiny3):
    scenarios = scenario_set(
        {"name": "体育老师离职", "edits": [{"op": "remove_teacher", "teacher": "t003"}]},
        {"name": "每天2小时活动", "edits": [{"op": "policy_preset", "preset": "activity-120"}]},
        {"name": "三年级体育3节", "edits": [{"op": "weekly_lessons", "grade": 3, "subject": "pe", "periods": 3}]},
        {"name": "段老师周三不来", "edits": [{"op": "teacher_availability", "teacher": "t001", "days": [3]}]},
    )
    return run_scenarios(tiny3, scenarios, parallel=1)


def test_comparison_reports_infeasible_scenarios_with_their_reasons(tiny3_comparison):
    base, gone, activity, more_pe, absent = tiny3_comparison.outcomes
    assert base.status == "optimal" and base.hard_violations == 0
    assert gone.status == "infeasible" and gone.objective is None
    assert any("史红老师" in r and "体育" in r for r in gone.explanation)
    assert activity.status == "infeasible"
    assert any("120 分钟" in r for r in activity.explanation)
    assert activity.edits == ["政策改为 activity-120（国家课程方案2022 + 每天综合体育活动2小时）"]


def test_comparison_numbers_follow_the_edits(tiny3_comparison):
    base, _, _, more_pe, absent = tiny3_comparison.outcomes
    assert more_pe.has_timetable and more_pe.hard_violations == 0
    # one more 40-minute PE lesson per class and week: 3 classes × 5 days, 3 × 40 more minutes
    assert more_pe.activity_avg == pytest.approx(base.activity_avg + 3 * 40 / 15, abs=0.1)
    assert more_pe.load_max >= base.load_max
    assert absent.has_timetable and absent.hard_violations == 0
    assert base.moved_day is None and absent.moved_day is not None  # moves are counted against the base
    assert absent.moved_day + absent.moved_period > 0  # 段老师's 周三 lessons had to move (he teaches 12/week)
    table = tiny3_comparison.table()
    assert list(table["情景"]) == ["基准（现状）", "体育老师离职", "每天2小时活动", "三年级体育3节", "段老师周三不来"]
    assert list(table["状态"][:3]) == ["最优", "无解", "无解"]
    for column in [
        "目标值(软目标)",
        "教师周课时最少",
        "弹性天数不足人数",
        "每日体育活动平均(分钟)",
        "跨天移动(节)",
        "硬性违规",
    ]:
        assert column in table.columns


def test_comparison_workbook_opens_with_the_expected_sheets(tiny3_comparison, tmp_path):
    path = tiny3_comparison.write_workbook(tmp_path / "scenarios.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [
        "对比",
        "人员测算",
        "基准（现状）",
        "体育老师离职",
        "每天2小时活动",
        "三年级体育3节",
        "段老师周三不来",
    ]
    headers = [c.value for c in wb["对比"][2]]
    assert headers[:3] == ["情景", "状态", "原因"]
    texts = [str(c.value) for row in wb["体育老师离职"].iter_rows() for c in row if c.value]
    assert any("史红老师" in t for t in texts) and any(t == "修改1" for t in texts)


# ---- staffing -----------------------------------------------------------------------------------------------------


def pe_school(pe_teachers: int, max_week: int = 6) -> School:
    """Six grade-3 classes × 3 PE a week = 18 PE periods; each PE teacher may teach ``max_week``."""
    data = tiny()
    data["classes"] = [{"id": f"c3-{i}", "name": f"三年级{i}班", "grade": 3} for i in range(1, 7)]
    data["policy"]["overrides"] = {"weekly_lessons.3": {"chinese": 4, "pe": 3}}
    data["rooms"][0]["capacity"] = 6
    teachers = [{"id": f"c{i}", "name": f"语文{i}", "subjects": ["chinese"]} for i in range(1, 7)]
    teachers += [
        {"id": f"p{i}", "name": f"体育{i}", "subjects": ["pe"], "max_lessons_per_week": max_week}
        for i in range(1, pe_teachers + 1)
    ]
    data["teachers"] = teachers
    data["assignments"] = [{"class_id": f"c3-{i}", "subject": "chinese", "teachers": [f"c{i}"]} for i in range(1, 7)]
    data["assignments"] += [
        {"class_id": f"c3-{i}", "subject": "pe", "teachers": [f"p{1 + (i - 1) % pe_teachers}"]} for i in range(1, 7)
    ]
    data["subjects"] = [s for s in data["subjects"] if s["id"] != "music"]
    data["rooms"] = [r for r in data["rooms"] if r["type"] != "music"]
    return School.model_validate(data)


def test_staffed_deals_the_subject_evenly_over_old_and_new_teachers():
    school = staffed(pe_school(1, max_week=18), "pe", 2)
    loads = teacher_loads(school)
    assert [loads[t] for t in ("p1", "hire-pe-1", "hire-pe-2")] == [6, 6, 6]
    assert school.teacher_by_id["hire-pe-1"].name == "待聘体育教师1"


def test_teachers_needed_finds_the_smallest_feasible_count():
    """18 PE periods, 6 per teacher: 3 teachers are needed; with 1 we must add 2."""
    answer = teachers_needed(pe_school(1), "pe", max_extra=4, time_limit=10)
    assert (answer.needed_extra, answer.needed_total, answer.proven_minimal) == (2, 3, True)
    statuses = {p.extra: p.status for p in answer.probes}
    assert statuses[0] == "infeasible" and statuses[2] == "feasible" and statuses[1] == "infeasible"
    assert statuses[4] == "feasible"
    assert "至少需要 3 位体育教师" in answer.message
    assert any("体育" in p.reason for p in answer.probes if p.status == "infeasible")


def test_teachers_needed_when_the_school_is_already_staffed():
    answer = teachers_needed(pe_school(3), "pe", max_extra=2, time_limit=10)
    assert answer.needed_extra == 0 and answer.proven_minimal
    assert {p.extra: p.status for p in answer.probes} == {0: "feasible", -1: "infeasible"}


def test_teachers_needed_can_answer_fewer_than_today():
    """5 PE teachers of 6 periods each for 18 PE periods: 3 would do."""
    answer = teachers_needed(pe_school(5), "pe", max_extra=2, time_limit=10)
    assert (answer.needed_extra, answer.needed_total, answer.proven_minimal) == (-2, 3, True)
    statuses = {p.extra: p.status for p in answer.probes}
    assert statuses[-2] == "feasible" and statuses[-3] == "infeasible"
    assert "3 位体育教师即可" in answer.message and "比现在少 2 位" in answer.message


def test_teachers_needed_reports_no_answer_honestly():
    answer = teachers_needed(pe_school(1, max_week=2), "pe", max_extra=1, time_limit=10)
    assert answer.needed_extra is None and "仍无法排出" in answer.message


# ---- files and the CLI -------------------------------------------------------------------------------------------


def test_scenario_file_base_is_relative_to_the_file(tmp_path):
    (tmp_path / "school.json").write_text(TINY3.read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"base": "school.json", "scenarios": [{"name": "原样"}]}), encoding="utf-8")
    scenario_file, base = load_scenario_file(path)
    assert base.id == load_school(TINY3).id and scenario_file.scenarios[0].edits == []


def test_cli_bad_edit_exits_2_naming_the_field(tmp_path, capsys):
    (tmp_path / "school.json").write_text(TINY3.read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "s.json"
    bad = {"name": "离职", "edits": [{"op": "remove_teacher", "teacher": "t404"}]}
    path.write_text(json.dumps({"base": "school.json", "scenarios": [{"name": "原样"}, bad]}), encoding="utf-8")
    assert main(["scenarios", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "scenarios[1].edits[0].teacher" in err and "t404" in err


def test_cli_runs_a_scenario_file_and_writes_the_workbook(tmp_path, capsys):
    (tmp_path / "school.json").write_text(TINY3.read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "s.json"
    data = {
        "base": "school.json",
        "time_limit": 5,
        "scenarios": [
            {"name": "每天2小时活动", "edits": [{"op": "policy_preset", "preset": "activity-120"}]},
            {"name": "段老师限课", "edits": [{"op": "teacher_max_load", "teacher": "t001", "per_day": 2}]},
        ],
        "staffing": [{"subject": "pe", "max_extra": 1, "time_limit": 5}],
    }
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["scenarios", str(path), "--out", str(tmp_path / "out"), "--time-limit", "4"]) == 0
    out = capsys.readouterr().out
    assert "每天2小时活动" in out and "无解" in out and "人员测算 体育" in out
    wb = openpyxl.load_workbook(tmp_path / "out" / "scenarios.xlsx")
    assert wb.sheetnames[:2] == ["对比", "人员测算"] and "段老师限课" in wb.sheetnames
    saved = json.loads((tmp_path / "out" / "scenarios.json").read_text(encoding="utf-8"))
    assert saved["time_limit"] == 4 and len(saved["scenarios"]) == 2


@pytest.mark.slow
def test_urban_24_scenario_file_runs_from_the_cli(tmp_path, capsys):
    path = ROOT / "instances" / "scenarios-urban-24.json"
    scenario_file, _ = load_scenario_file(path)
    names = [s.name for s in scenario_file.scenarios]
    assert len(names) >= 6
    ops = {e.op for s in scenario_file.scenarios for e in s.edits}
    assert {"policy_preset", "remove_teacher", "weekly_lessons", "teacher_availability", "remove_room"} <= ops
    code = main(["scenarios", str(path), "--out", str(tmp_path), "--time-limit", "30"])
    assert code == 0, capsys.readouterr()
    wb = openpyxl.load_workbook(tmp_path / "scenarios.xlsx")
    # one sheet per scenario and the base; Excel forbids ":" in sheet names (课后服务18:00结束 → 18_00)
    assert wb.sheetnames[:2] == ["对比", "人员测算"] and len(wb.sheetnames) == 3 + len(names)
    assert [row[0].value for row in wb["对比"].iter_rows(min_row=3)] == ["基准（现状）", *names]
    saved = json.loads((tmp_path / "scenarios.json").read_text(encoding="utf-8"))
    assert saved["base"]["status"] in ("optimal", "feasible")
