"""The job runner: solves in background threads, at most N at once, the rest wait in a queue.

A job goes queued → running → done | infeasible | failed | cancelled. A solver exception
marks it failed with the message; cancel sets the ``stop`` event that ``solve`` watches.
When the service stops, running solves are stopped and marked interrupted; queued jobs stay
queued in the database and the next start-up marks them interrupted (``Store.interrupt_active``).
"""

from __future__ import annotations

import logging
import queue
import threading
import time

from scheduler.check import check
from scheduler.domain import School
from scheduler.solution import Solution
from scheduler.solve import Progress, Result, SolveOptions, solve
from service.db import now
from service.store import Store

log = logging.getLogger("service.jobs")

NO_TIMETABLE = "在时限内未找到可行课表（可延长时限后重试）"


class JobRunner:
    def __init__(self, store: Store, max_concurrent: int = 1, progress_interval: float = 0.5):
        self.store = store
        self.max_concurrent = max_concurrent
        self.progress_interval = progress_interval
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._stops: dict[str, threading.Event] = {}  # running job → its stop event
        self._cancelled: set[str] = set()
        self._live: dict[str, Progress] = {}  # freshest progress, newer than the database copy
        self._lock = threading.Lock()
        self._closing = threading.Event()

    # ---- called by the API ----------------------------------------------------------------
    def submit(self, job_id: str) -> None:
        with self._lock:
            if self._closing.is_set():
                return
            if not self._threads:
                for n in range(self.max_concurrent):
                    thread = threading.Thread(target=self._work, name=f"solver-{n + 1}", daemon=True)
                    thread.start()
                    self._threads.append(thread)
        self._queue.put(job_id)

    def cancel(self, job_id: str) -> bool:
        """Ask a queued or running job to stop; False if it is in neither state."""
        with self._lock:
            stop = self._stops.get(job_id)
            if stop is not None:
                self._cancelled.add(job_id)
                stop.set()
                return True
        return self.store.transition(
            job_id, ["queued"], status="cancelled", finished_at=now(), message="已取消（尚未开始）"
        )

    def live_progress(self, job_id: str) -> Progress | None:
        return self._live.get(job_id)

    def running(self) -> list[str]:
        with self._lock:
            return list(self._stops)

    def close(self, timeout: float = 10.0) -> None:
        """Stop running solves (they become interrupted) and the worker threads."""
        with self._lock:
            self._closing.set()
            for stop in self._stops.values():
                stop.set()
            threads = list(self._threads)
        for _ in threads:
            self._queue.put(None)
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    # ---- worker threads ---------------------------------------------------------------------
    def _work(self) -> None:
        while True:
            job_id = self._queue.get()
            if job_id is None or self._closing.is_set():
                return
            try:
                self._run(job_id)
            except Exception:  # the runner must outlive any one job
                log.exception("job %s: unexpected error in the runner", job_id)
                self.store.finish(job_id, "failed", message="内部错误：任务执行器出错")

    def _run(self, job_id: str) -> None:
        stop = threading.Event()
        with self._lock:
            if self._closing.is_set():
                return
            if not self.store.transition(job_id, ["queued"], status="running", started_at=now()):
                return  # cancelled while queued, or its school was deleted
            self._stops[job_id] = stop
        job = self.store.get_job(job_id)
        try:
            if job is None:
                return
            last_write = [0.0]

            def on_progress(progress: Progress) -> None:
                self._live[job_id] = progress
                if time.monotonic() - last_write[0] >= self.progress_interval:
                    last_write[0] = time.monotonic()
                    self.store.set_progress(job_id, progress.model_dump())

            try:
                school = School.model_validate(job.school_data)
                baseline = self._baseline(job)
                options = SolveOptions(time_limit=job.time_limit, workers=job.workers, seed=job.seed, baseline=baseline)
                result = solve(school, options, progress=on_progress, stop=stop)
            except Exception as exc:
                log.warning("job %s failed: %s", job_id, exc, exc_info=True)
                self.store.finish(job_id, "failed", message=f"求解出错：{type(exc).__name__}: {exc}")
                return
            self._record(job_id, school, result)
        finally:
            with self._lock:
                self._stops.pop(job_id, None)
                self._cancelled.discard(job_id)
            self._live.pop(job_id, None)

    def _baseline(self, job) -> Solution | None:
        """The timetable a re-planning job stays close to (read when the job starts)."""
        if job.baseline_job_id is None:
            return None
        row = self.store.get_result(job.baseline_job_id)
        if row is None:
            raise ValueError(f"基准任务 {job.baseline_job_id} 的课表已不存在")
        return Solution.model_validate(row.solution)

    def _record(self, job_id: str, school: School, result: Result) -> None:
        summary = summarise(result)
        progress = {
            "elapsed": result.wall_time,
            "objective": result.objective,
            "bound": result.bound,
            "gap": result.gap,
            "solutions": (self._live[job_id].solutions if job_id in self._live else 0),
        }
        with self._lock:
            cancelled = job_id in self._cancelled
        interrupted = self._closing.is_set() and not cancelled
        stored = None
        message = None
        if result.solution is not None:
            report, problem = None, None
            try:
                report = check(school, result.solution).model_dump(mode="json")
                summary["report"] = {"ok": report_ok(report), "hard": hard_count(report)}
            except Exception as exc:
                problem = f"课表已生成，但检查器出错：{type(exc).__name__}: {exc}"
                log.warning("job %s: checker failed", job_id, exc_info=True)
            stored = (result.solution.model_dump(mode="json"), report)
            message = problem
        if interrupted:
            status, message = "interrupted", "服务停止时求解被中断（可重新开始）"
            stored = None
        elif cancelled:
            status = "cancelled"
            message = "已取消" + ("；保留了取消前找到的最好课表" if stored else "")
        elif result.status in ("optimal", "feasible"):
            status = "done"
        elif result.status == "infeasible":
            status = "infeasible"
            message = "该学校的数据无法排出满足全部硬性规则的课表，见 explanation"
        elif result.status == "invalid":
            status, message = "failed", "求解模型无效（内部错误）"
        else:
            status, message = "failed", NO_TIMETABLE
        self.store.finish(
            job_id,
            status,
            result=stored,
            summary=summary,
            progress=progress,
            explanation=[f.model_dump(mode="json") for f in result.explanation],
            message=message,
        )


def summarise(result: Result) -> dict:
    """The result as a small dict for the job: everything but the timetable itself."""
    return result.model_dump(mode="json", exclude={"solution", "explanation"})


def report_ok(report: dict) -> bool:
    return hard_count(report) == 0


def hard_count(report: dict) -> int:
    return sum(1 for v in report.get("violations", []) if v.get("severity", "hard") == "hard")
