"""Browser tests: Debian's Chromium driven by Playwright against the app served by a real
uvicorn process on a free loopback port, on the database the suite runs on."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, ViewportSize, async_playwright

from testdata.factories import booking_body, make_expert_login
from tests.conftest import ROOT
from tests.frontend.conftest import EXPERT_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "docs" / "screenshots"
DESKTOP = ViewportSize(width=1280, height=900)
NARROW = ViewportSize(width=320, height=720)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_ready(process: subprocess.Popen[bytes], base_url: str) -> None:
    deadline = time.monotonic() + 90  # a loaded shared machine starts it slowly
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the app server exited with {process.returncode}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail("the app server did not start in 90 s")


@pytest.fixture(scope="session")
def live_server(migrated_database: str) -> Iterator[str]:
    """The base URL of `python -m tests.frontend.live_server` (uvicorn, fixed clock)."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.frontend.live_server", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": migrated_database},
    )
    try:
        _wait_until_ready(process, base_url)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium; skipped without it, except in CI where `make test` installs it."""
    if not CHROMIUM.exists():
        message = "Chromium is missing: `make test` installs it (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return str(CHROMIUM)


@pytest.fixture(scope="session")
async def browser(chromium_path: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=chromium_path, args=["--no-sandbox"]
        )
        yield chromium
        await chromium.close()


@pytest.fixture
async def page(browser: Browser, live_server: str) -> AsyncIterator[Page]:
    context = await browser.new_context(base_url=live_server, viewport=DESKTOP)
    context.set_default_timeout(10_000)
    tab = await context.new_page()
    yield tab
    await context.close()


@pytest.fixture
async def expert_login(advisor: int) -> str:
    """The advisor's staff login (email; the password is EXPERT_PASSWORD)."""
    await make_expert_login(advisor, "aino.virtanen@example.fi", EXPERT_PASSWORD)
    return "aino.virtanen@example.fi"


async def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


async def book_by_api(live_server: str, start: str) -> dict[str, str]:
    """A booking made through the public API of the live server, as an integrator would."""
    async with httpx.AsyncClient(base_url=live_server) as client:
        response = await client.post("/api/v1/bookings", json=booking_body(start))
    assert response.status_code == 201, response.text
    booking: dict[str, str] = response.json()
    return booking
