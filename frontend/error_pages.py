"""Errors on pages answered as pages, in the page's language, with the right status code."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    ValidationException,
)
from litestar.response import Redirect

from frontend.templating import page
from luukku.problems import DomainError, http_problem_response

# Addresses of machines, not people: they keep answering problem details.
MACHINE_PATHS = ("/api/", "/feeds/", "/schema", "/healthz", "/readyz", "/static/")


def error_page(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    headers: dict[str, str] = {}
    if isinstance(exc, DomainError):
        status = exc.status_code
        headers = dict(exc.headers)
    elif isinstance(exc, ValidationException):
        status = 400
    elif isinstance(exc, HTTPException):
        status = exc.status_code
    else:
        status = 500
    # Litestar's CSRF check answers 403 too; only then has the form expired.
    expired = status == 403 and "csrf" in str(getattr(exc, "detail", "")).lower()
    return page(
        request, "error.html", status_code=status, headers=headers, status=status, expired=expired
    )


def to_login(request: Request[Any, Any, Any], exc: NotAuthorizedException) -> Response[Any]:
    """A staff page without a valid session sends the browser to the login form."""
    back = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    return Redirect(f"/staff/login?next={back}", status_code=303)


def not_found(request: Request[Any, Any, Any], exc: NotFoundException) -> Response[Any]:
    """An unknown address: a page for people, problem details for the API and feeds."""
    if request.url.path.startswith(MACHINE_PATHS):
        return http_problem_response(request, exc)
    return error_page(request, exc)
