"""Deterministic generator of realistic sample schools (样例学校).

Run ``python -m instances.generate [--out instances/]``. Every school is built from a fixed
seed and fixed staffing rules, so regenerating gives byte-identical JSON. The rules are
written so that the hard rules of docs/RULES.md can all be met (a test counts the capacity):

* 班主任 (the class's Chinese teacher) teaches its 语文, 道德与法治, 班会 and the class's 体育活动,
  plus 劳动 / 综合实践 while the load stays ≤ 12; what is left goes to the maths teacher.
* 数学 teachers teach maths and 科学 of two classes of a grade.
* Specialists (体育, 音乐, 美术, 信息科技, 英语) are pooled: the classes are walked grade by grade
  and handed out in contiguous, balanced runs, so some specialists cross grades or stages.
* Special rooms: ⌈weekly lessons / (0.65 × periods per week)⌉ rooms of each type; the playground
  holds ⌈PE + activity periods / periods per week × 1.6⌉ classes at once, at least 3.

Assumptions and the per-school numbers are in instances/README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scheduler.domain import DEFAULT_DAYS, FlexibleHours, School, Weights
from scheduler.policy import resolve_policy

GRADE_NAMES = "一二三四五六七八九"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_NAMES = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰",
    "霞", "平", "刚", "桂英", "华", "红", "玲", "建国", "建华", "志强", "海燕", "丹", "萍", "鹏", "辉", "婷",
    "雪梅", "慧", "晓东", "晓燕", "春梅", "文静", "俊", "倩", "宇", "颖", "琳", "思远", "子涵", "欣怡", "浩然",
    "丽华", "国庆", "红梅", "立新", "凤英", "玉兰", "晨", "蕾", "佳", "悦", "振华", "雅琴", "卫东", "淑芬",
]  # fmt: skip

# Subject table: id → (display name, category, room type, max per day, flags).
SUBJECTS: dict[str, dict[str, Any]] = {
    "chinese": {"name": "语文", "category": "core", "max_per_day": 2, "morning_preferred": True},
    "math": {"name": "数学", "category": "core", "max_per_day": 2, "morning_preferred": True},
    "english": {"name": "英语", "category": "core", "morning_preferred": True},
    "moral": {"name": "道德与法治", "category": "moral"},
    "science": {"name": "科学", "category": "science"},
    "physics": {"name": "物理", "category": "science"},
    "chemistry": {"name": "化学", "category": "science"},
    "biology": {"name": "生物", "category": "science"},
    "history": {"name": "历史", "category": "other"},
    "geography": {"name": "地理", "category": "other"},
    "it": {"name": "信息科技", "category": "it", "room_type": "computer"},
    "pe": {"name": "体育", "category": "pe", "room_type": "playground", "protected": True},
    "pe_activity": {
        "name": "体育活动",
        "category": "activity",
        "room_type": "playground",
        "counts_as_activity": True,
    },
    "music": {"name": "音乐", "category": "arts", "room_type": "music", "protected": True},
    "art": {"name": "美术", "category": "arts", "room_type": "art", "protected": True},
    "labour": {"name": "劳动", "category": "labour"},
    "practice": {"name": "综合实践", "category": "other"},
    "class_meeting": {"name": "班会", "category": "class_meeting"},
}
ROOM_NAMES = {"music": "音乐教室", "art": "美术教室", "computer": "计算机教室"}

PRIMARY_PERIODS = [
    ("08:20", "09:00"), ("09:10", "09:50"), ("10:20", "11:00"), ("11:10", "11:50"),
    ("13:30", "14:10"), ("14:20", "15:00"), ("15:10", "15:50"),
]  # fmt: skip
MIDDLE_PERIODS = [
    ("08:00", "08:45"), ("08:55", "09:40"), ("10:10", "10:55"), ("11:05", "11:50"),
    ("13:30", "14:15"), ("14:25", "15:10"), ("15:20", "16:05"), ("16:15", "17:00"),
]  # fmt: skip
FLEXIBLE = {"min_days": 2, "late_arrival_until": "09:00", "early_leave_from": "15:10"}

ROOM_LOAD = 0.65  # special rooms are planned at ≤ 65 % use (the test allows 70 %)
PLAYGROUND_FACTOR = 1.6  # playground classes at once = mean demand per period × 1.6
SPECIALIST_MARGIN = 1.25  # specialists can teach 25 % more than the demand


# ---- bell schedules ------------------------------------------------------------------------
def primary_schedule(activity_block: bool) -> dict:
    """小学作息: 40-minute lessons from 08:20 (五项管理: not before 8:20), 大课间 30 min."""
    blocks = [
        {"name": "大课间", "kind": "activity", "start": "09:50", "end": "10:20", "physical_activity": True},
        {"name": "午餐午休", "kind": "lunch", "start": "11:50", "end": "13:30"},
        {"name": "眼保健操", "kind": "eye_exercise", "start": "14:10", "end": "14:15"},
    ]
    if activity_block:
        # 课外体育活动 after the last period: with 大课间 it makes the daily activity hour.
        blocks.append(
            {"name": "课外体育活动", "kind": "activity", "start": "16:00", "end": "16:30", "physical_activity": True}
        )
    return _schedule("primary", "小学作息时间表", PRIMARY_PERIODS, blocks)


def middle_schedule() -> dict:
    """初中作息: 8 lessons of 45 minutes from 08:00 (not before 8:00), 大课间 30 min."""
    blocks = [
        {"name": "大课间", "kind": "activity", "start": "09:40", "end": "10:10", "physical_activity": True},
        {"name": "午餐午休", "kind": "lunch", "start": "11:50", "end": "13:30"},
        {"name": "眼保健操", "kind": "eye_exercise", "start": "14:15", "end": "14:20"},
    ]
    return _schedule("middle", "初中作息时间表", MIDDLE_PERIODS, blocks)


def _schedule(stage: str, name: str, periods: list[tuple[str, str]], blocks: list[dict]) -> dict:
    return {
        "stage": stage,
        "name": name,
        "periods": [{"index": i, "start": s, "end": e} for i, (s, e) in enumerate(periods, 1)],
        "blocks": blocks,
        "afternoon_from": "12:00",
    }


# ---- the builder -----------------------------------------------------------------------------
@dataclass
class Builder:
    """Collects one school's records; ids are handed out in creation order."""

    seed: int
    overrides: dict[str, Any] = field(default_factory=dict)
    classes: list[dict] = field(default_factory=list)
    teachers: list[dict] = field(default_factory=list)
    rooms: list[dict] = field(default_factory=list)
    assignments: list[dict] = field(default_factory=list)
    lessons: list[dict] = field(default_factory=list)
    meetings: list[dict] = field(default_factory=list)
    after_school: dict[str, Any] | None = None
    load: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    taught: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def __post_init__(self) -> None:
        rng = random.Random(self.seed)
        self._names = [s + g for s in SURNAMES for g in GIVEN_NAMES]
        rng.shuffle(self._names)
        self._pupils = random.Random(self.seed + 1)
        self.policy = resolve_policy("national-2022", self.overrides)

    def plan(self, grade: int) -> dict[str, int]:
        return {s: n for s, n in self.policy.weekly_plan(grade).items() if n > 0}

    def add_class(self, grade: int, number: int, pupils: tuple[int, int]) -> str:
        class_id = f"c{grade}-{number}"
        room_id = f"r-{class_id}"
        name = f"{GRADE_NAMES[grade - 1]}年级{number}班"
        self.rooms.append({"id": room_id, "name": f"{name}教室", "type": "classroom", "capacity": 1})
        self.classes.append(
            {
                "id": class_id,
                "name": name,
                "grade": grade,
                "pupils": self._pupils.randint(*pupils),
                "home_room": room_id,
            }
        )
        return class_id

    def add_teacher(self) -> str:
        teacher_id = f"t{len(self.teachers) + 1:03d}"
        self.teachers.append({"id": teacher_id, "name": f"{self._names[len(self.teachers)]}老师"})
        return teacher_id

    def grade_of(self, class_id: str) -> int:
        return int(class_id[1 : class_id.index("-")])

    def periods(self, class_id: str, subject: str) -> int:
        return self.plan(self.grade_of(class_id)).get(subject, 0)

    def assign(self, class_id: str, subject: str, teacher_id: str) -> None:
        """任课: the teacher takes every planned period of the subject in the class."""
        periods = self.periods(class_id, subject)
        if periods == 0:
            return
        self.assignments.append({"class_id": class_id, "subject": subject, "teachers": [teacher_id]})
        self.load[teacher_id] += periods
        self.taught[teacher_id].add(subject)

    def class_meeting(self, class_id: str, teacher_id: str, day: int, period: int) -> None:
        """班会 taught by the 班主任, pinned to one slot (a lesson: assignments cannot pin)."""
        self.lessons.append(
            {
                "id": f"{class_id}.class_meeting",
                "subject": "class_meeting",
                "teachers": [teacher_id],
                "groups": [class_id],
                "count": 1,
                "pinned": [{"day": day, "period": period}],
            }
        )
        self.load[teacher_id] += 1
        self.taught[teacher_id].add("class_meeting")

    def pool(self, subject: str, class_ids: list[str], n_teachers: int) -> list[str]:
        """Hand the classes' lessons of a subject to ``n_teachers`` in contiguous, balanced runs."""
        blocks = [(c, self.periods(c, subject)) for c in class_ids if self.periods(c, subject)]
        share = sum(size for _, size in blocks) / n_teachers
        staff = [self.add_teacher() for _ in range(n_teachers)]
        done = 0
        for class_id, size in blocks:
            self.assign(class_id, subject, staff[min(n_teachers - 1, int((done + size / 2) / share))])
            done += size
        return staff

    def specialists(self, subject: str, class_ids: list[str], max_week: int) -> list[str]:
        """Enough specialists that their weekly maxima exceed the demand by 25 %."""
        demand = sum(self.periods(c, subject) for c in class_ids)
        return self.pool(subject, class_ids, math.ceil(SPECIALIST_MARGIN * demand / max_week))

    def special_rooms(self, room_type: str, subjects: list[str], periods_per_week: int) -> None:
        demand = sum(self.periods(c["id"], s) for c in self.classes for s in subjects)
        if room_type == "playground":
            capacity = max(3, math.ceil(demand / periods_per_week * PLAYGROUND_FACTOR))
            self.rooms.append({"id": "r-playground", "name": "操场", "type": "playground", "capacity": capacity})
            return
        for i in range(1, max(1, math.ceil(demand / (ROOM_LOAD * periods_per_week))) + 1):
            self.rooms.append(
                {"id": f"r-{room_type}{i}", "name": f"{ROOM_NAMES[room_type]}{i}", "type": room_type, "capacity": 1}
            )

    def unavailable(self, teacher_id: str, day: int, periods: range, stage: str | None = None) -> None:
        slots = self._teacher(teacher_id).setdefault("unavailable", [])
        slots += [{"day": day, "period": p} | ({"stage": stage} if stage else {}) for p in periods]

    def meeting(self, meeting_id: str, name: str, teachers: list[str], day: int, start: str, end: str) -> None:
        self.meetings.append(
            {"id": meeting_id, "name": name, "teachers": teachers, "day": day, "start": start, "end": end}
        )

    def _teacher(self, teacher_id: str) -> dict:
        return next(t for t in self.teachers if t["id"] == teacher_id)

    def school(self, school_id: str, name: str, schedules: list[dict]) -> dict:
        """The school as JSON-ready data; teachers' subjects and limits follow their load."""
        order = list(SUBJECTS)
        # Every subject of the plans, even one overridden to 0, so that readers can name it.
        used = {s for c in self.classes for s in self.policy.weekly_plan(c["grade"])}
        subjects = [{"id": sid, **SUBJECTS[sid]} for sid in order if sid in used]
        teachers = []
        for teacher in self.teachers:
            if teacher.get("outside_staff"):
                teachers.append(teacher)
                continue
            load = self.load[teacher["id"]]
            teachers.append(
                {
                    "id": teacher["id"],
                    "name": teacher["name"],
                    "subjects": sorted(self.taught[teacher["id"]], key=order.index),
                    "max_lessons_per_week": 18 if load <= 14 else 20,
                    "max_lessons_per_day": 5 if load <= 15 else 6,
                    "unavailable": teacher.get("unavailable", []),
                }
            )
        data = {
            "id": school_id,
            "name": name,
            "days": list(DEFAULT_DAYS),
            "bell_schedules": schedules,
            "policy": {"preset": "national-2022", "overrides": self.overrides},
            "subjects": subjects,
            "teachers": teachers,
            "rooms": self.rooms,
            "classes": self.classes,
            "assignments": self.assignments,
            "lessons": self.lessons,
            "meetings": self.meetings,
            "weights": Weights().model_dump(),
            "flexible": FlexibleHours.model_validate(FLEXIBLE).model_dump(),
        }
        if self.after_school is not None:
            data["after_school"] = self.after_school
        School.model_validate(data)  # fail here, not in the user's hands
        return data


