"""The FastAPI app: ``create_app(settings)`` wires the database, the job runner and the routers."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from scheduler.load import InputError, load_school
from service import errors
from service.db import make_engine, make_sessions
from service.jobs import JobRunner
from service.limits import BodySizeLimit
from service.migrations import migrate
from service.results import ResultCache
from service.routers import audit, jobs, policies, results, scenarios, schools
from service.scenario_runs import ScenarioRunner
from service.settings import Settings
from service.store import Conflict, Store

log = logging.getLogger("service")
STATIC = Path(__file__).resolve().parent / "static"

DESCRIPTION = """中小学排课服务：保存学校数据，后台求解课表，查看班级/教师/教室课表，下载 Excel/CSV，检查课表是否合规。

写操作（POST/PUT/DELETE）需要请求头 `X-API-Key`。校验错误返回 422，`detail` 中每项给出出错字段的 `loc` 与 `path`。"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    engine = make_engine(settings.database_url)
    migrate(engine)
    store = Store(make_sessions(engine))
    interrupted = store.interrupt_active()
    if interrupted:
        log.warning("marked %d unfinished job(s) from a previous run as interrupted", len(interrupted))
    if settings.seed_samples_from is not None and store.count_schools() == 0:
        seed_samples(store, settings.seed_samples_from)
    runner = JobRunner(store, settings.max_concurrent_solves, settings.progress_interval)
    scenario_runner = ScenarioRunner(store, settings.max_concurrent_solves)  # marks left-over runs interrupted

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        runner.close()
        engine.dispose()

    app = FastAPI(
        title="排课服务 School timetable service", version="0.1.0", description=DESCRIPTION, lifespan=lifespan
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.store = store
    app.state.runner = runner
    app.state.scenario_runner = scenario_runner
    app.state.results = ResultCache()
    errors.install(app)
    for module in (schools, jobs, results, audit, policies, scenarios):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app


def seed_samples(store: Store, folder: Path) -> list[str]:
    """Load the bundled sample schools (instances/*.json) into an empty database."""
    loaded = []
    for path in sorted(folder.glob("*.json")):
        if path.name.startswith("scenarios-"):
            continue  # what-if scenario files (docs/SCENARIOS.md), not schools
        try:
            school = load_school(path)
            store.create_school(school)
            loaded.append(school.id)
        except (InputError, Conflict) as exc:
            log.warning("sample %s not loaded: %s", path.name, exc)
    if loaded:
        log.info("loaded sample schools: %s", ", ".join(loaded))
    return loaded
