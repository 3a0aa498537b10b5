"""The model's relation rules and the checker's agree: on random relations and random placements, the model
(lesson count, pinned slots and the relation rules only) accepts the placements exactly when the checker
finds no relation violation — and the checker never raises."""

from __future__ import annotations

from hypothesis import event, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from scheduler.check import check
from scheduler.domain import School
from scheduler.model.lessons import add_lesson_count, add_pinned
from scheduler.model.relations import (
    add_consecutive,
    add_ends_day,
    add_grouped,
    add_ordered,
    add_ordered_if_same_day,
    add_same_day,
    add_same_hour,
)
from scheduler.model.variables import build_vars
from scheduler.solution import Placement, Solution
from tests.check.schools import school_data
from tests.fet.test_fet_relations import FIELDS as RELATION_FIELDS

RELATION_RULES = ["consecutive", "grouped", "ordered", "ordered_if_same_day", "ends_day", "same_day", "same_hour"]
MODEL_RULES = [
    add_consecutive,
    add_grouped,
    add_ordered,
    add_ordered_if_same_day,
    add_ends_day,
    add_same_day,
    add_same_hour,
]
SINGLE = ["c1.pe", "c2.pe", "c1.music", "c2.music", "c1.art"]  # one session each (c1.art a double)
DOUBLE = ["c1.math", "c2.math"]  # two sessions each


@st.composite
def related_schools(draw: st.DrawFn) -> School:
    """The checker tests' school plus a double 美术 lesson, with one or two random relations."""
    data = school_data()
    data["lessons"].append({"id": "c1.art", "subject": "art", "teachers": ["t3"], "groups": ["c1"], "duration": 2})
    lessons = {lesson["id"]: lesson for lesson in data["lessons"]}
    for _ in range(draw(st.integers(1, 2))):
        lesson_id = draw(st.sampled_from(sorted(lessons)))
        lesson = lessons[lesson_id]
        peers = [x for x in (SINGLE if lesson_id in SINGLE else DOUBLE) if x != lesson_id]
        others = [x for x in lessons if x != lesson_id]
        field = draw(st.sampled_from(RELATION_FIELDS))
        if field == "ends_day":
            lesson[field] = True
        elif field == "grouped_with":
            lesson[field] = draw(st.lists(st.sampled_from(peers), min_size=1, max_size=2, unique=True))
        elif field.startswith("ordered"):
            lesson[field] = [draw(st.sampled_from(others))]
        else:
            lesson[field] = draw(st.sampled_from(peers))
    return School.model_validate(data)


@st.composite
def placements(draw: st.DrawFn, school: School) -> list[Placement]:
    """Each lesson's sessions in distinct slots of the first three periods (so relations hold now and then)."""
    out = []
    for lesson in school.lessons:
        slots = draw(
            st.lists(
                st.tuples(st.integers(1, 2), st.integers(1, 3)),
                min_size=lesson.count,
                max_size=lesson.count,
                unique=True,
            )
        )
        out += [Placement(lesson=lesson.id, day=d, period=p) for d, p in slots]
    return out


def _model_accepts(school: School, rows: list[Placement]) -> bool:
    data = school.model_dump()
    for lesson in data["lessons"]:
        lesson["pinned"] = [{"day": p.day, "period": p.period} for p in rows if p.lesson == lesson["id"]]
    pinned = School.model_validate(data)
    m = cp_model.CpModel()
    v = build_vars(m, pinned)
    for rule in [add_lesson_count, add_pinned, *MODEL_RULES]:
        rule(m, v)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    return solver.solve(m) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_model_and_checker_agree_on_relations(data: st.DataObject) -> None:
    school = data.draw(related_schools())
    rows = data.draw(placements(school))
    report = check(school, Solution(school_id=school.id, placements=rows))
    broken = [v.message for v in report.violations if v.rule in RELATION_RULES]
    event("relations hold" if not broken else "a relation broken")
    assert _model_accepts(school, rows) == (not broken), broken


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_the_relation_checks_never_raise_on_any_placements(data: st.DataObject) -> None:
    school = data.draw(related_schools())
    rows = data.draw(
        st.lists(
            st.builds(
                Placement.model_construct,
                lesson=st.sampled_from([lesson.id for lesson in school.lessons] + ["nope"]),
                day=st.integers(-1, 3),
                period=st.integers(-1, 6),
            ),
            max_size=12,
        )
    )
    report = check(school, Solution.model_construct(school_id=school.id, placements=rows))
    assert all(v.message for v in report.violations)