# ---- after-school "5+2" -----------------------------------------------------------------------
# Service windows per stage (双减: ≥ 2 h, ending no earlier than 17:30; session 1 holds the homework:
# 60 min for grades 3–6, 90 min in middle school).
PRIMARY_WINDOW = {"start": "16:00", "session1_end": "17:00", "session2_start": "17:10", "end": "18:00"}
PRIMARY_WINDOW_AFTER_ACTIVITY = {"start": "16:30", "session1_end": "17:30", "session2_start": "17:40", "end": "18:30"}
MIDDLE_WINDOW = {"start": "17:10", "session1_end": "18:40", "session2_start": "18:40", "end": "19:10"}
WORK_END = "17:30"
PARTICIPATION = 0.9  # share of pupils who stay for session 2 on at least one day
CLUB_SEATS = 1.3  # club places = 1.3 × participating pupils of the grades it serves

# Clubs: (id, name, category, room type, grades, days a week, base size, popularity, instructors).
# Instructors: a pool of school teachers by subject, or "out:<key>" for one outside instructor.
PRIMARY_CLUBS = [
    ("football", "足球", "sports", "playground", range(3, 7), 2, 30, 10, "pe"),
    ("basketball", "篮球", "sports", "playground", range(3, 7), 2, 30, 8, "pe"),
    ("rope", "跳绳", "sports", "playground", range(1, 7), 2, 35, 6, "pe"),
    ("games", "健体游戏", "sports", "playground", range(1, 3), 2, 35, 7, "pe"),
    ("athletics", "田径", "sports", "playground", range(4, 7), 1, 25, 3, "pe"),
    ("wushu", "武术", "sports", "playground", range(1, 7), 1, 30, 5, "out:wushu"),
    ("pingpong", "乒乓球", "sports", "playground", range(2, 7), 1, 25, 6, "out:pingpong"),
    ("dance", "舞蹈", "arts", "dance", range(1, 5), 2, 25, 7, "music"),
    ("choir", "合唱", "arts", "music", range(2, 7), 2, 40, 4, "music"),
    ("folk", "民乐", "arts", "music", range(3, 7), 1, 20, 2, "out:folk"),
    ("painting", "绘画", "arts", "art", range(1, 7), 1, 30, 8, "art"),
    ("calligraphy", "书法", "arts", "calligraphy", range(3, 7), 1, 30, 4, "art"),
    ("papercut", "剪纸", "arts", "art", range(1, 4), 1, 25, 3, "art"),
    ("science", "科技小制作", "science", "science", range(3, 7), 1, 25, 6, "math"),
    ("coding", "编程", "science", "computer", range(4, 7), 1, 25, 9, "it"),
    ("robot", "机器人", "science", "computer", range(4, 7), 1, 20, 7, "out:robot"),
    ("go", "围棋", "chess", "chess", range(2, 7), 1, 25, 4, "out:go"),
    ("chess", "国际象棋", "chess", "chess", range(1, 7), 1, 25, 3, "math"),
    ("abacus", "珠心算", "science", "chess", range(1, 4), 1, 25, 2, "math"),
    ("reading", "阅读", "reading", "library", range(1, 7), 2, 40, 4, "chinese"),
    ("picturebook", "绘本阅读", "reading", "library", range(1, 3), 1, 30, 3, "chinese"),
    ("drama", "英语戏剧", "arts", "dance", range(3, 7), 1, 25, 3, "english"),
    ("garden", "种植", "labour", "labour", range(1, 7), 1, 25, 2, "out:garden"),
    ("handcraft", "手工", "labour", "labour", range(1, 5), 1, 25, 4, "chinese"),
    ("storytelling", "故事会", "reading", "library", range(1, 4), 1, 30, 3, "chinese"),
    ("badminton", "羽毛球", "sports", "playground", range(3, 7), 1, 25, 5, "pe"),
    ("clay", "陶艺", "arts", "art", range(2, 7), 1, 25, 4, "art"),
    ("astronomy", "天文", "science", "science", range(4, 7), 1, 25, 3, "math"),
    ("debate", "小主持人", "reading", "library", range(3, 7), 1, 25, 2, "english"),
    ("volleyball", "软式排球", "sports", "playground", range(4, 7), 1, 25, 3, "pe"),
]
MIDDLE_CLUBS = [
    ("m-basketball", "篮球（初中）", "sports", "playground", range(7, 10), 2, 30, 9, "pe"),
    ("m-football", "足球（初中）", "sports", "playground", range(7, 10), 1, 30, 7, "pe"),
    ("m-coding", "编程（初中）", "science", "computer", range(7, 10), 1, 25, 6, "it"),
    ("m-choir", "合唱（初中）", "arts", "music", range(7, 10), 1, 30, 3, "music"),
    ("m-literature", "文学社", "reading", "library", range(7, 10), 2, 30, 4, "chinese"),
    ("m-maker", "科创社", "science", "science", range(7, 10), 1, 25, 5, "physics"),
]
# Outside instructors (校外专业人员/志愿者) and the days they can come.
OUTSIDE = {
    "wushu": ("武术教练", [2, 4]),
    "pingpong": ("乒乓球教练", [1, 3, 5]),
    "folk": ("民乐老师", [2]),
    "robot": ("机器人工程师", [4]),
    "go": ("围棋老师", [1, 3]),
    "garden": ("家长志愿者", [5]),
}
CLUB_ROOMS = {
    "dance": ("舞蹈室", 1),
    "calligraphy": ("书法教室", 1),
    "science": ("科技活动室", 1),
    "chess": ("棋类活动室", 1),
    "library": ("阅览室", 2),
    "labour": ("劳动实践室", 1),
}


