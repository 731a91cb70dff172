"""Small builders for test data; each returns the created row's id."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import datetime, time, timedelta

import httpx

from booking.tables import Service, ServiceExpert
from calendars.tables import Agency, Expert, WorkingHours
from notifications.outbox import BookingSnapshot, Person
from notifications.tables import OutboxMessage

OFFICE_HOURS = tuple((weekday, "09:00", "16:00") for weekday in range(5))


async def make_agency(slug: str = "city-business", *, observe_holidays: bool = True) -> int:
    agency = Agency(
        slug=slug,
        name_fi="Elinkeinopalvelut",
        name_sv="Näringslivstjänster",
        name_en="Business Services",
        observe_holidays=observe_holidays,
    )
    await agency.save()
    return int(agency.id)


async def make_expert(
    agency_id: int,
    name: str = "Aino Virtanen",
    *,
    email: str | None = None,
    hours: Iterable[tuple[int, str, str]] = OFFICE_HOURS,
    languages: Sequence[str] = ("fi", "sv", "en"),
    channels: Sequence[str] = ("in_person", "phone", "video"),
    topics: Sequence[str] = ("funding",),
    timezone: str = "Europe/Helsinki",
) -> int:
    expert = Expert(
        agency=agency_id,
        name=name,
        email=email or f"{name.lower().replace(' ', '.')}@example.fi",
        timezone=timezone,
        languages=list(languages),
        channels=list(channels),
        topics=list(topics),
    )
    await expert.save()
    rows = [
        WorkingHours(
            expert=expert.id,
            weekday=weekday,
            start_time=time.fromisoformat(start),
            end_time=time.fromisoformat(end),
        )
        for weekday, start, end in hours
    ]
    if rows:
        await WorkingHours.insert(*rows)
    return int(expert.id)


async def make_service(
    agency_id: int,
    slug: str = "funding-advice",
    *,
    duration: int = 60,
    interval: int = 30,
    buffer_before: int = 0,
    buffer_after: int = 0,
    min_notice: int = 120,
    horizon_days: int = 60,
    daily_limit: int | None = None,
    channels: Sequence[str] = ("in_person", "phone", "video"),
    languages: Sequence[str] = ("fi", "sv", "en"),
    topics: Sequence[str] = ("funding",),
    experts: Sequence[int] = (),
) -> int:
    service = Service(
        slug=slug,
        agency=agency_id,
        name_fi="Rahoitusneuvonta",
        name_sv="Finansieringsrådgivning",
        name_en="Funding advice",
        description_fi="Apua rahoituksen hakemiseen.",
        description_sv="Hjälp med att söka finansiering.",
        description_en="Help with applying for funding.",
        duration_minutes=duration,
        buffer_before_minutes=buffer_before,
        buffer_after_minutes=buffer_after,
        min_notice_minutes=min_notice,
        horizon_days=horizon_days,
        slot_interval_minutes=interval,
        channels=list(channels),
        languages=list(languages),
        topics=list(topics),
        daily_limit=daily_limit,
    )
    await service.save()
    if experts:
        await ServiceExpert.insert(
            *(ServiceExpert(service=service.id, expert=expert_id) for expert_id in experts)
        )
    return int(service.id)


def booking_body(start: str, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "service": "funding-advice",
        "start": start,
        "channel": "video",
        "language": "fi",
        "customer": {
            "name": "Matti Meikäläinen",
            "email": "matti@example.com",
            "phone": "040 123 4567",
            "company": "Meikäläinen Oy",
            "business_id": "2617416-4",
        },
        "message": "Haen starttirahaa.",
    }
    body.update(overrides)
    return body


STAFF_PASSWORD = "correct horse battery"


async def staff_headers(
    client: httpx.AsyncClient, email: str, password: str = STAFF_PASSWORD
) -> dict[str, str]:
    """Signs in through the API; the bearer header for the staff member's requests."""
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def make_due_messages(
    count: int, due_at: datetime, appointment: datetime, *, kind: str = "reminder"
) -> list[str]:
    """`count` outbox messages due at `due_at` about appointments at `appointment`, each to
    its own customer; their idempotency keys."""
    snapshot = BookingSnapshot(
        reference="LK-0000-0000",
        sequence=0,
        status="confirmed",
        start=appointment,
        end=appointment + timedelta(hours=1),
        channel="phone",
        video_url="",
        location="",
        service_name={"fi": "Rahoitusneuvonta", "sv": "Finansieringsrådgivning", "en": "Funding"},
        agency_name={"fi": "Elinkeinopalvelut", "sv": "Näringslivstjänster", "en": "Business"},
        customer=Person("Matti Meikäläinen", "matti@example.com", "fi"),
        expert=Person("Aino Virtanen", "aino.virtanen@example.fi", "fi"),
    )
    payload = snapshot.to_json()
    keys = [f"{kind}:LK-{n:09d}:0:customer:120" for n in range(count)]
    rows = [
        OutboxMessage(
            idempotency_key=key,
            kind=kind,
            booking_reference=f"LK-{n:09d}",
            recipient=f"customer{n}@example.com",
            recipient_name=f"Asiakas {n}",
            language=("fi", "sv", "en")[n % 3],
            due_at=due_at,
            status="pending",
            created_at=due_at,
            payload=payload,
        )
        for n, key in enumerate(keys)
    ]
    for chunk in range(0, len(rows), 500):
        await OutboxMessage.insert(*rows[chunk : chunk + 500])
    return keys


async def make_expert_login(expert_id: int, email: str, password: str) -> int:
    """A staff login for an expert, in the expert's agency, as an administrator creates it."""
    from staff.accounts import create_staff_user

    row = await Expert.select(Expert.agency, Expert.name).where(Expert.id == expert_id).first()
    assert row is not None
    user_id, _ = await create_staff_user(
        email=email,
        password=password,
        name=row["name"],
        roles=["expert"],
        agency_id=row["agency"],
        expert_id=expert_id,
    )
    return user_id


def booking_reference(rng: random.Random, taken: set[str]) -> str:
    """A booking reference (`LK-XXXX-XXXX`) not in `taken`, drawn from `rng` (then taken)."""
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    while True:
        body = "".join(rng.choice(alphabet) for _ in range(8))
        reference = f"LK-{body[:4]}-{body[4:]}"
        if reference not in taken:
            taken.add(reference)
            return reference
