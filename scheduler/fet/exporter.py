"""School → FET ``.fet`` file (FET 6.x opens it and can generate from it) + ExportReport.

What the file holds:

- institution name, days, hours (one per period of the longest bell schedule, named
  "第N节 HH:MM-HH:MM"), subjects, teachers (qualified subjects, target hours = their load),
  students (years = grades "三年级", groups = classes, subgroups = class sections), rooms;
- one FET activity group per lesson: ``count`` activities of the lesson's duration, ids 1…n
  (``Activity_Group_Id`` 0 for a lesson with one session, FET's convention);
- ConstraintBasicCompulsoryTime / Space;
- teacher not-available times (their ``unavailable`` slots, plus every period a meeting of theirs
  overlaps in clock time), teacher max hours daily, teacher max days per week (``max_days_per_week``),
  teacher max gaps per week / per day (``max_gaps_per_week`` / ``max_gaps_per_day``), teacher interval max
  days per week (``interval_max_days``);
- students-set not-available periods for each class: periods that start before the stage's
  earliest start or end after the grade's latest lesson end, and the class's ``unavailable`` slots
  (a section's for its subgroup); students-set max gaps per week / per day for a class's
  ``max_gaps_per_week`` / ``max_gaps_per_day``; students-set early max beginnings at second hour
  ``max_late_starts_per_week`` for a class with it; students-set max hours daily from
  the stage's lessons-per-day and study-minutes caps; students-set max gaps per week 0 for a class
  with ``no_gaps``, students-set early max beginnings at second hour 0 for one with
  ``starts_first_period``;
- for a subject capped at 1 period a day, ConstraintMinDaysBetweenActivities (min days 1,
  consecutive if same day) over the activities of that subject each pupil set has; for a lesson
  with ``different_days``, one over its activities with min days ``min_days_apart``;
- for lessons needing a room type (or with a room set, or a fixed room), ConstraintActivityPreferredRooms
  listing the rooms (a lesson's ``rooms``, else its fixed room, else its subject's room type's rooms); a room of capacity k (k lessons at once, e.g. a playground) is written as k FET rooms,
  as a FET room holds one activity at a time; a room's ``unavailable`` slots as
  ConstraintRoomNotAvailableTimes (for each of its FET rooms);
- multi-period lessons get ConstraintActivityPreferredStartingTimes with the starts that do not
  straddle a lunch block (FET has no lunch between hours);
- pinned lessons as permanently locked preferred starting times; lessons with ``allowed_starts``
  get those starts as ConstraintActivityPreferredStartingTimes;
- lessons with ``same_time_as``: ConstraintActivitiesSameStartingTime pairing their sessions;
  lessons with ``not_with``: ConstraintActivitiesNotOverlapping over all activities of each pair;
- room groups: ConstraintActivitiesOccupyMaxDifferentRooms (``max_rooms``) and
  ConstraintActivitiesSameRoomIfConsecutive over all activities of their lessons, where their rooms all
  hold one lesson at a time (and, for the latter, no lunch block lies between periods);
- lessons related to others: ``consecutive_after`` → ConstraintTwoActivitiesConsecutive, ``grouped_with`` →
  ConstraintTwo/ThreeActivitiesGrouped, ``same_day_as`` / ``same_hour_as`` →
  ConstraintActivitiesSameStartingDay / Hour, each pairing the lessons' sessions one to one;
  ``ordered_after`` / ``ordered_if_same_day_after`` → ConstraintTwoActivitiesOrdered(IfSameDay) for
  every pair of sessions; ``ends_day`` → ConstraintActivityEndsStudentsDay per session; ``min_gap`` →
  ConstraintMinGapsBetweenActivities (FET counts no lunch block: stricter across one, reported);
  ``School.occupy_max_slots`` → ConstraintActivitiesOccupyMaxTimeSlotsFromSelection. FET hours
  are our period numbers (a lunch block is no FET break), so "right after" means the same in both;
- teacher min hours daily (``min_lessons_per_day``; FET allows no teacher min hours daily without
  empty days, so ``allow_empty_days`` false is min days per week = every day); students-set min hours
  daily for a class with ``min_lessons_per_day``; a class's ``max_lessons_per_day`` joins the
  stage caps in its one students-set max hours daily (the tighter).

Not expressible, listed in the ExportReport: the daily physical-activity minutes rule, subject
caps of 2 or more a day, teacher weekly caps (a FET load is fixed by its activities), clock-time
comparisons between stages with different bell schedules, after-school service (clubs, duties), and
the soft goals and their weights.
Our ids ride along in each record's ``Comments`` (``scheduler-id: …``) so ``import_fet`` restores them.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from scheduler.domain import BellSchedule, School, TagLimit, minutes
from scheduler.fet.report import ExportReport

FET_VERSION = "6.8.5"
CN_NUMBERS = "一二三四五六七八九"
ROOM_CAPACITY_STUDENTS = 1000  # FET capacity counts students; ours counts lessons, so never bind on pupils


def _unique_names(records: list, what: str = "name") -> dict[str, str]:
    """id → FET name: the display name, with the id appended where two records share it."""
    counts: dict[str, int] = defaultdict(int)
    for r in records:
        counts[getattr(r, what)] += 1
    return {
        r.id: getattr(r, what) if counts[getattr(r, what)] == 1 else f"{getattr(r, what)} ({r.id})" for r in records
    }


def _sub(parent: ET.Element, tag: str, text: object = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = str(text)
    return element


def _constraint(parent: ET.Element, tag: str, fields: list[tuple[str, object]]) -> ET.Element:
    element = _sub(parent, tag)
    _sub(element, "Weight_Percentage", 100)
    for name, value in fields:
        _sub(element, name, value)
    return element


def _finish(element: ET.Element) -> None:
    _sub(element, "Active", "true")
    _sub(element, "Comments", "")


def _class_not_available(school: School, c, closed: list[int]) -> dict[str, list[tuple[int, int]]]:
    """Group ref → sorted (day, hour) slots a students set of class ``c`` is not available: the ``closed``
    periods of every day and the class's unavailable slots for the class, a section's slots for its subgroup."""
    days = range(1, len(school.days) + 1)
    out: dict[str, set[tuple[int, int]]] = defaultdict(set)
    out[c.id] |= {(d, p) for d in days for p in closed}
    for slot in c.unavailable:
        out[f"{c.id}:{slot.section}" if slot.section else c.id].add((slot.day, slot.period))
    return {group: sorted(slots) for group, slots in out.items() if slots}


def export_fet(school: School, path: str | Path) -> ExportReport:
    """Write ``school`` as a FET file at ``path``; return what was written and what FET cannot express."""
    path = Path(path)
    report = ExportReport(target=str(path))
    policy = school.resolved_policy
    longest = max(school.bell_schedules, key=lambda b: len(b.periods))
    same_clock = all(
        [(p.start, p.end) for p in b.periods] == [(p.start, p.end) for p in longest.periods[: len(b.periods)]]
        for b in school.bell_schedules
    )
    n_hours = len(longest.periods)
    hour_names = [f"第{p.index}节 {p.start}-{p.end}" if same_clock else f"第{p.index}节" for p in longest.periods]

    root = ET.Element("fet", version=FET_VERSION)
    _sub(root, "Mode", "Official")
    _sub(root, "Institution_Name", school.name)
    _sub(root, "Comments", f"Exported by scheduler from school '{school.id}'")
    days = _sub(root, "Days_List")
    _sub(days, "Number_of_Days", len(school.days))
    for name in school.days:
        _sub(_sub(days, "Day"), "Name", name)
    hours = _sub(root, "Hours_List")
    _sub(hours, "Number_of_Hours", n_hours)
    for name in hour_names:
        _sub(_sub(hours, "Hour"), "Name", name)

    subject_name = _unique_names(school.subjects)
    subjects = _sub(root, "Subjects_List")
    for s in school.subjects:
        element = _sub(subjects, "Subject")
        _sub(element, "Name", subject_name[s.id])
        _sub(element, "Comments", f"scheduler-id: {s.id}")
    tags = _sub(root, "Activity_Tags_List")
    limited = [limit.tag for r in [*school.teachers, *school.classes] for limit in r.tag_limits]
    for tag in dict.fromkeys([*(t for lesson in school.all_lessons for t in lesson.tags), *limited]):
        element = _sub(tags, "Activity_Tag")
        _sub(element, "Name", tag)
        _sub(element, "Printable", "true")
        _sub(element, "Comments", "")

    load: dict[str, int] = defaultdict(int)
    for lesson in school.all_lessons:
        for tid in lesson.teachers:
            load[tid] += lesson.periods_per_week
    teacher_name = _unique_names(school.teachers)
    teachers = _sub(root, "Teachers_List")
    for t in school.teachers:
        element = _sub(teachers, "Teacher")
        _sub(element, "Name", teacher_name[t.id])
        _sub(element, "Target_Number_of_Hours", load[t.id])
        qualified = _sub(element, "Qualified_Subjects")
        for sid in t.subjects:
            _sub(qualified, "Qualified_Subject", subject_name[sid])
        _sub(element, "Comments", f"scheduler-id: {t.id}")

    # Students: years = grades, groups = classes, subgroups = sections (names unique across FET).
    class_name = _unique_names(school.classes)
    set_name: dict[str, str] = {}  # our group ref → FET students set name
    students = _sub(root, "Students_List")
    for grade in sorted({c.grade for c in school.classes}):
        year = _sub(students, "Year")
        _sub(year, "Name", f"{CN_NUMBERS[grade - 1]}年级")
        classes = [c for c in school.classes if c.grade == grade]
        _sub(year, "Number_of_Students", sum(c.pupils for c in classes))
        _sub(year, "Comments", "")
        _sub(year, "Number_of_Categories", 0)
        _sub(year, "Separator", " ")
        for c in classes:
            group = _sub(year, "Group")
            set_name[c.id] = class_name[c.id]
            _sub(group, "Name", class_name[c.id])
            _sub(group, "Number_of_Students", c.pupils)
            _sub(group, "Comments", f"scheduler-id: {c.id}")
            for section in c.sections:
                subgroup = _sub(group, "Subgroup")
                set_name[f"{c.id}:{section}"] = f"{class_name[c.id]} {section}"
                _sub(subgroup, "Name", set_name[f"{c.id}:{section}"])
                _sub(subgroup, "Number_of_Students", 0)
                _sub(subgroup, "Comments", f"scheduler-id: {section}")

    # Activities: one group per lesson, ``count`` sessions of its duration.
    activity_ids: dict[str, list[int]] = {}
    activities = _sub(root, "Activities_List")
    next_id = 1
    for lesson in school.all_lessons:
        ids = list(range(next_id, next_id + lesson.count))
        next_id += lesson.count
        activity_ids[lesson.id] = ids
        for aid in ids:
            element = _sub(activities, "Activity")
            for tid in lesson.teachers:
                _sub(element, "Teacher", teacher_name[tid])
            _sub(element, "Subject", subject_name[lesson.subject])
            for tag in lesson.tags:
                _sub(element, "Activity_Tag", tag)
            for group in lesson.groups:
                _sub(element, "Students", set_name[group])
            _sub(element, "Duration", lesson.duration)
            _sub(element, "Total_Duration", lesson.periods_per_week)
            _sub(element, "Id", aid)
            _sub(element, "Activity_Group_Id", ids[0] if lesson.count > 1 else 0)
            _sub(element, "Active", "true")
            _sub(element, "Comments", f"scheduler-id: {lesson.id}")
    _sub(root, "Buildings_List")

    # Rooms: capacity k → k FET rooms (one activity each at a time).
    fet_rooms: dict[str, list[str]] = {}
    rooms = _sub(root, "Rooms_List")
    room_name = _unique_names(school.rooms)
    for r in school.rooms:
        names = [room_name[r.id]] if r.capacity == 1 else [f"{room_name[r.id]} #{k}" for k in range(1, r.capacity + 1)]
        fet_rooms[r.id] = names
        for k, name in enumerate(names, start=1):
            element = _sub(rooms, "Room")
            _sub(element, "Name", name)
            _sub(element, "Building", "")
            _sub(element, "Capacity", ROOM_CAPACITY_STUDENTS)
            _sub(element, "Virtual", "false")
            _sub(element, "Comments", f"scheduler-id: {r.id}" + (f"#{k}" if len(names) > 1 else ""))
    split = [r for r in school.rooms if r.capacity > 1]

    time_list = _sub(root, "Time_Constraints_List")
    _finish(_constraint(time_list, "ConstraintBasicCompulsoryTime", []))
    expressed = ["ConstraintBasicCompulsoryTime, ConstraintBasicCompulsorySpace (class, teacher and room clashes)"]

    def slots_element(parent: ET.Element, tag: str, slots: list[tuple[int, int]]) -> None:
        _sub(parent, "Number_of_Not_Available_Times", len(slots))
        for day, hour in slots:
            item = _sub(parent, tag)
            _sub(item, "Day", school.days[day - 1])
            _sub(item, "Hour", hour_names[hour - 1])

    # Teachers: unavailable slots and meetings (any stage's period the meeting overlaps).
    n_unavailable = n_max_days = n_max_gaps = n_consecutive = n_intervals = 0
    for t in school.teachers:
        slots = {(s.day, s.period) for s in t.unavailable if s.period <= n_hours}
        for meeting in school.meetings:
            if t.id in meeting.teachers:
                for schedule in school.bell_schedules:
                    slots |= {(meeting.day, p) for p in _overlapped(schedule, meeting.start, meeting.end)}
        if slots:
            n_unavailable += 1
            element = _constraint(time_list, "ConstraintTeacherNotAvailableTimes", [("Teacher", teacher_name[t.id])])
            slots_element(element, "Not_Available_Time", sorted(slots))
            _finish(element)
        if t.max_lessons_per_day < n_hours:
            element = _constraint(
                time_list,
                "ConstraintTeacherMaxHoursDaily",
                [("Teacher_Name", teacher_name[t.id]), ("Maximum_Hours_Daily", t.max_lessons_per_day)],
            )
            _finish(element)
        if t.max_days_per_week is not None:
            n_max_days += 1
            days = min(t.max_days_per_week, len(school.days))  # FET allows at most the number of days
            element = _constraint(
                time_list,
                "ConstraintTeacherMaxDaysPerWeek",
                [("Teacher_Name", teacher_name[t.id]), ("Max_Days_Per_Week", days)],
            )
            _finish(element)
        if t.min_lessons_per_day:
            # FET refuses a teacher's min hours daily without empty days: every day is min days per week instead
            element = _constraint(
                time_list,
                "ConstraintTeacherMinHoursDaily",
                [
                    ("Teacher_Name", teacher_name[t.id]),
                    ("Minimum_Hours_Daily", t.min_lessons_per_day),
                    ("Allow_Empty_Days", "true"),
                ],
            )
            _finish(element)
        # FET keeps one min days per week a teacher: every day (no empty days, see above) or min_days_per_week
        min_days = len(school.days) if t.min_lessons_per_day and not t.allow_empty_days else t.min_days_per_week or 0
        if min_days:
            fields = [("Teacher_Name", teacher_name[t.id]), ("Minimum_Days_Per_Week", min_days)]
            _finish(_constraint(time_list, "ConstraintTeacherMinDaysPerWeek", fields))
        _tag_limits(time_list, t.tag_limits, "Teacher", [("Teacher_Name", teacher_name[t.id])])
        if t.max_consecutive is not None:
            fields = [("Teacher_Name", teacher_name[t.id]), ("Maximum_Hours_Continuously", t.max_consecutive)]
            _finish(_constraint(time_list, "ConstraintTeacherMaxHoursContinuously", fields))
            n_consecutive += 1
        for interval in t.interval_max_days:
            fields = [
                ("Teacher_Name", teacher_name[t.id]),
                ("Interval_Start_Hour", hour_names[min(interval.first_period, n_hours) - 1]),
                ("Interval_End_Hour", hour_names[interval.last_period] if interval.last_period < n_hours else ""),
                ("Max_Days_Per_Week", interval.max_days),
            ]
            _finish(_constraint(time_list, "ConstraintTeacherIntervalMaxDaysPerWeek", fields))
            n_intervals += 1
        n_max_gaps += t.max_gaps_per_week is not None or t.max_gaps_per_day is not None
        for tag, gaps in (
            ("ConstraintTeacherMaxGapsPerWeek", t.max_gaps_per_week),
            ("ConstraintTeacherMaxGapsPerDay", t.max_gaps_per_day),
        ):
            if gaps is not None:
                element = _constraint(time_list, tag, [("Teacher_Name", teacher_name[t.id]), ("Max_Gaps", gaps)])
                _finish(element)
    expressed.append(f"ConstraintTeacherNotAvailableTimes for {n_unavailable} teachers (unavailable slots + meetings)")
    expressed.append("ConstraintTeacherMaxHoursDaily (teacher.max_lessons_per_day)")
    if n_consecutive:
        expressed.append(
            f"ConstraintTeacherMaxHoursContinuously for {n_consecutive} teachers (teacher.max_consecutive)"
        )
    if n_intervals:
        expressed.append(
            f"ConstraintTeacherIntervalMaxDaysPerWeek ×{n_intervals} (teacher.interval_max_days; an empty end "
            "hour is the end of the day)"
        )
    n_min_day = sum(bool(t.min_lessons_per_day) for t in school.teachers)
    if n_min_day:
        expressed.append(
            f"ConstraintTeacherMinHoursDaily for {n_min_day} teachers (teacher.min_lessons_per_day; without "
            "allow_empty_days also ConstraintTeacherMinDaysPerWeek of every day)"
        )
    if n_max_days:
        expressed.append(f"ConstraintTeacherMaxDaysPerWeek for {n_max_days} teachers (teacher.max_days_per_week)")
    n_min_days = sum(bool(t.min_days_per_week) for t in school.teachers)
    if n_min_days:
        expressed.append(f"ConstraintTeacherMinDaysPerWeek for {n_min_days} teachers (teacher.min_days_per_week)")
    n_tagged = sum(bool(r.tag_limits) for r in [*school.teachers, *school.classes])
    if n_tagged:
        expressed.append(
            f"Activity_Tag of each lesson's activities (lesson.tags); ConstraintTeacher / StudentsSet ActivityTag"
            f"MaxHoursDaily / Continuously for {n_tagged} teachers and classes (tag_limits)"
        )
    if n_max_gaps:
        expressed.append(
            f"ConstraintTeacherMaxGapsPerWeek / PerDay for {n_max_gaps} teachers (teacher.max_gaps_per_week / per_day)"
        )

    # Classes: periods outside the allowed day, and the daily load caps.
    for c in school.classes:
        schedule = school.schedule_by_stage[c.stage]
        stage_policy = policy.stages[c.stage]
        latest = policy.latest_lesson_end.get(c.grade)
        closed = [
            p
            for p in range(1, n_hours + 1)
            if p > len(schedule.periods)
            or minutes(schedule.period(p).start) < minutes(stage_policy.earliest_start)
            or (latest is not None and minutes(schedule.period(p).end) > minutes(latest))
        ]
        for group, slots in _class_not_available(school, c, closed).items():
            element = _constraint(time_list, "ConstraintStudentsSetNotAvailableTimes", [("Students", set_name[group])])
            slots_element(element, "Not_Available_Time", slots)
            _finish(element)
        cap = min(stage_policy.max_lessons_per_day, _periods_within(schedule, stage_policy.max_daily_study_minutes))
        if c.max_lessons_per_day is not None:
            cap = min(cap, c.max_lessons_per_day)  # one constraint: the tighter of the stage's and the class's cap
        if cap < len(schedule.periods) - len(closed):
            element = _constraint(
                time_list,
                "ConstraintStudentsSetMaxHoursDaily",
                [("Maximum_Hours_Daily", cap), ("Students", set_name[c.id])],
            )
            _finish(element)
        if c.min_lessons_per_day:
            element = _constraint(
                time_list,
                "ConstraintStudentsSetMinHoursDaily",
                [
                    ("Minimum_Hours_Daily", c.min_lessons_per_day),
                    ("Students", set_name[c.id]),
                    ("Allow_Empty_Days", str(c.allow_empty_days).lower()),
                ],
            )
            _finish(element)
        if c.no_gaps:
            element = _constraint(
                time_list, "ConstraintStudentsSetMaxGapsPerWeek", [("Max_Gaps", 0), ("Students", set_name[c.id])]
            )
            _finish(element)
        for tag, limit in (
            ("ConstraintStudentsSetMaxGapsPerWeek", c.max_gaps_per_week),
            ("ConstraintStudentsSetMaxGapsPerDay", c.max_gaps_per_day),
        ):
            if limit is not None:
                _finish(_constraint(time_list, tag, [("Max_Gaps", limit), ("Students", set_name[c.id])]))
        _tag_limits(time_list, c.tag_limits, "StudentsSet", [("Students", set_name[c.id])])
        if c.max_consecutive is not None:
            fields = [("Maximum_Hours_Continuously", c.max_consecutive), ("Students", set_name[c.id])]
            _finish(_constraint(time_list, "ConstraintStudentsSetMaxHoursContinuously", fields))
        if c.max_late_starts_per_week is not None:
            _finish(
                _constraint(
                    time_list,
                    "ConstraintStudentsSetEarlyMaxBeginningsAtSecondHour",
                    [("Max_Beginnings_At_Second_Hour", c.max_late_starts_per_week), ("Students", set_name[c.id])],
                )
            )
        if c.starts_first_period:
            element = _constraint(
                time_list,
                "ConstraintStudentsSetEarlyMaxBeginningsAtSecondHour",
                [("Max_Beginnings_At_Second_Hour", 0), ("Students", set_name[c.id])],
            )
            _finish(element)
    expressed.append(
        "ConstraintStudentsSetNotAvailableTimes: periods before the earliest start / after the latest end, "
        "class.unavailable (a section's slots for its subgroup)"
    )
    n_rows = sum(c.max_consecutive is not None for c in school.classes)
    if n_rows:
        expressed.append(f"ConstraintStudentsSetMaxHoursContinuously for {n_rows} classes (class.max_consecutive)")
    n_late = sum(c.max_late_starts_per_week is not None for c in school.classes)
    if n_late:
        expressed.append(
            f"ConstraintStudentsSetEarlyMaxBeginningsAtSecondHour for {n_late} classes (class.max_late_starts_per_week)"
        )
    n_gap_caps = sum(c.max_gaps_per_week is not None or c.max_gaps_per_day is not None for c in school.classes)
    if n_gap_caps:
        expressed.append(
            f"ConstraintStudentsSetMaxGapsPerWeek / PerDay for {n_gap_caps} classes (class.max_gaps_per_week / per_day)"
        )
    expressed.append(
        "ConstraintStudentsSetMaxHoursDaily: lessons-per-day and study-minutes caps (as periods), "
        "class.max_lessons_per_day (the tighter)"
    )
    n_min_classes = sum(bool(c.min_lessons_per_day) for c in school.classes)
    if n_min_classes:
        expressed.append(
            f"ConstraintStudentsSetMinHoursDaily for {n_min_classes} classes (class.min_lessons_per_day, allow_empty_days)"
        )
    n_no_gaps = sum(c.no_gaps for c in school.classes)
    if n_no_gaps:
        expressed.append(f"ConstraintStudentsSetMaxGapsPerWeek (0) for {n_no_gaps} classes (class.no_gaps)")
    n_early = sum(c.starts_first_period for c in school.classes)
    if n_early:
        expressed.append(
            f"ConstraintStudentsSetEarlyMaxBeginningsAtSecondHour (0) for {n_early} classes (class.starts_first_period)"
        )

    # Subject capped at 1 a day: the sessions a pupil set has of it fall on different days.
    atoms_lessons: dict[str, list] = defaultdict(list)
    for lesson in school.all_lessons:
        for atom in dict.fromkeys(a for g in lesson.groups for a in school.atoms_of(g)):
            atoms_lessons[atom].append(lesson)
    spread_sets: set[tuple[int, ...]] = set()
    capped_more: set[str] = set()
    for lessons in atoms_lessons.values():
        by_subject: dict[str, list[int]] = defaultdict(list)
        for lesson in lessons:
            by_subject[lesson.subject] += activity_ids[lesson.id]
        for sid, ids in by_subject.items():
            subject = school.subject_by_id[sid]
            cap = min(subject.max_per_day, policy.max_pe_per_day) if subject.category == "pe" else subject.max_per_day
            if cap == 1 and len(ids) > 1:
                spread_sets.add(tuple(sorted(ids)))
            elif 1 < cap < n_hours:
                capped_more.add(subject.name)
    # Lessons with different_days (rule different_days): their sessions min_days_apart apart.
    spread_days = {tuple(sorted(ids)): 1 for ids in spread_sets}
    n_lessons_apart = 0
    for lesson in school.all_lessons:
        ids = tuple(sorted(activity_ids[lesson.id]))
        if lesson.different_days and len(ids) > 1:
            spread_days[ids] = max(spread_days.get(ids, 1), lesson.min_days_apart)
            n_lessons_apart += 1
    for ids, min_days in sorted(spread_days.items()):
        element = _constraint(time_list, "ConstraintMinDaysBetweenActivities", [("Consecutive_If_Same_Day", "true")])
        _sub(element, "Number_of_Activities", len(ids))
        for aid in ids:
            _sub(element, "Activity_Id", aid)
        _sub(element, "MinDays", min_days)
        _finish(element)
    expressed.append(
        f"ConstraintMinDaysBetweenActivities ×{len(spread_days)}: subjects capped at 1 period a day, per pupil set"
        + (f"; lessons with different_days ({n_lessons_apart})" if n_lessons_apart else "")
    )

    # Lessons with days_apart_from (rule days_apart): one constraint over both lessons' sessions when each
    # keeps its own sessions that far apart anyway (a FET split activity over several lessons), else per pair.
    def spread_enough(lesson, days: int) -> bool:
        return lesson.count == 1 or (lesson.different_days and lesson.min_days_apart >= days)

    n_apart = 0
    for lesson in school.all_lessons:
        for apart in lesson.days_apart_from:
            other = school.lesson_by_id[apart.lesson]
            mine, theirs = activity_ids[lesson.id], activity_ids[other.id]
            if spread_enough(lesson, apart.days) and spread_enough(other, apart.days):
                sets = [mine + theirs]
            else:
                sets = [[first, second] for first in mine for second in theirs]
            for ids in sets:
                fields = [("Consecutive_If_Same_Day", "false"), ("Number_of_Activities", len(ids))]
                element = _constraint(time_list, "ConstraintMinDaysBetweenActivities", fields)
                for aid in ids:
                    _sub(element, "Activity_Id", aid)
                _sub(element, "MinDays", apart.days)
                _finish(element)
                n_apart += 1
    if n_apart:
        expressed.append(f"ConstraintMinDaysBetweenActivities ×{n_apart}: lessons with days_apart_from")
    # Lessons with adjacent_if_same_day: weight 0 leaves the days free, "consecutive if same day" binds anyway.
    adjacent = [
        lesson
        for lesson in school.all_lessons
        if lesson.adjacent_if_same_day
        and lesson.count > 1
        and tuple(sorted(activity_ids[lesson.id])) not in spread_days
    ]
    for lesson in adjacent:
        element = _sub(time_list, "ConstraintMinDaysBetweenActivities")
        _sub(element, "Weight_Percentage", 0)
        _sub(element, "Consecutive_If_Same_Day", "true")
        _sub(element, "Number_of_Activities", lesson.count)
        for aid in activity_ids[lesson.id]:
            _sub(element, "Activity_Id", aid)
        _sub(element, "MinDays", 1)
        _finish(element)
    if adjacent:
        expressed.append(
            f"ConstraintMinDaysBetweenActivities (weight 0, consecutive if same day) ×{len(adjacent)}: "
            "lessons with adjacent_if_same_day"
        )

    # Multi-period sessions and lessons with allowed_starts: starts that fit, do not straddle a
    # lunch block and are allowed.
    n_starts = 0
    for lesson in school.all_lessons:
        if lesson.duration == 1 and lesson.allowed_starts is None:
            continue
        schedule = school.schedule_of(lesson)
        allowed = None if lesson.allowed_starts is None else {(s.day, s.period) for s in lesson.allowed_starts}
        starts = [
            (d, p)
            for d in range(1, len(school.days) + 1)
            for p in range(1, len(schedule.periods) - lesson.duration + 2)
            if not _straddles_lunch(schedule, d, p, lesson.duration) and (allowed is None or (d, p) in allowed)
        ]
        for aid in activity_ids[lesson.id]:
            n_starts += 1
            element = _constraint(time_list, "ConstraintActivityPreferredStartingTimes", [("Activity_Id", aid)])
            _sub(element, "Number_of_Preferred_Starting_Times", len(starts))
            for d, p in starts:
                item = _sub(element, "Preferred_Starting_Time")
                _sub(item, "Preferred_Starting_Day", school.days[d - 1])
                _sub(item, "Preferred_Starting_Hour", hour_names[p - 1])
            _finish(element)
    if n_starts:
        expressed.append(
            f"ConstraintActivityPreferredStartingTimes ×{n_starts}: multi-period sessions avoid lunch; allowed_starts"
        )

    # Lessons taught at the same times (same_time_as): their sessions paired one to one.
    n_same = 0
    for lesson in school.all_lessons:
        if lesson.same_time_as is None:
            continue
        for pair in zip(activity_ids[lesson.same_time_as], activity_ids[lesson.id], strict=True):
            n_same += 1
            element = _constraint(time_list, "ConstraintActivitiesSameStartingTime", [("Number_of_Activities", 2)])
            for aid in pair:
                _sub(element, "Activity_Id", aid)
            _finish(element)
    if n_same:
        expressed.append(
            f"ConstraintActivitiesSameStartingTime ×{n_same}: lessons with same_time_as, session by session"
        )

    # Lessons that never overlap (not_with): all activities of the two lessons, once per pair.
    pairs = sorted({tuple(sorted((lesson.id, other))) for lesson in school.all_lessons for other in lesson.not_with})
    for pair in pairs:
        ids = [aid for lesson_id in pair for aid in activity_ids[lesson_id]]
        _finish(_activities(time_list, "ConstraintActivitiesNotOverlapping", ids))
    if pairs:
        expressed.append(f"ConstraintActivitiesNotOverlapping ×{len(pairs)}: lessons with not_with, pair by pair")

    expressed += _relations(school, time_list, activity_ids)
    expressed += _min_gaps(school, time_list, activity_ids)
    expressed += _occupy_max_slots(school, time_list, activity_ids, hour_names)

    # Pinned sessions: permanently locked starting times.
    n_pinned = 0
    for lesson in school.all_lessons:
        for aid, slot in zip(activity_ids[lesson.id], lesson.pinned, strict=False):
            n_pinned += 1
            element = _constraint(
                time_list,
                "ConstraintActivityPreferredStartingTime",
                [
                    ("Activity_Id", aid),
                    ("Preferred_Day", school.days[slot.day - 1]),
                    ("Preferred_Hour", hour_names[slot.period - 1]),
                    ("Permanently_Locked", "true"),
                ],
            )
            _finish(element)
    if n_pinned:
        expressed.append(f"ConstraintActivityPreferredStartingTime ×{n_pinned} locked (pinned sessions)")

    space_list = _sub(root, "Space_Constraints_List")
    _finish(_constraint(space_list, "ConstraintBasicCompulsorySpace", []))
    rooms_of_type: dict[str, list[str]] = defaultdict(list)
    for r in school.rooms:
        rooms_of_type[r.type] += fet_rooms[r.id]
    n_rooms = 0
    for lesson in school.all_lessons:
        if lesson.room:
            allowed = fet_rooms[lesson.room]
        elif lesson.rooms is not None:
            allowed = [name for room_id in lesson.rooms for name in fet_rooms[room_id]]
        elif school.subject_by_id[lesson.subject].room_type:
            allowed = rooms_of_type[school.subject_by_id[lesson.subject].room_type]
        else:
            continue
        for aid in activity_ids[lesson.id]:
            n_rooms += 1
            element = _constraint(space_list, "ConstraintActivityPreferredRooms", [("Activity_Id", aid)])
            _sub(element, "Number_of_Preferred_Rooms", len(allowed))
            for name in allowed:
                _sub(element, "Preferred_Room", name)
            _finish(element)
    expressed.append(
        f"ConstraintActivityPreferredRooms ×{n_rooms}: rooms of the lesson's room type, its room set or its fixed room"
    )
    # Rooms: unavailable slots (FET has one hour grid: a slot of one stage blocks that hour for all).
    n_room_unavailable = 0
    for r in school.rooms:
        slots = sorted({(s.day, s.period) for s in r.unavailable if s.period <= n_hours})
        for name in fet_rooms[r.id] if slots else []:
            n_room_unavailable += 1
            element = _constraint(space_list, "ConstraintRoomNotAvailableTimes", [("Room", name)])
            slots_element(element, "Not_Available_Time", slots)
            _finish(element)
    if n_room_unavailable:
        expressed.append(f"ConstraintRoomNotAvailableTimes ×{n_room_unavailable} (room.unavailable)")
    room_expressed, room_not_expressed = _room_groups(school, space_list, activity_ids)
    expressed += room_expressed
    if split:
        expressed.append(
            "room capacity > 1 written as that many FET rooms: " + ", ".join(f"{r.name} ×{r.capacity}" for r in split)
        )

    not_expressed = list(room_not_expressed)
    if policy.daily_activity_minutes:
        not_expressed.append(
            f"daily_activity: {policy.daily_activity_minutes} minutes of physical activity a day "
            "(blocks + PE minutes) — FET has no minutes rule"
        )
    if capped_more:
        not_expressed.append(
            "subject_per_day caps of 2 or more (" + "、".join(sorted(capped_more)) + ") — only caps of 1 are written"
        )
    not_expressed.append("teacher_max_week: FET has no weekly cap; the load is fixed by the activities")
    if not same_clock:
        not_expressed.append(
            "stages have different bell schedules: FET has one hour grid, so clock-time overlaps between "
            "primary and middle-school sessions (shared teachers, rooms) are compared by hour index"
        )
    gaps_across_stages = [
        t.name
        for t in school.teachers
        if (t.max_gaps_per_week is not None or t.max_gaps_per_day is not None)
        and len({school.stage_of(lesson) for lesson in school.all_lessons if t.id in lesson.teachers}) > 1
    ]
    if gaps_across_stages:
        not_expressed.append(
            f"teacher_max_gaps of teachers in several stages ({'、'.join(gaps_across_stages)}): counted here per "
            "stage's bell schedule, by FET on its one hour grid"
        )
    if any(
        lesson.min_gap and any(b.kind == "lunch" for b in school.schedule_of(lesson).blocks)
        for lesson in school.all_lessons
    ):
        not_expressed.append(
            "min_gap across a lunch block: FET's hours are our periods, so FET counts no lunch as a gap and is "
            "stricter there (here a lunch block counts as one period)"
        )
    if any(b.kind != "lunch" for s in school.bell_schedules for b in s.blocks):
        not_expressed.append("non-lunch daily blocks (大课间, 眼保健操…) are not in FET's hour grid")
    if getattr(school, "after_school", None) is not None:
        not_expressed.append(
            "after_school (课后服务 windows, clubs, pupils' choices and duties) — not in the file; "
            "FET timetables the lessons only"
        )
    not_expressed.append("soft goals and weights (teacher gaps, core subjects in the morning, …) are not exported")
    report.expressed = expressed
    report.not_expressed = not_expressed
    report.counts = {
        "days": len(school.days),
        "hours": n_hours,
        "teachers": len(school.teachers),
        "classes": len(school.classes),
        "activities": next_id - 1,
        "rooms": sum(len(v) for v in fet_rooms.values()),
    }
    ET.indent(root, space="\t")
    path.write_bytes(
        b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"
    )
    return report


def _room_groups(
    school: School, space_list: ET.Element, activity_ids: dict[str, list[int]]
) -> tuple[list[str], list[str]]:
    """Room groups → ConstraintActivitiesOccupyMaxDifferentRooms / ConstraintActivitiesSameRoomIfConsecutive
    over all activities of their lessons, where FET means the same: every room of their lessons holds one
    lesson at a time (a larger room is several FET rooms, which FET tells apart), and, for same room if
    consecutive, no lunch block between periods (FET's hours here have no breaks). (expressed, not expressed)."""
    n_max = n_consecutive = 0
    not_expressed: list[str] = []
    for group in school.room_groups:
        lessons = [school.lesson_by_id[lesson_id] for lesson_id in group.lessons]
        ids = [aid for lesson in lessons for aid in activity_ids[lesson.id]]
        rooms = {room_id for lesson in lessons for room_id in school.rooms_of(lesson) or []}
        if len(ids) < 2:
            continue
        if any(school.room_by_id[room_id].capacity > 1 for room_id in rooms):
            not_expressed.append(f"room group {group.id}: a room of capacity > 1 is several FET rooms, told apart")
            continue
        if group.max_rooms is not None:
            element = _activities(space_list, "ConstraintActivitiesOccupyMaxDifferentRooms", ids)
            _sub(element, "Max_Number_of_Different_Rooms", group.max_rooms)
            _finish(element)
            n_max += 1
        lunch = any(b.kind == "lunch" for lesson in lessons for b in school.schedule_of(lesson).blocks)
        if group.same_room_if_consecutive and lunch:
            not_expressed.append(
                f"room group {group.id}: same room if consecutive — FET's hours here have no lunch break, "
                "so FET would also ask it across lunch"
            )
        elif group.same_room_if_consecutive:
            _finish(_activities(space_list, "ConstraintActivitiesSameRoomIfConsecutive", ids))
            n_consecutive += 1
    expressed = []
    if n_max:
        expressed.append(f"ConstraintActivitiesOccupyMaxDifferentRooms ×{n_max} (room_groups[].max_rooms)")
    if n_consecutive:
        expressed.append(
            f"ConstraintActivitiesSameRoomIfConsecutive ×{n_consecutive} (room_groups[].same_room_if_consecutive)"
        )
    return expressed, not_expressed


def _activities(parent: ET.Element, tag: str, ids: list[int]) -> ET.Element:
    """A constraint over a list of activities (Number_of_Activities, Activity_Id…), to be finished."""
    element = _constraint(parent, tag, [("Number_of_Activities", len(ids))])
    for aid in ids:
        _sub(element, "Activity_Id", aid)
    return element


GROUPED = {2: "ConstraintTwoActivitiesGrouped", 3: "ConstraintThreeActivitiesGrouped"}
ACTIVITY_TAGS = ("First_Activity_Id", "Second_Activity_Id", "Third_Activity_Id")


def _relations(school: School, time_list: ET.Element, activity_ids: dict[str, list[int]]) -> list[str]:
    """Relations between lessons, session by session (consecutive, grouped, same day / hour: the i-th activities
    of the lessons paired) or every pair (ordered); ends_day per activity. Returns the lines for ``expressed``."""
    written: dict[str, int] = defaultdict(int)

    def write(tag: str, ids: list[int]) -> None:
        written[tag] += 1
        if tag in ("ConstraintActivitiesSameStartingDay", "ConstraintActivitiesSameStartingHour"):
            element = _constraint(time_list, tag, [("Number_of_Activities", len(ids))])
            for aid in ids:
                _sub(element, "Activity_Id", aid)
        else:
            element = _constraint(time_list, tag, list(zip(ACTIVITY_TAGS, ids, strict=False)))
        _finish(element)

    for lesson in school.all_lessons:
        mine = activity_ids[lesson.id]
        paired = [
            ("ConstraintTwoActivitiesConsecutive", lesson.consecutive_after),
            ("ConstraintActivitiesSameStartingDay", lesson.same_day_as),
            ("ConstraintActivitiesSameStartingHour", lesson.same_hour_as),
        ]
        for tag, other in paired:
            for pair in zip(activity_ids[other], mine, strict=True) if other else []:
                write(tag, list(pair))
        if lesson.grouped_with:
            columns = [mine, *(activity_ids[other] for other in lesson.grouped_with)]
            for ids in zip(*columns, strict=True):
                write(GROUPED[len(ids)], list(ids))
        for tag, others in (
            ("ConstraintTwoActivitiesOrdered", lesson.ordered_after),
            ("ConstraintTwoActivitiesOrderedIfSameDay", lesson.ordered_if_same_day_after),
        ):
            for other in dict.fromkeys(others):
                for first in activity_ids[other]:
                    for second in mine:
                        write(tag, [first, second])
        for aid in mine if lesson.ends_day else []:
            written["ConstraintActivityEndsStudentsDay"] += 1
            _finish(_constraint(time_list, "ConstraintActivityEndsStudentsDay", [("Activity_Id", aid)]))
    return [f"{tag} ×{n}: lesson relations, session by session" for tag, n in written.items()]


def _tag_limits(time_list: ET.Element, limits: list[TagLimit], who: str, named: list[tuple[str, object]]) -> None:
    """A teacher's (``who`` "Teacher") or students set's ("StudentsSet") tag limits as FET activity tag max hours
    daily / continuously constraints (FET names the tag Activity_Tag_Name for teachers, Activity_Tag for students)."""
    tag_field = "Activity_Tag_Name" if who == "Teacher" else "Activity_Tag"
    for limit in limits:
        for kind, field, cap in (
            ("Daily", "Maximum_Hours_Daily", limit.max_per_day),
            ("Continuously", "Maximum_Hours_Continuously", limit.max_consecutive),
        ):
            if cap is not None:
                fields = [*named, (tag_field, limit.tag), (field, cap)]
                _finish(_constraint(time_list, f"Constraint{who}ActivityTagMaxHours{kind}", fields))


def _min_gaps(school: School, time_list: ET.Element, activity_ids: dict[str, list[int]]) -> list[str]:
    """``min_gap`` → ConstraintMinGapsBetweenActivities over the lesson's activities."""
    lessons = [lesson for lesson in school.all_lessons if lesson.min_gap and lesson.count > 1]
    for lesson in lessons:
        element = _constraint(time_list, "ConstraintMinGapsBetweenActivities", [("Number_of_Activities", lesson.count)])
        for aid in activity_ids[lesson.id]:
            _sub(element, "Activity_Id", aid)
        _sub(element, "MinGaps", lesson.min_gap)
        _finish(element)
    return [f"ConstraintMinGapsBetweenActivities ×{len(lessons)}: lessons with min_gap"] if lessons else []


def _occupy_max_slots(
    school: School, time_list: ET.Element, activity_ids: dict[str, list[int]], hour_names: list[str]
) -> list[str]:
    """``occupy_max_slots`` → ConstraintActivitiesOccupyMaxTimeSlotsFromSelection (a slot's stage is dropped:
    FET has one hour grid)."""
    for occupy in school.occupy_max_slots:
        ids = [aid for lesson_id in dict.fromkeys(occupy.lessons) for aid in activity_ids[lesson_id]]
        slots = list(dict.fromkeys((s.day, s.period) for s in occupy.slots if s.period <= len(hour_names)))
        element = _constraint(
            time_list, "ConstraintActivitiesOccupyMaxTimeSlotsFromSelection", [("Number_of_Activities", len(ids))]
        )
        for aid in ids:
            _sub(element, "Activity_Id", aid)
        _sub(element, "Number_of_Selected_Time_Slots", len(slots))
        for day, period in slots:
            item = _sub(element, "Selected_Time_Slot")
            _sub(item, "Selected_Day", school.days[day - 1])
            _sub(item, "Selected_Hour", hour_names[period - 1])
        _sub(element, "Max_Number_of_Occupied_Time_Slots", occupy.max_slots)
        _finish(element)
    n = len(school.occupy_max_slots)
    return [f"ConstraintActivitiesOccupyMaxTimeSlotsFromSelection ×{n}: School.occupy_max_slots"] if n else []


def _overlapped(schedule: BellSchedule, start: str, end: str) -> list[int]:
    return [p.index for p in schedule.periods if minutes(p.start) < minutes(end) and minutes(start) < minutes(p.end)]


def _periods_within(schedule: BellSchedule, study_minutes: int) -> int:
    """How many periods fit in ``study_minutes`` (the shortest periods first: a safe upper bound)."""
    lengths = sorted(minutes(p.end) - minutes(p.start) for p in schedule.periods)
    total = count = 0
    for length in lengths:
        if total + length > study_minutes:
            break
        total += length
        count += 1
    return count


def _straddles_lunch(schedule: BellSchedule, day: int, period: int, duration: int) -> bool:
    first, last = schedule.period(period), schedule.period(period + duration - 1)
    return any(
        b.kind == "lunch"
        and (b.days is None or day in b.days)
        and minutes(first.start) < minutes(b.start)
        and minutes(b.end) <= minutes(last.end)
        for b in schedule.blocks
    )