def add_after_school(b: Builder, windows: dict[str, dict], n_clubs: int, middle: bool = False) -> None:
    """Realistic 5+2 data: club rooms, outside instructors, clubs, and pupils with ranked choices."""
    rng = random.Random(b.seed + 5)
    for room_type, (name, capacity) in CLUB_ROOMS.items():
        b.rooms.append({"id": f"r-{room_type}", "name": name, "type": room_type, "capacity": capacity})
    table = PRIMARY_CLUBS[:n_clubs] + (MIDDLE_CLUBS if middle else [])
    outside: dict[str, str] = {}
    for key, (title, days) in OUTSIDE.items():
        if any(club[-1] == f"out:{key}" for club in table):
            teacher_id = f"x{len(outside) + 1:02d}"
            surname = SURNAMES[(b.seed + 7 * len(outside)) % len(SURNAMES)]
            outside[key] = teacher_id
            b.teachers.append(
                {
                    "id": teacher_id,
                    "name": f"{surname}{title}",
                    "max_lessons_per_week": 0,
                    "max_lessons_per_day": 0,
                    "outside_staff": True,
                    "after_school_days": days,
                }
            )
    homerooms = [b.assignments[i]["teachers"][0] for i, a in enumerate(b.assignments) if a["subject"] == "chinese"]
    pools: dict[str, list[str]] = defaultdict(list)
    for teacher in b.teachers:
        for subject in sorted(b.taught[teacher["id"]]):
            pools[subject].append(teacher["id"])
    pools["chinese"] = list(dict.fromkeys(homerooms))
    grades_of = defaultdict(int)
    for c in b.classes:
        grades_of[c["grade"]] += c["pupils"]
    seats_base = defaultdict(int)
    for *_, grades, _days, size, _, _ in table:
        for g in grades:
            seats_base[g] += size / len(grades)
    clubs = []
    for i, (club_id, name, category, room_type, grades, days, size, _, who) in enumerate(table):
        # scale the size so that the clubs of these grades seat CLUB_SEATS × their participants
        scale = sum(grades_of[g] * PARTICIPATION * CLUB_SEATS / seats_base[g] for g in grades) / len(grades)
        max_size = max(size, round(size * scale))
        if who.startswith("out:"):
            instructors = [outside[who[4:]]]
        else:
            pool = [
                t
                for t in pools[who]
                if any(b.grade_of(a["class_id"]) in grades for a in b.assignments if t in a["teachers"])
            ]
            pool = pool or pools[who]
            start = (3 * i) % len(pool)
            instructors = list(dict.fromkeys(pool[(start + k) % len(pool)] for k in range(3)))
        clubs.append(
            {
                "id": club_id,
                "name": name,
                "category": category,
                "grades": list(grades),
                "min_size": 8,
                "max_size": max_size,
                "days_per_week": days,
                "room_type": room_type,
                "physical_activity": category == "sports",
                "instructors": instructors,
            }
        )
    popularity = {club[0]: club[7] for club in table}
    pupils = []
    n_days = len(DEFAULT_DAYS)
    for c in b.classes:
        eligible = [club for club in clubs if c["grade"] in club["grades"]]
        for n in range(1, c["pupils"] + 1):
            if rng.random() < PARTICIPATION:
                if rng.random() < 0.7:
                    until = [2] * n_days
                else:
                    until = [2 if rng.random() < 0.7 else 1 for _ in range(n_days)]
                    until[rng.randrange(n_days)] = 2
                k = min(len(eligible), 3 if c["grade"] <= 2 else 4)
                pool = list(eligible)
                choices = []
                for _ in range(k):
                    weights = [popularity[club["id"]] for club in pool]
                    pick = rng.choices(range(len(pool)), weights=weights)[0]
                    choices.append(pool.pop(pick)["id"])
            else:
                until = [1 if rng.random() < 0.3 else 0 for _ in range(n_days)]
                choices = []
            pupils.append({"id": f"{c['id']}-{n:02d}", "class_id": c["id"], "until": until, "choices": choices})
    b.after_school = {
        "days": None,
        "work_end": WORK_END,
        "windows": [{"stage": stage, **window} for stage, window in windows.items()],
        "max_duties_per_week": 3,
        "supervisors": "class",
        "clubs": clubs,
        "pupils": pupils,
        "participation": [],
    }


