"""The smallest relaxation that makes an impossible school solvable, tried and verified.

``explain_infeasible`` names a minimal set of rule instances that cannot hold together. For each
instance that rests on the school's own data (a teacher's limits and unavailable times, a room's
capacity and unavailable times, a subject's per-day cap, a 教研 meeting, a pinned slot, a lesson's
days apart, a class's no-gaps and first-period flags, unavailable times and gap caps, a class's or teacher's daily lesson bounds,
lessons kept apart (not_with), relations between lessons (consecutive, grouped, ordered, ending the
day, same day / period, adjacent on one day), a lesson's room set, a room group's cap and same-room flag, the after-school duty cap) this module tries
the smallest changes of that data, in increasing size, and keeps the first one for which the
solver finds a timetable. Rules that come from policy (开齐开足, the activity hour,
start times, study-time limits) are never relaxed: the finding says so and points at staffing.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator

from ortools.sat.python import cp_model
from pydantic import ValidationError

from scheduler.domain import ROOM_GROUP_CAP, TEACHER_DAY_CAP, TEACHER_WEEK_CAP, School
from scheduler.explain import Finding, precheck

# rule families fixed by policy (docs/RULES.md): they are reported, never relaxed
POLICY_FAMILIES = {
    "lesson_count": "国家课程方案要求开齐开足",
    "weekly_hours": "国家课程方案要求开齐开足",
    "daily_activity": "每天校内体育活动时间为政策硬性要求",
    "earliest_start": "最早上课时间由政策规定",
    "daily_lessons": "每天课时上限由政策规定",
    "daily_study_minutes": "每天在校学习时间上限由政策规定",
    "latest_end": "低年级放学时间由政策规定",
    "as_daily_minutes": "课后服务每天不少于2小时为政策要求",
    "as_service_days": "课后服务每周5天为政策要求",
    "as_end_time": "课后服务结束时间不早于下班时间为政策要求",
    "as_session_length": "作业辅导时长由作业量规定决定",
    "flexible_days": "教师每周弹性上下班天数为学校承诺",
}

Candidate = tuple[str, dict]  # (what is changed, in words; the changed school data)
DAY_PROBE_LIMIT = 8.0  # seconds per feasibility probe


def suggest_relaxations(school: School, core: list[tuple[str, str]], time_limit: float = 30.0) -> list[Finding]:
    """For each (family, key) of a minimal conflict: a verified relaxation, or why there is none."""
    deadline = time.perf_counter() + time_limit
    out: list[Finding] = []
    fixed: dict[str, list[str]] = {}
    for family, key in core:
        if family in POLICY_FAMILIES:
            fixed.setdefault(family, []).append(key)
    for family, keys in fixed.items():
        out.append(
            Finding(
                rule="relaxation",
                message=f"{POLICY_FAMILIES[family]}（{'、'.join(_record_name(school, k) for k in keys)}），"
                "不能放宽；可考虑增加教师、场地或调整其他安排",
                records=keys,
            )
        )
    for family, key in core:
        make = RELAXERS.get(family)
        if make is None:
            continue
        for words, data in make(school, school.model_dump(mode="json"), key):
            remaining = deadline - time.perf_counter()
            if remaining <= 0.5:
                return out
            if _solvable(data, min(DAY_PROBE_LIMIT, remaining)):
                out.append(Finding(rule="relaxation", message=f"放宽建议（已验证可排出课表）：{words}", records=[key]))
                break
    return out


def _record_name(school: School, key: str) -> str:
    head = key.partition("/")[0]
    for table in (school.class_by_id, school.teacher_by_id, school.club_by_id):
        if head in table:
            return table[head].name
    if head.partition(":")[0] in school.class_by_id:
        class_id, _, section = head.partition(":")
        return f"{school.class_by_id[class_id].name}（{section}）"
    return {"primary": "小学", "middle": "初中"}.get(head, head)


def _solvable(data: dict, time_limit: float) -> bool:
    from scheduler.model import build_model  # the model only for the probe, as in explain_infeasible

    try:
        school = School.model_validate(data)
    except ValidationError:
        return False
    if precheck(school):
        return False
    built = build_model(school, objective=False)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 2
    return solver.solve(built.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _teacher(data: dict, teacher_id: str) -> dict | None:
    return next((t for t in data["teachers"] if t["id"] == teacher_id), None)


def _copy(data: dict) -> dict:
    return copy.deepcopy(data)


def _raise_cap(field: str, words: str, steps: int, cap: int) -> Callable[[School, dict, str], Iterator[Candidate]]:
    """Candidates that raise a teacher's ``field`` by 1…``steps`` (never above ``cap``)."""

    def candidates(school: School, data: dict, key: str) -> Iterator[Candidate]:
        teacher = school.teacher_by_id[key]
        now = getattr(teacher, field)
        for extra in range(1, steps + 1):
            if now + extra > cap:
                return
            new = _copy(data)
            _teacher(new, key)[field] = now + extra
            yield f"把 {teacher.name} {words}从 {now} 提高到 {now + extra}", new

    return candidates


