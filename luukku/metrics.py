"""Prometheus metrics at `GET /metrics`: Litestar's Prometheus integration for request counts
and latency per route template, plus gauges the domains read from the database when scraped.

Off unless `METRICS_ENABLED`; answered only to addresses in `METRICS_ALLOWED_NETWORKS` (others
get 404, as if there were no such page). Labels are route templates (`/feeds/{token:str}`),
job names and node names, never a URL, token, email or any other personal data.

With several app processes behind one socket each scrape reaches one of them: the gauges read
from the database are the same in every process; request metrics and the cache ratio are that
process's own (set `PROMETHEUS_MULTIPROC_DIR` to sum request metrics across processes, as
prometheus_client documents).
"""

from __future__ import annotations

import ipaddress
import math
import os
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from litestar import Controller, Response, get
from litestar.config.app import AppConfig
from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from litestar.handlers.base import BaseRouteHandler
from litestar.plugins import InitPluginProtocol
from litestar.plugins.prometheus import PrometheusConfig
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from luukku.clock import Clock
from luukku.tables import JobRun

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class Reading:
    """One gauge value: `luukku_<name>`, with its help text and labels."""

    name: str
    documentation: str
    value: float
    labels: tuple[tuple[str, str], ...] = ()


Reader = Callable[[datetime], Awaitable[Sequence[Reading]]]
"""Reads some gauges at `now` when /metrics is scraped."""


class _Readings(Collector):
    def __init__(self, readings: Iterable[Reading]) -> None:
        self._readings = list(readings)

    def collect(self) -> Iterable[GaugeMetricFamily]:
        grouped: dict[str, list[Reading]] = defaultdict(list)
        for reading in self._readings:
            grouped[reading.name].append(reading)
        for name, readings in grouped.items():
            family = GaugeMetricFamily(
                f"luukku_{name}",
                readings[0].documentation,
                labels=[key for key, _ in readings[0].labels],
            )
            for reading in readings:
                family.add_metric([value for _, value in reading.labels], reading.value)
            yield family


def networks_from(text: str) -> tuple[Network, ...]:
    """`"127.0.0.1/32, 10.0.0.0/8"` as networks; a bare address is a network of one."""
    return tuple(ipaddress.ip_network(part.strip()) for part in text.split(",") if part.strip())


def from_allowed_address(networks: Sequence[Network]) -> Any:
    """A guard answering 404 to any client outside `networks`."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        host = connection.client.host if connection.client else ""
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            raise NotFoundException() from None
        if not any(address in network for network in networks):
            raise NotFoundException()

    return guard


def prometheus_config() -> PrometheusConfig:
    """Request metrics per route template; unmatched paths (404s of any URL) are left out."""
    return PrometheusConfig(
        app_name="luukku",
        prefix="luukku",
        group_path=True,
        exclude_unhandled_paths=True,
        exclude=["^/metrics"],
    )


def metrics_controller(
    networks: Sequence[Network], readers: Sequence[Reader], clock: Clock
) -> type[Controller]:
    class MetricsController(Controller):
        path = "/metrics"
        include_in_schema = False
        guards = [from_allowed_address(networks)]  # noqa: RUF012

        @get("/", summary="Prometheus metrics", opt={"public": True})
        async def scrape(self) -> Response[bytes]:
            now = clock.now()
            readings = [reading for reader in readers for reading in await reader(now)]
            registry: Any = REGISTRY
            if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
                registry = CollectorRegistry()
                multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            own = CollectorRegistry(auto_describe=False)
            own.register(_Readings(readings))
            body = generate_latest(registry) + generate_latest(own)
            return Response(body, media_type=CONTENT_TYPE_LATEST)

    return MetricsController


class MetricsPlugin(InitPluginProtocol):
    """Adds `/metrics` and the request-metrics middleware when `enabled`; else nothing."""

    def __init__(
        self, enabled: bool, allowed_networks: str, readers: Sequence[Reader], clock: Clock
    ) -> None:
        self._enabled = enabled
        self._networks = networks_from(allowed_networks)
        self._readers = readers
        self._clock = clock

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        if self._enabled:
            app_config.route_handlers.append(
                metrics_controller(self._networks, self._readers, self._clock)
            )
            app_config.middleware.append(prometheus_config().middleware)
        return app_config


def job_lag_reader(jobs: Sequence[tuple[str, timedelta]]) -> Reader:
    """Seconds each periodic job is behind: how long ago its next slot after the last one
    claimed began (0 while on time; +Inf if it never ran)."""

    async def read(now: datetime) -> Sequence[Reading]:
        rows = await JobRun.raw("SELECT job, MAX(tick_start) AS last FROM job_run GROUP BY job")
        last = {row["job"]: int(row["last"]) for row in rows}
        readings = []
        for name, every in jobs:
            if name in last:
                due = last[name] + every.total_seconds()
                lag = max(0.0, now.timestamp() - due)
            else:
                lag = math.inf
            readings.append(
                Reading(
                    "job_lag_seconds",
                    "Seconds a periodic job is behind its schedule.",
                    lag,
                    (("job", name),),
                )
            )
        return readings

    return read
