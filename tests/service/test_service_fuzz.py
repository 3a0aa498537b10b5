"""Property-based API test: schemathesis requests generated from the OpenAPI spec never get a 5xx."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from conftest import WRITE, make_settings
from hypothesis import HealthCheck, settings

from service.app import create_app

_folder = Path(tempfile.mkdtemp(prefix="service-fuzz-"))
# Short solves only: a generated school may be solvable, and solves queue behind each other.
app = create_app(make_settings(_folder, max_time_limit=1.0, max_workers=1))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(case):
    response = case.call(headers=WRITE)
    assert response.status_code < 500, f"{case.method} {case.formatted_path} → {response.status_code}: {response.text}"


def teardown_module() -> None:
    app.state.runner.close(timeout=5)
