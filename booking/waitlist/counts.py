"""What staff see of the waitlist: who waits for which days per service, and the offers
made, accepted and lapsed in a period (for the reports)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from booking.waitlist.tables import WaitlistEntry, WaitlistOffer


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """One service's line: how many wait now, and how many want each day."""

    waiting: int
    days: dict[date, int]


async def lines_of(service_ids: Sequence[int], today: date) -> dict[int, ServiceLine]:
    """The live lines (waiting or holding an offer) of the services, days from `today` on."""
    rows = await WaitlistEntry.select(
        WaitlistEntry.service, WaitlistEntry.earliest, WaitlistEntry.latest
    ).where(
        WaitlistEntry.service.is_in(list(service_ids) or [0])
        & WaitlistEntry.status.is_in(["waiting", "offered"])
    )
    waiting: Counter[int] = Counter()
    days: dict[int, Counter[date]] = {}
    for row in rows:
        service = row["service"]
        waiting[service] += 1
        day = max(row["earliest"], today)
        while day <= row["latest"]:
            days.setdefault(service, Counter())[day] += 1
            day += timedelta(days=1)
    return {
        service: ServiceLine(count, dict(sorted(days.get(service, Counter()).items())))
        for service, count in waiting.items()
    }


async def offer_counts(service_ids: Sequence[int], start: datetime, end: datetime) -> Counter[str]:
    """Offers made in [start, end) for the services, and how many of them were `accepted`,
    `lapsed`, `withdrawn` or are still `open`; `made` is their total."""
    rows = await WaitlistOffer.select(WaitlistOffer.status).where(
        WaitlistOffer.service.is_in(list(service_ids) or [0])
        & (WaitlistOffer.offered_at >= start)
        & (WaitlistOffer.offered_at < end)
    )
    counts = Counter(row["status"] for row in rows)
    counts["made"] = len(rows)
    return counts
