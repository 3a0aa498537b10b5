"""Scenario runs over HTTP: start (202), poll, comparison rows, workbook download, 422 with loc, 404, key."""

from __future__ import annotations

import io
import time

import openpyxl
from conftest import WRITE, make_settings
from fastapi.testclient import TestClient
from tiny import tiny

from scheduler.domain import School
from service.app import create_app
from service.store import Store

SCENARIOS = [
    {"name": "王老师周一上午不排课", "edits": [{"op": "teacher_availability", "teacher": "t3", "mornings": [1]}]},
    {"name": "赵老师离职", "edits": [{"op": "remove_teacher", "teacher": "t4"}]},
]


def wait_for_run(client, run_id: str, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        run = client.get(f"/scenario-runs/{run_id}").json()
        if run["status"] not in ("queued", "running"):
            return run
        assert time.monotonic() < deadline, f"scenario run still {run['status']} after {timeout} s"
        time.sleep(0.2)


def start(client, **body) -> dict:
    response = client.post("/scenario-runs", json={"time_limit": 5, "scenarios": SCENARIOS} | body, headers=WRITE)
    assert response.status_code == 202, response.text
    assert response.headers["Location"] == f"/scenario-runs/{response.json()['id']}"
    return response.json()


def test_a_scenario_run_round_trip_on_a_stored_school(client):
    assert client.post("/schools", json=tiny(), headers=WRITE).status_code == 201
    started = start(client, school_id="tiny")
    assert started["status"] in ("queued", "running", "done") and started["scenarios"] == [
        "王老师周一上午不排课",
        "赵老师离职",
    ]
    run = wait_for_run(client, started["id"])
    assert run["status"] == "done", run
    rows = {row["情景"]: row for row in run["rows"]}
    assert list(rows) == ["基准（现状）", "王老师周一上午不排课", "赵老师离职"]
    assert rows["基准（现状）"]["状态"] in ("最优", "可行") and rows["基准（现状）"]["硬性违规"] == 0
    changed = rows["王老师周一上午不排课"]
    assert changed["状态"] in ("最优", "可行") and changed["硬性违规"] == 0 and changed["跨天移动(节)"] is not None
    assert rows["赵老师离职"]["状态"] == "无解" and "赵老师" in rows["赵老师离职"]["原因"]
    assert run["comparison"]["scenarios"][1]["explanation"]
    assert [r["id"] for r in client.get("/scenario-runs").json()] == [started["id"]]

    download = client.get(f"/scenario-runs/{started['id']}/comparison.xlsx")
    assert download.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(download.content))
    assert wb.sheetnames == ["对比", "人员测算", "基准（现状）", "王老师周一上午不排课", "赵老师离职"]


def test_inline_school_and_bad_edits_are_422_with_their_location(client):
    bad = [{"name": "x", "edits": [{"op": "teacher_max_load", "teacher": "t404", "per_week": 3}]}]
    response = client.post("/scenario-runs", json={"school": tiny(), "scenarios": bad}, headers=WRITE)
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "scenarios", 0, "edits", 0, "teacher"] and "t404" in detail["msg"]

    unknown_op = [{"name": "x", "edits": [{"op": "fire_everyone"}]}]
    response = client.post("/scenario-runs", json={"school": tiny(), "scenarios": unknown_op}, headers=WRITE)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][:5] == [
        "body",
        "scenarios",
        0,
        "edits",
        0,
    ]

    both = client.post("/scenario-runs", json={"scenarios": SCENARIOS}, headers=WRITE)
    assert both.status_code == 422
    staffing = {"school": tiny(), "scenarios": SCENARIOS, "staffing": [{"subject": "sports"}]}
    response = client.post("/scenario-runs", json=staffing, headers=WRITE)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "staffing", 0, "subject"]
    too_long = client.post(
        "/scenario-runs", json={"school": tiny(), "scenarios": SCENARIOS, "time_limit": 1e6}, headers=WRITE
    )
    assert too_long.status_code == 422 and too_long.json()["detail"][0]["path"] == "time_limit"


def test_unknown_ids_are_404_and_writes_need_the_key(client):
    assert client.get("/scenario-runs/nope").status_code == 404
    assert client.get("/scenario-runs/nope/comparison.xlsx").status_code == 404
    assert (
        client.post("/scenario-runs", json={"school_id": "nope", "scenarios": SCENARIOS}, headers=WRITE).status_code
        == 404
    )
    assert client.post("/scenario-runs", json={"school": tiny(), "scenarios": SCENARIOS}).status_code == 401


def test_runs_left_unfinished_by_a_previous_process_are_interrupted(tmp_path):
    settings = make_settings(tmp_path)
    with TestClient(create_app(settings)) as client:
        store: Store = client.app.state.store
        row = store.create_scenario_run(None, School.model_validate(tiny()), {"scenarios": SCENARIOS})
    with TestClient(create_app(settings)) as client:
        run = client.get(f"/scenario-runs/{row.id}").json()
        assert run["status"] == "interrupted" and run["message"]
        assert client.get(f"/scenario-runs/{row.id}/comparison.xlsx").status_code == 409
