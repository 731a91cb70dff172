"""Key-customer managers (avainasiakasvastaava): an agency names the expert responsible for a
company (Y-tunnus). The company's bookings of the agency's services go to them when they are
free, and its contact requests reach them (their substitute while they are away). Admins name,
edit, deactivate (an inactive key customer routes nothing) and remove them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from piccolo.columns import Column
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.fi import ytunnus

from booking.catalogue.schemas import KeyCustomerPatch
from booking.tables import KeyCustomer
from calendars.directory import check_agency_scope
from calendars.experts import ExpertStanding, expert_standing
from luukku.database import MAX_ROW_ID, write_transaction
from luukku.problems import Conflict, FieldError, InvalidInput, NotFound
from security import audit
from staff.accounts import StaffMember


@dataclass(frozen=True, slots=True)
class KeyCustomerView:
    id: int
    agency_id: int
    agency_slug: str
    business_id: str
    company: str
    expert_id: int
    expert_name: str
    active: bool


def business_id_of(text: str, field: str = "business_id") -> str:
    """A Y-tunnus in its standard form `1234567-1`, or InvalidInput naming `field`."""
    try:
        return str(ytunnus.format(ytunnus.validate(text)))
    except StdnumValidationError as exc:
        raise InvalidInput.field(field, "not a valid Y-tunnus (for example 1234567-1)") from exc


async def key_customer_manager(agency_id: int, business_id: str) -> int | None:
    """The agency's key-customer manager of the company, when it has an active one."""
    if not business_id:
        return None
    row = (
        await KeyCustomer.select(KeyCustomer.expert)
        .where(
            (KeyCustomer.agency == agency_id)
            & (KeyCustomer.business_id == business_id)
            & (KeyCustomer.active == True)  # noqa: E712
            & (KeyCustomer.expert.active == True)  # noqa: E712
        )
        .first()
    )
    return None if row is None else int(row["expert"])


async def _active_expert(expert_id: int) -> ExpertStanding:
    if not 1 <= expert_id <= MAX_ROW_ID:
        raise InvalidInput.field("expert_id", "not an active expert")
    expert = await expert_standing(expert_id)
    if expert is None or not expert.active:
        raise InvalidInput.field("expert_id", "not an active expert")
    return expert


async def name_manager(
    member: StaffMember, business_id: str, company: str, expert_id: int
) -> KeyCustomerView:
    """Make `expert_id` the manager of the company at the expert's own agency (replacing the
    previous one there); agency admins only within their agency."""
    number = business_id_of(business_id)
    expert = await _active_expert(expert_id)
    check_agency_scope(member, expert.agency_id)
    async with write_transaction(KeyCustomer._meta.db):
        await KeyCustomer.delete().where(
            (KeyCustomer.agency == expert.agency_id) & (KeyCustomer.business_id == number)
        )
        row = KeyCustomer(
            agency=expert.agency_id, business_id=number, company=company.strip(), expert=expert_id
        )
        await row.save()
        await audit.record(audit.staff_actor(member), "change", f"company:{number}", "named")
    return (await key_customers([expert.agency_id], row.id))[0]


async def key_customers(
    agency_ids: list[int] | None, only: int | None = None
) -> list[KeyCustomerView]:
    """The managers of the agencies (every agency when None), by company."""
    query = KeyCustomer.select(
        KeyCustomer.id,
        KeyCustomer.agency,
        KeyCustomer.agency.slug.as_alias("agency_slug"),
        KeyCustomer.business_id,
        KeyCustomer.company,
        KeyCustomer.expert,
        KeyCustomer.expert.name.as_alias("expert_name"),
        KeyCustomer.active,
    ).order_by(KeyCustomer.business_id)
    if agency_ids is not None:
        query = query.where(KeyCustomer.agency.is_in(agency_ids or [0]))
    if only is not None:
        query = query.where(KeyCustomer.id == only)
    return [
        KeyCustomerView(
            id=row["id"],
            agency_id=row["agency"],
            agency_slug=row["agency_slug"],
            business_id=row["business_id"],
            company=row["company"],
            expert_id=row["expert"],
            expert_name=row["expert_name"],
            active=bool(row["active"]),
        )
        for row in await query
    ]


async def key_customer(member: StaffMember, key_customer_id: int) -> KeyCustomerView:
    """A key customer of an agency the caller administers; else NotFound (another agency's
    key customers are not the caller's to know about)."""
    found = await key_customers(None, key_customer_id) if 1 <= key_customer_id <= MAX_ROW_ID else []
    if not found or not (member.has_role("admin") or member.agency_id == found[0].agency_id):
        raise NotFound(
            f"No key customer {key_customer_id}.", [FieldError("id", "unknown key customer")]
        )
    return found[0]


async def update_key_customer(
    member: StaffMember, key_customer_id: int, patch: KeyCustomerPatch
) -> KeyCustomerView:
    """Change a key customer in one transaction: its business ID and company name, its
    manager (an active expert of the same agency) and `active`."""
    current = await key_customer(member, key_customer_id)
    changes: dict[Column | str, Any] = {}
    if patch.business_id is not msgspec.UNSET:
        changes[KeyCustomer.business_id] = business_id_of(patch.business_id)
    if patch.company is not msgspec.UNSET:
        changes[KeyCustomer.company] = patch.company.strip()
    if patch.expert_id is not msgspec.UNSET and patch.expert_id != current.expert_id:
        expert = await _active_expert(patch.expert_id)
        if expert.agency_id != current.agency_id:
            raise InvalidInput.field("expert_id", "not an active expert of the agency")
        changes[KeyCustomer.expert] = patch.expert_id
    if patch.active is not msgspec.UNSET:
        changes[KeyCustomer.active] = patch.active
    number = changes.get(KeyCustomer.business_id, current.business_id)
    async with write_transaction(KeyCustomer._meta.db):
        if number != current.business_id and await KeyCustomer.exists().where(
            (KeyCustomer.agency == current.agency_id) & (KeyCustomer.business_id == number)
        ):
            raise Conflict(
                f"The agency has a key customer {number} already.",
                [FieldError("business_id", "the agency has this key customer already")],
            )
        if changes:
            await KeyCustomer.update(changes).where(KeyCustomer.id == key_customer_id)
        detail = "edited"
        if patch.active is not msgspec.UNSET and patch.active != current.active:
            detail = "reactivated" if patch.active else "retired"
        await audit.record(audit.staff_actor(member), "change", f"company:{number}", detail)
    return await key_customer(member, key_customer_id)


async def remove_manager(member: StaffMember, key_customer_id: int) -> None:
    if not 1 <= key_customer_id <= MAX_ROW_ID:
        raise NotFound(f"No key customer {key_customer_id}.")
    row = (
        await KeyCustomer.select(KeyCustomer.agency)
        .where(KeyCustomer.id == key_customer_id)
        .first()
    )
    if row is None:
        raise NotFound(f"No key customer {key_customer_id}.")
    check_agency_scope(member, row["agency"])
    await KeyCustomer.delete().where(KeyCustomer.id == key_customer_id)
