"""Pages of fixed text: the accessibility statement and the privacy notice."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from frontend.templating import page
from luukku.settings import Settings


class InfoPages(Controller):
    path = "/"
    include_in_schema = False

    @get("/accessibility", name="accessibility")
    async def accessibility(self, request: Request[Any, Any, Any]) -> Template:
        return page(request, "accessibility.html")

    @get("/privacy", name="privacy")
    async def privacy(
        self, request: Request[Any, Any, Any], settings: NamedDependency[Settings]
    ) -> Template:
        return page(request, "privacy.html", version=settings.privacy_notice_version)
