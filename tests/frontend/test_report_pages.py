"""The report page over HTTP: charts as accessible SVG with tables after them, the period form
and its errors, the CSV link, and the same refusals as the API."""

from __future__ import annotations

import re
from datetime import UTC

import httpx
import pytest

from luukku.clock import FixedClock
from tests.frontend.conftest import csrf_token, found
from tests.report_world import PASSWORD, PERIOD, REPORT_NOW, ReportWorld

PAGE = "/staff/admin/reports"


@pytest.fixture
def report_clock(clock: FixedClock) -> FixedClock:
    clock.current = REPORT_NOW.astimezone(UTC)
    return clock


async def _sign_in(client: httpx.AsyncClient, email: str) -> None:
    form = await client.get("/staff/login", params={"lang": "fi"})
    response = await client.post(
        "/staff/login",
        data={"_csrf_token": csrf_token(form.text), "email": email, "password": PASSWORD},
    )
    assert response.status_code == 303


async def test_the_report_page_shows_each_chart_as_svg_followed_by_its_table(
    browser_client: httpx.AsyncClient, report_world: ReportWorld, report_clock: FixedClock
):
    await _sign_in(browser_client, "boss@example.fi")

    response = await browser_client.get(PAGE, params={**PERIOD, "agency": "city-business"})

    assert response.status_code == 200
    html = response.text
    assert '<a href="/staff/admin/reports" aria-current="page">Raportit</a>' in html
    charts = re.findall(r'<svg role="img" aria-labelledby="([\w-]+)-title \1-desc"', html)
    assert charts == [
        "chart-weeks",
        "chart-utilisation",
        "chart-first-free",
        "chart-needs-met",
        "chart-communication",
    ]
    for chart in charts:
        assert f'<title id="{chart}-title">' in html
        after = html.split(f'<title id="{chart}-title">', 1)[1]
        assert after.index("</svg>") < after.index("<table>") < after.index("<caption")
    assert "<script" not in html.split("<main", 1)[1]
    desc = found(r'<desc id="chart-utilisation-desc">([^<]*)</desc>', html)
    assert desc == "Aino Virtanen: 6,1 %; Bertta Korhonen: 9,2 %"
    assert '<th scope="row">Peruutusaste</th><td>2</td><td>9</td><td>22,2 %</td>' in html
    assert (
        'href="/staff/admin/reports/report.csv?start=2026-12-21&amp;end=2027-01-03'
        '&amp;agency=city-business"' in html
    )


async def test_the_csv_link_works_with_the_page_session(
    browser_client: httpx.AsyncClient, report_world: ReportWorld, report_clock: FixedClock
):
    await _sign_in(browser_client, "boss@example.fi")
    html = (await browser_client.get(PAGE, params=PERIOD)).text
    link = found(r'href="(/staff/admin/reports/report\.csv\?[^"]+)"', html).replace("&amp;", "&")

    response = await browser_client.get(link)

    assert response.status_code == 200
    assert response.text.startswith("section,key,week,metric,value")


async def test_without_a_period_the_page_shows_the_current_month(
    browser_client: httpx.AsyncClient, report_world: ReportWorld, report_clock: FixedClock
):
    await _sign_in(browser_client, "admin@example.fi")

    html = (await browser_client.get(PAGE)).text

    assert 'name="start" type="date" value="2027-01-01"' in html
    assert 'name="end" type="date" value="2027-01-31"' in html
    assert '<option value="">Kaikki viranomaiset</option>' in html


async def test_a_bad_period_comes_back_with_the_error_at_the_field(
    browser_client: httpx.AsyncClient, report_world: ReportWorld, report_clock: FixedClock
):
    await _sign_in(browser_client, "boss@example.fi")

    response = await browser_client.get(PAGE, params={"start": "2026-12-31", "end": "2026-12-01"})

    assert response.status_code == 422
    assert 'class="error-summary"' in response.text
    assert 'id="end-error"' in response.text
    assert 'aria-invalid="true"' in response.text


async def test_another_agencys_admin_and_an_expert_do_not_see_the_report(
    browser_client: httpx.AsyncClient, report_world: ReportWorld, report_clock: FixedClock
):
    await _sign_in(browser_client, "other-boss@example.fi")
    other = await browser_client.get(PAGE, params={**PERIOD, "agency": "city-business"})
    browser_client.cookies.clear()
    await _sign_in(browser_client, "aino@example.fi")
    expert = await browser_client.get(PAGE, params=PERIOD)

    assert other.status_code == 403
    assert expert.status_code == 403
