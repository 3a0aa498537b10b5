"""Each rule family on a tiny school where it is the rule that bites: the solver respects it.

Properties are read off the placements directly here, not through the model.
"""

from __future__ import annotations

import copy
from collections import Counter

import pytest
from tiny import PERIODS, tiny, tiny_school

from scheduler.check import check
from scheduler.domain import School
from scheduler.solution import Placement, Solution
from scheduler.solve import SolveOptions, solve

OPTIONS = SolveOptions(time_limit=20, workers=2)


def solved(school: School):
    result = solve(school, OPTIONS)
    assert result.status in ("optimal", "feasible"), result.explanation
    return result.solution


def covered(school: School, solution, who=lambda p: True):
    """(class id, day, period, subject, teachers) for every covered period of matching placements."""
    out = []
    for p in solution.placements:
        lesson = school.lesson_by_id[p.lesson]
        if not who(p):
            continue
        for k in range(lesson.duration):
            for c in school.classes_of(lesson):
                out.append((c.id, p.day, p.period + k, lesson.subject, tuple(lesson.teachers)))
    return out


def test_tiny_school_gets_every_planned_period_once():
    school = tiny_school()
    solution = solved(school)
    per_class_subject = Counter((c, s) for c, _, _, s, _ in covered(school, solution))
    assert per_class_subject == {
        (c, s): n for c in ("c3-1", "c3-2") for s, n in {"chinese": 4, "math": 3, "pe": 3, "music": 1}.items()
    }
    slots = Counter((c, d, p) for c, d, p, _, _ in covered(school, solution))
    assert max(slots.values()) == 1


def test_daily_activity_puts_pe_on_every_day_when_the_big_break_is_not_enough():
    school = tiny_school()  # 大课间 30 min < 60 min: a PE lesson is needed every day
    solution = solved(school)
    pe_days = Counter((c, d) for c, d, _, s, _ in covered(school, solution) if s == "pe")
    assert pe_days == {(c, d): 1 for c in ("c3-1", "c3-2") for d in (1, 2, 3)}


def test_room_capacity_one_playground_class_at_a_time():
    data = tiny(
        rooms=[
            {"id": "r-pg", "name": "操场", "type": "playground", "capacity": 1},
            {"id": "r-music", "name": "音乐教室", "type": "music"},
        ]
    )
    school = School.model_validate(data)
    solution = solved(school)
    pe = Counter((d, p) for _, d, p, s, _ in covered(school, solution) if s == "pe")
    assert max(pe.values()) == 1
    assert all(pl.room == "r-pg" for pl in solution.placements if pl.subject == "pe")


def _two_playgrounds(tuesday_free: dict[str, list[int]]) -> School:
    """Two one-class playgrounds, each free on Tuesday only in the periods given (PE is needed daily);
    each class has its own PE teacher."""
    data = tiny()
    data["teachers"].append({"id": "t6", "name": "孙老师", "subjects": ["pe"]})
    next(a for a in data["assignments"] if (a["class_id"], a["subject"]) == ("c3-2", "pe"))["teachers"] = ["t6"]
    rooms = [
        {
            "id": room_id,
            "name": name,
            "type": "playground",
            "unavailable": [{"day": 2, "period": p} for p in range(1, 6) if p not in tuesday_free[room_id]],
        }
        for room_id, name in (("pg1", "东操场"), ("pg2", "西操场"))
    ]
    data["rooms"] = [*rooms, {"id": "r-music", "name": "音乐教室", "type": "music"}]
    return School.model_validate(data)


def test_room_unavailable_limits_a_room_type_to_the_rooms_free_in_the_period():
    # On Tuesday both playgrounds are free only in period 3: both classes' daily PE goes there
    school = _two_playgrounds({"pg1": [3], "pg2": [3]})
    solution = solved(school)
    tuesday = sorted((pl.period, pl.room) for pl in solution.placements if pl.subject == "pe" and pl.day == 2)
    assert tuesday == [(3, "pg1"), (3, "pg2")]
    assert check(school, solution).ok
    # one playground free in period 3 only, the other in period 4 only: one class each
    solution = solved(_two_playgrounds({"pg1": [3], "pg2": [4]}))
    tuesday = sorted((pl.period, pl.room) for pl in solution.placements if pl.subject == "pe" and pl.day == 2)
    assert tuesday == [(3, "pg1"), (4, "pg2")]


def test_room_unavailable_with_too_few_free_periods_is_infeasible():
    # two classes need PE on Tuesday; one playground period is free
    result = solve(_two_playgrounds({"pg1": [3], "pg2": []}), OPTIONS)
    assert result.status == "infeasible"
    assert any("东操场、西操场" in f.message for f in result.explanation)


