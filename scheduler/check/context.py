"""What every rule reads: the school, the expanded sessions, their indexes and Chinese names."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from scheduler.check.timeline import Session, expand
from scheduler.domain import Lesson, School, clock
from scheduler.policy import Policy
from scheduler.solution import Solution


@dataclass
class Context:
    school: School
    solution: Solution
    sessions: list[Session] = field(init=False)

    def __post_init__(self) -> None:
        self.sessions = expand(self.school, self.solution.placements)

    # ---- indexes -------------------------------------------------------------------------
    @cached_property
    def policy(self) -> Policy:
        return self.school.resolved_policy

    @cached_property
    def day_numbers(self) -> range:
        return range(1, len(self.school.days) + 1)

    @cached_property
    def atoms(self) -> list[str]:
        """Every atomic pupil set of every class."""
        return [atom for c in self.school.classes for atom in c.atoms()]

    @cached_property
    def by_atom(self) -> dict[str, list[Session]]:
        index: dict[str, list[Session]] = defaultdict(list)
        for session in self.sessions:
            for atom in session.atoms:
                index[atom].append(session)
        return index

    @cached_property
    def by_teacher(self) -> dict[str, list[Session]]:
        index: dict[str, list[Session]] = defaultdict(list)
        for session in self.sessions:
            for teacher_id in dict.fromkeys(session.lesson.teachers):
                index[teacher_id].append(session)
        return index

    @cached_property
    def by_room(self) -> dict[str, list[Session]]:
        index: dict[str, list[Session]] = defaultdict(list)
        for session in self.sessions:
            if session.room is not None:
                index[session.room].append(session)
        return index

    def atom_day(self, atom: str, day: int) -> list[Session]:
        return [s for s in self.by_atom.get(atom, []) if s.day == day]

    # ---- names for messages ---------------------------------------------------------------
    def day_name(self, day: int) -> str:
        return self.school.days[day - 1] if 1 <= day <= len(self.school.days) else f"第{day}天"

    def atom_name(self, atom: str) -> str:
        """'c3-2' -> 三年级2班, 'c3-2:男' -> 三年级2班（男）."""
        class_id, _, section = atom.partition(":")
        school_class = self.school.class_by_id.get(class_id)
        name = school_class.name if school_class else class_id
        return f"{name}（{section}）" if section else name

    def class_name(self, class_id: str) -> str:
        return self.atom_name(class_id.partition(":")[0])

    def teacher_name(self, teacher_id: str) -> str:
        teacher = self.school.teacher_by_id.get(teacher_id)
        return teacher.name if teacher else teacher_id

    def room_name(self, room_id: str) -> str:
        room = self.school.room_by_id.get(room_id)
        return room.name if room else room_id

    def subject_name(self, subject_id: str) -> str:
        subject = self.school.subject_by_id.get(subject_id)
        return subject.name if subject else subject_id

    def lesson_label(self, lesson: Lesson) -> str:
        """三年级1班、三年级2班 数学 — the groups and the subject."""
        groups = "、".join(self.atom_name(g) for g in lesson.groups)
        return f"{groups} {self.subject_name(lesson.subject)}"

    def slot_name(self, session: Session) -> str:
        """周二 第3节 (or 第3–4节 for a double lesson)."""
        span = (
            f"第{session.period}节" if session.lesson.duration == 1 else f"第{session.period}–{session.last_period}节"
        )
        return f"{self.day_name(session.day)} {span}"

    @staticmethod
    def clock_span(start: int, end: int) -> str:
        return f"{clock(start)}–{clock(end)}"
