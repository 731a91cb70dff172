"""The secret a customer's link carries, sent as `Authorization: Bearer <token>`: a booking's
manage token, a data link's token, a contact request's status token."""

from __future__ import annotations

from typing import Any

from litestar import Request

from luukku.problems import NotAuthenticated


def bearer_token(request: Request[Any, Any, Any], whose: str, *, required: bool = True) -> str:
    """The request's bearer token. Without one: 401 naming `whose` token it should be, or ""
    when it is not `required` (the caller then answers as for a wrong token)."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        if not required:
            return ""
        raise NotAuthenticated(f"Send {whose} as `Authorization: Bearer <token>`.")
    return token.strip()
