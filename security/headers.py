"""Security headers on every response: a strict Content-Security-Policy, no sniffing, no
referrer leaking manage tokens, no framing, and HSTS when Luukku is served over https."""

from __future__ import annotations

from urllib.parse import urlsplit

from litestar.types import BeforeMessageSendHookHandler, Message, Scope

from luukku.settings import Settings

# Pages load scripts and style sheets from Luukku itself only. Inline style *attributes*
# stay allowed (the time grid places events with them); inline scripts never.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The API documentation pages (/schema): Redoc's bundle and fonts served by Luukku itself
# (frontend/schema_docs.py), Litestar's inline start-up script and Redoc's injected styles;
# they show no personal data.
SCHEMA_DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "font-src 'self'; img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
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

    def encoded(policy: str) -> list[tuple[bytes, bytes]]:
        headers = {
            "content-security-policy": policy,
            "x-content-type-options": "nosniff",
            "referrer-policy": "no-referrer",
            "x-frame-options": "DENY",
            "cross-origin-opener-policy": "same-origin",
            "permissions-policy": "camera=(), microphone=(), geolocation=()",
            **({"strict-transport-security": HSTS} if use_hsts else {}),
        }
        return [(name.encode(), value.encode("latin-1")) for name, value in headers.items()]

    # Encoded once: the hook runs on every response.
    for_pages, for_schema_docs = encoded(page_policy), encoded(SCHEMA_DOCS_POLICY)
    ours = {name for name, _ in for_pages}

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        path = scope.get("path", "")
        schema_docs = path.startswith("/schema") and not path.endswith((".json", ".yaml"))
        theirs = [pair for pair in message.get("headers", ()) if pair[0].lower() not in ours]
        message["headers"] = [*theirs, *(for_schema_docs if schema_docs else for_pages)]

    return add_headers
