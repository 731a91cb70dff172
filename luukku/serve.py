"""The production profile on one host (`make serve`): app processes and periodic-job workers.

`WEB_CONCURRENCY` app processes (uvicorn's workers behind one socket, default 2) on
`HOST:PORT` and `WORKER_CONCURRENCY` `litestar worker` processes (default 1), all against
`DATABASE_URL`, with `RUN_WORKER_IN_APP=false`. App processes keep no state of their own, so
the count is free; each periodic job runs once per slot however many workers run
(luukku/worker.py). Stops everything on SIGINT/SIGTERM, and when any process exits.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import FrameType

from luukku.settings import ROOT


@dataclass(frozen=True, slots=True)
class Profile:
    host: str = "127.0.0.1"
    port: int = 8000
    web: int = 2
    """App processes."""
    workers: int = 1
    """`litestar worker` processes."""
    app: str = "app:app"
    """The ASGI app the app processes serve (benchmarks compare another one)."""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Profile:
        defaults = cls()
        return cls(
            host=env.get("HOST") or defaults.host,
            port=int(env.get("PORT") or defaults.port),
            web=max(1, int(env.get("WEB_CONCURRENCY") or defaults.web)),
            workers=max(0, int(env.get("WORKER_CONCURRENCY") or defaults.workers)),
        )

    def commands(self) -> list[list[str]]:
        app = [
            sys.executable,
            "-m",
            "uvicorn",
            self.app,
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--workers",
            str(self.web),
            "--no-access-log",
            "--timeout-graceful-shutdown",
            "10",
        ]
        worker = [sys.executable, "-m", "litestar", "--app", "app:app", "worker"]
        return [app] + [worker] * self.workers


def start(profile: Profile, env: Mapping[str, str]) -> list[subprocess.Popen[bytes]]:
    """Every process of `profile`, started with `env` (plus `RUN_WORKER_IN_APP=false`)."""
    environment = {**env, "RUN_WORKER_IN_APP": "false"}
    return [
        subprocess.Popen(command, cwd=ROOT, env=environment, start_new_session=True)  # noqa: S603
        for command in profile.commands()
    ]


def stop(processes: Sequence[subprocess.Popen[bytes]], timeout: float = 15) -> None:
    """SIGTERM to each process group (uvicorn's children too), SIGKILL after `timeout`."""
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def main() -> None:
    profile = Profile.from_env(os.environ)
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("note: DATABASE_URL is not PostgreSQL; several processes on SQLite queue on its lock")
    processes = start(profile, os.environ)
    print(
        f"Luukku on http://{profile.host}:{profile.port}: {profile.web} app process(es), "
        f"{profile.workers} worker(s)",
        flush=True,
    )
    stopping = False

    def on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    while not stopping and all(process.poll() is None for process in processes):
        time.sleep(0.5)
    stop(processes)
    sys.exit(0 if stopping else 1)


if __name__ == "__main__":
    main()
