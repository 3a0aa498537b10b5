"""Rooms for the placed sessions: the model keeps each room type within its total capacity;
here each session gets a concrete room (fixed-room lessons first, then earliest start first,
which never fails for rooms of one type when the totals hold at every moment). A room is only
given to a session when it is free in every period the session covers (``Room.unavailable``);
rooms that are not alike can make the greedy fail, and then a backtracking search looks for a
room for every session of that type and day. A session still without a room keeps ``room``
None (the checker reports it as ``room_missing``). Sessions of lessons with a room set, and of
those sharing rooms with them, get a room of the class of alike rooms the model chose for them
(earliest start first: exact, as the model kept each class within its capacity at every moment);
sessions that already have a room keep it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from scheduler.domain import Room, School, minutes
from scheduler.solution import Placement


def session_interval(school: School, placement: Placement) -> tuple[int, int]:
    lesson = school.lesson_by_id[placement.lesson]
    schedule = school.schedule_of(lesson)
    first = schedule.period(placement.period)
    last = schedule.period(placement.period + lesson.duration - 1)
    return minutes(first.start), minutes(last.end)


def assign_rooms(
    school: School,
    placements: list[Placement],
    prefer: dict[tuple[str, int, int], str | None] | None = None,
    within: dict[tuple[str, int, int], list[str]] | None = None,
) -> list[Placement]:
    """A room for every session; ``prefer`` (lesson, day, period) → room is tried first (re-planning
    keeps a session's room when it can; any free room of the type keeps the greedy exact); ``within``
    (lesson, day, period) → the alike rooms the model chose for the session (room sets), the only
    ones it may get."""
    prefer, within = prefer or {}, within or {}
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
        if placement.room is not None:  # given: kept
            taken[(placement.room, placement.day)].append(session_interval(school, placement))
            out.append(placement)
        elif not school.needs_room(lesson):
            out.append(placement)
        elif lesson.room:
            taken[(lesson.room, placement.day)].append(session_interval(school, placement))
            out.append(placement.model_copy(update={"room": lesson.room}))
        else:
            key = (placement.lesson, placement.day, placement.period)
            group = "within:" + ",".join(within[key]) if key in within else _group(school, lesson)
            pending.append((session_interval(school, placement), placement, group))
    pending.sort(key=lambda item: (item[1].day, item[0]))
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)  # (day, room type) -> indexes into pending
    for i, (_, placement, group) in enumerate(pending):
        groups[(placement.day, group)].append(i)
    chosen: list[str | None] = [None] * len(pending)
    for (day, _), members in groups.items():
        sessions = [(pending[i][0], _candidates(school, pending[i][1], prefer, within)) for i in members]
        rooms = _greedy(sessions, day, fits, taken)
        usable = {r for _, candidates in sessions for r in candidates}
        if None in rooms and any(school.room_by_id[r].unavailable for r in usable):
            rooms = _search(sessions, day, fits, taken) or rooms
        for i, (interval, _), room in zip(members, sessions, rooms, strict=True):
            chosen[i] = room
            if room is not None:
                taken[(room, day)].append(interval)
    for (_, placement, _), room in zip(pending, chosen, strict=True):
        out.append(placement.model_copy(update={"room": room}))
    return out


Fits = Callable[[str, int, tuple[int, int]], bool]
Session = tuple[tuple[int, int], list[str]]  # clock interval, candidate rooms in order of preference
SEARCH_LIMIT = 20_000  # room choices tried by the exact search for one day and room type


def _group(school: School, lesson) -> str:
    """Sessions assigned together: by room type, a lesson with a room set by its set."""
    if lesson.rooms is not None:
        return "rooms:" + ",".join(sorted(lesson.rooms))
    return school.room_type_of(lesson) or ""


def _candidates(
    school: School,
    placement: Placement,
    prefer: dict[tuple[str, int, int], str | None],
    within: dict[tuple[str, int, int], list[str]],
) -> list[str]:
    """Rooms of the lesson (type or set; ``within`` the model's choice) free in every period the session
    covers: the preferred room first, then the rooms free in fewer periods that day (keep the widely
    free rooms for later sessions)."""
    lesson = school.lesson_by_id[placement.lesson]
    schedule = school.schedule_of(lesson)
    covered = range(placement.period, placement.period + lesson.duration)
    wanted = prefer.get((placement.lesson, placement.day, placement.period))
    key = (placement.lesson, placement.day, placement.period)
    rooms = [
        room
        for r in within.get(key) or school.rooms_of(lesson) or []
        if all((room := school.room_by_id[r]).free(placement.day, p, schedule.stage) for p in covered)
    ]

    def free_periods(room: Room) -> int:
        return sum(room.free(placement.day, p.index, schedule.stage) for p in schedule.periods)

    return [r.id for r in sorted(rooms, key=lambda r: (r.id != wanted, free_periods(r)))]


def _greedy(sessions: list[Session], day: int, fits: Fits, taken: dict) -> list[str | None]:
    """Earliest start first, the first candidate room that is free: exact when the rooms are alike."""
    rooms: list[str | None] = []
    for interval, candidates in sessions:
        room = next((r for r in candidates if fits(r, day, interval)), None)
        if room is not None:
            taken[(room, day)].append(interval)
        rooms.append(room)
    for (interval, _), room in zip(sessions, rooms, strict=True):
        if room is not None:
            taken[(room, day)].remove(interval)
    return rooms


def _search(sessions: list[Session], day: int, fits: Fits, taken: dict) -> list[str] | None:
    """A room for every session by backtracking (rooms with unavailable periods differ), or None
    when there is none or ``SEARCH_LIMIT`` choices did not find one."""
    rooms: list[str] = []
    tries = 0

    def place(k: int) -> bool:
        nonlocal tries
        if k == len(sessions):
            return True
        interval, candidates = sessions[k]
        for room in candidates:
            tries += 1
            if tries > SEARCH_LIMIT:
                return False
            if not fits(room, day, interval):
                continue
            taken[(room, day)].append(interval)
            rooms.append(room)
            found = place(k + 1)
            taken[(room, day)].remove(interval)
            if found:
                return True
            rooms.pop()
        return False

    return rooms if place(0) else None


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