def test_fixed_room_lesson_never_covers_the_room_unavailable_periods():
    # 音乐教室 is free only on Wednesday afternoon; both classes' music is fixed there
    data = tiny()
    for assignment in data["assignments"]:
        if assignment["subject"] == "music":
            assignment["room"] = "r-music"
    music = data["rooms"][1]
    music["unavailable"] = [
        {"day": d, "period": p} for d in (1, 2, 3) for p in range(1, 6) if (d, p) not in ((3, 4), (3, 5))
    ]
    school = School.model_validate(data)
    solution = solved(school)
    assert sorted((pl.day, pl.period) for pl in solution.placements if pl.subject == "music") == [(3, 4), (3, 5)]
    assert check(school, solution).ok
    music["unavailable"].append({"day": 3, "period": 4})
    result = solve(School.model_validate(data), OPTIONS)
    assert result.status == "infeasible"
    (finding,) = [f for f in result.explanation if f.rule == "room_unavailable"]
    assert (finding.need, finding.available) == (2, 1)
    assert finding.message == "固定在音乐教室的课每周 2 节，但除去不可用时段，音乐教室每周最多只能上 1 节"


def test_teacher_unavailable_periods_stay_free():
    data = tiny()
    data["teachers"][2]["unavailable"] = [{"day": 1, "period": p} for p in (1, 2, 3)]
    school = School.model_validate(data)
    solution = solved(school)
    math_day1 = [(d, p) for _, d, p, _, t in covered(school, solution) if "t3" in t and d == 1]
    assert all(p >= 4 for _, p in math_day1)


def test_meeting_blocks_its_teachers():
    data = tiny(
        meetings=[{"id": "m1", "name": "语文组教研", "teachers": ["t1"], "day": 2, "start": "08:00", "end": "11:00"}]
    )
    school = School.model_validate(data)
    solution = solved(school)
    assert not [1 for _, d, p, _, t in covered(school, solution) if "t1" in t and d == 2 and p <= 3]


def test_earliest_start():
    data = tiny()
    data["policy"]["overrides"]["stages.primary.earliest_start"] = "09:10"
    school = School.model_validate(data)
    periods = {p for _, _, p, _, _ in covered(school, solved(school))}
    assert periods == {2, 3, 4, 5}


def test_latest_end_for_lower_grades():
    data = tiny()
    data["policy"]["overrides"]["latest_lesson_end.3"] = "14:10"
    school = School.model_validate(data)
    periods = {p for _, _, p, _, _ in covered(school, solved(school))}
    assert periods == {1, 2, 3, 4}
    assert school.resolved_policy.overrides["latest_lesson_end.3"] == "14:10"


def test_pinned_lesson_starts_where_pinned():
    data = tiny()
    data["lessons"] = [
        {
            "id": "meeting-c31",
            "subject": "music",
            "teachers": ["t5"],
            "groups": ["c3-1"],
            "pinned": [{"day": 3, "period": 2}],
        }
    ]
    data["assignments"] = [a for a in data["assignments"] if (a["class_id"], a["subject"]) != ("c3-1", "music")]
    school = School.model_validate(data)
    solution = solved(school)
    assert [(p.day, p.period) for p in solution.placements if p.lesson == "meeting-c31"] == [(3, 2)]


def test_double_lesson_never_straddles_lunch_and_subject_cap_holds():
    data = tiny()
    data["assignments"][0]["doubles"] = 1  # 三年级1班 语文: one double + two singles
    school = School.model_validate(data)
    solution = solved(school)
    doubles = [p for p in solution.placements if school.lesson_by_id[p.lesson].duration == 2]
    assert len(doubles) == 1 and doubles[0].period != 3  # periods 3–4 straddle lunch
    chinese = Counter((c, d) for c, d, _, s, _ in covered(school, solution) if s == "chinese")
    assert max(chinese.values()) <= 2


def _chinese_as_lesson(data: dict, **fields) -> School:
    """三年级1班 语文 as an explicit lesson of 张老师 (count 4 by the plan) with ``fields``."""
    data["assignments"] = [a for a in data["assignments"] if (a["class_id"], a["subject"]) != ("c3-1", "chinese")]
    data["lessons"] = [
        {"id": "c31-chinese", "subject": "chinese", "teachers": ["t1"], "groups": ["c3-1"], "count": 4, **fields}
    ]
    return School.model_validate(data)


def test_different_days_spreads_the_sessions_of_a_lesson():
    # 语文 may have 2 a day; a lesson of 2 sessions at least 2 days apart (3 days) lands on days 1 and 3
    data = tiny()
    data["policy"]["overrides"]["weekly_lessons.3"]["chinese"] = 2
    school = _chinese_as_lesson(data, count=2, different_days=True, min_days_apart=2)
    days = sorted(p.day for p in solved(school).placements if p.lesson == "c31-chinese")
    assert days == [1, 3]


def test_different_days_with_a_teacher_away_on_one_day_is_infeasible_and_named():
    # 3 sessions on 3 different days, but 张老师 is away on Wednesday: without the rule 2 + 1 would do
    data = tiny()
    data["policy"]["overrides"]["weekly_lessons.3"]["chinese"] = 3
    data["teachers"][0]["unavailable"] = [{"day": 3, "period": p} for p in range(1, 6)]
    assert solve(_chinese_as_lesson(copy.deepcopy(data), count=3), OPTIONS).status in ("optimal", "feasible")
    result = solve(_chinese_as_lesson(data, count=3, different_days=True), OPTIONS)
    assert result.status == "infeasible"
    named = [f.message for f in result.explanation if f.rule == "different_days"]
    assert named and "三年级1班 语文" in named[0] and "同一课的各次分在不同的日子" in named[0]


