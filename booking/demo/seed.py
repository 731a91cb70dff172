"""Demo data: four agencies with experts and services, and a joint service point, seeded once.

`seed_demo_data()` adds a city's business services, Kela, Vero and TE Services, their experts'
hours and bookable services, and a joint service point with two video rooms.

Every row is looked up by its natural key (slug, email, service point and room slug, service and
expert) and inserted only when missing; existing rows are never changed. An expert's working
hours, date overrides and absences are added only in the run that creates the expert, and a
service point's opening hours only in the run that creates the service point, so a rerun adds
nothing.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from piccolo.custom_types import Combinable
from piccolo.table import Table

from booking.demo.world import (
    AGENCIES,
    CITY,
    DEMO_COMPANY,
    EXPERTS,
    SERVICE_POINT,
    SERVICES,
    WeeklyHours,
)
from booking.tables import KeyCustomer, Service, ServiceExpert
from calendars.tables import (
    Absence,
    Agency,
    DateOverride,
    Expert,
    Room,
    ServicePoint,
    ServicePointHours,
    WorkingHours,
)
from luukku.database import write_transaction


class _Seeder:
    """One run's inserts and a count of created rows per table."""

    def __init__(self) -> None:
        self.created: Counter[str] = Counter()

    async def insert(self, table: type[Table], values: dict[str, Any]) -> int:
        rows = await table.insert(table(**values)).returning(table._meta.primary_key)
        self.created[table._meta.tablename] += 1
        new_id: int = rows[0][table._meta.primary_key._meta.name]
        return new_id

    async def ensure(
        self, table: type[Table], key: Combinable, values: dict[str, Any]
    ) -> tuple[int, bool]:
        """The id of the row matching `key`, inserting `values` when none; and whether new."""
        pk = table._meta.primary_key
        row = await table.select(pk).where(key).first()
        if row is not None:
            existing: int = row[pk._meta.name]
            return existing, False
        return await self.insert(table, values), True

    async def weekly(
        self, table: type[Table], owner: str, owner_id: int, hours: WeeklyHours
    ) -> None:
        for weekday, start, end in hours:
            await self.insert(
                table, {owner: owner_id, "weekday": weekday, "start_time": start, "end_time": end}
            )


async def _seed_key_customer(
    seeder: _Seeder, agencies: dict[str, int], experts: dict[str, int]
) -> None:
    business_id, company = DEMO_COMPANY
    await seeder.ensure(
        KeyCustomer,
        (KeyCustomer.agency == agencies[CITY]) & (KeyCustomer.business_id == business_id),
        {
            "agency": agencies[CITY],
            "business_id": business_id,
            "company": company,
            "expert": experts["mikko.korhonen@example.fi"],
        },
    )


async def _seed_agencies(seeder: _Seeder) -> dict[str, int]:
    ids: dict[str, int] = {}
    for spec in AGENCIES:
        ids[spec.slug], _ = await seeder.ensure(
            Agency,
            Agency.slug == spec.slug,
            {
                "slug": spec.slug,
                "name_fi": spec.name_fi,
                "name_sv": spec.name_sv,
                "name_en": spec.name_en,
                "business_services_email": spec.business_services_email,
            },
        )
    return ids


