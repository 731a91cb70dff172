"""Tables of iCalendar feeds: the hashed secrets in the feeds' addresses."""

from __future__ import annotations

from piccolo.columns import (
    ForeignKey,
    OnDelete,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from calendars.tables import Agency, Expert


class FeedToken(Table):
    """The secret of an expert's (or an agency's) iCalendar feed URL, stored hashed, with
    the nonce and key id it is derived from (`booking.feeds.tokens`)."""

    id: Serial  # added by Piccolo; declared for the type checker

    token_hash = Varchar(length=64, unique=True, index=True)
    nonce = Varchar(length=64, default="")
    key_id = Varchar(length=16, default="")
    expert = ForeignKey(Expert, on_delete=OnDelete.cascade, null=True, default=None, index=True)
    agency = ForeignKey(Agency, on_delete=OnDelete.cascade, null=True, default=None, index=True)
    created_at = Timestamptz()


TABLES: tuple[type[Table], ...] = (FeedToken,)
