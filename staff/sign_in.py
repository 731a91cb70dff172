"""Signing in, slowed down per email rather than locked: guessing a staff member's password
from many addresses costs the guesser time, and never locks the real member out.

Each sign-in to an email counts in a 15-minute window shared by every process (the rate
limiter's counters). The first `LOGIN_FREE_ATTEMPTS` go at once; each further one waits
before the password is even checked, twice as long as the one before, up to
`LOGIN_DELAY_CAP_SECONDS`. The wait is the same whether the password is right or wrong, so it
tells a guesser nothing, and the member with the right password gets in after at most the cap.
Past `LOGIN_NOTICE_AFTER` sign-ins in a window the member is told by email (once a window),
in their own language. The per-address limit (`LOGIN_ATTEMPTS_PER_MINUTE`) stays as it is.
"""

from __future__ import annotations

import asyncio

from luukku.problems import NotAuthenticated
from luukku.settings import Settings
from notifications.letters import Letter, record_letter
from notifications.outbox import Person
from notifications.texts import text
from security.rate_limits import RateLimiter, email_key
from staff.accounts import StaffMember, active_member_with_email, authenticate

WINDOW_SECONDS = 15 * 60


def delay_for(attempts: int, settings: Settings) -> float:
    """Seconds the `attempts`-th sign-in to one email in a window waits before the check."""
    slowed = attempts - settings.login_free_attempts
    if slowed <= 0:
        return 0.0
    return float(
        min(settings.login_delay_seconds * 2 ** (slowed - 1), settings.login_delay_cap_seconds)
    )


async def _tell_owner(email: str, attempts_window: str, limiter: RateLimiter) -> None:
    member = await active_member_with_email(email)
    if member is None:
        return  # nobody to tell; and the answer stays the same as for a known address
    language = member.language if member.language in {"fi", "sv", "en"} else "fi"
    letter = Letter(
        subject=text(language, "login_warning.subject"),
        paragraphs=(
            text(language, "greeting", name=member.name),
            text(language, "login_warning.intro"),
            text(language, "login_warning.advice"),
        ),
        signature="Luukku",
    )
    await record_letter(
        f"login_warning:{member.id}:{attempts_window}",
        "login_warning",
        "",
        Person(member.name, member.email, language),
        letter,
        limiter.clock.now(),
    )


async def sign_in(
    email: str, password: str, limiter: RateLimiter, settings: Settings
) -> StaffMember:
    """The member with this email and password, after the wait their email has earned."""
    if not limiter.enabled:
        return await authenticate(email, password)
    who = f"email:{email_key(email)}"
    attempts = await limiter.count("login-email", who, WINDOW_SECONDS)
    if delay := delay_for(attempts, settings):
        await asyncio.sleep(delay)
    try:
        return await authenticate(email, password)
    except NotAuthenticated:
        if attempts == settings.login_notice_after:
            window = int(limiter.clock.now().timestamp() // WINDOW_SECONDS)
            await _tell_owner(email, str(window), limiter)
        raise
