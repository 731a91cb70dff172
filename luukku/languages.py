"""The language a request asks for: `lang` query, else Accept-Language, else Finnish."""

from __future__ import annotations

from litestar import Request

SUPPORTED = ("fi", "sv", "en")
DEFAULT = "fi"
BABEL_LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_FI"}
"""Finnish conventions in every language: `10.00`, `24.11.2026`, as Finns write them."""


def babel_locale(language: str) -> str:
    """The Babel locale of `language` (Finnish for anything else)."""
    return BABEL_LOCALES.get(language, BABEL_LOCALES[DEFAULT])


def _accept_language(header: str) -> list[str]:
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        weighted.append((-quality, position, tag.strip().lower()))
    return [tag for _, _, tag in sorted(weighted)]


def request_language(request: Request) -> str:  # type: ignore[type-arg]
    requested = str(request.query_params.get("lang", ""))
    if requested in SUPPORTED:
        return requested
    for tag in _accept_language(request.headers.get("accept-language", "")):
        primary = tag.split("-")[0]
        if primary in SUPPORTED:
            return primary
    return DEFAULT