def activity_overrides(grades: range) -> dict[str, Any]:
    """No afternoon activity block: PE + 体育活动 = 5 periods a week, taken from 综合实践.

    With one of them every day, 大课间 (30 min) + one lesson (≥ 40 min) makes the activity hour.
    """
    overrides: dict[str, Any] = {}
    base = resolve_policy("national-2022")
    for grade in grades:
        plan = base.weekly_plan(grade)
        activity = 5 - plan["pe"]
        overrides[f"weekly_lessons.{grade}.practice"] = plan["practice"] - activity
        overrides[f"weekly_lessons.{grade}.pe_activity"] = activity
    return overrides


# ---- primary staffing -------------------------------------------------------------------------
HOMEROOM_TARGET = 12  # a 班主任 takes 劳动 / 综合实践 of the class while the load stays ≤ this


def staff_primary_grades(b: Builder, grades: dict[int, list[str]], meeting_period: dict[int, int]) -> dict:
    """班主任 + 数学/科学 teachers for each primary grade; returns {grade: {role: [teacher ids]}}."""
    staff: dict[int, dict[str, list[str]]] = {}
    for grade, class_ids in grades.items():
        homerooms, maths = [], []
        for pair in (class_ids[i : i + 2] for i in range(0, len(class_ids), 2)):
            math_teacher = b.add_teacher()
            maths.append(math_teacher)
            for class_id in pair:
                homeroom = b.add_teacher()
                homerooms.append(homeroom)
                for subject in ("chinese", "moral", "pe_activity"):
                    b.assign(class_id, subject, homeroom)
                b.class_meeting(class_id, homeroom, day=1, period=meeting_period[grade])
                b.assign(class_id, "math", math_teacher)
                b.assign(class_id, "science", math_teacher)
                for subject in ("labour", "practice"):
                    fits = b.load[homeroom] + b.periods(class_id, subject) <= HOMEROOM_TARGET
                    b.assign(class_id, subject, homeroom if fits else math_teacher)
        staff[grade] = {"chinese": homerooms, "math": maths}
    return staff


