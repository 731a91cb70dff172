"""Babel message catalogues, the one translation mechanism of pages and mail alike.

A catalogue is `<locales>/<lang>/LC_MESSAGES/<domain>.po`; the `.po` files are the only form
kept in git and are compiled in memory when read, so there is no `.mo` build step to forget.
English is the source language: an empty English `msgstr` shows the `msgid` itself.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from luukku.languages import SUPPORTED


def po_path(locales: Path, domain: str, language: str) -> Path:
    return locales / language / "LC_MESSAGES" / f"{domain}.po"


def read_catalogue(locales: Path, domain: str, language: str) -> Catalog:
    with po_path(locales, domain, language).open("rb") as po:
        return read_po(po, locale=language, domain=domain)


def compile_catalogue(catalogue: Catalog, domain: str) -> Translations:
    """Translations from a catalogue; fuzzy entries are left out, as `msgfmt` does."""
    mo = BytesIO()
    write_mo(mo, catalogue, use_fuzzy=False)
    mo.seek(0)
    return Translations(mo, domain=domain)


def load_translations(locales: Path, domain: str) -> dict[str, Translations]:
    """Every supported language's translations of `domain`."""
    return {
        language: compile_catalogue(read_catalogue(locales, domain, language), domain)
        for language in SUPPORTED
    }
