"""The school as validated data (pydantic v2): calendar, policy, classes, teachers, lessons.

A ``School`` is built once at the edge (JSON, Excel) and validated there; a bad record fails
with its location, e.g. ``lessons[3].teachers[0]: unknown teacher 't99'``. Ids are short
stable strings; display names may be Chinese. Days and periods are 1-based.

The unit the model places is a ``Lesson``: one or more teachers, one or more student
groups, a subject, a duration in periods and a weekly count. A group reference is a class
id (``"c3-2"``: the whole class) or a class section (``"c3-2:男"``). Sections are the
atomic pupil sets of a class; two lessons clash when their groups share a section.
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from scheduler.policy import DAY_PERIODS_CAP, Policy, PolicyError, Stage, resolve_policy, stage_of_grade

ClockTime = str  # "HH:MM"
CLOCK = r"^([01]\d|2[0-3]):[0-5]\d$"
DEFAULT_DAYS = ["周一", "周二", "周三", "周四", "周五"]


@lru_cache(maxsize=4096)
def minutes(clock: ClockTime) -> int:
    """'08:20' -> 500 (minutes since midnight)."""
    hours, mins = clock.split(":")
    return int(hours) * 60 + int(mins)


def clock(total_minutes: int) -> ClockTime:
    return f"{total_minutes // 60:02d}:{total_minutes % 60:02d}"


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Period(Record):
    """One lesson period of the bell schedule (第N节)."""

    index: int = Field(ge=1)
    start: ClockTime = Field(pattern=CLOCK)
    end: ClockTime = Field(pattern=CLOCK)

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if minutes(self.end) <= minutes(self.start):
            raise ValueError(f"period {self.index}: end {self.end} is not after start {self.start}")
        return self


class DailyBlock(Record):
    """A fixed block that is not a lesson: 大课间, 眼保健操, 午餐, 课外活动."""

    name: str
    kind: Literal["activity", "eye_exercise", "lunch", "break", "other"] = "other"
    start: ClockTime = Field(pattern=CLOCK)
    end: ClockTime = Field(pattern=CLOCK)
    physical_activity: bool = False  # minutes count toward the daily activity hour
    days: list[int] | None = None  # None: every school day

    @property
    def minutes(self) -> int:
        return minutes(self.end) - minutes(self.start)


class BellSchedule(Record):
    """The periods and fixed blocks of one stage (作息时间表)."""

    stage: Stage
    name: str = ""
    periods: list[Period] = Field(min_length=1)
    blocks: list[DailyBlock] = []
    # Periods starting at or after this time are afternoon (下午) periods.
    afternoon_from: ClockTime = Field("12:00", pattern=CLOCK)

    @model_validator(mode="after")
    def _periods_in_order(self) -> BellSchedule:
        for i, period in enumerate(self.periods):
            if period.index != i + 1:
                raise ValueError(f"periods[{i}].index: expected {i + 1}, got {period.index}")
            if i and minutes(period.start) < minutes(self.periods[i - 1].end):
                raise ValueError(f"periods[{i}].start: {period.start} overlaps period {i}")
        return self

    def period(self, index: int) -> Period:
        return self.periods[index - 1]

    def is_afternoon(self, index: int) -> bool:
        return minutes(self.period(index).start) >= minutes(self.afternoon_from)


class Subject(Record):
    """A subject (学科) with the room it needs and its per-day limit."""

    id: str
    name: str
    category: Literal[
        "core", "pe", "arts", "science", "labour", "it", "moral", "local", "class_meeting", "activity", "other"
    ] = "other"
    room_type: str | None = None  # None: taught in the class's home room
    max_per_day: int = Field(1, ge=1, le=8)
    counts_as_activity: bool = False  # lesson minutes count toward the daily activity hour
    protected: bool = False  # 音体美: may never be dropped or handed to another subject
    morning_preferred: bool = False  # 语数英 in the morning (soft)


# Upper bounds of a teacher's caps: a day's periods, and a week of 7 such days, so no load that fits a week
# is refused (FET example files: up to 22 periods a day, 66 a week).
TEACHER_DAY_CAP = DAY_PERIODS_CAP
TEACHER_WEEK_CAP = 7 * TEACHER_DAY_CAP
ROOM_GROUP_CAP = 100  # a room group's max_rooms: at most this many distinct rooms (FET files: up to 4)


class TagLimit(Record):
    """Caps on the periods of lessons carrying an activity tag (活动标签), per teacher or per class atom (rules
    teacher_tag_hours / class_tag_hours; FET: activity tag max hours daily / continuously)."""

    tag: str = Field(min_length=1)
    max_per_day: int | None = Field(None, ge=0, le=TEACHER_DAY_CAP)  # periods of tagged lessons a day
    # tagged periods in a row, a lunch block between two periods breaking the row
    max_consecutive: int | None = Field(None, ge=1, le=TEACHER_DAY_CAP)

    @model_validator(mode="after")
    def _some_cap(self) -> TagLimit:
        if self.max_per_day is None and self.max_consecutive is None:
            raise ValueError(f"tag '{self.tag}': give max_per_day or max_consecutive")
        return self


class IntervalMaxDays(Record):
    """Periods ``first_period``…``last_period`` of a day: the teacher has a session covering one of them on at
    most ``max_days`` days a week (rule teacher_interval_max_days)."""

    first_period: int = Field(ge=1, le=TEACHER_DAY_CAP)
    last_period: int = Field(ge=1, le=TEACHER_DAY_CAP)
    max_days: int = Field(ge=0, le=7)

    @model_validator(mode="after")
    def _ordered(self) -> IntervalMaxDays:
        if self.last_period < self.first_period:
            raise ValueError(f"last_period: {self.last_period} is before first_period {self.first_period}")
        return self


class Teacher(Record):
    id: str
    name: str
    subjects: list[str] = []
    max_lessons_per_week: int = Field(18, ge=0, le=TEACHER_WEEK_CAP)
    max_lessons_per_day: int = Field(5, ge=0, le=TEACHER_DAY_CAP)
    # periods taught on a day with lessons, or on every day when allow_empty_days is False (rule
    # teacher_min_day; FET: teacher(s) min hours daily); None: no minimum
    min_lessons_per_day: int | None = Field(None, ge=0, le=TEACHER_DAY_CAP)
    allow_empty_days: bool = True
    # days a week with lessons (rule teacher_max_days); None: no limit; ≥ the school's days: no effect
    max_days_per_week: int | None = Field(None, ge=0, le=7)
    # days a week with lessons, at least (rule teacher_min_days; FET: teacher(s) min days per week); None: none
    min_days_per_week: int | None = Field(None, ge=0, le=7)
    # free periods (空堂) between two lessons of a day, unavailable periods excepted (rule
    # teacher_max_gaps; FET: teacher(s) max gaps per week / per day); None: no cap
    max_gaps_per_week: int | None = Field(None, ge=0, le=TEACHER_WEEK_CAP)
    max_gaps_per_day: int | None = Field(None, ge=0, le=TEACHER_DAY_CAP)
    # periods taught in a row (连上), a lunch block between two periods breaking the row (rule
    # teacher_max_consecutive; FET: teacher(s) max hours continuously); None: no cap
    max_consecutive: int | None = Field(None, ge=1, le=TEACHER_DAY_CAP)
    # caps on the periods of lessons with an activity tag (rule teacher_tag_hours), one entry per tag
    tag_limits: list[TagLimit] = []
    # days a week with a session in a range of periods, per range (rule teacher_interval_max_days; FET:
    # teacher(s) interval max days per week)
    interval_max_days: list[IntervalMaxDays] = []
    unavailable: list[Slot] = []
    outside_staff: bool = False  # 校外专业人员/志愿者: after-school only, no flexible-hours rule
    after_school_days: list[int] | None = None  # days the teacher can take after-school work; None: every day

    def free(self, day: int, period: int, stage: str) -> bool:
        """Not marked unavailable in ``period`` of ``stage``'s bell schedule (a slot's stage null: every stage)."""
        return not any(s.day == day and s.period == period and s.stage in (None, stage) for s in self.unavailable)


class Slot(Record):
    """A period of a day, 1-based. ``stage`` picks the bell schedule in a 九年一贯制 school."""

    day: int = Field(ge=1)
    period: int = Field(ge=1)
    stage: Stage | None = None


class ClassSlot(Record):
    """A period of a day, 1-based, in which a class has no lesson; ``section``: only that section's."""

    day: int = Field(ge=1)
    period: int = Field(ge=1)
    section: str | None = None


