"""Live tokens never reach a log: a real `uvicorn app:app` (as docs/deployment.md allows)
writes its access log with every token in an address redacted, and so does every other
logger of the process once the app is built."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from litestar import Litestar

from luukku.log_redaction import REDACTED, redact
from luukku.settings import Settings

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent.parent
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyb29tIn0.c2VjcmV0LXNpZ25hdHVyZQ"
SECRETS = {
    f"/join/{JWT}": JWT,
    "/bookings/LK-000000001/manage?token=manage-secret-1&lang=fi": "manage-secret-1",
    "/feeds/feed-secret-2.ics": "feed-secret-2",
    "/my-data?token=data-secret-3": "data-secret-3",
    "/api/v1/feedback/LK-000000001/feedback-secret-4": "feedback-secret-4",
    "/feedback/LK-000000001/feedback-secret-5": "feedback-secret-5",
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_redact_keeps_addresses_without_tokens():
    path = "/api/v1/services/yritysneuvonta/slots?start=2026-12-01&end=2026-12-07"
    assert redact(path) == path
    assert redact("/bookings/LK-1/manage?token=abc&lang=sv") == (
        f"/bookings/LK-1/manage?token={REDACTED}&lang=sv"
    )


def test_a_real_uvicorn_access_log_holds_no_token(db: None, settings: Settings, tmp_path):
    port = _free_port()
    log = tmp_path / "uvicorn.log"
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "SECRET_KEY": settings.secret_key,
        "DEMO_MODE": "false",
        "RUN_WORKER_IN_APP": "false",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "app:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(300):
                assert process.poll() is None, log.read_text()[-2000:]
                try:
                    httpx.get(f"{base}/healthz", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            with httpx.Client(base_url=base, timeout=10) as client:
                for path in SECRETS:
                    client.get(path)
        finally:
            process.terminate()
            process.wait(timeout=10)
    written = log.read_text()
    for path, secret in SECRETS.items():
        assert secret not in written, path
    assert f'"GET /join/{REDACTED} HTTP/1.1"' in written
    assert written.count(REDACTED) >= len(SECRETS)


def test_every_logger_of_the_app_process_redacts(app: Litestar, caplog: pytest.LogCaptureFixture):
    with caplog.at_level(logging.INFO):
        logging.getLogger("luukku.problems").warning("unhandled error on GET %s", f"/join/{JWT}")
        logging.getLogger("litestar").info("%s %s", "GET", "/my-data?token=manage-secret")
    assert JWT not in caplog.text
    assert "manage-secret" not in caplog.text
