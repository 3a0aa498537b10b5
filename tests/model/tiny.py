"""Tiny schools written inline for the model tests: 2–3 classes, a few days and periods."""

from __future__ import annotations

import copy

from scheduler.domain import School

PERIODS = [
    {"index": 1, "start": "08:20", "end": "09:00"},
    {"index": 2, "start": "09:10", "end": "09:50"},
    {"index": 3, "start": "10:20", "end": "11:00"},
    {"index": 4, "start": "13:30", "end": "14:10"},
    {"index": 5, "start": "14:20", "end": "15:00"},
]

BASE = {
    "id": "tiny",
    "name": "测试小学",
    "days": ["周一", "周二", "周三"],
    "bell_schedules": [
        {
            "stage": "primary",
            "periods": PERIODS,
            "blocks": [
                {"name": "大课间", "kind": "activity", "start": "09:50", "end": "10:20", "physical_activity": True},
                {"name": "午餐", "kind": "lunch", "start": "11:00", "end": "13:30"},
            ],
        }
    ],
    "policy": {
        "preset": "national-2022",
        "overrides": {"weekly_lessons.3": {"chinese": 4, "math": 3, "pe": 3, "music": 1}},
    },
    "subjects": [
        {"id": "chinese", "name": "语文", "category": "core", "max_per_day": 2, "morning_preferred": True},
        {"id": "math", "name": "数学", "category": "core", "morning_preferred": True},
        {"id": "pe", "name": "体育", "category": "pe", "room_type": "playground", "protected": True},
        {"id": "music", "name": "音乐", "category": "arts", "room_type": "music", "protected": True},
    ],
    "teachers": [
        {"id": "t1", "name": "张老师", "subjects": ["chinese"]},
        {"id": "t2", "name": "李老师", "subjects": ["chinese"]},
        {"id": "t3", "name": "王老师", "subjects": ["math"]},
        {"id": "t4", "name": "赵老师", "subjects": ["pe"]},
        {"id": "t5", "name": "刘老师", "subjects": ["music"]},
    ],
    "rooms": [
        {"id": "r-pg", "name": "操场", "type": "playground", "capacity": 2},
        {"id": "r-music", "name": "音乐教室", "type": "music", "capacity": 1},
    ],
    "classes": [
        {"id": "c3-1", "name": "三年级1班", "grade": 3},
        {"id": "c3-2", "name": "三年级2班", "grade": 3},
    ],
    "assignments": [
        {"class_id": "c3-1", "subject": "chinese", "teachers": ["t1"]},
        {"class_id": "c3-2", "subject": "chinese", "teachers": ["t2"]},
        {"class_id": "c3-1", "subject": "math", "teachers": ["t3"]},
        {"class_id": "c3-2", "subject": "math", "teachers": ["t3"]},
        {"class_id": "c3-1", "subject": "pe", "teachers": ["t4"]},
        {"class_id": "c3-2", "subject": "pe", "teachers": ["t4"]},
        {"class_id": "c3-1", "subject": "music", "teachers": ["t5"]},
        {"class_id": "c3-2", "subject": "music", "teachers": ["t5"]},
    ],
    "flexible": {"min_days": 1, "late_arrival_until": "09:00", "early_leave_from": "14:10"},
}


def tiny(**changes) -> dict:
    """A fresh copy of the tiny school's data with top-level keys replaced."""
    data = copy.deepcopy(BASE)
    data.update(changes)
    return data


def tiny_school(**changes) -> School:
    return School.model_validate(tiny(**changes))
