"""The framework's own limit: a hello-world Litestar app (`GET /ping` answers `{"ok": "yes"}`),
served exactly as Luukku is (bench/ratio.py), so Luukku's throughput is a fraction of it."""

from __future__ import annotations

from litestar import Litestar, get


@get("/ping", sync_to_thread=False)
def ping() -> dict[str, str]:
    return {"ok": "yes"}


@get("/readyz", sync_to_thread=False)
def readyz() -> dict[str, str]:
    return {"status": "ok"}


app = Litestar(route_handlers=[ping, readyz], debug=False)
