"""Times as Finns write them, `10.00`, in Finnish, Swedish and English: in pages, in mails and
in the report CSV (Babel's fi_FI, sv_FI and en_FI)."""

from __future__ import annotations

import re

import httpx
import pytest

from luukku.clock import FixedClock
from notifications.delivery import Delivery, send_due
from testdata.factories import booking_body
from tests.notifications.conftest import SmtpServer, delivery, smtp_server  # noqa: F401

COLON_TIME = re.compile(r"\b\d{1,2}:\d{2}\b(?!:)")
WEDNESDAY_TEN = {
    "fi": "keskiviikko 25. marraskuuta 2026 10.00",
    "sv": "onsdag 25 november 2026 10.00",
    "en": "Wednesday, 25 November 2026 10.00",
}


def _visible(html: str) -> str:
    """The page's text without tags, scripts or attribute values (ISO times live there)."""
    return re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S))


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
async def test_pages_show_ten_o_clock_as_10_00(
    client: httpx.AsyncClient, advisor: int, language: str
):
    created = await client.post(
        "/api/v1/bookings", json=booking_body("2026-11-25T10:00:00+02:00", language="fi")
    )
    booking, token = created.json()["reference"], created.json()["manage_token"]
    for path in (
        f"/bookings/{booking}/manage?token={token}",
        f"/bookings/{booking}/cancel?token={token}",
        "/services/funding-advice?week=2026-11-23",
        "/",
    ):
        page = await client.get(f"{path}{'&' if '?' in path else '?'}lang={language}")
        assert page.status_code == 200, path
        text = _visible(page.text)
        assert "10.00" in text or path == "/", path
        assert re.search(r"\b\d{1,2}\.\d{2}\b", text), path
        assert not COLON_TIME.findall(text), (path, COLON_TIME.findall(text))
    manage = await client.get(
        f"/bookings/{booking}/manage", params={"token": token, "lang": language}
    )
    assert WEDNESDAY_TEN[language] in manage.text


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
async def test_mails_show_ten_o_clock_as_10_00(
    client: httpx.AsyncClient,
    advisor: int,
    delivery: Delivery,  # noqa: F811
    smtp_server: SmtpServer,  # noqa: F811
    clock: FixedClock,
    language: str,
):
    body = booking_body("2026-11-25T10:00:00+02:00")
    body["customer"] = {**body["customer"], "language": language}  # type: ignore[dict-item]
    assert (await client.post("/api/v1/bookings", json=body)).status_code == 201
    await send_due(delivery, clock.now())
    [confirmation] = [
        m for m in smtp_server.received if m["To"].addresses[0].addr_spec == "matti@example.com"
    ]
    plain = confirmation.get_body(("plain",))
    assert plain is not None
    text = str(plain.get_content())
    assert "10.00" in confirmation["Subject"]
    assert f"{WEDNESDAY_TEN[language]}–11.00" in text
    assert not COLON_TIME.findall(text + confirmation["Subject"])
