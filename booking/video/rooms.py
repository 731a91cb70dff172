"""Video meetings: unguessable room names, short opaque join links, Jitsi tokens at the door.

A join link is `/join/{token}` in Luukku. The token is 55 URL-safe characters: the meeting's
room, whom the link is for (the customer, or an expert by id), the window it opens in (from 15
minutes before the start to 30 minutes after the end) and an HMAC-SHA256 tag under SECRET_KEY.
It holds no name, email or other personal data, readable or encoded. When the link is opened
and still good, the join route makes the Jitsi-compatible JWT (HS256, `typ: JWT`: `iss` the
app id, `aud` "jitsi", `sub` the Jitsi domain, `room` the meeting's room, `nbf`/`exp` the
window, `context.user` with the participant's `id`, `name`, `email`, `moderator` and
`lobby_bypass`) and redirects to Jitsi with it, so the name travels only to Jitsi. Without
JITSI_DOMAIN, JITSI_APP_ID and JITSI_APP_SECRET the route redirects to a plain
`VIDEO_BASE_URL/<room>` link. Either way Luukku checks the link first, so a link from an old
email stops working once the session is cancelled or moved.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import struct
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


def _jitsi_signing(settings: Settings) -> tuple[str, str, str]:
    """(issuer, subject, key) of the JWT handed to the meeting service."""
    if settings.uses_jitsi_tokens:
        return settings.jitsi_app_id, settings.jitsi_domain, settings.jitsi_app_secret
    host = urlsplit(settings.video_base_url).hostname or "video"
    return _LUUKKU_ISSUER, host, settings.signing_secret()


def join_window(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    return start - OPENS_BEFORE, end + CLOSES_AFTER


_ROOM = re.compile(r"luukku-([0-9a-f]{24})")
_LAYOUT = struct.Struct(">B12sIII")
"""Version, the room's 96 random bits, attendee (0 the customer, else the expert's id), the
window's opening and closing instants (Unix seconds)."""
_VERSION = 1
_TAG_BYTES = 16


def _tag(settings: Settings, body: bytes) -> bytes:
    key = settings.signing_secret().encode()
    return hmac.new(key, b"luukku join link\x00" + body, hashlib.sha256).digest()[:_TAG_BYTES]


def _attendee_number(attendee_id: str) -> int:
    if attendee_id == CUSTOMER:
        return 0
    return int(attendee_id.removeprefix("expert-"))


def join_token(
    settings: Settings, room: str, attendee: Attendee, start: datetime, end: datetime
) -> str:
    """The attendee's opaque link token for `room`, valid around [start, end)."""
    found = _ROOM.fullmatch(room)
    if found is None:
        raise ValueError(f"not a meeting room name: {room!r}")
    opens, closes = join_window(start, end)
    body = _LAYOUT.pack(
        _VERSION,
        bytes.fromhex(found.group(1)),
        _attendee_number(attendee.id),
        int(opens.timestamp()),
        int(closes.timestamp()),
    )
    return base64.urlsafe_b64encode(body + _tag(settings, body)).rstrip(b"=").decode()


def join_url(settings: Settings, token: str) -> str:
    return f"{settings.public_base_url}/join/{token}"


def read_join_token(settings: Settings, token: str) -> JoinClaims:
    """What a join token Luukku made says; NotFound for anything else. Time is not checked
    here (the caller compares it with the session and its clock)."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (ValueError, TypeError) as exc:
        raise NotFound(_BAD_LINK) from exc
    body, tag = raw[: _LAYOUT.size], raw[_LAYOUT.size :]
    if len(raw) != _LAYOUT.size + _TAG_BYTES or not hmac.compare_digest(tag, _tag(settings, body)):
        raise NotFound(_BAD_LINK)
    version, room, attendee, opens, closes = _LAYOUT.unpack(body)
    if version != _VERSION:
        raise NotFound(_BAD_LINK)
    return JoinClaims(
        room=f"luukku-{room.hex()}",
        attendee_id=f"expert-{attendee}" if attendee else CUSTOMER,
        opens=datetime.fromtimestamp(opens, UTC),
        closes=datetime.fromtimestamp(closes, UTC),
    )


def jitsi_token(settings: Settings, claims: JoinClaims, attendee: Attendee) -> str:
    """The meeting service's JWT for the attendee of a checked join link: made at the door,
    so the attendee's name and email never stand in a link Luukku sends."""
    issuer, subject, key = _jitsi_signing(settings)
    payload: dict[str, Any] = {
        "iss": issuer,
        "aud": AUDIENCE,
        "sub": subject,
        "room": claims.room,
        "nbf": int(claims.opens.timestamp()),
        "exp": int(claims.closes.timestamp()),
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
    return jwt.encode(payload, key, algorithm=_ALGORITHM, headers={"typ": "JWT"})


def meeting_url(settings: Settings, claims: JoinClaims, attendee: Attendee) -> str:
    """Where a checked join link leads: Jitsi with the attendee's JWT, or the plain room
    link."""
    if settings.uses_jitsi_tokens:
        token = jitsi_token(settings, claims, attendee)
        return f"https://{settings.jitsi_domain}/{claims.room}?jwt={token}"
    return f"{settings.video_base_url}/{claims.room}"
