"""Schema migrations: a ``schema_version`` table and an ordered list of migration functions.

Deliberately small instead of Alembic: each migration is a function ``(connection) -> None``
appended to ``MIGRATIONS``; ``migrate`` runs, in one transaction, every migration above the
stored version and records the new version. Migrations freeze their own table definitions
(SQLAlchemy Core), so later edits to ``service.db`` never change what an old step does.
To change the schema: append a function, bump nothing else, mirror the change in ``db.py``.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Engine


def _v1_initial(connection: Connection) -> None:
    """schools, jobs (with their school snapshot and progress), results (solution + checker report)."""
    meta = MetaData()
    Table(
        "schools",
        meta,
        Column("id", String(64), primary_key=True),
        Column("name", String(200), nullable=False),
        Column("data", JSON, nullable=False),
        Column("version", Integer, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
    )
    Table(
        "jobs",
        meta,
        Column("id", String(32), primary_key=True),
        Column("school_id", String(64), ForeignKey("schools.id", ondelete="CASCADE"), nullable=False, index=True),
        Column("school_version", Integer, nullable=False),
        Column("school_data", JSON, nullable=False),
        Column("status", String(16), nullable=False, index=True),
        Column("time_limit", Float, nullable=False),
        Column("workers", Integer, nullable=False),
        Column("seed", Integer, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("started_at", DateTime(timezone=True)),
        Column("finished_at", DateTime(timezone=True)),
        Column("progress", JSON),
        Column("summary", JSON),
        Column("explanation", JSON),
        Column("message", Text),
    )
    Table(
        "results",
        meta,
        Column("job_id", String(32), ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
        Column("solution", JSON, nullable=False),
        Column("report", JSON),
    )
    meta.create_all(connection)


def _v2_job_baseline(connection: Connection) -> None:
    """jobs.baseline_job_id: a re-planning job stays close to that job's timetable."""
    connection.execute(text("ALTER TABLE jobs ADD COLUMN baseline_job_id VARCHAR(32)"))


def _v3_scenario_runs(connection: Connection) -> None:
    """scenario_runs: what-if scenario comparisons (a school snapshot, the scenarios, the comparison)."""
    meta = MetaData()
    Table(
        "scenario_runs",
        meta,
        Column("id", String(32), primary_key=True),
        # no foreign key: the run keeps its own school snapshot, the school may be deleted later
        Column("school_id", String(64), index=True),
        Column("school_name", String(200), nullable=False),
        Column("school_data", JSON, nullable=False),
        Column("request", JSON, nullable=False),
        Column("status", String(16), nullable=False, index=True),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("started_at", DateTime(timezone=True)),
        Column("finished_at", DateTime(timezone=True)),
        Column("comparison", JSON),
        Column("message", Text),
    )
    meta.create_all(connection)


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "initial schema: schools, jobs, results", _v1_initial),
    (2, "jobs.baseline_job_id for minimal-change re-planning", _v2_job_baseline),
    (3, "scenario_runs for what-if scenario comparisons", _v3_scenario_runs),
]

_VERSION = Table("schema_version", MetaData(), Column("version", Integer, nullable=False))


def current_version(engine: Engine) -> int:
    if not inspect(engine).has_table("schema_version"):
        return 0
    with engine.connect() as connection:
        return connection.execute(select(_VERSION.c.version)).scalar() or 0


def migrate(engine: Engine) -> int:
    """Bring the database to the latest version; returns it. Safe to call on every start."""
    with engine.begin() as connection:
        _VERSION.metadata.create_all(connection)
        stored = connection.execute(select(_VERSION.c.version)).scalar()
        if stored is None:
            connection.execute(_VERSION.insert().values(version=0))
            stored = 0
        latest = MIGRATIONS[-1][0]
        if stored > latest:
            raise RuntimeError(f"database schema version {stored} is newer than this program knows ({latest})")
        for version, _description, step in MIGRATIONS:
            if version > stored:
                step(connection)
                connection.execute(text("UPDATE schema_version SET version = :v"), {"v": version})
        return latest
