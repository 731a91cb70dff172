"""One exception hierarchy for every domain, and its mapping to RFC 9457 problem details."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.spec import OpenAPI, OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Schema
from litestar.plugins.problem_details import (
    ProblemDetailsConfig,
    ProblemDetailsException,
    ProblemDetailsPlugin,
)
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR, HTTP_503_SERVICE_UNAVAILABLE

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    message: str


class DomainError(Exception):
    """Base of what services raise; each subclass knows its HTTP status."""

    status_code = 400
    title = "Bad request"
    headers: Mapping[str, str] = {}
    """Extra response headers (`Retry-After` on 429)."""

    def __init__(self, detail: str, errors: Sequence[FieldError] = ()) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = tuple(errors)


class InvalidInput(DomainError):
    """A well-formed request that asks for something impossible (start off the grid, bad email)."""

    status_code = 422
    title = "Invalid input"

    @classmethod
    def field(cls, field: str, message: str) -> InvalidInput:
        return cls(f"{field}: {message}", [FieldError(field, message)])


class NotFound(DomainError):
    """Unknown, or not for the caller to know about (wrong manage token included)."""

    status_code = 404
    title = "Not found"


class NotAuthenticated(DomainError):
    status_code = 401
    title = "Not authenticated"


class NotAllowed(DomainError):
    status_code = 403
    title = "Not allowed"


class Conflict(DomainError):
    """The request lost against the current state (slot taken, booking already cancelled)."""

    status_code = 409
    title = "Conflict"


class SlotTaken(Conflict):
    title = "Time no longer free"


class Gone(DomainError):
    """Existed, but is over for good (a cancelled meeting's link, a replaced link)."""

    status_code = 410
    title = "Gone"


def _problem(
    status: int,
    title: str,
    detail: str,
    errors: Sequence[FieldError] = (),
    headers: Mapping[str, str] | None = None,
) -> ProblemDetailsException:
    extra: dict[str, Any] = {}
    if errors:
        extra["errors"] = [{"field": e.field, "message": e.message} for e in errors]
    return ProblemDetailsException(
        status_code=status,
        title=title,
        detail=detail,
        type_="about:blank",
        extra=extra or None,
        headers=dict(headers) if headers else None,
    )


def _from_domain_error(exc: DomainError) -> ProblemDetailsException:
    return _problem(exc.status_code, exc.title, exc.detail, exc.errors, exc.headers)


_MSGSPEC_PATH = re.compile(r" - at `\$\.?(?P<path>[^`]*)`$")
# msgspec names the offending key inside the message, not in the path.
_NAMED_KEY = re.compile(r"Object (?:missing required|contains unknown) field `(?P<key>[^`]+)`")
_MISSING_PARAMETER = re.compile(r"Missing required \w+ parameter '(?P<key>[^']+)'")
# Litestar's name for the request body; the body's own fields are what clients know.
_BODY = "data"


def _field_name(key: str, message: str) -> str:
    if match := _MSGSPEC_PATH.search(message):
        key = match["path"]
    # One spelling for list items, `experts.0`, whether msgspec or Litestar named the key.
    key = key.replace("[", ".").replace("]", "")
    parts = [part for part in key.split(".") if part and part != _BODY]
    if named := _NAMED_KEY.search(message):
        parts.append(named["key"])
    return ".".join(parts) or "body"


def _field_errors(extra: Any, detail: str) -> list[FieldError]:
    """Litestar's validation `extra` ({key, message, source}) as named fields."""
    errors: list[FieldError] = []
    for item in extra if isinstance(extra, list) else []:
        if not isinstance(item, Mapping):
            continue
        message = str(item.get("message", "invalid value"))
        field = _field_name(str(item.get("key") or ""), message)
        errors.append(FieldError(field, _MSGSPEC_PATH.sub("", message)))
    if not errors and (missing := _MISSING_PARAMETER.search(detail)):
        errors.append(FieldError(missing["key"], "is required"))
    return errors


def _from_validation(exc: ValidationException) -> ProblemDetailsException:
    errors = _field_errors(exc.extra, str(exc.detail))
    detail = "; ".join(f"{e.field}: {e.message}" for e in errors) or str(exc.detail)
    return _problem(400, "Invalid request", detail, errors)


def _from_http_exception(exc: HTTPException) -> ProblemDetailsException:
    return _problem(exc.status_code, str(exc.detail), str(exc.detail), headers=exc.headers)


def http_problem_response(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    """The problem-details answer for a framework HTTP error (as the plugin gives it)."""
    return _from_http_exception(exc).to_response(request)


def nesting_error_handler(request: Request[Any, Any, Any], exc: RecursionError) -> Response[Any]:
    """JSON nested deeper than the decoder can follow is bad input, not a server fault."""
    return _problem(400, "Invalid request", "The request body is nested too deeply.").to_response(
        request
    )


DATABASE_UNREACHABLE: tuple[type[BaseException], ...] = (
    ConnectionError,  # refused, reset, aborted: the socket to the database
    TimeoutError,
    asyncpg.exceptions.PostgresConnectionError,  # class 08: the connection went away
    asyncpg.exceptions.CannotConnectNowError,  # 57P03: starting up or in recovery
    asyncpg.exceptions.AdminShutdownError,  # 57P01: shutting down
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.TooManyConnectionsError,
)
RETRY_AFTER_SECONDS = 5


def _database_unreachable(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(5):  # the driver's error may come wrapped
        if seen is None:
            return False
        if isinstance(seen, DATABASE_UNREACHABLE):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Anything unexpected: logged with its traceback, answered without internals. A lost
    database answers 503 with Retry-After: the pool reconnects once it is back."""
    if _database_unreachable(exc):
        logger.warning("database unreachable on %s %s: %r", request.method, request.url.path, exc)
        response = _problem(
            HTTP_503_SERVICE_UNAVAILABLE,
            "Service unavailable",
            "The database cannot be reached just now; nothing was saved. Try again shortly.",
        ).to_response(request)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _problem(
        HTTP_500_INTERNAL_SERVER_ERROR,
        "Internal server error",
        "The server could not complete the request; nothing was saved.",
    ).to_response(request)


def problem_details_plugin() -> ProblemDetailsPlugin:
    return ProblemDetailsPlugin(
        ProblemDetailsConfig(
            exception_to_problem_detail_map={
                DomainError: _from_domain_error,
                ValidationException: _from_validation,
                HTTPException: _from_http_exception,
            }
        )
    )


PROBLEM_JSON = "application/problem+json"
PROBLEM_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    required=["status", "title"],
    properties={
        "type": Schema(type=OpenAPIType.STRING),
        "title": Schema(type=OpenAPIType.STRING),
        "status": Schema(type=OpenAPIType.INTEGER),
        "detail": Schema(type=OpenAPIType.STRING),
        "errors": Schema(
            type=OpenAPIType.ARRAY,
            items=Schema(
                type=OpenAPIType.OBJECT,
                required=["field", "message"],
                properties={
                    "field": Schema(type=OpenAPIType.STRING),
                    "message": Schema(type=OpenAPIType.STRING),
                },
            ),
        ),
    },
)


def document_problem_responses(schema: OpenAPI) -> OpenAPI:
    """Every error response the schema documents is a problem document: say so.

    Litestar documents its validation answer (400) as `application/json` with its own body
    (`status_code`, `extra`), but the problem details plugin sends `application/problem+json`
    with `status`, `title`, `detail` and `errors`; clients and schema checkers trust the schema.
    """
    for item in (schema.paths or {}).values():
        for operation in (item.get, item.put, item.post, item.delete, item.patch):
            for status, response in ((operation.responses if operation else None) or {}).items():
                if not isinstance(response, OpenAPIResponse) or not str(status).startswith(
                    ("4", "5")
                ):
                    continue
                if response.content and "application/json" in response.content:
                    response.content = {PROBLEM_JSON: OpenAPIMediaType(schema=PROBLEM_SCHEMA)}
    return schema
