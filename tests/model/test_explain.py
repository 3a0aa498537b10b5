"""Impossible schools end with reasons in the school's terms, not a bare INFEASIBLE."""

from __future__ import annotations

from tiny import tiny

from scheduler.domain import School
from scheduler.explain import explain_infeasible, precheck
from scheduler.solve import SolveOptions, solve


def test_one_pe_teacher_for_too_many_classes_names_teacher_and_numbers():
    data = tiny()
    data["teachers"][3]["max_lessons_per_week"] = 4  # 赵老师 teaches 6 PE periods
    result = solve(School.model_validate(data), SolveOptions(time_limit=10))
    assert result.status == "infeasible" and result.solution is None
    finding = next(f for f in result.explanation if f.rule == "teacher_max_week")
    assert "赵老师" in finding.message and "6" in finding.message and "4" in finding.message
    assert finding.need == 6 and finding.available == 4


def test_missing_assignment_is_named_as_curriculum_gap():
    data = tiny()
    data["assignments"] = [a for a in data["assignments"] if (a["class_id"], a["subject"]) != ("c3-2", "music")]
    findings = precheck(School.model_validate(data))
    assert [f.rule for f in findings] == ["weekly_hours"]
    assert "三年级2班" in findings[0].message and "音乐" in findings[0].message


def test_pe_every_day_but_too_few_pe_lessons():
    data = tiny()
    data["policy"]["overrides"]["weekly_lessons.3"] = {"chinese": 5, "math": 3, "pe": 2, "music": 1}
    findings = precheck(School.model_validate(data))
    activity = [f for f in findings if f.rule == "daily_activity"]
    assert activity and activity[0].need == 3 and activity[0].available == 2
    assert "60 分钟" in activity[0].message


def test_more_sessions_on_different_days_than_days_is_named_by_counting():
    data = tiny()
    data["assignments"] = [a for a in data["assignments"] if (a["class_id"], a["subject"]) != ("c3-1", "chinese")]
    lesson = {"id": "c31-chinese", "subject": "chinese", "teachers": ["t1"], "groups": ["c3-1"], "count": 4}
    data["lessons"] = [{**lesson, "different_days": True}]
    (finding,) = precheck(School.model_validate(data))
    assert finding.rule == "different_days" and (finding.need, finding.available) == (4, 3)
    assert finding.message == "三年级1班 语文 每周 4 次，应分在不同的日子，需要 4 天，但每周只有 3 天"


def test_more_periods_than_a_teachers_days_hold_is_named_by_counting():
    # 张老师: 语文 4 a week, on at most 1 day of at most 3 periods
    data = tiny()
    data["teachers"][0].update(max_days_per_week=1, max_lessons_per_day=3)
    (finding,) = precheck(School.model_validate(data))
    assert finding.rule == "teacher_max_days" and (finding.need, finding.available) == (4, 3)
    assert finding.message == "张老师（语文）任课 4 节/周，但每周最多 1 天有课、每天最多 3 节，最多 3 节"
    # the daily cap is 5 again, but 张老师 is free for only 3 periods on any day
    data["teachers"][0].update(
        max_lessons_per_day=5, unavailable=[{"day": d, "period": p} for d in (1, 2, 3) for p in (4, 5)]
    )
    (finding,) = precheck(School.model_validate(data))
    assert finding.rule == "teacher_max_days" and finding.available == 3
    assert finding.message.endswith("除去不可用时段和教研时间后最多 3 节")


def test_daily_minimums_the_weekly_load_cannot_split_into_are_named_by_counting():
    # 张老师: 语文 4 a week; at least 2 on every one of 3 days needs 6
    data = tiny()
    data["teachers"][0].update(min_lessons_per_day=2, allow_empty_days=False)
    (finding,) = precheck(School.model_validate(data))
    assert finding.rule == "teacher_min_day"
    assert finding.message == "张老师 任课 4 节/周，但每天都要有 2–5 节（共 3 天），需 6–15 节"
    # 三年级1班: 11 periods a week in days of 4–5 (or none): 2 days hold 8–10, 3 days 12–15
    data = tiny()
    data["classes"][0]["min_lessons_per_day"] = 4
    (finding,) = precheck(School.model_validate(data))
    assert finding.rule == "class_lessons_per_day" and finding.need == 11
    assert finding.message == "三年级1班 每周 11 节课，但有课的日子每天 4–5 节，凑不成 11 节"


def test_playground_too_small_for_daily_pe():
    data = tiny(
        rooms=[
            {"id": "r-pg", "name": "操场", "type": "playground", "capacity": 1},
            {"id": "r-music", "name": "音乐教室", "type": "music"},
        ]
    )
    data["days"] = ["周一", "周二", "周三"]
    data["bell_schedules"][0]["periods"] = data["bell_schedules"][0]["periods"][:1]
    findings = precheck(School.model_validate(data))
    assert any(f.rule == "room_capacity" for f in findings)


