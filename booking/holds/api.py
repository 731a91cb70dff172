"""Public holds API: keep a chosen time for a few minutes, or give it back."""

from __future__ import annotations

from litestar import Controller, Request, delete, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from booking.bookings.schemas import ExpertOut
from booking.holds.holding import address_holder, release_hold_token, take_hold
from booking.holds.schemas import HoldCreate, HoldOut
from luukku.clock import Clock
from luukku.settings import Settings
from security.rate_limits import rate_limited


class HoldController(Controller):
    path = "/api/v1/holds"
    tags = ("public",)  # type: ignore[assignment]
    opt = {"public": True}  # noqa: RUF012 (Litestar's own attribute) no staff sign-in: the token is the holder's proof

    @post("/", summary="Hold a free time", status_code=201, guards=[rate_limited("hold")])
    async def take(
        self,
        request: Request,  # type: ignore[type-arg]
        data: JSONBody[HoldCreate],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> HoldOut:
        # One hold per API caller, known by its address as the rate limits know it.
        caller = address_holder(request.client.host if request.client else "unknown")
        held = await take_hold(data, caller, clock.now(), settings.hold_minutes)
        return HoldOut(
            hold_token=held.token,
            expires_at=held.expires_at,
            expert=ExpertOut(id=held.expert_id, name=held.expert_name),
        )

    @delete("/{hold_token:str}", summary="Release a hold", status_code=204)
    async def release(self, hold_token: FromPath[str]) -> None:
        await release_hold_token(hold_token)