def primary_school(
    school_id: str, name: str, per_grade: int, seed: int, activity_block: bool, early_lower_grades: bool
) -> dict:
    """城区/大型小学: 班主任 and 数学 teachers per grade, pooled specialists for the rest."""
    overrides: dict[str, Any] = {} if activity_block else activity_overrides(range(1, 7))
    if early_lower_grades:
        overrides |= {"latest_lesson_end.1": "15:00", "latest_lesson_end.2": "15:00"}
    b = Builder(seed, overrides)
    grades = {g: [b.add_class(g, n, (40, 45)) for n in range(1, per_grade + 1)] for g in range(1, 7)}
    last = {g: 6 if early_lower_grades and g <= 2 else 7 for g in grades}
    staff = staff_primary_grades(b, grades, last)
    upper = [c for g in range(3, 7) for c in grades[g]]
    every = [c for g in grades for c in grades[g]]
    b.pool("english", upper, math.ceil(len(upper) / 4))  # 4 classes (12 periods) each
    it = b.specialists("it", upper, 20)
    b.specialists("pe", every, 18)
    music = b.specialists("music", every, 20)
    art = b.specialists("art", every, 20)
    periods = len(PRIMARY_PERIODS) * len(DEFAULT_DAYS)
    b.special_rooms("playground", ["pe", "pe_activity"], periods)
    for room_type, subject in (("music", "music"), ("art", "art"), ("computer", "it")):
        b.special_rooms(room_type, [subject], periods)
    # Part-time / 走教 teachers: the last IT teacher is not in on Friday afternoon.
    b.unavailable(it[-1], 5, range(5, 8))
    b.unavailable(music[0], 2, range(1, 3))  # 区音乐教研 on Tuesday morning
    if len(art) > 3:
        b.unavailable(art[-1], 1, range(1, 5))  # 外聘 art teacher: not in on Monday morning
    maths_1_3 = [t for g in (1, 2, 3) for t in staff[g]["math"]]
    chinese_4_6 = [t for g in (4, 5, 6) for t in staff[g]["chinese"]]
    b.meeting("m-math", "数学组教研", maths_1_3, 3, "14:20", "15:50")
    b.meeting("m-chinese", "语文组集体备课", chinese_4_6, 4, "13:30", "15:00")
    window = PRIMARY_WINDOW_AFTER_ACTIVITY if activity_block else PRIMARY_WINDOW
    add_after_school(b, {"primary": window}, n_clubs=24 if per_grade <= 4 else 30)
    return b.school(school_id, name, [primary_schedule(activity_block)])


