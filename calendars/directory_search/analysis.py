"""How text becomes search terms: Snowball stems in Finnish, Swedish and English.

Pure functions, no database. A document's words are stemmed in the language they are written
in; a query's words in all three, since the customer may write in any. A query word matches a
document term that starts with one of its stems, so a word's derived forms are found too
("veroja" → `vero` finds "verotuksessa" → `verotuks`). Finnish and Swedish stems of one word
differ in their last letters between the base form and the inflected ones (`verotus`,
`verotuks`; `beskattning`, `beskattningen`), so a stem of five letters or more is matched
without its last two (never shorter than four).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import snowballstemmer

SEARCH_LANGUAGES = ("fi", "sv", "en")
_ALGORITHMS = {"fi": "finnish", "sv": "swedish", "en": "english"}
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 8
"""A query's first words only: the search stays fast whatever is typed."""
_SHORTEST_TRIMMED = 5
_TRIMMED_LETTERS = 2


@cache
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(_ALGORITHMS[language])


def words(text: str) -> list[str]:
    """The lower-case words of `text` (letters and digits; underscores split)."""
    return [w for w in _WORD.findall(text.casefold().replace("_", " ")) if w]


def stem(word: str, language: str) -> str:
    return str(_stemmer(language).stemWord(word))


def terms(text: str, language: str | None) -> list[str]:
    """The document terms of `text`: stems in `language`, or the plain words when None
    (names, which are not inflected words of any one language)."""
    found = words(text)
    if language is None:
        return found
    return [stem(word, language) for word in found]


@dataclass(frozen=True, slots=True)
class QueryWord:
    """One word of a query as the prefixes any of which a document term may start with."""

    word: str
    prefixes: tuple[str, ...]


def _prefix(stemmed: str) -> str:
    if len(stemmed) < _SHORTEST_TRIMMED:
        return stemmed
    return stemmed[: max(_SHORTEST_TRIMMED - 1, len(stemmed) - _TRIMMED_LETTERS)]


def parse_query(text: str) -> list[QueryWord]:
    """The query's words (at most MAX_QUERY_WORDS), each with its prefixes; all must match."""
    parsed: list[QueryWord] = []
    for word in dict.fromkeys(words(text)):
        stems = {_prefix(stem(word, language)) for language in SEARCH_LANGUAGES}
        stems.add(word)
        # A prefix that another one starts with adds nothing.
        prefixes = tuple(
            sorted(p for p in stems if not any(p != o and p.startswith(o) for o in stems))
        )
        parsed.append(QueryWord(word=word, prefixes=prefixes))
        if len(parsed) == MAX_QUERY_WORDS:
            break
    return parsed


def matches(query: Sequence[QueryWord], document_terms: Iterable[str]) -> bool:
    """Whether every query word has a document term starting with one of its prefixes."""
    have = list(document_terms)
    return all(any(t.startswith(p) for t in have for p in q.prefixes) for q in query)


def fts5_match(query: Sequence[QueryWord]) -> str:
    """The query as an SQLite FTS5 MATCH expression of prefix queries."""
    return " AND ".join("(" + " OR ".join(f'"{p}"*' for p in q.prefixes) + ")" for q in query)


def tsquery(query: Sequence[QueryWord]) -> str:
    """The query as PostgreSQL `to_tsquery('simple', …)` text of prefix lexemes."""
    return " & ".join("(" + " | ".join(f"'{p}':*" for p in q.prefixes) + ")" for q in query)
