"""Real app processes for tests: uvicorn serving `app:app` on a free loopback port."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import httpx

from luukku.serve import Profile, start, stop
from luukku.settings import Settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def app_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment of an app process on the test database, rate limits off."""
    return {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "SECRET_KEY": settings.secret_key,
        "DEMO_MODE": "false",
        "RATE_LIMITS_ENABLED": "false",
        "SMTP_PORT": str(free_port()),
        **extra,
    }


@asynccontextmanager
async def app_processes(
    env: Mapping[str, str], count: int = 1, worker: bool = False
) -> AsyncIterator[list[str]]:
    """`count` app processes (one uvicorn process each), ready, and with `worker` one
    `litestar worker` process (sending mail); the apps' base URLs."""
    profiles = [
        Profile(port=free_port(), web=1, workers=int(worker and n == 0)) for n in range(count)
    ]
    processes = [process for profile in profiles for process in start(profile, env)]
    urls = [f"http://127.0.0.1:{profile.port}" for profile in profiles]
    try:
        async with httpx.AsyncClient(timeout=2) as client:
            for url in urls:
                for _ in range(300):
                    if any(process.poll() is not None for process in processes):
                        raise RuntimeError("an app process exited while starting")
                    try:
                        if (await client.get(f"{url}/readyz")).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    await asyncio.sleep(0.2)
                else:
                    raise RuntimeError(f"{url} did not get ready in 60 s")
        yield urls
    finally:
        await asyncio.to_thread(stop, processes)
