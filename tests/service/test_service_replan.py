"""Re-planning through the API: a solve job with ``baseline_job_id`` stays close to that job's timetable."""

from __future__ import annotations

import io
import json

import openpyxl
from conftest import ROOT, WRITE, wait_for_job


def _solve(client, school_id: str, **options) -> dict:
    response = client.post(f"/schools/{school_id}/solve", json={"time_limit": 15, **options}, headers=WRITE)
    assert response.status_code == 202, response.text
    return wait_for_job(client, response.json()["id"], timeout=60)


def test_replan_job_moves_little_and_lists_the_changes(client):
    data = json.loads((ROOT / "instances" / "tiny-3.json").read_text(encoding="utf-8"))
    assert client.post("/schools", json=data, headers=WRITE).status_code == 201
    base = _solve(client, data["id"])
    assert base["status"] == "done", base
    placements = client.get(f"/jobs/{base['id']}/solution").json()["placements"]
    session = next(p for p in placements if p["duration"] == 1 and p["teachers"])
    teacher = next(t for t in data["teachers"] if t["id"] == session["teachers"][0])
    teacher["unavailable"] = teacher.get("unavailable", []) + [{"day": session["day"], "period": session["period"]}]
    assert client.put(f"/schools/{data['id']}", json=data, headers=WRITE).status_code == 200

    job = _solve(client, data["id"], baseline_job_id=base["id"])

    assert job["status"] == "done" and job["baseline_job_id"] == base["id"], job
    assert job["result"]["report"]["ok"]
    changes = client.get(f"/jobs/{job['id']}/changes").json()
    assert changes["moved_day"] + changes["moved_period"] >= 1
    assert changes["kept"] >= len(placements) - 4
    moved_from = [(c["lesson"], c["from_day"], c["from_period"]) for c in changes["changes"]]
    assert (session["lesson"], session["day"], session["period"]) in moved_from
    book = client.get(f"/jobs/{job['id']}/changes.xlsx")
    assert book.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(book.content)).sheetnames == ["说明", "变动"]
    # any two timetables of the school can be compared; a plain job has no baseline to compare with
    assert client.get(f"/jobs/{base['id']}/changes?against={job['id']}").status_code == 200
    assert client.get(f"/jobs/{base['id']}/changes").status_code == 409


def test_unknown_baseline_is_a_422_naming_the_field(client):
    data = json.loads((ROOT / "instances" / "tiny-3.json").read_text(encoding="utf-8"))
    client.post("/schools", json=data, headers=WRITE)
    response = client.post(f"/schools/{data['id']}/solve", json={"baseline_job_id": "nope"}, headers=WRITE)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "baseline_job_id"]