def test_teacher_max_days_keeps_a_teacher_to_that_many_days():
    # 张老师 teaches 语文 in both classes (8 a week, at most 2 a class a day): 2 days at the least, and 2 at most
    data = tiny()
    data["assignments"][1]["teachers"] = ["t1"]
    data["teachers"][0]["max_days_per_week"] = 2
    school = School.model_validate(data)
    solution = solved(school)
    days = {p.day for p in solution.placements if "t1" in school.lesson_by_id[p.lesson].teachers}
    assert len(days) == 2
    assert check(school, solution).ok


def test_teacher_max_days_that_cannot_hold_is_infeasible_and_named():
    # 语文 4 a week at most 2 a day needs 2 days; 张老师 may teach on only 1 (5 periods: counting passes)
    data = tiny()
    data["teachers"][0]["max_days_per_week"] = 1
    result = solve(School.model_validate(data), OPTIONS)
    assert result.status == "infeasible"
    named = [f.message for f in result.explanation if f.rule == "teacher_max_days"]
    assert named and "张老师" in named[0] and "教师每周上课天数上限" in named[0]


def _chinese_pinned_at_both_ends(data: dict, classes: tuple[str, ...], **teacher) -> School:
    """张老师 teaches 语文 (at most 2 a day a class) in ``classes``; on 周一 the first class's starts in
    period 1, the last class's in period 5; ``teacher`` fields set on 张老师."""
    data["assignments"] = [a for a in data["assignments"] if a["subject"] != "chinese" or a["class_id"] not in classes]
    data["lessons"] = [
        {"id": f"{c}.chinese", "subject": "chinese", "teachers": ["t1"], "groups": [c], "count": 4} for c in classes
    ]
    data["lessons"][0]["pinned"] = [{"day": 1, "period": 1}]
    data["lessons"][-1]["pinned"] = [*data["lessons"][-1].get("pinned", []), {"day": 1, "period": 5}]
    data["teachers"][0].update(teacher)
    return School.model_validate(data)


def teacher_gaps_by_day(school: School, solution, teacher_id: str) -> dict[int, int]:
    """Free periods between two the teacher teaches on a day, unavailable periods excepted (one bell schedule)."""
    teacher = school.teacher_by_id[teacher_id]
    taught = {(day, p) for _, day, p, _, teachers in covered(school, solution) if teacher_id in teachers}
    out = {}
    for day in range(1, len(school.days) + 1):
        periods = [p for d, p in taught if d == day]
        between = range(min(periods, default=0) + 1, max(periods, default=0))
        out[day] = sum((day, p) not in taught and teacher.free(day, p, "primary") for p in between)
    return out


def test_teacher_max_gaps_fills_the_day_between_lessons_at_both_ends():
    # 周一 张老师 teaches in periods 1 and 5 (pinned) and at most 2 more (语文 2 a day a class):
    # one gap at the least that day, and none on the other days
    school = _chinese_pinned_at_both_ends(tiny(), ("c3-1", "c3-2"), max_gaps_per_day=1, max_gaps_per_week=1)
    solution = solved(school)
    assert teacher_gaps_by_day(school, solution, "t1") == {1: 1, 2: 0, 3: 0}
    assert check(school, solution).ok


def test_teacher_max_gaps_with_unavailable_periods_is_infeasible_and_named():
    # 周一 张老师 teaches 三年级1班 in periods 1 and 5 only (语文 2 a day); period 3 unavailable is no gap
    away = [{"day": 1, "period": 3}]
    school = _chinese_pinned_at_both_ends(tiny(), ("c3-1",), max_gaps_per_day=2, unavailable=away)
    solution = solved(school)
    assert teacher_gaps_by_day(school, solution, "t1")[1] == 2
    result = solve(_chinese_pinned_at_both_ends(tiny(), ("c3-1",), max_gaps_per_day=1, unavailable=away), OPTIONS)
    assert result.status == "infeasible"
    named = [f.message for f in result.explanation if f.rule == "teacher_max_gaps"]
    assert named and "张老师" in named[0] and "教师空堂上限" in named[0]
    relaxed = [f.message for f in result.explanation if f.rule == "relaxation"]
    assert "放宽建议（已验证可排出课表）：把 张老师 每天空堂上限从 1 提高到 2" in relaxed


