"""How one table forgets its customers: the `Anonymiser` each domain registers for every
table holding customers' details (see `privacy.retention`, which runs them).

Each names which columns are personal (and what they become), which column says when the
matter ended, and which holds the customer's email.
"""

from __future__ import annotations

import calendar
import functools
import hashlib
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from piccolo.columns import Column
from piccolo.query.functions.string import Lower
from piccolo.table import Table


@dataclass(frozen=True, slots=True)
class Anonymiser:
    """How one table forgets its customers."""

    name: str
    """How the export names these rows, e.g. `bookings`."""
    table: type[Table]
    ended_at: Column
    """Retention counts from this instant (the appointment's end)."""
    email: Column | None
    """The customer's email: exports and erasures find the rows by it. None for a table
    without one (e.g. feedback linked to a booking): retention alone anonymises it."""
    personal: Mapping[str, Any]
    """Column name → the value it gets when anonymised (e.g. `""`)."""
    exported: Sequence[Column] = field(default_factory=tuple)
    """Columns the customer's export shows (besides the personal ones)."""

    def _blanks(self) -> dict[Column | str, Any]:
        return {name: value for name, value in self.personal.items()}

    def _of_customer(self, email: str) -> Any:
        # Bookings keep the local part's case as typed; people do not remember it.
        assert self.email is not None
        return Lower(self.email) == email.strip().lower()

    def _not_yet_anonymised(self) -> Any:
        columns = self.table._meta.get_column_by_name
        conditions = [columns(name) != blank for name, blank in self.personal.items()]
        return functools.reduce(operator.or_, conditions)

    async def anonymise_ended_before(self, cutoff: datetime) -> int:
        rows = (
            await self.table.update(self._blanks())
            .where((self.ended_at < cutoff) & self._not_yet_anonymised())
            .returning(self.table._meta.primary_key)
        )
        return len(rows)

    async def erase(self, email: str) -> int:
        if not email or self.email is None:
            return 0
        rows = (
            await self.table.update(self._blanks())
            .where(self._of_customer(email))
            .returning(self.table._meta.primary_key)
        )
        return len(rows)

    async def export(self, email: str) -> list[dict[str, Any]]:
        if not email or self.email is None:
            return []
        shown = {column._meta.name for column in self.exported}
        columns = [
            *self.exported,
            *(self.table._meta.get_column_by_name(n) for n in self.personal if n not in shown),
        ]
        rows = await self.table.select(*columns).where(self._of_customer(email))
        return [
            {
                key: value.isoformat() if isinstance(value, datetime) else value
                for key, value in row.items()
            }
            for row in rows
        ]


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the month's last day if
    shorter)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def customer_subject(email: str) -> str:
    """How the audit log names a customer: by a hash, so the log holds no email."""
    return "customer:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]