def rural_school() -> dict:
    """乡村小学: one class per grade, 11 teachers who each teach several subjects."""
    b = Builder(seed=6)
    c = {g: b.add_class(g, 1, (22, 36)) for g in range(1, 7)}
    homeroom = {g: b.add_teacher() for g in range(1, 7)}
    for g, teacher in homeroom.items():
        for subject in ("chinese", "moral", "practice"):
            b.assign(c[g], subject, teacher)
        b.class_meeting(c[g], teacher, day=1, period=7)
    maths_a, maths_b, english_it, pe_labour, music_art = (b.add_teacher() for _ in range(5))
    table = {
        maths_a: [(1, "math"), (2, "math"), (3, "math"), (1, "science"), (2, "science"), (3, "science")],
        maths_b: [(4, "math"), (5, "math"), (6, "math"), (4, "science")],
        english_it: [(g, s) for s in ("english", "it") for g in range(3, 7)],
        pe_labour: [(1, "pe"), (2, "pe"), (3, "pe"), (4, "pe"), (5, "labour"), (6, "labour")],
        music_art: [(g, "music") for g in range(1, 7)] + [(5, "art"), (6, "art")],
        # 班主任 also take a subject beside their own class (兼课), as small schools must.
        homeroom[1]: [(1, "labour"), (1, "art")],
        homeroom[2]: [(2, "labour"), (2, "art")],
        homeroom[3]: [(3, "labour"), (3, "art")],
        homeroom[4]: [(4, "labour"), (4, "art")],
        homeroom[5]: [(5, "science"), (6, "science")],
        homeroom[6]: [(5, "pe"), (6, "pe")],
    }
    for teacher, jobs in table.items():
        for grade, subject in jobs:
            b.assign(c[grade], subject, teacher)
    periods = len(PRIMARY_PERIODS) * len(DEFAULT_DAYS)
    b.special_rooms("playground", ["pe"], periods)
    for room_type, subject in (("music", "music"), ("art", "art"), ("computer", "it")):
        b.special_rooms(room_type, [subject], periods)
    b.unavailable(english_it, 5, range(5, 8))  # 走教: teaches at the 中心校 on Friday afternoon
    b.meeting("m-math", "数学组教研", [maths_a, maths_b], 3, "14:20", "15:50")
    b.meeting("m-chinese", "语文组集体备课", [homeroom[g] for g in range(3, 7)], 4, "13:30", "15:00")
    return b.school("rural-6", "青石镇杨柳村小学", [primary_schedule(activity_block=True)])


