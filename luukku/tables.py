"""Tables of the process-wide machinery: the claims that make each periodic job run once a tick."""

from __future__ import annotations

from piccolo.columns import BigInt, Serial, Timestamptz, Varchar
from piccolo.table import Table


class JobRun(Table, tablename="job_run"):
    """One run of a periodic job in one tick slot, claimed by the runner that inserted it.

    `(job, tick_start)` is unique (migrations/luukku), so of any number of worker processes
    exactly one inserts the row for a slot, and only that one runs the job in it.
    """

    id: Serial  # added by Piccolo; declared for the type checker

    job = Varchar(length=64)
    tick_start = BigInt()
    """Start of the slot, seconds since the epoch: a multiple of the job's interval."""
    claimed_at = Timestamptz()
    runner = Varchar(length=200, default="")
    """`host:pid` of the process that ran it, for operators."""


TABLES: tuple[type[Table], ...] = (JobRun,)
