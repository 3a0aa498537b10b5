"""Service configuration: one object, read from the environment by ``Settings.from_env``."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, Field

DEFAULT_DB = Path("scheduler.db")
SAMPLES_DIR = Path(__file__).resolve().parent.parent / "instances"


class Settings(BaseModel):
    """Everything the app needs to know; tests build one directly, ``python -m service`` reads env."""

    database_url: str = f"sqlite:///{DEFAULT_DB}"
    api_key: str | None = None  # required in X-API-Key for every write; None: writes are refused
    read_key_required: bool = False  # reads need the key too
    max_body_bytes: int = Field(5 * 1024 * 1024, ge=1024)
    max_time_limit: float = Field(300.0, gt=0)  # seconds; a solve request above it gets 422
    max_workers: int = Field(2, ge=1, le=64)  # CP-SAT workers per solve
    max_concurrent_solves: int = Field(1, ge=1, le=32)  # the rest wait in the queue
    seed_samples_from: Path | None = None  # load instances/*.json when the DB has no schools
    progress_interval: float = 0.5  # seconds between progress writes to the database

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """DATABASE_URL (any SQLAlchemy URL) wins over SCHEDULER_DB (a SQLite file path)."""
        env = dict(os.environ if env is None else env)
        values: dict = {}
        if env.get("DATABASE_URL"):
            values["database_url"] = env["DATABASE_URL"]
        elif env.get("SCHEDULER_DB"):
            values["database_url"] = sqlite_url(env["SCHEDULER_DB"])
        if env.get("SCHEDULER_API_KEY"):
            values["api_key"] = env["SCHEDULER_API_KEY"]
        values["read_key_required"] = env.get("SCHEDULER_READ_KEY_REQUIRED", "0").strip().lower() in (
            "1",
            "true",
            "yes",
        )
        numbers = {
            "SCHEDULER_MAX_BODY_BYTES": ("max_body_bytes", int),
            "SCHEDULER_MAX_TIME_LIMIT": ("max_time_limit", float),
            "SCHEDULER_MAX_WORKERS": ("max_workers", int),
            "SCHEDULER_MAX_SOLVES": ("max_concurrent_solves", int),
        }
        for name, (field, kind) in numbers.items():
            if env.get(name):
                try:
                    values[field] = kind(env[name])
                except ValueError:
                    raise SystemExit(f"{name}: expected a number, got {env[name]!r}") from None
        if env.get("SCHEDULER_SEED_SAMPLES", "1") not in ("0", "false", "no"):
            values["seed_samples_from"] = SAMPLES_DIR
        return cls(**values)


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path).expanduser().resolve()}"
