"""Rules teacher_tag_hours / class_tag_hours (FET: activity tag max hours daily / continuously),
class_max_consecutive (FET: students (set) max hours continuously) and teacher_min_days (FET: teacher(s) min
days per week) on a tiny school: each binds, the checker agrees, an impossible cap is named and relaxed."""

from __future__ import annotations

from collections import Counter

import pytest
from pydantic import ValidationError
from test_rules import OPTIONS, solved
from tiny import tiny

from scheduler.check import check
from scheduler.domain import School
from scheduler.solve import solve

MORNING = (1, 2, 3)  # 午餐 after period 3


def _school(tagged: dict[str, list[str]] | None = None, teacher: dict | None = None, c31: dict | None = None) -> School:
    """The tiny school with its assignments of ``tagged`` (subject → tags) as lessons of c3-1 and c3-2 carrying
    the tags; ``teacher``: fields of 王老师 (t3, 数学 of both classes); ``c31``: fields of 三年级1班."""
    data = tiny()
    for subject, tags in (tagged or {}).items():
        for a in [a for a in data["assignments"] if a["subject"] == subject]:
            data["assignments"].remove(a)
            count = data["policy"]["overrides"]["weekly_lessons.3"][subject]
            data.setdefault("lessons", []).append(
                {
                    "id": f"{a['class_id']}.{subject}",
                    "subject": subject,
                    "teachers": a["teachers"],
                    "groups": [a["class_id"]],
                    "count": count,
                    "tags": tags if a["class_id"] == "c3-1" or subject == "math" else [],
                }
            )
    next(t for t in data["teachers"] if t["id"] == "t3").update(teacher or {})
    next(c for c in data["classes"] if c["id"] == "c3-1").update(c31 or {})
    return School.model_validate(data)


def _infeasible_named_and_relaxed(school: School, rule: str, relaxed_words: str) -> None:
    result = solve(school, OPTIONS)
    assert result.status == "infeasible"
    assert any(f.rule == rule for f in result.explanation)
    relaxed = [f.message for f in result.explanation if f.rule == "relaxation" and "已验证" in f.message]
    assert any(relaxed_words in message for message in relaxed), relaxed


def test_teacher_tag_cap_per_day_binds():
    # 王老师: 6 tagged 数学 periods in 3 days; at most 2 a day → exactly 2 each day
    limits = [{"tag": "主课", "max_per_day": 2}]
    school = _school({"math": ["主课"]}, teacher={"tag_limits": limits})
    solution = solved(school)
    assert check(school, solution).ok
    per_day = Counter(p.day for p in solution.placements if "t3" in p.teachers)
    assert per_day == {1: 2, 2: 2, 3: 2}
    one = _school({"math": ["主课"]}, teacher={"tag_limits": [{"tag": "主课", "max_per_day": 1}]})
    _infeasible_named_and_relaxed(one, "teacher_tag_hours", "「主课」课每天上限从 1 节提高到 2 节")


def test_teacher_tag_row_counts_tagged_lessons_only():
    # 王老师 free in periods 1–2 only: 6 数学 periods in 6 slots, two in a row every day
    only_first_two = [{"day": d, "period": p} for d in (1, 2, 3) for p in (3, 4, 5)]
    row_of_one = [{"tag": "理科", "max_consecutive": 1}]
    fields = {"unavailable": only_first_two, "tag_limits": row_of_one}
    # only 三年级1班's 数学 carries the tag (_school tags c3-2's too for math: untag it)
    school = _school({"math": ["理科"]}, teacher=fields)
    data = school.model_dump(mode="json")
    next(lesson for lesson in data["lessons"] if lesson["id"] == "c3-2.math")["tags"] = []
    one_tagged = School.model_validate(data)
    solution = solved(one_tagged)
    assert check(one_tagged, solution).ok
    _infeasible_named_and_relaxed(school, "teacher_tag_hours", "「理科」课连上上限从 1 节提高到 2 节")


def test_class_max_consecutive_binds_and_lunch_ends_the_row():
    # 三年级1班: 11 periods in 3 days of 3 + 2 periods (午餐 between): at most 2 in a row → at most 4 a day
    school = _school(c31={"max_consecutive": 2})
    solution = solved(school)
    assert check(school, solution).ok
    taught = {(p.day, p.period) for p in solution.placements if "c3-1" in school.lesson_by_id[p.lesson].groups}
    assert len(taught) == 11
    # never the whole morning; 11 periods need both afternoon periods on two days, after a morning row of 2
    assert not any({(d, p) for p in MORNING} <= taught for d in (1, 2, 3))
    _infeasible_named_and_relaxed(
        _school(c31={"max_consecutive": 1}), "class_max_consecutive", "连上上限从 1 节提高到 2 节"
    )


def test_class_tag_cap_per_day_binds():
    # 三年级1班: 语文 4 + 数学 3 tagged, 7 periods in 3 days; at most 3 a day
    tagged = {"chinese": ["主课"], "math": ["主课"]}
    school = _school(tagged, c31={"tag_limits": [{"tag": "主课", "max_per_day": 3}]})
    solution = solved(school)
    assert check(school, solution).ok
    per_day = Counter(p.day for p in solution.placements if p.lesson in ("c3-1.chinese", "c3-1.math"))
    assert max(per_day.values()) <= 3 and sum(per_day.values()) == 7
    two = _school(tagged, c31={"tag_limits": [{"tag": "主课", "max_per_day": 2}]})
    _infeasible_named_and_relaxed(two, "class_tag_hours", "「主课」课每天上限从 2 节提高到 3 节")


def test_teacher_min_days_binds():
    # 刘老师 (t5): 音乐 of both classes, 2 periods a week; on at least 2 days → never both on one day
    data = _school().model_dump(mode="json")
    next(t for t in data["teachers"] if t["id"] == "t5")["min_days_per_week"] = 2
    school = School.model_validate(data)
    solution = solved(school)
    assert check(school, solution).ok
    assert len({p.day for p in solution.placements if "t5" in p.teachers}) == 2
    next(t for t in data["teachers"] if t["id"] == "t5")["min_days_per_week"] = 3
    _infeasible_named_and_relaxed(School.model_validate(data), "teacher_min_days", "每周至少上课天数从 3 降到 2")


def test_bad_tag_limits_and_min_days_name_the_field():
    data = tiny()
    t3 = next(t for t in data["teachers"] if t["id"] == "t3")
    t3["tag_limits"] = [{"tag": "主课", "max_per_day": 2}, {"tag": "主课", "max_consecutive": 1}]
    t3["min_days_per_week"] = 4
    c31 = next(c for c in data["classes"] if c["id"] == "c3-1")
    c31["tag_limits"] = [{"tag": "主课"}]
    with pytest.raises(ValidationError) as error:  # a field error first: the record checks wait for it
        School.model_validate(data)
    assert "classes.0.tag_limits.0" in str(error.value) and "give max_per_day or max_consecutive" in str(error.value)
    c31["tag_limits"] = []
    with pytest.raises(ValidationError) as error:
        School.model_validate(data)
    text = str(error.value)
    assert "teachers.2.min_days_per_week" in text and "4 days, the school has 3" in text
    assert "teachers.2.tag_limits.1.tag" in text and "listed twice" in text
