"""Who the provider's person is in Luukku: the staff login linked to their `sub`, or, at the
first sign-in, the one with their verified email. Roles and agency come from Luukku's records;
with OIDC_ROLE_CLAIM and OIDC_ROLE_MAP the mapped roles follow the provider's groups."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from luukku.database import write_transaction
from luukku.settings import Settings
from security import audit
from staff.accounts import ROLES, StaffMember, staff_member
from staff.tables import StaffUser

SIGN_IN_SUBJECT = "staff-sign-in"


class SignInRefused(Exception):
    """The provider's answer does not sign anyone in; `reason` says why (and is audited)."""

    def __init__(self, reason: str, detail: str = "", email: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.email = email


@dataclass(frozen=True, slots=True)
class Person:
    """The provider's word about who signed in."""

    subject: str
    email: str
    email_verified: bool
    groups: tuple[str, ...]


def person_from(claims: Mapping[str, Any], settings: Settings) -> Person:
    email = claims.get("email")
    verified = claims.get(settings.oidc_email_verified_claim)
    return Person(
        subject=str(claims["sub"]),
        email=email.strip().lower() if isinstance(email, str) else "",
        email_verified=verified is True or verified == "true",
        groups=_groups(claims.get(settings.oidc_role_claim)) if settings.oidc_role_claim else (),
    )


def _groups(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(value.replace(",", " ").split())
    if isinstance(value, list):
        return tuple(str(item) for item in value)
    return ()


def check_role_map(settings: Settings) -> None:
    """Refuses, at start-up, a mapping to a role Luukku does not have."""
    unknown = sorted({role for _, role in settings.oidc_role_map} - set(ROLES))
    if unknown:
        raise ValueError(f"OIDC_ROLE_MAP names unknown roles {unknown}; use {', '.join(ROLES)}")


def mapped_roles(
    current: Sequence[str], groups: Iterable[str], mapping: Sequence[tuple[str, str]]
) -> list[str]:
    """`current` with each mapped role held exactly when one of its groups is held; roles the
    mapping never names stay as Luukku's records have them."""
    managed = {role for _, role in mapping}
    held = set(groups)
    granted = [role for group, role in mapping if group in held]
    kept = [role for role in current if role not in managed]
    return kept + [role for role in dict.fromkeys(granted) if role not in kept]


async def refuse(reason: str, person: Person | None, detail: str = "") -> SignInRefused:
    """The refusal, recorded in the audit log first."""
    actor = f"oidc:{person.subject}" if person else "oidc:unknown"
    email = person.email if person else ""
    await audit.record(
        actor, "sign-in-refused", SIGN_IN_SUBJECT, f"{reason} {email} {detail}".strip()
    )
    return SignInRefused(reason, detail, email)


async def staff_member_for(person: Person, settings: Settings) -> StaffMember:
    """The active staff login of `person`, linked to their subject from now on."""
    row = await StaffUser.select().where(StaffUser.oidc_subject == person.subject).first()
    if row is None:
        if not person.email:
            raise await refuse("unknown-person", person, "no email claim")
        if not person.email_verified:
            raise await refuse("email-unverified", person)
        row = await StaffUser.select().where(StaffUser.email == person.email).first()
        if row is None or row["oidc_subject"] not in (None, person.subject):
            raise await refuse("unknown-person", person)
    if not row["active"]:
        raise await refuse("retired", person, f"staff:{row['id']}")
    roles = row["roles"]
    if settings.oidc_role_claim and settings.oidc_role_map:
        roles = mapped_roles(row["roles"], person.groups, settings.oidc_role_map)
    if roles != row["roles"] or row["oidc_subject"] is None:
        changes = [] if row["oidc_subject"] else [f"linked to OIDC subject {person.subject}"]
        if roles != row["roles"]:
            changes.append(f"roles {','.join(row['roles'])} -> {','.join(roles)} from groups")
        async with write_transaction(StaffUser._meta.db):
            await StaffUser.update(
                {StaffUser.oidc_subject: person.subject, StaffUser.roles: roles}
            ).where(StaffUser.id == row["id"])
            await audit.record(
                f"oidc:{person.subject}", "change", f"staff:{row['id']}", "; ".join(changes)
            )
    member = await staff_member(int(row["id"]))
    assert member is not None  # active, checked above
    return member
