"""The expert directory as customers see it: each expert with the services they give, and
the catalogue searched with the same words, stems and topic names."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from booking.catalogue.services import ServiceInfo, list_services
from booking.tables import ServiceExpert
from calendars.directory_search.analysis import SEARCH_LANGUAGES, matches, parse_query, terms
from calendars.directory_search.search import DirectoryEntry, DirectoryFilter, search_experts_and
from calendars.directory_search.topics import NamedTopic, named_topics


@dataclass(frozen=True, slots=True)
class DirectoryListing:
    expert: DirectoryEntry
    services: tuple[ServiceInfo, ...]


def _services_of(
    expert: DirectoryEntry, services: Sequence[ServiceInfo], explicit: dict[int, set[int]]
) -> tuple[ServiceInfo, ...]:
    """The services the expert gives: by the explicit list, else the agency's by topic."""
    topics = {topic.slug for topic in expert.topics}
    return tuple(
        service
        for service in services
        if (
            expert.id in explicit[service.id]
            if service.id in explicit
            else service.agency_id == expert.agency_id
            and (not service.topics or not topics.isdisjoint(service.topics))
        )
    )


async def expert_directory(wanted: DirectoryFilter) -> list[DirectoryListing]:
    """Matching active experts, best first, each with the active services they give."""
    experts, (services, links) = await search_experts_and(wanted, _services_and_links)
    explicit: dict[int, set[int]] = {}
    for row in links:
        explicit.setdefault(row["service"], set()).add(row["expert"])
    return [
        DirectoryListing(expert=expert, services=_services_of(expert, services, explicit))
        for expert in experts
    ]


async def _services_and_links() -> tuple[list[ServiceInfo], list[dict[str, Any]]]:
    """The active services, and which experts each names (read with the search)."""
    links = await ServiceExpert.select(ServiceExpert.service, ServiceExpert.expert)
    return await list_services(), links


async def service_topics(
    services: Sequence[ServiceInfo],
) -> dict[tuple[int, str], NamedTopic]:
    """The named topics of these services, by (agency id, slug)."""
    return await named_topics((s.agency_id, slug) for s in services for slug in s.topics)


def _service_terms(
    service: ServiceInfo, topics: dict[tuple[int, str], NamedTopic]
) -> tuple[list[str], list[str], list[str]]:
    """Stems of the service's topic names, of its names, and of its descriptions."""
    named = [topics[(service.agency_id, slug)] for slug in service.topics]
    return (
        [t for lang in SEARCH_LANGUAGES for n in named for t in terms(n.name(lang), lang)],
        [t for lang in SEARCH_LANGUAGES for t in terms(service.name.get(lang), lang)],
        [t for lang in SEARCH_LANGUAGES for t in terms(service.description.get(lang), lang)],
    )


async def search_services(q: str) -> list[ServiceInfo]:
    """Active services whose names, descriptions or topic names match every word of `q`,
    those whose topic matches first, then by name; the whole catalogue without words."""
    services = await list_services()
    query = parse_query(q)
    if not query:
        return services
    topics = await service_topics(services)
    ranked: list[tuple[int, int, ServiceInfo]] = []
    for order, service in enumerate(services):
        topic_terms, name_terms, description_terms = _service_terms(service, topics)
        if not matches(query, topic_terms + name_terms + description_terms):
            continue
        tier = 0 if matches(query, topic_terms) else 1 if matches(query, name_terms) else 2
        ranked.append((tier, order, service))
    return [service for _, _, service in sorted(ranked, key=lambda item: item[:2])]
