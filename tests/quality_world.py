"""An agency with experts of two topics, an agency admin and staff logins: the world of
contact requests, key customers and feedback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from staff.accounts import create_staff_user
from testdata.factories import STAFF_PASSWORD, make_agency, make_expert, make_service, staff_headers

COMPANY = "2617416-4"
"""Meikäläinen Oy's Y-tunnus."""


@dataclass(frozen=True)
class Quality:
    agency: int
    other_agency: int
    aino: int
    """Funding advisor."""
    bertta: int
    """Funding advisor."""
    cecilia: int
    """Permits advisor."""
    olli: int
    """Funding advisor of the other agency."""

    async def headers(self, client: httpx.AsyncClient, who: str) -> dict[str, str]:
        return await staff_headers(client, f"{who}@example.fi")


@pytest.fixture
async def quality(db: None) -> Quality:
    city = await make_agency()
    other = await make_agency("kela")
    aino = await make_expert(city, "Aino Virtanen", email="aino@example.fi")
    bertta = await make_expert(city, "Bertta Berg", email="bertta@example.fi")
    cecilia = await make_expert(
        city, "Cecilia Lind", email="cecilia@example.fi", topics=["permits"]
    )
    olli = await make_expert(other, "Olli Ojala", email="olli@example.fi")
    await make_service(city)
    await make_service(city, "permit-advice", topics=["permits"])
    await make_service(other, "kela-funding")
    accounts: dict[str, dict[str, Any]] = {
        "aino": {"roles": ["expert"], "agency_id": city, "expert_id": aino, "language": "fi"},
        "bertta": {"roles": ["expert"], "agency_id": city, "expert_id": bertta},
        "cecilia": {"roles": ["expert"], "agency_id": city, "expert_id": cecilia},
        "olli": {"roles": ["expert"], "agency_id": other, "expert_id": olli},
        "boss": {"roles": ["agency_admin"], "agency_id": city, "language": "en"},
        "kelaboss": {"roles": ["agency_admin"], "agency_id": other},
        "admin": {"roles": ["admin"]},
    }
    for who, fields in accounts.items():
        await create_staff_user(
            email=f"{who}@example.fi", password=STAFF_PASSWORD, name=who.title(), **fields
        )
    return Quality(city, other, aino, bertta, cecilia, olli)
