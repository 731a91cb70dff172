"""Choosing a time on the service page holds it while the customer fills in the form.

Without JavaScript: the free times are the submit buttons of one small POST form per list, so
choosing one is a POST (`/services/<slug>/hold`) that takes the hold and redirects to the form
(never a GET: prefetching or a crawler following links must not hold times). The token lives
in an HttpOnly cookie of the browser, and a session cookie names the holder, so one browser
holds one time at a time. Going back to the free times (the form's link, or the browser's Back:
the service page is `no-store`) releases the hold.
"""

from __future__ import annotations

import secrets
from contextlib import suppress
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from booking.catalogue.services import get_service
from booking.holds.holding import HeldTime, live_hold, release_hold_token, session_holder, take_hold
from booking.holds.schemas import HoldCreate
from luukku.clock import Clock
from luukku.problems import DomainError, NotFound, SlotTaken
from luukku.settings import Settings
from security.rate_limits import rate_limited

HOLD_COOKIE = "luukku_hold"
SESSION_COOKIE = "luukku_session"


def hold_cookie(token: str, max_age: int) -> Cookie:
    return Cookie(
        key=HOLD_COOKIE, value=token, max_age=max_age, path="/", httponly=True, samesite="lax"
    )


def forget_hold_cookie() -> Cookie:
    return Cookie(key=HOLD_COOKIE, value="", max_age=0, path="/", httponly=True, samesite="lax")


async def held_for(request: Request[Any, Any, Any], now: datetime) -> HeldTime | None:
    """This browser's live hold, if any."""
    return await live_hold(request.cookies.get(HOLD_COOKIE, ""), now)


async def release_browser_hold(request: Request[Any, Any, Any]) -> list[Cookie]:
    """Give back this browser's hold (going back to the free times); the cookies to send."""
    token = request.cookies.get(HOLD_COOKIE, "")
    if not token:
        return []
    with suppress(NotFound):  # expired and tidied, or already booked
        await release_hold_token(token)
    return [forget_hold_cookie()]


class HoldPages(Controller):
    path = "/services/{slug:str}"
    include_in_schema = False

    @post("/hold", name="hold-time", guards=[rate_limited("hold")])
    async def hold(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> Redirect:
        service = await get_service(slug)
        form = {key: str(value) for key, value in (await request.form()).items()}
        choices = {k: form[k] for k in ("channel", "language", "expert") if form.get(k)}
        session = request.cookies.get(SESSION_COOKIE) or secrets.token_urlsafe(24)
        cookies = [
            Cookie(key=SESSION_COOKIE, value=session, path="/", httponly=True, samesite="lax")
        ]
        back = f"/services/{service.slug}?{urlencode(choices)}"
        try:
            start = datetime.fromisoformat(form.get("start", ""))
            expert = choices.get("expert", "")
            held = await take_hold(
                HoldCreate(
                    service=service.slug,
                    start=start,
                    channel=choices.get("channel", ""),
                    language=choices.get("language", ""),
                    expert_id=int(expert) if expert.isdigit() and len(expert) < 10 else None,
                ),
                session_holder(session),
                clock.now(),
                settings.hold_minutes,
            )
        except SlotTaken:
            return Redirect(f"{back}&taken=1", status_code=303, cookies=cookies)
        except (ValueError, DomainError):
            return Redirect(f"{back}&taken=invalid", status_code=303, cookies=cookies)
        cookies.append(hold_cookie(held.token, settings.hold_minutes * 60))
        form_query = urlencode({**choices, "start": held.start.isoformat()})
        return Redirect(
            f"/services/{service.slug}/book?{form_query}", status_code=303, cookies=cookies
        )
