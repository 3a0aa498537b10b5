"""Parsed results, cached: a finished job's school and timetable never change, so parse them once."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from scheduler.check import Report
from scheduler.domain import School
from scheduler.solution import Solution


@dataclass(frozen=True)
class Loaded:
    job_id: str
    school: School
    solution: Solution
    report: Report | None
    grids: dict = field(default_factory=dict)  # (kind, id) → GridOut, built on first read


class ResultCache:
    def __init__(self, size: int = 32):
        self.size = size
        self._items: OrderedDict[str, Loaded] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, job_id: str) -> Loaded | None:
        with self._lock:
            item = self._items.get(job_id)
            if item is not None:
                self._items.move_to_end(job_id)
            return item

    def put(self, item: Loaded) -> Loaded:
        with self._lock:
            self._items[item.job_id] = item
            self._items.move_to_end(item.job_id)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return item

    def forget_school(self, school_id: str) -> None:
        with self._lock:
            for job_id in [k for k, v in self._items.items() if v.school.id == school_id]:
                del self._items[job_id]
