"""Persistence across app restarts, interrupted jobs, the migration mechanism, settings from env."""

from __future__ import annotations

import json

from conftest import ROOT, WRITE, make_settings, wait_for_job
from fastapi.testclient import TestClient
from sqlalchemy import inspect
from tiny import tiny

from service.app import create_app
from service.db import Base, make_engine, make_sessions
from service.migrations import MIGRATIONS, current_version, migrate
from service.settings import Settings, sqlite_url
from service.store import Store


def test_schools_jobs_and_results_survive_a_restart(tmp_path):
    settings = make_settings(tmp_path)
    with TestClient(create_app(settings)) as client:
        client.post("/schools", json=tiny(), headers=WRITE)
        job_id = client.post("/schools/tiny/solve", json={"time_limit": 10}, headers=WRITE).json()["id"]
        assert wait_for_job(client, job_id)["status"] == "done"
        before = client.get(f"/jobs/{job_id}/timetable/classes/c3-2").json()
    with TestClient(create_app(settings)) as client:
        assert client.get("/schools/tiny").json()["name"] == "测试小学"
        job = client.get(f"/jobs/{job_id}").json()
        assert job["status"] == "done" and job["has_timetable"]
        assert client.get(f"/jobs/{job_id}/timetable/classes/c3-2").json() == before
        assert client.get(f"/jobs/{job_id}/report").json()["ok"]


def test_jobs_left_running_by_a_dead_process_are_interrupted_then_restartable(tmp_path):
    settings = make_settings(tmp_path)
    with TestClient(create_app(settings)) as client:
        client.post("/schools", json=tiny(), headers=WRITE)
    # A process that died mid-solve leaves its rows as they were: one running, one queued.
    store = Store(make_sessions(make_engine(settings.database_url)))
    school = store.get_school("tiny")
    running = store.create_job(school, 10, 1, 0)
    store.transition(running.id, ["queued"], status="running")
    queued = store.create_job(school, 10, 1, 0)

    with TestClient(create_app(settings)) as client:
        for job_id in (running.id, queued.id):
            job = client.get(f"/jobs/{job_id}").json()
            assert job["status"] == "interrupted" and job["message"]
        assert client.post(f"/jobs/{running.id}/restart").status_code == 401
        restarted = client.post(f"/jobs/{running.id}/restart", headers=WRITE)
        assert restarted.status_code == 202 and restarted.json()["status"] in ("queued", "running", "done")
        job = wait_for_job(client, running.id)
        assert job["status"] == "done" and job["has_timetable"]
        assert client.post(f"/jobs/{running.id}/restart", headers=WRITE).status_code == 409


def test_stopping_the_app_interrupts_a_running_solve(tmp_path):
    settings = make_settings(tmp_path)
    big = json.loads((ROOT / "instances" / "large-48.json").read_text(encoding="utf-8"))
    with TestClient(create_app(settings)) as client:
        client.post("/schools", json=big, headers=WRITE)
        job_id = client.post(f"/schools/{big['id']}/solve", json={"time_limit": 120}, headers=WRITE).json()["id"]
        wait_for_job(client, job_id, until={"running"})
    with TestClient(create_app(settings)) as client:
        job = client.get(f"/jobs/{job_id}").json()
        assert job["status"] == "interrupted"
        assert client.get(f"/jobs/{job_id}/timetable/classes/{big['classes'][0]['id']}").status_code == 409


def test_deleting_a_school_removes_its_jobs_and_results(tmp_path):
    with TestClient(create_app(make_settings(tmp_path))) as client:
        client.post("/schools", json=tiny(), headers=WRITE)
        job_id = client.post("/schools/tiny/solve", json={"time_limit": 10}, headers=WRITE).json()["id"]
        wait_for_job(client, job_id)
        assert client.delete("/schools/tiny", headers=WRITE).status_code == 204
        assert client.get(f"/jobs/{job_id}").status_code == 404
        assert client.get(f"/jobs/{job_id}/timetable.xlsx").status_code == 404


def test_migrations_build_the_schema_the_orm_expects(tmp_path):
    engine = make_engine(sqlite_url(tmp_path / "m.db"))
    assert current_version(engine) == 0
    assert migrate(engine) == MIGRATIONS[-1][0]
    assert migrate(engine) == MIGRATIONS[-1][0]  # idempotent
    assert current_version(engine) == MIGRATIONS[-1][0]
    schema = inspect(engine)
    for table in Base.metadata.sorted_tables:
        migrated = {c["name"] for c in schema.get_columns(table.name)}
        assert migrated == {c.name for c in table.columns}, table.name


def test_newer_database_is_refused(tmp_path):
    engine = make_engine(sqlite_url(tmp_path / "m.db"))
    migrate(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE schema_version SET version = 999")
    try:
        migrate(engine)
    except RuntimeError as exc:
        assert "999" in str(exc)
    else:
        raise AssertionError("a database from a newer program must not be touched")


def test_settings_from_env(tmp_path):
    settings = Settings.from_env(
        {
            "SCHEDULER_DB": str(tmp_path / "x.db"),
            "SCHEDULER_API_KEY": "k",
            "SCHEDULER_READ_KEY_REQUIRED": "1",
            "SCHEDULER_MAX_TIME_LIMIT": "42",
            "SCHEDULER_MAX_SOLVES": "3",
            "SCHEDULER_SEED_SAMPLES": "0",
        }
    )
    assert settings.database_url == sqlite_url(tmp_path / "x.db")
    assert settings.api_key == "k" and settings.read_key_required
    assert settings.max_time_limit == 42 and settings.max_concurrent_solves == 3
    assert settings.seed_samples_from is None
    url = Settings.from_env({"DATABASE_URL": "postgresql+psycopg://u@h/db", "SCHEDULER_DB": "ignored.db"})
    assert url.database_url == "postgresql+psycopg://u@h/db" and url.api_key is None


def test_samples_load_on_first_start_only(tmp_path):
    settings = make_settings(tmp_path, seed_samples_from=ROOT / "instances")
    with TestClient(create_app(settings)) as client:
        ids = {s["id"] for s in client.get("/schools").json()}
        assert {"rural-6", "tiny-3", "urban-24"} <= ids
        client.delete("/schools/tiny-3", headers=WRITE)
    with TestClient(create_app(settings)) as client:  # not empty: nothing is re-added
        assert "tiny-3" not in {s["id"] for s in client.get("/schools").json()}
