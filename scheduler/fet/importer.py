"""FET ``.fet`` file → School + ImportReport (own parser, ``xml.etree.ElementTree``).

Mapping (FET 5/6 file format, as written by FET and in its ``examples/``):

- ``Days_List`` → ``School.days``; ``Hours_List`` → one bell schedule per stage used. FET hours
  have names only, so clock times are synthesized: 45-minute periods from 08:00 with 10-minute
  breaks (hour *k*, 0-based, runs 08:00 + 55·k … +45 min); a day of more than 17 hours gets
  shorter periods with 5-minute breaks so it ends before midnight (22 hours: 38 + 5 minutes).
  The policy's stage limits are set to fit this synthetic day (earliest start 08:00, lessons per
  day = hours, the synthetic lesson length).
- FET names are compared as written (FET does not trim them: 'HEN' and 'HEN ' are two teachers);
  display names are trimmed.
- ``Subjects_List`` → subjects (category from the name: 体育/PE → pe, 音乐/美术 → arts,
  语文/数学/英语 → core, else other; ``max_per_day`` = hours, capped at 8: FET has no such cap).
- ``Teachers_List`` → teachers; subjects = qualified ∪ taught (FET does not enforce qualification).
  Teacher constraints at 100 %: not available times → ``unavailable``; max hours daily →
  ``max_lessons_per_day``; max days per week (ConstraintTeacherMaxDaysPerWeek, or
  ConstraintTeachersMaxDaysPerWeek for every teacher) → ``max_days_per_week``, the smallest given;
  max gaps per week / per day (ConstraintTeacher(s)MaxGapsPerWeek / PerDay) → ``max_gaps_per_week``
  / ``max_gaps_per_day``, the smallest given (below 100 %: only the soft goal teacher_gaps); max hours
  continuously (ConstraintTeacher(s)MaxHoursContinuously) → ``max_consecutive``, the smallest given;
  activity tag max hours daily / continuously (ConstraintTeacher(s)ActivityTagMaxHoursDaily / Continuously)
  → an entry of ``tag_limits`` per tag (the smallest given), and the activities' tags that such a mapped
  constraint (of teachers or students) counts → ``Lesson.tags`` (other tags have no effect here and are left
  out; parts of a split activity with different counted tags become separate lessons); min days per week of
  fewer than every day (ConstraintTeacher(s)MinDaysPerWeek) → ``min_days_per_week``, the largest given.
  interval max days per week (ConstraintTeacher(s)IntervalMaxDaysPerWeek) → ``interval_max_days``, one entry
  each: the periods of the interval's hours [start, end) (empty end: the end of the day) that are no break on
  every day, which is exact as FET places nothing in a break.
  A break hour on only some days is unavailable to every teacher (FET places nothing in a break). FET
  counts neither breaks nor not-available hours as gaps: a capped teacher's break slots on only
  some days become unavailable slots, so they are no gaps here either. FET counts gaps on one grid
  of hours, the School per stage bell schedule: reported for capped teachers in several stages.
- ``Students_List``: year → grade (number parsed from the name — "3", "三年级", "初二"; if a
  year has none, every year goes into one stage: its number if 1–6, else 6; the same where years of
  both stages would lose something, i.e. an activity joins years of both or a teacher with a gap cap
  teaches in both: FET has one grid of hours, the School one bell schedule per stage), group → class,
  subgroup → class section. A year whose subgroups are shared between its groups (FET's "divide
  by categories") becomes one class whose sections are the subgroups; each group is then the list
  of its sections. Reported. Classes and sections without any activity are left out, reported.
- ``Activities_List``: active activities with the same ``Activity_Group_Id`` (0: none) are the
  split sessions of one activity → one Lesson per distinct (duration, fixed room, room set), with a
  count (parts of a split activity with different rooms become separate lessons).
  An activity without students (duties, meetings) → a lesson without pupils (``groups`` empty) in
  the stage of its teachers' other lessons; it takes its teachers' and room's time only. Reported.
- ``Rooms_List`` → rooms with capacity 1 (FET's capacity counts students; ours counts lessons at
  once, and a FET room holds one activity at a time). Room not-available times (100 %) →
  ``Room.unavailable`` (slots at a removed break hour are dropped: no lesson is there anyway).
- Rooms (100 %), FET's rules: an activity with no room constraint gets no room. Its preferred rooms —
  ConstraintActivityPreferredRoom(s) (the activity), ConstraintSubjectPreferredRoom(s) (the subject's
  activities), ConstraintActivityTagPreferredRoom(s) (the tag's), ConstraintSubjectActivityTag-
  PreferredRoom(s) (the subject's with the tag) — must all hold, so their room sets intersect. Home
  rooms — ConstraintTeacherHomeRoom(s) (the activities whose only teacher is the teacher),
  ConstraintStudentsSetHomeRoom(s) (those whose only students set is the set) — intersect too, and
  apply only to an activity with no preferred-room constraint at all (not even a weaker one). The
  rooms left: one → ``Lesson.room``; exactly the rooms of its subject's room type → nothing more;
  else ``Lesson.rooms``; none → import error (FET refuses to generate too; it also refuses an
  activity whose home rooms share no room, even when its preferred rooms decide). A subject's preferred
  rooms that are no other subject's become a room type (``fet-<subject>``) and ``Subject.room_type``.
  Below 100 %: reported, not represented. A set with a FET virtual room (an activity takes one real
  room of each of its sets at once): not represented, and the activities it is about get no room set
  or room of their own (looser; a subject room type still holds).
- Constraints at weight 100% that the School represents exactly are mapped; every other
  constraint is listed in the report with type, count and weights — never silently dropped.
  Students-set not-available slots (100 %) and break slots on only some days (every class) →
  ``SchoolClass.unavailable`` (rule class_unavailable; a slot of only some sections of a class names
  its section); a break hour on every day is removed from the bell schedule and becomes a ``lunch``
  block, the block kind lessons may not straddle — FET's rule for breaks.
- Activity / Activities preferred starting times and time slots (100 %) → ``Lesson.allowed_starts``
  (for time slots: the starts whose every hour is a preferred slot; several constraints on one
  activity intersect; the Activities… filters — teacher, students set, subject, activity tag,
  duration — select the activities). Parts of one split activity with different allowed starts
  become separate lessons.
- Subactivities preferred starting times / time slots (100 %): the same, for the matching activities
  that are the constraint's component of their split activity (FET numbers the parts from 1 by id, from
  the group's first; an activity not split is component 1).
- Activities same starting time (100 %) → ``Lesson.same_time_as`` when the constraints over a set
  of lessons pair all their sessions one to one; otherwise reported as not represented.
- Min gaps between activities (100 %) over all the sessions of one lesson → ``Lesson.min_gap`` (FET counts
  hours of its grid, break hours too: a break on every day is a lunch block here, which min_gap counts as
  one, and a break on some days a period); over several lessons or part of one: not represented.
- Activities occupy max time slots from selection (100 %) over whole lessons → ``School.occupy_max_slots``
  (the selected break hours on every day dropped: nothing is there); over part of a lesson: not represented.
- Activities not overlapping (100 %) → ``Lesson.not_with`` between the lessons whose every session
  it lists (the larger lesson id lists the smaller); on only some sessions of a lesson: not represented.
- Two activities consecutive / grouped, three activities grouped, two activities ordered (if same
  day) (100 %) → ``Lesson.consecutive_after`` / ``grouped_with`` / ``ordered_after`` /
  ``ordered_if_same_day_after``. The parts of split activities these name become lessons of their own
  (count 1), so every such relation is between whole single-session lessons and exact (a min days
  between activities over those parts is then approximated, reported). FET lets consecutive and
  grouped activities be "separated by breaks": a break hour on every day is a lunch block here, between
  two consecutive period numbers, so that holds; a break on only some days is a period here, so with
  such breaks consecutive / grouped are not represented (reported).
- Activity ends students day / activities end students day (100 %, the latter's filters select the
  activities) → ``Lesson.ends_day``; it is part of a lesson's shape, so flagged parts of a split
  activity form their own lesson. FET skips not-available and break slots after it; here those are
  class unavailable slots, where no session is, so the mapping is exact.
- Activities same starting day / hour (100 %) → ``Lesson.same_day_as`` / ``same_hour_as`` as for
  same starting time; parts of one split activity named together become lessons of their own first.
- Teacher(s) min hours daily (100 %) → ``Teacher.min_lessons_per_day`` / ``allow_empty_days``;
  teacher(s) min days per week of every day → ``allow_empty_days`` false (FET's own way: it refuses
  a teacher's min hours daily without empty days), fewer days: ``min_days_per_week``.
  Students (set) max hours continuously (100 %) → ``SchoolClass.max_consecutive``, students (set) activity
  tag max hours daily / continuously → ``SchoolClass.tag_limits``, of the whole classes meant (as for the
  class flags below; a subgroup alone is not represented); FET counts per subgroup, the School per atom.
  Students (set) max / min hours daily (100 %) → ``SchoolClass.max_lessons_per_day`` /
  ``min_lessons_per_day`` / ``allow_empty_days`` of the whole classes meant (as for the class flags
  below; a subgroup alone is not represented). Several bounds: the tightest (a minimum without empty
  days and one with them: the larger, without). FET counts lesson hours only, and so does the School.
- Students (set) max gaps per week / per day (100 %): Max_Gaps 0 → ``SchoolClass.no_gaps``, more →
  ``max_gaps_per_week`` / ``max_gaps_per_day`` (the smallest given); students (set) early max
  beginnings at second hour (100 %): 0 → ``starts_first_period``, more → ``max_late_starts_per_week``
  (FET: at most one free hour before a day's first lesson, and on at most so many days). Each of the
  whole classes meant (all students: every class; a year: its classes; a group: its class; subgroups
  only when they are all of their class's sections); part of a class is not represented. As in FET,
  a class's unavailable slots (not-available and break slots) are never gaps, and a day's first hour
  is its first available one (FET 5.1.6 changelog: "students not available does not induce gaps or
  early unrespected"; FET's generate.cpp skips breakDayHour and subgroupNotAvailableDayHour).
- Activities occupy max different rooms / activities same room if consecutive (100 %) → ``School.room_groups``
  (``max_rooms`` / ``same_room_if_consecutive``) over the lessons of their activities; parts of a split
  activity that different such constraints list become lessons of their own, so each lists whole lessons.
  Each session chooses its room, so rooms are counted per session, as FET counts per activity; FET and
  the rules count only activities (sessions) with a room. FET's "consecutive" (the later starts at the hour
  the earlier ends, break hours included in its grid) is the period right after with no lunch block
  between: exact. With a FET virtual room among their activities: not represented.
- Policy overrides make the imported school self-consistent: ``weekly_lessons.<grade>`` is what
  the file gives (a subject whose periods differ between pupil sets of one grade is left out
  of the plan and reported; each lesson's count still fixes it), the daily activity rule is off
  (``daily_activity_minutes`` 0: FET files carry no such rule).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from scheduler.domain import ROOM_GROUP_CAP, TEACHER_DAY_CAP, TEACHER_WEEK_CAP, School, clock
from scheduler.fet.report import ConstraintOutcome, ImportReport, Outcome
from scheduler.load import validation_problems
from scheduler.policy import stage_of_grade

FIRST_START = 8 * 60  # 08:00
PERIOD_MINUTES = 45
BREAK_MINUTES = 10
LAST_END = 23 * 60 + 59  # the synthetic day ends before midnight
MIN_PERIOD_MINUTES = 20  # the policy's shortest lesson
SHORT_BREAK_MINUTES = 5
MAX_HOURS = (LAST_END - FIRST_START) // (MIN_PERIOD_MINUTES + SHORT_BREAK_MINUTES)  # 38
BLOCKED_SUBJECT = "fet-blocked"  # placeholder lessons of older imports (class.unavailable since)
MAX_DAYS_APART = 6  # Lesson.min_days_apart's upper bound
ID_COMMENT = re.compile(r"scheduler-id:\s*(\S+)")
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


class FetImportError(ValueError):
    """A .fet file this importer cannot read, with one readable line per problem."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


def period_minutes(n_hours: int) -> tuple[int, int]:
    """(lesson, break) minutes of the synthetic day: 45 + 10, shorter when ``n_hours`` would pass midnight."""
    if FIRST_START + n_hours * (PERIOD_MINUTES + BREAK_MINUTES) <= LAST_END:
        return PERIOD_MINUTES, BREAK_MINUTES
    return (LAST_END - FIRST_START) // n_hours - SHORT_BREAK_MINUTES, SHORT_BREAK_MINUTES


def period_clock(hour_index: int, n_hours: int = 1) -> tuple[str, str]:
    """Synthetic clock time of FET hour ``hour_index`` (0-based) in a day of ``n_hours`` hours from 08:00."""
    lesson, pause = period_minutes(n_hours)
    start = FIRST_START + hour_index * (lesson + pause)
    return clock(start), clock(start + lesson)


def grade_from_name(name: str) -> int | None:
    """'三年级' → 3, '初二' → 8, 'Grade 5' → 5, '2008/2009' → None (not 1–9)."""
    if m := re.search(r"初([一二三])", name):
        return 6 + CN_DIGITS[m.group(1)]
    if m := re.search(r"([一二三四五六七八九])年级", name):
        return CN_DIGITS[m.group(1)]
    if m := re.search(r"\d+", name):
        number = int(m.group(0))
        return number if 1 <= number <= 9 else None
    return None


def subject_category(name: str) -> str:
    """体育/PE → pe, 音乐/美术 → arts, 语文/数学/英语 → core, otherwise other."""
    words = set(re.findall(r"[a-z]+", name.lower()))
    if "体育" in name or words & {"pe", "sport", "sports"}:
        return "pe"
    if "音乐" in name or "美术" in name or words & {"music", "art", "arts"}:
        return "arts"
    if any(core in name for core in ("语文", "数学", "英语")) or words & {"chinese", "math", "maths", "english"}:
        return "core"
    return "other"


