"""Writing one booking's event into a CalDAV calendar (RFC 4791): the event's iCalendar text,
and the PUT and DELETE of its resource with ETag preconditions.

Pure of the database: the caller says what to write and keeps the ETag this returns. The
requests go through the `Fetcher`'s address checks (no private networks, the checked address
pinned), because a CalDAV URL is typed in by an expert just like a calendar to read.

Luukku's booking is the truth about its own event. The preconditions (`If-None-Match: *` for a
new event, `If-Match` with the last ETag after that) make an overwrite of an event that
changed on the server a deliberate, logged second request rather than an accident.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

import httpx
import icalendar

from calendars.fetching import (
    _USER_AGENT,
    Fetcher,
    FetchError,
    _ascii_host,
    _basic_auth,
    _host_header,
)
from notifications.ical import PRODID, event_uid

logger = logging.getLogger(__name__)

_PRECONDITION_FAILED = 412
_GONE = frozenset({404, 410})


@dataclass(frozen=True, slots=True)
class BookingEvent:
    """What a booking's event in the expert's own calendar says; times aware, written in UTC."""

    reference: str
    sequence: int
    start: datetime
    end: datetime
    summary: str
    description: str
    video_url: str
    last_modified: datetime


def event_href(calendar_url: str, reference: str) -> str:
    """The address of a booking's event resource inside the calendar collection."""
    return f"{calendar_url.rstrip('/')}/{quote(reference, safe='')}.ics"


def event_ics(event: BookingEvent) -> bytes:
    """A VCALENDAR with the booking's VEVENT, the UID the feeds and invitations use."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    vevent = icalendar.Event()
    vevent.add("uid", event_uid(event.reference))
    vevent.add("dtstamp", event.last_modified.astimezone(UTC))
    vevent.add("last-modified", event.last_modified.astimezone(UTC))
    vevent.add("sequence", event.sequence)
    vevent.add("dtstart", event.start.astimezone(UTC))
    vevent.add("dtend", event.end.astimezone(UTC))
    vevent.add("summary", event.summary)
    vevent.add("status", "CONFIRMED")
    if event.description:
        vevent.add("description", event.description)
    if event.video_url:
        vevent.add("location", event.video_url)
        vevent.add("url", event.video_url)
    calendar.add_component(vevent)
    return bytes(calendar.to_ical())


def _strong_etag(value: str | None) -> str:
    """The ETag to send in If-Match later; a weak one (or none) cannot be used there."""
    if not value or value.startswith("W/"):
        return ""
    return value.strip()


async def _send(
    fetcher: Fetcher,
    url: str,
    method: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    auth: tuple[str, str] | None = None,
) -> tuple[int, httpx.Headers]:
    """One request to the checked address of `url`, redirects not followed: status, headers."""
    try:
        target = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise FetchError(f"the address is not a valid URL ({exc})") from exc
    request_headers = {
        "User-Agent": _USER_AGENT,
        **(headers or {}),
        "Host": _host_header(target),
    }
    if auth is not None:
        request_headers["Authorization"] = _basic_auth(*auth)
    extensions: dict[str, object] = {"timeout": httpx.Timeout(fetcher.timeout_seconds).as_dict()}
    if target.scheme == "https":
        extensions["sni_hostname"] = _ascii_host(target)
    transport = fetcher.transport or httpx.AsyncHTTPTransport(
        retries=0, limits=httpx.Limits(max_keepalive_connections=0)
    )
    try:
        async with asyncio.timeout(fetcher.timeout_seconds):
            address = await fetcher._address(target)
            request = httpx.Request(
                method,
                target.copy_with(host=address),
                headers=request_headers,
                content=body,
                extensions=extensions,
            )
            try:
                response = await transport.handle_async_request(request)
            except httpx.HTTPError as exc:
                raise FetchError(f"{target.host}: could not connect ({exc})") from exc
            try:
                # The answer's body is not needed; reading a little of it frees the connection.
                async for _ in response.aiter_bytes():
                    break
            except httpx.HTTPError:
                pass
            finally:
                await response.aclose()
            return response.status_code, response.headers
    except TimeoutError as exc:
        raise FetchError(
            f"{target.host}: no complete answer within {fetcher.timeout_seconds:g} s"
        ) from exc
    finally:
        if transport is not fetcher.transport:
            await transport.aclose()


def _refused(url: str, method: str, status: int) -> FetchError:
    return FetchError(f"{httpx.URL(url).host}: the server answered {method} with HTTP {status}")


async def put_event(
    fetcher: Fetcher,
    url: str,
    ics: bytes,
    *,
    etag: str = "",
    auth: tuple[str, str] | None = None,
) -> str:
    """Create or replace the event at `url`; the new ETag ("" when the server gives none
    usable). `etag` is the one last written; empty means the event should be new."""
    base = {"Content-Type": "text/calendar; charset=utf-8"}
    condition = {"If-Match": etag} if etag else {"If-None-Match": "*"}
    status, headers = await _send(
        fetcher, url, "PUT", body=ics, headers={**base, **condition}, auth=auth
    )
    if status == _PRECONDITION_FAILED:
        logger.info("event at %s changed on the server; overwriting it", httpx.URL(url).host)
        status, headers = await _send(fetcher, url, "PUT", body=ics, headers=base, auth=auth)
    if not 200 <= status < 300:
        raise _refused(url, "PUT", status)
    return _strong_etag(headers.get("ETag"))


async def delete_event(
    fetcher: Fetcher, url: str, *, etag: str = "", auth: tuple[str, str] | None = None
) -> None:
    """Remove the event at `url`; an event already gone counts as removed."""
    condition = {"If-Match": etag} if etag else {}
    status, _ = await _send(fetcher, url, "DELETE", headers=condition, auth=auth)
    if status == _PRECONDITION_FAILED:
        logger.info("event at %s changed on the server; deleting it", httpx.URL(url).host)
        status, _ = await _send(fetcher, url, "DELETE", auth=auth)
    if status in _GONE:
        return
    if not 200 <= status < 300:
        raise _refused(url, "DELETE", status)
