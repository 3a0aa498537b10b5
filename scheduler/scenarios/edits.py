"""Scenario edits (情景修改): named, typed changes to a school, applied to a copy.

Each edit is a pydantic model discriminated by ``op``. ``apply_edits`` applies them in order to
the school's JSON and re-validates the whole school after every edit, so cross-record rules run
and a problem names the scenario, the edit and its field (``scenarios[2].edits[0].teacher``).

Two kinds of failure:

* ``EditError`` (an ``InputError``): the edit itself is wrong — an unknown teacher, room or
  club, a value the school rejects. The CLI prints it without a traceback; the API answers 422.
* ``ScenarioImpossible``: the edit is well formed but the school cannot carry it out — e.g.
  nobody else can teach a removed teacher's subject. It is a result of the scenario ("无解" with
  the reason), not a mistake in the file.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scheduler.domain import CLOCK, Club, Room, School, Slot, Teacher
from scheduler.explain import Finding
from scheduler.load import InputError, format_location, validation_problems
from scheduler.policy import PRESETS, Stage

STAGE_NAMES = {"primary": "小学", "middle": "初中"}
AUTO = "auto"


class EditError(InputError):
    """A scenario edit that cannot be applied as written; ``locs`` parallels ``problems``."""

    def __init__(self, source: str, located: list[tuple[tuple, str]]):
        self.locs = [loc for loc, _ in located]
        super().__init__(source, [f"{format_location(loc)}: {message}" for loc, message in located])


class ScenarioImpossible(Exception):
    """The school cannot carry out a well-formed edit; the findings say why, in the school's terms."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("；".join(f.message for f in findings))


