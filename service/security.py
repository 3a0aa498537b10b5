"""API key: every write needs X-API-Key; reads too when SCHEDULER_READ_KEY_REQUIRED=1."""

from __future__ import annotations

import hmac

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="SCHEDULER_API_KEY")


def _check(request: Request, given: str | None) -> None:
    expected = request.app.state.settings.api_key
    if expected is None:
        raise HTTPException(403, "写操作已关闭：服务未配置 SCHEDULER_API_KEY (writes are disabled)")
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(
            401, "缺少或错误的 API 密钥 (missing or wrong X-API-Key)", {"WWW-Authenticate": "X-API-Key"}
        )


def require_write_key(request: Request, key: str | None = Security(api_key_header)) -> None:
    _check(request, key)


def require_read_key(request: Request, key: str | None = Security(api_key_header)) -> None:
    if request.app.state.settings.read_key_required:
        _check(request, key)


READ = [Depends(require_read_key)]
WRITE = [Depends(require_write_key)]
