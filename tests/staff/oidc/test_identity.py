"""The provider's claims as a person, and roles mapped from their groups."""

from __future__ import annotations

import pytest

from luukku.settings import Settings, parse_role_map
from staff.oidc.identity import check_role_map, mapped_roles, person_from

MAP = (("luukku-admins", "admin"), ("desk-staff", "service_point_clerk"))


def test_a_mapped_role_is_held_exactly_when_one_of_its_groups_is() -> None:
    assert mapped_roles(["expert"], ["luukku-admins"], MAP) == ["expert", "admin"]
    assert mapped_roles(["expert", "admin"], [], MAP) == ["expert"]
    assert mapped_roles(["admin"], ["luukku-admins", "luukku-admins"], MAP) == ["admin"]


def test_roles_the_map_never_names_stay_as_luukku_has_them() -> None:
    assert mapped_roles(["agency_admin"], ["desk-staff"], MAP) == [
        "agency_admin",
        "service_point_clerk",
    ]


def test_the_role_map_is_read_from_group_role_pairs() -> None:
    assert parse_role_map(" luukku-admins=admin, cn=x,ou=y=expert ,") == (
        ("luukku-admins", "admin"),
        ("cn", "x"),
        ("ou=y", "expert"),
    )
    with pytest.raises(ValueError, match="group=role"):
        parse_role_map("just-a-group")


def test_a_map_to_a_role_luukku_lacks_stops_the_start() -> None:
    with pytest.raises(ValueError, match="superuser"):
        check_role_map(Settings(oidc_role_map=(("g", "superuser"),)))


def test_only_a_true_verified_claim_counts_and_groups_come_from_the_named_claim() -> None:
    settings = Settings(oidc_role_claim="roles", oidc_email_verified_claim="xms_edov")
    claims = {"sub": "s1", "email": " Aino@Example.FI ", "xms_edov": True, "roles": "a b"}

    person = person_from(claims, settings)

    assert (person.email, person.email_verified, person.groups) == (
        "aino@example.fi",
        True,
        ("a", "b"),
    )
    assert not person_from({**claims, "xms_edov": "yes"}, settings).email_verified
    assert not person_from({**claims, "xms_edov": None}, settings).email_verified
