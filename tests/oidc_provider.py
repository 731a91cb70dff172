"""A real OpenID Provider for the tests: panva's `oidc-provider` from npm (tests/oidc/), started
by `node` on a free loopback port, and a small user agent that signs in on its login page.

Clients: `luukku` (the app the tests build, at https://luukku.test), `luukku-live` (the uvicorn
server of the browser and back-channel tests, with a back-channel logout URI) and `desk-app`
(an integration: a public client that asks for tokens for Luukku's API)."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx
import pytest
from litestar import Litestar
from piccolo.engine.base import Engine

from app import create_app
from calendars.fetching import Fetcher
from luukku.clock import FixedClock
from luukku.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
OIDC_DIR = ROOT / "tests" / "oidc"
APP_URL = "https://luukku.test"
CLIENT_SECRET = "luukku-test-client-secret-0123456789"
API_AUDIENCE = "urn:luukku:api"
ROLE_MAP = (("luukku-admins", "admin"),)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def password_of(login: str) -> str:
    """The test accounts' passwords at the provider (tests/oidc/provider.mjs)."""
    return f"salasana-{login}"


def _clients(live_url: str) -> list[dict[str, Any]]:
    def luukku(client_id: str, base: str, **extra: Any) -> dict[str, Any]:
        return {
            "client_id": client_id,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": [f"{base}/staff/oidc/callback"],
            "post_logout_redirect_uris": [f"{base}/staff/login?signed_out=1"],
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
            **extra,
        }

    return [
        luukku("luukku", APP_URL),
        luukku(
            "luukku-live",
            live_url,
            backchannel_logout_uri=f"{live_url}/api/v1/auth/oidc/backchannel-logout",
            backchannel_logout_session_required=True,
        ),
        {
            "client_id": "desk-app",
            "token_endpoint_auth_method": "none",
            "redirect_uris": ["http://127.0.0.1/desk-app/callback"],
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
        },
    ]


