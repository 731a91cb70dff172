"""Editing and retiring services: `PATCH /api/v1/admin/services/{slug}` and the admin page.
A retired service leaves the catalogue and the slot search and keeps its bookings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
from piccolo.columns import Column

from booking.catalogue.schemas import ServicePatch
from booking.catalogue.services import SERVICE_COLUMNS, ServiceInfo, service_info_of
from booking.tables import Service, ServiceExpert
from calendars.directory import agency_id, check_agency_scope, experts_of
from calendars.schemas import CHANNELS, LANGUAGES
from luukku.database import write_transaction
from luukku.problems import FieldError, InvalidInput, NotFound
from staff.accounts import StaffMember

_PLAIN = (
    "duration_minutes",
    "buffer_before_minutes",
    "buffer_after_minutes",
    "min_notice_minutes",
    "horizon_days",
    "slot_interval_minutes",
    "channels",
    "languages",
    "topics",
    "daily_limit",
    "active",
)


@dataclass(frozen=True, slots=True)
class ServiceDetails:
    info: ServiceInfo
    active: bool
    expert_ids: tuple[int, ...]


def _in_scope(member: StaffMember, row: dict[str, Any] | None, slug: str) -> dict[str, Any]:
    if row is None or not (member.has_role("admin") or member.agency_id == row["agency"]):
        raise NotFound(f"No service {slug!r}.", [FieldError("slug", "unknown service")])
    return row


async def service_details(member: StaffMember, slug: str) -> ServiceDetails:
    """A service (active or retired) of an agency the caller administers; else NotFound."""
    row = _in_scope(
        member, await Service.select(*SERVICE_COLUMNS).where(Service.slug == slug).first(), slug
    )
    experts = await ServiceExpert.select(ServiceExpert.expert).where(
        ServiceExpert.service == row["id"]
    )
    return ServiceDetails(
        service_info_of(row), bool(row["active"]), tuple(sorted(e["expert"] for e in experts))
    )


async def services_of(agency_ids: Sequence[int]) -> list[ServiceDetails]:
    """Every service of these agencies, retired ones included, by agency and slug."""
    rows = (
        await Service.select(*SERVICE_COLUMNS)
        .where(Service.agency.is_in(list(agency_ids) or [0]))
        .order_by(Service.agency, Service.slug)
    )
    return [ServiceDetails(service_info_of(row), bool(row["active"]), ()) for row in rows]


def _check(patch: ServicePatch) -> None:
    if patch.channels is not msgspec.UNSET and (
        not patch.channels or set(patch.channels) - set(CHANNELS)
    ):
        raise InvalidInput.field("channels", f"choose from {', '.join(CHANNELS)}")
    if patch.languages is not msgspec.UNSET and set(patch.languages) - set(LANGUAGES):
        raise InvalidInput.field("languages", f"choose from {', '.join(LANGUAGES)}")


async def update_service(member: StaffMember, slug: str, patch: ServicePatch) -> ServiceDetails:
    """Change a service in one transaction; `experts` replaces the explicit expert list."""
    current = await service_details(member, slug)
    _check(patch)
    changes: dict[Column | str, Any] = {
        getattr(Service, field): getattr(patch, field)
        for field in _PLAIN
        if getattr(patch, field) is not msgspec.UNSET
    }
    target = current.info.agency_id
    if patch.agency is not msgspec.UNSET:
        target = await agency_id(patch.agency)
        check_agency_scope(member, target)
        changes[Service.agency] = target
    if patch.name is not msgspec.UNSET:
        changes |= {Service.name_fi: patch.name.fi, Service.name_sv: patch.name.sv}
        changes[Service.name_en] = patch.name.en
    if patch.description is not msgspec.UNSET:
        changes[Service.description_fi] = patch.description.fi
        changes[Service.description_sv] = patch.description.sv
        changes[Service.description_en] = patch.description.en
    if patch.reminder_minutes is not msgspec.UNSET:
        changes[Service.reminder_minutes] = sorted(set(patch.reminder_minutes), reverse=True)
    async with write_transaction(Service._meta.db):
        if changes:
            await Service.update(changes).where(Service.id == current.info.id)
        if patch.experts is not msgspec.UNSET:
            wanted = sorted(set(patch.experts))
            known = {e.id for e in await experts_of([target], include_retired=True)}
            if not set(wanted) <= known:
                raise NotFound(
                    "Unknown expert for this agency.", [FieldError("experts", "unknown expert")]
                )
            await ServiceExpert.delete().where(ServiceExpert.service == current.info.id)
            if wanted:
                await ServiceExpert.insert(
                    *(ServiceExpert(service=current.info.id, expert=e) for e in wanted)
                )
    return await service_details(member, slug)