async def _seed_experts(seeder: _Seeder, agencies: dict[str, int]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for spec in EXPERTS:
        expert_id, created = await seeder.ensure(
            Expert,
            Expert.email == spec.email,
            {
                "agency": agencies[spec.agency],
                "name": spec.name,
                "email": spec.email,
                "title": spec.title,
                "location": spec.location,
                "timezone": "Europe/Helsinki",
                "languages": list(spec.languages),
                "channels": list(spec.channels),
                "topics": list(spec.topics),
                "kind": spec.kind,
            },
        )
        ids[spec.email] = expert_id
        if not created:
            continue
        await seeder.weekly(WorkingHours, "expert", expert_id, spec.hours)
        for override in spec.overrides:
            await seeder.insert(
                DateOverride,
                {
                    "expert": expert_id,
                    "date": override.day,
                    "start_time": override.start,
                    "end_time": override.end,
                },
            )
        for absence in spec.absences:
            await seeder.insert(
                Absence,
                {
                    "expert": expert_id,
                    "starts_at": absence.starts_at,
                    "ends_at": absence.ends_at,
                    "reason": absence.reason,
                },
            )
    return ids


async def _seed_services(
    seeder: _Seeder, agencies: dict[str, int], experts: dict[str, int]
) -> None:
    for spec in SERVICES:
        service_id, _ = await seeder.ensure(
            Service,
            Service.slug == spec.slug,
            {
                "slug": spec.slug,
                "agency": agencies[spec.agency],
                "name_fi": spec.name_fi,
                "name_sv": spec.name_sv,
                "name_en": spec.name_en,
                "description_fi": spec.description_fi,
                "description_sv": spec.description_sv,
                "description_en": spec.description_en,
                "duration_minutes": spec.duration_minutes,
                "buffer_before_minutes": spec.buffer_before_minutes,
                "buffer_after_minutes": spec.buffer_after_minutes,
                "min_notice_minutes": spec.min_notice_minutes,
                "horizon_days": spec.horizon_days,
                "slot_interval_minutes": spec.slot_interval_minutes,
                "channels": list(spec.channels),
                "languages": list(spec.languages),
                "topics": list(spec.topics),
                "daily_limit": spec.daily_limit,
            },
        )
        for email in spec.experts:
            expert_id = experts[email]
            await seeder.ensure(
                ServiceExpert,
                (ServiceExpert.service == service_id) & (ServiceExpert.expert == expert_id),
                {"service": service_id, "expert": expert_id},
            )


async def _seed_service_point(seeder: _Seeder) -> None:
    spec = SERVICE_POINT
    point_id, created = await seeder.ensure(
        ServicePoint,
        ServicePoint.slug == spec.slug,
        {
            "slug": spec.slug,
            "name_fi": spec.name_fi,
            "name_sv": spec.name_sv,
            "name_en": spec.name_en,
            "address": spec.address,
            "timezone": spec.timezone,
        },
    )
    for slug, name in spec.rooms:
        await seeder.ensure(
            Room,
            (Room.service_point == point_id) & (Room.slug == slug),
            {"service_point": point_id, "slug": slug, "name": name, "has_video": True},
        )
    if created:
        await seeder.weekly(ServicePointHours, "service_point", point_id, spec.hours)


async def _summary(created: Counter[str]) -> str:
    """What exists of the demo set now, read back from the database."""
    total = sum(created.values())
    lines = [
        f"Demo data: created {total} rows"
        + (f" ({', '.join(f'{n} {t}' for t, n in sorted(created.items()))})." if total else ".")
    ]
    agencies = (
        await Agency.select(Agency._meta.primary_key, Agency.slug, Agency.name_en)
        .where(Agency.slug.is_in([a.slug for a in AGENCIES]))
        .order_by(Agency._meta.primary_key)
    )
    experts = (
        await Expert.select(Expert.agency, Expert.name, Expert.email)
        .where(Expert.email.is_in([e.email for e in EXPERTS]))
        .order_by(Expert._meta.primary_key)
    )
    services = (
        await Service.select(Service.agency, Service.slug, Service.name_en)
        .where(Service.slug.is_in([s.slug for s in SERVICES]))
        .order_by(Service._meta.primary_key)
    )
    for agency in agencies:
        lines.append(f"Agency {agency['slug']} ({agency['name_en']})")
        lines.extend(
            f"  expert {e['name']} <{e['email']}>" for e in experts if e["agency"] == agency["id"]
        )
        lines.extend(
            f"  service {s['slug']} ({s['name_en']})"
            for s in services
            if s["agency"] == agency["id"]
        )
    point = (
        await ServicePoint.select(
            ServicePoint._meta.primary_key, ServicePoint.slug, ServicePoint.name_en
        )
        .where(ServicePoint.slug == SERVICE_POINT.slug)
        .first()
    )
    if point is not None:
        rooms = (
            await Room.select(Room.slug)
            .where(Room.service_point == point["id"])
            .order_by(Room.slug)
        )
        lines.append(
            f"Service point {point['slug']} ({point['name_en']}), rooms: "
            + ", ".join(r["slug"] for r in rooms)
        )
    lines.append(
        f"Key customer {DEMO_COMPANY[1]} ({DEMO_COMPANY[0]}): managed by Mikko Korhonen at "
        f"{CITY}; ask a question at /contact with this Y-tunnus to see the routing"
    )
    return "\n".join(lines)


async def seed_demo_data() -> str:
    """Insert whatever of the demo set is missing, in one transaction; a short summary."""
    seeder = _Seeder()
    async with write_transaction(Agency._meta.db):
        agencies = await _seed_agencies(seeder)
        experts = await _seed_experts(seeder, agencies)
        await _seed_services(seeder, agencies, experts)
        await _seed_service_point(seeder)
        await _seed_key_customer(seeder, agencies, experts)
        return await _summary(seeder.created)
