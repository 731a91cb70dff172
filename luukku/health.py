"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException
from piccolo.engine.base import Engine
from piccolo.querystring import QueryString


@get("/healthz", tags=["operations"], summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@get("/readyz", tags=["operations"], summary="The database answers", opt={"problems": (503,)})
async def readyz(engine: NamedDependency[Engine]) -> dict[str, str]:  # type: ignore[type-arg]
    try:
        await engine.run_querystring(QueryString("SELECT 1"))
    except Exception as exc:  # any failure to reach the database means "not ready"
        raise HTTPException(status_code=503, detail="database unreachable") from exc
    return {"status": "ok"}
