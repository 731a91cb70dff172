"""Retention of personal data: a registry of per-table anonymisers.

Each table holding customers' details registers one `Anonymiser`: which columns are personal
(and what they become), which column says when the matter ended, and which holds the
customer's email. The daily job blanks the personal columns of rows that ended longer ago
than the retention period; a customer's erasure request blanks their rows at once and their
export lists them. Everything else in a row (reference, service, times, channel, status)
stays, so the statistics survive.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from security import audit
from security.anonymisers import Anonymiser, months_before


class Retention:
    """Every registered anonymiser, and the use cases that run over all of them."""

    def __init__(self, anonymisers: Sequence[Anonymiser], months: int) -> None:
        self.anonymisers = tuple(anonymisers)
        self.months = months

    async def anonymise_due(self, now: datetime) -> dict[str, int]:
        """The daily job: blanks rows past retention; running it again changes nothing."""
        cutoff = months_before(now, self.months)
        counts = {a.name: await a.anonymise_ended_before(cutoff) for a in self.anonymisers}
        if any(counts.values()):
            await audit.record(
                "system",
                "anonymise",
                "retention",
                ", ".join(f"{name}: {n}" for name, n in counts.items() if n),
            )
        return counts

    async def references(self, email: str) -> set[str]:
        """The references of the customer's own matters (bookings, sessions, requests)."""
        found: set[str] = set()
        for anonymiser in self.anonymisers:
            found |= await anonymiser.references(email)
        return found

    async def export(self, email: str) -> dict[str, list[dict[str, Any]]]:
        """Everything about the customer: rows found by their email, and rows about those
        matters (never messages the address received about someone else)."""
        references = await self.references(email)
        return {a.name: await a.export(email, references) for a in self.anonymisers}

    async def has_data(self, email: str) -> bool:
        return any(rows for rows in (await self.export(email)).values())

    async def erase(self, email: str) -> dict[str, int]:
        """Blanks what `export` shows, and the staff's copies of messages about it. The
        references are read first: erasing blanks the emails that find them."""
        references = await self.references(email)
        return {a.name: await a.erase(email, references) for a in self.anonymisers}
