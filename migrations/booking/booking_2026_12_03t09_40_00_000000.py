"""Availability versions: a counter per expert (and one for the catalogue) that the database
raises in the same transaction as every change to what decides free time.

Triggers, so no write path can forget it: reservations (bookings, joint sessions, holds, all of
which hold time through `reservation`), bookings, absences, working hours, date overrides and
external busy times raise `expert:<id>` (a reservation its own resource); services, their
experts, experts and agencies raise `catalogue`. The slot search keys its cache on these.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T09:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "availability_version and the triggers that raise it"

TABLE_UP = (
    "CREATE TABLE availability_version "
    "(scope VARCHAR(64) PRIMARY KEY, version BIGINT NOT NULL DEFAULT 0)"
)
PER_EXPERT = {
    "reservation": "{row}.resource",
    "booking": "'expert:' || {row}.expert",
    "absence": "'expert:' || {row}.expert",
    "working_hours": "'expert:' || {row}.expert",
    "date_override": "'expert:' || {row}.expert",
    "external_busy": "'expert:' || {row}.expert",
}
CATALOGUE = ("service", "service_expert", "expert", "agency")
# A scope's first version is random, so a database emptied or restored never repeats the
# versions a running process kept results under.
FIRST = {
    "postgres": "(random() * 1e15)::bigint",
    "sqlite": "abs(random() % 1000000000000000)",
}
BUMP = (
    "INSERT INTO availability_version (scope, version) VALUES ({scope}, {first}) "
    "ON CONFLICT (scope) DO UPDATE SET version = availability_version.version + 1"
)


def postgres_up() -> list[str]:
    statements = [TABLE_UP]
    for table, scope in PER_EXPERT.items():
        function = f"availability_bump_{table}"
        statements += [
            f"""CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN {BUMP.format(scope=scope.format(row="OLD"), first=FIRST["postgres"])}; END IF;
  IF TG_OP <> 'DELETE' THEN {BUMP.format(scope=scope.format(row="NEW"), first=FIRST["postgres"])}; END IF;
  RETURN NULL;
END $$""",
            f"CREATE TRIGGER {function} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()",
        ]
    statements.append(
        f"""CREATE FUNCTION availability_bump_catalogue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {BUMP.format(scope="'catalogue'", first=FIRST["postgres"])}; RETURN NULL; END $$"""
    )
    statements += [
        f"CREATE TRIGGER availability_bump_catalogue AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION availability_bump_catalogue()"
        for table in CATALOGUE
    ]
    return statements


def sqlite_up() -> list[str]:
    statements = [TABLE_UP]
    for table, scope in PER_EXPERT.items():
        for event, rows in (("INSERT", ("NEW",)), ("DELETE", ("OLD",)), ("UPDATE", ("OLD", "NEW"))):
            body = " ".join(
                f"{BUMP.format(scope=scope.format(row=row), first=FIRST['sqlite'])};" for row in rows
            )
            statements.append(
                f"CREATE TRIGGER availability_bump_{table}_{event.lower()} AFTER {event} "
                f"ON {table} BEGIN {body} END"
            )
    for table in CATALOGUE:
        for event in ("INSERT", "DELETE", "UPDATE"):
            statements.append(
                f"CREATE TRIGGER availability_bump_{table}_{event.lower()} AFTER {event} "
                f"ON {table} BEGIN {BUMP.format(scope=repr('catalogue'), first=FIRST['sqlite'])}; END"
            )
    return statements


def down(engine_type: str) -> list[str]:
    if engine_type == "sqlite":
        # Dropping the table leaves triggers that write to it: drop them first.
        names = [f"availability_bump_{t}_{e}" for t in PER_EXPERT for e in ("insert", "delete", "update")]
        names += [f"availability_bump_{t}_{e}" for t in CATALOGUE for e in ("insert", "delete", "update")]
        return [f"DROP TRIGGER IF EXISTS {name}" for name in names] + [
            "DROP TABLE IF EXISTS availability_version"
        ]
    statements = [f"DROP TRIGGER IF EXISTS availability_bump_{t} ON {t}" for t in PER_EXPERT]
    statements += [f"DROP FUNCTION IF EXISTS availability_bump_{t}()" for t in PER_EXPERT]
    statements += [f"DROP TRIGGER IF EXISTS availability_bump_catalogue ON {t}" for t in CATALOGUE]
    statements += [
        "DROP FUNCTION IF EXISTS availability_bump_catalogue()",
        "DROP TABLE IF EXISTS availability_version",
    ]
    return statements


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="booking", description=DESCRIPTION)
    engine = engine_finder()
    assert engine is not None

    async def create() -> None:
        statements = sqlite_up() if engine.engine_type == "sqlite" else postgres_up()
        for statement in statements:
            await engine._run_in_new_connection(statement)

    async def drop() -> None:
        for statement in down(engine.engine_type):
            await engine._run_in_new_connection(statement)

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
