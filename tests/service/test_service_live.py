"""The real server: uvicorn in a subprocess on 127.0.0.1, a solve, a download, a restart."""

from __future__ import annotations

import io
import time

import httpx
import openpyxl
from live_server import LiveServer
from tiny import tiny

KEY = "live-key"
WRITE = {"X-API-Key": KEY}


def wait(http: httpx.Client, job_id: str, until: set[str], timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = http.get(f"/jobs/{job_id}").json()
        if job["status"] in until:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} not {until} after {timeout} s: {job}")


def test_real_server_solves_downloads_and_survives_restarts(tmp_path):
    server = LiveServer(tmp_path, KEY, seed_samples=True).start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            samples = {s["id"] for s in http.get("/schools").json()}
            assert "rural-6" in samples  # loaded from instances/ on the first start
            assert http.post("/schools", json=tiny(), headers=WRITE).status_code == 201
            job_id = http.post("/schools/tiny/solve", json={"time_limit": 10}, headers=WRITE).json()["id"]
            assert wait(http, job_id, {"done", "failed", "infeasible"})["status"] == "done"
            workbook = http.get(f"/jobs/{job_id}/timetable.xlsx")
            assert workbook.status_code == 200
            sheets = openpyxl.load_workbook(io.BytesIO(workbook.content)).sheetnames
            assert any("三年级1班" in name for name in sheets)
            # a long solve is under way when the process dies
            long_id = http.post("/schools/large-48/solve", json={"time_limit": 120}, headers=WRITE).json()["id"]
            wait(http, long_id, {"running"})
        server.kill()  # SIGKILL: no chance to clean up

        server.start()
        with httpx.Client(base_url=server.url, timeout=30) as http:
            assert {s["id"] for s in http.get("/schools").json()} == samples | {"tiny"}  # no second seeding
            assert http.get("/schools/tiny").json()["name"] == "测试小学"
            job = http.get(f"/jobs/{job_id}").json()
            assert job["status"] == "done" and job["has_timetable"]
            again = http.get(f"/jobs/{job_id}/timetable.xlsx")
            assert openpyxl.load_workbook(io.BytesIO(again.content)).sheetnames == sheets
            assert http.get(f"/jobs/{job_id}/report").json()["ok"]
            assert http.get(f"/jobs/{long_id}").json()["status"] == "interrupted"
        # SIGTERM: a clean shutdown (uvicorn re-raises the signal after it, hence -15)
        assert server.stop() in (0, -15)
        assert "Application shutdown complete" in server.output()
    finally:
        server.kill()
