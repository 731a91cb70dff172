"""Real uvicorn processes serving the test database, for tests that race across processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

from luukku.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
_QUIET = ("--log-level", "warning")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_ready(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90  # a loaded machine starts two apps slowly
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"app process exited with {process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"app on port {port} did not become ready")


@contextmanager
def app_processes(
    settings: Settings, count: int = 2, *, log_dir: Path | None = None, pool_size: int = 30
) -> Iterator[list[str]]:
    """`count` separate uvicorn processes on the test database (no worker, no rate limits);
    their base URLs. With `log_dir`, each process's stderr goes to `app-<n>.log` there."""
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "SECRET_KEY": settings.secret_key,
        "DEMO_MODE": "false",
        "RUN_WORKER_IN_APP": "false",
        "DATABASE_POOL_SIZE": str(pool_size),
        "RATE_LIMITS_ENABLED": "false",  # many requests from one address on purpose
    }
    ports = [free_port() for _ in range(count)]
    with ExitStack() as files:
        logs = [
            files.enter_context((log_dir / f"app-{n}.log").open("wb")) if log_dir else None
            for n in range(count)
        ]
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "app:app", "--port", str(port), *_QUIET],
                cwd=ROOT,
                env=env,
                stderr=log,
            )
            for port, log in zip(ports, logs, strict=True)
        ]
        try:
            for port, process in zip(ports, processes, strict=True):
                wait_until_ready(port, process)
            yield [f"http://127.0.0.1:{port}" for port in ports]
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=10)
