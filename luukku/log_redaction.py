"""Live tokens never reach a log: every log record the process writes has them redacted.

Luukku's links carry secrets in the address: `/join/<signed token>`, `…/manage?token=…`,
`/my-data?token=…`, `/feeds/<token>.ics`, `/feedback/<reference>/<token>`. An access log
(uvicorn's `uvicorn.access`, whatever server runs `app:app`) or an error log naming the path
would keep them readable for as long as the logs live. The app installs a log-record factory
at start-up, so every record of every logger (uvicorn's, Litestar's, Luukku's own) has its
message and arguments redacted before any handler formats it, whatever the log config.
A reverse proxy keeps its own logs: docs/deployment.md shows how to keep those clean too.
"""

from __future__ import annotations

import logging
import re
from typing import Any

REDACTED = "[redacted]"
_SEGMENT = r"[^/?#\s\"']+"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # A token in the path: a meeting link, a feed address, a feedback form, a hold.
    (re.compile(rf"(/join/){_SEGMENT}"), rf"\1{REDACTED}"),
    (re.compile(r"(/feeds/)[^?#\s\"']+"), rf"\1{REDACTED}"),
    (re.compile(rf"(/feedback/{_SEGMENT}/){_SEGMENT}"), rf"\1{REDACTED}"),
    (re.compile(rf"(/holds/){_SEGMENT}"), rf"\1{REDACTED}"),
    # Any query parameter naming a token (`token`, `hold_token`, `status_token`, …).
    (re.compile(r"([?&][\w.-]*token=)[^&#\s\"']+", re.IGNORECASE), rf"\1{REDACTED}"),
    # A bearer header or a bare JWT, should anything ever log one.
    (re.compile(r"(Bearer\s+)[\w.~+/=-]+", re.IGNORECASE), rf"\1{REDACTED}"),
    (re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+"), REDACTED),
)

_MAY_NAME_ONE = re.compile("token|bearer", re.IGNORECASE)


def redact(text: str) -> str:
    """`text` with every token Luukku puts in its addresses replaced by `[redacted]`."""
    if "/" not in text and "eyJ" not in text and not _MAY_NAME_ONE.search(text):
        return text  # the common case: nothing that could hold one
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _redacted(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """The record with its message and arguments redacted (in place)."""
    if isinstance(record.msg, str):
        record.msg = redact(record.msg)
    if isinstance(record.args, tuple):
        record.args = tuple(_redacted(arg) for arg in record.args)
    elif isinstance(record.args, dict):
        record.args = {key: _redacted(value) for key, value in record.args.items()}
    return record


class RedactTokens(logging.Filter):
    """The same redaction as a logging filter, for a log config of the operator's own
    (`filters: {tokens: {"()": luukku.log_redaction.RedactTokens}}`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def install_log_redaction() -> None:
    """Make every log record of this process redacted from now on (idempotent)."""
    current = logging.getLogRecordFactory()
    if getattr(current, "redacts_tokens", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(current(*args, **kwargs))

    factory.redacts_tokens = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
