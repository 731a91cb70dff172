"""The message catalogues: every text of the templates (domain `messages`) and of the mail
(domain `mail`) translated into Finnish and Swedish."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_from_file

from frontend.catalogues import read_catalogue
from frontend.templating import TEMPLATES
from luukku import translations
from notifications import texts

REQUIRED = ("fi", "sv")
DOMAINS = ("messages", "mail")


def _template_messages() -> set[str]:
    found = extract_from_dir(
        str(TEMPLATES),
        method_map=[("**.html", "jinja2")],
        options_map={"**.html": {"trim_blocks": "true", "lstrip_blocks": "true"}},
    )
    return {message[0] if isinstance(message, tuple) else message for _, _, message, _, _ in found}


def _mail_messages() -> set[str]:
    found = extract_from_file("python", Path(texts.__file__), keywords={"N_": None})
    return {str(message) for _, message, _, _ in found}


def _catalogue(domain: str, language: str) -> Catalog:
    if domain == "mail":
        return translations.read_catalogue(texts.LOCALES, texts.DOMAIN, language)
    return read_catalogue(language)


def _texts(string: object) -> list[str]:
    return list(string) if isinstance(string, tuple) else [str(string or "")]


@pytest.mark.parametrize("language", list(REQUIRED))
def test_every_template_text_is_in_the_catalogue(language: str):
    catalogue = read_catalogue(language)
    missing = _template_messages() - {m.id[0] if m.pluralizable else m.id for m in catalogue}
    assert not missing, f"run `make messages` and translate into {language}: {sorted(missing)}"


@pytest.mark.parametrize("language", list(REQUIRED))
def test_every_mail_text_is_in_the_mail_catalogue(language: str):
    catalogue = _catalogue("mail", language)
    missing = _mail_messages() - {m.id for m in catalogue}
    assert _mail_messages() == set(texts.SOURCE.values())
    assert not missing, f"run `make messages` and translate into {language}: {sorted(missing)}"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", list(REQUIRED))
def test_no_translation_is_empty_or_fuzzy(language: str, domain: str):
    catalogue = _catalogue(domain, language)
    untranslated = [
        message.id
        for message in catalogue
        if message.id and (message.fuzzy or not all(_texts(message.string)))
    ]
    assert not untranslated, f"translate into {language}: {untranslated}"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", [*REQUIRED, "en"])
def test_translations_keep_the_placeholders(language: str, domain: str):
    catalogue = _catalogue(domain, language)
    problems = [(message.id, errors) for message, errors in catalogue.check() if errors]
    assert not problems