def test_gap_limits_minimised_to_zero_give_a_timetable_of_the_hard_rules(monkeypatch):
    # The first phase's second way (solve._by_gap_excess), straight away: the same schools as above
    import scheduler.solve as solve_module

    monkeypatch.setattr(solve_module, "GAPS_HARD_SECONDS", 0.0)
    calls, by_excess = [], solve_module._by_gap_excess
    monkeypatch.setattr(solve_module, "_by_gap_excess", lambda *args: calls.append(1) or by_excess(*args))
    school = _chinese_pinned_at_both_ends(tiny(), ("c3-1", "c3-2"), max_gaps_per_day=1, max_gaps_per_week=1)
    result = solve(school, OPTIONS)
    assert calls and result.status in ("optimal", "feasible") and result.time_to_first is not None
    assert teacher_gaps_by_day(school, result.solution, "t1") == {1: 1, 2: 0, 3: 0}
    assert check(school, result.solution).ok
    # a least excess above 0 proves the limits cannot hold: infeasible, named as by the hard rule
    away = [{"day": 1, "period": 3}]
    result = solve(_chinese_pinned_at_both_ends(tiny(), ("c3-1",), max_gaps_per_day=1, unavailable=away), OPTIONS)
    assert len(calls) == 2 and result.status == "infeasible"
    assert any(f.rule == "teacher_max_gaps" and "张老师" in f.message for f in result.explanation)


def test_allowed_starts_keep_sessions_in_their_slots():
    allowed = [(1, 4), (2, 4), (3, 4), (1, 5)]
    school = _chinese_as_lesson(tiny(), allowed_starts=[{"day": d, "period": p} for d, p in allowed])
    starts = sorted((p.day, p.period) for p in solved(school).placements if p.lesson == "c31-chinese")
    assert starts == sorted(allowed)


def test_too_few_allowed_starts_is_infeasible_and_named():
    school = _chinese_as_lesson(tiny(), allowed_starts=[{"day": d, "period": 4} for d in (1, 2, 3)])
    result = solve(school, OPTIONS)
    assert result.status == "infeasible"
    named = [f.message for f in result.explanation if f.rule == "allowed_starts"]
    assert named and "三年级1班 语文" in named[0] and "课的允许开始时间" in named[0]


def test_same_time_lessons_start_together():
    data = tiny()
    data["assignments"] = [a for a in data["assignments"] if a["subject"] != "chinese"]
    data["lessons"] = [
        {"id": "c31-chinese", "subject": "chinese", "teachers": ["t1"], "groups": ["c3-1"], "count": 4},
        {"id": "c32-chinese", "subject": "chinese", "teachers": ["t2"], "groups": ["c3-2"], "count": 4},
    ]
    data["lessons"][1]["same_time_as"] = "c31-chinese"
    data["lessons"][1]["pinned"] = [{"day": 2, "period": 5}]
    solution = solved(School.model_validate(data))

    def starts(lesson_id: str, placements) -> list[tuple[int, int]]:
        return sorted((p.day, p.period) for p in placements if p.lesson == lesson_id)

    assert starts("c31-chinese", solution.placements) == starts("c32-chinese", solution.placements)
    assert (2, 5) in starts("c31-chinese", solution.placements)  # pulled into 三年级2班's pinned afternoon slot


def _teacher_days(school: School, solution, teacher: str) -> list[int]:
    """Periods the teacher teaches on each day, sorted."""
    per_day = Counter({day: 0 for day in range(1, len(school.days) + 1)})
    for p in solution.placements:
        lesson = school.lesson_by_id[p.lesson]
        if teacher in lesson.teachers:
            per_day[p.day] += lesson.duration
    return sorted(per_day.values())


def test_teacher_min_day_gives_a_teaching_day_at_least_that_many_periods():
    # 张老师: 语文 4 a week, at most 2 a day; at least 2 on a day with lessons: two days of 2, one free day
    data = tiny()
    data["teachers"][0]["min_lessons_per_day"] = 2
    school = School.model_validate(data)
    solution = solved(school)
    assert _teacher_days(school, solution, "t1") == [0, 2, 2]
    assert check(school, solution).ok


def test_teacher_min_day_on_every_day_that_cannot_hold_is_infeasible_and_named():
    # 张老师 also teaches 三年级2班 语文 (8 a week) and must teach 2 every day, but is away on 周三
    data = tiny()
    data["assignments"][1]["teachers"] = ["t1"]
    data["teachers"][0].update(
        min_lessons_per_day=2, allow_empty_days=False, unavailable=[{"day": 3, "period": p} for p in range(1, 6)]
    )
    result = solve(School.model_validate(data), OPTIONS)
    assert result.status == "infeasible"
    named = [f.message for f in result.explanation if f.rule == "teacher_min_day"]
    assert named == ["张老师：教师每天最少课时"]
    verified = [f.message for f in result.explanation if f.rule == "relaxation" and "已验证" in f.message]
    assert any("张老师" in m for m in verified), result.explanation


def _two_subjects(data: dict) -> dict:
    """Each class has 语文 4 and 数学 2 a week only (no daily activity rule): 6 periods."""
    data["policy"]["overrides"] = {"weekly_lessons.3": {"chinese": 4, "math": 2}, "daily_activity_minutes": 0}
    data["assignments"] = [a for a in data["assignments"] if a["subject"] in ("chinese", "math")]
    return data


