"""Who and what can be in one place at one time: classes, teachers, rooms."""

from __future__ import annotations

from collections.abc import Iterator

from scheduler.check.context import Context
from scheduler.check.report import Violation
from scheduler.check.timeline import Session, lunch_before, overlapping_pairs
from scheduler.domain import RoomGroup


def check_class_clash(ctx: Context) -> Iterator[Violation]:
    """No two sessions covering the same atom overlap (学生不冲突); one violation per class and pair."""
    seen: set[tuple[str, int, int]] = set()
    for atom in ctx.atoms:
        class_id = atom.partition(":")[0]
        for first, second in overlapping_pairs(ctx.by_atom.get(atom, [])):
            key = (class_id, first.index, second.index)
            if key in seen:
                continue
            seen.add(key)
            class_atoms = set(ctx.school.class_by_id[class_id].atoms())
            shared = sorted(first.atoms & second.atoms & class_atoms)
            who = ctx.class_name(class_id) if set(shared) == class_atoms else "、".join(map(ctx.atom_name, shared))
            subjects = f"{first.subject.name}、{second.subject.name}"
            yield Violation(
                rule="class_clash",
                message=f"{who} {ctx.day_name(second.day)} 第{second.period}节 同时有两节课：{subjects}",
                class_id=class_id,
                lesson_id=second.lesson.id,
                day=second.day,
                period=second.period,
            )


def check_teacher_clash(ctx: Context) -> Iterator[Violation]:
    """No two sessions of the same teacher overlap, in clock time (教师不冲突)."""
    for teacher_id, sessions in ctx.by_teacher.items():
        for first, second in overlapping_pairs(sessions):
            both = f"{_label(ctx, first, second)}、{_label(ctx, second, first)}"
            yield Violation(
                rule="teacher_clash",
                message=f"{ctx.teacher_name(teacher_id)} {ctx.day_name(second.day)} 第{second.period}节 同时有两节课：{both}",
                teacher_id=teacher_id,
                class_id=second.class_id,
                lesson_id=second.lesson.id,
                day=second.day,
                period=second.period,
            )


def check_not_overlapping(ctx: Context) -> Iterator[Violation]:
    """No session of a lesson overlaps (clock time, same day) a session of a lesson in its ``not_with``."""
    by_lesson: dict[str, list[Session]] = {}
    for session in ctx.sessions:
        by_lesson.setdefault(session.lesson.id, []).append(session)
    for lesson in ctx.school.all_lessons:
        for other_id in dict.fromkeys(lesson.not_with):
            other = ctx.school.lesson_by_id[other_id]
            for mine in by_lesson.get(lesson.id, []):
                for theirs in by_lesson.get(other_id, []):
                    if not mine.overlaps(theirs):
                        continue
                    where, other_where = ctx.slot_name(mine), ctx.slot_name(theirs)
                    when = f"都排在 {where}" if where == other_where else f"排在 {where} 与 {other_where}"
                    yield Violation(
                        rule="not_overlapping",
                        message=f"{ctx.lesson_label(lesson)} 与 {ctx.lesson_label(other)} 不能同时上课，却{when}",
                        class_id=mine.class_id,
                        lesson_id=lesson.id,
                        day=mine.day,
                        period=mine.period,
                    )


def _label(ctx: Context, session: Session, other: Session) -> str:
    """The lesson; with its clock time when the other session follows another bell schedule."""
    label = ctx.lesson_label(session.lesson)
    if session.schedule is not other.schedule:
        label += f"（{ctx.slot_name(session)} {ctx.clock_span(session.start, session.end)}）"
    return label


def check_room_missing(ctx: Context) -> Iterator[Violation]:
    """A session of a lesson that needs a room type (e.g. 音乐教室) has a room."""
    for session in ctx.sessions:
        if not ctx.school.needs_room(session.lesson) or session.room is not None:
            continue
        lesson = session.lesson
        if lesson.rooms is not None and not lesson.room:
            need = f"可用教室：{_room_names(ctx, lesson.rooms)}"
        else:
            need = f"需要{_room_kind(ctx, ctx.school.room_type_of(lesson) or '')}"
        yield Violation(
            rule="room_missing",
            message=f"{ctx.lesson_label(lesson)} {ctx.slot_name(session)} 没有安排教室，{need}",
            class_id=session.class_id,
            lesson_id=session.lesson.id,
            day=session.day,
            period=session.period,
        )


def check_room_type(ctx: Context) -> Iterator[Violation]:
    """The room of a session is of the lesson's room type (only lessons that need a room type and
    have no room set: rule room_set checks those)."""
    for session in ctx.sessions:
        room_type = ctx.school.room_type_of(session.lesson)
        if room_type is None or session.room is None or session.lesson.rooms is not None:
            continue
        room = ctx.school.room_by_id[session.room]
        if room.type != room_type:
            yield Violation(
                rule="room_type",
                message=(
                    f"{ctx.lesson_label(session.lesson)} {ctx.slot_name(session)} 排在{room.name}（{room.type} 类），"
                    f"需要{_room_kind(ctx, room_type)}"
                ),
                class_id=session.class_id,
                room_id=room.id,
                lesson_id=session.lesson.id,
                day=session.day,
                period=session.period,
            )


