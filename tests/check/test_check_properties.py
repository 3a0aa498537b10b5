"""Property tests: the checker never raises, and a duplicated session is always caught."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.check import check
from scheduler.solution import Placement, Solution
from tests.check.schools import sectioned_school

SCHOOL = sectioned_school()
LESSONS = SCHOOL.all_lessons
N_DAYS = len(SCHOOL.days)
N_PERIODS = len(SCHOOL.bell_schedules[0].periods)
WHOLE_CLASS = {lesson.id for lesson in LESSONS if all(":" not in g for g in lesson.groups)}

any_placement = st.builds(
    Placement.model_construct,  # no validation: an audited file may hold anything
    lesson=st.sampled_from([lesson.id for lesson in LESSONS] + ["nope"]),
    day=st.integers(-1, N_DAYS + 1),
    period=st.integers(-1, N_PERIODS + 2),
    room=st.sampled_from([None, "m1", "r1", "nope"]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(any_placement, max_size=20))
def test_the_checker_never_raises(placements: list[Placement]) -> None:
    report = check(SCHOOL, Solution.model_construct(school_id=SCHOOL.id, placements=placements))
    assert set(report.soft) == {
        "teacher_gaps",
        "core_in_afternoon",
        "same_subject_same_day",
        "same_subject_in_a_row",
        "teacher_daily_overload",
        "class_daily_overload",
        "flexible_day_shortfall",
    }
    assert all(v.message for v in report.violations)


@st.composite
def counted_timetables(draw: st.DrawFn) -> list[Placement]:
    """Every lesson placed exactly ``count`` times, each in a slot that exists."""
    placements = []
    for lesson in LESSONS:
        for _ in range(lesson.count):
            placements.append(
                Placement(
                    lesson=lesson.id,
                    day=draw(st.integers(1, N_DAYS)),
                    period=draw(st.integers(1, N_PERIODS - lesson.duration + 1)),
                    room=draw(st.sampled_from([None, "m1"])),
                )
            )
    return placements


@settings(max_examples=100, deadline=None)
@given(counted_timetables(), st.data())
def test_a_duplicated_whole_class_session_is_a_clash_and_a_count_error(
    placements: list[Placement], data: st.DataObject
) -> None:
    duplicate = data.draw(st.sampled_from([p for p in placements if p.lesson in WHOLE_CLASS]))
    report = check(SCHOOL, Solution(school_id=SCHOOL.id, placements=[*placements, duplicate]))
    assert "class_clash" in report.counts()
    assert "lesson_count" in report.counts()
    assert duplicate.lesson in {v.lesson_id for v in report.of("lesson_count")}
    class_id = SCHOOL.lesson_by_id[duplicate.lesson].groups[0]
    assert (class_id, duplicate.day) in {(v.class_id, v.day) for v in report.of("class_clash")}
