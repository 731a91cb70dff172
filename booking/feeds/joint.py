"""Joint sessions in the iCalendar feeds of the experts and interpreters taking part.

Each participant's feed shows the session with the matter the clerk entered, the customer's
name (as far as the expert's privacy setting allows), the service point and room, who else
takes part, and, in the expert's own feed only, their personal join link. Nothing else of the
other agencies. The UID is the session reference's, like a booking's, and SEQUENCE rises with
every change, so an email invitation and the feed land on one event.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from piccolo.custom_types import Combinable
from piccolo.query.functions.aggregate import Count, Max, Sum
from piccolo.querystring import QueryString

from booking.feeds.events import row_event
from booking.joint.tables import JointParticipant, JointSession
from booking.video.rooms import Attendee, join_token, join_url
from luukku.settings import Settings
from notifications.ical import FeedEvent


@dataclass(frozen=True, slots=True)
class _JointWording:
    title: str
    matter: str
    place: str
    participants: str
    interpreter: str
    join: str
    cancelled: str


_WORDING = {
    "fi": _JointWording(
        "Yhteinen etäasiointi",
        "Asia",
        "Asiointipiste",
        "Osallistujat",
        "Tulkki",
        "Liity",
        "PERUTTU",
    ),
    "sv": _JointWording(
        "Gemensam distanstjänst",
        "Ärende",
        "Servicepunkt",
        "Deltagare",
        "Tolk",
        "Anslut",
        "INSTÄLLD",
    ),
    "en": _JointWording(
        "Joint remote session",
        "Matter",
        "Service point",
        "Participants",
        "Interpreter",
        "Join",
        "CANCELLED",
    ),
}


def _window(now: datetime, past: timedelta, horizon: timedelta, kept: timedelta) -> Combinable:
    session = JointParticipant.joint_session
    return (
        (session.ends_at > now - past)
        & (session.starts_at < now + horizon)
        & ((session.status != "cancelled") | (session.cancelled_at > now - kept))
    )


def _changes() -> QueryString:
    """A sum that moves with any change of the sessions (their `updated_at` in ms)."""
    if JointSession._meta.db.engine_type == "sqlite":
        return QueryString(
            "SUM(CAST(ROUND((julianday({}) - 2440587.5) * 86400000) AS INTEGER))",
            JointParticipant.joint_session.updated_at,
            alias="change_sum",
        )
    return QueryString(
        "SUM(CAST(EXTRACT(EPOCH FROM {}) * 1000 AS BIGINT))",
        JointParticipant.joint_session.updated_at,
        alias="change_sum",
    )


async def joint_fingerprint(
    experts: Collection[int], now: datetime, past: timedelta, horizon: timedelta, kept: timedelta
) -> tuple[Any, ...]:
    """What the experts' joint sessions in the window are, in one aggregate query."""
    if not experts:
        return ()
    rows = await JointParticipant.select(
        Count(alias="sessions"),
        Sum(JointParticipant.joint_session.id, alias="id_sum"),
        Sum(JointParticipant.joint_session.sequence, alias="sequence_sum"),
        Max(JointParticipant.joint_session.updated_at, alias="last_update"),
        _changes(),
    ).where(JointParticipant.expert.is_in(sorted(experts)) & _window(now, past, horizon, kept))
    return tuple(tuple(row.values()) for row in rows)


def _shown_customer(name: str, privacy: str) -> str:
    if privacy == "full":
        return name
    if privacy == "first_name":
        return name.split(maxsplit=1)[0] if name.split() else ""
    return ""


async def _participants(sessions: set[int], language: str) -> dict[int, list[str]]:
    """Everyone taking part in each session, as "name (agency)" in `language`."""
    peers: dict[int, list[str]] = defaultdict(list)
    for peer in await JointParticipant.select(
        JointParticipant.joint_session,
        JointParticipant.role,
        JointParticipant.expert.name.as_alias("name"),
        JointParticipant.agency.name_fi.as_alias("agency_fi"),
        JointParticipant.agency.name_sv.as_alias("agency_sv"),
        JointParticipant.agency.name_en.as_alias("agency_en"),
    ).where(JointParticipant.joint_session.is_in(sorted(sessions))):
        agency = peer[f"agency_{language}"] or peer["agency_fi"]
        peers[peer["joint_session"]].append(f"{peer['name']} ({agency})")
    return peers


async def joint_events(
    experts: dict[int, tuple[str, str]],
    now: datetime,
    windows: tuple[timedelta, timedelta, timedelta],
    language: str,
    settings: Settings,
    for_agency: bool,
) -> list[FeedEvent]:
    """Feed events of the joint sessions of `experts` (id → (name, privacy)) in the window."""
    if not experts:
        return []
    session: Any = JointParticipant.joint_session  # a join; Piccolo's stubs stop at one level
    rows = await (
        JointParticipant.select(
            JointParticipant.expert,
            JointParticipant.expert.email.as_alias("email"),
            session.id.as_alias("session"),
            session.reference.as_alias("reference"),
            session.status.as_alias("status"),
            session.starts_at.as_alias("starts_at"),
            session.ends_at.as_alias("ends_at"),
            session.sequence.as_alias("sequence"),
            session.updated_at.as_alias("updated_at"),
            session.matter.as_alias("matter"),
            session.customer_name.as_alias("customer_name"),
            session.video_room.as_alias("video_room"),
            session.interpreter_language.as_alias("interpreter_language"),
            session.service_point.name_fi.as_alias("point_fi"),
            session.service_point.name_sv.as_alias("point_sv"),
            session.service_point.name_en.as_alias("point_en"),
            session.room.name.as_alias("room"),
        )
        .where(JointParticipant.expert.is_in(sorted(experts)) & _window(now, *windows))
        .order_by(session.starts_at)
    )
    if not rows:
        return []
    peers = await _participants({row["session"] for row in rows}, language)
    wording = _WORDING.get(language, _WORDING["fi"])
    events = []
    seen = set()
    for row in rows:
        if row["session"] in seen:  # an agency's feed: one event per session
            continue
        seen.add(row["session"])
        name, privacy = experts[row["expert"]]
        customer = _shown_customer(row["customer_name"], privacy)
        title = " – ".join(
            part for part in (wording.title, name if for_agency else "", customer) if part
        )
        point = row[f"point_{language}"] or row["point_fi"]
        lines = [
            f"{wording.matter}: {row['matter']}",
            f"{wording.place}: {point}, {row['room']}",
            f"{wording.participants}: {', '.join(peers[row['session']])}",
        ]
        if row["interpreter_language"]:
            lines.append(f"{wording.interpreter}: {row['interpreter_language']}")
        link = ""
        if not for_agency:
            attendee = Attendee(f"expert-{row['expert']}", name, row["email"], staff=True)
            token = join_token(
                settings, row["video_room"], attendee, row["starts_at"], row["ends_at"]
            )
            link = join_url(settings, token)
            lines.append(f"{wording.join}: {link}")
        events.append(
            row_event(
                row,
                title=title,
                cancelled_label=wording.cancelled,
                lines=lines,
                location=link or f"{point}, {row['room']}",
                link=link,
            )
        )
    return events
