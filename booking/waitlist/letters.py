"""The waitlist's letters to the customer: joined (with the line's link) and an offer (with its
one-time link), in the customer's language. Times are written the Finnish way (`10.00`,
Europe/Helsinki) in every language; the links go sealed into the outbox."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from booking.catalogue.services import ServiceInfo
from luukku.sealing import Sealer
from luukku.settings import Settings
from notifications.letters import Letter, record_letter
from notifications.outbox import Person
from notifications.texts import greeting, text
from privacy.data_requests import LINK_SEAL

HELSINKI = ZoneInfo("Europe/Helsinki")


def clock_time(instant: datetime) -> str:
    """`10.42`: the time of day in Helsinki, as Finns write it."""
    return instant.astimezone(HELSINKI).strftime("%H.%M")


def day_text(day: date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def when_text(instant: datetime) -> str:
    """`24.11.2026 10.00` in Helsinki."""
    return f"{day_text(instant.astimezone(HELSINKI).date())} {clock_time(instant)}"


def status_link(settings: Settings, reference: str, token: str) -> str:
    return f"{settings.public_base_url}/waitlist/{reference}?token={token}"


def offer_link(settings: Settings, offer_token: str) -> str:
    return f"{settings.public_base_url}/waitlist/offers/{offer_token}"


def _signature(service: ServiceInfo, language: str) -> str:
    return text(language, "closing", agency=service.agency_name.get(language))


async def joined_letter(
    reference: str,
    customer: Person,
    window: tuple[date, date],
    token: str,
    service: ServiceInfo,
    settings: Settings,
    now: datetime,
) -> None:
    """Inside the joining transaction: the confirmation with the link to see or leave."""
    language = customer.language
    name = service.name.get(language)
    days = f"{day_text(window[0])}–{day_text(window[1])}"
    letter = Letter(
        subject=text(language, "waitlist_joined.subject", service=name),
        paragraphs=(
            greeting(language, customer.name),
            text(language, "waitlist_joined.intro", service=name, window=days),
        ),
        facts=((text(language, "label.waitlist_reference"), reference),),
        link=Sealer.from_settings(LINK_SEAL, settings).seal(
            status_link(settings, reference, token)
        ),
        link_text=text(language, "waitlist_joined.link"),
        signature=_signature(service, language),
    )
    await record_letter(
        f"waitlist_joined:{reference}:customer", "waitlist_joined", reference, customer, letter, now
    )


async def offer_letter(
    entry: dict[str, object],
    offer: tuple[datetime, datetime, str],
    service: ServiceInfo,
    settings: Settings,
    now: datetime,
) -> bool:
    """Inside the offer's transaction: the offer with its one-time link. The key names the
    entry and the time, so one waiter never gets two letters for one time."""
    start, expires_at, offer_token = offer
    language = str(entry["customer_language"])
    name = service.name.get(language)
    letter = Letter(
        subject=text(language, "waitlist_offer.subject", service=name, when=when_text(start)),
        paragraphs=(
            text(language, "greeting", name=str(entry["customer_name"])),
            text(
                language,
                "waitlist_offer.intro",
                service=name,
                when=when_text(start),
                until=clock_time(expires_at),
            ),
        ),
        facts=((text(language, "label.waitlist_reference"), str(entry["reference"])),),
        link=Sealer.from_settings(LINK_SEAL, settings).seal(offer_link(settings, offer_token)),
        link_text=text(language, "waitlist_offer.link"),
        signature=_signature(service, language),
    )
    return await record_letter(
        f"waitlist_offer:{entry['reference']}:{int(start.timestamp())}",
        "waitlist_offer",
        str(entry["reference"]),
        Person(str(entry["customer_name"]), str(entry["customer_email"]), language),
        letter,
        now,
    )