_max_week = _raise_cap("max_lessons_per_week", "每周课时上限", 6, TEACHER_WEEK_CAP)
_max_day = _raise_cap("max_lessons_per_day", "每天课时上限", 3, TEACHER_DAY_CAP)


def _max_days(school: School, data: dict, key: str) -> Iterator[Candidate]:
    """One or two more teaching days a week, up to the school's days (where the limit stops binding)."""
    if school.teacher_by_id[key].max_days_per_week is not None:
        yield from _raise_cap("max_days_per_week", "每周上课天数上限", 2, len(school.days))(school, data, key)


def _max_gaps(school: School, data: dict, key: str) -> Iterator[Candidate]:
    """One or two more gaps (空堂), in each of the teacher's gap caps that is set."""
    teacher = school.teacher_by_id[key]
    caps = [
        (field, words, top, getattr(teacher, field))
        for field, words, top in (
            ("max_gaps_per_day", "每天空堂上限", TEACHER_DAY_CAP),
            ("max_gaps_per_week", "每周空堂上限", TEACHER_WEEK_CAP),
        )
        if getattr(teacher, field) is not None
    ]
    for extra in (1, 2):
        new = _copy(data)
        changes = []
        for field, words, top, now in caps:
            if now + extra <= top:
                _teacher(new, key)[field] = now + extra
                changes.append(f"{words}从 {now} 提高到 {now + extra}")
        if changes:
            yield f"把 {teacher.name} {'、'.join(changes)}", new


def _max_consecutive(school: School, data: dict, key: str) -> Iterator[Candidate]:
    """One or two more periods in a row for the teacher."""
    teacher = school.teacher_by_id[key]
    for extra in (1, 2):
        if teacher.max_consecutive is not None and teacher.max_consecutive + extra <= TEACHER_DAY_CAP:
            new = _copy(data)
            _teacher(new, key)["max_consecutive"] = teacher.max_consecutive + extra
            yield (
                f"把 {teacher.name} 连上上限从 {teacher.max_consecutive} 节提高到 {teacher.max_consecutive + extra} 节",
                new,
            )


def _min_days(school: School, data: dict, key: str) -> Iterator[Candidate]:
    """One or two fewer days a week on which the teacher must teach."""
    teacher = school.teacher_by_id[key]
    now = teacher.min_days_per_week
    for fewer in (1, 2):
        if now is not None and now - fewer >= 0:
            new = _copy(data)
            _teacher(new, key)["min_days_per_week"] = now - fewer
            yield f"把 {teacher.name} 每周至少上课天数从 {now} 降到 {now - fewer}", new


def _raised_tag_limits(limits: list[dict], extra: int) -> list[str]:
    """Raise every cap of ``limits`` (in place) by ``extra`` within the day cap; the changes in words."""
    changes = []
    for limit in limits:
        for field, words in (("max_per_day", "每天上限"), ("max_consecutive", "连上上限")):
            now = limit.get(field)
            if now is not None and now + extra <= TEACHER_DAY_CAP:
                limit[field] = now + extra
                changes.append(f"「{limit['tag']}」课{words}从 {now} 节提高到 {now + extra} 节")
    return changes


def _tag_hours(table: str) -> Callable[[School, dict, str], Iterator[Candidate]]:
    """One or two more periods in each tag cap of the teacher (``table`` teachers) or class (classes)."""

    def candidates(school: School, data: dict, key: str) -> Iterator[Candidate]:
        for extra in (1, 2):
            new = _copy(data)
            entry = next((r for r in new[table] if r["id"] == key), None)
            changes = _raised_tag_limits(entry.get("tag_limits", []), extra) if entry else []
            if changes:
                yield f"把 {entry['name']} {'、'.join(changes)}", new

    return candidates


