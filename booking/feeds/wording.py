"""The words of an expert's or an agency's booking feed in fi, sv and en, and how much of the
customer an event shows (the expert's privacy level)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class FeedWording:
    """A feed's fixed texts in one language."""

    service: str
    channel: str
    expert: str
    customer: str
    business_id: str
    email: str
    phone: str
    video: str
    booking: str
    cancelled: str
    channels: dict[str, str]


FEED_WORDING = {
    "fi": FeedWording(
        service="Palvelu",
        channel="Kanava",
        expert="Asiantuntija",
        customer="Asiakas",
        business_id="Y-tunnus",
        email="Sähköposti",
        phone="Puhelin",
        video="Videoyhteys",
        booking="Varaus",
        cancelled="PERUTTU",
        channels={"in_person": "Käynti", "phone": "Puhelin", "video": "Video"},
    ),
    "sv": FeedWording(
        service="Tjänst",
        channel="Kanal",
        expert="Expert",
        customer="Kund",
        business_id="FO-nummer",
        email="E-post",
        phone="Telefon",
        video="Videolänk",
        booking="Bokning",
        cancelled="INSTÄLLD",
        channels={"in_person": "Besök", "phone": "Telefon", "video": "Video"},
    ),
    "en": FeedWording(
        service="Service",
        channel="Channel",
        expert="Expert",
        customer="Customer",
        business_id="Business ID",
        email="Email",
        phone="Phone",
        video="Video link",
        booking="Booking",
        cancelled="CANCELLED",
        channels={"in_person": "In person", "phone": "Phone", "video": "Video"},
    ),
}


def customer_shown(
    row: dict[str, Any], privacy: str, wording: FeedWording
) -> tuple[str, list[str]]:
    """The customer as far as the expert's privacy level allows: a short label for the title
    and lines for the description."""
    name: str = row["customer_name"]
    company: str = row["customer_company"]
    if privacy == "first_name":
        first = name.split(maxsplit=1)[0] if name.split() else ""
        label = f"{first} ({company})" if company else first
        return label, [f"{wording.customer}: {label}"] if label else []
    if privacy == "full":
        label = f"{name} ({company})" if company else name
        lines = [f"{wording.customer}: {label}"]
        if row["customer_business_id"]:
            lines.append(f"{wording.business_id}: {row['customer_business_id']}")
        lines.append(f"{wording.email}: {row['customer_email']}")
        if row["customer_phone"]:
            lines.append(f"{wording.phone}: {row['customer_phone']}")
        return label, lines
    return "", []