class Room(Record):
    id: str
    name: str
    type: str = "classroom"
    capacity: int = Field(1, ge=1, le=20)  # lessons (classes) it holds at once
    unavailable: list[Slot] = []  # periods the room cannot be used (FET: room not available times)

    def free(self, day: int, period: int, stage: str) -> bool:
        """Not marked unavailable in ``period`` of ``stage``'s bell schedule (a slot's stage null: every stage)."""
        return not any(s.day == day and s.period == period and s.stage in (None, stage) for s in self.unavailable)


class SchoolClass(Record):
    """A class (班级), e.g. 三年级2班."""

    id: str
    name: str
    grade: int = Field(ge=1, le=9)
    pupils: int = Field(40, ge=1, le=80)
    home_room: str | None = None
    sections: list[str] = []  # atomic pupil sets, e.g. ["男", "女"]; empty: the class is one
    # periods a day of each atom (rule class_lessons_per_day; FET: students (set) max / min hours
    # daily): at most max; at least min on a day with lessons, or every day when allow_empty_days
    # is False; None: no bound of the class's own (the stage's caps still hold)
    min_lessons_per_day: int | None = Field(None, ge=0, le=DAY_PERIODS_CAP)
    max_lessons_per_day: int | None = Field(None, ge=0, le=DAY_PERIODS_CAP)
    allow_empty_days: bool = True
    # no_gaps: each day's lessons of every atom form one block (rule class_no_gaps, 无空堂; FET: students
    # max gaps 0); starts_first_period: a day with lessons starts in period 1 (rule class_starts_first_period;
    # FET: students early, max beginnings at second hour 0)
    no_gaps: bool = False
    starts_first_period: bool = False
    # periods in which the class (or one section: ``section``) has no lesson (rule class_unavailable;
    # FET: students set not available times, break slots on some days). The day-shape rules skip
    # them: they are no gaps, and a day may start after them
    unavailable: list[ClassSlot] = []
    # free periods (空堂) between two lessons of an atom's day, unavailable periods excepted (rule
    # class_max_gaps; FET: students (set) max gaps per week / per day, per subgroup); None: no cap
    max_gaps_per_week: int | None = Field(None, ge=0, le=TEACHER_WEEK_CAP)
    max_gaps_per_day: int | None = Field(None, ge=0, le=TEACHER_DAY_CAP)
    # days a week an atom may start one free period late (rule class_late_starts; FET: students (set) early
    # max beginnings at second hour above 0): at most one free period before a day's first lesson, and at most
    # this many days with one; None: no such rule (starts_first_period is the case 0)
    max_late_starts_per_week: int | None = Field(None, ge=0, le=7)
    # periods in a row of each atom, a lunch block between two periods breaking the row (rule
    # class_max_consecutive; FET: students (set) max hours continuously); None: no cap
    max_consecutive: int | None = Field(None, ge=1, le=TEACHER_DAY_CAP)
    # caps on each atom's periods of lessons with an activity tag (rule class_tag_hours), one entry per tag
    tag_limits: list[TagLimit] = []

    @property
    def stage(self) -> Stage:
        return stage_of_grade(self.grade)

    def free(self, atom: str, day: int, period: int) -> bool:
        """The atom (the class, or ``class:section``) is not marked unavailable in ``period`` of ``day``."""
        section = atom.partition(":")[2] or None
        return not any(s.day == day and s.period == period and s.section in (None, section) for s in self.unavailable)

    def atoms(self) -> list[str]:
        return [f"{self.id}:{s}" for s in self.sections] or [self.id]


class Assignment(Record):
    """任课安排: class × subject → teacher(s). The weekly count comes from the policy unless set."""

    class_id: str
    subject: str
    teachers: list[str] = Field(min_length=1)
    periods_per_week: int | None = Field(None, ge=0, le=20)
    doubles: int = Field(0, ge=0, le=10)  # how many of them are double lessons (连堂)
    room: str | None = None


class DaysApart(Record):
    """Another lesson whose sessions start at least ``days`` days from this lesson's (rule days_apart)."""

    lesson: str
    days: int = Field(1, ge=1, le=6)