def test_class_min_lessons_per_day_leaves_a_day_empty_or_fills_it():
    # 6 periods, at least 3 on a day with lessons: two days of 3 and a free day
    data = _two_subjects(tiny())
    data["classes"][0]["min_lessons_per_day"] = 3
    school = School.model_validate(data)
    solution = solved(school)
    per_day = Counter({day: 0 for day in (1, 2, 3)})
    for c, day, _, _, _ in covered(school, solution):
        per_day[day] += c == "c3-1"
    assert sorted(per_day.values()) == [0, 3, 3]
    assert check(school, solution).ok
    # without empty days 3 × 3 periods are needed: infeasible, named by counting
    data["classes"][0]["allow_empty_days"] = False
    result = solve(School.model_validate(data), OPTIONS)
    assert result.status == "infeasible"
    (finding,) = [f for f in result.explanation if f.rule == "class_lessons_per_day"]
    assert finding.message == "三年级1班 每周 6 节课，但每天都要有 3–5 节（共 3 天），需 9–15 节"


def test_class_max_lessons_per_day_caps_each_day():
    # 11 periods a week at most 4 a day: 4 + 4 + 3
    data = tiny()
    data["classes"][0]["max_lessons_per_day"] = 4
    school = School.model_validate(data)
    solution = solved(school)
    per_day = Counter(day for c, day, _, _, _ in covered(school, solution) if c == "c3-1")
    assert sorted(per_day.values()) == [3, 4, 4]
    assert check(school, solution).ok


def test_class_max_lessons_per_day_that_cannot_hold_is_infeasible_and_named():
    # 11 periods a week, at most 3 a day on 3 days: named by counting
    data = tiny()
    data["classes"][0]["max_lessons_per_day"] = 3
    result = solve(School.model_validate(data), OPTIONS)
    assert result.status == "infeasible"
    (finding,) = [f for f in result.explanation if f.rule == "class_lessons_per_day"]
    assert finding.message == "三年级1班 每周 11 节课，但本班每天最多 3 节，每周最多 9 节"


def test_lessons_not_with_each_other_never_overlap():
    data = tiny()
    data["assignments"] = [a for a in data["assignments"] if a["subject"] != "chinese"]
    data["lessons"] = [
        {"id": "c31-chinese", "subject": "chinese", "teachers": ["t1"], "groups": ["c3-1"], "count": 4},
        {"id": "c32-chinese", "subject": "chinese", "teachers": ["t2"], "groups": ["c3-2"], "count": 4},
    ]
    data["lessons"][1]["not_with"] = ["c31-chinese"]
    school = School.model_validate(data)
    solution = solved(school)
    slots = Counter((p.day, p.period) for p in solution.placements if p.lesson.endswith("chinese"))
    assert sum(slots.values()) == 8 and max(slots.values()) == 1
    assert check(school, solution).ok
    # both pinned to 周一 第1节: infeasible, the pair is named
    for lesson in data["lessons"]:
        lesson["pinned"] = [{"day": 1, "period": 1}]
    result = solve(School.model_validate(data), OPTIONS)
    assert result.status == "infeasible"
    named = [f.message for f in result.explanation if f.rule == "not_overlapping"]
    assert named == ["三年级2班 语文 与 三年级1班 语文：不能同时上的课"]
    verified = [f.message for f in result.explanation if f.rule == "relaxation" and "已验证" in f.message]
    assert "允许 语文（c32-chinese）与 语文（c31-chinese）同时上课（取消“不能同时上”）" in " ".join(verified)


def _day_periods(school: School, solution, class_id: str) -> dict[int, list[int]]:
    """Per day, the sorted periods covering the class."""
    out: dict[int, list[int]] = {day: [] for day in range(1, len(school.days) + 1)}
    for c, day, period, _, _ in covered(school, solution):
        if c == class_id:
            out[day].append(period)
    return {day: sorted(periods) for day, periods in out.items()}


def _pinned_music_and_pe(data: dict, music: tuple[int, int], pe: tuple[int, int]) -> dict:
    """三年级1班's music and PE as lessons, one session of each pinned to the (day, period) given."""
    data["assignments"] = [
        a for a in data["assignments"] if a["class_id"] != "c3-1" or a["subject"] not in ("music", "pe")
    ]
    data["lessons"] = [
        {"id": "c31-music", "subject": "music", "teachers": ["t5"], "groups": ["c3-1"], "count": 1, "slot": music},
        {"id": "c31-pe", "subject": "pe", "teachers": ["t4"], "groups": ["c3-1"], "count": 3, "slot": pe},
    ]
    for lesson in data["lessons"]:
        day, period = lesson.pop("slot")
        lesson["pinned"] = [{"day": day, "period": period}]
    return data


def test_class_no_gaps_keeps_each_day_one_block():
    # 音乐 pinned to 周一 第1节 and 体育 to 第5节: without gaps 三年级1班 has all five periods on Monday
    data = _pinned_music_and_pe(tiny(), music=(1, 1), pe=(1, 5))
    data["classes"][0]["no_gaps"] = True
    school = School.model_validate(data)
    solution = solved(school)
    days = _day_periods(school, solution, "c3-1")
    assert days[1] == [1, 2, 3, 4, 5]
    assert all(periods == list(range(periods[0], periods[-1] + 1)) for periods in days.values() if periods)
    assert check(school, solution).ok


