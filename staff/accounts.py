"""Staff accounts: creating users, password hashing (argon2) and checking a login."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from litestar.security.jwt import Token
from pwdlib import PasswordHash

from luukku.compiled_queries import CompiledQuery
from luukku.problems import FieldError, InvalidInput, NotAuthenticated
from staff.tables import RevokedToken, StaffUser

ROLES = ("admin", "agency_admin", "expert", "service_point_clerk")


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return PasswordHash.recommended()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Verified against when the email is unknown, so both failures cost the same time.
    return _hasher().hash("not a password of anyone")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


@dataclass(frozen=True, slots=True)
class StaffMember:
    """Who is signed in: what guards and isolation filters look at."""

    id: int
    email: str
    name: str
    roles: tuple[str, ...]
    agency_id: int | None
    expert_id: int | None
    service_point_id: int | None
    language: str
    session_stamp: str = ""
    """Changes with the password: a token carrying an older stamp no longer signs in."""

    def has_role(self, *roles: str) -> bool:
        return bool(set(roles) & set(self.roles))


def _member(row: dict[str, Any]) -> StaffMember:
    return StaffMember(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        roles=tuple(row["roles"]),
        agency_id=row["agency"],
        expert_id=row["expert"],
        service_point_id=row["service_point"],
        language=row["language"],
        session_stamp=session_stamp(row["password_hash"]),
    )


def session_stamp(password_hash: str) -> str:
    """A public digest of the password hash, carried in each token: a new password (or a
    reset) changes it, and so ends every session signed in with the old one."""
    return hashlib.sha256(f"luukku-session:{password_hash}".encode()).hexdigest()[:16]


async def staff_member(user_id: int) -> StaffMember | None:
    row = (
        await StaffUser.select()
        .where((StaffUser.id == user_id) & StaffUser.active.eq(True))
        .first()
    )
    return _member(row) if row else None


async def active_member_with_email(email: str) -> StaffMember | None:
    row = (
        await StaffUser.select()
        .where((StaffUser.email == email.strip().lower()) & StaffUser.active.eq(True))
        .first()
    )
    return _member(row) if row else None


async def authenticate(email: str, password: str) -> StaffMember:
    """The member with this email and password; one answer for every failure."""
    row = (
        await StaffUser.select()
        .where((StaffUser.email == email.strip().lower()) & StaffUser.active.eq(True))
        .first()
    )
    valid = _hasher().verify(password, row["password_hash"] if row else _dummy_hash())
    if row is None or not valid:
        raise NotAuthenticated("Wrong email or password.")
    return _member(row)


async def create_staff_user(
    *,
    email: str,
    password: str,
    name: str,
    roles: Sequence[str],
    agency_id: int | None = None,
    expert_id: int | None = None,
    service_point_id: int | None = None,
    language: str = "fi",
) -> tuple[int, bool]:
    """(id, created): an existing account with that email is left as it is."""
    email = email.strip().lower()
    unknown = [role for role in roles if role not in ROLES]
    if unknown:
        raise InvalidInput.field("roles", f"unknown roles {unknown}; use {', '.join(ROLES)}")
    check_password_strength(password)
    existing = await StaffUser.select(StaffUser.id).where(StaffUser.email == email).first()
    if existing:
        return int(existing["id"]), False
    user = StaffUser(
        email=email,
        name=name,
        password_hash=hash_password(password),
        roles=list(roles),
        agency=agency_id,
        expert=expert_id,
        service_point=service_point_id,
        language=language,
    )
    await user.save()
    return int(user.id), True


def check_password_strength(password: str) -> None:
    if len(password) < 12:
        raise InvalidInput(
            "password too short", [FieldError("password", "use 12 characters or more")]
        )


async def set_password(user_id: int, password: str) -> None:
    """A new password; every session signed in with the old one ends (see `session_stamp`)."""
    check_password_strength(password)
    await StaffUser.update({StaffUser.password_hash: hash_password(password)}).where(
        StaffUser.id == user_id
    )


async def set_active(user_id: int, active: bool) -> None:
    """A deactivated login is refused at sign-in and its tokens no longer find a member."""
    await StaffUser.update({StaffUser.active: active}).where(StaffUser.id == user_id)


async def user_of_expert(expert_id: int) -> int | None:
    """The id of the staff login of an expert, if it has one."""
    row = await StaffUser.select(StaffUser.id).where(StaffUser.expert == expert_id).first()
    return None if row is None else int(row["id"])


async def agency_slug(user_id: int) -> str | None:
    """The slug of the staff member's agency, through the login's own foreign key."""
    row = (
        await StaffUser.select(StaffUser.agency.slug.as_alias("slug"))
        .where(StaffUser.id == user_id)
        .first()
    )
    return str(row["slug"]) if row and row["slug"] is not None else None


async def revoke_token(jti: str, expires_at: datetime) -> None:
    """Sign-out: the token is refused from now on, until it would have expired anyway."""
    await RevokedToken.insert(RevokedToken(jti=jti, expires_at=expires_at)).on_conflict(
        action="DO NOTHING"
    )


async def is_revoked(token: Token, _: Any) -> bool:
    return bool(await RevokedToken.exists().where(RevokedToken.jti == (token.jti or "")))


async def staff_names(user_ids: Sequence[int]) -> dict[int, str]:
    """The name of each staff login in `user_ids` that exists."""
    ids = sorted(set(user_ids)) or [0]
    rows = await StaffUser.select(StaffUser.id, StaffUser.name).where(StaffUser.id.is_in(ids))
    return {row["id"]: row["name"] for row in rows}


# Compiled once (luukku/compiled_queries.py): every booking change asks.
_LANGUAGES = CompiledQuery(
    StaffUser,
    lambda ids: StaffUser.select(StaffUser.expert, StaffUser.language).where(
        StaffUser.expert.is_in(ids)
    ),
)


async def staff_languages(expert_ids: Iterable[int]) -> dict[int, str]:
    """The language each expert's login uses (their messages' language), by expert id; an
    expert without a login is absent."""
    ids = sorted(set(expert_ids)) or [0]
    rows = await _LANGUAGES(ids)
    return {row["expert"]: row["language"] for row in rows}


@dataclass(frozen=True, slots=True)
class StaffContact:
    """A staff member as a recipient of messages."""

    id: int
    name: str
    email: str
    language: str


async def agency_admins(agency_id: int) -> list[StaffContact]:
    """The active agency admins of an agency."""
    rows = await StaffUser.select(
        StaffUser.id, StaffUser.name, StaffUser.email, StaffUser.language, StaffUser.roles
    ).where((StaffUser.agency == agency_id) & (StaffUser.active == True))  # noqa: E712
    return [
        StaffContact(row["id"], row["name"], row["email"], row["language"])
        for row in rows
        if "agency_admin" in row["roles"]
    ]
