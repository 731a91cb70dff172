"""Tables of the security domain: rate-limit counters, the audit log and data requests."""

from __future__ import annotations

from piccolo.columns import Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class RateCounter(Table):
    """Hits of one client against one rate-limit window, shared by every app process (used
    when there is no Redis)."""

    id: Serial  # added by Piccolo; declared for the type checker

    key = Varchar(length=200, unique=True)
    """Rule, who (address or hashed email) and window, e.g. `login:ip:10.0.0.1:29411520`."""
    hits = Integer(default=0)
    expires_at = Timestamptz(index=True)


class AuditEntry(Table):
    """One staff member's look at or change of a customer's data. Append-only: no route
    changes or deletes a row, and on PostgreSQL a trigger refuses UPDATE and DELETE."""

    id: Serial  # added by Piccolo; declared for the type checker

    at = Timestamptz(default=TimestamptzNow(), index=True)
    actor = Varchar(length=100)
    """`staff:<id>`, `customer` (a manage link or data request) or `system` (retention)."""
    action = Varchar(length=32, index=True)
    """`view`, `change`, `export`, `erase`, `anonymise`."""
    subject = Varchar(length=100, index=True)
    """What was touched: `booking:LK-…`, `joint-session:LK-…`, `customer:<email hash>`."""
    detail = Text(default="")


class DataRequest(Table):
    """A customer's emailed one-time link to see (export) and erase their data."""

    id: Serial  # added by Piccolo; declared for the type checker

    token_hash = Varchar(length=64, unique=True)
    email = Varchar(length=254)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


TABLES: tuple[type[Table], ...] = (RateCounter, AuditEntry, DataRequest)
