"""人员测算: how many teachers of a subject does the school need?

The subject's single-teacher assignments are re-dealt over the teachers who hold them now plus
k generic new teachers ("待聘体育教师1…k"), or, for k < 0, over all but the last |k| of them, by
``DEAL_RULE`` (k = 0 is the school as it is, with its own 任课安排); the smallest k in (1 − existing)…max_extra whose school can be timetabled is found by
bisection (the answer may be fewer teachers than the school has). A probe is the counting pre-check, then a
feasibility-only CP-SAT solve with a short time limit. A probe that runs out of time is reported
as unknown, never as infeasible, and the answer says whether it is proven minimal.
"""

from __future__ import annotations

import time
from typing import Literal

from ortools.sat.python import cp_model
from pydantic import BaseModel

from scheduler.domain import School
from scheduler.explain import precheck
from scheduler.load import InputError
from scheduler.model import build_model
from scheduler.scenarios.edits import assignment_periods, teacher_loads
from scheduler.solution import Solution

DEAL_RULE = (
    "该学科的单人任课安排按年级、班级顺序逐个分给当时剩余周课时最多的教师（现有教师在前，待聘教师在后，"
    "一样多时取排在前面的）；待聘教师的周、日课时上限取现有该学科教师的最大值"
)

ProbeStatus = Literal["feasible", "infeasible", "unknown"]
PROBE_WORDS = {"feasible": "可行", "infeasible": "无解", "unknown": "时限内未定"}


class Probe(BaseModel):
    extra: int  # generic teachers added
    teachers: int  # teachers of the subject in the probe
    status: ProbeStatus
    seconds: float
    reason: str = ""  # why infeasible (the first pre-check finding), when known


class StaffingAnswer(BaseModel):
    subject: str
    subject_name: str
    existing: int  # teachers who teach the subject now
    max_extra: int
    needed_extra: int | None = None  # None: no feasible count found within max_extra
    needed_total: int | None = None
    proven_minimal: bool = False  # every smaller count was proven infeasible (or it is 0)
    rule: str = DEAL_RULE
    message: str = ""
    probes: list[Probe] = []


def subject_teachers(school: School, subject: str) -> list[str]:
    """School teachers who hold an assignment of ``subject`` now, in teacher order."""
    holders = {t for a in school.assignments if a.subject == subject for t in a.teachers}
    return [t.id for t in school.teachers if t.id in holders and not t.outside_staff]


def staffed(school: School, subject: str, extra: int) -> School:
    """``school`` with ``extra`` generic teachers of ``subject`` (``extra`` < 0: that many of the current
    ones hold none of its lessons) and its assignments re-dealt (DEAL_RULE)."""
    if extra == 0:
        return school  # today's staffing and assignments, as the school has them
    name = school.subject_by_id[subject].name
    existing = subject_teachers(school, subject)
    holders = [school.teacher_by_id[t] for t in existing]
    per_week = max((t.max_lessons_per_week for t in holders), default=18)
    per_day = max((t.max_lessons_per_day for t in holders), default=5)
    data = school.model_dump(mode="json")
    new_ids = []
    for k in range(1, extra + 1):
        teacher_id = f"hire-{subject}-{k}"
        while teacher_id in school.teacher_by_id:
            teacher_id += "x"
        new_ids.append(teacher_id)
        data["teachers"].append(
            {
                "id": teacher_id,
                "name": f"待聘{name}教师{k}",
                "subjects": [subject],
                "max_lessons_per_week": per_week,
                "max_lessons_per_day": per_day,
            }
        )
    pool = existing[: len(existing) + extra] if extra < 0 else existing + new_ids
    if not pool:
        raise ValueError(f"at least one {subject} teacher is needed")
    dealt = [a for a in data["assignments"] if a["subject"] == subject and len(a["teachers"]) == 1]
    loads = teacher_loads(school)
    spare = {t: school.teacher_by_id[t].max_lessons_per_week - loads[t] for t in existing}
    for a in dealt:
        spare[a["teachers"][0]] += assignment_periods(school, a)  # what they hold now is dealt again
    spare |= {t: per_week for t in new_ids}
    order = {t: i for i, t in enumerate(pool)}
    grade = {c.id: (c.grade, i) for i, c in enumerate(school.classes)}
    for t in existing[len(pool) :]:
        spare.pop(t)  # left out of this probe: they keep their other subjects only
    for a in sorted(dealt, key=lambda a: grade[a["class_id"]]):
        pick = max(pool, key=lambda t: (spare[t], -order[t]))
        spare[pick] -= assignment_periods(school, a)
        a["teachers"] = [pick]
    return School.model_validate(data)


