"""Worker processes (`litestar worker`) against a real SMTP server: killed with SIGKILL in the
middle of a batch and restarted, nothing is lost or sent twice; two workers on PostgreSQL
share 1,000 due messages, each sent exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from luukku.settings import Settings
from notifications.delivery import CLAIM_FOR, Delivery, RetryPolicy, send_due
from notifications.messages import Sender, message_id
from notifications.smtp import SmtpConfig, SmtpMailer
from notifications.tables import OutboxMessage
from testdata.factories import make_due_messages
from tests.conftest import NOW
from tests.notifications.conftest import SmtpServer

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
MAIL_FROM = "Luukku <luukku@luukku.test>"
# The worker processes read the real clock: messages due long ago, appointments far ahead.
APPOINTMENT = datetime(2030, 1, 7, 8, 0, tzinfo=UTC)


def _worker(settings: Settings, smtp_port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "MAIL_FROM": MAIL_FROM,
        "RUN_WORKER_IN_APP": "false",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "litestar", "--app", "app:app", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.fixture
def workers() -> Iterator[Callable[[Settings, int], subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []

    def start(settings: Settings, smtp_port: int) -> subprocess.Popen[bytes]:
        process = _worker(settings, smtp_port)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


async def _until(condition: Callable[[], bool], process: subprocess.Popen[bytes]) -> None:
    for _ in range(1200):
        if condition():
            return
        if process.poll() is not None:
            _, stderr = process.communicate()
            pytest.fail(f"worker exited {process.returncode}: {stderr.decode()[-2000:]}")
        await asyncio.sleep(0.05)
    pytest.fail("worker made no progress in 60 s")


def _expected_ids(keys: list[str]) -> set[str]:
    domain = Sender.from_mail_from(MAIL_FROM, "").domain
    return {message_id(key, domain) for key in keys}


async def test_worker_killed_mid_batch_and_restarted_loses_nothing_and_repeats_nothing(
    db: None, settings: Settings, smtp_server: SmtpServer, workers
):
    keys = await make_due_messages(300, NOW, APPOINTMENT)
    smtp_server.handler.delay_seconds = 0.01
    worker = workers(settings, smtp_server.port)
    await _until(lambda: len(smtp_server.received) >= 60, worker)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    assert len(smtp_server.received) < 300
    # The dead worker's claimed rows (`sending`) wait for their lease to run out; they and the
    # rows it never reached go once each.
    assert await OutboxMessage.count().where(OutboxMessage.status != "sent") > 0

    smtp_server.handler.delay_seconds = 0
    restarted = Delivery(
        mailers=(SmtpMailer(SmtpConfig("127.0.0.1", smtp_server.port)),),
        sender=Sender.from_mail_from(MAIL_FROM, settings.public_base_url),
        retry=RetryPolicy(jitter=lambda: 1.0),
    )
    after_lease = datetime.now(UTC) + CLAIM_FOR + timedelta(seconds=1)
    await send_due(restarted, after_lease)

    ids = [message["Message-ID"] for message in smtp_server.received]
    assert set(ids) == _expected_ids(keys)
    # At most the messages in flight at the kill (one per SMTP connection) can go twice, and
    # then with the same Message-ID.
    assert len(ids) - len(set(ids)) <= settings.smtp_connections
    assert await OutboxMessage.count().where(OutboxMessage.status != "sent") == 0


async def test_two_workers_on_postgresql_send_each_of_1000_messages_exactly_once(
    db: None, settings: Settings, is_postgres: bool, smtp_server: SmtpServer, workers
):
    if not is_postgres:
        pytest.skip("several workers at once are for PostgreSQL (SKIP LOCKED)")
    keys = await make_due_messages(1000, NOW, APPOINTMENT)
    first = workers(settings, smtp_server.port)
    workers(settings, smtp_server.port)
    await _until(lambda: len(smtp_server.received) >= 1000, first)
    # A message is marked sent only after the server took it: once all 1000 are marked,
    # anything sent twice has already arrived.
    for _ in range(1200):
        if await OutboxMessage.count().where(OutboxMessage.status == "sent") == 1000:
            break
        await asyncio.sleep(0.05)
    ids = [message["Message-ID"] for message in smtp_server.received]
    assert len(ids) == 1000
    assert set(ids) == _expected_ids(keys)
    assert await OutboxMessage.count().where(OutboxMessage.status == "sent") == 1000