class Lesson(Record):
    """The unit the model places: ``count`` sessions of ``duration`` periods each per week."""

    id: str
    subject: str
    teachers: list[str] = []
    # pupil groups; empty for a lesson without pupils (值班、教研活动 to place: FET activities without
    # students), which then names its bell schedule's ``stage``
    groups: list[str] = []
    stage: Stage | None = None
    duration: int = Field(1, ge=1, le=4)
    count: int = Field(1, ge=1, le=20)
    room: str | None = None  # a fixed room; otherwise any room of the subject's room type
    # rooms: candidate rooms, any one of them per session, a multi-period session in one room
    # throughout (rule room_set; FET: preferred rooms, home rooms); replaces the subject's room
    # type. With ``room`` as well, ``room`` must be one of them and fixes the lesson there.
    rooms: list[str] | None = None
    pinned: list[Slot] = []  # pre-placed start slots (e.g. 班会 周一第1节)
    # different_days: at most one session starts on any day (rule different_days); with
    # min_days_apart n, the starting days of any two sessions are at least n days apart
    different_days: bool = False
    min_days_apart: int = Field(1, ge=1, le=6)
    # adjacent_if_same_day: two sessions on one day follow each other directly (no period and no lunch
    # block between), so at most two a day (rule adjacent_if_same_day; FET: min days between activities
    # with "consecutive if same day", which FET enforces whatever the constraint's weight)
    adjacent_if_same_day: bool = False
    # adjacent_with: other lessons whose sessions, on a day with a session of this one, directly follow or
    # precede it (the same rule across lessons: parts of one FET activity split into lessons); either side
    adjacent_with: list[str] = []
    # days_apart_from: other lessons none of whose sessions starts within ``days`` - 1 days of one of this
    # lesson's (1: not the same day; rule days_apart; FET: min days between activities whose parts are
    # different lessons here); listed on either side
    days_apart_from: list[DaysApart] = []
    # allowed_starts: sessions may only start in these slots (rule allowed_starts; FET: activity
    # preferred starting times / time slots); None: anywhere
    allowed_starts: list[Slot] | None = None
    # same_time_as: another lesson with the same count whose sessions start at exactly the same
    # times (rule same_time; 走班/平行课, FET: activities same starting time)
    same_time_as: str | None = None
    # not_with: other lessons none of whose sessions may overlap a session of this one in clock
    # time (rule not_overlapping; FET: activities not overlapping); listed on either side
    not_with: list[str] = []
    # consecutive_after: another lesson with the same count; each session of this one starts at the
    # period right after a session of that one ends, the same day (rule consecutive; FET: two
    # activities consecutive)
    consecutive_after: str | None = None
    # grouped_with: one or two other lessons with the same count; their sessions and this one's form
    # blocks of one session each, on one day, back to back in any order (rule grouped; FET: two /
    # three activities grouped)
    grouped_with: list[str] = []
    # ordered_after: other lessons every session of which ends before any session of this one starts,
    # over the week (rule ordered; FET: two activities ordered)
    ordered_after: list[str] = []
    # ordered_if_same_day_after: the same, only between sessions on one day (rule
    # ordered_if_same_day; FET: two activities ordered if same day)
    ordered_if_same_day_after: list[str] = []
    # ends_day: no lesson of its pupils after a session of it that day (rule ends_day; FET: activity
    # ends students day)
    ends_day: bool = False
    # same_day_as / same_hour_as: another lesson with the same count whose sessions start on the same
    # days / in the same periods, session by session (rules same_day / same_hour; FET: activities
    # same starting day / hour)
    same_day_as: str | None = None
    same_hour_as: str | None = None
    # activity tags (活动标签, FET activity tags) that teachers' and classes' tag_limits count
    tags: list[str] = []
    # min_gap: two sessions of this lesson on one day have at least this many periods between them, a lunch
    # block between them counting as one (rule min_gap; FET: min gaps between activities, whose break
    # hours count); None: no rule
    min_gap: int | None = Field(None, ge=1, le=TEACHER_DAY_CAP)

    @property
    def periods_per_week(self) -> int:
        return self.duration * self.count


class Meeting(Record):
    """Teaching-research or grade-group time (教研/集体备课): its teachers teach no lesson then."""

    id: str
    name: str
    teachers: list[str] = Field(min_length=1)
    day: int = Field(ge=1)
    start: ClockTime = Field(pattern=CLOCK)
    end: ClockTime = Field(pattern=CLOCK)


class RoomGroup(Record):
    """Lessons whose sessions share rooms (FET: activities occupy max different rooms, activities same room if
    consecutive). Only sessions that get a room count: a lesson taught in its class's home room has none."""

    id: str
    lessons: list[str] = Field(min_length=1)  # one lesson: its own sessions
    # the sessions of these lessons use at most this many distinct rooms over the week (rule
    # rooms_max_different); None: no cap
    max_rooms: int | None = Field(None, ge=1, le=ROOM_GROUP_CAP)
    # two of their sessions on one day, the later starting in the period right after the earlier ends (no
    # lunch block between), are in the same room (rule same_room_if_consecutive)
    same_room_if_consecutive: bool = False


class OccupyMaxSlots(Record):
    """Sessions of ``lessons`` together cover at most ``max_slots`` of ``slots`` (rule occupy_max_slots; FET:
    activities occupy max time slots from selection). A slot is covered when a session of one of the
    lessons covers that period of its day (a slot's stage null: in any stage's bell schedule)."""

    id: str
    lessons: list[str] = Field(min_length=1)
    slots: list[Slot] = Field(min_length=1)
    max_slots: int = Field(ge=0)


class Weights(Record):
    """Weights of the soft goals; 0 switches a goal off."""

    teacher_gaps: int = Field(3, ge=0, le=1000)
    core_in_afternoon: int = Field(2, ge=0, le=1000)
    same_subject_same_day: int = Field(4, ge=0, le=1000)
    same_subject_in_a_row: int = Field(2, ge=0, le=1000)
    teacher_daily_overload: int = Field(1, ge=0, le=1000)
    class_daily_overload: int = Field(1, ge=0, le=1000)
    flexible_day_shortfall: int = Field(5, ge=0, le=1000)
    after_school_duty_excess: int = Field(2, ge=0, le=1000)

    def cost(self, terms: dict[str, int]) -> int:
        """The weighted sum of soft-goal counts: a timetable's objective (without re-planning moves)."""
        weights = self.model_dump()
        return sum(weights.get(name, 0) * value for name, value in terms.items())


