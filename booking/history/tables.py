"""Tables of booking history."""

from __future__ import annotations

from piccolo.columns import ForeignKey, OnDelete, Serial, Timestamptz, Varchar
from piccolo.table import Table

from booking.tables import Booking


class BookingEvent(Table):
    """One change of a booking, written in the change's own transaction.

    `event`: `created`, `rescheduled`, `cancelled`, `expert_changed`, `outcome_recorded`;
    `by`: `customer`, `staff` or `system`.
    """

    id: Serial  # added by Piccolo; declared for the type checker

    booking = ForeignKey(Booking, on_delete=OnDelete.cascade, index=True)
    at = Timestamptz()
    event = Varchar(length=24)
    by = Varchar(length=16)


TABLES: tuple[type[Table], ...] = (BookingEvent,)