def test_class_no_gaps_that_cannot_hold_is_infeasible_and_named():
    # as above, but 张老师 (语文) is away on Monday: only one 数学 (at most 1 a day) is left for periods 2–4
    data = _pinned_music_and_pe(tiny(), music=(1, 1), pe=(1, 5))
    data["classes"][0]["no_gaps"] = True
    data["teachers"][0]["unavailable"] = [{"day": 1, "period": p} for p in range(1, 6)]
    result = solve(School.model_validate(data), OPTIONS)
    assert result.status == "infeasible"
    named = [f.message for f in result.explanation if f.rule == "class_no_gaps"]
    assert named and "三年级1班" in named[0] and "班级无空堂" in named[0]
    verified = [f.message for f in result.explanation if f.rule == "relaxation" and "已验证" in f.message]
    assert "放宽建议（已验证可排出课表）：允许 三年级1班 有空堂（取消“无空堂”）" in verified, result.explanation


def test_class_starts_first_period_puts_a_lesson_in_period_1_every_day():
    # on Monday only 赵老师 (体育) can teach in period 1: 三年级1班, which has lessons every day, has PE then
    data = tiny()
    data["classes"][0]["starts_first_period"] = True
    for teacher in data["teachers"]:
        if teacher["id"] != "t4":
            teacher["unavailable"] = [{"day": 1, "period": 1}]
    school = School.model_validate(data)
    solution = solved(school)
    days = _day_periods(school, solution, "c3-1")
    assert all(periods[0] == 1 for periods in days.values())
    monday_first = [p.lesson for p in solution.placements if (p.day, p.period) == (1, 1)]
    assert [school.lesson_by_id[lid].groups for lid in monday_first] == [["c3-1"]]
    assert check(school, solution).ok


def test_class_starts_first_period_that_cannot_hold_is_infeasible_and_named():
    # both classes need PE every day and must start in period 1; on Monday only 赵老师 is there, for one class
    data = tiny()
    for school_class in data["classes"]:
        school_class["starts_first_period"] = True
    for teacher in data["teachers"]:
        if teacher["id"] != "t4":
            teacher["unavailable"] = [{"day": 1, "period": 1}]
    result = solve(School.model_validate(data), OPTIONS)
    assert result.status == "infeasible"
    named = [f.message for f in result.explanation if f.rule == "class_starts_first_period"]
    assert named and "班级每天从第1节开始" in named[0]
    verified = [f.message for f in result.explanation if f.rule == "relaxation" and "已验证" in f.message]
    assert "放宽建议（已验证可排出课表）：允许 三年级1班 某天不从第1节开始上课（取消“每天从第1节开始”）" in verified


def test_teacher_max_per_day():
    data = tiny()
    data["teachers"][2]["max_lessons_per_day"] = 2  # 王老师: 6 maths periods over 3 days
    school = School.model_validate(data)
    solution = solved(school)
    per_day = Counter(d for _, d, _, _, t in covered(school, solution) if "t3" in t)
    assert per_day == {1: 2, 2: 2, 3: 2}


def test_sections_may_run_together_but_never_with_whole_class_lessons():
    data = tiny()
    data["classes"][0]["sections"] = ["男", "女"]
    data["teachers"].append({"id": "t6", "name": "钱老师", "subjects": ["pe"]})
    data["assignments"] = [a for a in data["assignments"] if (a["class_id"], a["subject"]) != ("c3-1", "pe")]
    data["lessons"] = [
        {"id": "pe-boys", "subject": "pe", "teachers": ["t4"], "groups": ["c3-1:男"], "count": 3},
        {"id": "pe-girls", "subject": "pe", "teachers": ["t6"], "groups": ["c3-1:女"], "count": 3},
    ]
    school = School.model_validate(data)
    solution = solved(school)
    by_slot: dict[tuple[int, int], list[str]] = {}
    for p in solution.placements:
        if "c3-1" in p.groups[0]:
            by_slot.setdefault((p.day, p.period), []).append(p.groups[0])
    for groups in by_slot.values():
        assert len(groups) == 1 or set(groups) == {"c3-1:男", "c3-1:女"}


def test_teacher_in_two_bell_schedules_never_overlaps_in_clock_time():
    data = tiny()
    middle = [
        {"index": i + 1, "start": s, "end": e}
        for i, (s, e) in enumerate(
            [("08:00", "08:45"), ("08:55", "09:40"), ("10:10", "10:55"), ("13:30", "14:15"), ("14:25", "15:10")]
        )
    ]
    data["bell_schedules"].append(
        {
            "stage": "middle",
            "periods": middle,
            "blocks": [
                {"name": "大课间", "kind": "activity", "start": "09:40", "end": "10:10", "physical_activity": True}
            ],
        }
    )
    data["classes"].append({"id": "c7-1", "name": "七年级1班", "grade": 7})
    data["policy"]["overrides"]["weekly_lessons.7"] = {"math": 3, "pe": 3, "music": 1}
    data["assignments"] += [
        {"class_id": "c7-1", "subject": "math", "teachers": ["t3"]},
        {"class_id": "c7-1", "subject": "pe", "teachers": ["t4"]},
        {"class_id": "c7-1", "subject": "music", "teachers": ["t5"]},
    ]
    school = School.model_validate(data)
    solution = solved(school)
    from scheduler.domain import minutes

    for teacher in ("t3", "t4", "t5"):
        intervals = sorted(
            (p.day, minutes(p.start), minutes(p.end)) for p in solution.placements if teacher in p.teachers
        )
        for (d1, _, e1), (d2, s2, _) in zip(intervals, intervals[1:], strict=False):
            assert d1 != d2 or e1 <= s2, teacher


