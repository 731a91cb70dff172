"""Tables of the calendars domain: agencies, experts, their hours and absences, service points."""

from __future__ import annotations

from piccolo.columns import (
    Array,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Time,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table


class Agency(Table):
    """An authority whose experts take bookings: the city's business services, Kela, Vero..."""

    id: Serial  # added by Piccolo; declared for the type checker

    slug = Varchar(length=64, unique=True, index=True)
    name_fi = Varchar(length=200)
    name_sv = Varchar(length=200)
    name_en = Varchar(length=200)
    observe_holidays = Boolean(default=True)
    """Finnish public holidays close every expert's calendar unless the agency opts out."""
    business_services_email = Varchar(length=254, null=True, default=None)


class Expert(Table):
    """A bookable member of an agency's staff (asiantuntija)."""

    id: Serial  # added by Piccolo; declared for the type checker

    agency = ForeignKey(Agency, on_delete=OnDelete.restrict, index=True)
    name = Varchar(length=200)
    email = Varchar(length=254, unique=True)
    title = Varchar(length=200, default="")
    location = Varchar(length=200, default="")
    timezone = Varchar(length=64, default="Europe/Helsinki")
    languages = Array(Varchar(length=8))
    channels = Array(Varchar(length=16))
    topics = Array(Varchar(length=64))
    active = Boolean(default=True)
    feed_shows_customer = Varchar(length=16, default="first_name")
    """How much of the customer a feed shows: `none`, `first_name` (and company), `full`."""
    kind = Varchar(length=16, default="advisor", index=True)
    """`advisor`, or `interpreter`: a remote interpreter (tulkki) booked into joint sessions for
    the languages in `languages` (e.g. `ar`, `so`, `ru`, `fse` for Finnish Sign Language), never
    into ordinary services."""


class WorkingHours(Table):
    """A weekly wall-clock interval in the expert's zone; several rows per weekday allowed."""

    id: Serial  # added by Piccolo; declared for the type checker

    expert = ForeignKey(Expert, on_delete=OnDelete.cascade, index=True)
    weekday = Integer()  # Monday 0
    start_time = Time()
    end_time = Time()


class DateOverride(Table):
    """Hours that replace the weekly ones on one local date; a row without times closes it."""

    id: Serial  # added by Piccolo; declared for the type checker

    expert = ForeignKey(Expert, on_delete=OnDelete.cascade, index=True)
    date = Date()
    start_time = Time(null=True, default=None)
    end_time = Time(null=True, default=None)


class Absence(Table):
    """Time an expert is away (leave, training); UTC instants."""

    id: Serial  # added by Piccolo; declared for the type checker

    expert = ForeignKey(Expert, on_delete=OnDelete.cascade, index=True)
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    reason = Varchar(length=200, default="")
    substitute = ForeignKey(
        Expert, on_delete=OnDelete.set_null, null=True, default=None, index=True
    )
    """Who takes the bookings that would go to the absent expert."""


class ServicePoint(Table):
    """A joint service point (yhteispalvelupiste) where customers meet experts over video."""

    id: Serial  # added by Piccolo; declared for the type checker

    slug = Varchar(length=64, unique=True, index=True)
    name_fi = Varchar(length=200)
    name_sv = Varchar(length=200)
    name_en = Varchar(length=200)
    address = Varchar(length=300, default="")
    timezone = Varchar(length=64, default="Europe/Helsinki")


class Room(Table):
    """A room of a service point, reservable like an expert's time."""

    id: Serial  # added by Piccolo; declared for the type checker

    service_point = ForeignKey(ServicePoint, on_delete=OnDelete.cascade, index=True)
    slug = Varchar(length=64)
    name = Varchar(length=200)
    has_video = Boolean(default=True)


class ServicePointHours(Table):
    """Weekly opening hours of a service point."""

    id: Serial  # added by Piccolo; declared for the type checker

    service_point = ForeignKey(ServicePoint, on_delete=OnDelete.cascade, index=True)
    weekday = Integer()
    start_time = Time()
    end_time = Time()


class AgencyHours(Table):
    """Weekly service hours of an agency: the working hours in which contact requests are
    answered (24 working hours). An agency without rows keeps Monday to Friday 8–16."""

    id: Serial  # added by Piccolo; declared for the type checker

    agency = ForeignKey(Agency, on_delete=OnDelete.cascade, index=True)
    weekday = Integer()  # Monday 0
    start_time = Time()
    end_time = Time()


class ExternalCalendar(Table):
    """An expert's own calendar whose busy times block bookings: an ICS URL or CalDAV."""

    id: Serial  # added by Piccolo; declared for the type checker

    expert = ForeignKey(Expert, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=8)  # "ics" or "caldav"
    url = Varchar(length=2000)
    username = Varchar(length=200, default="")
    password = Varchar(length=200, default="")
    """Sealed with a key derived from SECRET_KEY (`fernet:…`, see calendars/credentials.py).
    The column is TEXT in PostgreSQL (migration 2026-11-26T15:10:49): a sealed value is longer
    than 200 characters; declared unchanged here so the auto-migrations (which cannot alter a
    column on SQLite) see no difference."""
    last_attempt_at = Timestamptz(null=True, default=None)
    last_success_at = Timestamptz(null=True, default=None)
    last_error = Varchar(length=500, default="")
    last_error_at = Timestamptz(null=True, default=None)
    write_bookings = Boolean(default=False)
    """Whether Luukku writes the expert's bookings into this (CalDAV) calendar."""


class ExternalBusy(Table):
    """A busy interval read from an external calendar at its last good sync; UTC."""

    id: Serial  # added by Piccolo; declared for the type checker

    calendar = ForeignKey(ExternalCalendar, on_delete=OnDelete.cascade, index=True)
    expert = ForeignKey(Expert, on_delete=OnDelete.cascade, index=True)
    starts_at = Timestamptz()
    ends_at = Timestamptz()


TABLES: tuple[type[Table], ...] = (
    Agency,
    Expert,
    WorkingHours,
    DateOverride,
    Absence,
    ServicePoint,
    Room,
    ServicePointHours,
    AgencyHours,
    ExternalCalendar,
    ExternalBusy,
)
