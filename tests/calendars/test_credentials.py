"""Calendar passwords are sealed at rest with a key from SECRET_KEY, still open after a key
rotation, and a password stored before encryption keeps working."""

from __future__ import annotations

import base64

import httpx
import pytest

from calendars.credentials import PREFIX, PasswordCipher
from calendars.tables import ExternalCalendar
from tests.calendars.api.test_own_calendar_external import BUSY_ICS, aino  # noqa: F401
from tests.calendars.conftest import CalendarServer

SECRET = "a-calendar-password-nobody-should-read"


def test_sealed_passwords_open_with_the_current_or_a_previous_key():
    old = PasswordCipher("old-secret-key-that-is-long-enough-for-hs256")
    sealed = old.seal(SECRET)
    assert sealed.startswith(PREFIX)
    assert SECRET not in sealed
    rotated = PasswordCipher(
        "new-secret-key-that-is-long-enough-for-hs256",
        ["old-secret-key-that-is-long-enough-for-hs256"],
    )
    assert rotated.open(sealed) == SECRET
    with pytest.raises(ValueError, match="unknown key"):
        PasswordCipher("someone-else-entirely-with-a-long-key-too").open(sealed)
    assert rotated.open("stored-before-encryption") == "stored-before-encryption"
    assert rotated.seal("") == ""


async def test_the_api_stores_the_password_sealed_and_sync_sends_it(
    client: httpx.AsyncClient,
    aino: dict[str, str],  # noqa: F811
    calendar_server: CalendarServer,
):
    url = calendar_server.serve("/busy.ics", BUSY_ICS)
    response = await client.post(
        "/api/v1/staff/me/external-calendars",
        json={"kind": "ics", "url": url, "username": "aino", "password": SECRET},
        headers=aino,
    )
    assert response.status_code == 201, response.text
    [row] = await ExternalCalendar.select(ExternalCalendar.password)
    assert row["password"].startswith(PREFIX)
    assert SECRET not in row["password"]
    # The fetch carried the real password.
    path, headers = calendar_server.requests[-1]
    assert path == "/busy.ics"
    expected = base64.b64encode(f"aino:{SECRET}".encode()).decode()
    assert headers["Authorization"] == f"Basic {expected}"
