"""iCalendar subscription feeds of bookings: feed tokens, and an expert's or an agency's feed
with the validators (ETag, Last-Modified) that let calendar clients poll it cheaply.

A feed URL carries a secret token (`booking.feeds.tokens`: stored hashed, rotatable; the old URL
then answers 404).

A feed holds the bookings from FEED_PAST back to FEED_HORIZON ahead, cancelled ones (as
STATUS:CANCELLED) until CANCELLED_KEPT after their cancellation, at most MAX_FEED_EVENTS events
and MAX_FEED_BYTES bytes (the far future is left out first), and of the customer only what the
expert's `feed_shows_customer` allows. Each event's UID is `<reference>@luukku` for the
booking's whole life (`notifications.ical.event_uid`), the UID email invitations use too.

Rendering a busy feed takes a hundred milliseconds, so a FeedCache keeps each token's last
feed under a fingerprint of everything it is made of (an aggregate of its bookings' ids and
changes, the names and privacy levels they are shown with): a few small queries tell whether it
is still current, which keeps a poll answered 304 cheap, yet any change yields a new feed.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, cast

from piccolo.custom_types import Combinable
from piccolo.query.functions.aggregate import Count, Max, Sum
from piccolo.querystring import QueryString

from booking.bookings.lifecycle import hash_token
from booking.catalogue.services import Localized
from booking.feeds.events import row_event
from booking.feeds.joint import joint_events, joint_fingerprint
from booking.feeds.tables import FeedToken
from booking.feeds.wording import FEED_WORDING, customer_shown
from booking.tables import Booking
from booking.video.rooms import expert_attendee, meeting_link
from calendars.tables import Expert
from luukku.problems import NotFound
from luukku.settings import Settings
from notifications.ical import FeedCalendar, FeedEvent, render_feed

FEED_PAST = timedelta(days=30)
FEED_HORIZON = timedelta(days=400)
CANCELLED_KEPT = timedelta(days=30)
_WINDOWS = (FEED_PAST, FEED_HORIZON, CANCELLED_KEPT)
MAX_FEED_EVENTS = 1_500
MAX_FEED_BYTES = 1_000_000
"""A feed stays under 1 MB whatever its bookings hold (a typical event is about 700 bytes)."""
FEED_CACHE_BYTES = 64_000_000
PRIVACY_LEVELS = ("none", "first_name", "full")
"""`Expert.feed_shows_customer`: nothing of the customer, the first name and company, or the
full name, company, business ID, email and phone. Anything else counts as `none`."""

_TOKEN_FORM = re.compile(r"[A-Za-z0-9_-]{20,100}")
_NOT_FOUND = "No calendar feed at this address; it may have been replaced by a newer one."


@dataclass(frozen=True, slots=True)
class Feed:
    """A rendered feed and its HTTP validators."""

    body: bytes
    etag: str
    """A strong entity tag, quoted: a hash of the body."""
    last_modified: datetime
    """The latest change of an event in the feed; the token's creation when there is none."""
    events: int


@dataclass(frozen=True, slots=True)
class _ExpertShown:
    """What a feed shows of an expert, and how much of their customers."""

    name: str
    location: str
    privacy: str
    email: str


@dataclass(frozen=True, slots=True)
class _Subscription:
    """What a feed token opens: one expert's bookings, or those of an agency's experts."""

    token_id: int
    created_at: datetime
    for_agency: bool
    experts: dict[int, _ExpertShown]
    """The expert, or the agency's experts, by id."""
    calendar_name: str
    language: str

    def bookings(self) -> Combinable:
        if len(self.experts) == 1:
            return Booking.expert == next(iter(self.experts))
        return Booking.expert.is_in(sorted(self.experts))


@dataclass(frozen=True, slots=True)
class _Window:
    """Which bookings a feed holds at `now`."""

    now: datetime

    def condition(self) -> Combinable:
        return (
            (Booking.ends_at > self.now - FEED_PAST)
            & (Booking.starts_at < self.now + FEED_HORIZON)
            & ((Booking.status != "cancelled") | (Booking.cancelled_at > self.now - CANCELLED_KEPT))
        )