# ---- 九年一贯制 ---------------------------------------------------------------------------------
MIDDLE_STAFF = {"moral": 2, "physics": 2, "chemistry": 1, "biology": 1, "history": 2, "geography": 1}


def nine_year_school() -> dict:
    """九年一贯制: grades 1–9 × 4 classes; PE, music, art and IT teachers work in both stages."""
    b = Builder(seed=36, overrides=activity_overrides(range(1, 10)))
    grades = {g: [b.add_class(g, n, (40, 45) if g <= 6 else (44, 50)) for n in range(1, 5)] for g in range(1, 10)}
    primary = {g: grades[g] for g in range(1, 7)}
    staff = staff_primary_grades(b, primary, dict.fromkeys(primary, 7))
    upper = [c for g in range(3, 7) for c in grades[g]]
    b.pool("english", upper, len(upper) // 4)
    # 初中: per grade two 语文 and two 数学 teachers of two classes each; they are the 班主任.
    middle_chinese: dict[int, list[str]] = {}
    for g in range(7, 10):
        middle_chinese[g] = []
        for pair in (grades[g][:2], grades[g][2:]):
            chinese, maths = b.add_teacher(), b.add_teacher()
            middle_chinese[g].append(chinese)
            for class_id in pair:
                b.assign(class_id, "chinese", chinese)
                b.assign(class_id, "math", maths)
            for class_id, homeroom in zip(pair, (chinese, maths), strict=True):
                for subject in ("pe_activity", "labour", "practice"):
                    b.assign(class_id, subject, homeroom)
                b.class_meeting(class_id, homeroom, day=1, period=8)
    middle = [c for g in range(7, 10) for c in grades[g]]
    b.pool("english", middle, len(middle) // 3)  # 3 classes (12 periods) each
    for subject, n in MIDDLE_STAFF.items():
        b.pool(subject, middle, n)
    every = [c for g in grades for c in grades[g]]
    it = b.specialists("it", every, 20)
    b.specialists("pe", every, 18)
    music = b.specialists("music", every, 20)
    b.specialists("art", every, 20)
    periods = len(PRIMARY_PERIODS) * len(DEFAULT_DAYS)  # the tighter stage sizes the rooms
    b.special_rooms("playground", ["pe", "pe_activity"], periods)
    for room_type, subject in (("music", "music"), ("art", "art"), ("computer", "it")):
        b.special_rooms(room_type, [subject], periods)
    # The last music teacher works in both stages and is not in on Friday afternoon.
    b.unavailable(music[-1], 5, range(5, 8), "primary")
    b.unavailable(music[-1], 5, range(5, 9), "middle")
    b.unavailable(it[0], 2, range(1, 3), "primary")  # 信息中心 duty on Tuesday morning
    maths_1_3 = [t for g in (1, 2, 3) for t in staff[g]["math"]]
    chinese_4_6 = [t for g in (4, 5, 6) for t in staff[g]["chinese"]]
    b.meeting("m-math", "数学组教研", maths_1_3, 3, "14:20", "15:50")
    b.meeting("m-chinese", "语文组集体备课", chinese_4_6, 4, "13:30", "15:00")
    b.meeting(
        "m-middle-chinese",
        "初中语文组集体备课",
        [t for g in middle_chinese for t in middle_chinese[g]],
        2,
        "14:25",
        "16:05",
    )
    add_after_school(b, {"primary": PRIMARY_WINDOW, "middle": MIDDLE_WINDOW}, n_clubs=22, middle=True)
    return b.school("nine-year-36", "滨江九年一贯制学校", [primary_schedule(activity_block=False), middle_schedule()])


# ---- tiny -----------------------------------------------------------------------------------
TINY_PLAN = {
    "chinese": 4, "math": 3, "english": 2, "moral": 1, "science": 1, "it": 0, "pe": 2,
    "music": 1, "art": 1, "labour": 1, "practice": 0, "class_meeting": 1,
}  # fmt: skip


def tiny_school() -> dict:
    """3 classes of grade 3 with a reduced weekly plan (18 periods) for fast tests."""
    b = Builder(seed=3, overrides={f"weekly_lessons.3.{s}": n for s, n in TINY_PLAN.items()})
    class_ids = [b.add_class(3, n, (38, 45)) for n in range(1, 4)]
    maths, english_arts, pe = b.add_teacher(), b.add_teacher(), b.add_teacher()
    for class_id in class_ids:
        homeroom = b.add_teacher()
        for subject in ("chinese", "moral", "labour"):
            b.assign(class_id, subject, homeroom)
        b.class_meeting(class_id, homeroom, day=1, period=7)
        for subject in ("math", "science"):
            b.assign(class_id, subject, maths)
        for subject in ("english", "music", "art"):
            b.assign(class_id, subject, english_arts)
        b.assign(class_id, "pe", pe)
    periods = len(PRIMARY_PERIODS) * len(DEFAULT_DAYS)
    b.special_rooms("playground", ["pe"], periods)
    for room_type, subject in (("music", "music"), ("art", "art"), ("computer", "it")):
        b.special_rooms(room_type, [subject], periods)
    b.unavailable(pe, 5, range(5, 8))  # part-time PE teacher
    return b.school("tiny-3", "测试小学（三年级3个班）", [primary_schedule(activity_block=True)])


SCHOOLS = {
    "rural-6": rural_school,
    "urban-24": lambda: primary_school("urban-24", "城南实验小学", 4, 24, activity_block=True, early_lower_grades=True),
    "large-48": lambda: primary_school(
        "large-48", "育才第一小学", 8, 48, activity_block=False, early_lower_grades=False
    ),
    "nine-year-36": nine_year_school,
    "tiny-3": tiny_school,
}


def render(school_id: str) -> str:
    """The school's JSON text, exactly as written to disk."""
    return json.dumps(SCHOOLS[school_id](), ensure_ascii=False, indent=1) + "\n"


def write_all(out: Path, only: list[str] | None = None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for school_id in only or SCHOOLS:
        path = out / f"{school_id}.json"
        path.write_text(render(school_id), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the sample schools as JSON.")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent, help="output folder (default: instances/)")
    parser.add_argument("--only", nargs="*", choices=list(SCHOOLS), help="write only these schools")
    args = parser.parse_args(argv)
    for path in write_all(args.out, args.only):
        print(path)


if __name__ == "__main__":
    main()
