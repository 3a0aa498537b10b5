"""The same persistence on a real PostgreSQL server (DATABASE_URL), as a school would deploy it.

CI starts PostgreSQL (.ci/install-postgres.sh) and sets SCHEDULER_TEST_POSTGRES_URL; without it the
test is skipped locally with the reason, and fails under CI so it can never pass unseen.
"""

from __future__ import annotations

import os

import pytest
from conftest import WRITE, make_settings, wait_for_job
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from tiny import tiny

from service.app import create_app
from service.migrations import MIGRATIONS

URL = os.environ.get("SCHEDULER_TEST_POSTGRES_URL")

if not URL:
    if os.environ.get("CI") == "true":
        pytest.fail("CI must provide SCHEDULER_TEST_POSTGRES_URL (see .ci/install-postgres.sh)", pytrace=False)
    pytest.skip("no PostgreSQL server: set SCHEDULER_TEST_POSTGRES_URL to run", allow_module_level=True)


@pytest.fixture
def empty_database():
    engine = create_engine(URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return URL


def test_school_job_and_result_survive_a_restart_on_postgresql(tmp_path, empty_database):
    settings = make_settings(tmp_path, database_url=empty_database)
    with TestClient(create_app(settings)) as client:
        assert client.post("/schools", json=tiny(), headers=WRITE).status_code == 201
        job_id = client.post("/schools/tiny/solve", json={"time_limit": 10}, headers=WRITE).json()["id"]
        assert wait_for_job(client, job_id)["status"] == "done"
        grid = client.get(f"/jobs/{job_id}/timetable/classes/c3-1").json()
    with TestClient(create_app(settings)) as client:
        assert client.get("/schools/tiny").json()["name"] == "测试小学"
        assert client.get(f"/jobs/{job_id}").json()["status"] == "done"
        assert client.get(f"/jobs/{job_id}/timetable/classes/c3-1").json() == grid
        assert client.get(f"/jobs/{job_id}/report").json()["ok"]
    engine = create_engine(URL)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version FROM schema_version")).scalar() == MIGRATIONS[-1][0]
    engine.dispose()
