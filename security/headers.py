"""Security headers on every response: a strict Content-Security-Policy, no sniffing, no
referrer leaking manage tokens, no framing, and HSTS when Luukku is served over https."""

from __future__ import annotations

from urllib.parse import urlsplit

from litestar.datastructures import MutableScopeHeaders
from litestar.types import BeforeMessageSendHookHandler, Message, Scope

from luukku.settings import Settings

# Pages load scripts and style sheets from Luukku itself only. Inline style *attributes*
# stay allowed (the time grid places events with them); inline scripts never.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The API documentation pages (/schema) are Litestar's, built from a CDN bundle and an inline
# start-up script; they show no personal data.
SCHEMA_DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://fonts.googleapis.com https://cdn.jsdelivr.net; "
    "font-src 'self' https://fonts.gstatic.com; img-src 'self' data: https://cdn.redoc.ly; "
    "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
HSTS = "max-age=63072000; includeSubDomains"


def security_headers(settings: Settings) -> BeforeMessageSendHookHandler:
    """A `before_send` hook adding the headers to the start of every HTTP response."""
    use_hsts = settings.public_base_url.startswith("https://")
    page_policy = PAGE_POLICY
    if settings.oidc_enabled:
        # The sign-in and sign-out forms end at the city's identity provider (a redirect after
        # a form is bound by form-action too).
        issuer = urlsplit(settings.oidc_issuer)
        page_policy = PAGE_POLICY.replace(
            "form-action 'self'", f"form-action 'self' {issuer.scheme}://{issuer.netloc}"
        )

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        path = scope.get("path", "")
        schema_docs = path.startswith("/schema") and not path.endswith((".json", ".yaml"))
        headers["Content-Security-Policy"] = SCHEMA_DOCS_POLICY if schema_docs else page_policy
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "no-referrer"
        headers["X-Frame-Options"] = "DENY"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if use_hsts:
            headers["Strict-Transport-Security"] = HSTS

    return add_headers
