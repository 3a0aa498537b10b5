"""Rooms for the placed sessions: the model keeps each room type within its total capacity;
here each session gets a concrete room (fixed-room lessons first, then earliest start first,
which never fails for rooms of one type when the totals hold at every moment)."""

from __future__ import annotations

from collections import defaultdict

from scheduler.domain import School, minutes
from scheduler.solution import Placement


def session_interval(school: School, placement: Placement) -> tuple[int, int]:
    lesson = school.lesson_by_id[placement.lesson]
    schedule = school.schedule_of(lesson)
    first = schedule.period(placement.period)
    last = schedule.period(placement.period + lesson.duration - 1)
    return minutes(first.start), minutes(last.end)


def assign_rooms(
    school: School, placements: list[Placement], prefer: dict[tuple[str, int, int], str | None] | None = None
) -> list[Placement]:
    """A room for every session; ``prefer`` (lesson, day, period) → room is tried first (re-planning
    keeps a session's room when it can; any free room of the type keeps the greedy exact)."""
    prefer = prefer or {}
    taken: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)  # (room, day) -> intervals

    def fits(room_id: str, day: int, interval: tuple[int, int]) -> bool:
        start, end = interval
        others = [iv for iv in taken[(room_id, day)] if iv[0] < end and start < iv[1]]
        points = [start] + [iv[0] for iv in others if iv[0] > start]
        capacity = school.room_by_id[room_id].capacity
        return all(sum(1 for a, b in others if a <= t < b) < capacity for t in points)

    out: list[Placement] = []
    pending: list[tuple[tuple[int, int], Placement, str]] = []
    for placement in placements:
        lesson = school.lesson_by_id[placement.lesson]
        room_type = school.room_type_of(lesson)
        if room_type is None:
            out.append(placement)
        elif lesson.room:
            taken[(lesson.room, placement.day)].append(session_interval(school, placement))
            out.append(placement.model_copy(update={"room": lesson.room}))
        else:
            pending.append((session_interval(school, placement), placement, room_type))
    pending.sort(key=lambda item: (item[1].day, item[0]))
    for interval, placement, room_type in pending:
        wanted = prefer.get((placement.lesson, placement.day, placement.period))
        rooms = sorted(school.rooms, key=lambda r: r.id != wanted)
        room = next((r.id for r in rooms if r.type == room_type and fits(r.id, placement.day, interval)), None)
        if room is not None:
            taken[(room, placement.day)].append(interval)
        out.append(placement.model_copy(update={"room": room}))
    return out


def assign_club_rooms(
    school: School, meetings: list[tuple[str, int, str]], placements: list[Placement]
) -> list[tuple[str, int, str, str | None]]:
    """(club, day, instructor) → with a room of the club's type that is not a class's home room.

    Rooms already hold the placed lessons; clubs are taken in order of start time, so a type whose
    total capacity holds at every moment always has a room free (as for lessons).
    """
    home = {c.home_room for c in school.classes}
    taken: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
    for placement in placements:
        if placement.room:
            taken[(placement.room, placement.day)].append(session_interval(school, placement))

    def fits(room_id: str, day: int, start: int, end: int) -> bool:
        others = [iv for iv in taken[(room_id, day)] if iv[0] < end and start < iv[1]]
        points = [start] + [iv[0] for iv in others if iv[0] > start]
        return all(sum(1 for a, b in others if a <= t < b) < school.room_by_id[room_id].capacity for t in points)

    out = []
    order = sorted(meetings, key=lambda m: (m[1], school.club_interval(school.club_by_id[m[0]]), m[0]))
    for club_id, day, instructor in order:
        club = school.club_by_id[club_id]
        start, end = school.club_interval(club)
        room = next(
            (
                r.id
                for r in school.rooms
                if r.type == club.room_type and r.id not in home and fits(r.id, day, start, end)
            ),
            None,
        )
        if room is not None:
            taken[(room, day)].append((start, end))
        out.append((club_id, day, instructor, room))
    return out
