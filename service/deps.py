"""Shared request helpers: the store and runner of this app, 404 lookups."""

from __future__ import annotations

from fastapi import HTTPException, Request

from service.db import JobRow, SchoolRow
from service.jobs import JobRunner
from service.settings import Settings
from service.store import Store


def store_of(request: Request) -> Store:
    return request.app.state.store


def runner_of(request: Request) -> JobRunner:
    return request.app.state.runner


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def school_or_404(store: Store, school_id: str) -> SchoolRow:
    row = store.get_school(school_id)
    if row is None:
        raise HTTPException(404, f"没有这所学校：'{school_id}' (unknown school)")
    return row


def job_or_404(store: Store, job_id: str) -> JobRow:
    row = store.get_job(job_id)
    if row is None:
        raise HTTPException(404, f"没有这个任务：'{job_id}' (unknown job)")
    return row
