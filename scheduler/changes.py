"""What changed between two timetables: the change list a school prints after re-planning.

Sessions of one lesson are interchangeable, so the comparison matches them per lesson: sessions
in the same slot are kept; of the rest, sessions on the same day are "moved within the day",
the others "moved to another day"; left-over sessions are added or removed (the weekly count
changed, or the lesson is new or gone). Teacher and room changes are listed for every session
whose lesson got other teachers, and for kept sessions that changed room.

The cost of a change list (``MOVE_COST``) is what minimal-change re-planning minimises; the
model states the same count (scheduler/model/moves.py), this module recomputes it from the two
timetables alone.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Literal

from pydantic import BaseModel

from scheduler.domain import School
from scheduler.solution import Placement, Solution, group_name, room_name

# Moving a session to another day disturbs pupils and teachers more than another period the same day.
MOVE_COST = {"day": 3, "period": 1}

Kind = Literal["day", "period", "added", "removed", "teacher", "room"]
KIND_WORDS = {
    "day": "调到另一天",
    "period": "同日换节次",
    "added": "新增",
    "removed": "取消",
    "teacher": "换教师",
    "room": "换教室",
}


class Change(BaseModel):
    kind: Kind
    lesson: str
    classes: str = ""
    subject: str = ""
    from_day: int | None = None
    from_period: int | None = None
    to_day: int | None = None
    to_period: int | None = None
    from_teachers: str = ""
    to_teachers: str = ""
    from_room: str = ""
    to_room: str = ""


class ChangeSummary(BaseModel):
    moved_day: int = 0
    moved_period: int = 0
    added: int = 0
    removed: int = 0
    teacher_changed: int = 0
    room_changed: int = 0
    kept: int = 0
    cost: int = 0  # MOVE_COST["day"] × moved_day + MOVE_COST["period"] × moved_period
    changes: list[Change] = []

    @property
    def moved(self) -> int:
        return self.moved_day + self.moved_period

    def line(self) -> str:
        return (
            f"移动 {self.moved} 节（跨天 {self.moved_day}，同日换节 {self.moved_period}），新增 {self.added}，"
            f"取消 {self.removed}，换教师 {self.teacher_changed}，换教室 {self.room_changed}，未动 {self.kept}"
        )


def compare(school: School, before: Solution, after: Solution) -> ChangeSummary:
    """The change list from ``before`` to ``after``; ``school`` is the school of ``after``."""
    old = _by_lesson(before.placements)
    new = _by_lesson(after.placements)
    summary = ChangeSummary()
    for lesson_id in sorted(set(old) | set(new)):
        _compare_lesson(school, lesson_id, old.get(lesson_id, []), new.get(lesson_id, []), summary)
    summary.cost = MOVE_COST["day"] * summary.moved_day + MOVE_COST["period"] * summary.moved_period
    summary.changes.sort(key=lambda c: (c.classes, c.subject, c.from_day or c.to_day or 0, c.from_period or 0))
    return summary


def _by_lesson(placements: list[Placement]) -> dict[str, list[Placement]]:
    out: dict[str, list[Placement]] = defaultdict(list)
    for p in placements:
        out[p.lesson].append(p)
    return out


def _compare_lesson(school: School, lesson_id: str, old: list[Placement], new: list[Placement], out: ChangeSummary):
    lesson = school.lesson_by_id.get(lesson_id)
    sample = (old or new)[0]
    base = Change(
        kind="day",
        lesson=lesson_id,
        classes="、".join(sample.class_names) or "、".join(sample.groups),
        subject=sample.subject_name or sample.subject,
    )
    if lesson is not None:
        base.subject = school.subject_by_id[lesson.subject].name
        base.classes = "、".join(group_name(school, g) for g in lesson.groups)
    old_slots = Counter((p.day, p.period) for p in old)
    new_slots = Counter((p.day, p.period) for p in new)
    kept = old_slots & new_slots
    out.kept += sum(kept.values())
    gone = sorted((old_slots - kept).elements())
    came = sorted((new_slots - kept).elements())
    pairs: list[tuple[tuple[int, int] | None, tuple[int, int] | None, Kind]] = []
    for day in sorted({d for d, _ in gone}):  # same day first
        here_gone = [s for s in gone if s[0] == day]
        here_came = [s for s in came if s[0] == day]
        for a, b in zip(here_gone, here_came, strict=False):
            pairs.append((a, b, "period"))
            gone.remove(a)
            came.remove(b)
    for a, b in zip(gone, came, strict=False):
        pairs.append((a, b, "day"))
    pairs += [(a, None, "removed") for a in gone[len(came) :]]
    pairs += [(None, b, "added") for b in came[len(gone) :]]
    for a, b, kind in pairs:
        out.changes.append(
            base.model_copy(
                update={
                    "kind": kind,
                    "from_day": a[0] if a else None,
                    "from_period": a[1] if a else None,
                    "to_day": b[0] if b else None,
                    "to_period": b[1] if b else None,
                }
            )
        )
        setattr(out, _COUNTER[kind], getattr(out, _COUNTER[kind]) + 1)
    old_teachers = _teachers(old)
    new_teachers = _teachers(new)
    if old and new and old_teachers and old_teachers != new_teachers:
        out.teacher_changed += len(new)
        out.changes.append(
            base.model_copy(update={"kind": "teacher", "from_teachers": old_teachers, "to_teachers": new_teachers})
        )
    old_rooms = {(p.day, p.period): p.room for p in old}
    for p in new:
        if (p.day, p.period) in kept and old_rooms.get((p.day, p.period)) != p.room:
            out.room_changed += 1
            out.changes.append(
                base.model_copy(
                    update={
                        "kind": "room",
                        "from_day": p.day,
                        "from_period": p.period,
                        "to_day": p.day,
                        "to_period": p.period,
                        "from_room": room_name(school, old_rooms.get((p.day, p.period))),
                        "to_room": room_name(school, p.room),
                    }
                )
            )


_COUNTER = {"day": "moved_day", "period": "moved_period", "added": "added", "removed": "removed"}


def _teachers(placements: list[Placement]) -> str:
    names = [name for p in placements[:1] for name in (p.teacher_names or p.teachers)]
    return "、".join(names)


def change_table(school: School, summary: ChangeSummary):
    """The change list as a printable table (pandas), Chinese headers."""
    import pandas as pd

    days = school.days

    def slot(day: int | None, period: int | None) -> str:
        if day is None:
            return ""
        name = days[day - 1] if 1 <= day <= len(days) else f"第{day}天"
        return f"{name} 第{period}节"

    rows = [
        {
            "班级": c.classes,
            "学科": c.subject,
            "变动": KIND_WORDS[c.kind],
            "原时间": slot(c.from_day, c.from_period),
            "新时间": slot(c.to_day, c.to_period),
            "原教师": c.from_teachers,
            "新教师": c.to_teachers,
            "原教室": c.from_room,
            "新教室": c.to_room,
        }
        for c in summary.changes
    ]
    columns = ["班级", "学科", "变动", "原时间", "新时间", "原教师", "新教师", "原教室", "新教室"]
    return pd.DataFrame(rows, columns=columns)
