"""Dates and times as the pages show them: Babel's Finnish-region locales (`fi_FI`, `sv_FI`,
`en_FI`: `10.00` in every language), always Helsinki time."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal

from luukku.languages import babel_locale

HELSINKI = ZoneInfo("Europe/Helsinki")


def local(moment: datetime) -> datetime:
    return moment.astimezone(HELSINKI)


def long_date(day: date | datetime, language: str) -> str:
    """`tiistai 24. marraskuuta 2026`."""
    if isinstance(day, datetime):
        day = local(day).date()
    return format_date(day, "full", locale=babel_locale(language))


def short_date(day: date, language: str) -> str:
    """A calendar column heading: `ti 24.11.` / `tis 24.11.` / `Tue 24.11.`."""
    return format_date(day, "EEE d.M.", locale=babel_locale(language))


def clock_time(moment: datetime, language: str) -> str:
    """`10.00` in Finnish, Swedish and English alike."""
    return format_time(moment, "short", tzinfo=HELSINKI, locale=babel_locale(language))


def time_of_day(value: time, language: str) -> str:
    """A wall-clock time without a date (opening hours): `9.00`."""
    return format_time(value, "short", locale=babel_locale(language))


def zone_name(moment: datetime, language: str) -> str:
    """The zone in force at `moment`: `Itä-Euroopan normaaliaika`, summer time in summer."""
    return format_datetime(moment, "zzzz", tzinfo=HELSINKI, locale=babel_locale(language))


def full_moment(moment: datetime, language: str) -> str:
    """Date, time and zone in one: what a confirmation must leave no doubt about."""
    return (
        f"{long_date(moment, language)} {clock_time(moment, language)}"
        f" ({zone_name(moment, language)})"
    )


def hour_mark(hour: int, language: str) -> str:
    """A time grid's hour line: `9.00` in every language."""
    return format_time(time(hour), "short", locale=babel_locale(language))


def decimal_number(value: float, language: str) -> str:
    """`6,1` in Finnish and Swedish, `6.1` in English; at most two decimals."""
    return format_decimal(value, format="#,##0.##", locale=language)
