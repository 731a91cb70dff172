"""Public waitlist API: join the line for a freed time, see it, leave it, accept an offer."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from booking.bookings.answers import booking_out
from booking.bookings.schemas import BookingOut, ExpertOut
from booking.waitlist.accepting import accept_current
from booking.waitlist.entries import HELSINKI, WaitlistView, get_entry, join, leave
from booking.waitlist.letters import status_link
from booking.waitlist.schemas import OfferOut, WaitlistJoin, WaitlistJoined, WaitlistOut
from luukku.bearer import bearer_token
from luukku.clock import Clock
from luukku.settings import Settings
from security.rate_limits import rate_limited


def _bearer(request: Request, *, required: bool = True) -> str:  # type: ignore[type-arg]
    return bearer_token(request, "the waitlist token", required=required)


def waitlist_out(view: WaitlistView) -> WaitlistOut:
    offer = view.offer
    return WaitlistOut(
        reference=view.reference,
        status=view.status,
        service=view.service_slug,
        channel=view.channel,
        language=view.language,
        earliest=view.earliest,
        latest=view.latest,
        expert_id=view.expert_id,
        booking_reference=view.booking_reference or None,
        offer=(
            OfferOut(
                start=offer.start.astimezone(HELSINKI),
                end=offer.end.astimezone(HELSINKI),
                expires_at=offer.expires_at.astimezone(HELSINKI),
                expert=ExpertOut(id=offer.expert_id, name=offer.expert_name),
            )
            if offer
            else None
        ),
    )


class WaitlistController(Controller):
    path = "/api/v1/waitlist"
    tags = ("public",)  # type: ignore[assignment]
    opt = {"public": True}  # noqa: RUF012 (Litestar's own attribute) no staff sign-in: the token is the waiter's proof

    @post(
        "/",
        summary="Join the waitlist for a freed time",
        status_code=201,
        guards=[rate_limited("booking")],
    )
    async def join(
        self,
        request: Request,  # type: ignore[type-arg]
        data: JSONBody[WaitlistJoin],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> WaitlistJoined:
        # With `booking_reference`, the Bearer token is that booking's manage token.
        view = await join(data, _bearer(request, required=False), settings, clock.now())
        return WaitlistJoined(
            reference=view.reference,
            status=view.status,
            token=view.token,
            status_url=status_link(settings, view.reference, view.token),
        )

    @get(
        "/{reference:str}",
        summary="A waitlist entry and its current offer",
        guards=[rate_limited("manage")],
        opt={"customer_token": True},
    )
    async def read(
        self,
        request: Request,  # type: ignore[type-arg]
        reference: FromPath[str],
    ) -> WaitlistOut:
        return waitlist_out(await get_entry(reference, _bearer(request)))

    @post(
        "/{reference:str}/cancel",
        summary="Leave the waitlist",
        status_code=200,
        guards=[rate_limited("manage")],
        opt={"customer_token": True},
    )
    async def cancel(
        self,
        request: Request,  # type: ignore[type-arg]
        reference: FromPath[str],
        clock: NamedDependency[Clock],
    ) -> WaitlistOut:
        return waitlist_out(await leave(reference, _bearer(request), clock.now()))

    @post(
        "/{reference:str}/accept",
        summary="Accept the offered time",
        status_code=201,
        guards=[rate_limited("manage")],
        opt={"customer_token": True, "problems": (409, 410)},
    )
    async def accept(
        self,
        request: Request,  # type: ignore[type-arg]
        reference: FromPath[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> BookingOut:
        view, manage_token = await accept_current(
            reference, _bearer(request), settings, clock.now()
        )
        return booking_out(view, settings, manage_token or None)
