"""The directory search index: a generated tsvector with a GIN index on PostgreSQL (its
`finnish`, `swedish` and `english` configurations), an FTS5 table kept by triggers on SQLite.
Also one topic slug per agency. Self-contained: plain SQL, nothing of the application."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T09:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "directory search index"

COMMON_UP = ("CREATE UNIQUE INDEX IF NOT EXISTS topic_agency_slug ON topic (agency, slug)",)
COMMON_DOWN = ("DROP INDEX IF EXISTS topic_agency_slug",)

POSTGRES_UP = (
    """
    ALTER TABLE expert_document ADD COLUMN IF NOT EXISTS document tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('finnish', topics_fi), 'A')
        || setweight(to_tsvector('swedish', topics_sv), 'A')
        || setweight(to_tsvector('english', topics_en), 'A')
        || setweight(to_tsvector('simple', names), 'B')
        || setweight(to_tsvector('finnish', bio_fi), 'C')
        || setweight(to_tsvector('swedish', bio_sv), 'C')
        || setweight(to_tsvector('english', bio_en), 'C')
    ) STORED
    """,
    "CREATE INDEX IF NOT EXISTS expert_document_search ON expert_document USING GIN (document)",
)
POSTGRES_DOWN = (
    "DROP INDEX IF EXISTS expert_document_search",
    "ALTER TABLE expert_document DROP COLUMN IF EXISTS document",
)

SQLITE_UP = (
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS expert_document_fts USING fts5(
        topic_terms, body_terms, tokenize = 'unicode61 remove_diacritics 0'
    )
    """,
    """
    CREATE TRIGGER IF NOT EXISTS expert_document_fts_insert AFTER INSERT ON expert_document
    BEGIN
        INSERT INTO expert_document_fts (rowid, topic_terms, body_terms)
        VALUES (new.id, new.topic_terms, new.body_terms);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS expert_document_fts_update AFTER UPDATE ON expert_document
    BEGIN
        DELETE FROM expert_document_fts WHERE rowid = old.id;
        INSERT INTO expert_document_fts (rowid, topic_terms, body_terms)
        VALUES (new.id, new.topic_terms, new.body_terms);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS expert_document_fts_delete AFTER DELETE ON expert_document
    BEGIN
        DELETE FROM expert_document_fts WHERE rowid = old.id;
    END
    """,
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS expert_document_fts_delete",
    "DROP TRIGGER IF EXISTS expert_document_fts_update",
    "DROP TRIGGER IF EXISTS expert_document_fts_insert",
    "DROP TABLE IF EXISTS expert_document_fts",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="calendars", description=DESCRIPTION)
    engine = engine_finder()
    assert engine is not None

    async def run(statements: tuple[str, ...]) -> None:
        for statement in statements:
            await engine._run_in_new_connection(statement)

    async def up() -> None:
        await run(COMMON_UP)
        await run(POSTGRES_UP if engine.engine_type == "postgres" else SQLITE_UP)

    async def down() -> None:
        await run(POSTGRES_DOWN if engine.engine_type == "postgres" else SQLITE_DOWN)
        await run(COMMON_DOWN)

    manager.add_raw(up)
    manager.add_raw_backwards(down)
    return manager