def check_room_set(ctx: Context) -> Iterator[Violation]:
    """A session of a lesson with a room set (``rooms``) that has a room is in one of those rooms
    (and in its fixed ``room`` when it has one as well); no room at all is room_missing."""
    for session in ctx.sessions:
        lesson = session.lesson
        if lesson.rooms is None or session.room is None:
            continue
        allowed = [lesson.room] if lesson.room else lesson.rooms
        if session.room in allowed:
            continue
        yield Violation(
            rule="room_set",
            message=(
                f"{ctx.lesson_label(lesson)} {ctx.slot_name(session)} 排在{ctx.room_name(session.room)}，"
                f"不在指定教室（{_room_names(ctx, allowed)}）之中"
            ),
            class_id=session.class_ids[0],
            room_id=session.room,
            lesson_id=lesson.id,
            day=session.day,
            period=session.period,
        )


def check_rooms_max_different(ctx: Context) -> Iterator[Violation]:
    """The sessions of a room group's lessons that have a room use at most ``max_rooms`` distinct rooms."""
    for group in ctx.school.room_groups:
        if group.max_rooms is None:
            continue
        sessions = _room_group_sessions(ctx, group)
        rooms = list(dict.fromkeys(session.room for session in sessions if session.room is not None))
        if len(rooms) <= group.max_rooms:
            continue
        yield Violation(
            rule="rooms_max_different",
            message=(
                f"教室组 {group.id}（{_group_lessons(ctx, group)}）用了 {len(rooms)} 间教室"
                f"（{_room_names(ctx, rooms)}），最多 {group.max_rooms} 间"
            ),
            lesson_id=group.lessons[0],
        )


def check_same_room_if_consecutive(ctx: Context) -> Iterator[Violation]:
    """Two sessions (with rooms) of a room group's lessons on one day, the later starting in the period right
    after the earlier ends with no lunch block between (in the later one's bell schedule), share a room."""
    for group in ctx.school.room_groups:
        if not group.same_room_if_consecutive:
            continue
        sessions = [session for session in _room_group_sessions(ctx, group) if session.room is not None]
        for earlier in sessions:
            for later in sessions:
                if (
                    later.day == earlier.day
                    and later.period == earlier.last_period + 1
                    and not lunch_before(later.schedule, later.day, later.period)
                    and later.room != earlier.room
                ):
                    yield Violation(
                        rule="same_room_if_consecutive",
                        message=(
                            f"教室组 {group.id}：{ctx.lesson_label(earlier.lesson)} {ctx.slot_name(earlier)} 在"
                            f"{ctx.room_name(earlier.room or '')}，紧接着的 {ctx.lesson_label(later.lesson)} "
                            f"{ctx.slot_name(later)} 却在{ctx.room_name(later.room or '')}，应在同一间教室"
                        ),
                        class_id=later.class_id,
                        room_id=later.room,
                        lesson_id=later.lesson.id,
                        day=later.day,
                        period=later.period,
                    )


def _room_group_sessions(ctx: Context, group: RoomGroup) -> list[Session]:
    members = set(group.lessons)
    return [session for session in ctx.sessions if session.lesson.id in members]


def _group_lessons(ctx: Context, group: RoomGroup) -> str:
    lessons = [ctx.school.lesson_by_id[lesson_id] for lesson_id in group.lessons]
    return "、".join(dict.fromkeys(ctx.lesson_label(lesson) for lesson in lessons))


def _room_names(ctx: Context, room_ids: list[str]) -> str:
    return "、".join(ctx.room_name(r) for r in room_ids)


def _room_kind(ctx: Context, room_type: str) -> str:
    """'music' -> "music 类教室（音乐教室）": the type with the names of its rooms."""
    names = "、".join(r.name for r in ctx.school.rooms if r.type == room_type)
    return f" {room_type} 类教室（{names}）" if names else f" {room_type} 类教室"


def check_room_capacity(ctx: Context) -> Iterator[Violation]:
    """At no moment does a room hold more sessions than its capacity; one violation per crowded set."""
    for room_id, sessions in ctx.by_room.items():
        room = ctx.school.room_by_id[room_id]
        reported: set[frozenset[int]] = set()
        # The number of sessions in the room only rises at a session's start.
        for arriving in sorted(sessions, key=lambda s: (s.day, s.start, s.index)):
            present = [s for s in sessions if s.day == arriving.day and s.start <= arriving.start < s.end]
            crowd = frozenset(s.index for s in present)
            if len(present) <= room.capacity or crowd in reported:
                continue
            reported.add(crowd)
            names = "、".join(ctx.lesson_label(s.lesson) for s in present)
            yield Violation(
                rule="room_capacity",
                message=(
                    f"{room.name} {ctx.day_name(arriving.day)} 第{arriving.period}节 同时有 {len(present)} 节课"
                    f"（容量 {room.capacity}）：{names}"
                ),
                room_id=room_id,
                class_id=arriving.class_id,
                lesson_id=arriving.lesson.id,
                day=arriving.day,
                period=arriving.period,
            )


def check_room_unavailable(ctx: Context) -> Iterator[Violation]:
    """No session is in a room in a period the room is unavailable (stage null: every stage)."""
    for room_id, sessions in ctx.by_room.items():
        room = ctx.school.room_by_id[room_id]
        for session in sessions:
            for period in session.periods:
                if any(
                    slot.day == session.day and slot.period == period and slot.stage in (None, session.stage)
                    for slot in room.unavailable
                ):
                    yield Violation(
                        rule="room_unavailable",
                        message=(
                            f"{room.name} {ctx.day_name(session.day)} 第{period}节 不可用，"
                            f"却安排了 {ctx.lesson_label(session.lesson)}"
                        ),
                        room_id=room_id,
                        class_id=session.class_id,
                        lesson_id=session.lesson.id,
                        day=session.day,
                        period=period,
                    )