def probe(school: School, time_limit: float, workers: int = 1, hint: Solution | None = None) -> tuple[ProbeStatus, str]:
    """Can ``school`` be timetabled? Pre-check by counting, then CP-SAT without the soft goals.

    ``hint`` (the base timetable) warm-starts the search: re-dealing teachers keeps the lesson ids.
    """
    findings = precheck(school)
    if findings:
        return "infeasible", findings[0].message
    built = build_model(school, objective=False)
    if hint is not None:
        placed = {(p.lesson, p.day, p.period) for p in hint.placements}
        for key, var in built.vars.start.items():
            built.model.add_hint(var, key in placed)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    status = solver.solve(built.model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return "feasible", ""
    if status == cp_model.INFEASIBLE:
        return "infeasible", "求解器证明无解"
    return "unknown", f"{time_limit:g} 秒内未定"


def teachers_needed(
    school: School,
    subject: str,
    max_extra: int = 3,
    time_limit: float = 30.0,
    workers: int = 1,
    hint: Solution | None = None,
) -> StaffingAnswer:
    """The smallest k in (1 − existing)…max_extra of added (k < 0: removed) teachers for which
    ``school`` is feasible.

    Probes k = 0 first (today's count). When it is feasible, bisects downwards to find whether fewer
    would do; otherwise probes max_extra and bisects upwards. Assumes more teachers never hurt.
    Unknown probes count as "not shown feasible".
    """
    if subject not in school.subject_by_id:
        raise InputError("人员测算", [f"subject: 没有这个学科：'{subject}'"])
    existing = subject_teachers(school, subject)
    answer = StaffingAnswer(
        subject=subject, subject_name=school.subject_by_id[subject].name, existing=len(existing), max_extra=max_extra
    )
    if not any(a.subject == subject for a in school.assignments):
        answer.message = f"{answer.subject_name} 没有任课安排，无需测算"
        return answer
    seen: dict[int, ProbeStatus] = {}

    def run(k: int) -> ProbeStatus:
        started = time.perf_counter()
        status, reason = probe(staffed(school, subject, k), time_limit, workers, hint)
        seconds = round(time.perf_counter() - started, 2)
        answer.probes.append(Probe(extra=k, teachers=len(existing) + k, status=status, seconds=seconds, reason=reason))
        seen[k] = status
        return status

    def smallest_feasible(lo: int, hi: int) -> int:
        """Bisection for the smallest feasible k in lo…hi, knowing hi is feasible."""
        while lo < hi:
            mid = (lo + hi) // 2
            if run(mid) == "feasible":
                hi = mid
            else:
                lo = mid + 1
        return hi

    lowest = 1 - len(existing)  # at least one teacher of the subject
    hi = None
    if run(0) == "feasible":
        hi = smallest_feasible(lowest, 0)
    elif max_extra > 0 and run(max_extra) == "feasible":
        hi = smallest_feasible(1, max_extra)
    name = answer.subject_name
    if hi is None:
        unknown = any(s == "unknown" for s in seen.values())
        answer.message = f"增加 {max_extra} 位{name}教师后仍{'未能在时限内排出' if unknown else '无法排出'}课表" + (
            "（有探测超时，结论未定）" if unknown else ""
        )
        return answer
    answer.needed_extra, answer.needed_total = hi, len(existing) + hi
    answer.proven_minimal = hi == lowest or seen.get(hi - 1) == "infeasible"
    if hi <= 0:
        fewer = f"，比现在少 {-hi} 位" if hi < 0 else ""
        proof = "" if answer.proven_minimal else "；更少的人数有探测在时限内未定，未证明是最少"
        answer.message = f"{answer.needed_total} 位{name}教师即可排出课表（现有 {len(existing)} 位{fewer}，按测算规则重新分配任课）{proof}"
    elif answer.proven_minimal:
        answer.message = f"至少需要 {answer.needed_total} 位{name}教师（现有 {len(existing)} 位，需增加 {hi} 位）"
    else:
        answer.message = (
            f"{answer.needed_total} 位{name}教师可行（增加 {hi} 位）；更少的人数有探测在时限内未定，未证明是最少"
        )
    return answer
