"""The iCalendar subscription feed route, `GET /feeds/{feed_token}.ics` (public: the secret
token in the address is the only credential), and the staff routes that show and rotate it.

Calendar clients poll it (Google every few hours, Apple and Thunderbird as often as the feed's
REFRESH-INTERVAL asks): a client that sends back the ETag (If-None-Match) or the Last-Modified
date (If-Modified-Since) it got gets 304 Not Modified until the feed changes. There is no
content negotiation: Google sends no Accept header, so every answer is `text/calendar`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import HeaderParameter, PathParameter
from litestar.security.jwt import Token
from litestar.status_codes import HTTP_200_OK, HTTP_304_NOT_MODIFIED

from booking.feeds.contents import Feed, FeedCache, subscription_feed
from booking.feeds.tokens import Owner, current_feed_token, feed_url, rotate_feed_token
from calendars.directory import own_expert
from luukku.clock import Clock
from luukku.problems import NotAllowed, NotFound
from luukku.settings import Settings
from staff.accounts import StaffMember
from staff.auth import requires_role

# Litestar adds "; charset=utf-8" to text types.
FEED_MEDIA_TYPE = "text/calendar"
FEED_SUFFIX = ".ics"
# The URL holds a secret: no shared cache may keep the feed, and clients ask again each time.
_CACHE_CONTROL = "private, no-cache"
_CACHE_STATE_KEY = "booking_feed_cache"


def _feed_cache(state: State) -> FeedCache:
    """The app's feed cache, created with the first feed request."""
    cache = state.get(_CACHE_STATE_KEY)
    if not isinstance(cache, FeedCache):
        cache = FeedCache()
        state[_CACHE_STATE_KEY] = cache
    return cache


def _entity_tags(header: str) -> set[str]:
    """The opaque tags of an If-None-Match list, weak ones included (RFC 9110 13.1.2 compares
    them weakly)."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def _http_date(header: str) -> datetime | None:
    """An If-Modified-Since date, or None when it is not a date (then it is ignored)."""
    try:
        moment = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def not_modified(
    feed: Feed, if_none_match: str | None, if_modified_since: str | None, now: datetime
) -> bool:
    """Whether the client's copy is current (RFC 9110 13.2.2): If-None-Match decides when
    sent; otherwise If-Modified-Since, when it is a date not in the future and not older than
    the feed's last change (HTTP dates have whole seconds)."""
    if if_none_match is not None:
        tags = _entity_tags(if_none_match)
        return "*" in tags or feed.etag in tags
    if if_modified_since is None:
        return False
    since = _http_date(if_modified_since)
    if since is None or since > now:
        return False
    return feed.last_modified.replace(microsecond=0) <= since


class FeedController(Controller):
    path = "/feeds"
    tags = ("public",)  # type: ignore[assignment]

    @get(
        "/{feed_file:str}",
        summary="A staff member's iCalendar subscription feed",
        description=(
            "The address is `/feeds/{feed_token}.ics`, as issued to the staff member; a "
            "replaced or unknown token answers 404. Send back the ETag (If-None-Match) or "
            "Last-Modified (If-Modified-Since) to get 304 while nothing has changed."
        ),
        media_type=FEED_MEDIA_TYPE,
        opt={"public": True},
        responses={
            HTTP_304_NOT_MODIFIED: ResponseSpec(
                data_container=None, description="The feed has not changed."
            ),
        },
    )
    async def feed(
        self,
        feed_file: Annotated[str, PathParameter(description="The feed token followed by `.ics`.")],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
        state: State,
        if_none_match: Annotated[
            str | None,
            HeaderParameter(name="If-None-Match", description="ETag of the copy the client has"),
        ] = None,
        if_modified_since: Annotated[
            str | None,
            HeaderParameter(
                name="If-Modified-Since", description="Last-Modified of the copy the client has"
            ),
        ] = None,
    ) -> Response[bytes]:
        token, suffix = feed_file[: -len(FEED_SUFFIX)], feed_file[-len(FEED_SUFFIX) :]
        if suffix != FEED_SUFFIX:
            raise NotFound("Feed addresses end in `.ics`.")
        now = clock.now()
        feed = await subscription_feed(token, now, settings, _feed_cache(state))
        headers = {
            "ETag": feed.etag,
            "Last-Modified": format_datetime(feed.last_modified.astimezone(UTC), usegmt=True),
            "Cache-Control": _CACHE_CONTROL,
        }
        if not_modified(feed, if_none_match, if_modified_since, now):
            return Response(content=b"", status_code=HTTP_304_NOT_MODIFIED, headers=headers)
        return Response(
            content=feed.body,
            status_code=HTTP_200_OK,
            media_type=FEED_MEDIA_TYPE,
            headers=headers,
        )


class FeedOut(msgspec.Struct):
    url: str


async def _feed_out(
    owner: Owner, owner_id: int, rotate: bool, clock: Clock, settings: Settings
) -> FeedOut:
    token_of = rotate_feed_token if rotate else current_feed_token
    return FeedOut(url=feed_url(settings, await token_of(owner, owner_id, clock.now(), settings)))


class _FeedAddressController(Controller):
    """Shows a feed's address (issued on first use) and replaces it on request."""

    tags = ("staff",)  # type: ignore[assignment]
    feed_owner: Owner

    def owner_id(self, member: StaffMember) -> int:
        raise NotImplementedError

    @get("/", summary="The address of the iCalendar feed (issued on first use)")
    async def show(
        self,
        request: Request[StaffMember, Token, Any],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> FeedOut:
        return await _feed_out(self.feed_owner, self.owner_id(request.user), False, clock, settings)

    @post(
        "/rotate",
        summary="Replace the feed's address; the old one then answers 404",
        status_code=HTTP_200_OK,
    )
    async def rotate(
        self,
        request: Request[StaffMember, Token, Any],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> FeedOut:
        return await _feed_out(self.feed_owner, self.owner_id(request.user), True, clock, settings)


class MyFeedController(_FeedAddressController):
    """An expert's own feed."""

    path = "/api/v1/staff/me/feed"
    feed_owner = "expert"

    def owner_id(self, member: StaffMember) -> int:
        return own_expert(member)


class AgencyFeedController(_FeedAddressController):
    """The feed of all the agency's experts' bookings, for the agency's administrators."""

    path = "/api/v1/staff/agency/feed"
    feed_owner = "agency"
    guards = [requires_role("agency_admin")]  # noqa: RUF012

    def owner_id(self, member: StaffMember) -> int:
        if member.agency_id is None:
            raise NotAllowed("Only an agency's administrators have its feed.")
        return member.agency_id
