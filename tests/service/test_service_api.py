"""The HTTP API on a real SQLite file: schools, validation, keys, solve jobs, views, downloads, audit."""

from __future__ import annotations

import io
import json
import time
import zipfile

import openpyxl
from conftest import ROOT, WRITE, make_settings, wait_for_job
from fastapi.testclient import TestClient
from tiny import tiny

from scheduler.domain import School
from scheduler.excel_io import write_school_workbook
from scheduler.solve import SolveOptions, solve
from service.app import create_app


def create(client, data=None) -> dict:
    response = client.post("/schools", json=data or tiny(), headers=WRITE)
    assert response.status_code == 201, response.text
    return response.json()


def solved(client, school_id: str = "tiny", **options) -> dict:
    response = client.post(f"/schools/{school_id}/solve", json={"time_limit": 10, **options}, headers=WRITE)
    assert response.status_code == 202, response.text
    assert response.json()["status"] in ("queued", "running", "done")
    return wait_for_job(client, response.json()["id"])


# ---- schools --------------------------------------------------------------------------------
def test_create_read_list_replace_delete(client):
    summary = create(client)
    assert summary["id"] == "tiny" and summary["classes"] == 2 and summary["version"] == 1
    stored = client.get("/schools/tiny").json()
    assert School.model_validate(stored).name == "测试小学"
    assert [s["id"] for s in client.get("/schools").json()] == ["tiny"]

    changed = tiny(name="测试小学（新）")
    replaced = client.put("/schools/tiny", json=changed, headers=WRITE)
    assert replaced.status_code == 200 and replaced.json()["version"] == 2
    assert client.get("/schools/tiny").json()["name"] == "测试小学（新）"

    assert client.post("/schools", json=tiny(), headers=WRITE).status_code == 409
    assert client.delete("/schools/tiny", headers=WRITE).status_code == 204
    assert client.get("/schools/tiny").status_code == 404
    assert client.get("/schools").json() == []


def test_validation_errors_name_every_bad_field(client):
    bad = tiny()
    bad["classes"][0]["grade"] = 99
    bad["teachers"][3]["max_lessons_per_week"] = "many"
    response = client.post("/schools", json=bad, headers=WRITE)
    assert response.status_code == 422
    paths = {d["path"] for d in response.json()["detail"]}
    assert paths == {"classes[0].grade", "teachers[3].max_lessons_per_week"}
    assert all(d["loc"][0] == "body" and d["msg"] for d in response.json()["detail"])


def test_reference_errors_carry_their_location(client):
    bad = tiny()
    bad["assignments"][2]["teachers"] = ["t99"]
    detail = client.post("/schools", json=bad, headers=WRITE).json()["detail"]
    assert detail == [
        {
            "loc": ["body", "assignments", 2, "teachers", 0],
            "path": "assignments[2].teachers[0]",
            "msg": "unknown teacher 't99'",
            "type": "reference",
        }
    ]


def test_malformed_bodies_are_422_not_500(client):
    headers = {**WRITE, "Content-Type": "application/json"}
    assert client.post("/schools", content=b"{not json", headers=headers).status_code == 422
    assert client.post("/schools", content=b"[1, 2]", headers=headers).status_code == 422
    odd_id = client.post("/schools", json=tiny(id="a/b c"), headers=WRITE)
    assert odd_id.status_code == 422 and odd_id.json()["detail"][0]["path"] == "id"
    mismatch = client.put("/schools/tiny", json=tiny(id="other"), headers=WRITE)
    assert mismatch.status_code == 404  # no school 'tiny' yet
    create(client)
    mismatch = client.put("/schools/tiny", json=tiny(id="other"), headers=WRITE)
    assert mismatch.status_code == 422 and mismatch.json()["detail"][0]["path"] == "id"


def test_unknown_ids_are_404(client):
    assert client.get("/schools/nope").status_code == 404
    assert client.put("/schools/nope", json=tiny(id="nope"), headers=WRITE).status_code == 404
    assert client.delete("/schools/nope", headers=WRITE).status_code == 404
    assert client.post("/schools/nope/solve", json={}, headers=WRITE).status_code == 404
    assert client.get("/jobs/nope").status_code == 404
    assert client.post("/jobs/nope/cancel", headers=WRITE).status_code == 404
    assert client.get("/jobs/nope/timetable/classes/c3-1").status_code == 404
    assert client.get("/policies/nope").status_code == 404


