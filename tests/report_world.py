"""A fixed world for the service-quality reports, with figures worked out by hand.

Period 2026-12-21 (Mon) to 2027-01-03 (Sun): ISO weeks 2026-W52 and 2026-W53, Christmas Eve,
Christmas Day, St Stephen's Day and New Year's Day inside. Agency `city-business` has two
advisors working Mon–Fri 9–16 and three services; agency `other-agency` one of each, whose
rows a report of `city-business` must never count. Local times are Helsinki (UTC+2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

import pytest

from booking.quality.tables import ContactRequest, Feedback
from booking.tables import Booking, Service
from calendars.tables import Absence
from staff.accounts import create_staff_user
from testdata.factories import make_agency, make_expert, make_service

HELSINKI = ZoneInfo("Europe/Helsinki")
PASSWORD = "report-password-2026"
# When the report is made: Tuesday 5 January 2027, 10.00 in Helsinki.
REPORT_NOW = datetime(2027, 1, 5, 10, 0, tzinfo=HELSINKI)
PERIOD = {"start": "2026-12-21", "end": "2027-01-03"}
_references = count(1)


def local(text: str) -> datetime:
    """`2026-12-21 10:00` in Helsinki."""
    return datetime.fromisoformat(text).replace(tzinfo=HELSINKI)


@dataclass(frozen=True)
class ReportWorld:
    agency: int
    other_agency: int
    aino: int
    bertta: int
    other_expert: int


async def _booking(
    service: int,
    expert: int,
    start: str,
    minutes: int,
    channel: str,
    *,
    status: str = "confirmed",
    outcome: str = "",
    feedback: tuple[int, int] | None = None,
) -> None:
    starts_at = local(start)
    booking = Booking(
        reference=f"LK-TEST-{next(_references):04d}",
        service=service,
        expert=expert,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        channel=channel,
        language="fi",
        status=status,
        outcome=outcome,
        customer_name="Matti Meikäläinen",
        customer_email="matti@example.com",
        privacy_notice_version="2026-01",
        manage_token_hash="0" * 64,
    )
    await booking.save()
    if feedback is not None:
        needs_met, communication = feedback
        await Feedback(
            booking=booking.id,
            needs_met=needs_met,
            communication=communication,
            answered_at=starts_at + timedelta(hours=2),
        ).save()


async def _contact(agency: int, created: str, due: str, answered: str | None) -> None:
    await ContactRequest(
        reference=f"CR-TEST-{next(_references):04d}",
        agency=agency,
        question="Miten haen starttirahaa?",
        channel="email",
        language="fi",
        customer_name="Maija Meikäläinen",
        customer_email="maija@example.com",
        created_at=local(created),
        due_at=local(due),
        escalate_at=local(due),
        answered_at=local(answered) if answered else None,
        status="answered" if answered else "open",
    ).save()


async def _name(service: int, fi: str, sv: str, en: str) -> None:
    await Service.update({Service.name_fi: fi, Service.name_sv: sv, Service.name_en: en}).where(
        Service.id == service
    )


async def make_report_world() -> ReportWorld:
    agency = await make_agency("city-business")
    other_agency = await make_agency("other-agency")
    aino = await make_expert(agency, "Aino Virtanen")
    bertta = await make_expert(agency, "Bertta Korhonen")
    other_expert = await make_expert(other_agency, "Olli Muu")
    funding = await make_service(agency, "funding-advice", duration=60)
    start_up = await make_service(agency, "start-up", duration=45, min_notice=24 * 60)
    await _name(start_up, "Yrityksen perustaminen", "Att starta företag", "Starting a company")
    # Nobody has the topic, so nothing is ever free.
    permits = await make_service(agency, "permits", topics=("permits",))
    await _name(permits, "Luvat", "Tillstånd", "Permits")
    other_service = await make_service(other_agency, "tax-advice")

    # Bertta is away all Wednesday 23.12. and Tuesday 29.12. from 12 to 20.
    await Absence.insert(
        Absence(
            expert=bertta, starts_at=local("2026-12-23 09:00"), ends_at=local("2026-12-23 16:00")
        ),
        Absence(
            expert=bertta, starts_at=local("2026-12-29 12:00"), ends_at=local("2026-12-29 20:00")
        ),
    )

    # Week 52.
    await _booking(
        funding, aino, "2026-12-21 10:00", 60, "video", outcome="completed", feedback=(5, 4)
    )
    await _booking(funding, bertta, "2026-12-22 09:00", 60, "phone", outcome="no_show")
    await _booking(start_up, aino, "2026-12-22 13:00", 45, "in_person", status="cancelled")
    await _booking(
        start_up, bertta, "2026-12-21 14:00", 45, "video", outcome="completed", feedback=(3, 5)
    )
    # Sunday 20.12. in UTC, but Monday of week 52 in Helsinki.
    await _booking(funding, aino, "2026-12-21 00:30", 60, "phone")
    # Week 53.
    await _booking(
        funding, aino, "2026-12-28 09:00", 60, "video", outcome="completed", feedback=(4, 4)
    )
    await _booking(funding, aino, "2026-12-29 10:00", 60, "phone", status="cancelled")
    await _booking(start_up, bertta, "2026-12-30 09:30", 45, "video")
    await _booking(
        funding, bertta, "2026-12-31 11:00", 60, "in_person", outcome="completed", feedback=(5, 5)
    )
    # Outside the period, and another agency's.
    await _booking(
        funding, aino, "2027-01-04 09:00", 60, "video", outcome="completed", feedback=(1, 1)
    )
    await _booking(funding, aino, "2026-12-20 23:30", 60, "video", outcome="no_show")
    await _booking(
        other_service,
        other_expert,
        "2026-12-22 10:00",
        60,
        "video",
        outcome="completed",
        feedback=(1, 1),
    )

    # Contact requests; due times are 24 working hours on 8–16 Mon–Fri, holidays closed.
    await _contact(agency, "2026-12-21 10:00", "2026-12-28 10:00", "2026-12-22 11:00")
    await _contact(agency, "2026-12-23 15:00", "2026-12-30 15:00", "2026-12-31 09:00")
    await _contact(agency, "2026-12-28 09:00", "2026-12-31 09:00", "2026-12-28 09:30")
    await _contact(agency, "2026-12-29 12:00", "2027-01-04 12:00", None)
    await _contact(agency, "2026-12-31 14:00", "2027-01-07 14:00", None)
    await _contact(agency, "2026-12-18 10:00", "2026-12-23 10:00", "2026-12-28 10:00")
    await _contact(other_agency, "2026-12-22 10:00", "2026-12-28 12:00", None)

    for email, roles, agency_id in (
        ("admin@example.fi", ["admin"], None),
        ("boss@example.fi", ["agency_admin"], agency),
        ("other-boss@example.fi", ["agency_admin"], other_agency),
    ):
        await create_staff_user(
            email=email,
            password=PASSWORD,
            name=email.split("@")[0],
            roles=roles,
            agency_id=agency_id,
        )
    await create_staff_user(
        email="aino@example.fi",
        password=PASSWORD,
        name="Aino Virtanen",
        roles=["expert"],
        agency_id=agency,
        expert_id=aino,
    )
    return ReportWorld(agency, other_agency, aino, bertta, other_expert)


@pytest.fixture
async def report_world(db: None) -> ReportWorld:
    return await make_report_world()
