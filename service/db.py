"""Persistence: SQLAlchemy 2 typed ORM rows for schools, solve jobs and their results.

The tables are created and changed only by ``service.migrations`` (ordered, versioned);
these classes mirror the latest schema and a test checks that they agree.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, TypeDecorator, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker


def now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """SQLite forgets the time zone; every time stored here is UTC, so put it back on read."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value, dialect):
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    pass


class SchoolRow(Base):
    __tablename__ = "schools"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict] = mapped_column(JSON)  # the School as JSON (validated before it is stored)
    version: Mapped[int] = mapped_column(Integer, default=1)  # +1 on every replace
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class JobRow(Base):
    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    school_id: Mapped[str] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    school_version: Mapped[int] = mapped_column(Integer)
    school_data: Mapped[dict] = mapped_column(JSON)  # snapshot: results stay readable after a replace
    status: Mapped[str] = mapped_column(String(16), index=True)
    time_limit: Mapped[float] = mapped_column(Float)
    workers: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    progress: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # last Progress seen
    summary: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # Result without the solution
    explanation: Mapped[list | None] = mapped_column(JSON, nullable=True)  # Findings when infeasible
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    # re-planning: the job whose timetable this one changes as little as possible (no foreign key:
    # the baseline may be deleted later; its timetable is read when the job starts)
    baseline_job_id: Mapped[str | None] = mapped_column(String(32), nullable=True)


class ResultRow(Base):
    __tablename__ = "results"

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    solution: Mapped[dict] = mapped_column(JSON)  # scheduler.solution.Solution
    report: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # scheduler.check.Report


class ScenarioRunRow(Base):
    """A what-if scenario comparison (scheduler.scenarios), solved in the background."""

    __tablename__ = "scenario_runs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    school_id: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True)  # None: inline school
    school_name: Mapped[str] = mapped_column(String(200))
    school_data: Mapped[dict] = mapped_column(JSON)  # the base school as it was when the run was made
    request: Mapped[dict] = mapped_column(JSON)  # scheduler.scenarios.ScenarioSet
    status: Mapped[str] = mapped_column(String(16), index=True)  # queued / running / done / failed / interrupted
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    comparison: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # scheduler.scenarios.Comparison
    message: Mapped[str | None] = mapped_column(Text, nullable=True)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")  # readers are not blocked by a solve's writes
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def make_sessions(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)
