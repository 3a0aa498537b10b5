"""The timetable as data: one ``Placement`` per placed lesson session, with a JSON round trip.

Format ``school-timetable/1`` (documented in docs/FORMAT.md). The checker reads only
``lesson``, ``day``, ``period`` and ``room`` of each placement and recomputes the rest from
the school; the other fields are there for people and other tools reading the file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from scheduler.domain import School

FORMAT = "school-timetable/1"


class Placement(BaseModel):
    model_config = ConfigDict(extra="ignore")

    lesson: str
    day: int = Field(ge=1)
    period: int = Field(ge=1)  # first period of the session
    room: str | None = None
    # Denormalised for readers; recomputed by ``describe``.
    duration: int = 1
    subject: str = ""
    subject_name: str = ""
    teachers: list[str] = []
    teacher_names: list[str] = []
    groups: list[str] = []
    class_names: list[str] = []
    start: str = ""
    end: str = ""


class ServiceSession(BaseModel):
    """The after-school times of one stage on one service day (for readers; the school is the source)."""

    model_config = ConfigDict(extra="ignore")

    stage: str
    day: int = Field(ge=1)
    session1_start: str
    session1_end: str
    session2_start: str
    session2_end: str


class Supervision(BaseModel):
    """Session 1 (作业辅导答疑) of a class on a day: its supervisor and room (the class's home room)."""

    model_config = ConfigDict(extra="ignore")

    class_id: str
    day: int = Field(ge=1)
    teacher: str
    room: str | None = None
    teacher_name: str = ""
    class_name: str = ""


class ClubMeeting(BaseModel):
    """A club meeting in session 2: day, room and instructor."""

    model_config = ConfigDict(extra="ignore")

    club: str
    day: int = Field(ge=1)
    room: str | None = None
    instructor: str
    club_name: str = ""
    instructor_name: str = ""


class Enrolment(BaseModel):
    """A pupil in a club; ``days`` (the club's days the pupil stays for session 2) and ``rank`` are derived."""

    model_config = ConfigDict(extra="ignore")

    pupil: str
    club: str
    days: list[int] = []
    rank: int | None = None  # 1 = first choice; None: not among the pupil's choices


class AfterSchoolPlan(BaseModel):
    model_config = ConfigDict(extra="ignore")

    sessions: list[ServiceSession] = []
    supervisions: list[Supervision] = []
    club_meetings: list[ClubMeeting] = []
    enrolments: list[Enrolment] = []


class Solution(BaseModel):
    model_config = ConfigDict(extra="ignore")

    format: Literal["school-timetable/1"] = FORMAT
    school_id: str
    policy: str = ""
    policy_overrides: dict = {}
    placements: list[Placement] = []
    objective_terms: dict[str, int] = {}
    after_school: AfterSchoolPlan | None = None

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.model_dump_json(indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Solution:
        return cls.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))


def describe(school: School, placement: Placement) -> Placement:
    """Fill the denormalised fields of ``placement`` from the school (names, clock times)."""
    lesson = school.lesson_by_id[placement.lesson]
    schedule = school.schedule_of(lesson)
    last = min(placement.period + lesson.duration - 1, len(schedule.periods))
    first = min(placement.period, len(schedule.periods))
    return placement.model_copy(
        update={
            "duration": lesson.duration,
            "subject": lesson.subject,
            "subject_name": school.subject_by_id[lesson.subject].name,
            "teachers": list(lesson.teachers),
            "teacher_names": [school.teacher_by_id[t].name for t in lesson.teachers],
            "groups": list(lesson.groups),
            "class_names": [group_name(school, g) for g in lesson.groups],
            "start": schedule.period(first).start,
            "end": schedule.period(last).end,
        }
    )


def group_name(school: School, group: str) -> str:
    """'c3-2:男' → '三年级2班（男）'; an unknown class keeps its id."""
    class_id, _, section = group.partition(":")
    school_class = school.class_by_id.get(class_id)
    name = school_class.name if school_class else class_id
    return f"{name}（{section}）" if section else name


def room_name(school: School, room_id: str | None) -> str:
    """A room's display name; "" for none, the id for an unknown room."""
    if not room_id:
        return ""
    room = school.room_by_id.get(room_id)
    return room.name if room else room_id
