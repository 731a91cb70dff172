"""Which messages a change of a joint session causes: the customer and every participant each
get their own, with their own join link, and a change tells exactly the people it affects.

Pure planning, like `outbox.plan_messages`; `outbox.record_planned` writes the rows. Keys name
the recipient (`customer`, `expert-<id>`), so every participant's invitation is its own message
while all share the session's UID and SEQUENCE.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from notifications.outbox import (
    BookingSnapshot,
    Change,
    Kind,
    PlannedMessage,
    message_key,
    timed_messages,
)

Planned = list[tuple[PlannedMessage, BookingSnapshot]]


def participant_key(expert_id: int) -> str:
    return f"expert-{expert_id}"


def plan_joint_messages(
    change: Change,
    customer: BookingSnapshot,
    participants: Mapping[int, BookingSnapshot],
    now: datetime,
    *,
    joining: int | None = None,
    leaving: tuple[int, BookingSnapshot] | None = None,
) -> Planned:
    """The messages of `change`: each snapshot is the session as its recipient sees it (their
    own join link). A replacement (REASSIGNED) tells only the one `joining` and the one
    `leaving`; the customer's time is unchanged."""

    def now_to(
        kind: Kind, who: str, snapshot: BookingSnapshot, recipient_is_customer: bool
    ) -> tuple[PlannedMessage, BookingSnapshot]:
        person = snapshot.customer if recipient_is_customer else snapshot.expert
        message = PlannedMessage(message_key(kind, snapshot, who), kind, person, now)
        return message, snapshot

    if change is Change.REASSIGNED:
        planned: Planned = []
        if joining is not None:
            planned.append(
                now_to(Kind.NEW_BOOKING, participant_key(joining), participants[joining], False)
            )
        if leaving is not None:
            expert_id, snapshot = leaving
            planned.append(now_to(Kind.CANCELLATION, participant_key(expert_id), snapshot, False))
        return planned
    to_customer, to_staff = {
        Change.CREATED: (Kind.CONFIRMATION, Kind.NEW_BOOKING),
        Change.RESCHEDULED: (Kind.RESCHEDULE, Kind.RESCHEDULE),
        Change.CANCELLED: (Kind.CANCELLATION, Kind.CANCELLATION),
    }[change]
    planned = [now_to(to_customer, "customer", customer, True)]
    planned += [
        now_to(to_staff, participant_key(expert_id), snapshot, False)
        for expert_id, snapshot in participants.items()
    ]
    if change is not Change.CANCELLED:
        planned += [(message, customer) for message in timed_messages(customer, now)]
    return planned
