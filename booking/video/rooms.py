"""Video meetings: unguessable room names and personal, time-limited join links.

A join link is `/join/{token}` in Luukku, the token a Jitsi-compatible JWT (HS256, `typ: JWT`):
`iss` the app id, `aud` "jitsi", `sub` the Jitsi domain, `room` the meeting's room (never `*`),
`nbf` 15 minutes before the start, `exp` 30 minutes after the end, and `context.user` with the
participant's string `id`, `name`, `email`, `moderator` ("true" for staff) and `lobby_bypass`.
With JITSI_DOMAIN, JITSI_APP_ID and JITSI_APP_SECRET set, the join route hands the same token
to Jitsi; without them the token is signed with SECRET_KEY and the join route redirects to a
plain `VIDEO_BASE_URL/<room>` link. Either way Luukku checks the link first, so a link from an
old email stops working once the session is cancelled or moved.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import jwt

from luukku.problems import NotFound
from luukku.settings import Settings

OPENS_BEFORE = timedelta(minutes=15)
CLOSES_AFTER = timedelta(minutes=30)
AUDIENCE = "jitsi"
_LUUKKU_ISSUER = "luukku"
_ALGORITHM = "HS256"
_BAD_LINK = "This meeting link is not valid."
CUSTOMER = "customer"
"""The attendee id of a meeting's customer; staff are `expert-<id>`."""


def new_room_name() -> str:
    """An unguessable meeting room name (96 random bits)."""
    return f"luukku-{secrets.token_hex(12)}"


@dataclass(frozen=True, slots=True)
class Attendee:
    """Who a join link is for."""

    id: str
    """Stable within the meeting: `expert-<id>` or `customer`."""
    name: str
    email: str
    staff: bool


@dataclass(frozen=True, slots=True)
class JoinClaims:
    """What a valid join token says."""

    room: str
    attendee_id: str
    opens: datetime
    closes: datetime


def customer_attendee(name: str, email: str) -> Attendee:
    return Attendee(CUSTOMER, name, email, staff=False)


def expert_attendee(expert_id: int, name: str, email: str) -> Attendee:
    return Attendee(f"expert-{expert_id}", name, email, staff=True)


def meeting_link(
    settings: Settings,
    room: str,
    plain_url: str,
    attendee: Attendee,
    start: datetime,
    end: datetime,
) -> str:
    """The attendee's link to a meeting: a personal `/join` link for a meeting room, or the
    plain link of a booking made before meeting rooms (empty when there is neither)."""
    if not room:
        return plain_url
    return join_url(settings, join_token(settings, room, attendee, start, end))


def _signing(settings: Settings) -> tuple[str, str, str]:
    """(issuer, subject, key) of join tokens."""
    if settings.uses_jitsi_tokens:
        return settings.jitsi_app_id, settings.jitsi_domain, settings.jitsi_app_secret
    host = urlsplit(settings.video_base_url).hostname or "video"
    return _LUUKKU_ISSUER, host, settings.signing_secret()


def join_window(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    return start - OPENS_BEFORE, end + CLOSES_AFTER


def join_token(
    settings: Settings, room: str, attendee: Attendee, start: datetime, end: datetime
) -> str:
    """The attendee's JWT for `room`, valid around [start, end)."""
    issuer, subject, key = _signing(settings)
    opens, closes = join_window(start, end)
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": AUDIENCE,
        "sub": subject,
        "room": room,
        "nbf": int(opens.timestamp()),
        "exp": int(closes.timestamp()),
        "context": {
            "user": {
                "id": attendee.id,
                "name": attendee.name,
                "email": attendee.email,
                "moderator": "true" if attendee.staff else "false",
                "lobby_bypass": attendee.staff,
            }
        },
    }
    return jwt.encode(claims, key, algorithm=_ALGORITHM, headers={"typ": "JWT"})


def join_url(settings: Settings, token: str) -> str:
    return f"{settings.public_base_url}/join/{token}"


def read_join_token(settings: Settings, token: str) -> JoinClaims:
    """The claims of a join token Luukku signed; NotFound for anything else. Time is not
    checked here (the caller compares it with the session and its clock)."""
    issuer, subject, key = _signing(settings)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[_ALGORITHM],
            audience=AUDIENCE,
            issuer=issuer,
            options={"verify_exp": False, "verify_nbf": False, "require": ["nbf", "exp"]},
        )
        user = claims["context"]["user"]
        if claims.get("sub") != subject or not isinstance(claims.get("room"), str):
            raise NotFound(_BAD_LINK)
        return JoinClaims(
            room=claims["room"],
            attendee_id=str(user["id"]),
            opens=datetime.fromtimestamp(int(claims["nbf"]), UTC),
            closes=datetime.fromtimestamp(int(claims["exp"]), UTC),
        )
    except (jwt.PyJWTError, KeyError, TypeError, ValueError) as exc:
        raise NotFound(_BAD_LINK) from exc


def meeting_url(settings: Settings, room: str, token: str) -> str:
    """Where a checked join link leads: Jitsi with the token, or the plain room link."""
    if settings.uses_jitsi_tokens:
        return f"https://{settings.jitsi_domain}/{room}?jwt={token}"
    return f"{settings.video_base_url}/{room}"
