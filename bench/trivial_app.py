"""The framework's own limit: a Litestar app with one trivial JSON endpoint, served exactly as
Luukku is (bench/ratio.py), so Luukku's throughput can be stated as a fraction of it."""

from __future__ import annotations

from litestar import Litestar, get


@get("/ping", sync_to_thread=False)
def ping() -> dict[str, str]:
    return {"status": "ok"}


@get("/readyz", sync_to_thread=False)
def readyz() -> dict[str, str]:
    return {"status": "ok"}


app = Litestar(route_handlers=[ping, readyz], debug=False)
