"""The hold table: a time kept for one customer for a few minutes, as a reservation."""

from __future__ import annotations

from piccolo.columns import ForeignKey, OnDelete, Serial, Timestamptz, Varchar
from piccolo.table import Table

from booking.tables import Service
from calendars.tables import Expert


class Hold(Table):
    """A time held for one holder until `expires_at`; its reservation row (with the same
    `expires_at`) keeps everyone else off the expert's time. Only the SHA-256 of the token is
    kept. `holder` is `web:<hash of the browser session>`, `api:<hash of the address>` or
    `waitlist:<entry id>` (a waitlist offer)."""

    id: Serial  # added by Piccolo; declared for the type checker

    token_hash = Varchar(length=64, unique=True, index=True)
    holder = Varchar(length=80, index=True)
    service = ForeignKey(Service, on_delete=OnDelete.cascade, index=True)
    expert = ForeignKey(Expert, on_delete=OnDelete.cascade, index=True)
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    channel = Varchar(length=16)
    language = Varchar(length=8)
    expires_at = Timestamptz(index=True)
    created_at = Timestamptz()


TABLES: tuple[type[Table], ...] = (Hold,)
