"""The secret a customer's link carries, sent as `Authorization: Bearer <token>`: a booking's
manage token, a data link's token, a contact request's status token."""

from __future__ import annotations

from typing import Any

from litestar import Request

from luukku.problems import NotAuthenticated


def bearer_token(request: Request[Any, Any, Any], whose: str) -> str:
    """The request's bearer token; 401 naming `whose` token it should be when there is none."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated(f"Send {whose} as `Authorization: Bearer <token>`.")
    return token.strip()