@dataclass
class RunningProvider:
    """The provider process; `restart(key_id)` rotates its signing key."""

    issuer: str
    port: int
    config: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self, key_id: str) -> None:
        settings = json.loads(self.config.read_text())
        self.config.write_text(json.dumps({**settings, "keyId": key_id}))
        node = shutil.which("node")
        assert node is not None
        with self.config.with_suffix(".log").open("ab") as log:
            self.process = subprocess.Popen(
                [node, "provider.mjs", str(self.config)], cwd=OIDC_DIR, stdout=log, stderr=log
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"oidc-provider exited with {self.process.returncode}")
            try:
                url = f"{self.issuer}/.well-known/openid-configuration"
                if httpx.get(url, timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        pytest.fail("oidc-provider did not start in 30 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def restart(self, key_id: str) -> None:
        self.stop()
        self.start(key_id)

    def forge_next_id_token(self, mode: str) -> None:
        """The next token response carries an ID token forged as `mode` (provider.mjs)."""
        response = httpx.post(f"{self.issuer}/test/forge", params={"mode": mode})
        assert response.status_code == 204


def _installed() -> None:
    if shutil.which("node") is None:
        pytest.fail("node is needed to run oidc-provider (tests/oidc/provider.mjs)")
    if not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed once: npm ci --prefix tests/oidc")
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=OIDC_DIR, check=True, capture_output=True
        )


@pytest.fixture(scope="session")
def oidc_live_port() -> int:
    """The port the OIDC live server will listen on (the provider must know it first)."""
    return free_port()


@pytest.fixture(scope="session")
def oidc_provider(
    tmp_path_factory: pytest.TempPathFactory, oidc_live_port: int
) -> Iterator[RunningProvider]:
    _installed()
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    config = tmp_path_factory.mktemp("oidc") / "provider.json"
    live_url = f"http://127.0.0.1:{oidc_live_port}"
    config.write_text(json.dumps({"port": port, "issuer": issuer, "clients": _clients(live_url)}))
    provider = RunningProvider(issuer=issuer, port=port, config=config)
    provider.start("key-1")
    yield provider
    provider.stop()


def oidc_settings(settings: Settings, issuer: str, client_id: str = "luukku") -> Settings:
    return dataclasses.replace(
        settings,
        oidc_issuer=issuer,
        oidc_client_id=client_id,
        oidc_client_secret=CLIENT_SECRET,
        oidc_scopes="openid email profile groups",
        oidc_provider_name="Testala ID",
        oidc_role_claim="groups",
        oidc_role_map=ROLE_MAP,
        oidc_api_audience=API_AUDIENCE,
        oidc_jwks_refresh_seconds=0,
    )


@pytest.fixture
def oidc_app(
    settings: Settings,
    clock: FixedClock,
    engine: Engine,  # type: ignore[type-arg]
    db: None,
    oidc_provider: RunningProvider,
) -> Litestar:
    return create_app(
        oidc_settings(settings, oidc_provider.issuer),
        clock=clock,
        engine=engine,
        fetcher=Fetcher(allow_private=True),
    )


@pytest.fixture
async def luukku(oidc_app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """A browser's view of the app at its https address: keeps cookies."""
    transport = httpx.ASGITransport(app=oidc_app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url=APP_URL) as http:
        yield http


@pytest.fixture
async def at_provider() -> AsyncIterator[httpx.AsyncClient]:
    """The same browser's view of the provider (its own cookie jar: the provider's session)."""
    async with httpx.AsyncClient(timeout=10) as http:
        yield http


_FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')


async def through_provider(
    at_provider: httpx.AsyncClient, url: str, login: str | None, back_to: str
) -> str:
    """Follows the provider from `url`, signing in as `login` on its login page when it asks,
    until it sends the browser to `back_to`; that address."""
    for _ in range(10):
        response = await at_provider.get(url)
        if response.status_code == 200 and 'name="login"' in response.text:
            assert login is not None, "the provider asked to sign in again"
            action = urljoin(url, unescape(_FORM_ACTION.findall(response.text)[0]))
            response = await at_provider.post(
                action, data={"login": login, "password": password_of(login)}
            )
        assert response.status_code in (302, 303), response.text[:500]
        url = urljoin(url, response.headers["location"])
        if url.startswith(back_to):
            return url
    raise AssertionError("the provider never sent the browser back")


async def sign_in_with_provider(
    luukku: httpx.AsyncClient,
    at_provider: httpx.AsyncClient,
    login: str,
    *,
    next_path: str = "/staff/calendar",
) -> httpx.Response:
    """The whole sign-in as a browser makes it; Luukku's answer to the provider's redirect."""
    started = await luukku.get("/staff/oidc/start", params={"next": next_path})
    assert started.status_code == 303, started.text
    callback = await through_provider(
        at_provider, started.headers["location"], login, str(luukku.base_url)
    )
    return await luukku.get(callback)


def live_env(provider: RunningProvider, live_url: str) -> dict[str, str]:
    """What the OIDC live server reads (tests/frontend/live_server.py)."""
    return {
        **os.environ,
        "OIDC_ISSUER": provider.issuer,
        "OIDC_CLIENT_ID": "luukku-live",
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_SCOPES": "openid email profile groups",
        "OIDC_PROVIDER_NAME": "Testala ID",
        "OIDC_ROLE_CLAIM": "groups",
        "OIDC_ROLE_MAP": ",".join(f"{group}={role}" for group, role in ROLE_MAP),
        "OIDC_JWKS_REFRESH_SECONDS": "0",
    }


def _wait_until_ready(process: subprocess.Popen[bytes], base_url: str) -> None:
    deadline = time.monotonic() + 90  # the app imports slowly on a busy machine
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the app server exited with {process.returncode}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail("the app server did not start in 90 s")


@pytest.fixture(scope="session")
def oidc_live_server(
    migrated_database: str, oidc_provider: RunningProvider, oidc_live_port: int
) -> Iterator[str]:
    """The app served by uvicorn (python -m tests.frontend.live_server) signing in with the
    provider as `luukku-live`: the provider reaches it for back-channel logout."""
    base_url = f"http://127.0.0.1:{oidc_live_port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.frontend.live_server", "--port", str(oidc_live_port)],
        cwd=ROOT,
        env={**live_env(oidc_provider, base_url), "DATABASE_URL": migrated_database},
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


async def staff_me(client: httpx.AsyncClient) -> httpx.Response:
    """`GET /api/v1/staff/me` as the signed-in browser's token: the API takes bearer tokens
    only, so the session cookie's token goes in the Authorization header."""
    token = client.cookies.get("luukku_session") or ""
    value = token.strip('"')
    headers = {"Authorization": value if value.startswith("Bearer ") else f"Bearer {value}"}
    return await client.get("/api/v1/staff/me", headers=headers if token else {})
