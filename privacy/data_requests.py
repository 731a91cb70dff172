"""Customers' own data requests: an emailed one-time link to see (export) and erase their data.

Anyone may ask for a link for any address; the answer is the same whether or not Luukku holds
data for it, and only the address's owner receives the link. The link is valid for
`LINK_VALIDITY`; erasing spends it. Exports and erasures are written to the audit log.

The token is stored only as its hash (`data_request.token_hash`). The message carrying the
link waits in the outbox with the link sealed (`luukku.sealing`, purpose `data-links`): the
worker opens it to write the mail, a database dump alone never yields a working link.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email

from luukku.problems import InvalidInput, NotFound
from luukku.sealing import Sealer
from luukku.settings import Settings
from notifications.outbox import record_data_request
from privacy.retention import Retention
from security import audit
from security.anonymisers import customer_subject
from security.tables import DataRequest

LINK_VALIDITY = timedelta(hours=24)
LINK_SEAL = "data-links"
"""The purpose the outbox's copy of a data link is sealed for (the worker opens it)."""
LANGUAGES = ("fi", "sv", "en")


@dataclass(frozen=True, slots=True)
class DataExport:
    email: str
    requested_at: datetime
    data: dict[str, list[dict[str, Any]]]


def _hash(token: str) -> str:
    return hashlib.sha256(f"luukku-data-request:{token}".encode()).hexdigest()


def normalised_email(email: str) -> str:
    """The address as bookings store it (see booking/bookings/customers.py)."""
    try:
        return str(validate_email(email.strip(), check_deliverability=False).normalized)
    except EmailNotValidError as exc:
        raise InvalidInput.field("email", str(exc)) from exc


async def request_link(
    email: str, language: str, retention: Retention, settings: Settings, now: datetime
) -> None:
    """Emails a one-time link when Luukku holds data for `email`; silently nothing otherwise."""
    address = normalised_email(email)
    if not await retention.has_data(address):
        return
    token = secrets.token_urlsafe(32)
    token_hash = _hash(token)
    await DataRequest.insert(
        DataRequest(
            token_hash=token_hash, email=address, created_at=now, expires_at=now + LINK_VALIDITY
        )
    )
    link = f"{settings.public_base_url}/my-data?token={token}"
    sealed = Sealer.from_settings(LINK_SEAL, settings).seal(link)
    language = language if language in LANGUAGES else "fi"
    await record_data_request(address, language, sealed, token_hash[:32], now)


async def _open(token: str, now: datetime) -> dict[str, Any]:
    token_hash = _hash(token)
    row = await DataRequest.select().where(DataRequest.token_hash == token_hash).first()
    if (
        row is None
        or not hmac.compare_digest(row["token_hash"], token_hash)
        or row["used_at"] is not None
        or now >= row["expires_at"]
    ):
        raise NotFound("The link is unknown, used or expired; ask for a new one.")
    return row


async def export_data(token: str, retention: Retention, now: datetime) -> DataExport:
    row = await _open(token, now)
    data = await retention.export(row["email"])
    await audit.record("customer", "export", customer_subject(row["email"]))
    return DataExport(email=row["email"], requested_at=row["created_at"], data=data)


async def erase_data(token: str, retention: Retention, now: datetime) -> dict[str, int]:
    """Anonymises every row of the link's address, and spends the link."""
    row = await _open(token, now)
    spent = (
        await DataRequest.update({DataRequest.used_at: now})
        .where((DataRequest.id == row["id"]) & DataRequest.used_at.is_null())
        .returning(DataRequest.id)
    )
    if not spent:
        raise NotFound("The link is unknown, used or expired; ask for a new one.")
    counts = await retention.erase(row["email"])
    detail = ", ".join(f"{name}: {n}" for name, n in counts.items())
    await audit.record("customer", "erase", customer_subject(row["email"]), detail)
    return counts


async def forget_expired_requests(now: datetime) -> None:
    """Links past their expiry are of no use to anyone: dropped by the daily job."""
    await DataRequest.delete().where(DataRequest.expires_at < now)
