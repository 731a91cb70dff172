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
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from piccolo.custom_types import Combinable
from piccolo.table import Table

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

HELSINKI = ZoneInfo("Europe/Helsinki")

Interval = tuple[time, time]
WeeklyHours = tuple[tuple[int, time, time], ...]
"""(weekday with Monday 0, start, end) in the expert's zone; several rows per weekday allowed."""

MON, TUE, WED, THU, FRI = range(5)
WEEKDAYS = (MON, TUE, WED, THU, FRI)
ALL_CHANNELS = ("in_person", "phone", "video")
REMOTE_CHANNELS = ("phone", "video")


def _t(text: str) -> time:
    return time.fromisoformat(text)


def _weekly(days: tuple[int, ...], *intervals: str) -> WeeklyHours:
    """Hours for `days`, each interval written "HH:MM-HH:MM"."""
    parsed = [tuple(map(_t, interval.split("-"))) for interval in intervals]
    return tuple((day, start, end) for day in days for start, end in parsed)


def _helsinki(text: str) -> datetime:
    """A Helsinki wall-clock time ("YYYY-MM-DD HH:MM") as an aware UTC instant."""
    local = datetime.fromisoformat(text).replace(tzinfo=HELSINKI)
    return local.astimezone(ZoneInfo("UTC"))


@dataclass(frozen=True, slots=True)
class AgencySpec:
    slug: str
    name_fi: str
    name_sv: str
    name_en: str
    business_services_email: str | None = None


@dataclass(frozen=True, slots=True)
class OverrideSpec:
    day: date
    start: time | None
    end: time | None


@dataclass(frozen=True, slots=True)
class AbsenceSpec:
    starts_at: datetime
    ends_at: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class ExpertSpec:
    agency: str
    name: str
    email: str
    title: str
    location: str
    languages: tuple[str, ...]
    channels: tuple[str, ...]
    topics: tuple[str, ...]
    hours: WeeklyHours
    overrides: tuple[OverrideSpec, ...] = ()
    absences: tuple[AbsenceSpec, ...] = ()
    kind: str = "advisor"
    """`advisor`, or `interpreter` (remote interpreter for joint sessions)."""


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    agency: str
    slug: str
    name_fi: str
    name_sv: str
    name_en: str
    description_fi: str
    description_sv: str
    description_en: str
    duration_minutes: int
    channels: tuple[str, ...]
    languages: tuple[str, ...]
    topics: tuple[str, ...]
    buffer_before_minutes: int = 0
    buffer_after_minutes: int = 0
    min_notice_minutes: int = 120
    horizon_days: int = 60
    slot_interval_minutes: int = 30
    daily_limit: int | None = None
    experts: tuple[str, ...] = ()
    """Emails of explicitly eligible experts (ServiceExpert rows); topics are then ignored."""


@dataclass(frozen=True, slots=True)
class ServicePointSpec:
    slug: str
    name_fi: str
    name_sv: str
    name_en: str
    address: str
    timezone: str
    rooms: tuple[tuple[str, str], ...]
    """(slug, name) of rooms with video equipment."""
    hours: WeeklyHours


CITY = "city-business"
CITY_OFFICE = "Kauppakatu 1, 2. krs"
REMOTE = "etäpalvelu"
INTERPRETING = "interpreting"

AGENCIES: tuple[AgencySpec, ...] = (
    AgencySpec(
        CITY,
        "Kaupungin elinkeinopalvelut",
        "Stadens näringslivstjänster",
        "City Business Services",
        business_services_email="yrityspalvelut@example.fi",
    ),
    AgencySpec("kela", "Kela", "FPA", "Kela – Social Insurance Institution of Finland"),
    AgencySpec("vero", "Verohallinto", "Skatteförvaltningen", "Finnish Tax Administration"),
    AgencySpec("te-services", "TE-palvelut", "TE-tjänster", "TE Services"),
    AgencySpec(INTERPRETING, "Tulkkauspalvelut", "Tolkningstjänster", "Interpreting Services"),
)

