"""The sample schools: valid, reproducible, and feasible by counting (docs/RULES.md)."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest

from instances.generate import SCHOOLS, render, write_all
from scheduler.domain import School, minutes
from scheduler.load import load_school
from scheduler.policy import WEEKLY_TOTAL

INSTANCES = Path(__file__).parent.parent / "instances"
REALISTIC = [s for s in SCHOOLS if s != "tiny-3"]


@pytest.fixture(scope="module", params=list(SCHOOLS))
def school(request) -> School:
    return load_school(INSTANCES / f"{request.param}.json")


def teacher_loads(school: School) -> Counter:
    load: Counter = Counter()
    for lesson in school.all_lessons:
        for teacher in lesson.teachers:
            load[teacher] += lesson.periods_per_week
    return load


def teacher_stages(school: School) -> dict[str, set[str]]:
    stages = defaultdict(set)
    for lesson in school.all_lessons:
        for teacher in lesson.teachers:
            stages[teacher].add(school.stage_of(lesson))
    return stages


def usable_periods(school: School, grade: int, stage: str) -> list[int]:
    """Periods a class of the grade may use: those ending by the grade's latest lesson end."""
    latest = school.resolved_policy.latest_lesson_end.get(grade)
    periods = school.schedule_by_stage[stage].periods
    return [p.index for p in periods if latest is None or minutes(p.end) <= minutes(latest)]


# ---- files ------------------------------------------------------------------------------------
@pytest.mark.parametrize("school_id", list(SCHOOLS))
def test_committed_file_is_what_the_generator_writes(school_id):
    assert (INSTANCES / f"{school_id}.json").read_text(encoding="utf-8") == render(school_id)


@pytest.mark.parametrize("school_id", list(SCHOOLS))
def test_generator_is_deterministic(school_id):
    assert render(school_id) == render(school_id)


def test_write_all_writes_loadable_files(tmp_path):
    paths = write_all(tmp_path, ["tiny-3"])
    assert [p.name for p in paths] == ["tiny-3.json"]
    assert load_school(paths[0]).id == "tiny-3"


def test_sample_validates(school):
    School.model_validate(school.model_dump())
    assert school.flexible.early_leave_from == "15:10"


# ---- curriculum --------------------------------------------------------------------------------
def test_every_class_gets_exactly_its_plan(school):
    """开齐开足: per class and subject, assigned periods equal the (overridden) policy plan."""
    taught: dict[str, Counter] = defaultdict(Counter)
    for lesson in school.all_lessons:
        for group in lesson.groups:
            taught[group][lesson.subject] += lesson.periods_per_week
    for school_class in school.classes:
        plan = {s: n for s, n in school.resolved_policy.weekly_plan(school_class.grade).items() if n}
        assert dict(taught[school_class.id]) == plan, school_class.name


@pytest.mark.parametrize("school_id", REALISTIC)
def test_weekly_totals_stay_national(school_id):
    school = load_school(INSTANCES / f"{school_id}.json")
    for school_class in school.classes:
        assert sum(school.resolved_policy.weekly_plan(school_class.grade).values()) == WEEKLY_TOTAL[school_class.grade]


# ---- feasibility by counting -------------------------------------------------------------------
def test_class_lessons_fit_the_week(school):
    days = len(school.days)
    per_class = Counter()
    for lesson in school.all_lessons:
        for school_class in school.classes_of(lesson):
            per_class[school_class.id] += lesson.periods_per_week
    for c in school.classes:
        stage = school.resolved_policy.stages[c.stage]
        room = min(len(usable_periods(school, c.grade, c.stage)), stage.max_lessons_per_day) * days
        assert per_class[c.id] <= room, c.name
        for subject, n in school.resolved_policy.weekly_plan(c.grade).items():
            cap = school.subject_by_id[subject].max_per_day if n else 0
            if school.subject_by_id.get(subject) and school.subject_by_id[subject].category == "pe":
                cap = min(cap, school.resolved_policy.max_pe_per_day)
            assert n <= cap * days, (c.name, subject)


