"""Tiny schools and hand-made timetables for the checker tests.

The base school: two days, five periods (大课间 after period 2, 午餐 after period 4, period 5
in the afternoon), two grade-3 classes, math 2 + PE 1 a week by policy, one music lesson each
in the 音乐教室. ``GOOD`` is a timetable of it that breaks no hard rule:

          周一                         周二
    c1    1 数学  2 体育               1 数学  2 音乐(m1)
    c2    1 音乐(m1)  2 数学           1 体育  2 数学
"""

from __future__ import annotations

from typing import Any

from scheduler.domain import School
from scheduler.solution import Placement, Solution

Row = tuple  # (lesson, day, period) or (lesson, day, period, room)

POLICY = {"weekly_lessons.3": {"math": 2, "pe": 1}, "daily_activity_minutes": 30}


def school_data() -> dict[str, Any]:
    return {
        "id": "tiny",
        "name": "测试小学",
        "days": ["周一", "周二"],
        "bell_schedules": [
            {
                "stage": "primary",
                "periods": [
                    {"index": 1, "start": "08:20", "end": "09:00"},
                    {"index": 2, "start": "09:10", "end": "09:50"},
                    {"index": 3, "start": "10:20", "end": "11:00"},
                    {"index": 4, "start": "11:10", "end": "11:50"},
                    {"index": 5, "start": "14:00", "end": "14:40"},
                ],
                "blocks": [
                    {
                        "name": "大课间",
                        "kind": "activity",
                        "start": "09:50",
                        "end": "10:20",
                        "physical_activity": True,
                    },
                    {"name": "午餐", "kind": "lunch", "start": "11:50", "end": "13:30"},
                ],
                "afternoon_from": "12:00",
            }
        ],
        "policy": {"preset": "national-2022", "overrides": dict(POLICY)},
        "subjects": [
            {"id": "math", "name": "数学", "category": "core", "morning_preferred": True},
            {"id": "pe", "name": "体育", "category": "pe"},
            {"id": "music", "name": "音乐", "category": "arts", "room_type": "music"},
            {"id": "art", "name": "美术", "category": "arts", "max_per_day": 2},
        ],
        "teachers": [
            {"id": "t1", "name": "张老师", "subjects": ["math"]},
            {"id": "t2", "name": "李老师", "subjects": ["pe"]},
            {"id": "t3", "name": "王老师", "subjects": ["music", "art"]},
            {"id": "t4", "name": "赵老师", "subjects": ["music"]},
        ],
        "rooms": [
            {"id": "m1", "name": "音乐教室", "type": "music"},
            {"id": "r1", "name": "多功能教室", "type": "classroom"},
        ],
        "classes": [
            {"id": "c1", "name": "三年级1班", "grade": 3},
            {"id": "c2", "name": "三年级2班", "grade": 3},
        ],
        "lessons": [
            {"id": "c1.math", "subject": "math", "teachers": ["t1"], "groups": ["c1"], "count": 2},
            {"id": "c2.math", "subject": "math", "teachers": ["t1"], "groups": ["c2"], "count": 2},
            {"id": "c1.pe", "subject": "pe", "teachers": ["t2"], "groups": ["c1"]},
            {"id": "c2.pe", "subject": "pe", "teachers": ["t2"], "groups": ["c2"]},
            {"id": "c1.music", "subject": "music", "teachers": ["t3"], "groups": ["c1"]},
            {"id": "c2.music", "subject": "music", "teachers": ["t4"], "groups": ["c2"]},
        ],
    }


def tiny_school(
    policy: dict[str, Any] | None = None, patch: dict[str, dict[str, Any]] | None = None, **extra: list | dict
) -> School:
    """The base school with policy overrides, field patches and extra records.

    ``patch`` maps "table.id" (a schedule: "bell_schedules.primary") to fields to set, e.g.
    ``{"teachers.t1": {"max_lessons_per_week": 3}}``; ``extra`` appends records to a table,
    e.g. ``meetings=[...]``, or sets a top-level record, e.g. ``flexible={...}``.
    """
    data = school_data()
    data["policy"]["overrides"].update(policy or {})
    for key, fields in (patch or {}).items():
        table, _, record_id = key.partition(".")
        (record,) = [r for r in data[table] if record_id in (r.get("id"), r.get("stage"))]
        record.update(fields)
    for table, records in extra.items():
        if isinstance(records, dict):
            data[table] = records
        else:
            data.setdefault(table, []).extend(records)
    return School.model_validate(data)


def sectioned_school() -> School:
    """The base school plus 三年级3班 split into 男/女 for PE (two section lessons)."""
    return tiny_school(
        classes=[{"id": "c3", "name": "三年级3班", "grade": 3, "sections": ["男", "女"]}],
        lessons=[
            {"id": "c3.math", "subject": "math", "teachers": ["t1"], "groups": ["c3"], "count": 2},
            {"id": "c3.pe.m", "subject": "pe", "teachers": ["t2"], "groups": ["c3:男"]},
            {"id": "c3.pe.f", "subject": "pe", "teachers": ["t2"], "groups": ["c3:女"]},
        ],
    )


GOOD: list[Row] = [
    ("c1.math", 1, 1),
    ("c1.math", 2, 1),
    ("c1.pe", 1, 2),
    ("c1.music", 2, 2, "m1"),
    ("c2.math", 1, 2),
    ("c2.math", 2, 2),
    ("c2.pe", 2, 1),
    ("c2.music", 1, 1, "m1"),
]


def timetable(rows: list[Row]) -> Solution:
    placements = [Placement(lesson=r[0], day=r[1], period=r[2], room=r[3] if len(r) > 3 else None) for r in rows]
    return Solution(school_id="tiny", placements=placements)


def replace(rows: list[Row], old: Row, new: Row) -> list[Row]:
    """``rows`` with the row ``old`` replaced by ``new`` (``old`` must be there)."""
    assert old in rows, old
    return [new if r == old else r for r in rows]
