"""What each class is taught: the weekly plan in full (开齐开足) and per-day subject caps."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from scheduler.check.context import Context
from scheduler.check.report import Violation


def check_weekly_hours(ctx: Context) -> Iterator[Violation]:
    """开齐开足: every atom gets exactly the planned periods of every subject of its grade's plan."""
    for school_class in ctx.school.classes:
        plan = ctx.policy.weekly_plan(school_class.grade)
        for atom in school_class.atoms():
            taught: Counter[str] = Counter()
            for session in ctx.by_atom.get(atom, []):
                taught[session.lesson.subject] += session.lesson.duration
            for subject, planned in plan.items():
                if taught[subject] == planned:
                    continue
                more_or_less = "少于" if taught[subject] < planned else "多于"
                yield Violation(
                    rule="weekly_hours",
                    message=(
                        f"{ctx.atom_name(atom)} {ctx.subject_name(subject)} 每周 {taught[subject]} 节，"
                        f"{more_or_less}课程方案规定的 {planned} 节"
                    ),
                    class_id=school_class.id,
                )


def check_subject_per_day(ctx: Context) -> Iterator[Violation]:
    """Periods of a subject per atom and day ≤ its ``max_per_day``; PE also ≤ ``policy.max_pe_per_day``."""
    for atom in ctx.atoms:
        per_day: Counter[tuple[int, str]] = Counter()
        for session in ctx.by_atom.get(atom, []):
            per_day[session.day, session.lesson.subject] += session.lesson.duration
        for (day, subject_id), taught in sorted(per_day.items()):
            subject = ctx.school.subject_by_id[subject_id]
            cap = subject.max_per_day
            if subject.category == "pe":
                cap = min(cap, ctx.policy.max_pe_per_day)
            if taught > cap:
                yield Violation(
                    rule="subject_per_day",
                    message=f"{ctx.atom_name(atom)} {ctx.day_name(day)} 有 {taught} 节{subject.name}，每天最多 {cap} 节",
                    class_id=atom.partition(":")[0],
                    day=day,
                )
