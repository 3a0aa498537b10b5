"""Service test fixtures: an app on a temp SQLite file, a key, and a helper to wait for jobs."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "model"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from service.app import create_app  # noqa: E402
from service.settings import Settings, sqlite_url  # noqa: E402

KEY = "test-key"
WRITE = {"X-API-Key": KEY}
ROOT = Path(__file__).resolve().parents[2]
FINISHED = {"done", "infeasible", "failed", "cancelled", "interrupted"}


def make_settings(tmp_path: Path, **changes) -> Settings:
    values = {"database_url": sqlite_url(tmp_path / "service.db"), "api_key": KEY, "progress_interval": 0.1}
    values.update(changes)
    return Settings(**values)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def client(settings: Settings):
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def wait_for_job(client, job_id: str, timeout: float = 30.0, until=FINISHED) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(f"/jobs/{job_id}").json()
        if job["status"] in until:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} still {job['status']} after {timeout} s: {job}")
        time.sleep(0.1)
