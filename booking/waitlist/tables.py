"""Waitlist tables: who waits for which times, and the times they were offered."""

from __future__ import annotations

from piccolo.columns import Date, ForeignKey, OnDelete, Serial, Timestamptz, Varchar
from piccolo.table import Table

from booking.holds.tables import Hold
from booking.tables import Service
from calendars.tables import Expert


class WaitlistEntry(Table):
    """A customer waiting for a time of `service` between `earliest` and `latest` (dates in
    Europe/Helsinki), in a channel and language, optionally with one expert.

    `status`: `waiting`, `offered` (an open offer holds a time for them), `booked`,
    `expired` (the window passed) or `cancelled` (they left the line). The offer job claims
    waiting entries as the outbox's sender claims messages: `claimed_until` is a worker's lease,
    so a worker killed mid-way leaves the entry to the next one once the lease runs out. Only
    the SHA-256 of the token is kept. `booking_reference` is the booking to move when the
    customer came from one.
    """

    id: Serial  # added by Piccolo; declared for the type checker

    reference = Varchar(length=16, unique=True, index=True)
    token_hash = Varchar(length=64)
    service = ForeignKey(Service, on_delete=OnDelete.cascade, index=True)
    expert = ForeignKey(Expert, on_delete=OnDelete.cascade, null=True, default=None)
    channel = Varchar(length=16)
    language = Varchar(length=8)
    earliest = Date()
    latest = Date()
    customer_name = Varchar(length=200)
    customer_email = Varchar(length=254)
    customer_phone = Varchar(length=32, default="")
    customer_company = Varchar(length=200, default="")
    customer_business_id = Varchar(length=9, default="")
    customer_language = Varchar(length=8, default="fi")
    privacy_notice_version = Varchar(length=32, default="")
    booking_reference = Varchar(length=16, default="")
    booking_starts_at = Timestamptz(null=True, default=None)
    """The start of that booking when they joined: only earlier times are offered."""
    status = Varchar(length=16, default="waiting", index=True)
    claimed_until = Timestamptz(null=True, default=None)
    created_at = Timestamptz(index=True)
    updated_at = Timestamptz()


class WaitlistOffer(Table):
    """One time offered to one entry, held for them by `hold` until `expires_at`.

    `status`: `open`, `accepted`, `lapsed` (not accepted in time: the time passed on) or
    `withdrawn` (the customer left the line). (`entry`, `starts_at`) is unique: nobody is
    offered the same time twice. Only the SHA-256 of the offer link's token is kept.
    """

    id: Serial  # added by Piccolo; declared for the type checker

    entry = ForeignKey(WaitlistEntry, on_delete=OnDelete.cascade, index=True)
    service = ForeignKey(Service, on_delete=OnDelete.cascade, index=True)
    expert = ForeignKey(Expert, on_delete=OnDelete.cascade)
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    hold = ForeignKey(Hold, on_delete=OnDelete.set_null, null=True, default=None)
    token_hash = Varchar(length=64, unique=True)
    status = Varchar(length=16, default="open", index=True)
    offered_at = Timestamptz()
    expires_at = Timestamptz(index=True)
    resolved_at = Timestamptz(null=True, default=None)
    booking_reference = Varchar(length=16, default="")


TABLES: tuple[type[Table], ...] = (WaitlistEntry, WaitlistOffer)
