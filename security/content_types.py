"""JSON routes take JSON only: any other body type is refused with 415 before it is read.

Litestar would decode a JSON body whatever its declared type, so a cross-site `<form>` or a
`fetch` with `Content-Type: text/plain` (both sent without a CORS preflight) could feed a JSON
route. Refusing every type but `application/json` (and `…+json`) closes that door for good,
whatever the authentication.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.enums import RequestEncodingType
from litestar.handlers.base import BaseRouteHandler
from litestar.params import BodyKwarg

from luukku.problems import DomainError

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class UnsupportedMediaType(DomainError):
    status_code = 415
    title = "Unsupported media type"


def takes_json(handler: BaseRouteHandler) -> bool:
    """Whether the handler reads a JSON body (`data`, JSON unless declared otherwise)."""
    field = handler.parsed_data_field
    if field is None:
        return False
    kwarg = field.kwarg_definition
    media_type = kwarg.media_type if isinstance(kwarg, BodyKwarg) else RequestEncodingType.JSON
    return str(media_type) == str(RequestEncodingType.JSON)


def is_json(content_type: str) -> bool:
    media_type = content_type.partition(";")[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def _has_body(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    length = connection.headers.get("content-length")
    if length is not None:
        return length.strip() not in {"", "0"}
    return "transfer-encoding" in connection.headers


async def json_bodies_only(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """An app-wide guard: a JSON route's body must say it is JSON (415 otherwise). A route
    whose body is optional may still be called with none at all. Asynchronous although it
    never waits: Litestar runs a synchronous guard in a worker thread, on every request."""
    if connection.scope.get("method") not in BODY_METHODS or not takes_json(handler):
        return
    content_type = connection.headers.get("content-type")
    if content_type is None and not _has_body(connection):
        return
    if content_type is None or not is_json(content_type):
        raise UnsupportedMediaType(
            f"This route takes `application/json`, not {content_type or 'an untyped body'!r}."
        )
