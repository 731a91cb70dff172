"""Public references (`LK-XXXX-XXXX`) and how secret tokens are kept (their SHA-256 only)."""

from __future__ import annotations

import hashlib
import re
import secrets

# Crockford's base32 without look-alikes: references are read aloud over the phone.
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_FORM = re.compile(f"LK-[{_REFERENCE_ALPHABET}]{{4}}-[{_REFERENCE_ALPHABET}]{{4}}")


def new_reference() -> str:
    body = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"LK-{body[:4]}-{body[4:]}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