def test_daily_activity_hour_is_reachable(school):
    """每天校内体育活动1小时: blocks alone, or one PE/体育活动 lesson on every day."""
    policy = school.resolved_policy
    days = len(school.days)
    for c in school.classes:
        schedule = school.schedule_by_stage[c.stage]
        block = sum(b.minutes for b in schedule.blocks if b.physical_activity and b.days is None)
        need = policy.daily_activity_minutes - block
        if need <= 0:
            continue
        plan = policy.weekly_plan(c.grade)
        active = [
            s for s in plan if school.subject_by_id[s].category == "pe" or school.subject_by_id[s].counts_as_activity
        ]
        lesson_minutes = min(minutes(p.end) - minutes(p.start) for p in schedule.periods)
        assert lesson_minutes >= need
        assert sum(plan[s] for s in active) >= days, c.name


def available_slots(school: School, teacher_id: str, stage: str) -> int:
    teacher = school.teacher_by_id[teacher_id]
    free = 0
    for day in range(1, len(school.days) + 1):
        for period in school.schedule_by_stage[stage].periods:
            off = any(
                u.day == day and u.period == period.index and u.stage in (None, stage) for u in teacher.unavailable
            )
            busy = any(
                teacher_id in m.teachers
                and m.day == day
                and minutes(m.start) < minutes(period.end)
                and minutes(period.start) < minutes(m.end)
                for m in school.meetings
            )
            free += not (off or busy)
    return free


def test_teacher_loads_fit(school):
    loads, stages = teacher_loads(school), teacher_stages(school)
    for teacher in school.teachers:
        load = loads[teacher.id]
        assert load <= teacher.max_lessons_per_week, teacher.name
        assert load <= teacher.max_lessons_per_day * len(school.days), teacher.name
        # Slack for clashes: a teacher never needs more than 80 % of the slots still free.
        for stage in stages[teacher.id]:
            assert load <= 0.8 * available_slots(school, teacher.id, stage), teacher.name


@pytest.mark.parametrize("school_id", REALISTIC)
def test_realistic_teacher_loads(school_id):
    """Primary teachers 12–20 periods a week (full time); middle-school-only teachers 8–20."""
    school = load_school(INSTANCES / f"{school_id}.json")
    loads, stages = teacher_loads(school), teacher_stages(school)
    for teacher in school.teachers:
        if teacher.outside_staff:  # 校外指导教师: clubs only, no lessons
            continue
        low = 12 if "primary" in stages[teacher.id] else 8
        assert low <= loads[teacher.id] <= 20, (teacher.name, loads[teacher.id])
        assert 18 <= teacher.max_lessons_per_week <= 20
        assert 5 <= teacher.max_lessons_per_day <= 6


def test_room_demand_within_capacity(school):
    """Weekly lessons of a room type ≤ 70 % of (room capacity × periods a week)."""
    periods = len(school.days) * min(len(b.periods) for b in school.bell_schedules)
    demand, capacity = Counter(), Counter()
    for lesson in school.all_lessons:
        room_type = school.room_type_of(lesson)
        if room_type:
            demand[room_type] += lesson.periods_per_week
    for room in school.rooms:
        capacity[room.type] += room.capacity
    for room_type, n in demand.items():
        assert n <= 0.7 * capacity[room_type] * periods, room_type
    assert capacity["playground"] >= 3


def test_specialists_have_a_margin(school):
    """Teachers of PE, music, art and IT could teach ≥ 125 % of the demand (per-slot slack)."""
    demand, capacity = Counter(), Counter()
    for lesson in school.all_lessons:
        demand[lesson.subject] += lesson.periods_per_week
    for teacher in school.teachers:
        for subject in teacher.subjects:
            capacity[subject] += teacher.max_lessons_per_week
    for subject in ("pe", "music", "art", "it"):
        assert capacity[subject] >= 1.25 * demand[subject], subject


