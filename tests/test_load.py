"""The short load check: bench/load.py for 20 s against 2 app processes and a worker on
PostgreSQL, then the database checked (no overlap, no lost booking, every mail sent once).
`make bench` runs the full minute."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import pytest

from bench.load import run_load

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


async def test_mixed_load_on_two_app_processes_loses_nothing(database_url: str, is_postgres: bool):
    if not is_postgres:
        pytest.skip("the production profile runs on PostgreSQL")
    parts = urlsplit(database_url)
    # A database of its own next to the suite's: the harness recreates its schema.
    url = urlunsplit(parts._replace(path=f"{parts.path}_load"))
    run = await run_load(url, seconds=20, users=8)
    assert not run.tally.errors, run.tally.errors
    assert run.tally.statuses[("book", 201)] > 0
    assert run.verification.ok, run.verification
