"""What every JSON body shares: text without NUL characters (PostgreSQL refuses them in text
columns, so they are refused at the edge with the field named, never as a 500)."""

from __future__ import annotations

NO_NUL = r"^[^\x00]*$"
"""A `msgspec.Meta(pattern=...)` for any free text."""