def _class_max_consecutive(school: School, data: dict, key: str) -> Iterator[Candidate]:
    """One or two more periods in a row for the class."""
    school_class = school.class_by_id.get(key)
    now = school_class.max_consecutive if school_class else None
    for extra in (1, 2):
        if now is not None and now + extra <= TEACHER_DAY_CAP:
            new = _copy(data)
            next(c for c in new["classes"] if c["id"] == key)["max_consecutive"] = now + extra
            yield f"把 {school_class.name} 连上上限从 {now} 节提高到 {now + extra} 节", new


def _interval_max_days(school: School, data: dict, key: str) -> Iterator[Candidate]:
    """One more day in one of the teacher's period ranges (up to the school's days)."""
    teacher = school.teacher_by_id[key]
    for n, interval in enumerate(teacher.interval_max_days):
        if interval.max_days < len(school.days):
            new = _copy(data)
            _teacher(new, key)["interval_max_days"][n]["max_days"] = interval.max_days + 1
            yield (
                f"把 {teacher.name} 第{interval.first_period}–{interval.last_period}节有课的天数上限从 "
                f"{interval.max_days} 天提高到 {interval.max_days + 1} 天",
                new,
            )


def _unavailable(school: School, data: dict, key: str) -> Iterator[Candidate]:
    teacher = school.teacher_by_id[key]
    days = sorted({slot.day for slot in teacher.unavailable})
    by_size = sorted(days, key=lambda d: sum(1 for s in teacher.unavailable if s.day == d))
    for day in by_size:
        new = _copy(data)
        entry = _teacher(new, key)
        freed = [s for s in entry["unavailable"] if s["day"] == day]
        entry["unavailable"] = [s for s in entry["unavailable"] if s["day"] != day]
        periods = "、".join(f"第{s['period']}节" for s in freed)
        yield f"若 {teacher.name} {school.days[day - 1]}{periods}可以上课（取消这些不可排课时段）", new


def _room(school: School, data: dict, key: str) -> Iterator[Candidate]:
    rooms = [r for r in data["rooms"] if r["id"] == key] or [r for r in data["rooms"] if r["type"] == key]
    if not rooms:
        return
    total = sum(r["capacity"] for r in rooms)
    names = "、".join(r["name"] for r in rooms)
    for extra in range(1, 4):
        new = _copy(data)
        target = next(r for r in new["rooms"] if r["id"] == rooms[0]["id"])
        if target["capacity"] + extra > 20:
            return
        target["capacity"] += extra
        yield f"允许{names}同时容纳 {total + extra} 个班（现为 {total}），或再增加一间同类场地", new


def _room_unavailable(school: School, data: dict, key: str) -> Iterator[Candidate]:
    room = school.room_by_id.get(key)
    if room is None:
        return
    for day in sorted({slot.day for slot in room.unavailable}):
        new = _copy(data)
        entry = next(r for r in new["rooms"] if r["id"] == key)
        freed = [s for s in entry["unavailable"] if s["day"] == day]
        entry["unavailable"] = [s for s in entry["unavailable"] if s["day"] != day]
        periods = "、".join(f"第{s['period']}节" for s in freed)
        yield f"若 {room.name} {school.days[day - 1]}{periods}可以使用（取消这些不可用时段）", new


def _subject_per_day(school: School, data: dict, key: str) -> Iterator[Candidate]:
    subject_id = key.partition("/")[2]
    subject = school.subject_by_id.get(subject_id)
    if subject is None or subject.max_per_day >= 8:
        return
    new = _copy(data)
    next(s for s in new["subjects"] if s["id"] == subject_id)["max_per_day"] = subject.max_per_day + 1
    yield f"允许 {subject.name} 每天最多 {subject.max_per_day + 1} 节（现为 {subject.max_per_day}）", new


