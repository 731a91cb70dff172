"""Forms posted with the session cookie need Litestar's CSRF token; the bearer-token JSON API
is exempt (a browser cannot attach a bearer header cross-site)."""

from __future__ import annotations

import httpx

from tests.frontend.conftest import EXPERT_PASSWORD, csrf_token


async def test_a_form_without_the_csrf_token_is_refused(browser_client: httpx.AsyncClient, db):
    response = await browser_client.post(
        "/staff/login", data={"email": "a@example.fi", "password": "x"}
    )
    assert response.status_code == 403


async def test_a_form_with_a_forged_csrf_token_is_refused(browser_client: httpx.AsyncClient, db):
    await browser_client.get("/staff/login")  # sets the CSRF cookie
    response = await browser_client.post(
        "/staff/login",
        data={"_csrf_token": "forged-token", "email": "a@example.fi", "password": "x"},
    )
    assert response.status_code == 403


async def test_a_signed_in_form_post_without_the_token_is_refused(signed_in: httpx.AsyncClient):
    page = await signed_in.get("/staff/absences")
    assert csrf_token(page.text)
    response = await signed_in.post(
        "/staff/absences",
        data={"start": "2026-12-01T08:00", "end": "2026-12-01T16:00"},
    )
    assert response.status_code == 403


async def test_the_form_with_its_token_is_accepted(browser_client: httpx.AsyncClient, advisor):
    form = await browser_client.get("/staff/login")
    response = await browser_client.post(
        "/staff/login",
        data={
            "_csrf_token": csrf_token(form.text),
            "email": "a@example.fi",
            "password": EXPERT_PASSWORD,
        },
    )
    assert response.status_code != 403
