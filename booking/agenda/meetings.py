"""Opening a meeting link: `/join/{token}` of a video booking or a joint session.

The token names the meeting room and who it is for; the link works only while its meeting is
on, at the time the link was issued for (from 15 minutes before the start to 30 minutes after
the end), so a link from an old email stops working once the meeting is cancelled or moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from booking.joint.tables import JointParticipant, JointSession
from booking.tables import Booking
from booking.video.rooms import CUSTOMER, join_window, meeting_url, read_join_token
from luukku.problems import Gone, NotAllowed, NotFound
from luukku.settings import Settings

_INVALID = "This meeting link is not valid."


@dataclass(frozen=True, slots=True)
class _Meeting:
    status: str
    start: datetime
    end: datetime
    timezone: str
    attendees: frozenset[str]


async def _meeting(room: str) -> _Meeting | None:
    """The booking or joint session meeting in `room`, and who may join it."""
    session = (
        await JointSession.select(
            JointSession.id,
            JointSession.status,
            JointSession.starts_at,
            JointSession.ends_at,
            JointSession.service_point.timezone.as_alias("timezone"),
        )
        .where(JointSession.video_room == room)
        .first()
    )
    if session is not None:
        experts = await JointParticipant.select(JointParticipant.expert).where(
            JointParticipant.joint_session == session["id"]
        )
        return _Meeting(
            session["status"],
            session["starts_at"],
            session["ends_at"],
            session["timezone"],
            frozenset([CUSTOMER, *(f"expert-{row['expert']}" for row in experts)]),
        )
    booking = (
        await Booking.select(
            Booking.status,
            Booking.starts_at,
            Booking.ends_at,
            Booking.expert,
            Booking.expert.timezone.as_alias("timezone"),
        )
        .where((Booking.video_room == room) & (Booking.video_room != ""))
        .first()
    )
    if booking is None:
        return None
    return _Meeting(
        booking["status"],
        booking["starts_at"],
        booking["ends_at"],
        booking["timezone"],
        frozenset([CUSTOMER, f"expert-{booking['expert']}"]),
    )


async def meeting_for(token: str, settings: Settings, now: datetime) -> str:
    """Where a join link leads now: refused when it was never valid (404), when its meeting
    was cancelled, moved (or handed to another expert) or is over (410), or before it opens
    (403)."""
    claims = read_join_token(settings, token)
    meeting = await _meeting(claims.room)
    if meeting is None:
        raise NotFound(_INVALID)
    if meeting.status == "cancelled":
        raise Gone("This meeting was cancelled.")
    if claims.attendee_id not in meeting.attendees:
        raise Gone("This link is no longer yours to use; the meeting has another participant.")
    if (claims.opens, claims.closes) != join_window(meeting.start, meeting.end):
        raise Gone("The meeting has moved; use the link sent with the new time.")
    if now > claims.closes:
        raise Gone("This meeting has ended.")
    if now < claims.opens:
        opens = claims.opens.astimezone(ZoneInfo(meeting.timezone))
        raise NotAllowed(f"The meeting opens at {opens:%Y-%m-%d %H:%M} ({meeting.timezone}).")
    return meeting_url(settings, claims.room, token)