def _meeting(school: School, data: dict, key: str) -> Iterator[Candidate]:
    meeting_id, _, teacher_id = key.partition("/")
    meeting = next((m for m in school.meetings if m.id == meeting_id), None)
    if meeting is None or teacher_id not in school.teacher_by_id:
        return
    new = _copy(data)
    entry = next(m for m in new["meetings"] if m["id"] == meeting_id)
    entry["teachers"] = [t for t in entry["teachers"] if t != teacher_id]
    if not entry["teachers"]:
        new["meetings"] = [m for m in new["meetings"] if m["id"] != meeting_id]
    yield f"让 {school.teacher_by_id[teacher_id].name} 不参加「{meeting.name}」（或把该教研活动改到别的时间）", new


def _pinned(school: School, data: dict, key: str) -> Iterator[Candidate]:
    lesson = next((x for x in data["lessons"] if x["id"] == key), None)
    if lesson is None or not lesson.get("pinned"):
        return
    new = _copy(data)
    next(x for x in new["lessons"] if x["id"] == key)["pinned"] = []
    name = school.subject_by_id[school.lesson_by_id[key].subject].name
    yield f"取消 {name}（{key}）的固定时段，由系统安排", new


def _different_days(school: School, data: dict, key: str) -> Iterator[Candidate]:
    lesson = next((x for x in data["lessons"] if x["id"] == key), None)
    if lesson is None or not lesson.get("different_days"):
        return
    new = _copy(data)
    entry = next(x for x in new["lessons"] if x["id"] == key)
    apart = entry.get("min_days_apart", 1)
    name = school.subject_by_id[school.lesson_by_id[key].subject].name
    if apart > 1:
        entry["min_days_apart"] = apart - 1
        yield f"允许 {name}（{key}）的各次只相隔 {apart - 1} 天（现为至少 {apart} 天）", new
    else:
        entry["different_days"] = False
        yield f"允许 {name}（{key}）一天排两次（取消“分在不同的日子”）", new


def _days_apart(school: School, data: dict, key: str) -> Iterator[Candidate]:
    lesson_id, _, other_id = key.partition("/")
    lesson = next((x for x in data["lessons"] if x["id"] == lesson_id), None)
    if lesson is None or not any(a["lesson"] == other_id for a in lesson.get("days_apart_from", [])):
        return
    new = _copy(data)
    entry = next(x for x in new["lessons"] if x["id"] == lesson_id)
    entry["days_apart_from"] = [a for a in entry["days_apart_from"] if a["lesson"] != other_id]
    yield f"允许 {lesson_id} 与 {other_id} 排得更近（取消“分在不同的日子”）", new


def _min_gap(school: School, data: dict, key: str) -> Iterator[Candidate]:
    """One period fewer between two sessions of the lesson on one day (none: the rule off)."""
    lesson = next((x for x in data["lessons"] if x["id"] == key), None)
    if lesson is None or not lesson.get("min_gap"):
        return
    new = _copy(data)
    entry = next(x for x in new["lessons"] if x["id"] == key)
    gap = entry["min_gap"]
    entry["min_gap"] = gap - 1 or None
    name = school.subject_by_id[school.lesson_by_id[key].subject].name
    yield f"允许 {name}（{key}）同一天的两次之间只隔 {gap - 1} 节（现为至少 {gap} 节）", new


def _occupy_max_slots(school: School, data: dict, key: str) -> Iterator[Candidate]:
    """One or two more of the entry's slots."""
    entry = next((x for x in data.get("occupy_max_slots", []) if x["id"] == key), None)
    if entry is None:
        return
    for extra in (1, 2):
        if entry["max_slots"] + extra <= len(entry["slots"]):
            new = _copy(data)
            next(x for x in new["occupy_max_slots"] if x["id"] == key)["max_slots"] += extra
            yield (
                f"允许时段组 {key} 的课占 {entry['max_slots'] + extra} 个时段（现为最多 {entry['max_slots']} 个）",
                new,
            )


def _adjacent_if_same_day(school: School, data: dict, key: str) -> Iterator[Candidate]:
    lesson = next((x for x in data["lessons"] if x["id"] == key), None)
    if lesson is None or not (lesson.get("adjacent_if_same_day") or lesson.get("adjacent_with")):
        return
    new = _copy(data)
    entry = next(x for x in new["lessons"] if x["id"] == key)
    entry["adjacent_if_same_day"], entry["adjacent_with"] = False, []
    name = school.subject_by_id[school.lesson_by_id[key].subject].name
    yield f"允许 {name}（{key}）同一天的两次不连着上（取消“同一天须连上”）", new