def test_conflict_beyond_counting_is_explained_by_the_clashing_rules():
    # 赵老师 is away all of Wednesday, yet PE is needed every day for the activity hour:
    # every count is fine, only the model sees the clash.
    data = tiny()
    data["teachers"][3]["unavailable"] = [{"day": 3, "period": p} for p in range(1, 6)]
    school = School.model_validate(data)
    assert precheck(school) == []
    findings = explain_infeasible(school, time_limit=20)
    rules = {f.rule for f in findings}
    assert "teacher_unavailable" in rules and "daily_activity" in rules
    assert any("赵老师" in f.message for f in findings)
    # minimal: dropping any one of the named rule instances makes the school solvable
    assert len([f for f in findings if f.rule != "relaxation"]) <= 4


def test_solve_returns_the_explanation_for_model_infeasibility():
    data = tiny()
    data["teachers"][3]["unavailable"] = [{"day": 3, "period": p} for p in range(1, 6)]
    result = solve(School.model_validate(data), SolveOptions(time_limit=20))
    assert result.status == "infeasible"
    assert any(f.rule == "teacher_unavailable" for f in result.explanation)


def test_explanation_offers_a_verified_relaxation_and_keeps_policy_rules():
    # 赵老师 away all of Wednesday + PE needed daily: freeing Wednesday is the verified relaxation;
    # the activity hour itself is policy and is never offered for relaxation.
    data = tiny()
    data["teachers"][3]["unavailable"] = [{"day": 3, "period": p} for p in range(1, 6)]
    findings = explain_infeasible(School.model_validate(data), time_limit=20)
    relaxations = [f for f in findings if f.rule == "relaxation"]
    verified = [f.message for f in relaxations if "已验证" in f.message]
    assert any("赵老师" in m and "周三" in m for m in verified), relaxations
    assert not any("体育活动" in m for m in verified)
    if any(f.rule == "daily_activity" for f in findings):
        assert any("不能放宽" in f.message for f in relaxations)
    # the verified change really works: apply it and solve
    data["teachers"][3]["unavailable"] = []
    assert solve(School.model_validate(data), SolveOptions(time_limit=10)).solution is not None


def test_playground_too_small_at_the_only_pe_times_suggests_its_capacity():
    # two PE teachers, each free only in period 1; PE is needed daily; the playground holds one class
    data = tiny()
    data["rooms"][0]["capacity"] = 1
    data["teachers"].append({"id": "t6", "name": "孙老师", "subjects": ["pe"]})
    data["assignments"][5]["teachers"] = ["t6"]
    busy = [{"day": d, "period": p} for d in (1, 2, 3) for p in (2, 3, 4, 5)]
    data["teachers"][3]["unavailable"] = busy
    data["teachers"][5]["unavailable"] = busy
    school = School.model_validate(data)
    assert precheck(school) == []
    findings = explain_infeasible(school, time_limit=20)
    assert any(f.rule == "room_capacity" and "操场" in f.message for f in findings)
    verified = [f.message for f in findings if f.rule == "relaxation" and "已验证" in f.message]
    assert any("操场同时容纳 2 个班（现为 1）" in m for m in verified), findings
    policy = [f for f in findings if f.rule == "relaxation" and "不能放宽" in f.message]
    assert len(policy) == 1 and "三年级1班" in policy[0].message and "三年级2班" in policy[0].message


def test_different_days_clash_offers_its_own_relaxation():
    # 数学 (王老师) three times a week on different days, but 王老师 is away all of Wednesday
    data = tiny()
    data["assignments"] = [a for a in data["assignments"] if a["subject"] != "math"]
    data["lessons"] = [
        {
            "id": "c3-1.math",
            "subject": "math",
            "teachers": ["t3"],
            "groups": ["c3-1"],
            "count": 3,
            "different_days": True,
        }
    ]
    data["policy"]["overrides"]["weekly_lessons.3"]["math"] = 3
    data["subjects"][1]["max_per_day"] = 2  # only different_days keeps the sessions apart
    data["teachers"][2]["unavailable"] = [{"day": 3, "period": p} for p in range(1, 6)]
    data["classes"] = data["classes"][:1]
    data["assignments"] = [a for a in data["assignments"] if a["class_id"] == "c3-1"]
    school = School.model_validate(data)
    assert precheck(school) == []
    findings = explain_infeasible(school, time_limit=20)
    assert {"different_days", "teacher_unavailable"} <= {f.rule for f in findings}
    verified = [f.message for f in findings if f.rule == "relaxation" and "已验证" in f.message]
    assert any("王老师" in m and "周三" in m for m in verified), findings
    assert any("数学" in m for m in verified), findings


def test_teacher_max_days_clash_offers_one_more_day():
    # 语文 4 a week at most 2 a day needs 2 days, but 张老师 may teach on only 1
    data = tiny()
    data["teachers"][0]["max_days_per_week"] = 1
    school = School.model_validate(data)
    assert precheck(school) == []
    findings = explain_infeasible(school, time_limit=20)
    assert "teacher_max_days" in {f.rule for f in findings}
    verified = [f.message for f in findings if f.rule == "relaxation" and "已验证" in f.message]
    assert "放宽建议（已验证可排出课表）：把 张老师 每周上课天数上限从 1 提高到 2" in verified, findings
