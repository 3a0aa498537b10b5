"""The API's request and response bodies (what /docs shows)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from scheduler.domain import School
from scheduler.solution import Solution

JobStatus = Literal["queued", "running", "done", "infeasible", "failed", "cancelled", "interrupted"]
SCHOOL_ID = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$"  # ids appear in URLs


class SchoolSummary(BaseModel):
    id: str
    name: str
    classes: int
    teachers: int
    rooms: int
    version: int
    created_at: datetime
    updated_at: datetime


class SolveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    time_limit: float | None = Field(
        None, gt=0, allow_inf_nan=False, description="秒；默认 30 秒（不超过服务配置的上限），上限由服务配置"
    )
    workers: int = Field(1, ge=1, le=64, description="CP-SAT 线程数；上限由服务配置")
    seed: int = Field(0, ge=0, le=2**31 - 1)
    baseline_job_id: str | None = Field(
        None,
        max_length=32,
        description="调课（尽量少改动）：以该任务（同一学校、已有课表）的课表为基准，移动尽可能少的课",
    )


class JobProgress(BaseModel):
    elapsed: float = 0.0
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    solutions: int = 0


class JobOut(BaseModel):
    id: str
    school_id: str
    school_version: int
    status: JobStatus
    time_limit: float
    workers: int
    seed: int
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    progress: JobProgress
    result: dict[str, Any] | None = Field(None, description="求解结果摘要：status, objective, bound, gap, terms …")
    explanation: list[dict[str, Any]] = Field([], description="无解时：相互冲突的规则")
    message: str | None = None
    has_timetable: bool = False
    baseline_job_id: str | None = Field(None, description="调课任务：作为基准的课表所属任务")


class AuditRequest(BaseModel):
    """A school and a timetable made elsewhere (format school-timetable/1)."""

    model_config = ConfigDict(extra="forbid")

    school: School
    timetable: Solution


class ViolationOut(BaseModel):
    rule: str
    severity: str
    message: str
    class_id: str | None = None
    teacher_id: str | None = None
    room_id: str | None = None
    lesson_id: str | None = None
    day: int | None = None
    period: int | None = None


class ReportOut(BaseModel):
    school_id: str
    ok: bool
    summary: str
    counts: dict[str, int]
    violations: list[ViolationOut]
    soft: dict[str, int]


class Cell(BaseModel):
    text: str
    subjects: list[str] = Field([], description="科目 id，用于着色")


class GridOut(BaseModel):
    """A day × period timetable: rows are periods, columns are days (1-based as shown)."""

    kind: Literal["class", "teacher", "room"]
    id: str
    name: str
    days: list[str]
    periods: list[str]
    cells: list[list[Cell]]


class TableOut(BaseModel):
    """A table of the result (the same rows as the workbook's sheet), Chinese column names."""

    name: str
    title: str
    columns: list[str]
    rows: list[list[str | int | float | bool | None]]


class PolicySummary(BaseModel):
    id: str
    name: str
    daily_activity_minutes: int
