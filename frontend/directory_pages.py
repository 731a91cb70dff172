"""The public expert directory page (`/experts`): the same search as `GET /api/v1/experts`."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.params import FromQuery
from litestar.response import Template

from booking.catalogue.directory import expert_directory
from calendars.directory_search.search import DirectoryFilter
from calendars.directory_search.topics import offered_topics
from calendars.schemas import CHANNELS, LANGUAGES
from frontend.templating import page, page_language

MAX_QUERY = 200


async def _topic_choices(language: str) -> list[tuple[str, str]]:
    """(slug, name) of every topic an active expert covers, as the contact form lists them."""
    choices: dict[str, str] = {}
    for topic in await offered_topics():
        choices.setdefault(topic.slug, topic.name(language) if topic.named else "")
    return sorted(choices.items(), key=lambda item: (item[1] or item[0]).casefold())


class DirectoryPages(Controller):
    path = "/experts"
    include_in_schema = False

    @get("/", name="experts")
    async def directory(
        self,
        request: Request[Any, Any, Any],
        q: FromQuery[str] = "",
        topic: FromQuery[str] = "",
        language: FromQuery[str] = "",
        channel: FromQuery[str] = "",
    ) -> Template:
        shown_in = page_language(request)
        q = q[:MAX_QUERY]
        wanted = DirectoryFilter(
            q=q,
            topic=topic or None,
            language=language if language in LANGUAGES else None,
            channel=channel if channel in CHANNELS else None,
        )
        listings = await expert_directory(wanted)
        return page(
            request,
            "experts.html",
            listings=listings,
            form={"q": q, "topic": topic, "language": language, "channel": channel},
            topics=await _topic_choices(shown_in),
            languages=LANGUAGES,
            channels=CHANNELS,
            searched=bool(q or topic or language or channel),
        )
