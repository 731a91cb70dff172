"""Finnish public holidays, Midsummer Eve and Christmas Eve included, as local dates."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays


@lru_cache(maxsize=16)
def _holidays_of_year(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("FI", years=year, categories=("public",)))


def finnish_holidays(first: date, last: date) -> frozenset[date]:
    """Holidays from `first` to `last` inclusive."""
    return frozenset(
        day
        for year in range(first.year, last.year + 1)
        for day in _holidays_of_year(year)
        if first <= day <= last
    )
