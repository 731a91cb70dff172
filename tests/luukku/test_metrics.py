"""GET /metrics (luukku/metrics.py): scraped from a running app after a booking and its mail,
it shows the route histogram, the outbox gauges, job lag and the cache ratio, and nothing
personal; off by default, and 404 to addresses outside the allow-list."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from app import create_app
from bench.load import MailSink
from luukku.clock import FixedClock
from luukku.settings import Settings
from testdata.factories import make_agency, make_expert, make_service
from tests.app_process import app_env, app_processes

ZONE = ZoneInfo("Europe/Helsinki")
EVERY_DAY = tuple((weekday, "08:00", "16:00") for weekday in range(7))
CUSTOMER_EMAIL = "metrics.asiakas@example.com"


def gauge(text: str, name: str) -> float:
    found = re.search(rf"^{name}(?:{{[^}}]*}})? (\S+)$", text, re.MULTILINE)
    assert found, f"{name} missing from /metrics"
    return float(found.group(1))


@pytest.mark.slow
async def test_a_scrape_after_a_booking_and_its_mail_shows_routes_outbox_and_cache(
    settings: Settings, db: None
):
    agency = await make_agency(observe_holidays=False)
    expert = await make_expert(agency, hours=EVERY_DAY)
    await make_service(agency, "advice", experts=[expert])
    day = datetime.now(UTC).astimezone(ZONE).date() + timedelta(days=7)
    with MailSink() as sink:
        env = app_env(settings, METRICS_ENABLED="true", SMTP_PORT=str(sink.port))
        async with (
            app_processes(env, worker=True) as (url,),
            httpx.AsyncClient(base_url=url, timeout=30) as client,
        ):
            search = f"/api/v1/services/advice/slots?start={day}&end={day}"
            slots = (await client.get(search)).json()["slots"]
            await client.get(search)  # answered from the kept result
            booked = await client.post(
                "/api/v1/bookings",
                json={
                    "service": "advice",
                    "start": slots[0]["start"],
                    "channel": "phone",
                    "language": "fi",
                    "customer": {"name": "Mittari Asiakas", "email": CUSTOMER_EMAIL},
                },
            )
            assert booked.status_code == 201, booked.text
            token = booked.json()["manage_token"]
            reference = booked.json()["reference"]
            await client.get(f"/feeds/{token}.ics")  # a token in a URL: recorded by template
            for _ in range(150):  # the worker sends within a few seconds
                if sink.handler.message_ids:
                    break
                await asyncio.sleep(0.2)
            assert sink.handler.message_ids, "no mail was sent"
            text = (await client.get("/metrics")).text

    assert 'path="/api/v1/services/{slug}/slots"' in text
    assert re.search(r'luukku_request_duration_seconds_bucket\{[^}]*path="/api/v1/bookings"', text)
    assert "luukku_outbox_backlog " in text
    assert "luukku_outbox_oldest_unsent_age_seconds " in text
    assert "luukku_outbox_failed_deliveries " in text
    assert 'luukku_job_lag_seconds{job="notifications"}' in text
    assert gauge(text, "luukku_slot_cache_hit_ratio") > 0
    for secret in (token, reference, CUSTOMER_EMAIL, "example.com", "example.fi"):
        assert secret not in text, f"{secret!r} leaked into /metrics"


async def test_metrics_are_off_by_default_and_hidden_from_other_addresses(
    settings: Settings, clock: FixedClock, engine: object, db: None
):
    async def status(app_settings: Settings) -> int:
        app = create_app(app_settings, clock=clock, engine=engine)  # type: ignore[arg-type]
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return (await client.get("/metrics")).status_code

    assert await status(settings) == 404
    on = dataclasses.replace(settings, metrics_enabled=True)
    assert await status(on) == 200
    elsewhere = dataclasses.replace(on, metrics_allowed_networks="10.0.0.0/8")
    assert await status(elsewhere) == 404
