"""Class not-available periods and the class day-shape rules around them (FET students sets' semantics),
and class gap caps: each on a tiny school where it is the rule that bites."""

from __future__ import annotations

from test_rules import OPTIONS, _day_periods, _pinned_music_and_pe, solved
from tiny import tiny

from scheduler.check import check
from scheduler.domain import School
from scheduler.solve import solve


def _school(data: dict, **fields) -> School:
    data["classes"][0].update(fields)  # 三年级1班
    return School.model_validate(data)


def _slots(*pairs: tuple[int, int]) -> list[dict]:
    return [{"day": d, "period": p} for d, p in pairs]


def test_class_unavailable_keeps_the_class_out_of_its_slots():
    # 三年级1班 has 11 periods in 15 slots; 周一 and 周二 1–2 unavailable leave exactly 11
    school = _school(tiny(), unavailable=_slots((1, 1), (1, 2), (2, 1), (2, 2)))
    solution = solved(school)
    days = _day_periods(school, solution, "c3-1")
    assert days[1] == days[2] == [3, 4, 5] and days[3] == [1, 2, 3, 4, 5]
    assert check(school, solution).ok


def test_class_unavailable_that_cannot_hold_is_infeasible_and_named():
    school = _school(tiny(), unavailable=_slots((1, 1), (1, 2), (2, 1), (2, 2), (3, 1)))
    result = solve(school, OPTIONS)
    assert result.status == "infeasible"
    named = [f.message for f in result.explanation if f.rule == "class_unavailable"]
    assert named == ["三年级1班 每周 11 节课，但除去不排课时段每周最多可排 10 节"]


def test_class_unavailable_in_the_model_is_named_and_relaxed():
    # 音乐 pinned into an unavailable slot: the counting pre-check passes, the model names the rule
    data = _pinned_music_and_pe(tiny(), music=(1, 1), pe=(1, 5))
    school = _school(data, unavailable=_slots((1, 1)))
    result = solve(school, OPTIONS)
    assert result.status == "infeasible"
    named = [f.message for f in result.explanation if f.rule == "class_unavailable"]
    assert named and "三年级1班" in named[0] and "班级不排课时段" in named[0]
    relaxed = [f.message for f in result.explanation if f.rule == "relaxation" and "已验证" in f.message]
    assert "放宽建议（已验证可排出课表）：若 三年级1班 周一第1节可以上课（取消这些不排课时段）" in relaxed


def test_no_gaps_skips_unavailable_periods():
    # 音乐 周一 1, 体育 周一 5; 第3节 unavailable: 无空堂 needs 2 and 4 filled, not 3 (FET skips the slot)
    data = _pinned_music_and_pe(tiny(), music=(1, 1), pe=(1, 5))
    school = _school(data, no_gaps=True, unavailable=_slots((1, 3)))
    solution = solved(school)
    assert _day_periods(school, solution, "c3-1")[1] == [1, 2, 4, 5]
    assert check(school, solution).ok


def test_first_period_is_the_first_free_one():
    # 三年级1班 unavailable 周一 第1节; in 第2节 only 赵老师 (体育) can teach: the day starts with PE there
    data = tiny()
    for teacher in data["teachers"]:
        if teacher["id"] != "t4":
            teacher["unavailable"] = _slots((1, 2))
    school = _school(data, starts_first_period=True, unavailable=_slots((1, 1)))
    solution = solved(school)
    days = _day_periods(school, solution, "c3-1")
    assert days[1][0] == 2 and days[2][0] == days[3][0] == 1
    monday_second = [p.lesson for p in solution.placements if (p.day, p.period) == (1, 2)]
    assert "c3-1" in [g for lid in monday_second for g in school.lesson_by_id[lid].groups]
    assert (
        school.lesson_by_id[next(lid for lid in monday_second if "c3-1" in school.lesson_by_id[lid].groups)].subject
        == "pe"
    )
    assert check(school, solution).ok


def _away_on_monday(data: dict) -> dict:
    """张老师 (语文 of 三年级1班) away on 周一: with 数学 at most 1 a day, one lesson is left for 周一 2–4."""
    data["teachers"][0]["unavailable"] = _slots(*((1, p) for p in range(1, 6)))
    return data


def test_class_max_gaps_bounds_the_gaps_of_a_day():
    # 音乐 周一 1, 体育 周一 5: at most 1 gap needs two lessons among 2–4
    data = _pinned_music_and_pe(tiny(), music=(1, 1), pe=(1, 5))
    school = _school(data, max_gaps_per_day=1, max_gaps_per_week=1)
    solution = solved(school)
    days = _day_periods(school, solution, "c3-1")
    assert len(days[1]) >= 4
    assert all(len(p) == p[-1] - p[0] + 1 for d, p in days.items() if d != 1 and p)
    assert check(school, solution).ok


