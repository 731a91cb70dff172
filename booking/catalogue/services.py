"""The service catalogue: services, their booking rules and which experts give them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from booking.catalogue.schemas import Descriptions, ServiceIn
from booking.engine.availability import SlotRules
from booking.tables import Service, ServiceExpert
from calendars.bookable_experts import active_advisors, all_of_agency
from calendars.schedules import ExpertProfile
from calendars.schemas import CHANNELS, LANGUAGES
from luukku.compiled_queries import CompiledQuery
from luukku.database import write_transaction
from luukku.problems import Conflict, FieldError, InvalidInput, NotFound

DEFAULT_REMINDER_MINUTES = (24 * 60, 2 * 60)
"""Reminders 24 hours and 2 hours before the appointment, unless the service says otherwise."""


@dataclass(frozen=True, slots=True)
class Localized:
    fi: str
    sv: str
    en: str

    def get(self, language: str) -> str:
        text: str = getattr(self, language, "") or self.fi
        return text


@dataclass(frozen=True, slots=True)
class ServiceInfo:
    id: int
    slug: str
    agency_id: int
    agency_slug: str
    agency_name: Localized
    name: Localized
    description: Localized
    duration_minutes: int
    buffer_before_minutes: int
    buffer_after_minutes: int
    min_notice_minutes: int
    horizon_days: int
    slot_interval_minutes: int
    channels: tuple[str, ...]
    languages: tuple[str, ...]
    topics: tuple[str, ...]
    daily_limit: int | None
    reminder_minutes: tuple[int, ...] = DEFAULT_REMINDER_MINUTES
    """When the customer is reminded, in minutes before the appointment."""

    @property
    def rules(self) -> SlotRules:
        return SlotRules(
            duration=timedelta(minutes=self.duration_minutes),
            interval=timedelta(minutes=self.slot_interval_minutes),
            buffer_before=timedelta(minutes=self.buffer_before_minutes),
            buffer_after=timedelta(minutes=self.buffer_after_minutes),
            min_notice=timedelta(minutes=self.min_notice_minutes),
            horizon=timedelta(days=self.horizon_days),
            daily_limit=self.daily_limit,
        )


SERVICE_COLUMNS = (
    *Service.all_columns(),
    Service.agency.slug.as_alias("agency_slug"),
    Service.agency.name_fi.as_alias("agency_name_fi"),
    Service.agency.name_sv.as_alias("agency_name_sv"),
    Service.agency.name_en.as_alias("agency_name_en"),
)


def service_info_of(row: dict[str, Any]) -> ServiceInfo:
    return ServiceInfo(
        id=row["id"],
        slug=row["slug"],
        agency_id=row["agency"],
        agency_slug=row["agency_slug"],
        agency_name=Localized(row["agency_name_fi"], row["agency_name_sv"], row["agency_name_en"]),
        name=Localized(row["name_fi"], row["name_sv"], row["name_en"]),
        description=Localized(row["description_fi"], row["description_sv"], row["description_en"]),
        duration_minutes=row["duration_minutes"],
        buffer_before_minutes=row["buffer_before_minutes"],
        buffer_after_minutes=row["buffer_after_minutes"],
        min_notice_minutes=row["min_notice_minutes"],
        horizon_days=row["horizon_days"],
        slot_interval_minutes=row["slot_interval_minutes"],
        channels=tuple(row["channels"]),
        languages=tuple(row["languages"]),
        topics=tuple(row["topics"]),
        daily_limit=row["daily_limit"],
        reminder_minutes=tuple(row["reminder_minutes"] or ()),
    )


async def list_services() -> list[ServiceInfo]:
    rows = (
        await Service.select(*SERVICE_COLUMNS)
        .where(Service.active.eq(True))
        .order_by(Service.agency, Service.slug)
    )
    return [service_info_of(row) for row in rows]


# Compiled once (luukku/compiled_queries.py): every slot search and booking runs these.
_ACTIVE_SERVICE = CompiledQuery(
    Service,
    lambda slug: (
        Service.select(*SERVICE_COLUMNS)
        .where((Service.slug == slug) & Service.active.eq(True))
        .limit(1)
    ),
)
_SERVICE_EXPERTS = CompiledQuery(
    ServiceExpert,
    lambda service_id: ServiceExpert.select(ServiceExpert.expert).where(
        ServiceExpert.service == service_id
    ),
)


async def get_service(slug: str) -> ServiceInfo:
    """An active service by slug; NotFound naming the field `service` otherwise."""
    if "\x00" in slug:
        raise NotFound("No such service.", [FieldError("service", "unknown service")])
    rows = await _ACTIVE_SERVICE(slug)
    if not rows:
        raise NotFound(f"No service {slug!r}.", [FieldError("service", "unknown service")])
    return service_info_of(rows[0])


async def get_service_by_id(service_id: int) -> ServiceInfo:
    """A service of an existing booking, active or not."""
    row = await Service.select(*SERVICE_COLUMNS).where(Service.id == service_id).first()
    if row is None:
        raise NotFound(f"No service {service_id}.")
    return service_info_of(row)


def check_channel_and_language(
    service: ServiceInfo, channel: str | None, language: str | None
) -> None:
    if channel is not None and channel not in service.channels:
        raise InvalidInput.field(
            "channel", f"this service is offered as {', '.join(service.channels)}"
        )
    if language is not None and language not in service.languages:
        raise InvalidInput.field(
            "language", f"this service is offered in {', '.join(service.languages)}"
        )


async def eligible_experts(
    service: ServiceInfo,
    channel: str | None = None,
    language: str | None = None,
    expert_id: int | None = None,
) -> list[ExpertProfile]:
    """Active experts who give `service` (explicit list, else agency experts by topic).

    Filtered to those who work in `channel` and speak `language` when given; one query.
    """
    explicit = [row["expert"] for row in await _SERVICE_EXPERTS(service.id)]
    if expert_id is None:
        advisors = await active_advisors(explicit, service.agency_id)
    elif explicit and expert_id not in explicit:
        return []
    else:  # one expert asked for (every booking): read only them
        advisors = [
            expert
            for expert in await active_advisors([expert_id], service.agency_id)
            if explicit or expert.agency_id == service.agency_id
        ]
    return [
        expert
        for expert in advisors
        if (explicit or _gives(service, expert))
        and fits(expert, channel, language)
        and expert_id in (None, expert.id)
    ]


async def bookable_experts(
    service: ServiceInfo, channel: str, language: str, expert_id: int | None
) -> list[ExpertProfile]:
    """eligible_experts(), or the reason why there are none: 404 naming `expert_id` when one
    was asked for, else 422 naming `language`."""
    experts = await eligible_experts(service, channel, language, expert_id)
    if experts:
        return experts
    if expert_id is not None:
        raise NotFound(
            f"No expert {expert_id} gives this service in that channel and language.",
            [FieldError("expert_id", "unknown expert for this service")],
        )
    raise InvalidInput.field(
        "language", "no expert gives this service in that channel and language"
    )


def fits(expert: ExpertProfile, channel: str | None, language: str | None) -> bool:
    """Whether the expert works in `channel` and speaks `language` (None: any)."""
    return (channel is None or channel in expert.channels) and (
        language is None or language in expert.languages
    )


def _gives(service: ServiceInfo, expert: ExpertProfile) -> bool:
    return not service.topics or bool(set(service.topics) & set(expert.topics))


@dataclass(frozen=True, slots=True)
class NewService:
    slug: str
    agency_id: int
    name: Localized
    description: Localized
    duration_minutes: int
    buffer_before_minutes: int
    buffer_after_minutes: int
    min_notice_minutes: int
    horizon_days: int
    slot_interval_minutes: int
    channels: tuple[str, ...]
    languages: tuple[str, ...]
    topics: tuple[str, ...]
    expert_ids: tuple[int, ...]
    daily_limit: int | None
    reminder_minutes: tuple[int, ...] = DEFAULT_REMINDER_MINUTES


async def create_service(new: NewService) -> int:
    """A service and its explicit expert list, in one transaction."""
    unknown = sorted(set(new.channels) - set(CHANNELS))
    if unknown or not new.channels:
        raise InvalidInput.field("channels", f"choose from {', '.join(CHANNELS)}")
    if set(new.languages) - set(LANGUAGES):
        raise InvalidInput.field("languages", f"choose from {', '.join(LANGUAGES)}")
    async with write_transaction(Service._meta.db):
        if await Service.exists().where(Service.slug == new.slug):
            raise Conflict(f"Service {new.slug!r} exists.", [FieldError("slug", "taken")])
        if new.expert_ids and not await all_of_agency(new.expert_ids, new.agency_id):
            raise NotFound(
                "Unknown expert for this agency.", [FieldError("experts", "unknown expert")]
            )
        service = Service(
            slug=new.slug,
            agency=new.agency_id,
            name_fi=new.name.fi,
            name_sv=new.name.sv,
            name_en=new.name.en,
            description_fi=new.description.fi,
            description_sv=new.description.sv,
            description_en=new.description.en,
            duration_minutes=new.duration_minutes,
            buffer_before_minutes=new.buffer_before_minutes,
            buffer_after_minutes=new.buffer_after_minutes,
            min_notice_minutes=new.min_notice_minutes,
            horizon_days=new.horizon_days,
            slot_interval_minutes=new.slot_interval_minutes,
            reminder_minutes=sorted(set(new.reminder_minutes), reverse=True),
            channels=list(new.channels),
            languages=list(new.languages or LANGUAGES),
            topics=list(new.topics),
            daily_limit=new.daily_limit,
        )
        await service.save()
        if new.expert_ids:
            await ServiceExpert.insert(
                *(ServiceExpert(service=service.id, expert=e) for e in sorted(set(new.expert_ids)))
            )
    return int(service.id)


def new_service(data: ServiceIn, agency: int) -> NewService:
    """The request as the catalogue's NewService (the admin pages post the same Struct)."""
    description = data.description or Descriptions()
    return NewService(
        slug=data.slug,
        agency_id=agency,
        name=Localized(data.name.fi, data.name.sv, data.name.en),
        description=Localized(description.fi, description.sv, description.en),
        duration_minutes=data.duration_minutes,
        buffer_before_minutes=data.buffer_before_minutes,
        buffer_after_minutes=data.buffer_after_minutes,
        min_notice_minutes=data.min_notice_minutes,
        horizon_days=data.horizon_days,
        slot_interval_minutes=data.slot_interval_minutes,
        channels=tuple(data.channels),
        languages=tuple(data.languages or ()),
        topics=tuple(data.topics or ()),
        expert_ids=tuple(data.experts or ()),
        daily_limit=data.daily_limit,
        reminder_minutes=(
            DEFAULT_REMINDER_MINUTES
            if data.reminder_minutes is None
            else tuple(data.reminder_minutes)
        ),
    )