EXPERTS: tuple[ExpertSpec, ...] = (
    ExpertSpec(
        CITY,
        "Aino Virtanen",
        "aino.virtanen@example.fi",
        "Elinkeinoasiantuntija",
        CITY_OFFICE,
        ("fi", "sv", "en"),
        ALL_CHANNELS,
        ("starting", "funding", "internationalisation"),
        _weekly(WEEKDAYS, "08:30-11:30", "12:00-16:00"),
    ),
    ExpertSpec(
        CITY,
        "Mikko Korhonen",
        "mikko.korhonen@example.fi",
        "Yritysneuvoja",
        CITY_OFFICE,
        ("fi", "en"),
        ALL_CHANNELS,
        ("funding", "starting", "recruiting"),
        _weekly((MON, TUE, WED, THU), "09:00-15:00") + _weekly((FRI,), "09:00-13:00"),
    ),
    ExpertSpec(
        CITY,
        "Laura Mäkinen",
        "laura.makinen@example.fi",
        "Elinkeinoasiantuntija",
        CITY_OFFICE,
        ("fi", "sv", "en"),
        ALL_CHANNELS,
        ("permits", "premises"),
        _weekly(WEEKDAYS, "08:00-11:00", "11:30-15:30"),
        overrides=(OverrideSpec(date(2026, 12, 9), _t("12:00"), _t("16:00")),),
    ),
    ExpertSpec(
        CITY,
        "Juha Nieminen",
        "juha.nieminen@example.fi",
        "Tontti- ja toimitila-asiantuntija",
        CITY_OFFICE,
        ("fi",),
        ("in_person", "phone"),
        ("premises", "permits", "starting"),
        _weekly(WEEKDAYS, "08:00-12:00", "12:30-15:30"),
    ),
    ExpertSpec(
        CITY,
        "Sanna Heikkinen",
        "sanna.heikkinen@example.fi",
        "Rekrytointiasiantuntija",
        CITY_OFFICE,
        ("fi", "sv", "en"),
        ALL_CHANNELS,
        ("recruiting", "starting"),
        _weekly(WEEKDAYS, "09:00-12:00", "12:30-16:00"),
        absences=(
            AbsenceSpec(_helsinki("2026-12-14 09:00"), _helsinki("2026-12-18 16:00"), "Vuosiloma"),
        ),
    ),
    ExpertSpec(
        CITY,
        "Petri Laine",
        "petri.laine@example.fi",
        "Kansainvälistymisasiantuntija",
        CITY_OFFICE,
        ("fi", "en"),
        REMOTE_CHANNELS,
        ("internationalisation", "funding"),
        _weekly((TUE, WED, THU), "09:00-12:00", "12:30-15:00"),
    ),
    ExpertSpec(
        "kela",
        "Riikka Salonen",
        "riikka.salonen@example.fi",
        "Etuusasiantuntija",
        REMOTE,
        ("fi", "sv"),
        REMOTE_CHANNELS,
        ("social-security", "entrepreneur-benefits"),
        _weekly(WEEKDAYS, "08:00-11:30", "12:00-16:00"),
    ),
    ExpertSpec(
        "kela",
        "Timo Hämäläinen",
        "timo.hamalainen@example.fi",
        "Etuusasiantuntija",
        REMOTE,
        ("fi", "en"),
        REMOTE_CHANNELS,
        ("entrepreneur-benefits",),
        _weekly(WEEKDAYS, "09:00-12:00", "12:30-15:30"),
    ),
    ExpertSpec(
        "vero",
        "Kirsi Järvinen",
        "kirsi.jarvinen@example.fi",
        "Veroasiantuntija",
        REMOTE,
        ("fi", "sv", "en"),
        REMOTE_CHANNELS,
        ("taxation", "vat", "prepayment"),
        _weekly(WEEKDAYS, "08:00-11:00", "11:30-15:30"),
    ),
    ExpertSpec(
        "vero",
        "Antti Lehtonen",
        "antti.lehtonen@example.fi",
        "Veroasiantuntija",
        REMOTE,
        ("fi", "en"),
        REMOTE_CHANNELS,
        ("taxation", "vat"),
        _weekly(WEEKDAYS, "09:00-12:00", "12:30-16:00"),
    ),
    ExpertSpec(
        "te-services",
        "Hanna Koskinen",
        "hanna.koskinen@example.fi",
        "Yrityspalveluasiantuntija",
        "Asemakatu 5, TE-toimisto",
        ("fi", "sv", "en"),
        REMOTE_CHANNELS,
        ("startup-grant", "employment"),
        _weekly(WEEKDAYS, "08:15-11:30", "12:00-16:00"),
    ),
    ExpertSpec(
        "te-services",
        "Ville Rantanen",
        "ville.rantanen@example.fi",
        "Työnantajapalveluiden asiantuntija",
        "Asemakatu 5, TE-toimisto",
        ("fi", "en"),
        REMOTE_CHANNELS,
        ("recruiting", "employment", "startup-grant"),
        _weekly(WEEKDAYS, "09:00-12:00", "12:30-15:30"),
    ),
    ExpertSpec(
        INTERPRETING,
        "Amira Hassan",
        "amira.hassan@example.fi",
        "Asioimistulkki (arabia, somali)",
        REMOTE,
        ("ar", "so", "fi"),
        ("video",),
        (),
        _weekly(WEEKDAYS, "08:00-16:00"),
        kind="interpreter",
    ),
    ExpertSpec(
        INTERPRETING,
        "Sanna Lehto",
        "sanna.lehto@example.fi",
        "Viittomakielen ja venäjän tulkki",
        REMOTE,
        ("fse", "ru", "fi"),
        ("video",),
        (),
        _weekly((MON, TUE, WED, THU), "09:00-15:00"),
        kind="interpreter",
    ),
)

SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec(
        CITY,
        "funding-advice",
        "Rahoitusneuvonta",
        "Finansieringsrådgivning",
        "Funding advice",
        "Käymme läpi yrityksesi rahoitustarpeen ja sopivat rahoitusvaihtoehdot, kuten pankkilainan,"
        " Finnveran takauksen ja avustukset. Ota mukaan liiketoimintasuunnitelma, jos sinulla on"
        " sellainen.",
        "Vi går igenom ditt företags finansieringsbehov och lämpliga alternativ, till exempel"
        " banklån, Finnveras borgen och understöd. Ta gärna med din affärsplan om du har en.",
        "We go through your company's funding needs and suitable options such as bank loans,"
        " Finnvera guarantees and grants. Bring your business plan if you have one.",
        duration_minutes=45,
        buffer_after_minutes=10,
        min_notice_minutes=1440,
        channels=ALL_CHANNELS,
        languages=("fi", "sv", "en"),
        topics=("funding",),
    ),
    ServiceSpec(
        CITY,
        "starting-a-business",
        "Yrityksen perustaminen",
        "Att starta företag",
        "Starting a business",
        "Maksuton neuvonta yritystoimintaa suunnittelevalle: yritysmuodon valinta, kannattavuus,"
        " rekisteröityminen ja liiketoimintasuunnitelma.",
        "Kostnadsfri rådgivning för dig som planerar att starta företag: val av företagsform,"
        " lönsamhet, registrering och affärsplan.",
        "Free advice if you are planning to start a business: choosing a business form,"
        " profitability, registration and your business plan.",
        duration_minutes=60,
        buffer_after_minutes=10,
        min_notice_minutes=1440,
        channels=ALL_CHANNELS,
        languages=("fi", "sv", "en"),
        topics=("starting",),
    ),
    ServiceSpec(
        CITY,
        "permits-and-premises",
        "Luvat ja toimitilat",
        "Tillstånd och lokaler",
        "Permits and premises",
        "Autamme selvittämään, mitä lupia ja ilmoituksia yritystoimintasi vaatii, ja löytämään"
        " sopivan toimitilan tai tontin. Tarvittaessa kutsumme mukaan rakennusvalvonnan tai"
        " ympäristönsuojelun asiantuntijan.",
        "Vi hjälper dig att reda ut vilka tillstånd och anmälningar din verksamhet kräver och att"
        " hitta en lämplig lokal eller tomt. Vid behov bjuder vi in sakkunniga från"
        " byggnadstillsynen eller miljövården.",
        "We help you find out which permits and notifications your business needs and find"
        " suitable premises or a plot. When needed, we bring in an expert from building control"
        " or environmental protection.",
        duration_minutes=45,
        buffer_after_minutes=10,
        min_notice_minutes=1440,
        channels=ALL_CHANNELS,
        languages=("fi", "sv", "en"),
        topics=("permits", "premises"),
    ),
    ServiceSpec(
        CITY,
        "recruiting-help",
        "Rekrytointiapu",
        "Hjälp med rekrytering",
        "Recruiting help",
        "Neuvoja ensimmäisen työntekijän palkkaamiseen, työnantajan velvollisuuksiin ja"
        " rekrytoinnin tukiin, kuten palkkatukeen.",
        "Råd om att anställa din första medarbetare, arbetsgivarens skyldigheter och stöd för"
        " rekrytering, till exempel lönesubvention.",
        "Advice on hiring your first employee, an employer's obligations and recruitment"
        " support such as pay subsidy.",
        duration_minutes=30,
        buffer_after_minutes=10,
        min_notice_minutes=240,
        slot_interval_minutes=15,
        channels=ALL_CHANNELS,
        languages=("fi", "sv", "en"),
        topics=("recruiting",),
        daily_limit=3,
    ),
    ServiceSpec(
        CITY,
        "internationalisation-advice",
        "Kansainvälistymisneuvonta",
        "Rådgivning om internationalisering",
        "Internationalisation advice",
        "Suunnitteletko vientiä tai toimintaa ulkomailla? Käymme läpi markkinat, rahoituksen ja"
        " Team Finland -verkoston palvelut.",
        "Planerar du export eller verksamhet utomlands? Vi går igenom marknaderna, finansieringen"
        " och tjänsterna inom Team Finland-nätverket.",
        "Planning to export or operate abroad? We go through markets, funding and the services"
        " of the Team Finland network.",
        duration_minutes=60,
        buffer_after_minutes=10,
        min_notice_minutes=1440,
        channels=REMOTE_CHANNELS,
        languages=("fi", "sv", "en"),
        topics=(),
        experts=("petri.laine@example.fi", "aino.virtanen@example.fi"),
    ),
    ServiceSpec(
        "kela",
        "entrepreneur-social-security",
        "Yrittäjän sosiaaliturva",
        "Företagarens sociala trygghet",
        "Social security for entrepreneurs",
        "Kelan asiantuntija kertoo, miten YEL-työtulo vaikuttaa yrittäjän sairaus- ja"
        " vanhempainpäivärahaan ja mitä etuuksia voit saada yritystoiminnan alkaessa.",
        "FPA:s sakkunnig berättar hur FöPL-arbetsinkomsten påverkar företagarens sjuk- och"
        " föräldradagpenning och vilka förmåner du kan få när verksamheten kommer i gång.",
        "A Kela expert explains how your YEL earned income affects an entrepreneur's sickness and"
        " parental allowances, and which benefits you can get when your business starts.",
        duration_minutes=30,
        buffer_after_minutes=5,
        min_notice_minutes=120,
        slot_interval_minutes=15,
        channels=REMOTE_CHANNELS,
        languages=("fi", "sv", "en"),
        topics=("social-security", "entrepreneur-benefits"),
    ),
    ServiceSpec(
        "vero",
        "tax-advice-for-entrepreneurs",
        "Yrittäjän veroneuvonta",
        "Skatterådgivning för företagare",
        "Tax advice for entrepreneurs",
        "Verohallinnon asiantuntija neuvoo ennakkoperintärekisteriin ja arvonlisäverovelvollisten"
        " rekisteriin liittymisessä sekä ennakkoveron arvioimisessa.",
        "Skatteförvaltningens sakkunnig ger råd om registrering i förskottsuppbördsregistret och"
        " momsregistret samt om hur du uppskattar din förskottsskatt.",
        "A Tax Administration expert advises on registering for prepayment and VAT and on"
        " estimating your prepayment tax.",
        duration_minutes=30,
        buffer_after_minutes=5,
        min_notice_minutes=120,
        slot_interval_minutes=15,
        channels=REMOTE_CHANNELS,
        languages=("fi", "sv", "en"),
        topics=("taxation", "vat", "prepayment"),
    ),
    ServiceSpec(
        "te-services",
        "startup-grant",
        "Starttiraha",
        "Startpeng",
        "Start-up grant",
        "Starttiraha turvaa toimeentulosi yritystoiminnan käynnistyessä. Käymme läpi"
        " myöntämisedellytykset, liiketoimintasuunnitelman ja hakemuksen liitteet.",
        "Startpengen tryggar din utkomst medan företaget kommer i gång. Vi går igenom villkoren,"
        " affärsplanen och bilagorna till ansökan.",
        "The start-up grant secures your income while your business gets going. We go through"
        " the eligibility criteria, your business plan and the attachments to the application.",
        duration_minutes=45,
        buffer_after_minutes=10,
        min_notice_minutes=1440,
        channels=REMOTE_CHANNELS,
        languages=("fi", "sv", "en"),
        topics=("startup-grant",),
    ),
)

SERVICE_POINT = ServicePointSpec(
    slug="kirkonkyla-yhteispalvelupiste",
    name_fi="Kirkonkylän yhteispalvelupiste",
    name_sv="Kyrkbyns samservicekontor",
    name_en="Kirkonkylä Joint Service Point",
    address="Kunnantalontie 2, 12345 Kirkonkylä",
    timezone="Europe/Helsinki",
    rooms=(("room-1", "Etäpalveluhuone 1"), ("room-2", "Etäpalveluhuone 2")),
    hours=_weekly(WEEKDAYS, "09:00-16:00"),
)


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


DEMO_COMPANY = ("2617416-4", "Meikäläinen Oy")
"""A key customer of the city's business services, managed by Mikko Korhonen: book or ask
with this Y-tunnus to see the routing."""


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