def test_warm_start_from_a_previous_timetable_is_used():
    school = tiny_school()
    first = solved(school)
    result = solve(school, SolveOptions(time_limit=20, hint=first))
    assert result.status == "optimal"
    assert result.time_to_first is not None and result.time_to_first <= result.wall_time


def test_stopping_once_the_first_timetable_is_reported_keeps_it():
    # A user who cancels after the progress showed a timetable gets that timetable, soft goals counted.
    import threading

    school = tiny_school()
    stop = threading.Event()
    seen = []

    def on_progress(progress):
        seen.append(progress.solutions)
        stop.set()

    result = solve(school, SolveOptions(time_limit=20), progress=on_progress, stop=stop)
    assert seen[0] == 1  # the first phase's timetable, reported before the optimisation
    assert result.status == "feasible" and result.solution is not None
    assert check(school, result.solution).ok
    assert result.terms == check(school, result.solution).soft


@pytest.mark.parametrize("field", ["teacher_gaps", "core_in_afternoon", "flexible_day_shortfall"])
def test_objective_terms_are_reported(field):
    result = solve(tiny_school(), OPTIONS)
    assert field in result.terms
    assert result.objective == sum(getattr(tiny_school().weights, name) * value for name, value in result.terms.items())


def test_periods_fixture_is_consistent():
    assert [p["index"] for p in PERIODS] == [1, 2, 3, 4, 5]


def test_a_class_without_lessons_is_no_crash():
    # e.g. an imported FET file with an empty class: the policy plans nothing for it
    data = tiny()
    data["policy"]["overrides"] = {"weekly_lessons.3": {}, "daily_activity_minutes": 0}
    for a in data["assignments"]:
        a["periods_per_week"] = 2
    data["classes"].append({"id": "c3-3", "name": "三年级3班", "grade": 3, "sections": ["男", "女"]})
    school = School.model_validate(data)
    result = solve(school, SolveOptions(time_limit=10))
    assert result.solution is not None, result.status
    assert check(school, result.solution).ok


