"""The pages' message catalogues: `locales/<lang>/LC_MESSAGES/messages.po`, compiled at start.

The `.po` files are the only form kept in git; they are compiled in memory when the app is
built, so there is no `.mo` build step to forget. English is the source language: an empty
English `msgstr` shows the `msgid` itself.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from luukku.languages import SUPPORTED

LOCALES = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"


def po_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(language: str) -> Catalog:
    with po_path(language).open("rb") as po:
        return read_po(po, locale=language, domain=DOMAIN)


def compile_catalogue(catalogue: Catalog) -> Translations:
    """Translations from a catalogue; fuzzy entries are left out, as `msgfmt` does."""
    mo = BytesIO()
    write_mo(mo, catalogue, use_fuzzy=False)
    mo.seek(0)
    return Translations(mo, domain=DOMAIN)


def load_translations() -> dict[str, Translations]:
    """Every supported language's translations, read once when the app is built."""
    return {language: compile_catalogue(read_catalogue(language)) for language in SUPPORTED}