class FlexibleHours(Record):
    """弹性上下班: a day is flexible when a teacher may arrive late or leave early."""

    min_days: int = Field(2, ge=0, le=7)
    # Late arrival: nothing of the teacher's starts before this (practice: no period 1 → arrive 9:00).
    late_arrival_until: ClockTime = Field("09:00", pattern=CLOCK)
    # Early leave: nothing of the teacher's ends after this.
    early_leave_from: ClockTime = Field("15:30", pattern=CLOCK)


class ServiceWindow(Record):
    """One stage's after-school service (课后服务), the same on every service day.

    Session 1 (作业辅导答疑) runs ``start``–``session1_end``; session 2 (社团, or supervised
    reading/play for pupils in no club that day) runs ``session2_start``–``end``.
    """

    stage: Stage
    start: ClockTime = Field(pattern=CLOCK)
    session1_end: ClockTime = Field(pattern=CLOCK)
    session2_start: ClockTime = Field(pattern=CLOCK)
    end: ClockTime = Field(pattern=CLOCK)

    @model_validator(mode="after")
    def _ordered(self) -> ServiceWindow:
        times = [minutes(t) for t in (self.start, self.session1_end, self.session2_start, self.end)]
        if not (times[0] < times[1] <= times[2] < times[3]):
            raise ValueError("expected start < session1_end ≤ session2_start < end")
        return self

    @property
    def session1_minutes(self) -> int:
        return minutes(self.session1_end) - minutes(self.start)

    @property
    def session2_minutes(self) -> int:
        return minutes(self.end) - minutes(self.session2_start)

    @property
    def total_minutes(self) -> int:
        return minutes(self.end) - minutes(self.start)


class Club(Record):
    """A club (社团) of session 2: one instructor, one room of ``room_type``, ``days_per_week`` meetings."""

    id: str
    name: str
    category: Literal["sports", "arts", "science", "reading", "labour", "chess", "other"] = "other"
    grades: list[int] = Field(min_length=1)
    min_size: int = Field(1, ge=0, le=200)
    max_size: int = Field(30, ge=1, le=200)
    days_per_week: int = Field(1, ge=1, le=7)
    room_type: str = "classroom"
    physical_activity: bool = False  # session-2 minutes count as physical activity (体育类社团)
    instructors: list[str] = Field(min_length=1)  # candidate teachers (school or outside staff)


class Pupil(Record):
    """A pupil's after-school choices: per school day how long they stay, and ranked clubs."""

    id: str
    class_id: str
    # Per school day: 0 leaves after lessons, 1 after session 1, 2 after session 2.
    until: list[int]
    choices: list[str] = []  # club ids, first choice first


class ClassParticipation(Record):
    """Per class and day, how many pupils stay (when no pupil list is given)."""

    class_id: str
    session1: list[int]  # pupils in session 1, per school day
    session2: list[int]  # pupils in session 2, per school day


class AfterSchool(Record):
    """课后服务 "5+2" settings of the school; see docs/RULES.md (as_*, club_*, flexible_days)."""

    days: list[int] | None = None  # service days; None: every school day
    work_end: ClockTime = Field("17:30", pattern=CLOCK)  # local end of the working day
    windows: list[ServiceWindow] = Field(min_length=1)
    max_duties_per_week: int = Field(3, ge=0, le=14)  # session-1 duties + club meetings per teacher
    supervisors: Literal["class", "grade"] = "class"  # session-1 candidates: the class's or the grade's teachers
    clubs: list[Club] = []
    pupils: list[Pupil] = []
    participation: list[ClassParticipation] = []


class PolicyChoice(Record):
    preset: str = "national-2022"
    overrides: dict[str, Any] = {}