def test_class_max_gaps_that_cannot_hold_is_infeasible_named_and_relaxed():
    data = _away_on_monday(_pinned_music_and_pe(tiny(), music=(1, 1), pe=(1, 5)))
    result = solve(_school(data, max_gaps_per_day=1), OPTIONS)
    assert result.status == "infeasible"
    named = [f.message for f in result.explanation if f.rule == "class_max_gaps"]
    assert named and "三年级1班" in named[0] and "班级空堂上限" in named[0]
    relaxed = [f.message for f in result.explanation if f.rule == "relaxation" and "已验证" in f.message]
    assert "放宽建议（已验证可排出课表）：把 三年级1班 每天空堂上限从 1 提高到 2" in relaxed


def test_unavailable_period_is_no_gap_for_the_cap():
    # as above, with 周一 第3节 unavailable: one lesson in 2 or 4 leaves one gap only
    data = _away_on_monday(_pinned_music_and_pe(tiny(), music=(1, 1), pe=(1, 5)))
    school = _school(data, max_gaps_per_day=1, unavailable=_slots((1, 3)))
    solution = solved(school)
    assert len(_day_periods(school, solution, "c3-1")[1]) == 3
    assert check(school, solution).ok


def test_class_unavailable_and_gap_caps_round_trip_through_the_workbook(tmp_path):
    from scheduler.excel_io import read_school_workbook, write_school_workbook

    data = tiny()
    data["classes"][1]["sections"] = ["男", "女"]
    slots = [{"day": 1, "period": 2}, {"day": 3, "period": 5, "section": "女"}]
    school = _school(data, unavailable=[], max_gaps_per_week=2, max_gaps_per_day=1, max_late_starts_per_week=2)
    data = school.model_dump()
    data["classes"][1]["unavailable"] = slots
    school = School.model_validate(data)
    back = School.model_validate(read_school_workbook(write_school_workbook(school, tmp_path / "s.xlsx")))
    assert back.model_dump() == school.model_dump()
    assert [(s.day, s.period, s.section) for s in back.classes[1].unavailable] == [(1, 2, None), (3, 5, "女")]
    first = back.classes[0]
    assert (first.max_gaps_per_week, first.max_gaps_per_day, first.max_late_starts_per_week) == (2, 1, 2)


def _pe_alone_in_period_1(data: dict) -> dict:
    """Only 赵老师 (体育, both classes, one a day each) can teach in period 1, on every day."""
    for teacher in data["teachers"]:
        if teacher["id"] != "t4":
            teacher["unavailable"] = _slots(*((d, 1) for d in (1, 2, 3)))
    return data


def test_class_late_starts_bounds_the_late_days():
    # 三年级1班 may start late on 1 day a week: it gets 赵老师's period-1 PE on the other two
    school = _school(_pe_alone_in_period_1(tiny()), max_late_starts_per_week=1)
    solution = solved(school)
    days = _day_periods(school, solution, "c3-1")
    assert sum(periods[0] != 1 for periods in days.values()) <= 1
    assert all(periods[0] <= 2 for periods in days.values())
    assert check(school, solution).ok


def test_class_late_starts_that_cannot_hold_is_infeasible_named_and_relaxed():
    # both classes at most 1 late day: 4 period-1 lessons needed, 赵老师 has 3
    data = _pe_alone_in_period_1(tiny())
    data["classes"][1]["max_late_starts_per_week"] = 1
    result = solve(_school(data, max_late_starts_per_week=1), OPTIONS)
    assert result.status == "infeasible"
    named = [f.message for f in result.explanation if f.rule == "class_late_starts"]
    assert named and "班级每周晚一节开始上课的天数上限" in named[0]
    relaxed = [f.message for f in result.explanation if f.rule == "relaxation" and "已验证" in f.message]
    assert any("每周晚一节开始上课的天数上限从 1 提高到 2" in message for message in relaxed), relaxed


def _prefix_day_school(*unavailable: tuple[int, int]) -> School:
    """三年级1班 without gaps from its first free period, at least 3 lessons every day."""
    return _school(
        tiny(), no_gaps=True, starts_first_period=True, min_lessons_per_day=3, unavailable=_slots(*unavailable)
    )


def test_no_gaps_from_the_first_period_with_a_daily_minimum_fills_a_prefix_of_the_free_periods():
    # the implied prefix constraints (scheduler/model/day_shape.py::_add_prefix_day) keep every valid day:
    # 11 periods in 14 free slots, at least 3 a day, 周一 第2节 unavailable
    school = _prefix_day_school((1, 2))
    solution = solved(school)
    assert check(school, solution).ok
    days = _day_periods(school, solution, "c3-1")
    free = {1: [1, 3, 4, 5], 2: [1, 2, 3, 4, 5], 3: [1, 2, 3, 4, 5]}
    assert sum(len(periods) for periods in days.values()) == 11
    for day, periods in days.items():
        assert len(periods) >= 3 and periods == free[day][: len(periods)]


def test_a_prefix_day_that_cannot_reach_the_daily_minimum_is_infeasible():
    # 周二 1–3 unavailable leaves 周二 two free periods, below the daily minimum of 3 (no empty days)
    assert solve(_prefix_day_school((2, 1), (2, 2), (2, 3)), OPTIONS).status == "infeasible"
