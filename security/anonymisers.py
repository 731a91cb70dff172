"""How one table forgets its customers: the `Anonymiser` each domain registers for every
table holding customers' details (see `privacy.retention`, which runs them).

Each names which columns are personal (and what they become), which column says when the
matter ended, and how a customer's rows are found: by the customer's email (their bookings,
joint sessions, contact requests), or by the matter a row is about (messages, replies and
feedback about those). Export and erasure reach only rows *about* the customer: a message an
address merely received about someone else (an expert's notices) is never theirs.
"""

from __future__ import annotations

import calendar
import functools
import hashlib
import operator
from collections.abc import Callable, Collection, Mapping, Sequence
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
    reference: Column | None = None
    """For rows found by `email`: the matter's reference (`LK-…`, `YP-…`); rows of other
    tables about that matter are the customer's too."""
    about: Column | None = None
    """For rows about a matter rather than found by email (messages, replies, feedback):
    the reference of the matter the row is about."""
    owned: Callable[[str], Sequence[Any]] | None = None
    """Rows that are the customer's by their address alone (the data link sent to them): the
    conditions, all of which hold, given the customer's email in lower case."""
    exported_if: Callable[[str], Sequence[Any]] | None = None
    """Narrows the export (not the erasure): of the messages about the customer's matters,
    those sent to the customer; the staff's copies hold staff addresses, and the customer's
    details in them are the booking's, exported with it."""

    def _blanks(self) -> dict[Column | str, Any]:
        return {name: value for name, value in self.personal.items()}

    async def _customer_keys(self, email: str, references: Collection[str]) -> list[Any]:
        """Primary keys of the customer's rows: found by email, by the matter they are about,
        or as owned. (One query each: Piccolo cannot OR a `Lower(…)` comparison.)"""
        # Bookings keep the local part's case as typed; people do not remember it.
        email = email.strip().lower()
        searches: list[list[Any]] = []
        if self.email is not None:
            searches.append([Lower(self.email) == email])
        if self.about is not None and references:
            searches.append([self.about.is_in(sorted(references))])
        if self.owned is not None:
            searches.append(list(self.owned(email)))
        primary_key = self.table._meta.primary_key
        keys: set[Any] = set()
        for conditions in searches:
            query = self.table.select(primary_key)
            for condition in conditions:
                query = query.where(condition)
            keys |= {row[primary_key._meta.name] for row in await query}
        return sorted(keys)

    async def references(self, email: str) -> set[str]:
        """The references of the customer's matters in this table."""
        if not email or self.email is None or self.reference is None:
            return set()
        rows = await self.table.select(self.reference).where(
            Lower(self.email) == email.strip().lower()
        )
        return {str(row[self.reference._meta.name]) for row in rows}

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

    async def erase(self, email: str, references: Collection[str] = ()) -> int:
        keys = await self._customer_keys(email, references) if email else []
        if not keys:
            return 0
        primary_key = self.table._meta.primary_key
        rows = (
            await self.table.update(self._blanks())
            .where(primary_key.is_in(keys) & self._not_yet_anonymised())
            .returning(primary_key)
        )
        return len(rows)

    async def export(self, email: str, references: Collection[str] = ()) -> list[dict[str, Any]]:
        keys = await self._customer_keys(email, references) if email else []
        if not keys:
            return []
        shown = {column._meta.name for column in self.exported}
        columns = [
            *self.exported,
            *(self.table._meta.get_column_by_name(n) for n in self.personal if n not in shown),
        ]
        query = self.table.select(*columns).where(self.table._meta.primary_key.is_in(keys))
        for condition in self.exported_if(email.strip().lower()) if self.exported_if else ():
            query = query.where(condition)
        rows = await query
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
