"""Rate limits: fixed-window counters per client address and per email, shared by processes.

A route is limited by one guard, `guards=[rate_limited("contact")]`, naming a rule from the
settings (`RATE_LIMIT_CONTACT=10/hour`). The guard counts the request against the caller's
address and, when the JSON or form body names an `email`, against that email too; past the
limit it answers 429 with `Retry-After` as problem details. Counters live in Redis when
`REDIS_URL` is set, in the database otherwise, so every process sees the same counts.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import msgspec
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from piccolo.engine.base import Engine

from luukku.clock import Clock
from luukku.problems import DomainError
from luukku.settings import Settings, parse_rate
from security.tables import RateCounter

Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RateRule:
    limit: int
    window_seconds: int


def rules_from(settings: Settings) -> dict[str, RateRule]:
    """Every named rule; a route names one with `rate_limited(name)`."""
    texts = {
        "booking": settings.rate_limit_booking,
        "hold": settings.rate_limit_hold,
        "manage": settings.rate_limit_manage,
        "login": f"{settings.login_attempts_per_minute}/minute",
        "contact": settings.rate_limit_contact,
        "data-request": settings.rate_limit_data_request,
    }
    return {name: RateRule(*parse_rate(text)) for name, text in texts.items()}


class TooManyRequests(DomainError):
    status_code = 429
    title = "Too many requests"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many requests; try again in {retry_after} seconds.")
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}


class Counters(Protocol):
    async def hit(self, key: str, expires_at: datetime, lifetime: int) -> int:
        """Count one hit on `key` (kept until `expires_at` on the app's clock, `lifetime`
        seconds from now) and return the hits so far."""
        ...


class RedisCounters:
    """Counters in Redis: INCR, and the key expires with its window."""

    def __init__(self, url: str) -> None:
        from redis.asyncio import Redis

        self._redis = Redis.from_url(url)

    async def hit(self, key: str, expires_at: datetime, lifetime: int) -> int:
        # A relative expiry: Redis's own clock need not agree with the app's (a test clock,
        # or a skewed host); an absolute one in Redis's past would drop the key at once.
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(f"luukku:rate:{key}")
            pipe.expire(f"luukku:rate:{key}", max(1, lifetime))
            hits, _ = await pipe.execute()
        return int(hits)

    async def close(self) -> None:
        await self._redis.aclose()


class DatabaseCounters:
    """Counters in the `rate_counter` table: one upsert a hit, atomic on both engines."""

    def __init__(self, engine: Engine) -> None:  # type: ignore[type-arg]
        self._engine = engine

    async def hit(self, key: str, expires_at: datetime, lifetime: int) -> int:
        rows = await RateCounter.raw(
            "INSERT INTO rate_counter (key, hits, expires_at) VALUES ({}, 1, {}) "
            "ON CONFLICT (key) DO UPDATE SET hits = rate_counter.hits + 1 RETURNING hits",
            key,
            expires_at,
        )
        return int(rows[0]["hits"])

    async def close(self) -> None:
        return None


async def forget_expired_counters(now: datetime) -> None:
    """Drop the database counters of windows that are over (part of the daily job)."""
    await RateCounter.delete().where(RateCounter.expires_at < now)


class RateLimiter:
    """Counts hits against the named rules; `enabled=False` lets everything through."""

    def __init__(
        self,
        counters: Counters,
        rules: Mapping[str, RateRule],
        clock: Clock,
        *,
        enabled: bool = True,
    ) -> None:
        self.counters = counters
        self.rules = dict(rules)
        self.clock = clock
        self.enabled = enabled

    async def count(self, name: str, identity: str, window_seconds: int) -> int:
        """One hit on `identity` in the current fixed window of `window_seconds`; the hits so
        far in that window (this one included)."""
        now = self.clock.now().timestamp()
        window = int(now // window_seconds)
        window_end = (window + 1) * window_seconds
        return await self.counters.hit(
            f"{name}:{identity}:{window}",
            datetime.fromtimestamp(window_end, UTC),
            math.ceil(window_end - now),
        )

    async def check(self, rule_name: str, who: list[str]) -> None:
        """One hit for each of `who` (e.g. `ip:…`, `email:…`); TooManyRequests past the limit."""
        if not self.enabled:
            return
        rule = self.rules[rule_name]
        now = self.clock.now().timestamp()
        window = int(now // rule.window_seconds)
        window_end = (window + 1) * rule.window_seconds
        expires_at = datetime.fromtimestamp(window_end, UTC)
        over = False
        for identity in who:
            hits = await self.counters.hit(
                f"{rule_name}:{identity}:{window}", expires_at, math.ceil(window_end - now)
            )
            over = over or hits > rule.limit
        if over:
            raise TooManyRequests(max(1, math.ceil(window_end - now)))


def email_key(email: str) -> str:
    """Emails are counted by hash: the counters store no personal data."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


async def _email_in_body(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    if not isinstance(connection, Request) or connection.method not in {"POST", "PUT", "PATCH"}:
        return None
    content_type = connection.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await connection.form()).get("email")
        return value if isinstance(value, str) and value.strip() else None
    try:
        body = msgspec.json.decode(await connection.body())
    except msgspec.DecodeError:
        return None
    if not isinstance(body, dict):
        return None
    email = body.get("email")
    if email is None and isinstance(body.get("customer"), dict):
        email = body["customer"].get("email")
    return email if isinstance(email, str) and email.strip() else None


class RateLimited:
    """A guard counting each request against a rule per address and per body email."""

    problem_statuses = (429,)
    """What the guard may answer, for the OpenAPI document."""

    def __init__(self, rule_name: str, *, per_email: bool = True) -> None:
        self.rule_name = rule_name
        self.per_email = per_email

    async def __call__(
        self, connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
    ) -> None:
        limiter: RateLimiter = connection.app.state["rate_limiter"]
        if not limiter.enabled:
            return
        who = [f"ip:{connection.client.host if connection.client else 'unknown'}"]
        if self.per_email and (email := await _email_in_body(connection)) is not None:
            who.append(f"email:{email_key(email)}")
        await limiter.check(self.rule_name, who)


def rate_limited(rule_name: str, *, per_email: bool = True) -> Guard:
    """`guards=[rate_limited("contact")]`: the route counts against the rule `contact`, per
    address and (unless `per_email=False`) per email named in the body. Sign-in counts per
    address only: a limit per email would let anyone lock a staff member out
    (`staff.sign_in` slows sign-ins per email down instead)."""
    return RateLimited(rule_name, per_email=per_email)


def counters_for(settings: Settings, engine: Engine) -> RedisCounters | DatabaseCounters:  # type: ignore[type-arg]
    return RedisCounters(settings.redis_url) if settings.redis_url else DatabaseCounters(engine)
