"""The independent checker: reads a School and a Solution, lists every broken rule.

It never imports ``scheduler.model``: it recomputes everything from the data, so a bug in
the model cannot hide itself.
"""

from scheduler.check.report import Report, Violation
from scheduler.check.rules import check

__all__ = ["Report", "Violation", "check"]
