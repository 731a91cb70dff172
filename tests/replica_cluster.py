"""A PostgreSQL primary and a streaming replica of their own, for the replica tests.

Debian's PostgreSQL 15 binaries (`initdb`, `pg_ctl`, `pg_basebackup -R`) run as the `postgres`
user (initdb refuses root) in a temporary folder, on free loopback ports, trust authentication.
The replica streams from the primary; `pause_replay()` stops it applying what it receives.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from tests.app_process import free_port

BIN = Path("/usr/lib/postgresql/15/bin")
DATABASE = "luukku"


def available() -> bool:
    return (BIN / "initdb").exists() and shutil.which("runuser") is not None


def _as_postgres(*command: str) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    result = subprocess.run(
        [*prefix, *command], capture_output=True, text=True, check=False, timeout=120
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")


@dataclass(frozen=True, slots=True)
class Cluster:
    primary_port: int
    replica_port: int

    @property
    def primary_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.primary_port}/{DATABASE}"

    @property
    def replica_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.replica_port}/{DATABASE}"

    async def _on_replica(self, sql: str) -> object:
        connection = await asyncpg.connect(self.replica_url)
        try:
            return await connection.fetchval(sql)
        finally:
            await connection.close()

    async def caught_up(self, seconds: float = 30) -> None:
        """Wait until the replica has replayed everything the primary wrote so far."""
        primary = await asyncpg.connect(self.primary_url)
        try:
            target = await primary.fetchval("SELECT pg_current_wal_lsn()::text")
        finally:
            await primary.close()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if await self._on_replica(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
                return
            await asyncio.sleep(0.1)
        raise TimeoutError("the replica did not catch up")

    async def pause_replay(self) -> None:
        await self._on_replica("SELECT pg_wal_replay_pause()")

    async def resume_replay(self) -> None:
        await self._on_replica("SELECT pg_wal_replay_resume()")


@contextmanager
def primary_and_replica() -> Iterator[Cluster]:
    """Both servers running, the `luukku` database created on the primary; stopped after."""
    folder = Path(tempfile.mkdtemp(prefix="luukku-replicas-"))
    shutil.chown(folder, "postgres")
    primary, replica = folder / "primary", folder / "replica"
    cluster = Cluster(primary_port=free_port(), replica_port=free_port())
    started: list[Path] = []

    def start(data: Path, port: int) -> None:
        options = f"-p {port} -c listen_addresses=127.0.0.1 -k {folder} -c fsync=off"
        log = f"{data}.log"
        _as_postgres(str(BIN / "pg_ctl"), "-D", str(data), "-l", log, "-w", "-o", options, "start")
        started.append(data)

    try:
        _as_postgres(str(BIN / "initdb"), "-D", str(primary), "-U", "postgres", "--auth=trust")
        start(primary, cluster.primary_port)
        _as_postgres(
            str(BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(cluster.primary_port),
            "-U", "postgres", "-D", str(replica), "-R", "-X", "stream",
        )  # fmt: skip
        start(replica, cluster.replica_port)
        _as_postgres(
            str(BIN / "createdb"), "-h", "127.0.0.1", "-p", str(cluster.primary_port),
            "-U", "postgres", DATABASE,
        )  # fmt: skip
        yield cluster
    finally:
        for data in reversed(started):
            _as_postgres(str(BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)
