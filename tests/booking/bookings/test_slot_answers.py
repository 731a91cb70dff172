"""The slot route's encoded answers (booking/bookings/slot_answers.py): byte for byte what
encoding `SlotList` from the search gives, in each zone, as time narrows a kept result."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import msgspec

from booking.bookings.schemas import SlotList, SlotOut
from booking.bookings.slots import search_slots
from luukku.clock import FixedClock
from testdata.factories import make_agency, make_expert, make_service

EVERY_DAY = tuple((weekday, "08:00", "16:00") for weekday in range(7))


def _utc_range(first: date, days: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return (
        datetime.combine(first, time(), zone).astimezone(UTC),
        datetime.combine(first + timedelta(days=days), time(), zone).astimezone(UTC),
    )


async def test_the_encoded_answer_is_the_slot_list_in_each_zone_as_time_moves_on(
    client: httpx.AsyncClient, app: Any, clock: FixedClock
) -> None:
    agency = await make_agency()
    experts = [
        await make_expert(agency, f"Asiantuntija {n}", email=f"a{n}@example.fi", hours=EVERY_DAY)
        for n in range(2)
    ]
    await make_service(agency, "advice", experts=experts, min_notice=60)
    for tz in ("Europe/Helsinki", "America/New_York", "Europe/Helsinki"):
        zone = ZoneInfo(tz)
        first = clock.now().astimezone(zone).date()
        response = await client.get(
            "/api/v1/services/advice/slots",
            params={"start": str(first), "end": str(first + timedelta(days=2)), "tz": tz},
        )
        assert response.status_code == 200, response.text
        start, end = _utc_range(first, 3, zone)
        expected = SlotList(
            slots=[
                SlotOut(
                    start=s.start.astimezone(zone),
                    end=s.end.astimezone(zone),
                    experts=list(s.expert_ids),
                )
                for s in await search_slots("advice", start, end, clock.now())
            ]
        )
        assert expected.slots, "the case must offer slots to compare"
        assert response.content == msgspec.json.encode(expected)
        assert response.headers["content-type"] == "application/json"
        clock.current += timedelta(hours=2)  # the kept result narrows; its encodings stay
    assert app.state["slot_cache"].hits >= 1
