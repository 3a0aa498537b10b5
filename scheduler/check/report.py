"""What the checker returns: violations with a rule id and a message a school can read."""

from __future__ import annotations

from collections import Counter
from typing import Literal

from pydantic import BaseModel


class Violation(BaseModel):
    rule: str  # stable id, e.g. "teacher_clash"
    severity: Literal["hard", "soft"] = "hard"
    message: str  # Chinese, with names from the data: "三年级2班 周三 体育活动仅 30 分钟，少于 60 分钟"
    class_id: str | None = None
    teacher_id: str | None = None
    room_id: str | None = None
    lesson_id: str | None = None
    day: int | None = None
    period: int | None = None


class Report(BaseModel):
    school_id: str
    violations: list[Violation] = []
    soft: dict[str, int] = {}  # soft-goal terms recomputed from the timetable (docs/RULES.md)

    @property
    def hard(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == "hard"]

    @property
    def ok(self) -> bool:
        return not self.hard

    def of(self, rule: str) -> list[Violation]:
        """The violations of one rule."""
        return [v for v in self.violations if v.rule == rule]

    def counts(self) -> dict[str, int]:
        return dict(Counter(v.rule for v in self.hard))

    def summary(self) -> str:
        if self.ok:
            return "检查通过：没有违反硬性规则"
        parts = "，".join(f"{rule} {n} 处" for rule, n in sorted(self.counts().items()))
        return f"检查未通过：{len(self.hard)} 处违反硬性规则（{parts}）"
