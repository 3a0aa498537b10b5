"""Bad input → 422 with the location of every bad field; unknown ids → 404; never a traceback."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from scheduler.load import format_location
from service.store import Conflict

log = logging.getLogger("service")


def problem(loc: tuple | list, msg: str, kind: str = "value_error") -> dict:
    """One bad field: ``loc`` as pydantic gives it, ``path`` as a reader writes it (teachers[3].subjects[1])."""
    loc = list(loc)
    inner = loc[1:] if loc[:1] in (["body"], ["query"], ["path"], ["header"]) else loc
    return {"loc": loc, "path": format_location(tuple(inner)), "msg": msg, "type": kind}


def problems_of(exc: ValidationError, prefix: tuple = ("body",)) -> list[dict]:
    return [problem((*prefix, *e["loc"]), e["msg"], e["type"]) for e in exc.errors()]


class InvalidInput(Exception):
    """Raised by a handler for input that passed the schema but breaks a rule (422)."""

    def __init__(self, problems: list[dict]):
        self.problems = problems
        super().__init__("; ".join(f"{p['path']}: {p['msg']}" for p in problems))


def invalid(loc: tuple, msg: str) -> InvalidInput:
    return InvalidInput([problem(loc, msg)])


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _request_invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [problem(e.get("loc", ()), str(e.get("msg", "")), str(e.get("type", ""))) for e in exc.errors()]
        return JSONResponse({"detail": details}, status_code=422)

    @app.exception_handler(InvalidInput)
    async def _invalid(_request: Request, exc: InvalidInput) -> JSONResponse:
        return JSONResponse({"detail": exc.problems}, status_code=422)

    @app.exception_handler(Conflict)
    async def _conflict(_request: Request, exc: Conflict) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=409)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": f"内部错误：{type(exc).__name__}"}, status_code=500)