class FeedCache:
    """Each token's last feed under its fingerprint, least recently used dropped first once the
    bodies pass `max_bytes`. One per app (kept in the app's state), not shared between
    processes; a fingerprint that no longer matches is simply a miss."""

    def __init__(self, max_bytes: int = FEED_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[int, tuple[Hashable, Feed]] = OrderedDict()
        self._bytes = 0

    def get(self, token_id: int, fingerprint: Hashable) -> Feed | None:
        entry = self._entries.get(token_id)
        if entry is None or entry[0] != fingerprint:
            return None
        self._entries.move_to_end(token_id)
        return entry[1]

    def put(self, token_id: int, fingerprint: Hashable, feed: Feed) -> None:
        self._forget(token_id)
        if len(feed.body) > self.max_bytes:
            return
        self._entries[token_id] = (fingerprint, feed)
        self._bytes += len(feed.body)
        while self._bytes > self.max_bytes:
            self._forget(next(iter(self._entries)))

    def _forget(self, token_id: int) -> None:
        entry = self._entries.pop(token_id, None)
        if entry is not None:
            self._bytes -= len(entry[1].body)


# --- feeds --------------------------------------------------------------------------------


async def subscription_feed(
    token: str, now: datetime, settings: Settings, cache: FeedCache | None = None
) -> Feed:
    """The feed `token` opens (an expert's or an agency's) as it is at `now`.

    NotFound for a token that is unknown or has been replaced. With a cache, the feed is
    rendered again only when something it is made of has changed.
    """
    if not _TOKEN_FORM.fullmatch(token):
        raise NotFound(_NOT_FOUND)
    window = _Window(now)
    async with _reading():
        subscription = await _subscription(token)
        contents = await _contents(subscription, window)
        # Read before the rows: a change in between makes the rows newer than the
        # fingerprint, which costs at most one needless rendering later, never a stale feed.
        fingerprint = (
            settings.public_base_url,
            subscription.calendar_name,
            subscription.language,
            tuple(sorted(subscription.experts.items())),
            tuple(tuple(group.values()) for group in contents),
            await joint_fingerprint(subscription.experts, now, *_WINDOWS),
        )
        if cache is not None and (cached := cache.get(subscription.token_id, fingerprint)):
            return cached
        rows = await _feed_rows(subscription, window)
        joint = await joint_events(
            {e: (shown.name, shown.privacy) for e, shown in subscription.experts.items()},
            now,
            _WINDOWS,
            subscription.language,
            settings,
            subscription.for_agency,
        )
    services = {
        group["service"]: Localized(group["service_fi"], group["service_sv"], group["service_en"])
        for group in contents
    }
    feed = _render(subscription, rows, joint, services, settings)
    if cache is not None:
        cache.put(subscription.token_id, fingerprint, feed)
    return feed


def _reading() -> AbstractAsyncContextManager[Any]:
    """Around a feed's reads: on SQLite one transaction, so they share one connection and one
    snapshot (Piccolo opens a connection per query otherwise, which costs more than these
    queries); on PostgreSQL each query takes a pooled connection, saving BEGIN and COMMIT."""
    engine = Booking._meta.db
    if engine.engine_type == "sqlite":
        return cast(AbstractAsyncContextManager[Any], engine.transaction())
    return nullcontext()


def _staff_language() -> QueryString:
    """The language of the token's expert's staff login (NULL without one), as a column."""
    return QueryString(
        '(SELECT "staff_user"."language" FROM "staff_user" '
        'WHERE "staff_user"."expert" = {} ORDER BY "staff_user"."id" LIMIT 1)',
        FeedToken.expert,
        alias="staff_language",
    )


async def _subscription(token: str) -> _Subscription:
    """The token's feed: whose bookings, shown how; one query (two for an agency's feed)."""
    row = (
        await FeedToken.select(
            FeedToken.id,
            FeedToken.created_at,
            FeedToken.expert,
            FeedToken.agency,
            FeedToken.expert.name.as_alias("expert_name"),
            FeedToken.expert.email.as_alias("expert_email"),
            FeedToken.expert.location.as_alias("expert_location"),
            FeedToken.expert.feed_shows_customer.as_alias("expert_privacy"),
            _staff_language(),
            FeedToken.agency.name_fi.as_alias("agency_fi"),
            FeedToken.agency.name_sv.as_alias("agency_sv"),
            FeedToken.agency.name_en.as_alias("agency_en"),
        )
        .where(FeedToken.token_hash == hash_token(token))
        .first()
    )
    if row is None or (row["expert"] is None) == (row["agency"] is None):
        raise NotFound(_NOT_FOUND)
    if row["expert"] is not None:
        language = row["staff_language"] if row["staff_language"] in FEED_WORDING else "fi"
        name = row["expert_name"]
        experts = {
            row["expert"]: _ExpertShown(
                row["expert_name"],
                row["expert_location"],
                row["expert_privacy"],
                row["expert_email"],
            )
        }
    else:
        language = "fi"
        name = row[f"agency_{language}"] or row["agency_fi"]
        experts = {
            expert["id"]: _ExpertShown(
                expert["name"], expert["location"], expert["feed_shows_customer"], expert["email"]
            )
            for expert in await Expert.select(
                Expert.id, Expert.name, Expert.location, Expert.feed_shows_customer, Expert.email
            ).where(Expert.agency == row["agency"])
        }
    return _Subscription(
        token_id=row["id"],
        created_at=row["created_at"],
        for_agency=row["agency"] is not None,
        experts=experts,
        calendar_name=f"Luukku: {name}",
        language=language,
    )


def _service_names() -> tuple[QueryString, ...]:
    """The names of the group's service, as columns of the grouped query (a subquery a group
    is cheaper than joining every booking to its service)."""
    return (
        QueryString(
            '(SELECT "service"."name_fi" FROM "service" WHERE "service"."id" = {})',
            Booking.service,
            alias="service_fi",
        ),
        QueryString(
            '(SELECT "service"."name_sv" FROM "service" WHERE "service"."id" = {})',
            Booking.service,
            alias="service_sv",
        ),
        QueryString(
            '(SELECT "service"."name_en" FROM "service" WHERE "service"."id" = {})',
            Booking.service,
            alias="service_en",
        ),
    )


async def _contents(subscription: _Subscription, window: _Window) -> list[dict[str, Any]]:
    """What the feed's bookings are, in one aggregate query: per expert and service (with its
    names), how many, which ones, and their changes.

    Every change of a booking sets its `updated_at` (and a change attendees see raises its
    `sequence`); bookings entering or leaving the window change the count and the sum of ids.
    """
    if not subscription.experts:
        return []
    return await (
        Booking.select(
            Booking.expert,
            Booking.service,
            *_service_names(),
            Count(alias="bookings"),
            Sum(Booking.id, alias="id_sum"),
            Sum(Booking.sequence, alias="sequence_sum"),
            Max(Booking.updated_at, alias="last_update"),
            _sum_of_changes(),
        )
        .where(subscription.bookings() & window.condition())
        .group_by(Booking.expert, Booking.service)
        .order_by(Booking.expert, Booking.service)
    )


def _sum_of_changes() -> QueryString:
    """A sum that moves with any change of the bookings, also one stamped earlier than the
    latest `updated_at` (a transaction that read the clock first and committed last).

    PostgreSQL: the row versions' `xmin` (the transaction that wrote each one; an UPDATE
    always writes a new version), cheaper than reading the timestamps. SQLite: the
    `updated_at` values in milliseconds; Piccolo keeps them as ISO text, which julianday()
    reads offset included.
    """
    if Booking._meta.db.engine_type == "sqlite":
        return QueryString(
            "SUM(CAST(ROUND((julianday({}) - 2440587.5) * 86400000) AS INTEGER))",
            Booking.updated_at,
            alias="change_sum",
        )
    return QueryString('SUM("booking"."xmin"::text::bigint)', alias="change_sum")


async def _feed_rows(subscription: _Subscription, window: _Window) -> list[dict[str, Any]]:
    if not subscription.experts:
        return []
    return await (
        Booking.select(
            Booking.reference,
            Booking.expert,
            Booking.service,
            Booking.status,
            Booking.starts_at,
            Booking.ends_at,
            Booking.channel,
            Booking.sequence,
            Booking.updated_at,
            Booking.video_url,
            Booking.video_room,
            Booking.customer_name,
            Booking.customer_company,
            Booking.customer_business_id,
            Booking.customer_email,
            Booking.customer_phone,
        )
        .where(subscription.bookings() & window.condition())
        .order_by(Booking.starts_at, Booking.id)
        .limit(MAX_FEED_EVENTS)
    )


def _render(
    subscription: _Subscription,
    rows: Sequence[dict[str, Any]],
    joint: Sequence[FeedEvent],
    services: dict[int, Localized],
    settings: Settings,
) -> Feed:
    bookings = [
        _event(
            row,
            subscription.experts[row["expert"]],
            services[row["service"]].get(subscription.language),
            subscription.language,
            settings,
            subscription.for_agency,
        )
        for row in rows
    ]
    # The nearest first, so the size limit leaves out the far future.
    events = tuple(sorted([*bookings, *joint], key=lambda e: e.start)[:MAX_FEED_EVENTS])
    rendered = render_feed(
        FeedCalendar(name=subscription.calendar_name, events=events), max_bytes=MAX_FEED_BYTES
    )
    return Feed(
        body=rendered.body,
        etag=f'"{hashlib.sha256(rendered.body).hexdigest()[:32]}"',
        last_modified=_last_modified(subscription, events[: rendered.included]),
        events=rendered.included,
    )


def _last_modified(subscription: _Subscription, events: Sequence[FeedEvent]) -> datetime:
    """The latest change of an event in the feed. A booking beyond the horizon that comes
    into the window counts as changed then, or clients asking If-Modified-Since would not
    fetch it. (Bookings leaving the window do not count: clients may keep them.)"""
    if not events:
        return subscription.created_at
    latest: datetime = max(
        max(event.last_modified for event in events),
        max(event.start for event in events) - FEED_HORIZON,
    )
    return latest


def _event(
    row: dict[str, Any],
    expert: _ExpertShown,
    service: str,
    language: str,
    settings: Settings,
    for_agency: bool,
) -> FeedEvent:
    wording = FEED_WORDING[language]
    customer, customer_lines = customer_shown(row, expert.privacy, wording)
    title = " – ".join(
        part for part in (service, expert.name if for_agency else "", customer) if part
    )
    video_url = ""
    if row["channel"] == "video" and not for_agency:
        video_url = meeting_link(
            settings,
            row["video_room"],
            row["video_url"],
            expert_attendee(row["expert"], expert.name, expert.email),
            row["starts_at"],
            row["ends_at"],
        )
    staff_link = f"{settings.public_base_url}/staff/bookings/{row['reference']}"
    lines = [
        f"{wording.service}: {service}",
        f"{wording.channel}: {wording.channels.get(row['channel'], row['channel'])}",
    ]
    if for_agency:
        lines.append(f"{wording.expert}: {expert.name}")
    lines += customer_lines
    if video_url:
        lines.append(f"{wording.video}: {video_url}")
    lines.append(f"{wording.booking}: {staff_link}")
    event = row_event(
        row,
        title=title,
        cancelled_label=wording.cancelled,
        lines=lines,
        location=video_url or (expert.location if row["channel"] == "in_person" else ""),
        link=video_url,
    )
    return event if video_url else replace(event, url=staff_link)