def test_pinned_lessons_do_not_collide(school):
    """班会 pins: each 班主任 and class at most once per pinned slot, inside the allowed day."""
    seen: set[tuple] = set()
    for lesson in school.lessons:
        for slot in lesson.pinned:
            stage = school.stage_of(lesson)
            grade = school.classes_of(lesson)[0].grade
            assert slot.period in usable_periods(school, grade, stage), lesson.id
            for who in (*lesson.teachers, *lesson.groups):
                key = (who, slot.day, stage, slot.period)
                assert key not in seen, lesson.id
                seen.add(key)
            for teacher_id in lesson.teachers:
                teacher = school.teacher_by_id[teacher_id]
                assert not any(u.day == slot.day and u.period == slot.period for u in teacher.unavailable)
    assert {lesson.subject for lesson in school.lessons} == {"class_meeting"}
    assert len(school.lessons) == len(school.classes)


# ---- the shape each sample promises --------------------------------------------------------------
def test_sample_shapes():
    rural = load_school(INSTANCES / "rural-6.json")
    assert len(rural.classes) == 6 and 9 <= len(rural.teachers) <= 11
    assert all(len(t.subjects) >= 2 for t in rural.teachers)

    urban = load_school(INSTANCES / "urban-24.json")
    assert len(urban.classes) == 24
    assert urban.resolved_policy.latest_lesson_end == {1: "15:00", 2: "15:00"}
    assert 5 <= sum("pe" in t.subjects for t in urban.teachers) <= 6

    for school_id, n_classes in (("large-48", 48), ("nine-year-36", 36)):
        school = load_school(INSTANCES / f"{school_id}.json")
        assert len(school.classes) == n_classes
        assert "pe_activity" in school.subject_by_id
        assert not any(b.name == "课外体育活动" for s in school.bell_schedules for b in s.blocks)

    nine = load_school(INSTANCES / "nine-year-36.json")
    assert {b.stage for b in nine.bell_schedules} == {"primary", "middle"}
    assert [r.name for r in nine.rooms if r.type == "playground"] == ["操场"]
    both = {t for t, stages in teacher_stages(nine).items() if len(stages) == 2}
    assert {s for t in both for s in nine.teacher_by_id[t].subjects} >= {"pe", "music", "art", "it"}

    tiny = load_school(INSTANCES / "tiny-3.json")
    assert {c.grade for c in tiny.classes} == {3} and len(tiny.classes) == 3


# ---- feasibility by a solver ---------------------------------------------------------------------


# ---- after-school "5+2" data ---------------------------------------------------------------------
@pytest.mark.parametrize("school_id", ["urban-24", "large-48", "nine-year-36"])
def test_after_school_data_is_realistic(school_id):
    school = load_school(INSTANCES / f"{school_id}.json")
    after = school.after_school
    assert after is not None and 20 <= len(after.clubs) <= 30
    assert {"足球", "篮球", "跳绳", "舞蹈", "合唱", "书法", "绘画", "编程", "围棋", "阅读"} <= {
        c.name for c in after.clubs
    }
    outside = [t for t in school.teachers if t.outside_staff]
    assert outside and all(t.after_school_days and len(t.after_school_days) < 5 for t in outside)
    pupils = after.pupils
    assert sum(c.pupils for c in school.classes) == len(pupils)
    staying = [p for p in pupils if 2 in p.until]
    assert 0.85 <= len(staying) / len(pupils) <= 0.95
    assert all(p.choices for p in staying)
    first = Counter(p.choices[0] for p in staying)
    assert max(first.values()) >= 3 * min(first.values())  # uneven popularity
    for club in after.clubs:
        members = [p for p in staying if school.class_by_id[p.class_id].grade in club.grades]
        assert club.min_size <= len(members)
    seats = sum(c.max_size for c in after.clubs)
    assert seats >= len(staying)


def test_small_schools_have_no_after_school():
    assert load_school(INSTANCES / "rural-6.json").after_school is None
    assert load_school(INSTANCES / "tiny-3.json").after_school is None
