"""The pages' message catalogues: `locales/<lang>/LC_MESSAGES/messages.po`, compiled at start
(the mail texts have their own domain in `notifications/locales`, read the same way)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.support import Translations

from luukku import translations

LOCALES = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"


def read_catalogue(language: str) -> Catalog:
    return translations.read_catalogue(LOCALES, DOMAIN, language)


def load_translations() -> dict[str, Translations]:
    """Every supported language's translations, read once when the app is built."""
    return translations.load_translations(LOCALES, DOMAIN)