def _allowed_starts(school: School, data: dict, key: str) -> Iterator[Candidate]:
    lesson = next((x for x in data["lessons"] if x["id"] == key), None)
    if lesson is None or lesson.get("allowed_starts") is None:
        return
    new = _copy(data)
    next(x for x in new["lessons"] if x["id"] == key)["allowed_starts"] = None
    name = school.subject_by_id[school.lesson_by_id[key].subject].name
    yield f"取消 {name}（{key}）的允许开始时间限制，任何时段都可排", new


def _same_time(school: School, data: dict, key: str) -> Iterator[Candidate]:
    lesson = next((x for x in data["lessons"] if x["id"] == key), None)
    if lesson is None or lesson.get("same_time_as") is None:
        return
    new = _copy(data)
    next(x for x in new["lessons"] if x["id"] == key)["same_time_as"] = None
    name = school.subject_by_id[school.lesson_by_id[key].subject].name
    yield f"让 {name}（{key}）不必与 {lesson['same_time_as']} 同时上课", new


def _not_overlapping(school: School, data: dict, key: str) -> Iterator[Candidate]:
    lesson_id, _, other_id = key.partition("/")
    lesson = next((x for x in data["lessons"] if x["id"] == lesson_id), None)
    if lesson is None or other_id not in lesson.get("not_with", []):
        return
    new = _copy(data)
    entry = next(x for x in new["lessons"] if x["id"] == lesson_id)
    entry["not_with"] = [x for x in entry["not_with"] if x != other_id]
    name = school.subject_by_id[school.lesson_by_id[lesson_id].subject].name
    other = school.subject_by_id[school.lesson_by_id[other_id].subject].name
    yield f"允许 {name}（{lesson_id}）与 {other}（{other_id}）同时上课（取消“不能同时上”）", new


def _lesson_relation(field: str, words: str) -> Callable[[School, dict, str], Iterator[Candidate]]:
    """The candidate that drops a lesson's relation ``field`` (key: the lesson, or "lesson/other" for a list)."""

    def candidates(school: School, data: dict, key: str) -> Iterator[Candidate]:
        lesson_id, _, other_id = key.partition("/")
        entry = next((x for x in data["lessons"] if x["id"] == lesson_id), None)
        now = None if entry is None else entry.get(field)
        if not now or (other_id and other_id not in now):
            return
        new = _copy(data)
        changed = next(x for x in new["lessons"] if x["id"] == lesson_id)
        if isinstance(now, list):
            changed[field] = [x for x in now if x != other_id] if other_id else []
            others = f"与 {other_id or '、'.join(now)} "
        else:
            changed[field] = False if now is True else None
            others = "" if now is True else f"与 {now} "
        name = school.subject_by_id[school.lesson_by_id[lesson_id].subject].name
        yield f"取消 {name}（{lesson_id}）{others}“{words}”的要求", new

    return candidates


def _room_set(school: School, data: dict, key: str) -> Iterator[Candidate]:
    """One more room for the lesson's room set (rooms of the set's types first, at most five tried), then no set."""
    lesson = next((x for x in data["lessons"] if x["id"] == key), None)
    if lesson is None or lesson.get("rooms") is None:
        return
    name = school.subject_by_id[school.lesson_by_id[key].subject].name
    types = {school.room_by_id[r].type for r in lesson["rooms"] if r in school.room_by_id}
    others = sorted((r for r in school.rooms if r.id not in lesson["rooms"]), key=lambda r: r.type not in types)
    for room in others[:5]:
        new = _copy(data)
        next(x for x in new["lessons"] if x["id"] == key)["rooms"].append(room.id)
        yield f"允许 {name}（{key}）也在{room.name}上课（指定教室增加一间）", new
    new = _copy(data)
    next(x for x in new["lessons"] if x["id"] == key)["rooms"] = None
    yield f"取消 {name}（{key}）的指定教室（按学科的教室类型安排）", new