class _Ids:
    """Stable ids from FET names: an id recorded by our exporter, the name if it is id-like, else prefix+n."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.used: set[str] = set()
        self.by_name: dict[str, str] = {}

    def make(self, name: str, comments: str = "") -> str:
        m = ID_COMMENT.search(comments or "")
        candidate = m.group(1) if m and ":" not in m.group(1) else (name if SAFE_ID.match(name) else "")
        if not candidate or candidate in self.used:
            n = len(self.used) + 1
            while f"{self.prefix}{n}" in self.used:
                n += 1
            candidate = f"{self.prefix}{n}"
        self.used.add(candidate)
        self.by_name[name] = candidate
        return candidate


@dataclass
class _Activity:
    id: int
    group_id: int
    teachers: list[str]
    subject: str
    students: list[str]
    duration: int
    groups: list[str] = field(default_factory=list)  # our group refs
    room: str | None = None  # the one room its room constraints leave (decided in build())
    rooms: frozenset[str] | None = None  # the rooms they leave, when more than one and not its subject's type
    # room sets of its 100 % preferred-room constraints (all must hold: intersected), of its 100 % home
    # rooms (used only without preferred rooms, as FET does), and whether a weaker preferred one exists
    preferred_rooms: list[frozenset[str]] = field(default_factory=list)
    home_rooms: list[frozenset[str]] = field(default_factory=list)
    soft_preferred_room: bool = False
    virtual_room: bool = False  # a room constraint names a FET virtual room: its rooms are not represented
    pinned: tuple[int, int] | None = None  # (day index, FET hour index), 0-based
    tags: list[str] = field(default_factory=list)  # FET activity tags
    allowed: frozenset[tuple[int, int]] | None = None  # allowed starts (day, FET hour), 0-based; None: any
    alone: int | None = None  # its own id when a relation to another activity makes it a lesson of its own
    ends_day: bool = False  # activity (activities) ends students day at 100 %
    # the min days constraints (100 %, or with "consecutive if same day") that name it, when they name
    # only some parts of its split activity: parts with other such constraints become another lesson
    days_key: tuple[int, ...] = ()
    # the room-group constraints (indexes into _Reader.room_groups) that list it: parts of a split activity
    # listed by different ones become lessons of their own, so each such constraint lists whole lessons
    room_groups: tuple[int, ...] = ()


@dataclass
class _Outcomes:
    """Per (type, outcome, note): count and weights, for the report."""

    seen: dict[tuple[str, str, str], tuple[int, set[float]]] = field(default_factory=dict)

    def add(self, fet_type: str, outcome: Outcome, weight: float, note: str = "") -> None:
        count, weights = self.seen.get((fet_type, outcome, note), (0, set()))
        self.seen[fet_type, outcome, note] = (count + 1, weights | {weight})

    def as_list(self) -> list[ConstraintOutcome]:
        return [
            ConstraintOutcome(type=t, outcome=o, count=c, weights=sorted(w), note=n)  # type: ignore[arg-type]
            for (t, o, n), (c, w) in self.seen.items()
        ]


# Constraints that hold in every FET file and that the School always enforces.
IMPLICIT = {
    "ConstraintBasicCompulsoryTime": "teacher / students clashes: class_clash, teacher_clash",
    "ConstraintBasicCompulsorySpace": "one activity per room at a time: room_capacity with capacity 1",
}
# Preferred-room constraints: an activity with one of them, at any weight, ignores its home rooms (FET).
PREFERRED_ROOM_TYPES = {
    f"Constraint{who}PreferredRoom{plural}"
    for who in ("Activity", "Subject", "ActivityTag", "SubjectActivityTag")
    for plural in ("", "s")
}
# Weighted FET constraints with a soft goal of ours that pulls the same way (not the same measure).
SOFT_APPROXIMATIONS = {
    "ConstraintMinDaysBetweenActivities": "soft goal same_subject_same_day (fewer same-subject sessions on one day)",
    "ConstraintTeacherMaxGapsPerWeek": "soft goal teacher_gaps",
    "ConstraintTeachersMaxGapsPerWeek": "soft goal teacher_gaps",
    "ConstraintTeacherMaxGapsPerDay": "soft goal teacher_gaps",
    "ConstraintTeachersMaxGapsPerDay": "soft goal teacher_gaps",
}


class _Reader:
    def __init__(self, root: ET.Element, source: str, one_stage: bool = False):
        self.root = root
        self.source = source
        # FET has one grid of hours; the School one bell schedule per stage. A first read counts what
        # splitting the years into stages would lose (activities joining both, gap caps across both);
        # if anything, the file is read again with every year in one stage (``one_stage``).
        self.one_stage = one_stage
        self.stage_conflicts = 0
        self.problems: list[str] = []
        self.outcomes = _Outcomes()
        self.lossy: list[str] = []
        self.dropped: list[str] = []
        # ConstraintMinDaysBetweenActivities at 100 %: (activity ids, MinDays, weight), decided in build()
        self.min_days: list[tuple[list[int], int, float]] = []
        # min days constraints below 100 % with Consecutive_If_Same_Day: FET keeps that part hard
        self.adjacent_if_same_day: list[tuple[list[int], float]] = []
        # ConstraintActivitiesSameStartingTime at 100 %: activity ids, decided in build()
        self.same_start: list[list[int]] = []
        # ConstraintActivitiesNotOverlapping at 100 %: activity ids, decided in build()
        self.not_overlapping: list[list[int]] = []
        # Two / three activities consecutive, grouped, ordered (if same day) at 100 %: (type, activity ids)
        self.relations: list[tuple[str, list[int]]] = []
        # Activities same starting day / hour at 100 %: activity ids, decided in build()
        self.same_day: list[list[int]] = []
        self.same_hour: list[list[int]] = []
        # Activity (activities) ends students day at 100 %: (type, activity ids), decided in build()
        self.ends_day: list[tuple[str, list[int]]] = []
        # Students (set) max / min hours daily at 100 %: (type, "max"/"min", class ids, hours, allow empty
        # days), decided in build()
        self.class_bounds: list[tuple[str, str, list[str], int, bool]] = []
        # Activities occupy max different rooms / same room if consecutive at 100 %: (type, activity ids,
        # max rooms or None), decided in build()
        self.room_groups: list[tuple[str, list[int], int | None]] = []
        # Activity tags a mapped tag constraint counts (they become Lesson.tags); class id → tag → its caps
        self.used_tags: set[str] = set()
        self.class_tag_limits: dict[str, dict[str, dict]] = defaultdict(dict)
        # ConstraintMinGapsBetweenActivities at 100 %: (activity ids, MinGaps), decided in build()
        self.min_gaps: list[tuple[list[int], int]] = []
        # ConstraintActivitiesOccupyMaxTimeSlotsFromSelection at 100 %: (activity ids, (day, hour) slots, max)
        self.occupy: list[tuple[list[int], list[tuple[int, int]], int]] = []

    # ---- helpers ------------------------------------------------------------------------
    def fail(self, problem: str) -> None:
        self.problems.append(problem)

    def raise_if_failed(self) -> None:
        if self.problems:
            raise FetImportError(self.source, self.problems)

    def day_index(self, name: str | None, where: str) -> int | None:
        if name in self.day_pos:
            return self.day_pos[name]
        self.fail(f"{where}: unknown day '{name}'")
        return None

    def hour_index(self, name: str | None, where: str) -> int | None:
        if name in self.hour_pos:
            return self.hour_pos[name]
        self.fail(f"{where}: unknown hour '{name}'")
        return None

    def slots(self, element: ET.Element, tag: str, where: str) -> list[tuple[int, int]]:
        """(day, hour) pairs, 0-based, of the ``tag`` children (Not_Available_Time, Break_Time)."""
        out = []
        for i, item in enumerate(element.findall(tag)):
            day = self.day_index(_name(item, "Day"), f"{where}.{tag}[{i}].Day")
            hour = self.hour_index(_name(item, "Hour"), f"{where}.{tag}[{i}].Hour")
            if day is not None and hour is not None:
                out.append((day, hour))
        return out

    # ---- calendar -----------------------------------------------------------------------
    def read_calendar(self) -> None:
        self.institution = _text(self.root, "Institution_Name") or Path(self.source).stem
        self.day_names = [_name(d, "Name") for d in self.root.findall("Days_List/Day")]
        self.hour_names = [_name(h, "Name") for h in self.root.findall("Hours_List/Hour")]
        if not 1 <= len(self.day_names) <= 7:
            self.fail(f"Days_List: {len(self.day_names)} days; the School holds 1–7 days")
        if not 1 <= len(self.hour_names) <= MAX_HOURS:
            self.fail(f"Hours_List: {len(self.hour_names)} hours; synthetic clock times fit 1–{MAX_HOURS} hours")
        self.day_pos = {n: i for i, n in enumerate(self.day_names)}
        self.hour_pos = {n: i for i, n in enumerate(self.hour_names)}
        for what, names in (("Days_List", self.day_names), ("Hours_List", self.hour_names)):
            for name, n in Counter(names).items():
                if n > 1:
                    self.fail(f"{what}: name '{name}' appears {n} times")
        self.raise_if_failed()

    # ---- subjects, teachers, rooms ------------------------------------------------------
    def read_subjects(self) -> None:
        self.subject_ids = _Ids("s")
        self.subjects: dict[str, dict] = {}  # by FET name
        for i, element in enumerate(self.root.findall("Subjects_List/Subject")):
            name = _name(element, "Name")
            if not name or name in self.subjects:
                self.fail(f"Subjects_List.Subject[{i}].Name: {'empty' if not name else f'duplicate {name!r}'}")
                continue
            sid = self.subject_ids.make(name, _text(element, "Comments"))
            self.subjects[name] = {"id": sid, "name": _shown(name, sid), "category": subject_category(name)}

    def read_teachers(self) -> None:
        self.teacher_ids = _Ids("t")
        self.teachers: dict[str, dict] = {}
        for i, element in enumerate(self.root.findall("Teachers_List/Teacher")):
            name = _name(element, "Name")
            if not name or name in self.teachers:
                self.fail(f"Teachers_List.Teacher[{i}].Name: {'empty' if not name else f'duplicate {name!r}'}")
                continue
            qualified = []
            for q in element.findall("Qualified_Subjects/Qualified_Subject"):
                if (q.text or "") in self.subjects:
                    qualified.append(self.subjects[q.text or ""]["id"])
                else:
                    self.fail(f"Teachers_List.Teacher[{i}] ({name}).Qualified_Subject: unknown subject '{q.text}'")
            tid = self.teacher_ids.make(name, _text(element, "Comments"))
            self.teachers[name] = {
                "id": tid,
                "name": _shown(name, tid),
                "subjects": qualified,
                "unavailable": set(),
                "max_day": None,
                "max_days": None,
                "max_gaps_week": None,
                "max_gaps_day": None,
                "max_consecutive": None,
                "min_days": None,
                "tag_limits": {},  # activity tag → {"tag", "max_per_day", "max_consecutive"}
                "intervals": [],  # (first FET hour, end FET hour exclusive, max days), from interval max days
            }

    def read_rooms(self) -> None:
        self.room_ids = _Ids("r")
        self.rooms: dict[str, dict] = {}
        capacities = []
        for i, element in enumerate(self.root.findall("Rooms_List/Room")):
            name = _name(element, "Name")
            if not name or name in self.rooms:
                self.fail(f"Rooms_List.Room[{i}].Name: {'empty' if not name else f'duplicate {name!r}'}")
                continue
            rid = self.room_ids.make(name, _text(element, "Comments"))
            self.rooms[name] = {"id": rid, "name": _shown(name, rid), "type": None, "unavailable": set()}
            capacities.append(_text(element, "Capacity"))
            self.rooms[name]["virtual"] = _text(element, "Virtual").lower() == "true"
            if self.rooms[name]["virtual"]:
                self.lossy.append(
                    f"room '{name}' is virtual in FET (a set of real rooms); imported as an ordinary room"
                )
        if self.rooms:
            self.lossy.append(
                f"{len(self.rooms)} rooms: FET capacity (students, e.g. {capacities[0]}) → capacity 1 "
                "(lessons at once, as FET places one activity per room); the student-count check is not kept"
            )

    # ---- students -------------------------------------------------------------------------
    def read_students(self) -> None:
        years = []
        for i, y in enumerate(self.root.findall("Students_List/Year")):
            groups = []
            for g in y.findall("Group"):
                subgroups = [(_name(s, "Name"), _text(s, "Comments")) for s in g.findall("Subgroup")]
                groups.append((_name(g, "Name"), _text(g, "Comments"), _int(g, "Number_of_Students"), subgroups))
            years.append((_name(y, "Name"), _text(y, "Comments"), _int(y, "Number_of_Students"), groups, i))
        if not years:
            self.fail("Students_List: no years")
            self.raise_if_failed()
        self.grades = self._grades([y[0] for y in years])
        self.class_ids = _Ids("c")
        self.classes: list[dict] = []
        self.refs: dict[str, list[str]] = {}  # FET students set name → our group refs
        self.grade_of_set: dict[str, int] = {}
        group_years: dict[str, list[str]] = defaultdict(list)
        subgroup_owner: dict[str, str] = {}  # subgroup name → first class id holding it
        for (year_name, year_comments, year_pupils, groups, i), grade in zip(years, self.grades, strict=True):
            where = f"Students_List.Year[{i}] ({year_name})"
            if year_name in self.refs:
                self.fail(f"{where}.Name: duplicate students set name '{year_name}'")
                continue
            names_in_year = Counter(s for g in groups for s, _ in g[3])
            shared = sorted(s for s, n in names_in_year.items() if n > 1)
            if not groups:
                cid = self._add_class(year_name, year_comments, grade, year_pupils, [])
                self.refs[year_name] = [cid]
                self.lossy.append(f"year '{year_name}' has no groups: imported as one class")
            elif shared:
                # FET categories: each pupil set is a subgroup; a group is a list of them.
                sections = list(dict.fromkeys(s for g in groups for s, _ in g[3] or [(g[0], "")]))
                cid = self._add_class(year_name, year_comments, grade, year_pupils, sections)
                self.refs[year_name] = [cid]
                for g_name, _, _, subgroups in groups:
                    group_years[g_name].append(year_name)
                    members = [s for s, _ in subgroups] or [g_name]
                    self.refs.setdefault(g_name, [f"{cid}:{s}" for s in members])
                    for s in members:
                        self.refs.setdefault(s, [f"{cid}:{s}"])
                        self._note_shared_subgroup(s, cid, subgroup_owner)
                self.lossy.append(
                    f"year '{year_name}': subgroups shared between its groups ({', '.join(shared[:5])}…): "
                    f"imported as one class with {len(sections)} sections; each FET group is a list of sections"
                )
            else:
                class_refs = []
                for g_name, g_comments, g_pupils, subgroups in groups:
                    group_years[g_name].append(year_name)
                    if g_name in self.refs:
                        class_refs += [r.partition(":")[0] for r in self.refs[g_name]]
                        continue
                    sections = [_section_name(s, c) for s, c in subgroups]
                    cid = self._add_class(g_name, g_comments, grade, g_pupils, sections)
                    self.refs[g_name] = [cid]
                    class_refs.append(cid)
                    for (s, _), section in zip(subgroups, sections, strict=True):
                        if s in self.refs and s not in (g_name, year_name):
                            self._note_shared_subgroup(s, cid, subgroup_owner)
                            continue
                        self.refs[s] = [f"{cid}:{section}"]
                        subgroup_owner.setdefault(s, cid)
                self.refs[year_name] = list(dict.fromkeys(class_refs))
            for ref_name in [year_name, *(g[0] for g in groups), *(s for g in groups for s, _ in g[3])]:
                self.grade_of_set.setdefault(ref_name, grade)
        for g_name, in_years in group_years.items():
            if len(in_years) > 1:
                self.lossy.append(
                    f"group '{g_name}' belongs to years {', '.join(in_years)}: imported as one class of "
                    f"the first year; the other years' lessons include it"
                )

    def _note_shared_subgroup(self, name: str, cid: str, owner: dict[str, str]) -> None:
        first = owner.setdefault(name, cid)
        if first != cid:
            self.lossy.append(
                f"subgroup '{name}' belongs to groups of different classes: lessons naming it cover "
                f"class {first} only; clashes with the other class's lessons are not enforced"
            )

    def _grades(self, year_names: list[str]) -> list[int]:
        parsed = [grade_from_name(n) for n in year_names]
        if self.one_stage and all(g is not None for g in parsed):
            grades = [min(g, 6) for g in parsed]  # type: ignore[type-var]
            moved = [n.strip() for n, g in zip(year_names, parsed, strict=True) if g > 6]  # type: ignore[operator]
            self.lossy.append(
                f"{len(moved)} years of grades 7–9 ({', '.join(moved[:3])}{'…' if len(moved) > 3 else ''}) "
                "imported as grade 6, so that every year is in one stage with one bell schedule, as FET has one "
                "grid of hours: activities join years of both stages, or teachers with a gap cap teach in both"
            )
            return grades
        if all(g is not None for g in parsed):
            return parsed  # type: ignore[return-value]
        # One stage (primary, grades 1–6) for all: a FET activity may join any years, a lesson one stage only.
        grades = [g if g is not None and g <= 6 else 6 for g in parsed]
        unnamed = [n.strip() for n, g in zip(year_names, parsed, strict=True) if g is None]
        self.lossy.append(
            f"{len(unnamed)} years have no grade number in their names ({', '.join(unnamed[:3])}"
            f"{'…' if len(unnamed) > 3 else ''}): all years imported as one stage, grade from the name "
            "where it is 1–6, else 6"
        )
        return grades

    def _add_class(self, name: str, comments: str, grade: int, pupils: int, sections: list[str]) -> str:
        cid = self.class_ids.make(name, comments)
        self.classes.append(
            {
                "id": cid,
                "name": _shown(name, cid),
                "grade": grade,
                "pupils": pupils if 1 <= pupils <= 80 else 40,
                "sections": sections,
            }
        )
        return cid

    # ---- activities -----------------------------------------------------------------------
    def read_activities(self) -> None:
        self.activities: dict[int, _Activity] = {}
        inactive = 0
        stage_of_class = {c["id"]: stage_of_grade(c["grade"]) for c in self.classes}
        for i, element in enumerate(self.root.findall("Activities_List/Activity")):
            aid = _int(element, "Id", -1)
            where = f"Activities_List.Activity[{i}] (Id {aid})"
            if aid < 0 or aid in self.activities:
                self.fail(f"{where}.Id: missing or duplicate id")
                continue
            if _text(element, "Active").lower() == "false":
                inactive += 1
                continue
            teachers = [t.text or "" for t in element.findall("Teacher")]
            students = [s.text or "" for s in element.findall("Students")]
            subject = _name(element, "Subject")
            for j, t in enumerate(teachers):
                if t not in self.teachers:
                    self.fail(f"{where}.Teacher[{j}]: unknown teacher '{t}'")
            for j, s in enumerate(students):
                if s not in self.refs:
                    self.fail(f"{where}.Students[{j}]: unknown students set '{s}'")
            if subject not in self.subjects:
                self.fail(f"{where}.Subject: unknown subject '{subject}'")
            duration = _int(element, "Duration", 1)
            if self.problems:
                continue
            activity = _Activity(
                id=aid,
                group_id=_int(element, "Activity_Group_Id", 0) or aid,
                teachers=teachers,
                subject=subject,
                students=students,
                duration=duration,
                tags=[t.text or "" for t in element.findall("Activity_Tag")],
            )
            activity.groups = _simplify(self, [ref for s in students for ref in self.refs[s]])
            stages = {stage_of_class[g.partition(":")[0]] for g in activity.groups}
            if not 1 <= duration <= 4:
                self.dropped.append(f"activity {aid} ({subject}): duration {duration} outside 1–4; not imported")
            elif duration > len(self.hour_names):
                self.dropped.append(f"activity {aid} ({subject}): duration {duration} > hours per day; not imported")
            elif len(stages) > 1:
                self.stage_conflicts += 1
                self.dropped.append(
                    f"activity {aid} ({subject}): students {', '.join(students)} mix primary and middle-school "
                    "grades, which one lesson cannot; not imported"
                )
            else:
                self.activities[aid] = activity
        if inactive:
            self.lossy.append(f"{inactive} inactive activities skipped (FET does not schedule them either)")
        if not self.activities and not self.problems:
            self.fail(f"Activities_List: none of {len(self.dropped)} active activities can be imported")
        no_students = sum(not a.students for a in self.activities.values())
        if no_students:
            self.lossy.append(
                f"{no_students} activities without students (duties, meetings) imported as lessons without pupils "
                "(Lesson.groups empty): they take their teachers' and rooms' time only"
            )

    # ---- constraints ----------------------------------------------------------------------
    def read_constraints(self) -> None:
        self.breaks: set[tuple[int, int]] = set()
        self.blocked: dict[str, set[tuple[int, int]]] = defaultdict(set)  # group ref → slots
        self.room_type_of_subject: dict[str, str] = {}
        self.type_rooms: dict[str, frozenset[str]] = {}
        elements = [*self.root.findall("Time_Constraints_List/*"), *self.root.findall("Space_Constraints_List/*")]
        # Subject room types first: activity room sets are compared with them.
        elements.sort(key=lambda e: e.tag not in ("ConstraintSubjectPreferredRoom", "ConstraintSubjectPreferredRooms"))
        for i, element in enumerate(elements):
            fet_type = element.tag
            weight = _float(element, "Weight_Percentage", 100.0)
            where = f"{fet_type}[{i}]"
            if _text(element, "Active").lower() == "false":
                self.outcomes.add(fet_type, "inactive", weight)
                continue
            if fet_type in IMPLICIT:
                outcome, note = ("mapped", IMPLICIT[fet_type]) if weight >= 100 else ("soft_not_represented", "")
                self.outcomes.add(fet_type, outcome, weight, note)  # type: ignore[arg-type]
                continue
            consecutive = _text(element, "Consecutive_If_Same_Day").lower() == "true"
            if fet_type == "ConstraintMinDaysBetweenActivities" and weight < 100 and consecutive:
                self.adjacent_if_same_day.append((_activity_ids(element), weight))  # outcome decided in build()
                continue
            if weight < 100:
                if fet_type in PREFERRED_ROOM_TYPES:
                    for activity in self._room_targets(element):
                        activity.soft_preferred_room = True
                if fet_type in SOFT_APPROXIMATIONS:
                    self.outcomes.add(fet_type, "approximated", weight, SOFT_APPROXIMATIONS[fet_type])
                else:
                    self.outcomes.add(fet_type, "soft_not_represented", weight)
                continue
            handler = getattr(self, f"_c_{fet_type}", None)
            if handler is None:
                if fet_type in SOFT_APPROXIMATIONS:
                    note = f"hard in FET; only {SOFT_APPROXIMATIONS[fet_type]}"
                    self.outcomes.add(fet_type, "approximated", weight, note)
                else:
                    self.outcomes.add(fet_type, "not_represented", weight)
                continue
            decided = handler(element, where)
            if decided is not None:  # None: the outcome is decided in build(), once lessons exist
                self.outcomes.add(fet_type, decided[0], weight, decided[1])

    def _c_ConstraintMinDaysBetweenActivities(self, element: ET.Element, where: str) -> None:
        self.min_days.append(
            (_activity_ids(element), _int(element, "MinDays", 1), _float(element, "Weight_Percentage", 100.0))
        )

    def _adjacent_lessons(self, lessons: list[dict], members: dict[str, set[int]]) -> None:
        """FET's min days between activities below 100 % with "consecutive if same day": FET's generator
        rejects two of its activities on one day that are not adjacent, whatever the weight → hard rule
        ``adjacent_if_same_day`` on each lesson it covers whole and ``adjacent_with`` between two such
        lessons (the larger id lists the smaller); a lesson it covers only in part: not represented."""
        fet_type = "ConstraintMinDaysBetweenActivities"
        soft = f"{SOFT_APPROXIMATIONS[fet_type]}; consecutive if same day (FET enforces it at any weight): hard rule adjacent_if_same_day"
        lesson_of = {aid: lid for lid, ids in members.items() for aid in ids}
        by_id = {lesson["id"]: lesson for lesson in lessons}
        for ids, weight in self.adjacent_if_same_day:
            covered = {aid for aid in ids if aid in lesson_of}
            touched = sorted({lesson_of[a] for a in covered})
            whole = [lid for lid in touched if members[lid] <= covered]
            for i, lid in enumerate(whole):
                if by_id[lid]["count"] > 1:
                    by_id[lid]["adjacent_if_same_day"] = True
                for other in whole[:i]:
                    if other not in by_id[lid].setdefault("adjacent_with", []):
                        by_id[lid]["adjacent_with"].append(other)
            partly = "" if len(whole) == len(touched) else ", not between lessons it covers in part"
            self.outcomes.add(fet_type, "approximated", weight, soft + partly)

    def _spread_lessons(self, lessons: list[dict], members: dict[str, set[int]]) -> None:
        """FET's min days between activities (100 %) → ``different_days`` on the lessons it covers whole.

        Exact when the constraint's activities are all the sessions of one lesson (a split activity
        whose parts have one duration); otherwise each lesson it covers whole gets the rule, and
        sessions of different lessons in it (parts of another duration) may still share a day.
        """
        fet_type = "ConstraintMinDaysBetweenActivities"
        lesson_of = {aid: lid for lid, ids in members.items() for aid in ids}
        by_id = {lesson["id"]: lesson for lesson in lessons}
        soft = f"hard in FET; only {SOFT_APPROXIMATIONS[fet_type]}"
        for ids, min_days, weight in self.min_days:
            covered = {aid for aid in ids if aid in lesson_of}
            whole = sorted({lesson_of[a] for a in covered if members[lesson_of[a]] <= covered})
            spread = [lid for lid in whole if by_id[lid]["count"] > 1]
            if not 1 <= min_days <= MAX_DAYS_APART or not whole:
                self.outcomes.add(fet_type, "approximated", weight, soft)
                continue
            for lid in spread:
                by_id[lid]["different_days"] = True
                by_id[lid]["min_days_apart"] = max(min_days, by_id[lid].get("min_days_apart", 1))
            for i, lid in enumerate(whole):
                for other in whole[:i]:
                    _days_apart(by_id[lid], other, min_days)
            if {lesson_of[a] for a in covered} == set(whole) and len(whole) == 1:
                note = "one split activity = one lesson: hard rule different_days (Lesson.min_days_apart = MinDays)"
                self.outcomes.add(fet_type, "mapped", weight, note)
            elif {lesson_of[a] for a in covered} == set(whole):
                note = "split activity in several lessons: hard rules different_days within, days_apart between them"
                self.outcomes.add(fet_type, "mapped", weight, note)
            else:
                note = (
                    "hard in FET; hard rules different_days / days_apart for our lessons it covers whole, but "
                    "lessons it covers in part (some sessions only) may share a day: there only "
                    f"{SOFT_APPROXIMATIONS[fet_type]}"
                )
                self.outcomes.add(fet_type, "approximated", weight, note)

    def _same_start_lessons(self, lessons: list[dict], members: dict[str, set[int]]) -> None:
        """FET's activities same starting time (100 %) → ``same_time_as`` between whole lessons (``_paired_lessons``)."""
        self._paired_lessons("ConstraintActivitiesSameStartingTime", self.same_start, lessons, members, "same_time_as")

    def _paired_lessons(
        self, fet_type: str, constraints: list[list[int]], lessons: list[dict], members: dict[str, set[int]], field: str
    ) -> None:
        """FET's activities same starting time / day / hour (100 %) → ``field`` between whole lessons.

        Exact when the constraints over a set of lessons pair their sessions one to one: each lesson
        has as many sessions as there are constraints, and every session is in exactly one of them
        (split activities paired part by part, or single activities). Sessions of one lesson are
        interchangeable, so equal start sets (days, periods) are then the same as FET's pairs. Anything
        else (a constraint on only some sessions of a lesson) is not represented, and reported.
        """
        rule = field.removesuffix("_as")
        lesson_of = {aid: lid for lid, ids in members.items() for aid in ids}
        by_id = {lesson["id"]: lesson for lesson in lessons}
        by_lessons: dict[tuple[str, ...], list[list[int]]] = defaultdict(list)
        for ids in constraints:
            imported = [a for a in ids if a in lesson_of]
            if len(imported) < len(ids):
                self.lossy.append(
                    f"{fet_type} over activities {', '.join(map(str, ids))}: some are not imported; "
                    "kept for the imported ones"
                )
            if len(imported) < 2:
                self.outcomes.add(fet_type, "mapped", 100.0, "fewer than two imported activities: nothing to do")
                continue
            key = tuple(sorted({lesson_of[a] for a in imported}))
            if len(key) < len(imported):
                note = "two sessions of one lesson paired: the School cannot say so"
                self.outcomes.add(fet_type, "not_represented", 100.0, note)
                continue
            by_lessons[key].append(imported)
        parent: dict[str, str] = {}

        def root(lid: str) -> str:
            while parent.get(lid, lid) != lid:
                lid = parent[lid]
            return lid

        for key, paired in by_lessons.items():
            covered = [a for ids in paired for a in ids]
            exact = all(by_id[lid]["count"] == len(paired) for lid in key) and sorted(covered) == sorted(
                a for lid in key for a in members[lid]
            )
            if not exact:
                note = "covers only some sessions of a lesson: the School pairs whole lessons only"
                for _ in paired:
                    self.outcomes.add(fet_type, "not_represented", 100.0, note)
                continue
            for lid in key[1:]:
                parent[root(lid)] = root(key[0])
            for _ in paired:
                self.outcomes.add(fet_type, "mapped", 100.0, f"lesson.{field} (rule {rule}): whole lessons paired")
        for lid in by_id:
            if root(lid) != lid:
                by_id[lid][field] = root(lid)

    def _c_ConstraintBreakTimes(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        self.breaks |= set(self.slots(element, "Break_Time", where))
        return "mapped", "hour on every day → removed period (lunch block); other slots → every class's unavailable"

    def _c_ConstraintTeacherNotAvailableTimes(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        teacher = self._teacher(element, "Teacher", where)
        if teacher:
            teacher["unavailable"] |= set(self.slots(element, "Not_Available_Time", where))
        return "mapped", "teacher.unavailable"

    def _c_ConstraintRoomNotAvailableTimes(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        room = self._room(_name(element, "Room"), f"{where}.Room")
        if room:
            room["unavailable"] |= set(self.slots(element, "Not_Available_Time", where))
        return "mapped", "room.unavailable"

    def _c_ConstraintTeacherMaxHoursDaily(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        teacher = self._teacher(element, "Teacher_Name", where)
        if teacher:
            limit = _int(element, "Maximum_Hours_Daily", 0)
            _keep_smallest(teacher, "max_day", limit)
        return "mapped", "teacher.max_lessons_per_day"

    def _c_ConstraintTeachersMaxHoursDaily(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        limit = _int(element, "Maximum_Hours_Daily", 0)
        for teacher in self.teachers.values():
            _keep_smallest(teacher, "max_day", limit)
        return "mapped", "max_lessons_per_day of every teacher"

    def _c_ConstraintTeacherMaxDaysPerWeek(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        teacher = self._teacher(element, "Teacher_Name", where)
        if teacher:
            limit = _int(element, "Max_Days_Per_Week", 7)
            _keep_smallest(teacher, "max_days", limit)
        return "mapped", "teacher.max_days_per_week"

    def _c_ConstraintTeachersMaxDaysPerWeek(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        limit = _int(element, "Max_Days_Per_Week", 7)
        for teacher in self.teachers.values():
            _keep_smallest(teacher, "max_days", limit)
        return "mapped", "max_days_per_week of every teacher"

    def _c_ConstraintTeacherMaxGapsPerWeek(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        teacher = self._teacher(element, "Teacher_Name", where)
        if teacher:
            limit = min(TEACHER_WEEK_CAP, _int(element, "Max_Gaps", TEACHER_WEEK_CAP))
            _keep_smallest(teacher, "max_gaps_week", limit)
        return "mapped", "teacher.max_gaps_per_week"

    def _c_ConstraintTeachersMaxGapsPerWeek(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        limit = min(TEACHER_WEEK_CAP, _int(element, "Max_Gaps", TEACHER_WEEK_CAP))
        for teacher in self.teachers.values():
            _keep_smallest(teacher, "max_gaps_week", limit)
        return "mapped", "max_gaps_per_week of every teacher"

    def _c_ConstraintTeacherMaxGapsPerDay(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        teacher = self._teacher(element, "Teacher_Name", where)
        if teacher:
            limit = min(TEACHER_DAY_CAP, _int(element, "Max_Gaps", TEACHER_DAY_CAP))
            _keep_smallest(teacher, "max_gaps_day", limit)
        return "mapped", "teacher.max_gaps_per_day"

    def _c_ConstraintTeachersMaxGapsPerDay(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        limit = min(TEACHER_DAY_CAP, _int(element, "Max_Gaps", TEACHER_DAY_CAP))
        for teacher in self.teachers.values():
            _keep_smallest(teacher, "max_gaps_day", limit)
        return "mapped", "max_gaps_per_day of every teacher"

    def _c_ConstraintTeacherMaxHoursContinuously(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        teacher = self._teacher(element, "Teacher_Name", where)
        if teacher:
            _keep_smallest(teacher, "max_consecutive", _continuous_limit(element))
        return "mapped", "teacher.max_consecutive"

    def _c_ConstraintTeachersMaxHoursContinuously(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        for teacher in self.teachers.values():
            _keep_smallest(teacher, "max_consecutive", _continuous_limit(element))
        return "mapped", "max_consecutive of every teacher"

    def _c_ConstraintTeacherActivityTagMaxHoursDaily(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        teacher = self._teacher(element, "Teacher_Name", where)
        return self._teacher_tag_cap([teacher] if teacher else [], element, "max_per_day")

    def _c_ConstraintTeachersActivityTagMaxHoursDaily(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        return self._teacher_tag_cap(list(self.teachers.values()), element, "max_per_day")

    def _c_ConstraintTeacherActivityTagMaxHoursContinuously(
        self, element: ET.Element, where: str
    ) -> tuple[Outcome, str]:
        teacher = self._teacher(element, "Teacher_Name", where)
        return self._teacher_tag_cap([teacher] if teacher else [], element, "max_consecutive")

    def _c_ConstraintTeachersActivityTagMaxHoursContinuously(
        self, element: ET.Element, where: str
    ) -> tuple[Outcome, str]:
        return self._teacher_tag_cap(list(self.teachers.values()), element, "max_consecutive")

    def _teacher_tag_cap(self, teachers: list[dict], element: ET.Element, field: str) -> tuple[Outcome, str]:
        """Teacher(s) activity tag max hours daily / continuously → an entry of the teachers' ``tag_limits``."""
        tag = _name(element, "Activity_Tag_Name")
        self.used_tags.add(tag)
        for teacher in teachers:
            _tighten_tag_cap(teacher["tag_limits"], tag, field, _tag_cap(element, field))
        return "mapped", f"teacher.tag_limits[].{field} (rule teacher_tag_hours), lessons of the tag: Lesson.tags"

    def _c_ConstraintStudentsActivityTagMaxHoursDaily(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        return self._class_tag_cap(element, None, "max_per_day", where)

    def _c_ConstraintStudentsSetActivityTagMaxHoursDaily(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        return self._class_tag_cap(element, _name(element, "Students"), "max_per_day", where)

    def _c_ConstraintStudentsActivityTagMaxHoursContinuously(
        self, element: ET.Element, where: str
    ) -> tuple[Outcome, str]:
        return self._class_tag_cap(element, None, "max_consecutive", where)

    def _c_ConstraintStudentsSetActivityTagMaxHoursContinuously(
        self, element: ET.Element, where: str
    ) -> tuple[Outcome, str]:
        return self._class_tag_cap(element, _name(element, "Students"), "max_consecutive", where)

    def _class_tag_cap(self, element: ET.Element, students: str | None, field: str, where: str) -> tuple[Outcome, str]:
        """Students (set) activity tag max hours daily / continuously → an entry of the ``tag_limits`` of the whole
        classes meant (FET caps each subgroup, the School each atom: the same)."""
        chosen = self._whole_classes(students, where)
        if chosen is None:
            return "not_represented", "only some sections of a class: the School sets this per class"
        tag = _name(element, "Activity_Tag")
        self.used_tags.add(tag)
        for school_class in chosen:
            _tighten_tag_cap(self.class_tag_limits[school_class["id"]], tag, field, _tag_cap(element, field))
        return "mapped", f"class.tag_limits[].{field} (rule class_tag_hours), lessons of the tag: Lesson.tags"

    def _c_ConstraintStudentsMaxHoursContinuously(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        return self._class_continuous(element, None, where)

    def _c_ConstraintStudentsSetMaxHoursContinuously(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        return self._class_continuous(element, _name(element, "Students"), where)

    def _class_continuous(self, element: ET.Element, students: str | None, where: str) -> tuple[Outcome, str]:
        """Students (set) max hours continuously → ``max_consecutive`` (the smallest given) of the whole classes
        meant (FET counts per subgroup, the School per atom)."""
        chosen = self._whole_classes(students, where)
        if chosen is None:
            return "not_represented", "only some sections of a class: the School sets this per class"
        limit = _continuous_limit(element)
        for school_class in chosen:
            current = school_class.get("max_consecutive")
            school_class["max_consecutive"] = limit if current is None else min(limit, current)
        return "mapped", "class.max_consecutive (rule class_max_consecutive)"

    def _c_ConstraintTeacherIntervalMaxDaysPerWeek(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        teacher = self._teacher(element, "Teacher_Name", where)
        return self._interval_max_days([teacher] if teacher else [], element, where)

    def _c_ConstraintTeachersIntervalMaxDaysPerWeek(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        return self._interval_max_days(list(self.teachers.values()), element, where)

    def _interval_max_days(self, teachers: list[dict], element: ET.Element, where: str) -> tuple[Outcome, str]:
        """FET's [Interval_Start_Hour, Interval_End_Hour) (empty end: the end of the day); the periods are
        decided in build(), once break hours are known."""
        first = self.hour_index(_name(element, "Interval_Start_Hour"), f"{where}.Interval_Start_Hour")
        end_name = _name(element, "Interval_End_Hour")
        end = len(self.hour_names) if not end_name else self.hour_index(end_name, f"{where}.Interval_End_Hour")
        max_days = max(0, min(len(self.day_names), _int(element, "Max_Days_Per_Week", len(self.day_names))))
        if first is not None and end is not None:
            for teacher in teachers:
                teacher["intervals"].append((first, end, max_days))
        return "mapped", "teacher.interval_max_days (the periods of the interval's hours)"

    def _c_ConstraintMinGapsBetweenActivities(self, element: ET.Element, where: str) -> None:
        self.min_gaps.append((_activity_ids(element), _int(element, "MinGaps", 1)))

    def _c_ConstraintActivitiesOccupyMaxTimeSlotsFromSelection(self, element: ET.Element, where: str) -> None:
        slots = []
        for i, item in enumerate(element.findall("Selected_Time_Slot")):
            day = self.day_index(_name(item, "Selected_Day"), f"{where}.Selected_Time_Slot[{i}].Selected_Day")
            hour = self.hour_index(_name(item, "Selected_Hour"), f"{where}.Selected_Time_Slot[{i}].Selected_Hour")
            if day is not None and hour is not None:
                slots.append((day, hour))
        self.occupy.append((_activity_ids(element), slots, _int(element, "Max_Number_of_Occupied_Time_Slots")))

    def _c_ConstraintTeacherMinHoursDaily(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        teacher = self._teacher(element, "Teacher_Name", where)
        return self._teacher_min([teacher] if teacher else [], element)

    def _c_ConstraintTeachersMinHoursDaily(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        return self._teacher_min(list(self.teachers.values()), element)

    def _teacher_min(self, teachers: list[dict], element: ET.Element) -> tuple[Outcome, str]:
        """Teacher(s) min hours daily → ``min_lessons_per_day`` / ``allow_empty_days``, combined with earlier ones.

        Allow_Empty_Days missing (older files): true, FET's reading of them for teachers.
        """
        low = _int(element, "Minimum_Hours_Daily", 0)
        if low > TEACHER_DAY_CAP:
            return "not_represented", f"more than {TEACHER_DAY_CAP} hours a day: beyond a teacher's daily cap"
        allow_empty = _text(element, "Allow_Empty_Days").lower() != "false"
        for teacher in teachers:
            teacher["min_day"] = _tighter_min(teacher.get("min_day"), low, allow_empty)
        return "mapped", "teacher.min_lessons_per_day / allow_empty_days (rule teacher_min_day)"

    def _c_ConstraintTeacherMinDaysPerWeek(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        teacher = self._teacher(element, "Teacher_Name", where)
        return self._teacher_min_days([teacher] if teacher else [], element)

    def _c_ConstraintTeachersMinDaysPerWeek(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        return self._teacher_min_days(list(self.teachers.values()), element)

    def _teacher_min_days(self, teachers: list[dict], element: ET.Element) -> tuple[Outcome, str]:
        """Teacher(s) min days per week: of every day → lessons every day, ``allow_empty_days`` false (with a
        minimum of at least 1; FET's way of a teacher's min hours daily without empty days); of fewer days →
        ``min_days_per_week``, the largest given."""
        days = _int(element, "Minimum_Days_Per_Week", 0)
        if 0 < days < len(self.day_names):
            for teacher in teachers:
                teacher["min_days"] = days if teacher["min_days"] is None else max(days, teacher["min_days"])
            return "mapped", "fewer than every day: teacher.min_days_per_week (rule teacher_min_days)"
        for teacher in teachers if days else []:
            teacher["min_day"] = _tighter_min(teacher.get("min_day"), 1, False)
        return "mapped", "every day: teacher.allow_empty_days false (rule teacher_min_day)"

    def _c_ConstraintStudentsSetMaxHoursDaily(self, element: ET.Element, where: str) -> tuple[Outcome, str] | None:
        return self._class_bound(element, "max", _name(element, "Students"), where)

    def _c_ConstraintStudentsMaxHoursDaily(self, element: ET.Element, where: str) -> tuple[Outcome, str] | None:
        return self._class_bound(element, "max", None, where)

    def _c_ConstraintStudentsSetMinHoursDaily(self, element: ET.Element, where: str) -> tuple[Outcome, str] | None:
        return self._class_bound(element, "min", _name(element, "Students"), where)

    def _c_ConstraintStudentsMinHoursDaily(self, element: ET.Element, where: str) -> tuple[Outcome, str] | None:
        return self._class_bound(element, "min", None, where)

    def _class_bound(
        self, element: ET.Element, bound: str, students: str | None, where: str
    ) -> tuple[Outcome, str] | None:
        """Students (set) max / min hours daily → a daily bound of the whole classes meant, decided in build().

        ``students`` None: every class; a year or a group is whole classes; subgroups only when they are
        all of their class's sections (FET applies the bound to each subgroup, the School to each atom).
        Allow_Empty_Days missing (older files): false, FET's reading of them for students.
        """
        if students is not None and students not in self.refs:
            self.fail(f"{where}.Students: unknown students set '{students}'")
            return "mapped", ""
        by_id = {c["id"]: c for c in self.classes}
        named: dict[str, set[str]] = defaultdict(set)
        for ref in list(by_id) if students is None else self.refs[students]:
            class_id, _, section = ref.partition(":")
            named[class_id].add(section or "*")
        if any("*" not in sections and sections < set(by_id[cid]["sections"]) for cid, sections in named.items()):
            return "not_represented", "only some sections of a class: the School bounds whole classes (each section)"
        if bound == "max":
            limit, allow_empty = _int(element, "Maximum_Hours_Daily", len(self.hour_names)), True
        else:
            limit = _int(element, "Minimum_Hours_Daily", 0)
            allow_empty = _text(element, "Allow_Empty_Days").lower() == "true"
        self.class_bounds.append((element.tag, bound, list(named), limit, allow_empty))
        return None

    def _class_day_bounds(self, n_periods: int) -> None:
        """The students (set) max / min hours daily kept in ``class_bounds`` → the classes' daily bounds.

        Several bounds on a class: the tightest. FET counts lesson hours only, as class_lessons_per_day
        does (not-available and break slots are ``SchoolClass.unavailable``, no lessons), so the bounds
        map as they are. A maximum of at least the day's periods never binds and is left out.
        """
        by_id = {c["id"]: c for c in self.classes}
        highs: dict[str, int] = {}
        lows: dict[str, tuple[int, bool] | None] = {}
        for _, bound, class_ids, limit, allow_empty in self.class_bounds:
            for cid in class_ids:
                if bound == "max":
                    highs[cid] = min(limit, highs.get(cid, limit))
                else:
                    lows[cid] = _tighter_min(lows.get(cid), limit, allow_empty)
        too_high: set[str] = set()  # classes whose minimum is more than the School holds
        for cid, school_class in by_id.items():
            if cid in highs and highs[cid] < n_periods and highs[cid] <= TEACHER_DAY_CAP:
                school_class["max_lessons_per_day"] = highs[cid]
            if lows.get(cid):
                low, allow_empty = lows[cid]
                if low <= TEACHER_DAY_CAP:
                    school_class["min_lessons_per_day"] = low
                    school_class["allow_empty_days"] = allow_empty
                else:
                    too_high.add(cid)
        for fet_type, bound, class_ids, _, _ in self.class_bounds:
            if bound == "min" and too_high & set(class_ids):
                self.outcomes.add(
                    fet_type,
                    "not_represented",
                    100.0,
                    f"more than {TEACHER_DAY_CAP} hours a day: beyond a class's bound",
                )
            else:
                field_name = "max_lessons_per_day" if bound == "max" else "min_lessons_per_day / allow_empty_days"
                self.outcomes.add(fet_type, "mapped", 100.0, f"class.{field_name} (rule class_lessons_per_day)")

    def _c_ConstraintStudentsSetNotAvailableTimes(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        students = _name(element, "Students")
        if students not in self.refs:
            self.fail(f"{where}.Students: unknown students set '{students}'")
            return "mapped", ""
        slots = self.slots(element, "Not_Available_Time", where)
        for ref in self.refs[students]:
            self.blocked[ref] |= set(slots)
        return "mapped", "class.unavailable (rule class_unavailable; the day-shape rules skip the slots, as FET does)"

    def _c_ConstraintActivityPreferredStartingTime(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        activity = self._activity(element, where)
        day_name, hour_name = _name(element, "Preferred_Day"), _name(element, "Preferred_Hour")
        if not day_name or not hour_name:
            return "not_represented", "only a day or only an hour is given; the School pins whole slots"
        day = self.day_index(day_name, f"{where}.Preferred_Day")
        hour = self.hour_index(hour_name, f"{where}.Preferred_Hour")
        if activity is not None and day is not None and hour is not None:
            activity.pinned = (day, hour)
        return "mapped", "lesson.pinned (locked or not: at 100% the start is fixed either way)"

    def _c_ConstraintActivityPreferredStartingTimes(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        activity = self._activity(element, where)
        if activity is not None:
            self._allow(activity, self._preferred(element, "Preferred_Starting_Time", "Starting_", where), False)
        return "mapped", "lesson.allowed_starts (parts of a split activity with other slots become another lesson)"

    def _c_ConstraintActivityPreferredTimeSlots(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        activity = self._activity(element, where)
        if activity is not None:
            self._allow(activity, self._preferred(element, "Preferred_Time_Slot", "", where), True)
        return "mapped", "lesson.allowed_starts: starts whose every hour is a preferred slot"

    def _c_ConstraintActivitiesPreferredStartingTimes(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        slots = self._preferred(element, "Preferred_Starting_Time", "Starting_", where)
        for activity in self._matching(element):
            self._allow(activity, slots, False)
        return "mapped", "lesson.allowed_starts of every matching activity"

    def _c_ConstraintActivitiesPreferredTimeSlots(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        slots = self._preferred(element, "Preferred_Time_Slot", "", where)
        for activity in self._matching(element):
            self._allow(activity, slots, True)
        return "mapped", "lesson.allowed_starts of every matching activity: starts whose every hour is a preferred slot"

    def _c_ConstraintSubactivitiesPreferredStartingTimes(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        slots = self._preferred(element, "Preferred_Starting_Time", "Starting_", where)
        for activity in self._components(element):
            self._allow(activity, slots, False)
        return (
            "mapped",
            "lesson.allowed_starts of the matching activities' component (split parts with other slots: own lessons)",
        )

    def _c_ConstraintSubactivitiesPreferredTimeSlots(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        slots = self._preferred(element, "Preferred_Time_Slot", "", where)
        for activity in self._components(element):
            self._allow(activity, slots, True)
        return (
            "mapped",
            "lesson.allowed_starts of the matching activities' component: starts whose every hour is a preferred slot",
        )

    def _components(self, element: ET.Element) -> list[_Activity]:
        """The matching activities that are component ``Component_Number`` of their split activity (FET numbers
        the parts from 1 by id from the group's first; an activity not split is component 1)."""
        number = _int(element, "Component_Number", 1)
        return [a for a in self._matching(element) if a.id - a.group_id + 1 == number]

    def _preferred(self, element: ET.Element, tag: str, infix: str, where: str) -> set[tuple[int, int]]:
        """(day, hour) pairs, 0-based, of Preferred_Starting_Time / Preferred_Time_Slot children."""
        out = set()
        for i, item in enumerate(element.findall(tag)):
            day = self.day_index(_name(item, f"Preferred_{infix}Day"), f"{where}.{tag}[{i}]")
            hour = self.hour_index(_name(item, f"Preferred_{infix}Hour"), f"{where}.{tag}[{i}]")
            if day is not None and hour is not None:
                out.add((day, hour))
        return out

    def _allow(self, activity: _Activity, slots: set[tuple[int, int]], whole_session: bool) -> None:
        """Narrow the activity's allowed starts; with ``whole_session`` every hour it covers must be a slot."""
        if whole_session:
            slots = {(d, h) for d, h in slots if all((d, h + k) in slots for k in range(activity.duration))}
        allowed = frozenset(slots)
        activity.allowed = allowed if activity.allowed is None else activity.allowed & allowed

    def _matching(self, element: ET.Element) -> list[_Activity]:
        """The imported activities FET's filters select (teacher, students set, subject, tag, duration; empty: any)."""
        teacher, students = _name(element, "Teacher_Name"), _name(element, "Students_Name")
        subject, tag = _name(element, "Subject_Name"), _name(element, "Activity_Tag_Name")
        duration = _text(element, "Duration")
        return [
            a
            for a in self.activities.values()
            if (not teacher or teacher in a.teachers)
            and (not students or students in a.students)
            and (not subject or subject == a.subject)
            and (not tag or tag in a.tags)
            and (not duration.isdigit() or int(duration) == a.duration)
        ]

    def _c_ConstraintActivitiesSameStartingTime(self, element: ET.Element, where: str) -> None:
        self.same_start.append(
            [int(x.text) for x in element.findall("Activity_Id") if (x.text or "").strip().isdigit()]
        )

    def _c_ConstraintActivitiesNotOverlapping(self, element: ET.Element, where: str) -> None:
        self.not_overlapping.append(
            [int(x.text) for x in element.findall("Activity_Id") if (x.text or "").strip().isdigit()]
        )

    def _not_overlapping_lessons(self, lessons: list[dict], members: dict[str, set[int]]) -> None:
        """FET's activities not overlapping (100 %) → ``not_with`` between the whole lessons it covers.

        Exact when the constraint's activities are all the sessions of each lesson they belong to:
        no session of one of those lessons may then overlap a session of another (sessions of one
        lesson never overlap anyway: they share its groups). The larger lesson id lists the smaller.
        A constraint on only some sessions of a lesson is not represented, and reported.
        """
        fet_type = "ConstraintActivitiesNotOverlapping"
        lesson_of = {aid: lid for lid, ids in members.items() for aid in ids}
        by_id = {lesson["id"]: lesson for lesson in lessons}
        for ids in self.not_overlapping:
            imported = {a for a in ids if a in lesson_of}
            if len(imported) < len(ids):
                self.lossy.append(
                    f"{fet_type} over activities {', '.join(map(str, ids))}: some are not imported; "
                    "kept for the imported ones"
                )
            covered = sorted({lesson_of[a] for a in imported})
            if len(covered) < 2:
                self.outcomes.add(fet_type, "mapped", 100.0, "activities of fewer than two lessons: nothing to do")
            elif not all(members[lid] <= imported for lid in covered):
                note = "covers only some sessions of a lesson: the School keeps whole lessons apart"
                self.outcomes.add(fet_type, "not_represented", 100.0, note)
            else:
                for i, first in enumerate(covered):
                    for second in covered[i + 1 :]:
                        listed = by_id[second].setdefault("not_with", [])
                        if first not in listed:
                            listed.append(first)
                note = "lesson.not_with (rule not_overlapping): whole lessons kept apart"
                self.outcomes.add(fet_type, "mapped", 100.0, note)

    def _c_ConstraintTwoActivitiesConsecutive(self, element: ET.Element, where: str) -> None:
        self._relation(element)

    def _c_ConstraintTwoActivitiesGrouped(self, element: ET.Element, where: str) -> None:
        self._relation(element)

    def _c_ConstraintThreeActivitiesGrouped(self, element: ET.Element, where: str) -> None:
        self._relation(element)

    def _c_ConstraintTwoActivitiesOrdered(self, element: ET.Element, where: str) -> None:
        self._relation(element)

    def _c_ConstraintTwoActivitiesOrderedIfSameDay(self, element: ET.Element, where: str) -> None:
        self._relation(element)

    def _relation(self, element: ET.Element) -> None:
        tags = ("First_Activity_Id", "Second_Activity_Id", "Third_Activity_Id")
        ids = [_int(element, tag, -1) for tag in tags if element.find(tag) is not None]
        self.relations.append((element.tag, ids))

    def _c_ConstraintActivitiesSameStartingDay(self, element: ET.Element, where: str) -> None:
        self.same_day.append([int(x.text) for x in element.findall("Activity_Id") if (x.text or "").strip().isdigit()])

    def _c_ConstraintActivitiesSameStartingHour(self, element: ET.Element, where: str) -> None:
        self.same_hour.append([int(x.text) for x in element.findall("Activity_Id") if (x.text or "").strip().isdigit()])

    def _c_ConstraintActivityEndsStudentsDay(self, element: ET.Element, where: str) -> None:
        activity = self._activity(element, where)
        self.ends_day.append((element.tag, [activity.id] if activity else []))
        if activity:
            activity.ends_day = True

    def _c_ConstraintActivitiesEndStudentsDay(self, element: ET.Element, where: str) -> None:
        matching = self._matching(element)
        self.ends_day.append((element.tag, [a.id for a in matching]))
        for activity in matching:
            activity.ends_day = True

    def _c_ConstraintActivitiesOccupyMaxDifferentRooms(self, element: ET.Element, where: str) -> None:
        limit = _int(element, "Max_Number_of_Different_Rooms", 1)
        self._room_group(element, max(1, limit))

    def _c_ConstraintActivitiesSameRoomIfConsecutive(self, element: ET.Element, where: str) -> None:
        self._room_group(element, None)

    def _room_group(self, element: ET.Element, max_rooms: int | None) -> None:
        """A room-group constraint, decided in build(); each activity it lists remembers it (a lesson's shape)."""
        ids = _activity_ids(element)
        index = len(self.room_groups)
        self.room_groups.append((element.tag, ids, max_rooms))
        for aid in dict.fromkeys(ids):
            if aid in self.activities:
                self.activities[aid].room_groups += (index,)

    def _room_group_records(self, lessons: list[dict], members: dict[str, set[int]]) -> list[dict]:
        """Activities occupy max different rooms / same room if consecutive (100 %) → ``School.room_groups``
        over the lessons of their activities (whole lessons: ``_Activity.room_groups`` is part of a lesson's
        shape). Exact: each session chooses its room, FET counts only activities with a room and so do the
        rules, and FET's "consecutive" (the later starts at the hour the earlier ends) is the period right
        after with no lunch block (a break hour on every day) between; a break on some days is a period here."""
        lesson_of = {aid: lid for lid, ids in members.items() for aid in ids}
        n_rooms = len(self.rooms)
        out: list[dict] = []
        for fet_type, ids, max_rooms in self.room_groups:
            imported = [aid for aid in dict.fromkeys(ids) if aid in lesson_of]
            if len(imported) < len(ids):
                self.lossy.append(
                    f"{fet_type} over activities {', '.join(map(str, ids))}: some are not imported; "
                    "kept for the imported ones"
                )
            if any(self.activities[aid].virtual_room for aid in imported):
                note = "an activity with a FET virtual room (FET counts the virtual room, the School its real rooms)"
                self.outcomes.add(fet_type, "not_represented", 100.0, note)
                continue
            if len(imported) < 2 or (max_rooms is not None and max_rooms >= n_rooms):
                self.outcomes.add(fet_type, "mapped", 100.0, "fewer than two activities or rooms: never binds")
                continue
            if max_rooms is not None and max_rooms > ROOM_GROUP_CAP:
                note = f"more than {ROOM_GROUP_CAP} rooms: beyond a room group's cap"
                self.outcomes.add(fet_type, "not_represented", 100.0, note)
                continue
            group: dict = {"id": f"fet-rooms-{len(out) + 1}", "lessons": sorted({lesson_of[a] for a in imported})}
            if max_rooms is None:
                group["same_room_if_consecutive"] = True
                note = "School.room_groups[].same_room_if_consecutive (rule same_room_if_consecutive), per session"
            else:
                group["max_rooms"] = max_rooms
                note = "School.room_groups[].max_rooms (rule rooms_max_different), rooms counted per session"
            out.append(group)
            self.outcomes.add(fet_type, "mapped", 100.0, note)
        return out

    def _split_related_activities(self) -> None:
        """Parts of split activities that a two / three activities constraint names, and parts of one split activity
        that a same starting day / hour constraint names together, become lessons of their own."""
        parts = Counter(a.group_id for a in self.activities.values())
        for _, ids in self.relations:
            for aid in ids:
                activity = self.activities.get(aid)
                if activity is not None and parts[activity.group_id] > 1:
                    activity.alone = aid
        for ids in self.same_day + self.same_hour:
            named = [self.activities[aid] for aid in ids if aid in self.activities]
            together = Counter(a.group_id for a in named)
            for activity in named:
                if together[activity.group_id] > 1:
                    activity.alone = activity.id
        self._split_by_min_days(parts)

    def _split_by_min_days(self, parts: Counter) -> None:
        """Sessions of one lesson are interchangeable, so a min days constraint (hard, or with "consecutive if
        same day") that names only some parts of a split activity cannot hold on a lesson of all its parts: the
        parts are grouped by the constraints naming them (``days_key``), each group a lesson of its own, so every
        such constraint covers whole lessons (exact: different_days / days_apart / adjacent_if_same_day /
        adjacent_with). Same starting time constraints: ``_split_same_start_partners``."""
        constraints = [ids for ids, _, _ in self.min_days] + [ids for ids, _ in self.adjacent_if_same_day]
        naming: dict[int, list[int]] = defaultdict(list)
        for index, ids in enumerate(constraints):
            for aid in dict.fromkeys(ids):
                if aid in self.activities:
                    naming[aid].append(index)
        by_group: dict[int, set[tuple[int, ...]]] = defaultdict(set)
        for activity in self.activities.values():
            by_group[activity.group_id].add(tuple(naming.get(activity.id, ())))
        for activity in self.activities.values():
            if parts[activity.group_id] > 1 and len(by_group[activity.group_id]) > 1:
                activity.days_key = tuple(naming.get(activity.id, ()))

    def _shapes(self) -> dict[tuple, list[_Activity]]:
        """The activities by lesson shape: parts of one split activity with the same shape form one lesson."""
        shapes: dict[tuple, list[_Activity]] = defaultdict(list)
        for a in self.activities.values():
            key = (a.group_id, a.duration, a.room, tuple(a.teachers), a.subject, tuple(a.groups), a.allowed, a.alone)
            key += (a.ends_day, a.rooms, a.days_key, a.room_groups, self._counted_tags(a))
            shapes[key].append(a)
        return shapes

    def _split_same_start_partners(self, lessons_per_group: Counter) -> bool:
        """Same starting time pairs whole lessons part by part (``_paired_lessons``). A split activity that it
        names only in part, or that became several lessons (other durations, rooms, min days…), and every split
        activity linked to such a one by same starting time constraints (transitively), is split by the
        constraints naming its parts, so that they pair single lessons one to one. True if some activity changed."""
        parts = Counter(a.group_id for a in self.activities.values())
        named = Counter(
            self.activities[a].group_id for a in {a for ids in self.same_start for a in ids} if a in self.activities
        )
        split = {group for group, n in lessons_per_group.items() if n > 1}
        split |= {group for group, n in named.items() if n < parts[group]}
        linked = [{self.activities[a].group_id for a in ids if a in self.activities} for ids in self.same_start]
        grown = True
        while grown:
            grown = False
            for groups in linked:
                if groups & split and not groups <= split:
                    split |= groups
                    grown = True
        changed = False
        offset = len(self.min_days) + len(self.adjacent_if_same_day)
        for index, ids in enumerate(self.same_start, start=offset):
            for aid in dict.fromkeys(ids):
                activity = self.activities.get(aid)
                if activity is not None and activity.group_id in split and index not in activity.days_key:
                    activity.days_key += (index,)
                    changed = True
        return changed

    def _relation_lessons(self, lessons: list[dict], members: dict[str, set[int]], partial_breaks: bool) -> None:
        """Two activities consecutive / grouped / ordered (if same day), three activities grouped (100 %) → the
        relation fields of the single-session lessons their activities are (``_split_related_activities``)."""
        lesson_of = {aid: lid for lid, ids in members.items() for aid in ids}
        by_id = {lesson["id"]: lesson for lesson in lessons}
        for fet_type, ids in self.relations:
            if not all(a in lesson_of for a in ids):
                self.lossy.append(
                    f"{fet_type} over activities {', '.join(map(str, ids))}: some are not imported; no effect"
                )
                self.outcomes.add(fet_type, "mapped", 100.0, "an activity is not imported: nothing to do")
                continue
            related = [by_id[lesson_of[a]] for a in ids]
            outcome, note = self._relate(fet_type, related, partial_breaks)
            self.outcomes.add(fet_type, outcome, 100.0, note)

    def _relate(self, fet_type: str, related: list[dict], partial_breaks: bool) -> tuple[Outcome, str]:
        first, second = related[0], related[1]
        if len({x["id"] for x in related}) < len(related) or any(x["count"] != 1 for x in related):
            return "not_represented", "relates sessions of one lesson: the School relates whole lessons"
        if partial_breaks and "Ordered" not in fet_type:
            return "not_represented", "breaks on only some days are periods here, which FET lets the pair straddle"
        if fet_type == "ConstraintTwoActivitiesConsecutive":
            if second.get("consecutive_after") not in (None, first["id"]):
                return "not_represented", "a second activity consecutive after two: the School keeps one"
            second["consecutive_after"] = first["id"]
            return "mapped", "lesson.consecutive_after (rule consecutive)"
        if "Grouped" in fet_type:
            holder = next((x for x in related if not x.get("grouped_with")), None)
            if holder is None:
                return "not_represented", "every activity already grouped: the School keeps one group per lesson"
            holder["grouped_with"] = [x["id"] for x in related if x is not holder]
            return "mapped", "lesson.grouped_with (rule grouped)"
        field = "ordered_after" if fet_type == "ConstraintTwoActivitiesOrdered" else "ordered_if_same_day_after"
        listed = second.setdefault(field, [])
        if first["id"] not in listed:
            listed.append(first["id"])
        return "mapped", f"lesson.{field} (rule {field.removesuffix('_after')})"

    def _ends_day_lessons(self, lessons: list[dict], members: dict[str, set[int]]) -> None:
        """Activity (activities) ends students day (100 %) → ``ends_day`` of the lessons of those activities (they are
        lessons of their own: ends_day is part of a lesson's shape). Not-available and break slots, which FET
        skips, are class unavailable slots here, where no session is, so they never come after it."""
        lesson_of = {aid: lid for lid, ids in members.items() for aid in ids}
        by_id = {lesson["id"]: lesson for lesson in lessons}
        for fet_type, ids in self.ends_day:
            for aid in ids:
                if aid in lesson_of:
                    by_id[lesson_of[aid]]["ends_day"] = True
            self.outcomes.add(fet_type, "mapped", 100.0, "lesson.ends_day (rule ends_day)")

    def _c_ConstraintActivityPreferredRoom(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        return self._preferred_rooms(element, [_name(element, "Room")], where)

    def _c_ConstraintStudentsMaxGapsPerWeek(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        return self._class_gaps(element, "max_gaps_per_week", None, where)

    def _c_ConstraintStudentsMaxGapsPerDay(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        return self._class_gaps(element, "max_gaps_per_day", None, where)

    def _c_ConstraintStudentsSetMaxGapsPerWeek(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        return self._class_gaps(element, "max_gaps_per_week", _name(element, "Students"), where)

    def _c_ConstraintStudentsSetMaxGapsPerDay(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        return self._class_gaps(element, "max_gaps_per_day", _name(element, "Students"), where)

    def _class_gaps(self, element: ET.Element, field: str, students: str | None, where: str) -> tuple[Outcome, str]:
        """Students (set) max gaps per week / day: 0 → ``no_gaps``, more → the class's ``field`` (the smallest
        given), of the whole classes meant. FET counts gaps per subgroup, the School per atom: the same."""
        limit = _int(element, "Max_Gaps", 0)
        if limit <= 0:
            return self._class_flag("no_gaps", students, where)
        cap = TEACHER_WEEK_CAP if field == "max_gaps_per_week" else TEACHER_DAY_CAP
        chosen = self._whole_classes(students, where)
        if chosen is None:
            return "not_represented", "only some sections of a class: the School sets this per class"
        for school_class in chosen:
            current = school_class.get(field)
            school_class[field] = min(limit, cap) if current is None else min(limit, cap, current)
        return "mapped", f"class.{field} (rule class_max_gaps)"

    def _whole_classes(self, students: str | None, where: str) -> list[dict] | None:
        """The classes a students set means (None: every class); None when it is only some sections of one.

        A year or a group is whole classes; a subgroup (or a group of FET categories) only when it is all of
        its class's sections.
        """
        if students is not None and students not in self.refs:
            self.fail(f"{where}.Students: unknown students set '{students}'")
            return []
        by_id = {c["id"]: c for c in self.classes}
        refs = list(by_id) if students is None else self.refs[students]
        sections: dict[str, set[str]] = defaultdict(set)
        for ref in refs:
            class_id, _, section = ref.partition(":")
            sections[class_id].add(section or "*")
        chosen = [cid for cid, named in sections.items() if "*" in named or named >= set(by_id[cid]["sections"])]
        if len(chosen) < len(sections):
            return None
        return [by_id[cid] for cid in chosen]

    def _c_ConstraintStudentsEarlyMaxBeginningsAtSecondHour(
        self, element: ET.Element, where: str
    ) -> tuple[Outcome, str]:
        return self._class_early(element, None, where)

    def _c_ConstraintStudentsSetEarlyMaxBeginningsAtSecondHour(
        self, element: ET.Element, where: str
    ) -> tuple[Outcome, str]:
        return self._class_early(element, _name(element, "Students"), where)

    def _class_early(self, element: ET.Element, students: str | None, where: str) -> tuple[Outcome, str]:
        """Students (set) early max beginnings at second hour: 0 → ``starts_first_period``, more →
        ``max_late_starts_per_week`` (the smallest given) of the whole classes meant."""
        limit = _int(element, "Max_Beginnings_At_Second_Hour", 0)
        if limit <= 0:
            return self._class_flag("starts_first_period", students, where)
        chosen = self._whole_classes(students, where)
        if chosen is None:
            return "not_represented", "only some sections of a class: the School sets this per class"
        for school_class in chosen:
            current = school_class.get("max_late_starts_per_week")
            school_class["max_late_starts_per_week"] = min(limit, 7, current if current is not None else 7)
        return "mapped", "class.max_late_starts_per_week (rule class_late_starts)"

    def _class_flag(self, flag: str, students: str | None, where: str) -> tuple[Outcome, str]:
        """Students (set) max gaps / early beginnings with limit 0 → the class flag ``flag`` of the classes meant
        (``students`` None: every class; see ``_whole_classes``)."""
        chosen = self._whole_classes(students, where)
        if chosen is None:
            return "not_represented", "only some sections of a class: the School sets this per class"
        for school_class in chosen:
            school_class[flag] = True
        return "mapped", f"class.{flag}"

    def _c_ConstraintActivityPreferredRooms(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        return self._preferred_rooms(element, self._room_names(element), where)

    def _c_ConstraintSubjectPreferredRoom(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        return self._subject_rooms(element, [_name(element, "Room")], where)

    def _c_ConstraintSubjectPreferredRooms(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        return self._subject_rooms(element, self._room_names(element), where)

    def _c_ConstraintSubjectActivityTagPreferredRoom(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        return self._preferred_rooms(element, [_name(element, "Room")], where)

    def _c_ConstraintSubjectActivityTagPreferredRooms(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        return self._preferred_rooms(element, self._room_names(element), where)

    def _c_ConstraintActivityTagPreferredRoom(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        return self._preferred_rooms(element, [_name(element, "Room")], where)

    def _c_ConstraintActivityTagPreferredRooms(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        return self._preferred_rooms(element, self._room_names(element), where)

    def _c_ConstraintTeacherHomeRoom(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        return self._home_rooms(element, [_name(element, "Room")], where)

    def _c_ConstraintTeacherHomeRooms(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        return self._home_rooms(element, self._room_names(element), where)

    def _c_ConstraintStudentsSetHomeRoom(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        return self._home_rooms(element, [_name(element, "Room")], where)

    def _c_ConstraintStudentsSetHomeRooms(self, element: ET.Element, where: str) -> tuple[Outcome, str]:
        return self._home_rooms(element, self._room_names(element), where)

    @staticmethod
    def _room_names(element: ET.Element) -> list[str]:
        return [r.text or "" for r in element.findall("Preferred_Room")]

    def _room_set(self, room_names: list[str], where: str) -> frozenset[str] | None:
        rooms = [self._room(n, f"{where}.Room") for n in room_names]
        return frozenset(r["id"] for r in rooms if r) if rooms and all(rooms) else None

    def _room_targets(self, element: ET.Element) -> list[_Activity]:
        """The imported activities a preferred-room or home-room constraint is about, as FET selects them:
        one activity; a subject's; an activity tag's; a subject's with a tag; for home rooms, the
        activities whose only teacher, or whose only students set, is the one named."""
        tag, subject = element.tag, _name(element, "Subject")
        activity_tag = _name(element, "Activity_Tag")
        if tag.startswith("ConstraintActivityPreferredRoom"):
            aid = _int(element, "Activity_Id", -1)
            return [self.activities[aid]] if aid in self.activities else []
        if tag.startswith("ConstraintTeacherHomeRoom"):
            teacher = _name(element, "Teacher")
            return [a for a in self.activities.values() if a.teachers == [teacher]]
        if tag.startswith("ConstraintStudentsSetHomeRoom"):
            students = _name(element, "Students")
            return [a for a in self.activities.values() if a.students == [students]]
        return [
            a
            for a in self.activities.values()
            if (not tag.startswith("ConstraintSubject") or a.subject == subject)
            and ("ActivityTag" not in tag or activity_tag in a.tags)
        ]

    def _preferred_rooms(self, element: ET.Element, room_names: list[str], where: str) -> tuple[Outcome, str]:
        """An activity's / activity tag's / subject+tag's preferred room(s) at 100 %: the activities' room sets."""
        if element.tag.startswith("ConstraintActivityPreferredRoom"):
            self._activity(element, where)  # notes an activity that is not imported
        ids = self._room_set(room_names, where)
        if ids and self._virtual(ids):
            return self._virtual_outcome(element)
        if ids:
            for activity in self._room_targets(element):
                activity.preferred_rooms.append(ids)
        return "mapped", "lesson.rooms (one room: lesson.room; several constraints on an activity intersect)"

    def _home_rooms(self, element: ET.Element, room_names: list[str], where: str) -> tuple[Outcome, str]:
        """A teacher's / students set's home room(s) at 100 %: for the activities of that teacher (students
        set) alone that have no preferred room of their own (FET's rule), their room set."""
        who = "Teacher" if element.tag.startswith("ConstraintTeacher") else "Students"
        name = _name(element, who)
        known = self.teachers if who == "Teacher" else self.refs
        if name not in known:
            self.fail(f"{where}.{who}: unknown {'teacher' if who == 'Teacher' else 'students set'} '{name}'")
            return "mapped", ""
        ids = self._room_set(room_names, where)
        if ids and self._virtual(ids):
            return self._virtual_outcome(element)
        if ids:
            for activity in self._room_targets(element):
                activity.home_rooms.append(ids)
        return "mapped", "lesson.rooms of its activities without preferred rooms (FET: home rooms yield to them)"

    def _subject_rooms(self, element: ET.Element, room_names: list[str], where: str) -> tuple[Outcome, str]:
        """A subject's preferred room(s) at 100 %: its activities' room set, and the subject's room type
        when its rooms are no other subject's (a room has one type)."""
        subject_name = _name(element, "Subject")
        if subject_name not in self.subjects:
            self.fail(f"{where}.Subject: unknown subject '{subject_name}'")
            return "mapped", ""
        ids = self._room_set(room_names, where)
        if not ids:
            return "mapped", ""
        if self._virtual(ids):
            return self._virtual_outcome(element)
        for activity in self._room_targets(element):
            activity.preferred_rooms.append(ids)
        sid = self.subjects[subject_name]["id"]
        type_name = next((name for name, members in self.type_rooms.items() if members == ids), None)
        if type_name is None:
            if any(self.rooms_by_id[r]["type"] for r in ids) or sid in self.room_type_of_subject:
                return "mapped", "lesson.rooms (the rooms overlap another subject's, or the subject has another set)"
            type_name = f"fet-{sid}"
            self.type_rooms[type_name] = ids
            for room_id in ids:
                self.rooms_by_id[room_id]["type"] = type_name
        if self.room_type_of_subject.get(sid, type_name) != type_name:
            return "mapped", "lesson.rooms (the subject already has another room set)"
        self.room_type_of_subject[sid] = type_name
        return "mapped", "subject.room_type (a type per room set)"

    def _virtual(self, ids: frozenset[str]) -> bool:
        return any(self.rooms_by_id[r].get("virtual") for r in ids)

    def _virtual_outcome(self, element: ET.Element) -> tuple[Outcome, str]:
        """A set with a FET virtual room (an activity there takes one real room of each of its sets at
        once): not represented; the activities meant get no room set of their own (looser)."""
        for activity in self._room_targets(element):
            activity.virtual_room = True
        return "not_represented", "a virtual room (FET: one real room of each of its sets at once)"

    def _decide_rooms(self) -> None:
        """Each activity's rooms: the intersection of its preferred-room sets, else of its home-room sets
        (FET uses home rooms only for activities without preferred rooms, also without weaker ones); one
        room → ``room``; its subject's room type's rooms → nothing (the subject's type); else ``rooms``."""
        for a in self.activities.values():
            if a.home_rooms and not frozenset.intersection(*a.home_rooms):
                self.fail(
                    f"activity {a.id}: its teacher's and students set's home rooms share no room (FET refuses it)"
                )
                continue
            if a.virtual_room:
                continue
            if a.preferred_rooms:
                sets = a.preferred_rooms
            elif a.home_rooms and not a.soft_preferred_room:
                sets = a.home_rooms
            else:
                continue
            allowed = frozenset.intersection(*sets)
            subject_type = self.room_type_of_subject.get(self.subjects[a.subject]["id"])
            if not allowed:
                self.fail(f"activity {a.id}: its room constraints (preferred or home rooms) leave no room")
            elif len(allowed) == 1:
                a.room = next(iter(allowed))
            elif subject_type is None or self.type_rooms[subject_type] != allowed:
                a.rooms = allowed

    def _teacher(self, element: ET.Element, tag: str, where: str) -> dict | None:
        name = _name(element, tag)
        if name not in self.teachers:
            self.fail(f"{where}.{tag}: unknown teacher '{name}'")
            return None
        return self.teachers[name]

    @property
    def rooms_by_id(self) -> dict[str, dict]:
        return {r["id"]: r for r in self.rooms.values()}

    def _room(self, name: str, where: str) -> dict | None:
        if name not in self.rooms:
            self.fail(f"{where}: unknown room '{name}'")
            return None
        return self.rooms[name]

    def _activity(self, element: ET.Element, where: str) -> _Activity | None:
        aid = _int(element, "Activity_Id", -1)
        if aid not in self.activities:
            if not any(f"activity {aid} " in d for d in self.dropped):
                self.lossy.append(f"{where}: activity {aid} is inactive or not imported; constraint has no effect")
            return None
        return self.activities[aid]

    # ---- build ----------------------------------------------------------------------------
    def build(self) -> dict:
        n_days, n_hours = len(self.day_names), len(self.hour_names)
        removed = sorted(h for h in range(n_hours) if all((d, h) in self.breaks for d in range(n_days)))
        kept = [h for h in range(n_hours) if h not in removed]
        if not kept:
            self.fail("ConstraintBreakTimes: every hour is a break")
            self.raise_if_failed()
        period_of = {h: i + 1 for i, h in enumerate(kept)}
        times = {h: period_clock(h, n_hours) for h in range(n_hours)}
        periods = [{"index": period_of[h], "start": times[h][0], "end": times[h][1]} for h in kept]
        blocks = [
            {"name": self.hour_names[h], "kind": "lunch", "start": times[h][0], "end": times[h][1]}
            for h in removed
            if kept[0] < h < kept[-1]
        ]
        if removed:
            self.lossy.append(
                f"break hours on every day ({', '.join(self.hour_names[h] for h in removed)}) removed from the "
                "bell schedule; those between lessons became lunch blocks so no lesson spans them"
            )
        n_periods = len(kept)

        def slot(day: int, hour: int) -> dict | None:
            return {"day": day + 1, "period": period_of[hour]} if hour in period_of else None

        # Lessons: split activities of one group with the same shape (rooms included) form one lesson.
        self._split_related_activities()
        self._decide_rooms()
        shapes = self._shapes()
        if self._split_same_start_partners(Counter(key[0] for key in shapes)):
            shapes = self._shapes()
        lessons = []
        per_group = Counter(key[0] for key in shapes)
        seen_in_group: Counter[int] = Counter()
        members: dict[str, set[int]] = {}  # lesson id → FET activity ids
        for key, parts in shapes.items():
            group_id, duration, room = key[0], key[1], key[2]
            seen_in_group[group_id] += 1
            base = f"fet{group_id}" + (f"-{seen_in_group[group_id]}" if per_group[group_id] > 1 else "")
            first = parts[0]
            for chunk_no, start in enumerate(range(0, len(parts), 20)):
                chunk = parts[start : start + 20]
                pinned = []
                for a in chunk:
                    if a.pinned is None:
                        continue
                    if a.pinned[1] not in period_of or a.pinned[1] + duration - 1 >= n_hours:
                        self.fail(f"activity {a.id}: pinned at a break hour or past the end of the day")
                        continue
                    pinned.append(slot(*a.pinned))
                lesson_id = base + (f"-{chunk_no + 1}" if len(parts) > 20 else "")
                members[lesson_id] = {a.id for a in chunk}
                allowed = None
                if first.allowed is not None:
                    allowed = [s for d, h in sorted(first.allowed) if (s := slot(d, h))]
                    if not allowed:
                        self.fail(f"activity {first.id}: its preferred starting times / time slots leave no start")
                lessons.append(
                    {
                        "id": lesson_id,
                        "subject": self.subjects[first.subject]["id"],
                        "teachers": [self.teachers[t]["id"] for t in first.teachers],
                        "groups": first.groups,
                        "duration": duration,
                        "count": len(chunk),
                        "room": room,
                        "rooms": sorted(first.rooms) if first.rooms else None,
                        "pinned": pinned,
                        "allowed_starts": allowed,
                        "tags": list(self._counted_tags(first)),
                    }
                )
        self._spread_lessons(lessons, members)
        self._adjacent_lessons(lessons, members)
        self._same_start_lessons(lessons, members)
        self._not_overlapping_lessons(lessons, members)
        self._relation_lessons(lessons, members, any(h not in removed for _, h in self.breaks))
        self._paired_lessons("ConstraintActivitiesSameStartingDay", self.same_day, lessons, members, "same_day_as")
        self._paired_lessons("ConstraintActivitiesSameStartingHour", self.same_hour, lessons, members, "same_hour_as")
        room_groups = self._room_group_records(lessons, members)
        self._min_gap_lessons(lessons, members)
        occupy_max_slots = self._occupy_max_slots(members, slot)
        self.activity_lessons = {aid: lid for lid, ids in members.items() for aid in ids}
        self.hour_periods = {self.hour_names[h]: period for h, period in period_of.items()}
        # Teachers teach what the activities say, whatever FET's qualified subjects list.
        for lesson in lessons:
            for tid in lesson["teachers"]:
                teacher = next(t for t in self.teachers.values() if t["id"] == tid)
                if lesson["subject"] not in teacher["subjects"]:
                    teacher["subjects"].append(lesson["subject"])
        teachers = []
        partial_breaks = {(d, h) for d, h in self.breaks if h not in removed}
        for t in self.teachers.values():
            max_day = min(TEACHER_DAY_CAP, n_periods if t["max_day"] is None else t["max_day"])
            min_day, allow_empty_days = t.get("min_day") or (None, True)
            # FET places nothing in a break; a break on some days is a period here, so it is made unavailable
            # (FET counts no break as a gap either, nor does teacher_max_gaps count an unavailable period)
            unavailable = set(t["unavailable"]) | partial_breaks
            teachers.append(
                {
                    "id": t["id"],
                    "name": t["name"],
                    "subjects": t["subjects"],
                    "max_lessons_per_week": min(TEACHER_WEEK_CAP, n_days * n_periods),
                    "max_lessons_per_day": max_day,
                    "min_lessons_per_day": min_day,
                    "allow_empty_days": allow_empty_days,
                    "max_days_per_week": None if t["max_days"] is None else min(n_days, t["max_days"]),
                    "max_gaps_per_week": t["max_gaps_week"],
                    "max_gaps_per_day": t["max_gaps_day"],
                    "max_consecutive": t["max_consecutive"],
                    "min_days_per_week": t["min_days"],
                    "tag_limits": list(t["tag_limits"].values()),
                    "interval_max_days": _interval_periods(t["intervals"], period_of),
                    "unavailable": [s for d, h in sorted(unavailable) if (s := slot(d, h))],
                }
            )
        self._stage_pupilless(lessons)
        self._note_gaps_across_stages(lessons)
        self._note_overloaded_teachers(lessons)
        self._drop_idle_pupil_sets(lessons)
        if not self.classes:
            no_students = sum(not lesson["groups"] for lesson in lessons)
            self.fail(
                f"Activities_List: no activity names a students set ({no_students} have no students); "
                "the School timetables at least one class"
            )
            self.raise_if_failed()
        self._class_unavailable(removed, slot)
        self._ends_day_lessons(lessons, members)
        self._class_day_bounds(n_periods)
        for school_class in self.classes:
            school_class["tag_limits"] = list(self.class_tag_limits[school_class["id"]].values())
        subjects = [
            {**s, "max_per_day": min(8, n_periods), "room_type": self.room_type_of_subject.get(s["id"])}
            for s in self.subjects.values()
        ]
        if n_periods > 8:
            self.lossy.append(f"{n_periods} periods a day: each subject capped at 8 periods a day (FET: no cap)")
        rooms = [
            {
                "id": r["id"],
                "name": r["name"],
                "type": r["type"] or "classroom",
                "unavailable": [s for d, h in sorted(r["unavailable"]) if (s := slot(d, h))],
            }
            for r in self.rooms.values()
        ]
        stages = sorted({stage_of_grade(c["grade"]) for c in self.classes})
        overrides = self._policy_overrides(lessons, stages, n_periods)
        return {
            "id": re.sub(r"[^A-Za-z0-9_.\-]+", "-", Path(self.source).stem).strip("-") or "fet",
            "name": self.institution,
            "days": self.day_names,
            "bell_schedules": [
                {"stage": stage, "name": "FET hours (synthetic clock times)", "periods": periods, "blocks": blocks}
                for stage in stages
            ],
            "policy": {"preset": "national-2022", "overrides": overrides},
            "subjects": subjects,
            "teachers": teachers,
            "rooms": rooms,
            "classes": self.classes,
            "lessons": lessons,
            "room_groups": room_groups,
            "occupy_max_slots": occupy_max_slots,
        }

    def _counted_tags(self, activity: _Activity) -> tuple[str, ...]:
        """The activity's tags that a mapped tag constraint counts (the others have no effect here)."""
        return tuple(dict.fromkeys(t for t in activity.tags if t in self.used_tags))

    def _min_gap_lessons(self, lessons: list[dict], members: dict[str, set[int]]) -> None:
        """FET's min gaps between activities (100 %) → ``Lesson.min_gap`` when its activities are all the sessions
        of one lesson (a split activity): exact, as a break hour on every day is a lunch block here, which
        min_gap counts as one period, and a break on some days is a period. Else not represented (reported)."""
        fet_type = "ConstraintMinGapsBetweenActivities"
        lesson_of = {aid: lid for lid, ids in members.items() for aid in ids}
        by_id = {lesson["id"]: lesson for lesson in lessons}
        for ids, gaps in self.min_gaps:
            covered = {aid for aid in ids if aid in lesson_of}
            touched = {lesson_of[aid] for aid in covered}
            if len(touched) > 1 or any(members[lid] != covered for lid in touched) or gaps < 1:
                note = "activities of several lessons or only some sessions of one: the School has min_gap per lesson"
                self.outcomes.add(fet_type, "not_represented", 100.0, note)
                continue
            for lid in touched:
                lesson = by_id[lid]
                lesson["min_gap"] = max(min(gaps, TEACHER_DAY_CAP), lesson.get("min_gap") or 0)
            note = "one split activity = one lesson: hard rule min_gap (Lesson.min_gap = MinGaps; break hours count)"
            self.outcomes.add(fet_type, "mapped", 100.0, note)

    def _occupy_max_slots(self, members: dict[str, set[int]], slot) -> list[dict]:
        """FET's activities occupy max time slots from selection (100 %) → ``School.occupy_max_slots`` when its
        activities are whole lessons; selected break hours on every day are dropped (no lesson is there).
        Else not represented (reported)."""
        fet_type = "ConstraintActivitiesOccupyMaxTimeSlotsFromSelection"
        lesson_of = {aid: lid for lid, ids in members.items() for aid in ids}
        entries = []
        for ids, slots, max_slots in self.occupy:
            covered = {aid for aid in ids if aid in lesson_of}
            touched = sorted({lesson_of[aid] for aid in covered})
            if not touched or any(not members[lid] <= covered for lid in touched):
                note = "covers only some sessions of a lesson: the School counts whole lessons"
                self.outcomes.add(fet_type, "not_represented", 100.0, note)
                continue
            kept = [s for d, h in dict.fromkeys(slots) if (s := slot(d, h))]
            if kept:
                entries.append(
                    {"id": f"fet-occupy-{len(entries) + 1}", "lessons": touched, "slots": kept, "max_slots": max_slots}
                )
            self.outcomes.add(fet_type, "mapped", 100.0, "School.occupy_max_slots over whole lessons")
        return entries

    def _stage_pupilless(self, lessons: list[dict]) -> None:
        """A lesson without pupils follows the bell schedule of its teachers' other lessons (every stage's
        schedule has the same synthetic clock times, so the choice only names one)."""
        stage_of_class = {c["id"]: stage_of_grade(c["grade"]) for c in self.classes}
        taught: dict[str, Counter[str]] = defaultdict(Counter)
        for lesson in lessons:
            for group in lesson["groups"]:
                for tid in lesson["teachers"]:
                    taught[tid][stage_of_class[group.partition(":")[0]]] += 1
        default = min(stage_of_class.values(), default="primary")
        for lesson in lessons:
            if not lesson["groups"]:
                counts = sum((taught[t] for t in lesson["teachers"]), Counter())
                lesson["stage"] = counts.most_common(1)[0][0] if counts else default

    def _note_overloaded_teachers(self, lessons: list[dict]) -> None:
        """The School caps a teacher at TEACHER_WEEK_CAP periods a week; FET has no cap, so a heavier load cannot fit."""
        load: Counter[str] = Counter()
        for lesson in lessons:
            for tid in lesson["teachers"]:
                load[tid] += lesson["duration"] * lesson["count"]
        over = sorted(((n, tid) for tid, n in load.items() if n > TEACHER_WEEK_CAP), reverse=True)
        if over:
            names = {t["id"]: t["name"] for t in self.teachers.values()}
            self.lossy.append(
                f"{len(over)} teachers teach more than {TEACHER_WEEK_CAP} periods a week, the School's cap "
                f"({', '.join(f'{names[tid]} {n}' for n, tid in over[:5])}{'…' if len(over) > 5 else ''}): "
                "the imported school cannot be timetabled as it stands"
            )

    def _note_gaps_across_stages(self, lessons: list[dict]) -> None:
        """FET counts a teacher's gaps on its one grid of hours; the School per stage bell schedule."""
        stage_of_class = {c["id"]: stage_of_grade(c["grade"]) for c in self.classes}
        stages: dict[str, set[str]] = defaultdict(set)
        for lesson in lessons:
            for tid in lesson["teachers"]:
                stages[tid] |= {stage_of_class[g.partition(":")[0]] for g in lesson["groups"]}
        names = [
            t["name"]
            for t in self.teachers.values()
            if len(stages[t["id"]]) > 1 and (t["max_gaps_week"] is not None or t["max_gaps_day"] is not None)
        ]
        self.stage_conflicts += len(names)
        if names:
            self.lossy.append(
                f"{len(names)} teachers with a gap cap teach in more than one stage ({', '.join(names[:3])}"
                f"{'…' if len(names) > 3 else ''}): their gaps are counted in each stage's bell schedule and summed, "
                "FET's on its one grid of hours (a lesson of one stage between two of another is a gap here)"
            )

    def _drop_idle_pupil_sets(self, lessons: list[dict]) -> None:
        """Classes and sections no activity covers have nothing to timetable: leave them out, reported."""
        covered: set[str] = set()
        for lesson in lessons:
            for group in lesson["groups"]:
                covered.add(group.partition(":")[0])
                covered.add(group)
        kept = []
        for c in self.classes:
            if c["id"] not in covered:
                self.dropped.append(f"students set '{c['name']}': no activity; not imported as a class")
                continue
            whole = c["id"] in {g for lesson in lessons for g in lesson["groups"]}
            idle = [] if whole else [s for s in c["sections"] if f"{c['id']}:{s}" not in covered]
            if idle:
                c["sections"] = [s for s in c["sections"] if s not in idle]
                self.dropped.append(
                    f"class '{c['name']}': {len(idle)} subgroups without activities ({', '.join(idle[:3])}"
                    f"{'…' if len(idle) > 3 else ''}) not imported as sections"
                )
            kept.append(c)
        self.classes = kept

    def _class_unavailable(self, removed: list[int], slot) -> None:
        """Break slots on only some days (every class) and students-set not-available slots → each class's
        ``unavailable``: slots of all its atoms for the whole class, the others per section."""
        n_days, n_hours = len(self.day_names), len(self.hour_names)
        partial_breaks = {(d, h) for d, h in self.breaks if h not in removed}
        by_atom: dict[str, set[tuple[int, int]]] = defaultdict(set)
        atoms_of = {c["id"]: [f"{c['id']}:{s}" for s in c["sections"]] or [c["id"]] for c in self.classes}
        for atoms in atoms_of.values():
            for atom in atoms:
                by_atom[atom] |= partial_breaks
        for ref, slots in self.blocked.items():
            for atom in atoms_of.get(ref, [ref]):
                by_atom[atom] |= {s for s in slots if s[1] not in removed}
        n_slots = 0
        for c in self.classes:
            atoms = atoms_of[c["id"]]
            whole = set.intersection(*(by_atom[a] for a in atoms))
            targets = [(None, whole)] + [(a.partition(":")[2], by_atom[a] - whole) for a in atoms if a != c["id"]]
            unavailable = []
            for section, slots in targets:
                for d, h in sorted(s for s in slots if 0 <= s[0] < n_days and 0 <= s[1] < n_hours):
                    unavailable.append({**slot(d, h), "section": section})
            c["unavailable"] = unavailable
            n_slots += len(unavailable)
        if n_slots:
            self.lossy.append(
                f"{n_slots} unavailable class slots (break slots on some days, students sets not available) "
                f"in {sum(bool(c['unavailable']) for c in self.classes)} classes: class.unavailable (不排课), "
                "which the no-gaps, first-period and gap-cap rules skip as FET does"
            )

    def _policy_overrides(self, lessons: list[dict], stages: list[str], n_periods: int) -> dict:
        """Make the imported school consistent: its weekly plans and day-shape limits are the file's."""
        taught: dict[str, Counter[str]] = defaultdict(Counter)
        atoms_of = {c["id"]: [f"{c['id']}:{s}" for s in c["sections"]] or [c["id"]] for c in self.classes}
        for lesson in lessons:
            covered = {a for g in lesson["groups"] for a in atoms_of.get(g, [g])}
            for atom in covered:
                taught[atom][lesson["subject"]] += lesson["duration"] * lesson["count"]
        overrides: dict = {}
        names = {s["id"]: s["name"] for s in self.subjects.values()}
        for grade in sorted({c["grade"] for c in self.classes}):
            atoms = [a for c in self.classes if c["grade"] == grade for a in atoms_of[c["id"]]]
            subjects = sorted({s for a in atoms for s in taught[a]})
            plan = {}
            for sid in subjects:
                totals = {taught[a][sid] for a in atoms}
                if len(totals) == 1:
                    plan[sid] = totals.pop()
                else:
                    self.lossy.append(
                        f"grade {grade}: {names.get(sid, sid)} has {'/'.join(map(str, sorted(totals)))} periods in "
                        "different pupil sets; left out of the weekly plan (each lesson's count still holds)"
                    )
            overrides[f"weekly_lessons.{grade}"] = plan
        overrides["daily_activity_minutes"] = 0
        lesson_minutes, break_minutes = period_minutes(len(self.hour_names))
        overrides["max_pe_per_day"] = min(4, n_periods)
        for stage in stages:
            overrides[f"stages.{stage}.lesson_minutes"] = lesson_minutes
            overrides[f"stages.{stage}.earliest_start"] = clock(FIRST_START)
            overrides[f"stages.{stage}.max_lessons_per_day"] = min(TEACHER_DAY_CAP, n_periods)
            study = max(60, min(TEACHER_DAY_CAP, n_periods) * lesson_minutes)
            overrides[f"stages.{stage}.max_daily_study_minutes"] = study
        if n_periods > TEACHER_DAY_CAP:
            self.lossy.append(f"{n_periods} periods a day: pupils and teachers capped at {TEACHER_DAY_CAP} a day")
        self.lossy.append(
            "policy overrides: weekly plans are the file's; daily activity rule off (FET has none); "
            f"stage limits widened to the synthetic day (start 08:00, {lesson_minutes}-minute lessons, "
            f"{break_minutes}-minute breaks, all periods usable)"
        )
        return overrides

    def report(self, school: School) -> ImportReport:
        lessons = school.lessons
        return ImportReport(
            source=self.source,
            counts={
                "days": len(school.days),
                "periods": len(school.bell_schedules[0].periods),
                "subjects": len(self.subjects),
                "teachers": len(school.teachers),
                "classes": len(school.classes),
                "sections": sum(len(c.sections) for c in school.classes),
                "rooms": len(school.rooms),
                "activities": len(self.activities),
                "lessons": len(lessons),
                "unavailable class slots": sum(len(c.unavailable) for c in school.classes),
                "lessons with a room set": sum(lesson.rooms is not None for lesson in lessons),
            },
            constraints=self.outcomes.as_list(),
            lossy=self.lossy,
            dropped=self.dropped,
            activity_lessons=self.activity_lessons,
            day_numbers={name: i + 1 for i, name in enumerate(self.day_names)},
            hour_periods=self.hour_periods,
            room_ids={name: room["id"] for name, room in self.rooms.items()},
        )


def import_fet(path: str | Path) -> tuple[School, ImportReport]:
    """Read a FET ``.fet`` file into a validated School and a report of what was and was not mapped."""
    path = Path(path)
    source = str(path)
    if not path.exists():
        raise FetImportError(source, ["file not found"])
    try:
        root = ET.fromstring(path.read_bytes())
    except ET.ParseError as exc:
        raise FetImportError(source, [f"not valid XML: {exc}"]) from None
    if root.tag != "fet":
        raise FetImportError(source, [f"root element is <{root.tag}>, expected <fet>"])
    reader, data = _read(root, source, one_stage=False)
    if reader.stage_conflicts:
        reader, data = _read(root, source, one_stage=True)
    try:
        school = School.model_validate(data)
    except ValidationError as exc:
        raise FetImportError(source, validation_problems(exc)) from None
    return school, reader.report(school)


def _read(root: ET.Element, source: str, one_stage: bool) -> tuple[_Reader, dict]:
    reader = _Reader(root, source, one_stage)
    reader.read_calendar()
    reader.read_subjects()
    reader.read_teachers()
    reader.read_rooms()
    reader.read_students()
    reader.raise_if_failed()
    reader.read_activities()
    reader.raise_if_failed()
    reader.read_constraints()
    reader.raise_if_failed()
    data = reader.build()
    reader.raise_if_failed()
    return reader, data


def _simplify(reader: _Reader, refs: list[str]) -> list[str]:
    """Unique group refs; all sections of a class → the class; a section of a listed class is dropped."""
    refs = list(dict.fromkeys(refs))
    sections = {c["id"]: c["sections"] for c in reader.classes}
    whole = {r for r in refs if ":" not in r}
    for cid, names in sections.items():
        if names and cid not in whole and all(f"{cid}:{s}" in refs for s in names):
            whole.add(cid)
    out = []
    for r in refs:
        cid = r.partition(":")[0]
        target = cid if cid in whole else r
        if target not in out:
            out.append(target)
    return out


def _section_name(name: str, comments: str) -> str:
    m = ID_COMMENT.search(comments or "")
    return m.group(1) if m else name


def _name(element: ET.Element, tag: str) -> str:
    """A FET name as written: FET does not trim, so 'HEN' and 'HEN ' are two teachers."""
    found = element.find(tag)
    return (found.text or "") if found is not None else ""


def _shown(name: str, fallback: str) -> str:
    """Display name of a FET name: trimmed, or ``fallback`` when it is only blanks."""
    return name.strip() or fallback


def _text(element: ET.Element, tag: str) -> str:
    found = element.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _interval_periods(intervals: list[tuple[int, int, int]], period_of: dict[int, int]) -> list[dict]:
    """FET hour intervals [first, end) → period ranges: the periods of the interval's hours that are kept (FET
    places nothing in a break hour). An interval with no such hour has no effect and is left out."""
    out = []
    for first, end, max_days in intervals:
        periods = [period_of[h] for h in range(first, end) if h in period_of]
        if periods:
            out.append({"first_period": periods[0], "last_period": periods[-1], "max_days": max_days})
    return out


def _continuous_limit(element: ET.Element) -> int:
    return max(1, min(TEACHER_DAY_CAP, _int(element, "Maximum_Hours_Continuously", TEACHER_DAY_CAP)))


def _tag_cap(element: ET.Element, field: str) -> int:
    """The cap of an activity tag max hours daily (``max_per_day``) / continuously (``max_consecutive``)
    constraint, within the day cap (above it no teacher or class could reach it anyway)."""
    if field == "max_consecutive":
        return _continuous_limit(element)
    return max(0, min(TEACHER_DAY_CAP, _int(element, "Maximum_Hours_Daily", TEACHER_DAY_CAP)))


def _tighten_tag_cap(limits: dict[str, dict], tag: str, field: str, cap: int) -> None:
    """Several caps on one tag: the smallest holds."""
    entry = limits.setdefault(tag, {"tag": tag, "max_per_day": None, "max_consecutive": None})
    entry[field] = cap if entry[field] is None else min(cap, entry[field])


def _days_apart(lesson: dict, other: str, days: int) -> None:
    """``lesson`` and ``other`` start ≥ ``days`` days apart (the larger of two constraints on the pair)."""
    entries = lesson.setdefault("days_apart_from", [])
    for entry in entries:
        if entry["lesson"] == other:
            entry["days"] = max(entry["days"], days)
            return
    entries.append({"lesson": other, "days": days})


def _activity_ids(element: ET.Element) -> list[int]:
    return [int(x.text) for x in element.findall("Activity_Id") if (x.text or "").strip().isdigit()]


def _keep_smallest(record: dict, key: str, limit: int) -> None:
    """Several FET constraints on one limit: the smallest holds."""
    record[key] = limit if record[key] is None else min(limit, record[key])


def _int(element: ET.Element, tag: str, default: int = 0) -> int:
    try:
        return int(_text(element, tag))
    except ValueError:
        return default


def _float(element: ET.Element, tag: str, default: float) -> float:
    try:
        return float(_text(element, tag))
    except ValueError:
        return default


def _tighter_min(current: tuple[int, bool] | None, low: int, allow_empty: bool) -> tuple[int, bool] | None:
    """Two daily minimums at once. At least a on every day (no empty days, a ≥ 1) and at least b on a day
    with lessons is at least max(a, b) on every day: every day has lessons then."""
    if low <= 0:
        return current
    if current is None:
        return low, allow_empty
    return max(current[0], low), current[1] and allow_empty
