"""Scenario runs in the background: one worker thread takes queued runs in order.

A run goes queued → running → done | failed. Within a run, ``run_scenarios`` solves up to
``max_concurrent_solves`` schools at once (in worker processes when more than one). A run the
service did not finish (stopped or crashed) is marked interrupted when the runner starts.
"""

from __future__ import annotations

import logging
import queue
import threading

from scheduler.domain import School
from scheduler.scenarios import ScenarioSet, run_scenarios
from service.db import now
from service.store import Store

log = logging.getLogger("service.scenarios")


class ScenarioRunner:
    def __init__(self, store: Store, parallel: int = 1):
        self.store = store
        self.parallel = parallel
        self._queue: queue.Queue[str] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        interrupted = store.interrupt_scenario_runs()
        if interrupted:
            log.warning("marked %d unfinished scenario run(s) from a previous run as interrupted", interrupted)

    def submit(self, run_id: str) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="scenarios", daemon=True)
                self._thread.start()
        self._queue.put(run_id)

    def _work(self) -> None:
        while True:
            run_id = self._queue.get()
            try:
                self._run(run_id)
            except Exception as exc:  # the runner must outlive any one run
                log.exception("scenario run %s failed", run_id)
                self.store.update_scenario_run(
                    run_id, ["running"], status="failed", finished_at=now(), message=f"内部错误：{type(exc).__name__}"
                )

    def _run(self, run_id: str) -> None:
        if not self.store.update_scenario_run(run_id, ["queued"], status="running", started_at=now()):
            return
        row = self.store.get_scenario_run(run_id)
        school = School.model_validate(row.school_data)
        scenarios = ScenarioSet.model_validate(row.request)
        comparison = run_scenarios(school, scenarios, parallel=self.parallel)
        self.store.update_scenario_run(
            run_id, ["running"], status="done", finished_at=now(), comparison=comparison.model_dump(mode="json")
        )