class _Edit(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RemoveTeacher(_Edit):
    """A teacher leaves; ``reassign_to`` (a teacher id, or "auto") takes over their lessons."""

    op: Literal["remove_teacher"]
    teacher: str
    reassign_to: str = AUTO


class AddTeacher(_Edit):
    op: Literal["add_teacher"]
    teacher: Teacher


class TeacherAvailability(_Edit):
    """Times a teacher cannot teach: slots, or whole mornings / afternoons / days (1-based days)."""

    op: Literal["teacher_availability"]
    teacher: str
    unavailable: list[Slot] = []
    mornings: list[int] = []
    afternoons: list[int] = []
    days: list[int] = []
    replace: bool = False  # True: these replace the teacher's unavailable times; False: add to them


class TeacherMaxLoad(_Edit):
    op: Literal["teacher_max_load"]
    teacher: str
    per_week: int | None = Field(None, ge=0, le=40)
    per_day: int | None = Field(None, ge=0, le=12)


class WeeklyLessons(_Edit):
    """Weekly periods of a subject for every class of a grade (a policy override ``weekly_lessons.G.S``)."""

    op: Literal["weekly_lessons"]
    grade: int = Field(ge=1, le=9)
    subject: str
    periods: int = Field(ge=0, le=20)


class PolicyPreset(_Edit):
    op: Literal["policy_preset"]
    preset: str
    keep_overrides: bool = True


class PolicyOverride(_Edit):
    """Any policy value by dotted path, as in the school's ``policy.overrides``."""

    op: Literal["policy_override"]
    path: str
    value: Any


class AddRoom(_Edit):
    op: Literal["add_room"]
    room: Room


class RemoveRoom(_Edit):
    op: Literal["remove_room"]
    room: str


class AddClub(_Edit):
    op: Literal["add_club"]
    club: Club


class RemoveClub(_Edit):
    op: Literal["remove_club"]
    club: str


class AddInstructor(_Edit):
    """An outside instructor (校外教练/志愿者) who may lead the listed clubs."""

    op: Literal["add_instructor"]
    teacher: Teacher
    clubs: list[str] = []


class AfterSchoolEnd(_Edit):
    """The end of after-school session 2 for one stage (or every stage)."""

    op: Literal["after_school_end"]
    stage: Stage | None = None
    end: str = Field(pattern=CLOCK)


Edit = Annotated[
    RemoveTeacher
    | AddTeacher
    | TeacherAvailability
    | TeacherMaxLoad
    | WeeklyLessons
    | PolicyPreset
    | PolicyOverride
    | AddRoom
    | RemoveRoom
    | AddClub
    | RemoveClub
    | AddInstructor
    | AfterSchoolEnd,
    Field(discriminator="op"),
]


class _Fail(Exception):
    """Raised inside one edit: the field of the edit and the message."""

    def __init__(self, field: str | tuple | None, message: str):
        self.field = field
        self.message = message


# ---- applying -------------------------------------------------------------------------------------------------


def apply_edits(school: School, edits: list[Edit], scenario: str = "", where: tuple = ()) -> School:
    """A NEW validated school with ``edits`` applied in order; ``school`` is left unchanged.

    ``where`` is the location of the edit list in its file (e.g. ``("scenarios", 2)``), so an
    ``EditError`` names ``scenarios[2].edits[0].teacher``.
    """
    source = f"情景「{scenario}」" if scenario else "情景"
    for i, edit in enumerate(edits):
        at = (*where, "edits", i)
        data = school.model_dump(mode="json")
        try:
            APPLY[edit.op](school, data, edit)
        except _Fail as exc:
            field = exc.field if isinstance(exc.field, tuple) else ((exc.field,) if exc.field else ())
            raise EditError(source, [((*at, *field), exc.message)]) from None
        try:
            school = School.model_validate(data)
        except ValidationError as exc:
            problems = "；".join(validation_problems(exc))
            raise EditError(source, [(at, f"{describe(school, edit)}之后学校数据无效：{problems}")]) from None
    return school


def _teacher(school: School, teacher_id: str, field: str = "teacher") -> Teacher:
    teacher = school.teacher_by_id.get(teacher_id)
    if teacher is None:
        raise _Fail(field, f"没有这位教师：'{teacher_id}'")
    return teacher


def _subject_name(school: School, subject_id: str) -> str:
    subject = school.subject_by_id.get(subject_id)
    return subject.name if subject else subject_id


def teacher_loads(school: School) -> dict[str, int]:
    """Planned periods per week of every teacher (all lessons, generated and explicit)."""
    load: dict[str, int] = defaultdict(int)
    for lesson in school.all_lessons:
        for teacher in dict.fromkeys(lesson.teachers):
            load[teacher] += lesson.periods_per_week
    return load


def assignment_periods(school: School, assignment: dict) -> int:
    if assignment.get("periods_per_week") is not None:
        return assignment["periods_per_week"]
    return school.planned_periods(assignment["class_id"], assignment["subject"])


def qualified(teacher: Teacher, subject: str) -> bool:
    """A school teacher (not outside staff) who teaches ``subject``."""
    return not teacher.outside_staff and subject in teacher.subjects


def _remove_teacher(school: School, data: dict, edit: RemoveTeacher) -> None:
    """Take the teacher out of every lesson, meeting and club; their lessons go to ``reassign_to``.

    "auto" deals each of the teacher's assignments (in file order) to the qualified school teacher
    with the most spare weekly periods at that moment (the earlier teacher on a tie).
    """
    leaving = _teacher(school, edit.teacher)
    target = None
    if edit.reassign_to != AUTO:
        target = _teacher(school, edit.reassign_to, "reassign_to")
        if target.id == leaving.id:
            raise _Fail("reassign_to", f"{leaving.name} 不能接手自己的课")
        if target.outside_staff:
            raise _Fail("reassign_to", f"{target.name} 是校外人员，不能接手课堂教学")
        subjects = {lesson.subject for lesson in school.all_lessons if leaving.id in lesson.teachers}
        missing = [s for s in subjects if target.subjects and s not in target.subjects]
        if missing:
            names = "、".join(_subject_name(school, s) for s in sorted(missing))
            raise _Fail("reassign_to", f"{target.name} 不教{names}，不能接手 {leaving.name} 的这些课")
    loads = teacher_loads(school)
    spare = {t.id: t.max_lessons_per_week - loads[t.id] for t in school.teachers}
    order = {t.id: i for i, t in enumerate(school.teachers)}
    nobody: list[str] = []

    def take(subject: str, current: list[str], periods: int, label: str) -> list[str]:
        others = [t for t in current if t != leaving.id]
        if target is not None:
            pick = target.id
        else:
            candidates = [
                t.id for t in school.teachers if t.id != leaving.id and t.id not in others and qualified(t, subject)
            ]
            if not candidates:
                nobody.append(label)
                return current
            pick = max(candidates, key=lambda t: (spare[t], -order[t]))
        spare[pick] -= periods
        if pick in others:
            return others
        return [pick if t == leaving.id else t for t in current]

    for a in data["assignments"]:
        if leaving.id in a["teachers"]:
            label = f"{school.class_by_id[a['class_id']].name} {_subject_name(school, a['subject'])}"
            a["teachers"] = take(a["subject"], a["teachers"], assignment_periods(school, a), label)
    for lesson in data["lessons"]:
        if leaving.id in lesson["teachers"]:
            periods = lesson.get("duration", 1) * lesson.get("count", 1)
            label = f"{lesson['id']} {_subject_name(school, lesson['subject'])}"
            lesson["teachers"] = take(lesson["subject"], lesson["teachers"], periods, label)
    data["meetings"] = [
        m | {"teachers": [t for t in m["teachers"] if t != leaving.id]}
        for m in data["meetings"]
        if [t for t in m["teachers"] if t != leaving.id]
    ]
    findings = []
    if nobody:
        subjects = "、".join(_subject_name(school, s) for s in leaving.subjects) or "这些学科"
        findings.append(
            Finding(
                rule="staffing",
                message=f"{leaving.name} 离开后，没有其他校内教师能教{subjects}："
                f"{'、'.join(nobody)} 无人接手（请增加教师或指定 reassign_to）",
                records=[leaving.id, *leaving.subjects],
            )
        )
    if data.get("after_school"):
        for club in data["after_school"]["clubs"]:
            if leaving.id in club["instructors"]:
                club["instructors"] = [t for t in club["instructors"] if t != leaving.id]
                if target is not None and target.id not in club["instructors"]:
                    club["instructors"].append(target.id)
                if not club["instructors"]:
                    findings.append(
                        Finding(
                            rule="as_club_instructor",
                            message=f"社团「{club['name']}」只有 {leaving.name} 能指导，其离开后无人指导"
                            "（请同时增加指导教师或取消该社团）",
                            records=[club["id"], leaving.id],
                        )
                    )
    if findings:
        raise ScenarioImpossible(findings)
    data["teachers"] = [t for t in data["teachers"] if t["id"] != leaving.id]


def _add_teacher(school: School, data: dict, edit: AddTeacher) -> None:
    if edit.teacher.id in school.teacher_by_id:
        raise _Fail(("teacher", "id"), f"已有教师 '{edit.teacher.id}'（{school.teacher_by_id[edit.teacher.id].name}）")
    data["teachers"].append(edit.teacher.model_dump(mode="json"))


def _periods_of_day_part(school: School, day: int, afternoon: bool | None) -> list[dict]:
    slots = []
    for schedule in school.bell_schedules:
        for period in schedule.periods:
            if afternoon is None or schedule.is_afternoon(period.index) == afternoon:
                slot = {"day": day, "period": period.index}
                if len(school.bell_schedules) > 1:
                    slot["stage"] = schedule.stage
                slots.append(slot)
    return slots


def _teacher_availability(school: School, data: dict, edit: TeacherAvailability) -> None:
    teacher = _teacher(school, edit.teacher)
    n_days = len(school.days)
    for field in ("mornings", "afternoons", "days"):
        for j, day in enumerate(getattr(edit, field)):
            if not 1 <= day <= n_days:
                raise _Fail((field, j), f"{day} 不是上课日（1–{n_days}）")
    slots = [s.model_dump(mode="json", exclude_none=True) for s in edit.unavailable]
    for day in edit.mornings:
        slots += _periods_of_day_part(school, day, afternoon=False)
    for day in edit.afternoons:
        slots += _periods_of_day_part(school, day, afternoon=True)
    for day in edit.days:
        slots += _periods_of_day_part(school, day, afternoon=None)
    record = next(t for t in data["teachers"] if t["id"] == teacher.id)
    old = [] if edit.replace else record["unavailable"]
    merged = []
    for slot in [*old, *slots]:
        slot = {k: v for k, v in slot.items() if v is not None}
        if slot not in merged:
            merged.append(slot)
    record["unavailable"] = merged


def _teacher_max_load(school: School, data: dict, edit: TeacherMaxLoad) -> None:
    teacher = _teacher(school, edit.teacher)
    if edit.per_week is None and edit.per_day is None:
        raise _Fail("per_week", "请给出 per_week 或 per_day")
    record = next(t for t in data["teachers"] if t["id"] == teacher.id)
    if edit.per_week is not None:
        record["max_lessons_per_week"] = edit.per_week
    if edit.per_day is not None:
        record["max_lessons_per_day"] = edit.per_day


def _weekly_lessons(school: School, data: dict, edit: WeeklyLessons) -> None:
    """The policy override ``weekly_lessons.G.S``; assignments of that grade with their own count follow it."""
    if edit.subject not in school.subject_by_id:
        raise _Fail("subject", f"没有这个学科：'{edit.subject}'")
    if not any(c.grade == edit.grade for c in school.classes):
        raise _Fail("grade", f"该校没有{edit.grade}年级的班级")
    overrides = data["policy"]["overrides"]
    path = f"weekly_lessons.{edit.grade}.{edit.subject}"
    overrides.pop(path, None)  # re-inserted last, so it wins over a whole-grade override
    overrides[path] = edit.periods
    grade_of = {c.id: c.grade for c in school.classes}
    for a in data["assignments"]:
        if a["subject"] == edit.subject and grade_of.get(a["class_id"]) == edit.grade:
            if a.get("periods_per_week") is not None:
                a["periods_per_week"] = edit.periods
            a["doubles"] = min(a.get("doubles", 0), edit.periods // 2)


def _policy_preset(school: School, data: dict, edit: PolicyPreset) -> None:
    if edit.preset not in PRESETS:
        raise _Fail("preset", f"没有这个政策预设：'{edit.preset}'（可选：{'、'.join(PRESETS)}）")
    data["policy"]["preset"] = edit.preset
    if not edit.keep_overrides:
        data["policy"]["overrides"] = {}


def _policy_override(school: School, data: dict, edit: PolicyOverride) -> None:
    overrides = data["policy"]["overrides"]
    overrides.pop(edit.path, None)
    overrides[edit.path] = edit.value


def _add_room(school: School, data: dict, edit: AddRoom) -> None:
    if edit.room.id in school.room_by_id:
        raise _Fail(("room", "id"), f"已有教室 '{edit.room.id}'（{school.room_by_id[edit.room.id].name}）")
    data["rooms"].append(edit.room.model_dump(mode="json"))


def _remove_room(school: School, data: dict, edit: RemoveRoom) -> None:
    room = school.room_by_id.get(edit.room)
    if room is None:
        raise _Fail("room", f"没有这个教室：'{edit.room}'")
    users = [c.name for c in school.classes if c.home_room == room.id]
    users += [
        f"{school.class_by_id[a.class_id].name} {_subject_name(school, a.subject)}"
        for a in school.assignments
        if a.room == room.id
    ]
    users += [lesson.id for lesson in school.lessons if lesson.room == room.id or lesson.rooms == [room.id]]
    if users:
        raise _Fail("room", f"{room.name} 被固定使用（{'、'.join(users[:5])}），不能直接删除")
    data["rooms"] = [r for r in data["rooms"] if r["id"] != room.id]
    for lesson in data.get("lessons", []):  # a room set loses the room (another of its rooms stays)
        if lesson.get("rooms") and room.id in lesson["rooms"]:
            lesson["rooms"] = [r for r in lesson["rooms"] if r != room.id]


def _after_school(school: School, field: str) -> None:
    if school.after_school is None:
        raise _Fail(field, "该校没有课后服务数据（after_school）")


def _add_club(school: School, data: dict, edit: AddClub) -> None:
    _after_school(school, "club")
    if edit.club.id in school.club_by_id:
        raise _Fail(("club", "id"), f"已有社团 '{edit.club.id}'（{school.club_by_id[edit.club.id].name}）")
    for j, tid in enumerate(edit.club.instructors):
        _teacher(school, tid, ("club", "instructors", j))
    data["after_school"]["clubs"].append(edit.club.model_dump(mode="json"))


def _remove_club(school: School, data: dict, edit: RemoveClub) -> None:
    _after_school(school, "club")
    if edit.club not in school.club_by_id:
        raise _Fail("club", f"没有这个社团：'{edit.club}'")
    section = data["after_school"]
    section["clubs"] = [c for c in section["clubs"] if c["id"] != edit.club]
    for pupil in section["pupils"]:
        pupil["choices"] = [c for c in pupil["choices"] if c != edit.club]


def _add_instructor(school: School, data: dict, edit: AddInstructor) -> None:
    _after_school(school, "clubs")
    if edit.teacher.id in school.teacher_by_id:
        raise _Fail(("teacher", "id"), f"已有教师 '{edit.teacher.id}'（{school.teacher_by_id[edit.teacher.id].name}）")
    clubs = {c["id"]: c for c in data["after_school"]["clubs"]}
    for j, club_id in enumerate(edit.clubs):
        if club_id not in clubs:
            raise _Fail(("clubs", j), f"没有这个社团：'{club_id}'")
        clubs[club_id]["instructors"].append(edit.teacher.id)
    data["teachers"].append(edit.teacher.model_copy(update={"outside_staff": True}).model_dump(mode="json"))


def _after_school_end(school: School, data: dict, edit: AfterSchoolEnd) -> None:
    _after_school(school, "end")
    windows = [w for w in data["after_school"]["windows"] if edit.stage in (None, w["stage"])]
    if not windows:
        raise _Fail("stage", f"该校没有{STAGE_NAMES.get(edit.stage, edit.stage)}的课后服务时段")
    for window in windows:
        window["end"] = edit.end


APPLY = {
    "remove_teacher": _remove_teacher,
    "add_teacher": _add_teacher,
    "teacher_availability": _teacher_availability,
    "teacher_max_load": _teacher_max_load,
    "weekly_lessons": _weekly_lessons,
    "policy_preset": _policy_preset,
    "policy_override": _policy_override,
    "add_room": _add_room,
    "remove_room": _remove_room,
    "add_club": _add_club,
    "remove_club": _remove_club,
    "add_instructor": _add_instructor,
    "after_school_end": _after_school_end,
}


# ---- in words -------------------------------------------------------------------------------------------------


def _name(school: School, teacher_id: str) -> str:
    teacher = school.teacher_by_id.get(teacher_id)
    return teacher.name if teacher else teacher_id


def _days(school: School, days: list[int]) -> str:
    return "、".join(school.days[d - 1] if 1 <= d <= len(school.days) else f"第{d}天" for d in days)


def describe(school: School, edit: Edit) -> str:
    """The edit in words, with names from ``school`` (the school before the edit)."""
    match edit:
        case RemoveTeacher():
            who = (
                "自动分给同学科余量最多的教师"
                if edit.reassign_to == AUTO
                else f"由{_name(school, edit.reassign_to)}接手"
            )
            return f"{_name(school, edit.teacher)} 离开（其课{who}）"
        case AddTeacher():
            subjects = "、".join(_subject_name(school, s) for s in edit.teacher.subjects)
            return f"新增教师 {edit.teacher.name}（{subjects}，每周至多 {edit.teacher.max_lessons_per_week} 节）"
        case TeacherAvailability():
            parts = [f"{_days(school, [s.day])}第{s.period}节" for s in edit.unavailable]
            parts += [f"{_days(school, [d])}上午" for d in edit.mornings]
            parts += [f"{_days(school, [d])}下午" for d in edit.afternoons]
            parts += [f"{_days(school, [d])}全天" for d in edit.days]
            mode = "改为" if edit.replace else "增加"
            return f"{_name(school, edit.teacher)} {mode}不可排课时间：{'、'.join(parts) or '无'}"
        case TeacherMaxLoad():
            parts = []
            if edit.per_week is not None:
                parts.append(f"每周至多 {edit.per_week} 节")
            if edit.per_day is not None:
                parts.append(f"每天至多 {edit.per_day} 节")
            return f"{_name(school, edit.teacher)} 课时上限改为{'、'.join(parts)}"
        case WeeklyLessons():
            return f"{edit.grade}年级 {_subject_name(school, edit.subject)} 每周 {edit.periods} 节"
        case PolicyPreset():
            name = PRESETS[edit.preset].name if edit.preset in PRESETS else edit.preset
            return f"政策改为 {edit.preset}（{name}）"
        case PolicyOverride():
            return f"政策 {edit.path} = {edit.value}"
        case AddRoom():
            return f"新增场地 {edit.room.name}（{edit.room.type}，可同时容纳 {edit.room.capacity} 个班）"
        case RemoveRoom():
            room = school.room_by_id.get(edit.room)
            return f"停用场地 {room.name if room else edit.room}"
        case AddClub():
            who = "、".join(_name(school, t) for t in edit.club.instructors)
            return f"新增社团「{edit.club.name}」（指导：{who}，每周 {edit.club.days_per_week} 次）"
        case RemoveClub():
            club = school.club_by_id.get(edit.club)
            return f"取消社团「{club.name if club else edit.club}」"
        case AddInstructor():
            clubs = "、".join(school.club_by_id[c].name if c in school.club_by_id else c for c in edit.clubs)
            return f"新增校外指导教师 {edit.teacher.name}（可指导：{clubs or '无'}）"
        case AfterSchoolEnd():
            stage = STAGE_NAMES.get(edit.stage, "") if edit.stage else ""
            return f"{stage}课后服务结束时间改为 {edit.end}"
    return edit.op
