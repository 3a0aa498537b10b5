"""Schools: create (JSON or Excel workbook), read, replace, delete, list; start a solve."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Query, Request, Response, UploadFile

from scheduler.domain import School
from scheduler.excel_io import load_school_workbook
from scheduler.load import InputError
from service.db import SchoolRow
from service.deps import runner_of, school_or_404, settings_of, solve_limits, store_of
from service.errors import InvalidInput, invalid, log, problem
from service.routers.jobs import job_out
from service.schemas import SCHOOL_ID, JobOut, SchoolSummary, SolveRequest
from service.security import READ, WRITE

router = APIRouter(prefix="/schools", tags=["schools 学校"])


def summary(row: SchoolRow) -> SchoolSummary:
    data = row.data
    return SchoolSummary(
        id=row.id,
        name=row.name,
        classes=len(data.get("classes", [])),
        teachers=len(data.get("teachers", [])),
        rooms=len(data.get("rooms", [])),
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _check_id(school: School, loc: tuple = ("body", "id")) -> None:
    if not re.match(SCHOOL_ID, school.id):
        raise invalid(
            loc, f"id '{school.id}' must be 1–64 letters, digits, '-', '_' or '.', starting with a letter or digit"
        )


@router.get("", dependencies=READ, summary="学校列表")
def list_schools(request: Request) -> list[SchoolSummary]:
    return [summary(row) for row in store_of(request).list_schools()]


@router.post("", status_code=201, dependencies=WRITE, summary="新建学校（JSON）")
def create_school(request: Request, response: Response, school: School) -> SchoolSummary:
    _check_id(school)
    row = store_of(request).create_school(school)
    response.headers["Location"] = f"/schools/{row.id}"
    return summary(row)


@router.post("/upload", status_code=201, dependencies=WRITE, summary="新建学校（上传 Excel 工作簿 .xlsx）")
def upload_school(
    request: Request,
    response: Response,
    file: Annotated[UploadFile, File(description="学校数据工作簿（.xlsx），格式见 docs")],
    replace: Annotated[bool, Query(description="已存在同 id 的学校时替换它")] = False,
) -> SchoolSummary:
    school = read_workbook(file)
    _check_id(school, ("body", "file", "id"))
    store = store_of(request)
    if replace and store.get_school(school.id) is not None:
        row = store.replace_school(school.id, school)
    else:
        row = store.create_school(school)
    response.headers["Location"] = f"/schools/{school.id}"
    return summary(row)


def read_workbook(file: UploadFile) -> School:
    """Validate an uploaded workbook; each problem names its sheet, row and column."""
    name = file.filename or "upload.xlsx"
    if Path(name).suffix.lower() not in (".xlsx", ".xlsm"):
        raise invalid(("body", "file"), f"'{name}' is not an Excel workbook (.xlsx)")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "school.xlsx"
        path.write_bytes(file.file.read())
        try:
            return load_school_workbook(path)
        except InputError as exc:
            raise InvalidInput([_workbook_problem(line) for line in exc.problems]) from None
        except Exception as exc:  # a damaged file must not become a 500
            log.warning("workbook %s unreadable", name, exc_info=True)
            raise invalid(
                ("body", "file"), f"无法读取工作簿 (cannot read the workbook): {type(exc).__name__}"
            ) from None


def _workbook_problem(line: str) -> dict:
    place, sep, message = line.partition(": ")
    if not sep:
        return problem(("body", "file"), line)
    entry = problem(("body", "file", place), message)
    entry["path"] = place
    return entry


@router.get("/{school_id}", dependencies=READ, summary="读取学校数据（JSON）")
def read_school(request: Request, school_id: str) -> dict:
    return school_or_404(store_of(request), school_id).data


@router.put("/{school_id}", dependencies=WRITE, summary="替换学校数据")
def replace_school(request: Request, school_id: str, school: School) -> SchoolSummary:
    store = store_of(request)
    school_or_404(store, school_id)
    if school.id != school_id:
        raise invalid(("body", "id"), f"id '{school.id}' differs from the URL's '{school_id}'")
    row = store.replace_school(school_id, school)
    if row is None:
        raise HTTPException(404, f"没有这所学校：'{school_id}'")
    request.app.state.results.forget_school(school_id)
    return summary(row)


@router.delete("/{school_id}", status_code=204, dependencies=WRITE, summary="删除学校（及其求解任务和结果）")
def delete_school(request: Request, school_id: str) -> Response:
    store, runner = store_of(request), runner_of(request)
    for job in store.list_jobs(school_id, limit=10_000):
        if job.status in ("queued", "running"):
            runner.cancel(job.id)
    if store.delete_school(school_id) is None:
        raise HTTPException(404, f"没有这所学校：'{school_id}'")
    request.app.state.results.forget_school(school_id)
    return Response(status_code=204)


@router.get("/{school_id}/jobs", dependencies=READ, summary="该校的求解任务")
def school_jobs(request: Request, school_id: str) -> list[JobOut]:
    store = store_of(request)
    school_or_404(store, school_id)
    return [job_out(request, job) for job in store.list_jobs(school_id)]


@router.post("/{school_id}/solve", status_code=202, dependencies=WRITE, summary="开始求解（立即返回任务 id）")
def start_solve(request: Request, response: Response, school_id: str, options: SolveRequest | None = None) -> JobOut:
    options = options or SolveRequest()
    settings = settings_of(request)
    time_limit = solve_limits(settings, options.time_limit, options.workers)
    store = store_of(request)
    school = school_or_404(store, school_id)
    if options.baseline_job_id is not None:
        baseline = store.get_job(options.baseline_job_id)
        if baseline is None or baseline.school_id != school_id:
            raise invalid(("body", "baseline_job_id"), f"该学校没有任务 '{options.baseline_job_id}'")
        if store.get_result(baseline.id) is None:
            raise invalid(("body", "baseline_job_id"), f"任务 '{baseline.id}' 没有课表，不能作为调课基准")
    job = store.create_job(school, time_limit, options.workers, options.seed, options.baseline_job_id)
    runner_of(request).submit(job.id)
    response.headers["Location"] = f"/jobs/{job.id}"
    return job_out(request, store.get_job(job.id) or job)