def _room_group_cap(school: School, data: dict, key: str) -> Iterator[Candidate]:
    """One or two more distinct rooms for the room group's lessons."""
    entry = next((g for g in data.get("room_groups", []) if g["id"] == key), None)
    if entry is None or entry.get("max_rooms") is None:
        return
    now = entry["max_rooms"]
    for extra in (1, 2):
        if now + extra > ROOM_GROUP_CAP:
            return
        new = _copy(data)
        next(g for g in new["room_groups"] if g["id"] == key)["max_rooms"] = now + extra
        yield f"允许教室组 {key} 用 {now + extra} 间教室（原为最多 {now} 间）", new


def _room_group_flag(school: School, data: dict, key: str) -> Iterator[Candidate]:
    """The room group's lessons may change rooms between consecutive sessions."""
    entry = next((g for g in data.get("room_groups", []) if g["id"] == key), None)
    if entry is None or not entry.get("same_room_if_consecutive"):
        return
    new = _copy(data)
    changed = next(g for g in new["room_groups"] if g["id"] == key)
    changed["same_room_if_consecutive"] = False
    if changed.get("max_rooms") is None:
        new["room_groups"] = [g for g in new["room_groups"] if g["id"] != key]
    yield f"允许教室组 {key} 的课连着上时换教室（取消“连着上时同一间教室”）", new


def _day_bounds(entry: dict, name: str) -> Iterator[tuple[str, dict]]:
    """Smallest changes first: the maximum one higher or the minimum one lower, days without lessons, then by two."""
    low, high = entry.get("min_lessons_per_day"), entry.get("max_lessons_per_day")
    for step in (1, 2):
        if high is not None and high + step <= TEACHER_DAY_CAP:
            yield f"把 {name} 每天最多课时从 {high} 提高到 {high + step}", {"max_lessons_per_day": high + step}
        if low and low - step >= 0:
            yield f"把 {name} 每天最少课时从 {low} 降到 {low - step}", {"min_lessons_per_day": low - step}
        if step == 1 and low and not entry.get("allow_empty_days", True):
            yield f"允许 {name} 某天没有课（有课的日子仍至少 {low} 节）", {"allow_empty_days": True}


def _teacher_min_day(school: School, data: dict, key: str) -> Iterator[Candidate]:
    teacher = _teacher(data, key)
    if teacher is None:
        return
    bounds = {k: v for k, v in teacher.items() if k in ("min_lessons_per_day", "allow_empty_days")}
    for words, change in _day_bounds(bounds, teacher["name"]):
        new = _copy(data)
        _teacher(new, key).update(change)
        yield words, new


def _class_lessons_per_day(school: School, data: dict, key: str) -> Iterator[Candidate]:
    entry = next((c for c in data["classes"] if c["id"] == key), None)
    if entry is None:
        return
    for words, change in _day_bounds(entry, entry["name"]):
        new = _copy(data)
        next(c for c in new["classes"] if c["id"] == key).update(change)
        yield words, new


def _class_flag(field: str, words: str) -> Callable[[School, dict, str], Iterator[Candidate]]:
    """The candidate that switches a class's ``field`` off."""

    def candidates(school: School, data: dict, key: str) -> Iterator[Candidate]:
        entry = next((c for c in data["classes"] if c["id"] == key), None)
        if entry is None or not entry.get(field):
            return
        new = _copy(data)
        next(c for c in new["classes"] if c["id"] == key)[field] = False
        yield f"允许 {school.class_by_id[key].name} {words}", new

    return candidates


def _class_unavailable(school: School, data: dict, key: str) -> Iterator[Candidate]:
    """Free one day's unavailable slots of the class, the day with the fewest first."""
    school_class = school.class_by_id.get(key)
    if school_class is None:
        return
    slots = school_class.unavailable
    for day in sorted({s.day for s in slots}, key=lambda d: sum(s.day == d for s in slots)):
        new = _copy(data)
        entry = next(c for c in new["classes"] if c["id"] == key)
        freed = [s for s in entry["unavailable"] if s["day"] == day]
        entry["unavailable"] = [s for s in entry["unavailable"] if s["day"] != day]
        periods = "、".join(f"第{s['period']}节" + (f"（{s['section']}）" if s["section"] else "") for s in freed)
        yield f"若 {school_class.name} {school.days[day - 1]}{periods}可以上课（取消这些不排课时段）", new


