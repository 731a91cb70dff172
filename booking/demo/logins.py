"""Staff logins for the demo data: an administrator and one account per demo expert."""

from __future__ import annotations

from calendars.tables import Agency, Expert, ServicePoint
from staff.accounts import create_staff_user

DEMO_PASSWORD = "luukku-demo-2026"  # noqa: S105 - printed by `make run`, demo only
DEMO_ADMIN = "admin@example.fi"


async def seed_demo_logins() -> str:
    """Create the demo logins that are missing; answer the lines `make run` prints."""
    await create_staff_user(
        email=DEMO_ADMIN, password=DEMO_PASSWORD, name="Luukku Admin", roles=["admin"]
    )
    lines = [f"  {DEMO_ADMIN:<34} admin"]
    city = await Agency.select(Agency.id).where(Agency.slug == "city-business").first()
    if city:
        email = "elinkeinojohtaja@example.fi"
        await create_staff_user(
            email=email,
            password=DEMO_PASSWORD,
            name="Elina Johtaja",
            roles=["agency_admin"],
            agency_id=city["id"],
        )
        lines.append(f"  {email:<34} agency_admin (city-business)")
    point = await ServicePoint.select(ServicePoint.id).first()
    if point:
        email = "palveluneuvoja@example.fi"
        await create_staff_user(
            email=email,
            password=DEMO_PASSWORD,
            name="Pauli Neuvoja",
            roles=["service_point_clerk"],
            service_point_id=point["id"],
        )
        lines.append(f"  {email:<34} service_point_clerk")
    for expert in await Expert.select(Expert.id, Expert.email, Expert.name, Expert.agency).order_by(
        Expert.id
    ):
        await create_staff_user(
            email=expert["email"],
            password=DEMO_PASSWORD,
            name=expert["name"],
            roles=["expert"],
            agency_id=expert["agency"],
            expert_id=expert["id"],
        )
        lines.append(f"  {expert['email']:<34} expert")
    return "\n".join([f"Demo logins (password: {DEMO_PASSWORD}):", *lines])
