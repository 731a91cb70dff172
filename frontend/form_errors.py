"""Errors of a posted form, keyed by the form's own field names, for inline messages."""

from __future__ import annotations

import re
from collections.abc import Mapping

import msgspec

from luukku.problems import DomainError

# The booking API names customer fields `customer.<name>`; the form has them at the top.
_PREFIX = re.compile(r"^customer\.")
_MSGSPEC_PATH = re.compile(r"`\$\.(?P<path>[\w.]+)`")


def form_field(api_field: str) -> str:
    return _PREFIX.sub("", api_field)


def from_domain_error(error: DomainError, fallback: str) -> dict[str, str]:
    """{field: the service's message}; an error without fields lands on `fallback`."""
    if not error.errors:
        return {fallback: error.detail}
    return {form_field(e.field): e.message for e in error.errors}


def from_msgspec_error(error: msgspec.ValidationError, fallback: str) -> dict[str, str]:
    match = _MSGSPEC_PATH.search(str(error))
    return {form_field(match["path"]) if match else fallback: str(error)}


def text_field(form: Mapping[str, str], name: str) -> str | None:
    """A text input's value, None when left empty (optional fields)."""
    value = form.get(name, "").strip()
    return value or None
