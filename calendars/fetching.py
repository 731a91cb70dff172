"""The HTTP fetcher that reads experts' external calendars: bounded in time and size, and
kept away from private networks.

A calendar URL is typed in by an expert, so the fetcher treats it as untrusted: only http and
https, every host (the first and each redirect's) resolved and checked before connecting, and
the connection made to the checked address itself, so a second DNS answer cannot point it
somewhere else. Redirects are followed by hand for that reason; credentials go only to the
origin they were given for.
"""

from __future__ import annotations

import asyncio
import base64
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

import httpx

Resolver = Callable[[str, int], Awaitable[list[str]]]
"""Host name and port to the IP addresses a connection may use."""

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_USER_AGENT = "Luukku calendar sync"


class FetchError(Exception):
    """A remote calendar could not be read. The message is shown to the expert and stored, so
    it names the host, never the whole URL (an ICS address is itself a secret)."""


async def resolve_host(host: str, port: int) -> list[str]:
    """The addresses the system resolver gives for `host`, without blocking the event loop."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise FetchError(f"{host}: the name does not resolve ({exc.strerror or exc})") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public_address(address: str) -> bool:
    """Whether `address` is on the public internet: not private, loopback, link-local,
    shared (CGNAT), multicast, reserved or unspecified. IPv4-mapped IPv6 counts as its IPv4."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)


def _ascii_host(url: httpx.URL) -> str:
    """The host as DNS and TLS know it: internationalised names in their xn-- form."""
    return url.raw_host.decode("ascii")


def _host_header(url: httpx.URL) -> str:
    host = f"[{url.host}]" if ":" in url.host else _ascii_host(url)
    return host if url.port is None else f"{host}:{url.port}"


