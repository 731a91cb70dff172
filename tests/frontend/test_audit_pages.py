"""The audit log and report pages read in the page's language: people by name, actions and
subjects translated, and no English word on the Finnish and Swedish pages (each page's text is
compared with the catalogue: a word only the English texts use must not appear)."""

from __future__ import annotations

import re
from datetime import UTC
from html.parser import HTMLParser

import httpx
import pytest

from frontend.catalogues import read_catalogue
from luukku.clock import FixedClock
from security import audit
from staff.tables import StaffUser
from tests.frontend.conftest import csrf_token
from tests.report_world import PASSWORD, PERIOD, REPORT_NOW, ReportWorld

WORD = re.compile(r"[^\W\d_]{3,}")


class _Text(HTMLParser):
    """The visible text of a page's <main>."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main" or self.depth:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def main_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def _texts(value: object) -> list[str]:
    """A catalogue entry's text(s): plural forms come as a tuple or list."""
    return [str(v) for v in value] if isinstance(value, tuple | list) else [str(value or "")]


def english_only_words(language: str) -> set[str]:
    """Words of the English texts that no text of `language`'s catalogue uses."""
    english: set[str] = set()
    translated: set[str] = set()
    for message in read_catalogue(language):
        for text in _texts(message.id):
            english |= {w.lower() for w in WORD.findall(re.sub(r"%\(\w+\)s", "", text))}
        for text in _texts(message.string):
            translated |= {w.lower() for w in WORD.findall(text)}
    return english - translated


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


async def _entries(world: ReportWorld) -> None:
    """What staff and customers leave in the log on an ordinary day."""
    aino = await StaffUser.select(StaffUser.id).where(StaffUser.email == "aino@example.fi").first()
    assert aino is not None
    actor = f"staff:{aino['id']}"
    await audit.record(actor, "view", "booking:LK-AAAA-BBBB")
    await audit.record(actor, "change", "booking:LK-AAAA-BBBB", "notes")
    await audit.record(actor, "change", f"expert:{world.aino}", "password")
    await audit.record(actor, "change", f"expert:{world.aino}", "retired")
    await audit.record(actor, "change", "joint-session:LK-CCCC-DDDD", "booked")
    await audit.record(actor, "change", "joint-session:LK-CCCC-DDDD", "participant replaced")
    await audit.record(actor, "view", "contact-request:YP-EEEE-FFFF")
    await audit.record(actor, "change", "contact-request:YP-EEEE-FFFF", "claimed")
    await audit.record("customer", "export", "customer:0123456789abcdef")


@pytest.mark.parametrize("language", ["fi", "sv"])
async def test_the_audit_log_names_people_and_has_no_english_words(
    browser_client: httpx.AsyncClient,
    report_world: ReportWorld,
    report_clock: FixedClock,
    language: str,
) -> None:
    await _entries(report_world)
    await _sign_in(browser_client, "admin@example.fi")
    html = (await browser_client.get("/staff/admin/audit-log", params={"lang": language})).text
    text = main_text(html)
    assert "Aino Virtanen" in text
    assert "staff:" not in text
    assert "expert:" not in text
    leaked = {w.lower() for w in WORD.findall(text)} & english_only_words(language)
    assert not leaked, f"English on the {language} audit log: {sorted(leaked)}"


@pytest.mark.parametrize("language", ["fi", "sv"])
async def test_the_report_page_opens_with_headline_figures_and_has_no_english_words(
    browser_client: httpx.AsyncClient,
    report_world: ReportWorld,
    report_clock: FixedClock,
    language: str,
) -> None:
    await _sign_in(browser_client, "admin@example.fi")
    html = (
        await browser_client.get(
            "/staff/admin/reports", params={**PERIOD, "agency": "city-business", "lang": language}
        )
    ).text
    text = main_text(html)
    headlines = html.index('id="headlines"')
    assert headlines < html.index('id="bookings"')
    assert html.count('class="figure"') >= 4
    leaked = {w.lower() for w in WORD.findall(text)} & english_only_words(language)
    assert not leaked, f"English on the {language} report page: {sorted(leaked)}"
