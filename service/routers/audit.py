"""Audit: check a timetable made elsewhere against a school's rules. No solving."""

from __future__ import annotations

from fastapi import APIRouter

from scheduler.check import check
from service.routers.results import report_out
from service.schemas import AuditRequest, ReportOut
from service.security import READ

router = APIRouter(tags=["audit 合规检查"])


@router.post("/audit", dependencies=READ, summary="检查外部课表（不求解）")
def audit(request: AuditRequest) -> ReportOut:
    """The independent checker's report: every broken hard rule and the soft-goal counts.

    Nothing is stored, so it follows the read rule for the API key.
    """
    return report_out(check(request.school, request.timetable))
