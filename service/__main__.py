"""``python -m service``: serve the API and the web page on 127.0.0.1:8000.

Environment: SCHEDULER_API_KEY (writes), SCHEDULER_READ_KEY_REQUIRED, DATABASE_URL or
SCHEDULER_DB (default ./scheduler.db), SCHEDULER_MAX_BODY_BYTES, SCHEDULER_MAX_TIME_LIMIT,
SCHEDULER_MAX_WORKERS, SCHEDULER_MAX_SOLVES, SCHEDULER_SEED_SAMPLES=0 (do not load instances/*.json).
"""

from __future__ import annotations

import argparse
import logging
import secrets

import uvicorn

from service.app import create_app
from service.settings import Settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m service", description="排课服务 (API + 网页)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env()
    if settings.api_key is None:
        # Writes always need a key; without one configured, make one for this run and say so.
        settings.api_key = secrets.token_urlsafe(16)
        print(f"SCHEDULER_API_KEY is not set; API key for this run: {settings.api_key}", flush=True)
    app = create_app(settings)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
