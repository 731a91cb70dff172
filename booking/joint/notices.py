"""What a joint session's people are told: the outbox record of a joint-session change.

Called inside the change's transaction (booking/joint/sessions.py, booking/joint/changes.py),
so the messages commit or roll back with the change. The customer and each participant get a
snapshot of the session with their own join link; staff read it in their own language.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from booking.joint.tables import JointParticipant, JointSession
from booking.video.rooms import Attendee, join_token, join_url
from luukku.settings import Settings
from notifications.joint import plan_joint_messages
from notifications.outbox import BookingSnapshot, Change, Person, record_planned
from staff.accounts import staff_languages

JOINT_REMINDER_MINUTES = (24 * 60, 2 * 60)
_TITLE = {
    "fi": "Yhteinen etäasiointi",
    "sv": "Gemensam distanstjänst",
    "en": "Joint remote session",
}


async def _session(session_id: int) -> dict[str, Any]:
    row = (
        await JointSession.select(
            *JointSession.all_columns(),
            JointSession.service_point.name_fi.as_alias("point_fi"),
            JointSession.service_point.name_sv.as_alias("point_sv"),
            JointSession.service_point.name_en.as_alias("point_en"),
            JointSession.service_point.address.as_alias("address"),
            JointSession.service_point.timezone.as_alias("timezone"),
            JointSession.room.name.as_alias("room_name"),
        )
        .where(JointSession.id == session_id)
        .first()
    )
    assert row is not None, f"joint session {session_id}"
    return row


async def _people(
    session_id: int, extra: int | None
) -> tuple[dict[int, dict[str, Any]], dict[int, str]]:
    """The session's participants, and the staff language of each (and of `extra`, one who
    just left)."""
    rows = await JointParticipant.select(
        JointParticipant.expert,
        JointParticipant.expert.name.as_alias("name"),
        JointParticipant.expert.email.as_alias("email"),
        JointParticipant.agency.name_fi.as_alias("agency_fi"),
    ).where(JointParticipant.joint_session == session_id)
    people = {row["expert"]: row for row in rows}
    ids = [*people, *([extra] if extra is not None else [])]
    languages = await staff_languages(ids)
    return people, languages


async def notify_joint_change(
    change: Change,
    session_id: int,
    settings: Settings,
    now: datetime,
    *,
    joining: int | None = None,
    leaving: tuple[int, str, str] | None = None,
) -> None:
    """Record the messages `change` of the session (as it is after the change) causes;
    `leaving` is (expert id, name, email) of a participant just replaced."""
    session = await _session(session_id)
    people, languages = await _people(session_id, leaving[0] if leaving else None)
    start, end, room = session["starts_at"], session["ends_at"], session["video_room"]
    point = {
        language: f"{_TITLE[language]}: {session[f'point_{language}'] or session['point_fi']}"
        for language in _TITLE
    }
    customer = Person(
        session["customer_name"], session["customer_email"], session["customer_language"]
    )
    everyone = ", ".join(f"{p['name']} ({p['agency_fi']})" for p in people.values())

    def snapshot(expert: Person, attendee: Attendee) -> BookingSnapshot:
        link = join_url(settings, join_token(settings, room, attendee, start, end))
        return BookingSnapshot(
            reference=session["reference"],
            sequence=session["sequence"],
            status=session["status"],
            start=start,
            end=end,
            channel="video",
            video_url=link,
            location=link,
            service_name=point,
            agency_name=point,
            customer=customer,
            expert=expert,
            timezone=session["timezone"],
            cancel_reason=session["cancel_reason"],
            reminder_minutes=JOINT_REMINDER_MINUTES,
        )

    for_customer = snapshot(
        Person(everyone, "", customer.language),
        Attendee("customer", customer.name, customer.email, staff=False),
    )
    for_participants = {
        expert_id: snapshot(
            Person(row["name"], row["email"], languages.get(expert_id, "fi")),
            Attendee(f"expert-{expert_id}", row["name"], row["email"], staff=True),
        )
        for expert_id, row in people.items()
    }
    left = None
    if leaving is not None:
        expert_id, name, email = leaving
        person = Person(name, email, languages.get(expert_id, "fi"))
        left = (expert_id, snapshot(person, Attendee(f"expert-{expert_id}", name, email, True)))
    planned = plan_joint_messages(
        change, for_customer, for_participants, now, joining=joining, leaving=left
    )
    voids = f"joint session {change}" if change in (Change.RESCHEDULED, Change.CANCELLED) else None
    await record_planned(session["reference"], planned, now, voids=voids)
