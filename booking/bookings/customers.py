"""Customer details of a booking: validated and normalised, each problem naming its field."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.fi import ytunnus

from booking.bookings.schemas import CustomerIn
from luukku.problems import FieldError, InvalidInput
from luukku.settings import Settings

LANGUAGES = ("fi", "sv", "en")


@dataclass(frozen=True, slots=True)
class Customer:
    name: str
    email: str
    phone: str = ""
    company: str = ""
    business_id: str = ""
    """Y-tunnus (Finnish business ID), `1234567-8`."""
    language: str = "fi"


def _has_control_characters(text: str) -> bool:
    return any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in text)


def clean_customer(
    *,
    name: str,
    email: str,
    phone: str | None,
    company: str | None,
    business_id: str | None,
    language: str,
) -> Customer:
    """A Customer, or InvalidInput listing every bad field (prefixed `customer.`)."""
    errors: list[FieldError] = []
    name = " ".join(name.split())
    if not name:
        errors.append(FieldError("customer.name", "a name is required"))
    elif _has_control_characters(name):
        errors.append(FieldError("customer.name", "contains control characters"))

    normalised_email = ""
    try:
        normalised_email = validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        errors.append(FieldError("customer.email", str(exc)))

    normalised_phone = ""
    if phone and phone.strip():
        try:
            number = phonenumbers.parse(phone, "FI")
            if not phonenumbers.is_valid_number(number):
                raise phonenumbers.NumberParseException(1, "not a valid number")
            normalised_phone = phonenumbers.format_number(
                number, phonenumbers.PhoneNumberFormat.E164
            )
        except phonenumbers.NumberParseException:
            errors.append(FieldError("customer.phone", "not a valid phone number"))

    company = " ".join((company or "").split())
    if _has_control_characters(company):
        errors.append(FieldError("customer.company", "contains control characters"))

    normalised_business_id = ""
    if business_id and business_id.strip():
        try:
            normalised_business_id = ytunnus.format(ytunnus.validate(business_id))
        except StdnumValidationError:
            errors.append(
                FieldError("customer.business_id", "not a valid Y-tunnus (format 1234567-8)")
            )

    if language not in LANGUAGES:
        errors.append(FieldError("customer.language", "must be fi, sv or en"))

    if errors:
        raise InvalidInput("; ".join(f"{e.field}: {e.message}" for e in errors), errors)
    return Customer(
        name=name,
        email=normalised_email,
        phone=normalised_phone,
        company=company,
        business_id=normalised_business_id,
        language=language,
    )


def customer_from_request(
    details: CustomerIn,
    language: str,
    notice_version: str | None,
    settings: Settings,
) -> tuple[Customer, str]:
    """The customer of a booking or contact request as sent, checked and normalised, with
    the privacy notice version they accepted (the current one when unsaid; an older one is
    refused, naming `privacy_notice_version`)."""
    customer = clean_customer(
        name=details.name,
        email=details.email,
        phone=details.phone,
        company=details.company,
        business_id=details.business_id,
        language=details.language or language,
    )
    notice = notice_version or settings.privacy_notice_version
    if notice != settings.privacy_notice_version:
        raise InvalidInput.field(
            "privacy_notice_version",
            f"the current privacy notice is version {settings.privacy_notice_version}",
        )
    return customer, notice