class School(Record):
    id: str
    name: str
    days: list[str] = Field(default_factory=lambda: list(DEFAULT_DAYS), min_length=1, max_length=7)
    bell_schedules: list[BellSchedule] = Field(min_length=1)
    policy: PolicyChoice = PolicyChoice()
    subjects: list[Subject] = Field(min_length=1)
    teachers: list[Teacher] = []
    rooms: list[Room] = []
    classes: list[SchoolClass] = Field(min_length=1)
    assignments: list[Assignment] = []
    lessons: list[Lesson] = []
    meetings: list[Meeting] = []
    room_groups: list[RoomGroup] = []
    occupy_max_slots: list[OccupyMaxSlots] = []
    weights: Weights = Weights()
    flexible: FlexibleHours = FlexibleHours()
    after_school: AfterSchool | None = None

    # ---- lookups -------------------------------------------------------------------------
    @cached_property
    def resolved_policy(self) -> Policy:
        return resolve_policy(self.policy.preset, self.policy.overrides)

    @cached_property
    def subject_by_id(self) -> dict[str, Subject]:
        return {s.id: s for s in self.subjects}

    @cached_property
    def teacher_by_id(self) -> dict[str, Teacher]:
        return {t.id: t for t in self.teachers}

    @cached_property
    def room_by_id(self) -> dict[str, Room]:
        return {r.id: r for r in self.rooms}

    @cached_property
    def class_by_id(self) -> dict[str, SchoolClass]:
        return {c.id: c for c in self.classes}

    @cached_property
    def schedule_by_stage(self) -> dict[str, BellSchedule]:
        return {b.stage: b for b in self.bell_schedules}

    @cached_property
    def all_lessons(self) -> list[Lesson]:
        """Explicit lessons plus those generated from the teaching assignments."""
        return [*self.lessons, *(lesson for a in self.assignments for lesson in self._lessons_of(a))]

    @cached_property
    def lesson_by_id(self) -> dict[str, Lesson]:
        return {lesson.id: lesson for lesson in self.all_lessons}

    def atoms_of(self, group: str) -> list[str]:
        """The atomic pupil sets a group reference covers."""
        class_id, _, section = group.partition(":")
        return [group] if section else self.class_by_id[class_id].atoms()

    def classes_of(self, lesson: Lesson) -> list[SchoolClass]:
        seen = dict.fromkeys(g.partition(":")[0] for g in lesson.groups)
        return [self.class_by_id[c] for c in seen]

    def stage_of(self, lesson: Lesson) -> Stage:
        """The stage whose bell schedule the lesson follows: its classes', or its own without pupils."""
        if self.lesson_by_id.get(lesson.id) is lesson:
            return self.stage_by_lesson[lesson.id]
        return self._own_stage(lesson)

    @cached_property
    def stage_by_lesson(self) -> dict[str, Stage]:
        return {lesson.id: self._own_stage(lesson) for lesson in self.all_lessons}

    def _own_stage(self, lesson: Lesson) -> Stage:
        return self.classes_of(lesson)[0].stage if lesson.groups else lesson.stage

    def schedule_of(self, lesson: Lesson) -> BellSchedule:
        return self.schedule_by_stage[self.stage_of(lesson)]

    def room_type_of(self, lesson: Lesson) -> str | None:
        if lesson.room:
            return self.room_by_id[lesson.room].type
        return self.subject_by_id[lesson.subject].room_type

    def rooms_of(self, lesson: Lesson) -> list[str] | None:
        """The rooms a session of ``lesson`` may be in: its fixed ``room``, else its ``rooms`` set, else
        every room of its subject's room type; None when it needs no room (the class's home room)."""
        if lesson.room:
            return [lesson.room]
        if lesson.rooms is not None:
            return list(lesson.rooms)
        room_type = self.subject_by_id[lesson.subject].room_type
        return None if room_type is None else [r.id for r in self.rooms if r.type == room_type]

    def needs_room(self, lesson: Lesson) -> bool:
        """A session of the lesson must get a room (fixed room, room set or the subject's room type)."""
        return bool(lesson.room or lesson.rooms is not None or self.room_type_of(lesson))

    def planned_periods(self, class_id: str, subject: str) -> int:
        school_class = self.class_by_id[class_id]
        return self.resolved_policy.weekly_plan(school_class.grade).get(subject, 0)

    # ---- after-school lookups ------------------------------------------------------------------
    @cached_property
    def service_days(self) -> list[int]:
        if self.after_school is None:
            return []
        days = self.after_school.days
        return sorted(set(days)) if days is not None else list(range(1, len(self.days) + 1))

    @cached_property
    def window_by_stage(self) -> dict[str, ServiceWindow]:
        return {w.stage: w for w in self.after_school.windows} if self.after_school else {}

    @cached_property
    def club_by_id(self) -> dict[str, Club]:
        return {c.id: c for c in self.after_school.clubs} if self.after_school else {}

    @cached_property
    def pupil_by_id(self) -> dict[str, Pupil]:
        return {p.id: p for p in self.after_school.pupils} if self.after_school else {}

    @cached_property
    def pupils_by_class(self) -> dict[str, list[Pupil]]:
        out: dict[str, list[Pupil]] = {}
        for pupil in self.after_school.pupils if self.after_school else []:
            out.setdefault(pupil.class_id, []).append(pupil)
        return out

    def club_stage(self, club: Club) -> Stage:
        return stage_of_grade(club.grades[0])

    def club_interval(self, club: Club) -> tuple[int, int]:
        """Clock interval of a club meeting: session 2 of its stage."""
        window = self.window_by_stage[self.club_stage(club)]
        return minutes(window.session2_start), minutes(window.end)

    def duty_interval(self, class_id: str) -> tuple[int, int]:
        """Clock interval of a class's after-school supervision: the whole service of its stage.

        The session-1 supervisor stays for session 2 with the pupils who are in no club that day
        (一托到底), so the duty spans both sessions.
        """
        window = self.window_by_stage[self.class_by_id[class_id].stage]
        return minutes(window.start), minutes(window.end)

    def needs_supervision(self, class_id: str, day: int) -> bool:
        """A class needs a session-1 supervisor on a service day when any of its pupils stays."""
        if day not in self.service_days or self.class_by_id[class_id].stage not in self.window_by_stage:
            return False
        pupils = self.pupils_by_class.get(class_id)
        if pupils:
            return any(p.until[day - 1] >= 1 for p in pupils)
        for row in self.after_school.participation:
            if row.class_id == class_id:
                return row.session1[day - 1] > 0 or row.session2[day - 1] > 0
        return True  # no numbers given: assume pupils stay

    def after_school_available(self, teacher_id: str, day: int) -> bool:
        teacher = self.teacher_by_id[teacher_id]
        return teacher.after_school_days is None or day in teacher.after_school_days

    @cached_property
    def teachers_of_class(self) -> dict[str, list[str]]:
        """Teachers who teach each class, in lesson order (the class's own teachers)."""
        out: dict[str, list[str]] = {c.id: [] for c in self.classes}
        for lesson in self.all_lessons:
            for school_class in self.classes_of(lesson):
                for teacher in lesson.teachers:
                    if teacher not in out[school_class.id]:
                        out[school_class.id].append(teacher)
        return out

    def supervisor_candidates(self, class_id: str) -> list[str]:
        """Session-1 candidates: the class's own teachers (or its grade's), school staff only."""
        grade = self.class_by_id[class_id].grade
        if self.after_school and self.after_school.supervisors == "grade":
            classes = [c.id for c in self.classes if c.grade == grade]
        else:
            classes = [class_id]
        found = dict.fromkeys(t for c in classes for t in self.teachers_of_class[c])
        return [t for t in found if not self.teacher_by_id[t].outside_staff]

    @cached_property
    def fair_duties(self) -> int:
        """⌈(session-1 duties + club meetings) / school teachers who can take any of them⌉."""
        if self.after_school is None:
            return 0
        duties = sum(self.needs_supervision(c.id, d) for c in self.classes for d in self.service_days)
        duties += sum(club.days_per_week for club in self.after_school.clubs)
        staff = {t for c in self.classes for t in self.supervisor_candidates(c.id)}
        staff |= {t for club in self.after_school.clubs for t in club.instructors}
        staff = {t for t in staff if not self.teacher_by_id[t].outside_staff}
        return -(-duties // len(staff)) if staff else 0

    def _lessons_of(self, a: Assignment) -> list[Lesson]:
        total = a.periods_per_week if a.periods_per_week is not None else self.planned_periods(a.class_id, a.subject)
        singles = total - 2 * a.doubles
        base = f"{a.class_id}.{a.subject}"
        made = []
        if a.doubles:
            made.append(
                Lesson(
                    id=f"{base}.d",
                    subject=a.subject,
                    teachers=a.teachers,
                    groups=[a.class_id],
                    duration=2,
                    count=a.doubles,
                    room=a.room,
                )
            )
        if singles > 0:
            made.append(
                Lesson(id=base, subject=a.subject, teachers=a.teachers, groups=[a.class_id], count=singles, room=a.room)
            )
        return made

    def _after_school_errors(self) -> list[str]:
        """Unknown references and malformed day lists of the after-school section."""
        errors: list[str] = []
        a, n_days = self.after_school, len(self.days)
        where = "after_school"
        for j, day in enumerate(a.days or []):
            if not 1 <= day <= n_days:
                errors.append(f"{where}.days[{j}]: {day} is not a school day (1–{n_days})")
        _unique(errors, f"{where}.windows", [w.stage for w in a.windows], what="stage")
        _unique(errors, f"{where}.clubs", [c.id for c in a.clubs])
        _unique(errors, f"{where}.pupils", [p.id for p in a.pupils])
        for i, t in enumerate(self.teachers):
            for j, day in enumerate(t.after_school_days or []):
                if not 1 <= day <= n_days:
                    errors.append(f"teachers[{i}].after_school_days[{j}]: {day} is not a school day (1–{n_days})")
        clubs = {c.id for c in a.clubs}
        for i, club in enumerate(a.clubs):
            at = f"{where}.clubs[{i}]"
            if len({stage_of_grade(g) for g in club.grades}) > 1 or not all(1 <= g <= 9 for g in club.grades):
                errors.append(f"{at}.grades: grades 1–9 of one stage expected ({club.name})")
            elif stage_of_grade(club.grades[0]) not in self.window_by_stage:
                errors.append(f"{at}.grades: no after-school window for stage '{stage_of_grade(club.grades[0])}'")
            if club.min_size > club.max_size:
                errors.append(f"{at}.min_size: {club.min_size} is more than max_size {club.max_size} ({club.name})")
            for j, tid in enumerate(club.instructors):
                if tid not in self.teacher_by_id:
                    errors.append(f"{at}.instructors[{j}]: unknown teacher '{tid}'")
        for i, pupil in enumerate(a.pupils):
            at = f"{where}.pupils[{i}]"
            if pupil.class_id not in self.class_by_id:
                errors.append(f"{at}.class_id: unknown class '{pupil.class_id}'")
            if len(pupil.until) != n_days or any(u not in (0, 1, 2) for u in pupil.until):
                errors.append(f"{at}.until: one value 0/1/2 per school day expected ({n_days} days)")
            for j, cid in enumerate(pupil.choices):
                if cid not in clubs:
                    errors.append(f"{at}.choices[{j}]: unknown club '{cid}'")
            if len(set(pupil.choices)) != len(pupil.choices):
                errors.append(f"{at}.choices: a club is listed twice")
        for i, row in enumerate(a.participation):
            at = f"{where}.participation[{i}]"
            if row.class_id not in self.class_by_id:
                errors.append(f"{at}.class_id: unknown class '{row.class_id}'")
            if len(row.session1) != n_days or len(row.session2) != n_days:
                errors.append(f"{at}: one count per school day expected ({n_days} days)")
        return errors

    def _room_group_errors(self) -> list[str]:
        """Room groups: unique ids, known and distinct lessons, and a rule to hold (a cap or the flag)."""
        errors: list[str] = []
        _unique(errors, "room_groups", [g.id for g in self.room_groups])
        known = {lesson.id for lesson in self.all_lessons}
        for i, group in enumerate(self.room_groups):
            for j, lesson_id in enumerate(group.lessons):
                if lesson_id not in known:
                    errors.append(f"room_groups[{i}].lessons[{j}]: unknown lesson '{lesson_id}'")
                elif lesson_id in group.lessons[:j]:
                    errors.append(f"room_groups[{i}].lessons[{j}]: lesson '{lesson_id}' listed twice")
            if group.max_rooms is None and not group.same_room_if_consecutive:
                errors.append(
                    f"room_groups[{i}].max_rooms: no rule ({group.id}): set max_rooms or same_room_if_consecutive"
                )
        return errors

    # ---- cross-record validation ----------------------------------------------------------
    @model_validator(mode="after")
    def _references(self) -> School:
        errors: list[str] = []
        _unique(errors, "subjects", [s.id for s in self.subjects])
        _unique(errors, "teachers", [t.id for t in self.teachers])
        _unique(errors, "rooms", [r.id for r in self.rooms])
        _unique(errors, "classes", [c.id for c in self.classes])
        _unique(errors, "lessons", [lesson.id for lesson in self.lessons])
        _unique(errors, "bell_schedules", [b.stage for b in self.bell_schedules], what="stage")
        try:
            policy = self.resolved_policy
        except (PolicyError, ValueError) as exc:
            errors.append(f"policy: {exc}")
            policy = None
        subjects, teachers, rooms = self.subject_by_id, self.teacher_by_id, self.room_by_id
        classes, stages = self.class_by_id, self.schedule_by_stage
        room_types = {r.type for r in self.rooms}
        n_days = len(self.days)
        for i, s in enumerate(self.subjects):
            if s.room_type and s.room_type not in room_types:
                errors.append(f"subjects[{i}].room_type: no room of type '{s.room_type}' for {s.name}")
        for i, t in enumerate(self.teachers):
            for j, sid in enumerate(t.subjects):
                if sid not in subjects:
                    errors.append(f"teachers[{i}].subjects[{j}]: unknown subject '{sid}' ({t.name})")
            for j, slot in enumerate(t.unavailable):
                errors += _slot_errors(f"teachers[{i}].unavailable[{j}]", slot, n_days, stages)
            if t.min_days_per_week is not None and t.min_days_per_week > n_days:
                errors.append(
                    f"teachers[{i}].min_days_per_week: {t.min_days_per_week} days, the school has {n_days} ({t.name})"
                )
            errors += _tag_limit_errors(f"teachers[{i}]", t.tag_limits)
            longest = max(len(b.periods) for b in stages.values()) if stages else 0
            for j, interval in enumerate(t.interval_max_days):
                if stages and interval.last_period > longest:
                    errors.append(
                        f"teachers[{i}].interval_max_days[{j}].last_period: {interval.last_period} is past the "
                        f"last period ({longest}) ({t.name})"
                    )
        for i, r in enumerate(self.rooms):
            for j, slot in enumerate(r.unavailable):
                errors += _slot_errors(f"rooms[{i}].unavailable[{j}]", slot, n_days, stages)
        for i, c in enumerate(self.classes):
            if c.home_room and c.home_room not in rooms:
                errors.append(f"classes[{i}].home_room: unknown room '{c.home_room}' ({c.name})")
            if c.stage not in stages:
                errors.append(f"classes[{i}].grade: no bell schedule for stage '{c.stage}' ({c.name})")
            if len(set(c.sections)) != len(c.sections):
                errors.append(f"classes[{i}].sections: repeated section name ({c.name})")
            for j, slot in enumerate(c.unavailable):
                errors += _class_slot_errors(f"classes[{i}].unavailable[{j}]", slot, c, n_days, stages)
            errors += _tag_limit_errors(f"classes[{i}]", c.tag_limits)
        for i, a in enumerate(self.assignments):
            where = f"assignments[{i}]"
            if a.class_id not in classes:
                errors.append(f"{where}.class_id: unknown class '{a.class_id}'")
            if a.subject not in subjects:
                errors.append(f"{where}.subject: unknown subject '{a.subject}'")
            if a.room and a.room not in rooms:
                errors.append(f"{where}.room: unknown room '{a.room}'")
            errors += _teacher_errors(where, a.teachers, a.subject, teachers, subjects)
            if not errors and a.periods_per_week is None and policy is not None:
                total = self.planned_periods(a.class_id, a.subject)
                if total == 0:
                    errors.append(
                        f"{where}.periods_per_week: the policy plans no {subjects[a.subject].name} lessons "
                        f"for grade {classes[a.class_id].grade}; give periods_per_week"
                    )
                elif 2 * a.doubles > total:
                    errors.append(f"{where}.doubles: {a.doubles} double lessons need more than {total} periods")
        lesson_ids = {lesson.id: lesson for lesson in self.lessons}
        for i, lesson in enumerate(self.lessons):
            where = f"lessons[{i}]"
            if lesson.subject not in subjects:
                errors.append(f"{where}.subject: unknown subject '{lesson.subject}'")
            if lesson.room and lesson.room not in rooms:
                errors.append(f"{where}.room: unknown room '{lesson.room}'")
            errors += _room_set_errors(where, lesson, rooms)
            errors += _teacher_errors(where, lesson.teachers, lesson.subject, teachers, subjects)
            lesson_stages = set()
            for j, group in enumerate(lesson.groups):
                class_id, _, section = group.partition(":")
                if class_id not in classes:
                    errors.append(f"{where}.groups[{j}]: unknown class '{class_id}'")
                    continue
                if section and section not in classes[class_id].sections:
                    errors.append(f"{where}.groups[{j}]: class {classes[class_id].name} has no section '{section}'")
                lesson_stages.add(classes[class_id].stage)
            if len(lesson_stages) > 1:
                errors.append(f"{where}.groups: mixes primary and middle-school classes")
            if not lesson.groups and lesson.stage is None:
                errors.append(f"{where}.groups: no pupil group; a lesson without pupils (值班、教研) needs a stage")
            elif lesson.stage is not None and lesson.stage not in stages:
                errors.append(f"{where}.stage: no bell schedule for stage '{lesson.stage}'")
            elif lesson.groups and lesson.stage is not None and lesson_stages and lesson.stage not in lesson_stages:
                errors.append(f"{where}.stage: '{lesson.stage}' is not the stage of its classes")
            if len(lesson.pinned) > lesson.count:
                errors.append(f"{where}.pinned: {len(lesson.pinned)} pinned slots for {lesson.count} sessions")
            for j, slot in enumerate(lesson.pinned):
                errors += _slot_errors(f"{where}.pinned[{j}]", slot, n_days, stages)
            for j, slot in enumerate(lesson.allowed_starts or []):
                errors += _slot_errors(f"{where}.allowed_starts[{j}]", slot, n_days, stages)
            if lesson.allowed_starts is not None and not lesson.allowed_starts:
                errors.append(f"{where}.allowed_starts: empty list (no slot allowed); leave it out for any slot")
            if lesson.same_time_as is not None:
                other = lesson_ids.get(lesson.same_time_as)
                if other is None or other.id == lesson.id:
                    errors.append(f"{where}.same_time_as: unknown lesson '{lesson.same_time_as}'")
                elif other.count != lesson.count:
                    errors.append(
                        f"{where}.same_time_as: lesson '{other.id}' has {other.count} sessions a week, "
                        f"this one {lesson.count}; sessions at the same times need equal counts"
                    )
            for j, apart in enumerate(lesson.days_apart_from):
                if apart.lesson == lesson.id:
                    errors.append(f"{where}.days_apart_from[{j}].lesson: the lesson itself (use different_days)")
                elif apart.lesson not in lesson_ids:
                    errors.append(f"{where}.days_apart_from[{j}].lesson: unknown lesson '{apart.lesson}'")
            for j, other_id in enumerate(lesson.adjacent_with):
                if other_id == lesson.id:
                    errors.append(f"{where}.adjacent_with[{j}]: the lesson itself (use adjacent_if_same_day)")
                elif other_id not in lesson_ids:
                    errors.append(f"{where}.adjacent_with[{j}]: unknown lesson '{other_id}'")
            for j, other_id in enumerate(lesson.not_with):
                if other_id == lesson.id:
                    errors.append(f"{where}.not_with[{j}]: the lesson itself")
                elif other_id not in lesson_ids:
                    errors.append(f"{where}.not_with[{j}]: unknown lesson '{other_id}'")
            errors += _relation_errors(where, lesson, lesson_ids)
        for i, meeting in enumerate(self.meetings):
            for j, tid in enumerate(meeting.teachers):
                if tid not in teachers:
                    errors.append(f"meetings[{i}].teachers[{j}]: unknown teacher '{tid}'")
            if not 1 <= meeting.day <= n_days:
                errors.append(f"meetings[{i}].day: {meeting.day} is not a school day (1–{n_days})")
        _unique(errors, "occupy_max_slots", [o.id for o in self.occupy_max_slots])
        for i, occupy in enumerate(self.occupy_max_slots):
            for j, lesson_id in enumerate(occupy.lessons):
                if lesson_id not in lesson_ids:
                    errors.append(f"occupy_max_slots[{i}].lessons[{j}]: unknown lesson '{lesson_id}'")
            for j, slot in enumerate(occupy.slots):
                errors += _slot_errors(f"occupy_max_slots[{i}].slots[{j}]", slot, n_days, stages)
        if self.after_school is not None:
            errors += self._after_school_errors()
        if not errors:
            _unique(errors, "lessons (with generated)", [lesson.id for lesson in self.all_lessons])
        if not errors:
            errors += self._room_group_errors()
        if errors:
            raise ValidationError.from_exception_data(
                "School",
                [
                    {"type": PydanticCustomError("reference", "{msg}", {"msg": msg}), "loc": loc, "input": None}
                    for loc, msg in map(_split_location, errors)
                ],
            )
        return self


def _split_location(error: str) -> tuple[tuple[str | int, ...], str]:
    """'teachers[3].subjects[1]: unknown …' -> (('teachers', 3, 'subjects', 1), 'unknown …')."""
    path, _, message = error.partition(": ")
    loc: list[str | int] = []
    for part in path.split("."):
        name, *indexes = re.split(r"\[|\]\[|\]", part.rstrip("]"))
        loc.append(name)
        loc += [int(i) for i in indexes if i.isdigit()]
    return tuple(loc), message


def _unique(errors: list[str], table: str, ids: list[str], what: str = "id") -> None:
    seen: set[str] = set()
    for i, record_id in enumerate(ids):
        if record_id in seen:
            errors.append(f"{table}[{i}].{what}: duplicate '{record_id}'")
        seen.add(record_id)


def _tag_limit_errors(where: str, limits: list[TagLimit]) -> list[str]:
    """One entry per tag: two would be two caps on one thing."""
    seen: set[str] = set()
    errors = []
    for j, limit in enumerate(limits):
        if limit.tag in seen:
            errors.append(f"{where}.tag_limits[{j}].tag: tag '{limit.tag}' listed twice")
        seen.add(limit.tag)
    return errors


def _room_set_errors(where: str, lesson: Lesson, rooms: dict[str, Room]) -> list[str]:
    """``rooms``: a non-empty list of known, distinct rooms; with ``room`` too, ``room`` is one of them."""
    if lesson.rooms is None:
        return []
    errors = []
    if not lesson.rooms:
        errors.append(f"{where}.rooms: empty list (no room allowed); leave it out for the subject's room type")
    for j, room_id in enumerate(lesson.rooms):
        if room_id not in rooms:
            errors.append(f"{where}.rooms[{j}]: unknown room '{room_id}'")
        elif room_id in lesson.rooms[:j]:
            errors.append(f"{where}.rooms[{j}]: room '{room_id}' listed twice")
    if lesson.room and lesson.rooms and lesson.room not in lesson.rooms:
        errors.append(f"{where}.room: '{lesson.room}' is not one of the lesson's rooms ({', '.join(lesson.rooms)})")
    return errors


def _teacher_errors(where: str, ids: list[str], subject: str, teachers: dict, subjects: dict) -> list[str]:
    errors = []
    for j, tid in enumerate(ids):
        teacher = teachers.get(tid)
        if teacher is None:
            errors.append(f"{where}.teachers[{j}]: unknown teacher '{tid}'")
        elif teacher.subjects and subject in subjects and subject not in teacher.subjects:
            errors.append(f"{where}.teachers[{j}]: {teacher.name} does not teach {subjects[subject].name}")
    return errors


def _relation_errors(where: str, lesson: Lesson, lesson_ids: dict[str, Lesson]) -> list[str]:
    """The lessons a lesson is related to (consecutive, grouped, ordered, same day / hour) exist, are other
    lessons, and have its count where sessions pair up one to one."""
    errors = []
    paired = [("consecutive_after", lesson.consecutive_after), ("same_day_as", lesson.same_day_as)]
    paired.append(("same_hour_as", lesson.same_hour_as))
    listed = [(f"grouped_with[{j}]", other_id, True) for j, other_id in enumerate(lesson.grouped_with)]
    listed += [
        (f"{name}[{j}]", other_id, False)
        for name in ("ordered_after", "ordered_if_same_day_after")
        for j, other_id in enumerate(getattr(lesson, name))
    ]
    listed += [(name, other_id, True) for name, other_id in paired if other_id is not None]
    for name, other_id, equal_counts in listed:
        other = lesson_ids.get(other_id)
        if other_id == lesson.id:
            errors.append(f"{where}.{name}: the lesson itself")
        elif other is None:
            errors.append(f"{where}.{name}: unknown lesson '{other_id}'")
        elif equal_counts and other.count != lesson.count:
            errors.append(
                f"{where}.{name}: lesson '{other.id}' has {other.count} sessions a week, this one "
                f"{lesson.count}; sessions paired one to one need equal counts"
            )
    if len(lesson.grouped_with) > 2:
        errors.append(f"{where}.grouped_with: {len(lesson.grouped_with)} lessons; a group holds two or three lessons")
    elif len(set(lesson.grouped_with)) < len(lesson.grouped_with):
        errors.append(f"{where}.grouped_with: a lesson listed twice")
    return errors


def _slot_errors(where: str, slot: Slot, n_days: int, stages: dict[str, BellSchedule]) -> list[str]:
    errors = []
    if slot.day > n_days:
        errors.append(f"{where}.day: {slot.day} is not a school day (1–{n_days})")
    lengths = [len(b.periods) for s, b in stages.items() if slot.stage in (None, s)]
    if lengths and slot.period > max(lengths):
        errors.append(f"{where}.period: {slot.period} is past the last period ({max(lengths)})")
    return errors


def _class_slot_errors(
    where: str, slot: ClassSlot, school_class: SchoolClass, n_days: int, stages: dict[str, BellSchedule]
) -> list[str]:
    errors = []
    if slot.day > n_days:
        errors.append(f"{where}.day: {slot.day} is not a school day (1–{n_days})")
    schedule = stages.get(school_class.stage)
    if schedule is not None and slot.period > len(schedule.periods):
        errors.append(f"{where}.period: {slot.period} is past the last period ({len(schedule.periods)})")
    if slot.section is not None and slot.section not in school_class.sections:
        errors.append(f"{where}.section: class {school_class.name} has no section '{slot.section}'")
    return errors


Teacher.model_rebuild()
SchoolClass.model_rebuild()
