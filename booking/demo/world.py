"""The demo world as data: four agencies, their experts with hours and absences, their
services, and a joint service point with its rooms (seeded by booking.demo.seed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

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


DEMO_COMPANY = ("2617416-4", "Meikäläinen Oy")
"""A key customer of the city's business services, managed by Mikko Korhonen: book or ask
with this Y-tunnus to see the routing."""
