"""The SMTP connection messages leave through (aiosmtplib), and what its failures mean.

One connection is kept open across messages and batches and opened again after any failure.
Failures are sorted into transient (connection refused or lost, timeout, 4xx: try again
later) and permanent (5xx for the message or recipient, an address no server takes).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

import aiosmtplib

from luukku.settings import Settings

logger = logging.getLogger(__name__)


class DeliveryFailure(Exception):
    """A message not delivered; `permanent` when trying again cannot help."""

    def __init__(self, reason: str, *, permanent: bool, connection: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.connection = connection
        """The server could not be reached at all: no use trying the next message now."""


class Mailer(Protocol):
    async def send(self, message: EmailMessage) -> None:
        """Deliver `message` or raise DeliveryFailure."""
        ...

    async def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    username: str = ""
    password: str = ""
    tls: str = "none"
    timeout_seconds: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig:
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password,
            tls=settings.smtp_tls,
            timeout_seconds=settings.smtp_timeout_seconds,
        )


def _response_failure(code: int, message: str) -> DeliveryFailure:
    return DeliveryFailure(f"SMTP {code} {message}".strip()[:400], permanent=code >= 500)


class SmtpMailer:
    """Sends over one reused SMTP connection."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._client: aiosmtplib.SMTP | None = None

    async def _connected(self) -> aiosmtplib.SMTP:
        if self._client is not None and self._client.is_connected:
            return self._client
        config = self.config
        client = aiosmtplib.SMTP(
            hostname=config.host,
            port=config.port,
            use_tls=config.tls == "tls",
            start_tls=config.tls == "starttls",
            timeout=config.timeout_seconds,
        )
        try:
            await client.connect()
            if config.username:
                await client.login(config.username, config.password)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            client.close()
            # Refused logins and unreachable servers are the operator's to fix, not the
            # message's fault: transient, so nothing is marked failed for them.
            raise DeliveryFailure(
                f"cannot reach {config.host}:{config.port}: {exc}"[:400],
                permanent=False,
                connection=True,
            ) from exc
        self._client = client
        return client

    async def send(self, message: EmailMessage) -> None:
        client = await self._connected()
        try:
            errors, _ = await client.send_message(message)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            refused = exc.recipients[0]
            raise _response_failure(refused.code, refused.message) from exc
        except (aiosmtplib.SMTPSenderRefused, aiosmtplib.SMTPAuthenticationError) as exc:
            await self.close()
            raise DeliveryFailure(
                f"server refused the sender: {exc}"[:400], permanent=False, connection=True
            ) from exc
        except aiosmtplib.SMTPResponseException as exc:
            await self._reset()
            raise _response_failure(exc.code, exc.message) from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            await self.close()
            raise DeliveryFailure(f"connection lost: {exc}"[:400], permanent=False) from exc
        main = message["To"].addresses[0].addr_spec if message["To"] else ""
        for address, response in errors.items():
            if address == main:
                raise _response_failure(response.code, response.message)
            # The main recipient took it; a refused copy address is worth a log line only.
            logger.warning(
                "copy of %s refused for %s: %s", message["Message-ID"], address, response
            )

    async def _reset(self) -> None:
        """After a refused message the connection stays usable once the transaction is reset."""
        if self._client is None:
            return
        try:
            await self._client.rset()
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            await self.close()

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is None or not client.is_connected:
            return
        try:
            await client.quit()
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            client.close()
