"""The city's business services in copy: per agency a mailbox (`business_services_email`)
that receives a copy (Cc) of every message to staff about a company's matter (a customer with
a business ID), in the agency's working language; private persons' matters never."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from calendars.tables import Agency
from luukku.compiled_queries import CompiledQuery
from luukku.database import write_transaction
from luukku.problems import InvalidInput, NotFound


@dataclass(frozen=True, slots=True)
class BusinessCopy:
    mailbox: str
    language: str
    """The agency's working language: the copied staff message is written in it."""


# Compiled once (luukku/compiled_queries.py): every company booking's change asks.
_MAILBOXES = CompiledQuery(
    Agency,
    lambda ids: Agency.select(Agency.id, Agency.business_services_email, Agency.language).where(
        Agency.id.is_in(ids)
    ),
)


async def business_copies(agency_ids: Iterable[int], business_id: str) -> dict[int, BusinessCopy]:
    """For a company's matter (`business_id` set), each of these agencies' business-services
    mailbox, where it has one; nothing for a private person's."""
    if not business_id.strip():
        return {}
    rows = await _MAILBOXES(sorted(set(agency_ids)) or [0])
    return {
        row["id"]: BusinessCopy(row["business_services_email"], row["language"] or "fi")
        for row in rows
        if row["business_services_email"]
    }


async def set_business_services_email(agency_slug: str, email: str | None) -> str | None:
    """Set (or with None or "" clear) the agency's business-services mailbox; answers it as
    stored. For the agencies' admin page and `PATCH /api/v1/admin/agencies/{slug}`."""
    stored: str | None = None
    if email and email.strip():
        try:
            stored = validate_email(email.strip(), check_deliverability=False).normalized
        except EmailNotValidError as error:
            raise InvalidInput.field("business_services_email", str(error)) from error
    async with write_transaction(Agency._meta.db):
        updated = (
            await Agency.update({Agency.business_services_email: stored})
            .where(Agency.slug == agency_slug)
            .returning(Agency.id)
        )
        if not updated:
            raise NotFound(f"No agency {agency_slug!r}.")
    return stored


async def business_mailboxes(agency_ids: Iterable[int]) -> dict[int, str]:
    """Each of these agencies' business-services mailbox ("" where none is set)."""
    rows = await Agency.select(Agency.id, Agency.business_services_email).where(
        Agency.id.is_in(sorted(set(agency_ids)) or [0])
    )
    return {row["id"]: row["business_services_email"] or "" for row in rows}
