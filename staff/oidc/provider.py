"""The city's OpenID Provider as Luukku sees it: its discovery document and signing keys,
fetched and cached, and the checks every token from it must pass.

Keys: the JWKS is cached; a token naming a key id the cache lacks makes one fresh fetch (the
provider has rotated its keys), at most once per `OIDC_JWKS_REFRESH_SECONDS`, so forged key ids
cannot make Luukku hammer the provider. Signatures: asymmetric algorithms only; `none` and
HMAC (which would make the client secret a signing key) are refused.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.oauth2.claims import JWTClaims
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry, extract_compact

from luukku.settings import Settings

SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")
DISCOVERY_TTL_SECONDS = 3600
LEEWAY_SECONDS = 60
"""Clock skew tolerated between Luukku and the provider."""
TIMEOUT = httpx.Timeout(10.0)


class ProviderUnavailable(Exception):
    """The provider could not be reached, or answered something that is not OpenID Connect."""


class TokenRejected(Exception):
    """A token from (or claiming to be from) the provider failed a check; `reason` names it."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Endpoints:
    issuer: str
    authorization: str
    token: str
    end_session: str | None


class OpenIDProvider:
    """One per app: holds the provider's metadata and keys between requests."""

    def __init__(self, settings: Settings, transport: httpx.AsyncBaseTransport | None = None):
        self.settings = settings
        self._transport = transport
        self._metadata: dict[str, Any] | None = None
        self._metadata_at = 0.0
        self._keys: KeySet | None = None
        self._keys_at = float("-inf")
        self._lock = asyncio.Lock()

    def http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=self._transport, timeout=TIMEOUT)

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            async with self.http() as client:
                response = await client.get(url, headers={"Accept": "application/json"})
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise ProviderUnavailable(f"{url}: {error}") from error
        if not isinstance(body, dict):
            raise ProviderUnavailable(f"{url}: not a JSON object")
        return body

    async def metadata(self) -> dict[str, Any]:
        """The discovery document, fetched again after an hour."""
        if self._metadata is None or time.monotonic() - self._metadata_at > DISCOVERY_TTL_SECONDS:
            issuer = self.settings.oidc_issuer.rstrip("/")
            document = await self._get_json(f"{issuer}/.well-known/openid-configuration")
            if document.get("issuer") != self.settings.oidc_issuer:
                raise ProviderUnavailable(
                    f"the discovery document names issuer {document.get('issuer')!r}"
                )
            self._metadata, self._metadata_at = document, time.monotonic()
        return self._metadata

    async def endpoints(self) -> Endpoints:
        document = await self.metadata()
        try:
            return Endpoints(
                issuer=str(document["issuer"]),
                authorization=str(document["authorization_endpoint"]),
                token=str(document["token_endpoint"]),
                end_session=document.get("end_session_endpoint"),
            )
        except KeyError as missing:
            raise ProviderUnavailable(f"the discovery document lacks {missing}") from None

    async def _fetch_keys(self) -> KeySet:
        document = await self.metadata()
        body = await self._get_json(str(document.get("jwks_uri", "")))
        try:
            keys = KeySet.import_key_set(body)  # type: ignore[arg-type]
        except (JoseError, ValueError, TypeError, KeyError) as error:
            raise ProviderUnavailable(f"the provider's JWKS is not usable: {error}") from error
        self._keys, self._keys_at = keys, time.monotonic()
        return keys

    async def key_set(self, key_id: str | None) -> KeySet:
        """The provider's keys; fetched again when `key_id` is new to us (key rotation)."""
        async with self._lock:
            if self._keys is None:
                return await self._fetch_keys()
            known = {key.kid for key in self._keys.keys}
            may_refresh = (
                time.monotonic() - self._keys_at >= self.settings.oidc_jwks_refresh_seconds
            )
            if key_id not in known and may_refresh:
                return await self._fetch_keys()
            return self._keys

    async def verify(
        self,
        token: str,
        claims_class: type[JWTClaims],
        options: Mapping[str, Any],
        params: Mapping[str, Any] | None = None,
    ) -> JWTClaims:
        """The claims of `token` once its signature, issuer, audience and times hold."""
        header = _header(token)
        algorithm = header.get("alg")
        if algorithm not in SIGNING_ALGORITHMS:
            raise TokenRejected("algorithm", f"alg {algorithm!r} is not accepted")
        keys = await self.key_set(header.get("kid"))
        if header.get("kid") is not None and header["kid"] not in {k.kid for k in keys.keys}:
            raise TokenRejected("key", f"key {header['kid']!r} is not in the provider's JWKS")
        try:
            decoded = jwt.decode(token, keys, registry=JWSRegistry(algorithms=[str(algorithm)]))
        except JoseError as error:
            raise TokenRejected("signature", str(error)) from error
        issuer = (await self.metadata())["issuer"]
        claims = claims_class(
            decoded.claims,
            decoded.header,
            {"iss": {"essential": True, "value": issuer}, **options},
            dict(params or {}),
        )
        try:
            claims.validate(now=int(time.time()), leeway=LEEWAY_SECONDS)
        except JoseError as error:
            raise TokenRejected(_claim_reason(error), str(error)) from error
        return claims


def _header(token: str) -> dict[str, Any]:
    """The JOSE header, read before any key is chosen."""
    try:
        return dict(extract_compact(token.encode("ascii")).headers())
    except (UnicodeEncodeError, ValueError, JoseError) as error:
        raise TokenRejected("malformed", str(error)) from error


CLAIM_REASONS = {
    "iss": "issuer",
    "aud": "audience",
    "azp": "audience",
    "exp": "expired",
    "iat": "not-yet-valid",
    "nbf": "not-yet-valid",
}


def _claim_reason(error: JoseError) -> str:
    """A short name for what failed, for the audit log and the refusal page."""
    claim = str(getattr(error, "claim", "") or "")
    return CLAIM_REASONS.get(claim, claim or "claims")
