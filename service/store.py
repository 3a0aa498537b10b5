"""The service's data access: schools, jobs and results in the database, one short session per call."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import sessionmaker

from scheduler.domain import School
from service.db import JobRow, ResultRow, ScenarioRunRow, SchoolRow, now

ACTIVE = ("queued", "running")  # a job in these states is (or should be) in the runner


class Conflict(Exception):
    """The request clashes with what is stored (an id that exists, a job in the wrong state)."""


class Store:
    def __init__(self, sessions: sessionmaker):
        self.sessions = sessions

    # ---- schools ------------------------------------------------------------------------
    def list_schools(self) -> list[SchoolRow]:
        with self.sessions() as session:
            return list(session.scalars(select(SchoolRow).order_by(SchoolRow.id)))

    def count_schools(self) -> int:
        with self.sessions() as session:
            return session.scalar(select(func.count()).select_from(SchoolRow)) or 0

    def get_school(self, school_id: str) -> SchoolRow | None:
        with self.sessions() as session:
            return session.get(SchoolRow, school_id)

    def create_school(self, school: School) -> SchoolRow:
        with self.sessions.begin() as session:
            if session.get(SchoolRow, school.id) is not None:
                raise Conflict(f"school '{school.id}' already exists; replace it with PUT /schools/{school.id}")
            row = SchoolRow(id=school.id, name=school.name, data=school_json(school), version=1)
            session.add(row)
        return row

    def replace_school(self, school_id: str, school: School) -> SchoolRow | None:
        with self.sessions.begin() as session:
            row = session.get(SchoolRow, school_id)
            if row is None:
                return None
            row.name, row.data, row.version, row.updated_at = school.name, school_json(school), row.version + 1, now()
        return row

    def delete_school(self, school_id: str) -> list[str] | None:
        """Delete the school with its jobs and results; returns the ids of its jobs (None: no such school)."""
        with self.sessions.begin() as session:
            if session.get(SchoolRow, school_id) is None:
                return None
            job_ids = list(session.scalars(select(JobRow.id).where(JobRow.school_id == school_id)))
            if job_ids:
                session.execute(delete(ResultRow).where(ResultRow.job_id.in_(job_ids)))
                session.execute(delete(JobRow).where(JobRow.id.in_(job_ids)))
            session.execute(delete(SchoolRow).where(SchoolRow.id == school_id))
        return job_ids

    # ---- jobs ---------------------------------------------------------------------------
    def create_job(
        self, school: SchoolRow, time_limit: float, workers: int, seed: int, baseline_job_id: str | None = None
    ) -> JobRow:
        with self.sessions.begin() as session:
            row = JobRow(
                id=uuid.uuid4().hex,
                school_id=school.id,
                school_version=school.version,
                school_data=school.data,
                status="queued",
                time_limit=time_limit,
                workers=workers,
                seed=seed,
                created_at=now(),
                baseline_job_id=baseline_job_id,
            )
            session.add(row)
        return row

    def get_job(self, job_id: str) -> JobRow | None:
        with self.sessions() as session:
            return session.get(JobRow, job_id)

    def list_jobs(self, school_id: str | None = None, limit: int = 100) -> list[JobRow]:
        query = select(JobRow).order_by(JobRow.created_at.desc()).limit(limit)
        if school_id is not None:
            query = query.where(JobRow.school_id == school_id)
        with self.sessions() as session:
            return list(session.scalars(query))

    def transition(self, job_id: str, from_states: Iterable[str], **values) -> bool:
        """Set ``values`` on the job only if it is in one of ``from_states`` (atomic); True if it was."""
        with self.sessions.begin() as session:
            changed = session.execute(
                update(JobRow).where(JobRow.id == job_id, JobRow.status.in_(list(from_states))).values(**values)
            )
            return changed.rowcount == 1

    def set_progress(self, job_id: str, progress: dict) -> None:
        with self.sessions.begin() as session:
            session.execute(
                update(JobRow).where(JobRow.id == job_id, JobRow.status == "running").values(progress=progress)
            )

    def finish(self, job_id: str, status: str, result: tuple[dict, dict | None] | None = None, **values) -> bool:
        """Record the end of a running job (and its timetable and report, if any) in one transaction."""
        with self.sessions.begin() as session:
            changed = session.execute(
                update(JobRow)
                .where(JobRow.id == job_id, JobRow.status == "running")
                .values(status=status, finished_at=now(), **values)
            )
            if changed.rowcount != 1:
                return False
            if result is not None:
                solution, report = result
                session.merge(ResultRow(job_id=job_id, solution=solution, report=report))
            return True

    def get_result(self, job_id: str) -> ResultRow | None:
        with self.sessions() as session:
            return session.get(ResultRow, job_id)

    def interrupt_active(self) -> list[str]:
        """On start-up: jobs a previous process left queued or running will never finish by themselves."""
        with self.sessions.begin() as session:
            ids = list(session.scalars(select(JobRow.id).where(JobRow.status.in_(ACTIVE))))
            if ids:
                session.execute(
                    update(JobRow)
                    .where(JobRow.id.in_(ids))
                    .values(
                        status="interrupted",
                        finished_at=now(),
                        message="服务重启时该任务尚未完成（已中断，可重新开始）",
                    )
                )
            return ids

    # ---- scenario runs ------------------------------------------------------------------
    def create_scenario_run(self, school_id: str | None, school: School, request: dict) -> ScenarioRunRow:
        with self.sessions.begin() as session:
            row = ScenarioRunRow(
                id=uuid.uuid4().hex,
                school_id=school_id,
                school_name=school.name,
                school_data=school_json(school),
                request=request,
                status="queued",
                created_at=now(),
            )
            session.add(row)
        return row

    def get_scenario_run(self, run_id: str) -> ScenarioRunRow | None:
        with self.sessions() as session:
            return session.get(ScenarioRunRow, run_id)

    def list_scenario_runs(self, limit: int = 100) -> list[ScenarioRunRow]:
        query = select(ScenarioRunRow).order_by(ScenarioRunRow.created_at.desc()).limit(limit)
        with self.sessions() as session:
            return list(session.scalars(query))

    def update_scenario_run(self, run_id: str, from_states: Iterable[str], **values) -> bool:
        """Set ``values`` on the run only if it is in one of ``from_states`` (atomic); True if it was."""
        with self.sessions.begin() as session:
            changed = session.execute(
                update(ScenarioRunRow)
                .where(ScenarioRunRow.id == run_id, ScenarioRunRow.status.in_(list(from_states)))
                .values(**values)
            )
            return changed.rowcount == 1

    def interrupt_scenario_runs(self) -> int:
        """Scenario runs a previous process left queued or running will never finish by themselves."""
        with self.sessions.begin() as session:
            changed = session.execute(
                update(ScenarioRunRow)
                .where(ScenarioRunRow.status.in_(ACTIVE))
                .values(status="interrupted", finished_at=now(), message="服务重启时该情景模拟尚未完成（已中断）")
            )
            return changed.rowcount


def school_json(school: School) -> dict:
    """The school as stored: the validated model dumped back to JSON (defaults filled in)."""
    return school.model_dump(mode="json")