def test_writes_need_the_key_reads_do_not(client):
    assert client.post("/schools", json=tiny()).status_code == 401
    assert client.post("/schools", json=tiny(), headers={"X-API-Key": "wrong"}).status_code == 401
    assert client.get("/schools").status_code == 200
    create(client)
    assert client.delete("/schools/tiny").status_code == 401
    assert client.get("/schools/tiny").status_code == 200


def test_reads_keyed_when_configured(tmp_path):
    with TestClient(create_app(make_settings(tmp_path, read_key_required=True))) as client:
        assert client.get("/schools").status_code == 401
        assert client.get("/schools", headers=WRITE).status_code == 200
        assert client.get("/policies").status_code == 401
        assert client.get("/").status_code == 200  # the page itself; its data calls carry the key


def test_no_configured_key_means_no_writes(tmp_path):
    with TestClient(create_app(make_settings(tmp_path, api_key=None))) as client:
        assert client.post("/schools", json=tiny(), headers=WRITE).status_code == 403
        assert client.get("/schools").status_code == 200


def test_body_size_limit_keeps_stored_data(tmp_path):
    with TestClient(create_app(make_settings(tmp_path, max_body_bytes=20_000))) as client:
        create(client)
        padded = tiny(name="x" * 50_000)
        response = client.post("/schools", json=padded, headers=WRITE)
        assert response.status_code == 413
        # chunked (no Content-Length) is counted too
        chunks = (json.dumps(padded).encode()[i : i + 4096] for i in range(0, 60_000, 4096))
        chunked = client.put("/schools/tiny", content=chunks, headers={**WRITE, "Content-Type": "application/json"})
        assert chunked.status_code == 413
        assert client.get("/schools/tiny").json()["name"] == "测试小学"


# ---- Excel upload ---------------------------------------------------------------------------
def test_upload_workbook(client, tmp_path):
    path = write_school_workbook(School.model_validate(tiny()), tmp_path / "school.xlsx")
    with path.open("rb") as handle:
        response = client.post("/schools/upload", files={"file": ("学校.xlsx", handle)}, headers=WRITE)
    assert response.status_code == 201, response.text
    assert response.json()["id"] == "tiny" and response.json()["teachers"] == 5
    with path.open("rb") as handle:
        again = client.post("/schools/upload?replace=true", files={"file": ("学校.xlsx", handle)}, headers=WRITE)
    assert again.status_code == 201 and again.json()["version"] == 2


