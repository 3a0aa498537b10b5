"""Policy presets (政策预设): list and read."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from scheduler.policy import PRESETS, Policy
from service.schemas import PolicySummary
from service.security import READ

router = APIRouter(prefix="/policies", tags=["policies 政策预设"], dependencies=READ)


@router.get("", summary="政策预设列表")
def list_policies() -> list[PolicySummary]:
    return [
        PolicySummary(id=p.id, name=p.name, daily_activity_minutes=p.daily_activity_minutes) for p in PRESETS.values()
    ]


@router.get("/{policy_id}", summary="读取政策预设")
def read_policy(policy_id: str) -> Policy:
    if policy_id not in PRESETS:
        raise HTTPException(404, f"没有这个政策预设：'{policy_id}'（可选：{', '.join(PRESETS)}）")
    return PRESETS[policy_id]
