"""The range of instants Luukku keeps: what comes in is checked against it, what is loaded is
pulled into it.

Anything stored is an appointment, an absence, a busy time or an override between 2000 and
2100. Outside that range Python's datetime arithmetic overflows (`0001-01-01T00:10Z` minus a
zone offset) and PostgreSQL stores `0001-01-01T00:00Z` as `-infinity`, which reads back as a
naive `datetime.min`: either would break the slot search for everyone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from luukku.problems import InvalidInput

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
_RANGE = "must be between 2000-01-01 and 2100-01-01"


def bounded(value: datetime, field: str) -> datetime:
    """`value` in UTC, or InvalidInput (422) naming `field` when it has no offset or lies
    outside [EARLIEST, LATEST]."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput.field(field, "needs a UTC offset")
    # Compared before converting: converting year 1 or 9999 may itself overflow.
    if not EARLIEST <= value <= LATEST:
        raise InvalidInput.field(field, _RANGE)
    return value.astimezone(UTC)


def bounded_date(value: date, field: str) -> date:
    """`value`, or InvalidInput (422) naming `field` when outside the years Luukku keeps."""
    if not EARLIEST.date() <= value < LATEST.date():
        raise InvalidInput.field(field, _RANGE)
    return value


def clamped(value: datetime) -> datetime:
    """A stored instant as computations may use it, whatever was stored before the checks:
    naive (PostgreSQL's ±infinity) read as UTC, then pulled into [EARLIEST, LATEST]."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return min(max(value, EARLIEST), LATEST)