def _basic_auth(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


def _size(size: int) -> str:
    return f"{size // 1024} kB" if size < 1024 * 1024 else f"{size / (1024 * 1024):g} MB"


@dataclass(frozen=True, slots=True)
class Fetcher:
    """Reads one URL (GET, or a WebDAV method with a body) into bytes, or raises FetchError.

    `allowed_networks` admits named private networks (the city's internal CalDAV or Exchange
    gateway; `CALENDAR_ALLOWED_NETWORKS`), loopback only when listed; every other private
    address stays refused. `allow_private` admits them all, for tests of other things.
    `resolve` and `transport` replace DNS and the network in tests.
    """

    allow_private: bool = False
    allowed_networks: tuple[str, ...] = ()
    """CIDR networks as text (`10.20.0.0/16`): Litestar hands the fetcher to handlers as a
    dependency and checks its fields, which takes plain types only."""
    timeout_seconds: float = 10.0
    """For the whole fetch, redirects included; httpx's own timeouts are per operation."""
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    resolve: Resolver = resolve_host
    transport: httpx.AsyncBaseTransport | None = None

    async def fetch(
        self,
        url: str,
        *,
        method: str = "GET",
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
    ) -> bytes:
        """The body of a 2xx answer to `method url`, following up to `max_redirects`."""
        try:
            target = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise FetchError(f"the address is not a valid URL ({exc})") from exc
        try:
            async with asyncio.timeout(self.timeout_seconds):
                return await self._follow(target, method, body, dict(headers or {}), auth)
        except TimeoutError as exc:
            raise FetchError(
                f"{target.host}: no complete answer within {self.timeout_seconds:g} s"
            ) from exc

    async def _follow(
        self,
        url: httpx.URL,
        method: str,
        body: bytes | None,
        headers: dict[str, str],
        auth: tuple[str, str] | None,
    ) -> bytes:
        credentials_origin = _origin(url)
        for _ in range(self.max_redirects + 1):
            hop_auth = auth if _origin(url) == credentials_origin else None
            status, location, content = await self._request(url, method, body, headers, hop_auth)
            if status in _REDIRECTS and location:
                try:
                    url = url.join(location)
                except httpx.InvalidURL as exc:
                    raise FetchError(f"{url.host}: redirects to an invalid URL") from exc
                if status == 303:
                    method, body = "GET", None
                continue
            if not 200 <= status < 300:
                raise FetchError(f"{url.host}: the server answered HTTP {status}")
            return content
        raise FetchError(f"more than {self.max_redirects} redirects")

    async def _address(self, url: httpx.URL) -> str:
        """The checked address to connect to for `url`'s host."""
        if url.scheme not in {"http", "https"}:
            raise FetchError(f"only http and https addresses can be read, not {url.scheme!r}")
        if not url.host:
            raise FetchError("the address has no host")
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            addresses = [str(ipaddress.ip_address(url.host))]
        except ValueError:
            addresses = await self.resolve(_ascii_host(url), port)
        if not addresses:
            raise FetchError(f"{url.host}: the name does not resolve")
        if not self.allow_private:
            # One private answer refuses the host: which answer a retry gets is not ours to pick.
            for address in addresses:
                if not is_public_address(address) and not self._admitted(address):
                    raise FetchError(
                        f"{url.host}: resolves to a private or local address ({address}), "
                        "which calendars are not read from unless the operator admits its "
                        "network (CALENDAR_ALLOWED_NETWORKS)"
                    )
        return addresses[0]

    def _admitted(self, address: str) -> bool:
        """Whether the operator admitted `address`'s network (CALENDAR_ALLOWED_NETWORKS)."""
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        networks = (ipaddress.ip_network(net, strict=False) for net in self.allowed_networks)
        return any(ip.version == net.version and ip in net for net in networks)

    async def _request(
        self,
        url: httpx.URL,
        method: str,
        body: bytes | None,
        headers: dict[str, str],
        auth: tuple[str, str] | None,
    ) -> tuple[int, str | None, bytes]:
        """One request to the checked address of `url`: status, Location, body."""
        address = await self._address(url)
        pinned = url.copy_with(host=address)
        request_headers = {
            "User-Agent": _USER_AGENT,
            # Sizes are checked as the body arrives; a compressed body would be checked only
            # after each chunk had been inflated.
            "Accept-Encoding": "identity",
            **headers,
            "Host": _host_header(url),
        }
        if auth is not None:
            request_headers["Authorization"] = _basic_auth(*auth)
        extensions: dict[str, object] = {"timeout": httpx.Timeout(self.timeout_seconds).as_dict()}
        if url.scheme == "https":
            extensions["sni_hostname"] = _ascii_host(url)
        request = httpx.Request(
            method, pinned, headers=request_headers, content=body, extensions=extensions
        )
        # The transport is used without a client: httpx's client logs every request's full
        # URL at INFO, and an ICS URL is a password.
        transport = self.transport or httpx.AsyncHTTPTransport(
            retries=0, limits=httpx.Limits(max_keepalive_connections=0)
        )
        try:
            try:
                response = await transport.handle_async_request(request)
            except httpx.TimeoutException as exc:
                raise FetchError(f"{url.host}: timed out") from exc
            except httpx.HTTPError as exc:
                raise FetchError(f"{url.host}: could not connect ({exc})") from exc
            response.request = request
            try:
                if response.status_code in _REDIRECTS or not response.is_success:
                    return response.status_code, response.headers.get("Location"), b""
                return response.status_code, None, await self._read(url, response)
            finally:
                await response.aclose()
        finally:
            if transport is not self.transport:
                await transport.aclose()

    async def _read(self, url: httpx.URL, response: httpx.Response) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"{url.host}: larger than {_size(self.max_bytes)}")
        chunks: list[bytes] = []
        size = 0
        try:
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchError(f"{url.host}: larger than {_size(self.max_bytes)}")
                chunks.append(chunk)
        except httpx.TimeoutException as exc:
            raise FetchError(f"{url.host}: timed out") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"{url.host}: the answer broke off ({exc})") from exc
        return b"".join(chunks)
