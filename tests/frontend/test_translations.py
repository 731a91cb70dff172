"""The page catalogues: every text of the templates translated into Finnish and Swedish."""

from __future__ import annotations

import pytest
from babel.messages.extract import extract_from_dir

from frontend.catalogues import read_catalogue
from frontend.templating import TEMPLATES

REQUIRED = ("fi", "sv")


def _template_messages() -> set[str]:
    found = extract_from_dir(
        str(TEMPLATES),
        method_map=[("**.html", "jinja2")],
        options_map={"**.html": {"trim_blocks": "true", "lstrip_blocks": "true"}},
    )
    return {message[0] if isinstance(message, tuple) else message for _, _, message, _, _ in found}


def _texts(string: object) -> list[str]:
    return list(string) if isinstance(string, tuple) else [str(string or "")]


@pytest.mark.parametrize("language", list(REQUIRED))
def test_every_template_text_is_in_the_catalogue(language: str):
    catalogue = read_catalogue(language)
    missing = _template_messages() - {m.id[0] if m.pluralizable else m.id for m in catalogue}
    assert not missing, f"run `make messages` and translate into {language}: {sorted(missing)}"


@pytest.mark.parametrize("language", list(REQUIRED))
def test_no_translation_is_empty_or_fuzzy(language: str):
    catalogue = read_catalogue(language)
    untranslated = [
        message.id
        for message in catalogue
        if message.id and (message.fuzzy or not all(_texts(message.string)))
    ]
    assert not untranslated, f"translate into {language}: {untranslated}"


@pytest.mark.parametrize("language", [*REQUIRED, "en"])
def test_translations_keep_the_placeholders(language: str):
    catalogue = read_catalogue(language)
    problems = [(message.id, errors) for message, errors in catalogue.check() if errors]
    assert not problems
