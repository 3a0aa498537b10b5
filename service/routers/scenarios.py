"""What-if scenario runs: a base school + named edits → a comparison table, solved in the background."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field, model_validator

from scheduler.domain import School
from scheduler.scenarios import Comparison, EditError, ScenarioSet, validate_scenarios
from service.db import ScenarioRunRow
from service.deps import XLSX, download, school_or_404, settings_of, solve_limits, store_of
from service.errors import InvalidInput, invalid, problem
from service.scenario_runs import ScenarioRunner
from service.security import READ, WRITE

router = APIRouter(prefix="/scenario-runs", tags=["scenarios 情景模拟"])

RunStatus = Literal["queued", "running", "done", "failed", "interrupted"]


class ScenarioRunRequest(ScenarioSet):
    """A base school (``school_id`` of a stored school, or ``school`` inline) and the scenarios (docs/SCENARIOS.md)."""

    school_id: str | None = None
    school: School | None = None
    time_limit: float | None = Field(
        None, gt=0, allow_inf_nan=False, description="每次求解时限（秒）；默认 30 秒（不超过服务配置的上限）"
    )

    @model_validator(mode="after")
    def _one_school(self) -> ScenarioRunRequest:
        if (self.school_id is None) == (self.school is None):
            raise ValueError("give exactly one of school_id (a stored school) or school (inline)")
        return self


class ScenarioRunOut(BaseModel):
    id: str
    school_id: str | None
    school_name: str
    status: RunStatus
    scenarios: list[str] = Field(description="情景名称（不含基准）")
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    message: str | None = None
    rows: list[dict[str, Any]] = Field([], description="对比表：每个情景一行（基准在前），中文列名")
    comparison: dict[str, Any] | None = Field(None, description="完整结果：每个情景的数值、原因与人员测算")


def runner_of(request: Request) -> ScenarioRunner:
    return request.app.state.scenario_runner


def run_out(row: ScenarioRunRow) -> ScenarioRunOut:
    rows: list[dict] = []
    if row.comparison:
        rows = Comparison.model_validate(row.comparison).table().to_dict(orient="records")
    return ScenarioRunOut(
        id=row.id,
        school_id=row.school_id,
        school_name=row.school_name,
        status=row.status,
        scenarios=[s["name"] for s in row.request.get("scenarios", [])],
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        message=row.message,
        rows=rows,
        comparison=row.comparison,
    )


def run_or_404(request: Request, run_id: str) -> ScenarioRunRow:
    row = store_of(request).get_scenario_run(run_id)
    if row is None:
        raise HTTPException(404, f"没有这个情景模拟：'{run_id}' (unknown scenario run)")
    return row


@router.post("", status_code=202, dependencies=WRITE, summary="开始情景模拟（立即返回 id，后台求解）")
def start_run(request: Request, response: Response, body: ScenarioRunRequest) -> ScenarioRunOut:
    settings = settings_of(request)
    body.time_limit = solve_limits(settings, body.time_limit, body.workers)
    for i, query in enumerate(body.staffing):
        if query.time_limit is not None and query.time_limit > settings.max_time_limit:
            raise invalid(
                ("body", "staffing", i, "time_limit"), f"at most {settings.max_time_limit:g} s on this server"
            )
    store = store_of(request)
    school = body.school or School.model_validate(school_or_404(store, body.school_id).data)
    for i, query in enumerate(body.staffing):
        if query.subject not in school.subject_by_id:
            raise invalid(("body", "staffing", i, "subject"), f"没有这个学科：'{query.subject}'")
    try:
        validate_scenarios(school, body.scenarios)
    except EditError as exc:
        raise InvalidInput(
            [problem(("body", *loc), line.partition(": ")[2]) for loc, line in zip(exc.locs, exc.problems, strict=True)]
        ) from None
    scenarios = ScenarioSet.model_validate(body.model_dump(include=set(ScenarioSet.model_fields), mode="json"))
    row = store.create_scenario_run(body.school_id, school, scenarios.model_dump(mode="json"))
    runner_of(request).submit(row.id)
    response.headers["Location"] = f"/scenario-runs/{row.id}"
    return run_out(store.get_scenario_run(row.id) or row)


@router.get("", dependencies=READ, summary="情景模拟列表")
def list_runs(request: Request, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[ScenarioRunOut]:
    return [run_out(row) for row in store_of(request).list_scenario_runs(limit)]


@router.get("/{run_id}", dependencies=READ, summary="情景模拟状态与对比表")
def read_run(request: Request, run_id: str) -> ScenarioRunOut:
    return run_out(run_or_404(request, run_id))


@router.get("/{run_id}/comparison.xlsx", dependencies=READ, summary="下载对比工作簿（Excel）")
def comparison_workbook(request: Request, run_id: str) -> Response:
    row = run_or_404(request, run_id)
    if not row.comparison:
        raise HTTPException(409, f"情景模拟状态为 {row.status}，还没有对比结果 (not finished)")
    comparison = Comparison.model_validate(row.comparison)
    with tempfile.TemporaryDirectory() as folder:
        content = comparison.write_workbook(Path(folder) / "scenarios.xlsx").read_bytes()
    return download(content, XLSX, f"{row.school_name}-情景对比.xlsx")
