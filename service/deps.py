"""Shared request helpers: the store and runner of this app, 404 lookups, solve limits, downloads."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import HTTPException, Request, Response

from service.db import JobRow, SchoolRow
from service.errors import invalid
from service.jobs import JobRunner
from service.settings import Settings
from service.store import Store


def store_of(request: Request) -> Store:
    return request.app.state.store


def runner_of(request: Request) -> JobRunner:
    return request.app.state.runner


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


DEFAULT_TIME_LIMIT = 30.0  # seconds per solve, when a request gives none
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def solve_limits(settings: Settings, time_limit: float | None, workers: int) -> float:
    """The time limit of a solve request (default, capped by the server); 422 past the server's caps."""
    time_limit = time_limit or min(DEFAULT_TIME_LIMIT, settings.max_time_limit)
    if time_limit > settings.max_time_limit:
        raise invalid(("body", "time_limit"), f"at most {settings.max_time_limit:g} s on this server")
    if workers > settings.max_workers:
        raise invalid(("body", "workers"), f"at most {settings.max_workers} on this server")
    return time_limit


def download(content: bytes, media_type: str, filename: str) -> Response:
    """A file download; ``filename`` may be Chinese (RFC 6266 filename*)."""
    disposition = f"attachment; filename=\"{quote(filename)}\"; filename*=UTF-8''{quote(filename)}"
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})


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
