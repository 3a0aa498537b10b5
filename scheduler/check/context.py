"""What every rule reads: the school, the expanded sessions, their indexes and Chinese names."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from scheduler.check.timeline import Session, expand
from scheduler.domain import Lesson, Pupil, School, clock, minutes
from scheduler.policy import Policy
from scheduler.solution import AfterSchoolPlan, Solution


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

    # ---- after-school ------------------------------------------------------------------------
    @cached_property
    def plan(self) -> AfterSchoolPlan:
        return self.solution.after_school or AfterSchoolPlan()

    @cached_property
    def after_school_work(self) -> dict[str, list[tuple[int, int, int, str]]]:
        """Per teacher: (day, start, end, label) of each supervision (whole service) and club meeting."""
        school = self.school
        out: dict[str, list[tuple[int, int, int, str]]] = defaultdict(list)
        if school.after_school is None:
            return out
        for s in self.plan.supervisions:
            if s.class_id in school.class_by_id and school.class_by_id[s.class_id].stage in school.window_by_stage:
                start, end = school.duty_interval(s.class_id)
                out[s.teacher].append((s.day, start, end, f"{self.class_name(s.class_id)} 课后服务看护"))
        for meeting in self.plan.club_meetings:
            club = school.club_by_id.get(meeting.club)
            if club is not None:
                start, end = school.club_interval(club)
                out[meeting.instructor].append((meeting.day, start, end, f"社团「{club.name}」"))
        return out

    def busy_intervals(self, teacher_id: str) -> dict[int, list[tuple[int, int]]]:
        """Per day, the clock intervals of the teacher's sessions, meetings and after-school work."""
        intervals: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for session in self.by_teacher.get(teacher_id, []):
            intervals[session.day].append((session.start, session.end))
        for meeting in self.school.meetings:
            if teacher_id in meeting.teachers:
                intervals[meeting.day].append((minutes(meeting.start), minutes(meeting.end)))
        for day, start, end, _ in self.after_school_work.get(teacher_id, []):
            intervals[day].append((start, end))
        return intervals

    def flexible_days(self, teacher_id: str) -> list[int]:
        """Days on which nothing of the teacher's starts before late_arrival_until or ends after early_leave_from."""
        flexible = self.school.flexible
        late_until, early_from = minutes(flexible.late_arrival_until), minutes(flexible.early_leave_from)
        intervals = self.busy_intervals(teacher_id)
        out = []
        for day in self.day_numbers:
            busy = intervals.get(day, [])
            if all(start >= late_until for start, _ in busy) or all(end <= early_from for _, end in busy):
                out.append(day)
        return out

    @cached_property
    def club_days(self) -> dict[str, set[int]]:
        out: dict[str, set[int]] = defaultdict(set)
        for meeting in self.plan.club_meetings:
            out[meeting.club].add(meeting.day)
        return out

    def attendance_days(self, pupil: Pupil, club_id: str) -> list[int]:
        """The club's meeting days on which the pupil stays for session 2."""
        return sorted(
            d for d in self.club_days.get(club_id, ()) if d in self.school.service_days and pupil.until[d - 1] == 2
        )

    def attends(self, pupil: Pupil, club_id: str) -> bool:
        return bool(self.attendance_days(pupil, club_id))

    @cached_property
    def members(self) -> dict[str, int]:
        out: dict[str, set[str]] = defaultdict(set)
        for e in self.plan.enrolments:
            out[e.club].add(e.pupil)
        return {club: len(pupils) for club, pupils in out.items()}

    @cached_property
    def participants(self) -> list[Pupil]:
        """Pupils who stay for session 2 on at least one service day."""
        if self.school.after_school is None:
            return []
        days = self.school.service_days
        return [p for p in self.school.after_school.pupils if any(p.until[d - 1] == 2 for d in days)]

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
        """三年级1班、三年级2班 数学 — the groups and the subject; 王老师 值班 for a lesson without pupils."""
        groups = "、".join(self.atom_name(g) for g in lesson.groups) or "、".join(
            self.teacher_name(t) for t in lesson.teachers
        )
        return f"{groups} {self.subject_name(lesson.subject)}"

    def class_id_of(self, lesson: Lesson | None) -> str | None:
        """The lesson's first class (a violation's class column); None without pupils."""
        classes = self.school.classes_of(lesson) if lesson else []
        return classes[0].id if classes else None

    def slot_name(self, session: Session) -> str:
        """周二 第3节 (or 第3–4节 for a double lesson)."""
        span = (
            f"第{session.period}节" if session.lesson.duration == 1 else f"第{session.period}–{session.last_period}节"
        )
        return f"{self.day_name(session.day)} {span}"

    @staticmethod
    def clock_span(start: int, end: int) -> str:
        return f"{clock(start)}–{clock(end)}"
