"""External fetches reach only the public internet over http(s): direct private, loopback
and link-local targets are refused before connecting (redirects to them, credentials across
redirects, size caps and timeouts are tested in tests/calendars/test_external.py)."""

from __future__ import annotations

import httpx
import pytest

from calendars.fetching import Fetcher, FetchError


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/cal.ics",
        "http://[::1]/cal.ics",
        "http://10.0.0.5/cal.ics",
        "http://172.16.3.4/cal.ics",
        "http://192.168.1.1/cal.ics",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/cal.ics",
        "http://100.64.0.1/cal.ics",
        "http://0.0.0.0/cal.ics",
        "http://[::ffff:10.0.0.1]/cal.ics",
        "http://[fd00::1]/cal.ics",
    ],
)
async def test_private_loopback_and_link_local_targets_are_never_contacted(url: str):
    contacted: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        contacted.append(request)
        return httpx.Response(200, content=b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")

    with pytest.raises(FetchError, match="private or local address"):
        await Fetcher(transport=httpx.MockTransport(answer)).fetch(url)
    assert contacted == []


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/cal.ics", "gopher://example.org/"]
)
async def test_only_http_and_https_are_fetched(url: str):
    with pytest.raises(FetchError, match="only http and https"):
        await Fetcher().fetch(url)


async def test_a_name_resolving_to_a_private_address_is_refused():
    async def resolve(host: str, port: int) -> list[str]:
        return ["203.0.113.7", "10.1.2.3"]  # one private answer is enough to refuse

    contacted: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        contacted.append(request)
        return httpx.Response(200)

    fetcher = Fetcher(resolve=resolve, transport=httpx.MockTransport(answer))
    with pytest.raises(FetchError, match="private or local address"):
        await fetcher.fetch("https://rebinding.example/cal.ics")
    assert contacted == []


def test_production_fetchers_have_caps():
    fetcher = Fetcher()
    assert fetcher.allow_private is False
    assert fetcher.timeout_seconds <= 30
    assert fetcher.max_bytes <= 10 * 1024 * 1024
    assert fetcher.max_redirects <= 5
