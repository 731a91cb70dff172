"""Serves the app with a fixed clock on a loopback port: `python -m tests.frontend.live_server
--port N` with DATABASE_URL set. The browser tests start it as a real uvicorn process."""

from __future__ import annotations

import argparse
import dataclasses
import os

import uvicorn

from app import create_app
from luukku.clock import FixedClock
from luukku.settings import Settings
from tests.conftest import NOW


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    settings = Settings(
        database_url=os.environ["DATABASE_URL"],
        secret_key="browser-test-secret-that-is-long-enough",
        demo_mode=False,
        public_base_url=f"http://127.0.0.1:{port}",
        video_base_url="https://video.test",
        run_worker_in_app=False,
        rate_limits_enabled=False,  # one browser session books and signs in many times
    )
    # The OIDC tests (tests/oidc_provider.py) name their provider in the environment.
    from_env = Settings.from_env(dict(os.environ))
    settings = dataclasses.replace(
        settings,
        **{
            name: getattr(from_env, name)
            for name in Settings.__dataclass_fields__
            if name.startswith("oidc_") or name == "password_login"
        },
    )
    app = create_app(settings, clock=FixedClock(NOW))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
