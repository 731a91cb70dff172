"""What a booking's participants are told: the outbox record of a booking change.

Called inside the change's transaction (booking/bookings/lifecycle.py,
booking/bookings/substitutes.py), so the messages commit or roll back with the change itself.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from booking.catalogue.services import Localized, ServiceInfo
from booking.video.rooms import customer_attendee, expert_attendee, meeting_link
from calendars.tables import Expert
from luukku.settings import Settings
from notifications.outbox import BookingSnapshot, Change, Person, record_change
from staff.accounts import staff_languages


def _names(localized: Localized) -> dict[str, str]:
    return {"fi": localized.fi, "sv": localized.sv, "en": localized.en}


async def _expert(expert_id: int) -> tuple[Person, dict[str, Any]]:
    """The expert as a recipient (in their staff language), and their row: location, time
    zone and the agency's business-services address."""
    row = (
        await Expert.select(
            Expert.name,
            Expert.email,
            Expert.location,
            Expert.timezone,
            Expert.agency.business_services_email.as_alias("business_services_email"),
        )
        .where(Expert.id == expert_id)
        .first()
    )
    assert row is not None, f"expert {expert_id} of a booking"
    language = (await staff_languages([expert_id])).get(expert_id, "fi")
    person = Person(name=row["name"], email=row["email"], language=language)
    return person, row


async def customer_snapshot(
    booking: dict[str, Any],
    service: ServiceInfo,
    settings: Settings,
    previous_expert_id: int | None = None,
) -> tuple[BookingSnapshot, dict[str, Any]]:
    """The booking (its row) as its customer's messages describe it, and the expert's row."""
    expert, expert_row = await _expert(booking["expert"])
    previous = (await _expert(previous_expert_id))[0] if previous_expert_id is not None else None
    video = ""
    if booking["channel"] == "video":
        video = meeting_link(
            settings,
            booking["video_room"],
            booking["video_url"],
            customer_attendee(booking["customer_name"], booking["customer_email"]),
            booking["starts_at"],
            booking["ends_at"],
        )
    snapshot = BookingSnapshot(
        reference=booking["reference"],
        sequence=booking["sequence"],
        status=booking["status"],
        start=booking["starts_at"],
        end=booking["ends_at"],
        channel=booking["channel"],
        video_url=video,
        location=video or (expert_row["location"] if booking["channel"] == "in_person" else ""),
        service_name=_names(service.name),
        agency_name=_names(service.agency_name),
        customer=Person(
            name=booking["customer_name"],
            email=booking["customer_email"],
            language=booking["customer_language"] or booking["language"],
        ),
        expert=expert,
        timezone=expert_row["timezone"],
        business_services_email=expert_row["business_services_email"] or "",
        cancel_reason=booking["cancel_reason"] or "",
        reminder_minutes=service.reminder_minutes,
        previous_expert=previous,
    )
    return snapshot, expert_row


async def notify_change(
    change: Change,
    booking: dict[str, Any],
    service: ServiceInfo,
    settings: Settings,
    now: datetime,
    previous_expert_id: int | None = None,
) -> None:
    """Record the messages `change` of `booking` (its row after the change) causes."""
    snapshot, _ = await customer_snapshot(booking, service, settings, previous_expert_id)
    expert = snapshot.expert
    staff_video = ""
    if booking["channel"] == "video":
        staff_video = meeting_link(
            settings,
            booking["video_room"],
            booking["video_url"],
            expert_attendee(booking["expert"], expert.name, expert.email),
            booking["starts_at"],
            booking["ends_at"],
        )
    audiences = {
        "expert": dataclasses.replace(
            snapshot, video_url=staff_video, location=staff_video or snapshot.location
        ),
        # The expert who no longer has the booking keeps no way into its meeting.
        "previous-expert": dataclasses.replace(snapshot, video_url="", location=""),
    }
    await record_change(change, snapshot, now, audiences)
