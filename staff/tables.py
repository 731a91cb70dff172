"""Tables of staff identity: staff logins and the access tokens ended before they expire.

Foreign keys to the calendars domain's agencies, experts and service points are lazy
references: staff identity sits below the calendars domain and imports none of it."""

from __future__ import annotations

from piccolo.columns import (
    Array,
    Boolean,
    ForeignKey,
    OnDelete,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table


class StaffUser(Table):
    """A staff login: an expert, an agency admin, a service-point clerk or an administrator."""

    id: Serial  # added by Piccolo; declared for the type checker

    email = Varchar(length=254, unique=True, index=True)
    name = Varchar(length=200)
    password_hash = Varchar(length=200)
    roles = Array(Varchar(length=32))
    agency: ForeignKey[Table] = ForeignKey(
        LazyTableReference("Agency", module_path="calendars.tables"),
        on_delete=OnDelete.set_null,
        null=True,
        default=None,
    )
    expert: ForeignKey[Table] = ForeignKey(
        LazyTableReference("Expert", module_path="calendars.tables"),
        on_delete=OnDelete.set_null,
        null=True,
        default=None,
    )
    service_point: ForeignKey[Table] = ForeignKey(
        LazyTableReference("ServicePoint", module_path="calendars.tables"),
        on_delete=OnDelete.set_null,
        null=True,
        default=None,
    )
    language = Varchar(length=8, default="fi")
    active = Boolean(default=True)
    oidc_subject = Varchar(length=255, null=True, default=None)
    """The city's OpenID Provider's `sub` for this person, set at their first sign-in there
    (unique: an index made by the migration, as SQLite cannot add a UNIQUE column)."""


class RevokedToken(Table):
    """Access tokens ended by logout before they expire; rows go once the token would have."""

    id: Serial  # added by Piccolo; declared for the type checker

    jti = Varchar(length=64, unique=True, index=True)
    expires_at = Timestamptz()


TABLES: tuple[type[Table], ...] = (
    StaffUser,
    RevokedToken,
)