def test_upload_bad_workbook_names_sheet_and_row(client, tmp_path):
    path = write_school_workbook(School.model_validate(tiny()), tmp_path / "school.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["classes"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=3, column=header.index("grade") + 1, value=42)  # row 1 field names, row 2 notes
    book.save(path)
    with path.open("rb") as handle:
        response = client.post("/schools/upload", files={"file": ("school.xlsx", handle)}, headers=WRITE)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert any("classes" in d["path"] and "row 3" in d["path"] and "grade" in d["path"] for d in detail), detail


def test_upload_rejects_non_workbooks(client):
    text = client.post("/schools/upload", files={"file": ("a.txt", b"hello")}, headers=WRITE)
    assert text.status_code == 422 and text.json()["detail"][0]["path"] == "file"
    junk = client.post("/schools/upload", files={"file": ("a.xlsx", b"PK\x03\x04 broken")}, headers=WRITE)
    assert junk.status_code == 422


# ---- solving --------------------------------------------------------------------------------
def test_solve_tiny_school_to_done_with_views(client):
    create(client)
    job = solved(client)
    assert job["status"] == "done", job
    assert job["has_timetable"] and job["result"]["status"] in ("optimal", "feasible")
    assert job["result"]["report"] == {"ok": True, "hard": 0}
    assert job["progress"]["elapsed"] > 0 and job["progress"]["objective"] is not None
    job_id = job["id"]

    grid = client.get(f"/jobs/{job_id}/timetable/classes/c3-1").json()
    assert grid["name"] == "三年级1班" and grid["days"] == ["周一", "周二", "周三"]
    assert len(grid["periods"]) == 5 and all(len(row) == 3 for row in grid["cells"])
    filled = [cell for row in grid["cells"] for cell in row if cell["text"]]
    assert len(filled) == 11  # 4 语文 + 3 数学 + 3 体育 + 1 音乐
    assert sum("chinese" in cell["subjects"] for cell in filled) == 4

    teacher = client.get(f"/jobs/{job_id}/timetable/teachers/t3").json()
    assert sum(bool(cell["text"]) for row in teacher["cells"] for cell in row) == 6  # 数学 in both classes
    room = client.get(f"/jobs/{job_id}/timetable/rooms/r-music").json()
    assert sum(bool(cell["text"]) for row in room["cells"] for cell in row) == 2
    assert client.get(f"/jobs/{job_id}/timetable/classes/nope").status_code == 404
    assert client.get(f"/jobs/{job_id}/timetable/pupils/c3-1").status_code == 422

    rows = client.get(f"/jobs/{job_id}/timetable").json()
    assert len(rows) == 22 and {"班级", "学科", "教师"} <= rows[0].keys()
    report = client.get(f"/jobs/{job_id}/report").json()
    assert report["ok"] and report["summary"].startswith("检查通过")
    solution = client.get(f"/jobs/{job_id}/solution").json()
    assert solution["format"] == "school-timetable/1" and len(solution["placements"]) == 22
    assert [j["id"] for j in client.get("/schools/tiny/jobs").json()] == [job_id]


def test_xlsx_and_csv_downloads_open(client, tmp_path):
    create(client)
    job_id = solved(client)["id"]
    response = client.get(f"/jobs/{job_id}/timetable.xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    class_sheets = [name for name in book.sheetnames if "三年级1班" in name]
    assert class_sheets, book.sheetnames
    values = [c.value for row in book[class_sheets[0]].iter_rows() for c in row if c.value]
    assert sum("语文" in str(v) for v in values) == 4
    assert any("检查" in name for name in book.sheetnames)

    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/jobs/{job_id}/timetable-csv.zip").content))
    assert "placements.csv" in archive.namelist() and "class-c3-1.csv" in archive.namelist()
    lines = archive.read("placements.csv").decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1 + 22
    single = client.get(f"/jobs/{job_id}/placements.csv")
    assert single.status_code == 200 and single.content.startswith("\ufeff".encode())


def test_solve_options_are_validated_and_capped(tmp_path):
    with TestClient(create_app(make_settings(tmp_path, max_time_limit=20, max_workers=2))) as client:
        create(client)
        for body, path in [
            ({"time_limit": 21}, "time_limit"),
            ({"time_limit": 0}, "time_limit"),
            ({"time_limit": "soon"}, "time_limit"),
            ({"workers": 3}, "workers"),
            ({"seed": -1}, "seed"),
            ({"colour": "red"}, "colour"),
        ]:
            response = client.post("/schools/tiny/solve", json=body, headers=WRITE)
            assert response.status_code == 422, body
            assert [d["path"] for d in response.json()["detail"]] == [path]
        assert client.get("/jobs").json() == []


def test_infeasible_school_is_explained(client):
    data = tiny()
    data["teachers"][2]["max_lessons_per_week"] = 2  # 王老师 has 6 math lessons to give
    create(client, data)
    job = solved(client)
    assert job["status"] == "infeasible"
    assert job["explanation"] and not job["has_timetable"]
    assert any("王老师" in json.dumps(f, ensure_ascii=False) for f in job["explanation"])
    assert client.get(f"/jobs/{job['id']}/timetable/classes/c3-1").status_code == 409


def test_solver_exception_marks_job_failed(client, monkeypatch):
    # No real school makes the solver raise, so replace it for this one test.
    def broken_solve(*_args, **_kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr("service.jobs.solve", broken_solve)
    create(client)
    job = solved(client)
    assert job["status"] == "failed" and "solver exploded" in job["message"]
    assert client.get("/schools/tiny").status_code == 200  # the server and the data are fine
    monkeypatch.undo()
    assert solved(client)["status"] == "done"


def _sample(name: str) -> dict:
    return json.loads((ROOT / "instances" / f"{name}.json").read_text(encoding="utf-8"))


def test_cancel_running_and_queued_jobs(client):
    # large-48 is never proved optimal within 120 s, so it is still running when cancelled.
    big = _sample("large-48")
    create(client, big)
    create(client)
    running = client.post(f"/schools/{big['id']}/solve", json={"time_limit": 120}, headers=WRITE).json()
    queued = client.post("/schools/tiny/solve", json={"time_limit": 10}, headers=WRITE).json()
    wait_for_job(client, running["id"], until={"running"})
    assert client.get(f"/jobs/{queued['id']}").json()["status"] == "queued"  # one solve at a time

    cancelled = client.post(f"/jobs/{queued['id']}/cancel", headers=WRITE)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert client.post(f"/jobs/{running['id']}/cancel", headers=WRITE).status_code == 200
    job = wait_for_job(client, running["id"], timeout=20)
    assert job["status"] == "cancelled"
    assert job["finished_at"] is not None
    assert client.post(f"/jobs/{running['id']}/cancel", headers=WRITE).status_code == 409
    assert client.post(f"/jobs/{running['id']}/restart", headers=WRITE).status_code == 409
    assert client.get(f"/jobs/{queued['id']}").json()["status"] == "cancelled"  # never ran


def test_live_progress_while_running(client):
    big = _sample("large-48")
    create(client, big)
    job_id = client.post(f"/schools/{big['id']}/solve", json={"time_limit": 120}, headers=WRITE).json()["id"]
    first = wait_for_job(client, job_id, until={"running"})
    wait_for_job(client, job_id, until={"running"})
    time.sleep(0.6)
    later = client.get(f"/jobs/{job_id}").json()
    assert later["status"] == "running" and later["progress"]["elapsed"] > first["progress"]["elapsed"]
    assert later["started_at"] is not None
    client.post(f"/jobs/{job_id}/cancel", headers=WRITE)
    wait_for_job(client, job_id, timeout=20)


# ---- audit and policies ---------------------------------------------------------------------
def test_audit_finds_a_hand_made_teacher_clash(client):
    school = School.model_validate(tiny())
    solution = solve(school, SolveOptions(time_limit=10, workers=1)).solution
    assert solution is not None
    body = {"school": tiny(), "timetable": solution.model_dump(mode="json")}
    clean = client.post("/audit", json=body)
    assert clean.status_code == 200 and clean.json()["ok"], clean.json()

    placements = body["timetable"]["placements"]
    first = next(p for p in placements if p["lesson"].startswith("c3-1.math"))
    second = next(p for p in placements if p["lesson"].startswith("c3-2.math"))
    second["day"], second["period"] = first["day"], first["period"]  # 王老师 in two classes at once
    report = client.post("/audit", json=body).json()
    assert not report["ok"]
    clashes = [v for v in report["violations"] if v["rule"] == "teacher_clash"]
    assert clashes and clashes[0]["teacher_id"] == "t3" and clashes[0]["day"] == first["day"]
    assert client.get("/jobs").json() == []  # nothing was solved or stored


def test_audit_validation_names_the_part(client):
    response = client.post("/audit", json={"school": tiny(), "timetable": {"placements": [{"lesson": "x", "day": 0}]}})
    assert response.status_code == 422
    paths = {d["path"] for d in response.json()["detail"]}
    assert {"timetable.school_id", "timetable.placements[0].day", "timetable.placements[0].period"} <= paths


def test_policy_presets(client):
    presets = client.get("/policies").json()
    assert {"national-2022", "activity-120"} <= {p["id"] for p in presets}
    policy = client.get("/policies/activity-120").json()
    assert policy["daily_activity_minutes"] == 120 and policy["sources"]


def test_page_and_docs_are_served(client):
    page = client.get("/")
    assert page.status_code == 200 and "开始排课" in page.text
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert "/schools/{school_id}/solve" in spec["paths"] and "/audit" in spec["paths"]
