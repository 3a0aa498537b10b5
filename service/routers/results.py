"""A finished job's timetable: grids by class, teacher and room as JSON; Excel and CSV downloads; the report."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Literal

import pandas as pd
from fastapi import APIRouter, HTTPException, Request, Response

from scheduler import views
from scheduler.changes import ChangeSummary, compare
from scheduler.check import Report
from scheduler.domain import School
from scheduler.solution import Solution
from service.deps import XLSX, download, job_or_404, store_of
from service.results import Loaded
from service.schemas import Cell, GridOut, ReportOut, TableOut
from service.security import READ

router = APIRouter(prefix="/jobs/{job_id}", tags=["results 课表结果"], dependencies=READ)

Kind = Literal["classes", "teachers", "rooms"]


def loaded(request: Request, job_id: str) -> Loaded:
    cache = request.app.state.results
    item = cache.get(job_id)
    if item is not None:
        return item
    store = store_of(request)
    job = job_or_404(store, job_id)
    result = store.get_result(job_id)
    if result is None:
        raise HTTPException(409, f"任务状态为 {job.status}，还没有课表 (the job has no timetable)")
    report = Report.model_validate(result.report) if result.report else None
    school = School.model_validate(job.school_data)
    return cache.put(Loaded(job_id, school, Solution.model_validate(result.solution), report))


def report_out(report: Report) -> ReportOut:
    return ReportOut(
        school_id=report.school_id,
        ok=report.ok,
        summary=report.summary(),
        counts=report.counts(),
        violations=[v.model_dump() for v in report.violations],
        soft=report.soft,
    )


def grid_out(school: School, frame: pd.DataFrame, kind: str, entity_id: str, name: str) -> GridOut:
    names = sorted(((s.name, s.id) for s in school.subjects), key=lambda pair: -len(pair[0]))
    cells = []
    for _, row in frame.iterrows():
        line = []
        for value in row.tolist():
            text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
            rest, found = text, []
            for subject_name, subject_id in names:
                if subject_name and subject_name in rest:
                    found.append(subject_id)
                    rest = rest.replace(subject_name, "")
            line.append(Cell(text=text, subjects=found))
        cells.append(line)
    return GridOut(
        kind=kind,
        id=entity_id,
        name=name,
        days=[str(c) for c in frame.columns],
        periods=[str(i) for i in frame.index],
        cells=cells,
    )


@router.get("/solution", summary="课表（school-timetable/1 JSON）")
def solution(request: Request, job_id: str) -> Solution:
    return loaded(request, job_id).solution


@router.get("/report", summary="检查报告")
def report(request: Request, job_id: str) -> ReportOut:
    item = loaded(request, job_id)
    if item.report is None:
        raise HTTPException(409, "该任务没有检查报告 (the checker did not run)")
    return report_out(item.report)


@router.get("/timetable", summary="总表：每节课一行")
def placements(request: Request, job_id: str) -> list[dict]:
    item = loaded(request, job_id)
    frame = views.placements_table(item.school, item.solution)
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")


@router.get("/timetable/{kind}/{entity_id}", summary="课表网格：班级 / 教师 / 教室（节次 × 星期）")
def grid(request: Request, job_id: str, kind: Kind, entity_id: str) -> GridOut:
    item = loaded(request, job_id)
    cached = item.grids.get((kind, entity_id))
    if cached is None:
        cached = item.grids[(kind, entity_id)] = build_grid(item, kind, entity_id)
    return cached


def build_grid(item: Loaded, kind: str, entity_id: str) -> GridOut:
    school = item.school
    if kind == "classes" and entity_id in school.class_by_id:
        frame = views.class_grid(school, item.solution, entity_id)
        return grid_out(school, frame, "class", entity_id, school.class_by_id[entity_id].name)
    if kind == "teachers" and entity_id in school.teacher_by_id:
        frame = views.teacher_grid(school, item.solution, entity_id)
        return grid_out(school, frame, "teacher", entity_id, school.teacher_by_id[entity_id].name)
    if kind == "rooms" and entity_id in school.room_by_id:
        frame = views.room_grid(school, item.solution, entity_id)
        return grid_out(school, frame, "room", entity_id, school.room_by_id[entity_id].name)
    raise HTTPException(404, f"该校没有 {kind} '{entity_id}'")


@router.get(
    "/timetable.xlsx",
    summary="下载 Excel 课表",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
)
def download_xlsx(request: Request, job_id: str) -> Response:
    item = loaded(request, job_id)
    with tempfile.TemporaryDirectory() as folder:
        path = views.write_timetable_workbook(item.school, item.solution, Path(folder) / "t.xlsx", item.report)
        content = path.read_bytes()
    return download(content, XLSX, f"timetable-{item.school.id}.xlsx")


@router.get(
    "/timetable-csv.zip",
    summary="下载 CSV 课表（zip：总表、各班/教师/教室网格）",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}}},
)
def download_csv_zip(request: Request, job_id: str) -> Response:
    item = loaded(request, job_id)
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder:
        files = views.write_timetable_csv(item.school, item.solution, folder)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                archive.write(path, path.name)
    return download(buffer.getvalue(), "application/zip", f"timetable-{item.school.id}-csv.zip")


@router.get(
    "/placements.csv",
    summary="下载总表 CSV（UTF-8 BOM）",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def download_placements_csv(request: Request, job_id: str) -> Response:
    item = loaded(request, job_id)
    text = views.placements_table(item.school, item.solution).to_csv(index=False)
    return download(("\ufeff" + text).encode("utf-8"), "text/csv; charset=utf-8", f"placements-{item.school.id}.csv")


def _changes(request: Request, job_id: str, against: str | None) -> tuple[Loaded, ChangeSummary]:
    """The change list from the ``against`` job's timetable (default: the job's re-planning baseline)."""
    item = loaded(request, job_id)
    store = store_of(request)
    base_id = against or job_or_404(store, job_id).baseline_job_id
    if base_id is None:
        raise HTTPException(409, "该任务不是调课任务；请用 ?against=任务id 指定对比的课表")
    base = store.get_result(base_id)
    if base is None:
        raise HTTPException(404, f"任务 '{base_id}' 没有课表")
    return item, compare(item.school, Solution.model_validate(base.solution), item.solution)


@router.get("/changes", summary="调课变动：与基准课表相比移动了哪些课")
def changes(request: Request, job_id: str, against: str | None = None) -> ChangeSummary:
    return _changes(request, job_id, against)[1]


@router.get(
    "/changes.xlsx",
    summary="下载调课通知（变动清单 Excel）",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
)
def download_changes(request: Request, job_id: str, against: str | None = None) -> Response:
    item, summary = _changes(request, job_id, against)
    with tempfile.TemporaryDirectory() as folder:
        path = views.write_change_workbook(item.school, summary, Path(folder) / "c.xlsx", report=item.report)
        content = path.read_bytes()
    return download(content, XLSX, f"changes-{item.school.id}.xlsx")


TABLES = {
    "teacher_load": ("教师课时", views.teacher_load_table, False),
    "after_school_plan": ("课后服务安排（每天）", views.after_school_plan_table, True),
    "club_roster": ("社团名单", views.club_roster_table, True),
    "teacher_hours": ("教师到校、离校与弹性上下班", views.teacher_hours_table, True),
    "activity": ("每班每天体育活动分钟", views.activity_table, True),
    "choice_summary": ("社团志愿满足情况", views.choice_summary_table, True),
}
TableName = Literal["teacher_load", "after_school_plan", "club_roster", "teacher_hours", "activity", "choice_summary"]


@router.get("/tables/{table}", summary="附表：教师课时、课后服务安排、社团名单、教师到校离校、体育活动分钟、志愿满足")
def table(request: Request, job_id: str, table: TableName) -> TableOut:
    item = loaded(request, job_id)
    title, build, needs_after_school = TABLES[table]
    if needs_after_school and (item.school.after_school is None or item.solution.after_school is None):
        raise HTTPException(404, f"该校没有课后服务安排，无 {title}")
    frame = build(item.school, item.solution).astype(object).where(lambda f: f.notna(), None)
    return TableOut(
        name=table,
        title=title,
        columns=[str(c) for c in frame.columns],
        rows=[[_plain(v) for v in row] for row in frame.itertuples(index=False)],
    )


def _plain(value):
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)
