"""Notification throughput: 10,000 due reminders sent to a local SMTP server by one and by
two worker processes, on SQLite and PostgreSQL; writes its section of docs/performance.md.

Each worker is a process of its own running the real sender (`send_due`: claim, compose with
the language's texts, send over one reused SMTP connection, mark sent). The SMTP server is
the demo sink (`notifications.mail_sink`) in another process, writing every message to disk.
Timing starts when every worker is ready and ends when the last has nothing left to send.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sqlite3
import sys
import tempfile
import time as timer
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from bench.harness import display_url, migrate, package_version, prepare_postgres
from bench.report import cpu_model, record_figures
from luukku.database import bind_tables, engine_from_url
from luukku.settings import Settings
from notifications.delivery import Delivery, send_due
from notifications.messages import Sender
from notifications.smtp import SmtpConfig, SmtpMailer
from notifications.tables import TABLES, OutboxMessage
from testdata.factories import make_due_messages

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
SQLITE_PATH = ROOT / "var" / "bench-notifications.sqlite"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/luukku_bench"
MESSAGES = 10_000
SMTP_PORT = int(os.environ.get("BENCH_SMTP_PORT", "2525"))
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
APPOINTMENT = NOW + timedelta(days=7)
TARGET_PER_SECOND = 300
ROUNDS = ((1, 1), (1, Settings().smtp_connections), (2, Settings().smtp_connections))
"""(workers, SMTP connections per worker): one connection reused, then the default."""
MARK_START = "<!-- bench:notifications:start -->"
MARK_END = "<!-- bench:notifications:end -->"


@dataclass(frozen=True, slots=True)
class Run:
    engine: str
    workers: int
    connections: int
    """SMTP connections per worker."""
    seconds: float
    sent: int
    received: int
    cpu_seconds: float
    """CPU time the workers spent (user and system), all of them together."""

    @property
    def per_second(self) -> float:
        return self.sent / self.seconds

    @property
    def cpu_ms_per_message(self) -> float:
        return self.cpu_seconds * 1000 / self.sent


# --- one worker process ---------------------------------------------------------------------


async def work(url: str, smtp_port: int, connections: int) -> None:
    """A worker: ready when connected, sends after "go" on stdin, reports what it sent."""
    engine = engine_from_url(url)
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=1, max_size=connections + 1)
    bind_tables(engine, TABLES)
    delivery = Delivery(
        mailers=tuple(SmtpMailer(SmtpConfig("127.0.0.1", smtp_port)) for _ in range(connections)),
        sender=Sender.from_mail_from("Luukku <luukku@luukku.test>", "https://luukku.test"),
    )
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    cpu = timer.process_time()
    sent = await send_due(delivery, NOW)
    print(f"{sent} {timer.process_time() - cpu:.3f}", flush=True)
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()


# --- the bench ------------------------------------------------------------------------------


async def _spawn_worker(url: str, connections: int) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.notifications",
        "--worker",
        url,
        "--connections",
        str(connections),
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    line = await process.stdout.readline()
    if line.strip() != b"ready":
        raise RuntimeError(f"worker did not start: {line!r}")
    return process


def _empty(mail: Path) -> None:
    for old in mail.glob("*.eml"):
        old.unlink()


def _count(mail: Path) -> int:
    return len(list(mail.glob("*.eml")))


async def bench_round(
    engine_name: str, url: str, workers: int, connections: int, mail: Path
) -> Run:
    await OutboxMessage.delete(force=True)
    _empty(mail)
    await make_due_messages(MESSAGES, NOW, APPOINTMENT)
    processes = [await _spawn_worker(url, connections) for _ in range(workers)]
    started = timer.perf_counter()
    for process in processes:
        assert process.stdin is not None
        process.stdin.write(b"go\n")
        await process.stdin.drain()
    cpu_seconds = 0.0
    for process in processes:
        assert process.stdout is not None
        _, cpu = (await process.stdout.readline()).split()
        cpu_seconds += float(cpu)
        await process.wait()
    seconds = timer.perf_counter() - started
    sent = await OutboxMessage.count().where(OutboxMessage.status == "sent")
    await asyncio.sleep(0.5)  # the sink writes the last files
    received = _count(mail)
    run = Run(engine_name, workers, connections, seconds, sent, received, cpu_seconds)
    print(
        f"{engine_name}, {workers} worker(s) × {connections} connection(s): {sent} sent "
        f"in {seconds:.1f} s = {run.per_second:.0f}/s; the server holds {received}"
    )
    return run


async def bench_engine(engine_name: str, url: str, mail: Path) -> list[Run]:
    await migrate(url)
    engine = engine_from_url(url)
    if isinstance(engine, SQLiteEngine):
        await engine._run_in_new_connection("PRAGMA journal_mode=WAL")
    bind_tables(engine, TABLES)
    return [
        await bench_round(engine_name, url, workers, connections, mail)
        for workers, connections in ROUNDS
    ]


def _fresh_sqlite() -> str:
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{SQLITE_PATH}"


def report(runs: list[Run], skipped: list[str], load: float, versions: dict[str, str]) -> str:
    lines = [
        f"Run of {datetime.now(UTC):%Y-%m-%d} (`make bench`).",
        "",
        f"- Machine: {platform.platform()}, {cpu_model()}, {os.cpu_count()} CPUs; load "
        f"average {load:.2f} when the run started. Workers, SMTP server and database share it.",
        f"- Software: Python {platform.python_version()}, "
        + ", ".join(f"{name} {version}" for name, version in versions.items())
        + f"; aiosmtplib {package_version('aiosmtplib')}, aiosmtpd {package_version('aiosmtpd')}.",
        f"- Data: {MESSAGES:,} due reminders (fi/sv/en in turn), each to its own address; "
        "text and HTML parts; the server writes every message to disk.",
        *(f"- {note}" for note in skipped),
        "",
        "| Engine | Workers | SMTP connections each | Sent | Received | Seconds | Messages/s "
        "| Worker CPU ms/message |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    lines += [
        f"| {r.engine} | {r.workers} | {r.connections} | {r.sent} | {r.received} | "
        f"{r.seconds:.1f} | {r.per_second:.0f} | {r.cpu_ms_per_message:.2f} |"
        for r in runs
    ]
    single = [r for r in runs if r.workers == 1 and r.connections == ROUNDS[1][1]]
    verdict = all(r.per_second >= TARGET_PER_SECOND for r in single)
    lines += [
        "",
        f"Target of {TARGET_PER_SECOND} messages a second with one worker: "
        f"{'met' if verdict else 'NOT met'} "
        f"({', '.join(f'{r.engine} {r.per_second:.0f}/s' for r in single)}). "
        "A worker needs "
        + ", ".join(f"{r.cpu_ms_per_message:.1f} ms of CPU a message on {r.engine}" for r in single)
        + ", so with a core of its own it could send "
        + ", ".join(f"{1000 / r.cpu_ms_per_message:.0f}/s" for r in single)
        + "; here it shares two CPUs with the SMTP server and the database.",
    ]
    return "\n".join(lines)


def write_doc(section: str) -> None:
    generated = f"{MARK_START}\n{section}\n{MARK_END}"
    text = DOC.read_text()
    head, found_start, rest = text.partition(MARK_START)
    _, found_end, tail = rest.partition(MARK_END)
    if found_start and found_end:
        text = f"{head}{generated}{tail}"
    else:
        text = f"{text.rstrip()}\n\n## Notifications\n\n{INTRO}\n{generated}\n"
    DOC.write_text(text)


INTRO = f"""`bench/notifications.py` puts {MESSAGES:,} due reminders in the outbox and times worker
processes sending them to a local SMTP server (the demo sink, another process, writing each
message to disk): one worker over one reused SMTP connection, one worker with the default
`SMTP_CONNECTIONS`, then two workers. Each worker runs the real sender: claim a batch
(`FOR UPDATE SKIP LOCKED` on PostgreSQL), compose each message, send it over one reused SMTP
connection, mark it sent. "Received" counts the messages the server holds afterwards: it equals
"Sent" when nothing was lost or sent twice. PostgreSQL uses `BENCH_POSTGRES_URL`.
"""


async def main(write: bool) -> None:
    load = os.getloadavg()[0]
    runs: list[Run] = []
    skipped: list[str] = []
    versions = {"SQLite": sqlite3.sqlite_version}
    with tempfile.TemporaryDirectory() as folder:
        mail = Path(folder)
        sink = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "notifications.mail_sink",
            "--port",
            str(SMTP_PORT),
            "--folder",
            str(mail),
            cwd=ROOT,
            stdout=asyncio.subprocess.DEVNULL,
        )
        try:
            await asyncio.sleep(1.5)  # the sink binds its port
            runs += await bench_engine("SQLite", _fresh_sqlite(), mail)
            postgres_url = os.environ.get("BENCH_POSTGRES_URL") or DEFAULT_POSTGRES_URL
            version = await prepare_postgres(postgres_url)
            if version is None:
                skipped.append(f"PostgreSQL skipped: {display_url(postgres_url)} unreachable.")
            else:
                versions["PostgreSQL"] = version
                runs += await bench_engine("PostgreSQL", postgres_url, mail)
        finally:
            sink.terminate()
            await sink.wait()
    section = report(runs, skipped, load, versions)
    print(f"\n{section}")
    if write:
        write_doc(section)
        record_figures(
            "notifications",
            [
                (
                    f"{run.engine}: {run.workers} worker(s) × {run.connections} SMTP, messages/s",
                    f"{run.per_second:.0f}",
                    "≥ 300/s with one worker" if run.workers == 1 else "",
                )
                for run in runs
            ],
        )


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--worker", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    parser.add_argument("--connections", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-doc", action="store_true", help="print only; leave docs/performance.md alone"
    )
    args = parser.parse_args()
    if args.worker:
        asyncio.run(work(args.worker, SMTP_PORT, args.connections))
    else:
        asyncio.run(main(write=not args.no_doc))


if __name__ == "__main__":
    cli()
