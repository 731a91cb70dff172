"""The link in a contact request's receipt to the page that follows its status
(`/contact-requests/{reference}?token=…`): the token is derived from the reference with the
app's secret, so it names nothing about the customer and any later letter can repeat it."""

from __future__ import annotations

from booking.bookings.manage_links import derived_token
from luukku.settings import Settings

_STATUS = "luukku contact request status"


def status_token(settings: Settings, reference: str) -> str:
    return derived_token(settings, _STATUS, reference)


def status_url(settings: Settings, reference: str) -> str:
    token = status_token(settings, reference)
    return f"{settings.public_base_url}/contact-requests/{reference}?token={token}"