def _class_max_gaps(school: School, data: dict, key: str) -> Iterator[Candidate]:
    """One or two more gaps (空堂) in each of the class's gap caps that is set."""
    school_class = school.class_by_id.get(key)
    if school_class is None:
        return
    caps = [
        (field, words, top, getattr(school_class, field))
        for field, words, top in (
            ("max_gaps_per_day", "每天空堂上限", TEACHER_DAY_CAP),
            ("max_gaps_per_week", "每周空堂上限", TEACHER_WEEK_CAP),
        )
        if getattr(school_class, field) is not None
    ]
    for extra in (1, 2):
        new = _copy(data)
        entry = next(c for c in new["classes"] if c["id"] == key)
        changes = []
        for field, words, top, now in caps:
            if now + extra <= top:
                entry[field] = now + extra
                changes.append(f"{words}从 {now} 提高到 {now + extra}")
        if changes:
            yield f"把 {school_class.name} {'、'.join(changes)}", new


def _class_late_starts(school: School, data: dict, key: str) -> Iterator[Candidate]:
    """One or two more days a week on which the class may start a period late."""
    school_class = school.class_by_id.get(key)
    if school_class is None or school_class.max_late_starts_per_week is None:
        return
    now = school_class.max_late_starts_per_week
    for extra in (1, 2):
        if now + extra > len(school.days):
            return
        new = _copy(data)
        next(c for c in new["classes"] if c["id"] == key)["max_late_starts_per_week"] = now + extra
        yield f"把 {school_class.name} 每周晚一节开始上课的天数上限从 {now} 提高到 {now + extra}", new


def _duty_cap(school: School, data: dict, key: str) -> Iterator[Candidate]:
    if not data.get("after_school"):
        return
    cap = data["after_school"]["max_duties_per_week"]
    for extra in range(1, 3):
        new = _copy(data)
        new["after_school"]["max_duties_per_week"] = cap + extra
        yield f"把教师每周课后服务次数上限从 {cap} 提高到 {cap + extra}", new


RELAXERS: dict[str, Callable[[School, dict, str], Iterator[Candidate]]] = {
    "teacher_max_week": _max_week,
    "teacher_max_day": _max_day,
    "teacher_max_days": _max_days,
    "teacher_min_day": _teacher_min_day,
    "teacher_max_gaps": _max_gaps,
    "teacher_max_consecutive": _max_consecutive,
    "teacher_min_days": _min_days,
    "teacher_tag_hours": _tag_hours("teachers"),
    "teacher_interval_max_days": _interval_max_days,
    "teacher_unavailable": _unavailable,
    "room_capacity": _room,
    "as_room_capacity": _room,
    "room_unavailable": _room_unavailable,
    "subject_per_day": _subject_per_day,
    "meeting": _meeting,
    "pinned": _pinned,
    "different_days": _different_days,
    "adjacent_if_same_day": _adjacent_if_same_day,
    "days_apart": _days_apart,
    "min_gap": _min_gap,
    "occupy_max_slots": _occupy_max_slots,
    "allowed_starts": _allowed_starts,
    "same_time": _same_time,
    "not_overlapping": _not_overlapping,
    "class_lessons_per_day": _class_lessons_per_day,
    "class_no_gaps": _class_flag("no_gaps", "有空堂（取消“无空堂”）"),
    "class_starts_first_period": _class_flag("starts_first_period", "某天不从第1节开始上课（取消“每天从第1节开始”）"),
    "as_duty_max_week": _duty_cap,
    "class_unavailable": _class_unavailable,
    "class_max_gaps": _class_max_gaps,
    "class_late_starts": _class_late_starts,
    "class_max_consecutive": _class_max_consecutive,
    "class_tag_hours": _tag_hours("classes"),
    "consecutive": _lesson_relation("consecutive_after", "紧接着上"),
    "grouped": _lesson_relation("grouped_with", "同一天连着上"),
    "ordered": _lesson_relation("ordered_after", "排在其后"),
    "ordered_if_same_day": _lesson_relation("ordered_if_same_day_after", "同一天时排在其后"),
    "ends_day": _lesson_relation("ends_day", "当天最后一节"),
    "same_day": _lesson_relation("same_day_as", "同一天上"),
    "same_hour": _lesson_relation("same_hour_as", "同一节次开始"),
    "room_set": _room_set,
    "rooms_max_different": _room_group_cap,
    "same_room_if_consecutive": _room_group_flag,
}
