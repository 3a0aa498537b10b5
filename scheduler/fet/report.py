"""What an import or export kept, changed and could not carry: data, printed by the CLI."""

from __future__ import annotations

from collections import defaultdict
from typing import Literal

from pydantic import BaseModel, Field

Outcome = Literal["mapped", "approximated", "not_represented", "soft_not_represented", "inactive"]

OUTCOME_WORDS: dict[str, str] = {
    "mapped": "mapped exactly",
    "approximated": "approximated (see notes)",
    "not_represented": "NOT represented",
    "soft_not_represented": "soft (<100%), NOT represented",
    "inactive": "inactive in FET, ignored",
}


class ConstraintOutcome(BaseModel):
    """All FET constraints of one type that had the same fate."""

    type: str  # FET element name, e.g. ConstraintTeacherMaxGapsPerWeek
    outcome: Outcome
    count: int
    weights: list[float]  # distinct Weight_Percentage values, ascending
    note: str = ""


class ImportReport(BaseModel):
    source: str
    counts: dict[str, int] = {}
    constraints: list[ConstraintOutcome] = []
    lossy: list[str] = []  # mappings that changed meaning, one line each
    dropped: list[str] = []  # FET records that are not in the School, one line each
    # how FET's names map onto the School, to read a timetable FET made (scheduler/fet/timetable.py);
    # not part of the printed or serialised report
    activity_lessons: dict[int, str] = Field(default_factory=dict, exclude=True)  # FET activity id → lesson id
    day_numbers: dict[str, int] = Field(default_factory=dict, exclude=True)  # FET day name → day (1-based)
    hour_periods: dict[str, int] = Field(default_factory=dict, exclude=True)  # FET hour name → period
    room_ids: dict[str, str] = Field(default_factory=dict, exclude=True)  # FET room name → room id

    @property
    def unsupported(self) -> list[ConstraintOutcome]:
        """Constraints the School does not enforce as FET would."""
        return [c for c in self.constraints if c.outcome in ("not_represented", "soft_not_represented")]

    def outcome_of(self, fet_type: str) -> dict[str, int]:
        """{outcome: count} for one FET constraint type."""
        out: dict[str, int] = defaultdict(int)
        for c in self.constraints:
            if c.type == fet_type:
                out[c.outcome] += c.count
        return dict(out)

    def lines(self) -> list[str]:
        out = [f"FET import of {self.source}"]
        out.append("  " + ", ".join(f"{k} {v}" for k, v in self.counts.items()))
        out.append("Constraints:")
        for c in sorted(self.constraints, key=lambda c: (c.outcome, c.type)):
            weights = "/".join(f"{w:g}%" for w in c.weights)
            note = f" — {c.note}" if c.note else ""
            out.append(f"  [{OUTCOME_WORDS[c.outcome]}] {c.type} ×{c.count} (weight {weights}){note}")
        if self.lossy:
            out.append("Lossy mappings:")
            out += [f"  - {line}" for line in self.lossy]
        if self.dropped:
            out.append("Not imported:")
            out += [f"  - {line}" for line in self.dropped]
        return out


class ExportReport(BaseModel):
    target: str
    counts: dict[str, int] = {}
    expressed: list[str] = []  # rules written as FET constraints
    not_expressed: list[str] = []  # rules FET does not get, one line each

    def lines(self) -> list[str]:
        out = [f"FET export to {self.target}", "  " + ", ".join(f"{k} {v}" for k, v in self.counts.items())]
        out.append("Written as FET constraints:")
        out += [f"  - {line}" for line in self.expressed]
        if self.not_expressed:
            out.append("Not expressible in FET (not in the file):")
            out += [f"  - {line}" for line in self.not_expressed]
        return out
