"""Tables of the expert directory: agencies' named topics, experts' bios and the search text."""

from __future__ import annotations

from piccolo.columns import ForeignKey, OnDelete, Serial, Text, Varchar
from piccolo.table import Table

from calendars.tables import Agency, Expert


class Topic(Table):
    """A named topic of an agency (e.g. `funding`: Rahoitus / Finansiering / Funding). Experts,
    services and contact requests name topics by `slug`; people see and choose the names."""

    id: Serial  # added by Piccolo; declared for the type checker

    agency = ForeignKey(Agency, on_delete=OnDelete.cascade, index=True)
    slug = Varchar(length=64)
    name_fi = Varchar(length=200)
    name_sv = Varchar(length=200)
    name_en = Varchar(length=200)


class ExpertBio(Table):
    """An expert's short introduction in the directory, in Finnish, Swedish and English."""

    id: Serial  # added by Piccolo; declared for the type checker

    expert = ForeignKey(Expert, on_delete=OnDelete.cascade, unique=True, index=True)
    bio_fi = Text(default="")
    bio_sv = Text(default="")
    bio_en = Text(default="")


class ExpertDocument(Table):
    """What the directory search reads of one expert, kept current by `index.py`.

    The texts feed a generated, GIN-indexed `tsvector` column on PostgreSQL (built with its
    `finnish`, `swedish` and `english` configurations); the `*_terms` columns (Snowball stems,
    `analysis.py`) feed the FTS5 table `expert_document_fts` on SQLite, kept by triggers. Both
    are made by the migrations, outside these declarations.
    """

    id: Serial  # added by Piccolo; declared for the type checker

    expert = ForeignKey(Expert, on_delete=OnDelete.cascade, unique=True, index=True)
    names = Text(default="")
    topics_fi = Text(default="")
    topics_sv = Text(default="")
    topics_en = Text(default="")
    bio_fi = Text(default="")
    bio_sv = Text(default="")
    bio_en = Text(default="")
    topic_terms = Text(default="")
    """Stems of the topic names: a match here ranks first."""
    body_terms = Text(default="")
    """Stems of the name and the bios."""


TABLES: tuple[type[Table], ...] = (Topic, ExpertBio, ExpertDocument)