def test_a_fixed_first_timetable_keeps_its_placements_and_gets_its_soft_goals_counted():
    # solve() falls back on this when the optimisation finds nothing better in its time
    from ortools.sat.python import cp_model

    from scheduler.model import build_model
    from scheduler.model.variables import decisions
    from scheduler.solve import _fixed

    school = tiny_school()
    plain = build_model(school, objective=False)
    first = cp_model.CpSolver()
    assert first.solve(plain.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    values = {key: first.boolean_value(var) for key, var in decisions(plain.vars).items()}
    built = build_model(school)
    fixed, status = _fixed(built, values, OPTIONS)
    assert status == cp_model.OPTIMAL
    starts = {key for key, var in plain.vars.start.items() if first.boolean_value(var)}
    assert {key for key, var in built.vars.start.items() if fixed.boolean_value(var)} == starts
    placements = [Placement(lesson=lesson, day=day, period=period) for lesson, day, period in sorted(starts)]
    report = check(school, Solution(school_id=school.id, placements=placements))
    assert {name: int(fixed.value(expr)) for name, expr in built.terms.items()} == report.soft


def test_starts_a_unit_rule_forbids_get_no_variable_outside_explain_mode():
    from scheduler.model import build_model, forbidden_starts

    data = tiny()
    data["teachers"][2]["unavailable"] = [{"day": 1, "period": p} for p in (1, 2, 3)]  # t3: math of both classes
    data["policy"]["overrides"]["stages.primary.earliest_start"] = "09:10"  # no period 1 for anyone
    school = School.model_validate(data)
    math = [lesson.id for lesson in school.all_lessons if lesson.subject == "math"]
    forbidden = forbidden_starts(school)
    assert {(m, 1, p) for m in math for p in (1, 2, 3)} <= forbidden
    assert {(lesson.id, d, 1) for lesson in school.all_lessons for d in (1, 2, 3)} <= forbidden
    assert (math[0], 1, 4) not in forbidden and (math[0], 2, 2) not in forbidden
    plain = build_model(school, objective=False)
    assert not forbidden & plain.vars.start.keys()
    assert all(var.index in plain.vars.key_of for var in plain.vars.start.values())
    # explain mode keeps every start: there each forbidding is a rule instance that may be relaxed
    assert forbidden <= build_model(school, explain=True, objective=False).vars.start.keys()
    solution = solved(school)
    assert check(school, solution).ok
    assert not {(p.lesson, p.day, p.period) for p in solution.placements} & forbidden


# both classes have as many periods a week as the week has (3 days × 5 periods)
FULL_WEEK = {
    "preset": "national-2022",
    "overrides": {"weekly_lessons.3": {"chinese": 6, "math": 3, "pe": 3, "music": 3}},
}


def _full_week_school() -> School:
    return tiny_school(policy=FULL_WEEK)


def _exactly_ones(model) -> int:
    return sum(1 for c in model.proto.constraints if c.has_exactly_one())


def test_a_full_week_states_every_period_of_the_class_taken(monkeypatch):
    import scheduler.solve as solve_module
    from scheduler.model import build_model
    from scheduler.model.clashes import without_full_weeks

    calls, portfolio = [], solve_module._full_week_portfolio
    monkeypatch.setattr(solve_module, "_full_week_portfolio", lambda *args: calls.append(1) or portfolio(*args))

    # the full week adds one "exactly one" per class and period (2 × 15); a class with free periods adds none
    full, spare = build_model(_full_week_school()), build_model(tiny_school())
    assert _exactly_ones(full.model) - _exactly_ones(spare.model) == 30 == len(full.vars.full_clashes)
    # the local search's copy has them as "at most one" again, the built model keeps them
    loose = without_full_weeks(full.model, full.vars.full_clashes)
    assert _exactly_ones(loose) == _exactly_ones(spare.model) and _exactly_ones(full.model) > _exactly_ones(loose)
    assert [list(loose.proto.constraints[i].at_most_one.literals) for i in full.vars.full_clashes] == [
        list(full.model.proto.constraints[i].exactly_one.literals) for i in full.vars.full_clashes
    ]
    # explain mode relaxes the clash and the lesson counts one by one, so it keeps the plain "at most one"
    explained = build_model(_full_week_school(), explain=True)
    assert _exactly_ones(explained.model) == _exactly_ones(build_model(tiny_school(), explain=True).model)
    # the first phase races the two forms (solve._full_week_portfolio); the checker passes what it gives
    school = _full_week_school()
    solution = solved(school)
    assert calls and check(school, solution).ok
    for class_id in ("c3-1", "c3-2"):
        slots = [(day, period) for c, day, period, _, _ in covered(school, solution) if c == class_id]
        assert sorted(slots) == [(d, p) for d in (1, 2, 3) for p in range(1, 6)]


def test_a_full_week_that_cannot_be_taught_is_still_infeasible_and_named(monkeypatch):
    import scheduler.solve as solve_module

    statuses, portfolio = [], solve_module._full_week_portfolio
    monkeypatch.setattr(
        solve_module, "_full_week_portfolio", lambda *args: statuses.append((out := portfolio(*args))[0]) or out
    )
    data = tiny(policy=FULL_WEEK)
    # 王老师 (math, both classes) away on Monday: math is at most once a day, three times a week in three days
    data["teachers"][2]["unavailable"] = [{"day": 1, "period": p} for p in range(1, 6)]
    result = solve(School.model_validate(data), OPTIONS)
    # the race proves it (its complete search, or presolve on either side), not the explanation pass after it
    assert result.status == "infeasible" and statuses == [solve_module.cp_model.INFEASIBLE]
    rules = {f.rule for f in result.explanation}
    assert {"teacher_unavailable", "subject_per_day"} <= rules
    assert any("王老师" in f.message for f in result.explanation)


@pytest.mark.parametrize(
    ("override", "binds"),
    [
        ({"stages.primary.max_lessons_per_day": 4}, True),
        ({"stages.primary.max_daily_study_minutes": 160}, True),
        ({"stages.primary.max_lessons_per_day": 5, "stages.primary.max_daily_study_minutes": 200}, False),
    ],
)
def test_a_daily_cap_below_the_days_periods_binds_in_the_model(override, binds):
    # the caps are left out of the model only where the day's 5 periods (40 minutes each) cannot pass them:
    # a Monday with all 5 periods taken is then a timetable of the hard rules, else none
    from ortools.sat.python import cp_model

    from scheduler.model import build_model

    data = tiny()
    data["policy"]["overrides"].update(override)
    built = build_model(School.model_validate(data), objective=False)
    v = built.vars
    monday = [var for lesson in v.lessons_by_atom["c3-1"] for p in range(1, 6) for var in v.covering(lesson, 1, p)]
    built.model.add(sum(monday) == 5)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 20
    status = solver.solve(built.model)
    assert status == (cp_model.INFEASIBLE if binds else cp_model.OPTIMAL)


def test_sections_with_the_same_lessons_count_their_soft_terms_once_each():
    # c3-1's two sections share every lesson: the model builds their terms once (variables.alike_atoms) and
    # counts them per section, as the checker does. 语文 4 times in 3 days repeats at least once a week per
    # class atom: twice for c3-1 (two sections), once for c3-2.
    data = tiny()
    data["classes"][0]["sections"] = ["男", "女"]
    school = School.model_validate(data)
    result = solve(school, OPTIONS)
    assert result.status == "optimal"
    assert result.terms == check(school, result.solution).soft
    assert result.terms["same_subject_same_day"] >= 3
