"""Signing staff in through a real OpenID Provider (oidc-provider, tests/oidc/): who is let in,
who is not, and that each refusal leaves an audit entry and no account."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from app import create_app
from luukku.clock import FixedClock
from luukku.settings import Settings
from security.audit import latest
from staff.tables import StaffUser
from testdata.factories import make_agency, make_expert, make_expert_login
from tests.oidc_provider import (
    APP_URL,
    RunningProvider,
    oidc_settings,
    sign_in_with_provider,
    staff_me,
)

PASSWORD = "a-password-nobody-uses-2026"


@pytest.fixture
async def aino(db: None) -> int:
    """Aino Virtanen, an expert with a Luukku login (the provider's account `aino`)."""
    agency = await make_agency()
    expert = await make_expert(agency)
    return await make_expert_login(expert, "aino.virtanen@example.fi", PASSWORD)


async def staff_user(user_id: int) -> dict[str, object]:
    row = await StaffUser.select().where(StaffUser.id == user_id).first()
    assert row is not None
    return row


async def refusals() -> list[str]:
    return [e.detail for e in await latest() if e.action == "sign-in-refused"]


async def test_an_expert_signs_in_at_the_provider_and_is_linked_by_verified_email(
    luukku: httpx.AsyncClient, at_provider: httpx.AsyncClient, aino: int
) -> None:
    page = await sign_in_with_provider(luukku, at_provider, "aino")

    assert page.status_code == 200
    assert 'content="0;url=/staff/calendar"' in page.text
    me = await staff_me(luukku)
    assert me.status_code == 200
    assert me.json()["email"] == "aino.virtanen@example.fi"
    assert (await staff_user(aino))["oidc_subject"] == "aino"
    assert any("linked to OIDC subject aino" in e.detail for e in await latest())


async def test_once_linked_the_subject_finds_the_account_even_after_its_email_changes(
    luukku: httpx.AsyncClient, at_provider: httpx.AsyncClient, aino: int
) -> None:
    await StaffUser.update(
        {StaffUser.oidc_subject: "aino", StaffUser.email: "a.v@example.fi"}
    ).where(StaffUser.id == aino)

    page = await sign_in_with_provider(luukku, at_provider, "aino")

    assert page.status_code == 200
    assert (await staff_me(luukku)).json()["email"] == "a.v@example.fi"


async def test_the_admins_group_maps_to_the_admin_role(
    luukku: httpx.AsyncClient, at_provider: httpx.AsyncClient, db: None
) -> None:
    agency = await make_agency()
    from staff.accounts import create_staff_user

    ilkka, _ = await create_staff_user(
        email="ilkka.admin@example.fi",
        password=PASSWORD,
        name="Ilkka",
        roles=["agency_admin"],
        agency_id=agency,
    )

    await sign_in_with_provider(luukku, at_provider, "ilkka")

    assert (await staff_me(luukku)).json()["roles"] == ["agency_admin", "admin"]
    assert (await staff_user(ilkka))["roles"] == ["agency_admin", "admin"]


async def test_a_mapped_role_goes_when_the_provider_no_longer_lists_the_group(
    luukku: httpx.AsyncClient, at_provider: httpx.AsyncClient, aino: int
) -> None:
    await StaffUser.update({StaffUser.roles: ["expert", "admin"]}).where(StaffUser.id == aino)

    await sign_in_with_provider(luukku, at_provider, "aino")

    assert (await staff_me(luukku)).json()["roles"] == ["expert"]


async def test_an_unknown_person_gets_a_clear_page_no_account_and_an_audit_entry(
    luukku: httpx.AsyncClient, at_provider: httpx.AsyncClient, aino: int
) -> None:
    page = await sign_in_with_provider(luukku, at_provider, "stranger")

    assert page.status_code == 403
    assert "sinulla ei ole Luukussa henkilöstötunnusta" in page.text  # Finnish by default
    assert 'href="/staff/login?lang=sv"' in page.text  # not the used answer again
    assert "luukku_session" not in page.cookies
    assert await StaffUser.count() == 1
    assert any(d.startswith("unknown-person stranger@example.fi") for d in await refusals())


async def test_a_retired_expert_is_refused_though_the_provider_lets_them_in(
    luukku: httpx.AsyncClient, at_provider: httpx.AsyncClient, db: None
) -> None:
    agency = await make_agency()
    expert = await make_expert(agency, "Eino Eläkkeellä")
    retired = await make_expert_login(expert, "eino.elakkeella@example.fi", PASSWORD)
    await StaffUser.update({StaffUser.active: False}).where(StaffUser.id == retired)

    page = await sign_in_with_provider(luukku, at_provider, "retired")

    assert page.status_code == 403
    assert (await staff_me(luukku)).status_code == 401
    assert any(d.startswith("retired") for d in await refusals())


async def test_an_unverified_email_does_not_find_the_account_with_that_email(
    luukku: httpx.AsyncClient, at_provider: httpx.AsyncClient, aino: int
) -> None:
    page = await sign_in_with_provider(luukku, at_provider, "unverified")

    assert page.status_code == 403
    assert (await staff_user(aino))["oidc_subject"] is None
    assert any(d.startswith("email-unverified") for d in await refusals())


async def test_the_login_page_offers_the_provider_by_name_beside_the_password(
    luukku: httpx.AsyncClient, db: None
) -> None:
    page = await luukku.get("/staff/login", params={"lang": "en"})

    assert "Sign in with Testala ID" in page.text
    assert 'name="password"' in page.text


async def test_with_password_login_switched_off_only_the_provider_signs_in(
    settings: Settings,
    clock: FixedClock,
    engine: object,
    aino: int,
    oidc_provider: RunningProvider,
) -> None:
    no_passwords = dataclasses.replace(
        oidc_settings(settings, oidc_provider.issuer), password_login=False
    )
    app = create_app(no_passwords, clock=clock, engine=engine)  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url=APP_URL) as client:
        page = await client.get("/staff/login", params={"lang": "en"})
        api_login = await client.post(
            "/api/v1/auth/login", json={"email": "aino.virtanen@example.fi", "password": PASSWORD}
        )

    assert "Sign in with Testala ID" in page.text
    assert 'name="password"' not in page.text
    assert api_login.status_code == 403
    assert "switched off" in api_login.json()["detail"]


def test_password_login_cannot_be_switched_off_without_a_provider(settings: Settings) -> None:
    with pytest.raises(RuntimeError, match="PASSWORD_LOGIN=false"):
        create_app(dataclasses.replace(settings, password_login=False))
