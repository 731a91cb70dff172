"""A report as CSV in long format: one figure per line, `section,key,week,metric,value`, so a
spreadsheet pivots it any way and new figures never move old columns."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from booking.reports.figures import Rate, Report

HEADER = ("section", "key", "week", "metric", "value")
Line = tuple[str, str, str, str, str]


def _value(value: int | float | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _rate(section: str, rate: Rate) -> Iterator[Line]:
    yield section, "", "", "count", _value(rate.count)
    yield section, "", "", "of", _value(rate.of)
    yield section, "", "", "percent", _value(rate.percent)


def report_lines(report: Report) -> Iterator[Line]:
    """Every figure of `report`, times in the report's zone as in its JSON."""
    zone = ZoneInfo(report.timezone)
    for week in report.weeks:
        yield "bookings", "total", week.week, "bookings", _value(week.bookings)
        yield "bookings", "total", week.week, "all_bookings", _value(week.all_bookings)
        for dimension, counts in (
            ("service", week.by_service),
            ("channel", week.by_channel),
            ("agency", week.by_agency),
        ):
            for key, count in counts.items():
                yield "bookings", f"{dimension}:{key}", week.week, "bookings", _value(count)
    for expert in report.utilisation:
        key = f"expert:{expert.expert_id}"
        yield "utilisation", key, "", "booked_minutes", _value(expert.booked_minutes)
        yield "utilisation", key, "", "working_minutes", _value(expert.working_minutes)
        yield "utilisation", key, "", "percent", _value(expert.utilisation_percent)
    for slot in report.first_free_slots:
        key = f"service:{slot.service}"
        start = slot.first_free_start.astimezone(zone) if slot.first_free_start else None
        yield "first_free_slot", key, "", "first_free_start", _value(start)
        yield "first_free_slot", key, "", "days", _value(slot.days)
    yield from _rate("cancellation_rate", report.cancellation_rate)
    yield from _rate("no_show_rate", report.no_show_rate)
    contacts = report.contact_requests
    for metric in (
        "created",
        "answered",
        "answered_within_due",
        "past_due_unanswered",
        "within_due_percent",
        "median_answer_working_hours",
    ):
        yield "contact_requests", "", "", metric, _value(getattr(contacts, metric))
    for question in report.satisfaction:
        yield "satisfaction", question.question, "", "answers", _value(question.answers)
        yield "satisfaction", question.question, "", "average", _value(question.average)
        for grade, count in question.distribution.items():
            yield "satisfaction", question.question, "", f"answered_{grade}", _value(count)


def report_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(report_lines(report))
    return out.getvalue()


def csv_filename(report: Report) -> str:
    """The file name a downloaded report gets: agency and period."""
    return f"luukku-report-{report.agency or 'all'}-{report.start}-{report.end}.csv"
