"""Solve jobs: status and live progress, cancel, restart after an interruption."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request

from service.db import JobRow, now
from service.deps import job_or_404, runner_of, store_of
from service.schemas import JobOut, JobProgress
from service.security import READ, WRITE

router = APIRouter(prefix="/jobs", tags=["jobs 求解任务"])


def job_out(request: Request, job: JobRow) -> JobOut:
    progress = JobProgress(**(job.progress or {}))
    if job.status == "running":
        live = runner_of(request).live_progress(job.id)
        if live is not None:
            progress = JobProgress(**live.model_dump())
        if job.started_at is not None:  # the clock runs between solver reports too
            progress.elapsed = max(progress.elapsed, _seconds(job.started_at, now()))
    summary = job.summary or {}
    return JobOut(
        id=job.id,
        school_id=job.school_id,
        school_version=job.school_version,
        status=job.status,
        time_limit=job.time_limit,
        workers=job.workers,
        seed=job.seed,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        progress=progress,
        result=job.summary,
        explanation=job.explanation or [],
        message=job.message,
        has_timetable=job.status in ("done", "cancelled") and summary.get("status") in ("optimal", "feasible"),
        baseline_job_id=job.baseline_job_id,
    )


def _seconds(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds())


@router.get("", dependencies=READ, summary="任务列表")
def list_jobs(
    request: Request, school_id: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> list[JobOut]:
    return [job_out(request, job) for job in store_of(request).list_jobs(school_id, limit)]


@router.get("/{job_id}", dependencies=READ, summary="任务状态与进度")
def read_job(request: Request, job_id: str) -> JobOut:
    return job_out(request, job_or_404(store_of(request), job_id))


@router.post("/{job_id}/cancel", dependencies=WRITE, summary="取消任务")
def cancel_job(request: Request, job_id: str) -> JobOut:
    store = store_of(request)
    job = job_or_404(store, job_id)
    if not runner_of(request).cancel(job_id):
        raise HTTPException(409, f"任务状态为 {job.status}，无法取消 (only queued or running jobs can be cancelled)")
    return job_out(request, store.get_job(job_id) or job)


@router.post("/{job_id}/restart", status_code=202, dependencies=WRITE, summary="重新开始被中断的任务")
def restart_job(request: Request, job_id: str) -> JobOut:
    store = store_of(request)
    job = job_or_404(store, job_id)
    restarted = store.transition(
        job_id,
        ["interrupted"],
        status="queued",
        started_at=None,
        finished_at=None,
        progress=None,
        summary=None,
        explanation=None,
        message=None,
    )
    if not restarted:
        raise HTTPException(409, f"任务状态为 {job.status}，只有被中断的任务可以重新开始 (only interrupted jobs)")
    runner_of(request).submit(job_id)
    return job_out(request, store.get_job(job_id) or job)
