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


def test_after_school_tables_of_a_result(client):
    data = json.loads((ROOT / "instances" / "tiny-3.json").read_text(encoding="utf-8"))
    assert client.post("/schools", json=data, headers=WRITE).status_code == 201
    job = _solve(client, data["id"])
    load = client.get(f"/jobs/{job['id']}/tables/teacher_load")
    assert load.status_code == 200, load.text
    body = load.json()
    assert body["title"] == "教师课时" and body["rows"] and len(body["rows"][0]) == len(body["columns"])
    # tiny-3 has no after-school service: those tables are a clear 404, unknown tables 422
    missing = client.get(f"/jobs/{job['id']}/tables/club_roster")
    assert missing.status_code == 404 and "课后服务" in missing.json()["detail"]
    assert client.get(f"/jobs/{job['id']}/tables/nope").status_code == 422


def test_after_school_tables_show_clubs_hours_and_activity(client):
    from tiny import tiny

    data = tiny()
    data["rooms"] += [{"id": f"h{i}", "name": f"三年级{i}班教室"} for i in (1, 2)]
    for i, c in enumerate(data["classes"], 1):
        c["home_room"] = f"h{i}"
    data["teachers"].append(
        {"id": "x1", "name": "王教练", "outside_staff": True, "max_lessons_per_week": 0, "max_lessons_per_day": 0}
    )
    clubs = [
        {"id": "choir", "name": "合唱", "grades": [3], "room_type": "music", "instructors": ["x1"], "max_size": 40},
        {
            "id": "rope",
            "name": "跳绳",
            "grades": [3],
            "room_type": "playground",
            "instructors": ["t4"],
            "physical_activity": True,
            "max_size": 40,
        },
    ]
    pupils = [
        {
            "id": f"p{i}",
            "class_id": f"c3-{1 + i % 2}",
            "until": [2, 2, 2],
            "choices": ["rope", "choir"][:: 1 - 2 * (i % 2)],
        }
        for i in range(6)
    ]
    window = {"stage": "primary", "start": "15:10", "session1_end": "16:10", "session2_start": "16:20", "end": "17:30"}
    data["after_school"] = {"windows": [window], "work_end": "17:30", "clubs": clubs, "pupils": pupils}
    assert client.post("/schools", json=data, headers=WRITE).status_code == 201, data
    job = _solve(client, data["id"])
    assert job["status"] == "done", job
    roster = client.get(f"/jobs/{job['id']}/tables/club_roster").json()
    names = " ".join(str(v) for row in roster["rows"] for v in row)
    assert "合唱" in names and "跳绳" in names
    hours = client.get(f"/jobs/{job['id']}/tables/teacher_hours").json()
    assert hours["rows"] and any("弹性" in c for c in hours["columns"]), hours["columns"]
    activity = client.get(f"/jobs/{job['id']}/tables/activity").json()
    assert len(activity["rows"]) >= 2 * 3  # every class, every day
    choices = client.get(f"/jobs/{job['id']}/tables/choice_summary").json()
    assert choices["rows"]
