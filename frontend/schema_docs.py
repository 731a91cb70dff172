"""The API documentation page (/schema): Redoc and its fonts served by Luukku itself, from
the npm packages of frontend/vendor (`make` installs them), so it works without the internet
and under a Content-Security-Policy that names no other site."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Request, Router
from litestar.openapi.plugins import RedocRenderPlugin
from litestar.static_files import create_static_files_router

VENDOR = Path(__file__).resolve().parent / "vendor" / "node_modules"
FONTS = [
    f"/static/fonts/{family}/{weight}.css"
    for family in ("roboto", "montserrat")
    for weight in (300, 400, 700)
]


class LocalRedoc(RedocRenderPlugin):
    """Redoc from /static/redoc with the fonts from /static/fonts; no request leaves Luukku."""

    def __init__(self) -> None:
        super().__init__(
            js_url="/static/redoc/redoc.standalone.js",
            google_fonts=False,
            path="/redoc",
            favicon="<link rel='icon' href='data:,'>",
        )

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        page = super().render(request, openapi_schema)
        links = "".join(f'<link href="{url}" rel="stylesheet">' for url in FONTS)
        return page.replace(b"<head>", f"<head>{links}".encode(), 1)


def vendor_routers() -> list[Router]:
    """Static routes for Redoc's bundle and the Roboto and Montserrat fonts."""
    return [
        create_static_files_router(
            path="/static/redoc",
            directories=[VENDOR / "redoc" / "bundles"],
            opt={"public": True},
            include_in_schema=False,
        ),
        create_static_files_router(
            path="/static/fonts",
            directories=[VENDOR / "@fontsource"],
            opt={"public": True},
            include_in_schema=False,
        ),
    ]
