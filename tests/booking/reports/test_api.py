"""The report routes on the fixed world of `tests.report_world`: figures equal the ones worked
out by hand, the CSV holds exactly the JSON's figures, and only administrators of the agency
(or admins) get them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from luukku.clock import FixedClock
from testdata.factories import staff_headers
from tests.report_world import PASSWORD, PERIOD, REPORT_NOW, ReportWorld

CITY = {**PERIOD, "agency": "city-business"}


@pytest.fixture
def report_clock(clock: FixedClock) -> FixedClock:
    clock.current = REPORT_NOW.astimezone(UTC)
    return clock


async def _get(
    client: httpx.AsyncClient,
    email: str,
    params: dict[str, str],
    path: str = "/api/v1/admin/reports",
) -> httpx.Response:
    return await client.get(
        path, params=params, headers=await staff_headers(client, email, PASSWORD)
    )


async def test_report_figures_equal_the_hand_computed_ones(
    client: httpx.AsyncClient, report_world: ReportWorld, report_clock: FixedClock
):
    response = await _get(client, "boss@example.fi", CITY)

    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["start"], report["end"], report["agency"]) == (
        "2026-12-21",
        "2027-01-03",
        "city-business",
    )
    assert report["generated_at"] == "2027-01-05T10:00:00+02:00"
    assert report["weeks"] == [
        {
            "week": "2026-W52",
            "bookings": 4,
            "all_bookings": 5,
            "by_service": {"funding-advice": 3, "start-up": 1},
            "by_channel": {"phone": 2, "video": 2},
            "by_agency": {"city-business": 4},
        },
        {
            "week": "2026-W53",
            "bookings": 3,
            "all_bookings": 4,
            "by_service": {"funding-advice": 2, "start-up": 1},
            "by_channel": {"in_person": 1, "video": 2},
            "by_agency": {"city-business": 3},
        },
    ]
    # 7 working days (24.–26.12. and 1.1. are holidays) × 7 h = 2940 min; Bertta is away
    # 23.12. (420 min) and 29.12. 12–16 (240 min).
    assert [
        (u["name"], u["booked_minutes"], u["working_minutes"], u["utilisation_percent"])
        for u in report["utilisation"]
    ] == [("Aino Virtanen", 180, 2940, 6.1), ("Bertta Korhonen", 210, 2280, 9.2)]
    # Tuesday 10.00 + 2 h notice; start-up: 24 h notice, Wednesday 6.1. is Epiphany.
    assert [
        (s["service"], s["first_free_start"], s["days"]) for s in report["first_free_slots"]
    ] == [
        ("funding-advice", "2027-01-05T12:00:00+02:00", 0.1),
        ("permits", None, None),
        ("start-up", "2027-01-07T09:00:00+02:00", 2.0),
    ]
    assert report["cancellation_rate"] == {"count": 2, "of": 9, "percent": 22.2}
    assert report["no_show_rate"] == {"count": 1, "of": 5, "percent": 20.0}
    # Answered in 9 h, 26 h (late) and 0.5 h; one unanswered past its due time, one not yet due.
    assert report["contact_requests"] == {
        "created": 5,
        "answered": 3,
        "answered_within_due": 2,
        "past_due_unanswered": 1,
        "within_due_percent": 50.0,
        "median_answer_working_hours": 9.0,
    }
    assert report["satisfaction"] == [
        {
            "question": "needs_met",
            "answers": 4,
            "average": 4.25,
            "distribution": {"1": 0, "2": 0, "3": 1, "4": 1, "5": 2},
        },
        {
            "question": "communication",
            "answers": 4,
            "average": 4.5,
            "distribution": {"1": 0, "2": 0, "3": 0, "4": 2, "5": 2},
        },
    ]
    assert set(report["definitions"]) == {
        "bookings",
        "utilisation",
        "first_free_slot",
        "cancellation_rate",
        "no_show_rate",
        "contact_requests",
        "satisfaction",
        "waitlist",
    }
    # Nobody waited in this world: the waitlist figures are there, all zero.
    assert report["waitlist"] == {"offers_made": 0, "accepted": 0, "lapsed": 0}


async def test_an_admin_without_an_agency_gets_every_agency(
    client: httpx.AsyncClient, report_world: ReportWorld, report_clock: FixedClock
):
    response = await _get(client, "admin@example.fi", PERIOD)

    report = response.json()
    assert report["agency"] is None
    assert [week["by_agency"] for week in report["weeks"]] == [
        {"city-business": 4, "other-agency": 1},
        {"city-business": 3},
    ]
    assert report["contact_requests"]["created"] == 6
    assert report["satisfaction"][0]["answers"] == 5


def _json_lines(report: dict[str, Any]) -> set[tuple[str, str, str, str, str]]:
    """The JSON's figures as the CSV's lines should carry them."""

    def text(value: object) -> str:
        return "" if value is None else str(value)

    def moment(value: str | None) -> str:
        """A time as the CSV writes it: `24.11.2026 10.00`, as Finns write it."""
        if value is None:
            return ""
        at = datetime.fromisoformat(value)
        return f"{at.day}.{at.month}.{at.year} {at.hour}.{at.minute:02d}"

    lines = set()
    for week in report["weeks"]:
        lines.add(("bookings", "total", week["week"], "bookings", text(week["bookings"])))
        lines.add(("bookings", "total", week["week"], "all_bookings", text(week["all_bookings"])))
        for dimension in ("service", "channel", "agency"):
            for key, value in week[f"by_{dimension}"].items():
                lines.add(("bookings", f"{dimension}:{key}", week["week"], "bookings", text(value)))
    for expert in report["utilisation"]:
        key = f"expert:{expert['name']}"
        lines.add(("utilisation", key, "", "booked_minutes", text(expert["booked_minutes"])))
        lines.add(("utilisation", key, "", "working_minutes", text(expert["working_minutes"])))
        lines.add(("utilisation", key, "", "percent", text(expert["utilisation_percent"])))
    for slot in report["first_free_slots"]:
        key = f"service:{slot['service']}"
        lines.add(
            ("first_free_slot", key, "", "first_free_start", moment(slot["first_free_start"]))
        )
        lines.add(("first_free_slot", key, "", "days", text(slot["days"])))
    for section in ("cancellation_rate", "no_show_rate"):
        for metric, value in report[section].items():
            lines.add((section, "", "", metric, text(value)))
    for metric, value in report["contact_requests"].items():
        lines.add(("contact_requests", "", "", metric, text(value)))
    for question in report["satisfaction"]:
        name = question["question"]
        lines.add(("satisfaction", name, "", "answers", text(question["answers"])))
        lines.add(("satisfaction", name, "", "average", text(question["average"])))
        for grade, value in question["distribution"].items():
            lines.add(("satisfaction", name, "", f"answered_{grade}", text(value)))
    return lines


async def test_the_csv_holds_exactly_the_json_figures(
    client: httpx.AsyncClient, report_world: ReportWorld, report_clock: FixedClock
):
    json_report = (await _get(client, "admin@example.fi", CITY)).json()
    response = await _get(client, "admin@example.fi", CITY, "/api/v1/admin/reports.csv")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        'attachment; filename="luukku-report-city-business-2026-12-21-2027-01-03.csv"'
    )
    header, *rows = list(csv.reader(io.StringIO(response.text)))
    assert header == ["section", "key", "week", "metric", "value"]
    lines = [tuple(row) for row in rows]
    assert len(lines) == len(set(lines))
    assert set(lines) == _json_lines(json_report)


async def test_an_agency_admin_gets_their_own_agency_by_default(
    client: httpx.AsyncClient, report_world: ReportWorld, report_clock: FixedClock
):
    response = await _get(client, "other-boss@example.fi", PERIOD)

    assert response.status_code == 200
    assert [week["by_agency"] for week in response.json()["weeks"]] == [
        {"other-agency": 1},
        {},
    ]


@pytest.mark.parametrize("path", ["/api/v1/admin/reports", "/api/v1/admin/reports.csv"])
async def test_another_agencys_admin_and_an_expert_are_refused(
    client: httpx.AsyncClient, report_world: ReportWorld, report_clock: FixedClock, path: str
):
    other = await _get(client, "other-boss@example.fi", CITY, path)
    expert = await _get(client, "aino@example.fi", CITY, path)
    unknown = await _get(client, "admin@example.fi", {**PERIOD, "agency": "no-such"}, path)
    anonymous = await client.get(path, params=CITY)

    assert other.status_code == 403
    assert expert.status_code == 403
    assert unknown.status_code == 404
    assert anonymous.status_code == 401


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-13-01", "end": "2026-12-31"}, "start"),
        ({"start": "2026-12-01", "end": "31.12.2026"}, "end"),
        ({"end": "2026-12-31"}, "start"),
        ({"start": "2026-12-31", "end": "2026-12-01"}, "end"),
        ({"start": "2026-01-01", "end": "2027-01-02"}, "end"),
    ],
)
async def test_a_bad_period_is_refused_naming_the_field(
    client: httpx.AsyncClient,
    report_world: ReportWorld,
    report_clock: FixedClock,
    params: dict[str, str],
    field: str,
):
    response = await _get(client, "admin@example.fi", params)

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [error["field"] for error in response.json()["errors"]] == [field]


async def test_a_period_of_366_days_is_accepted(
    client: httpx.AsyncClient, report_world: ReportWorld, report_clock: FixedClock
):
    response = await _get(client, "admin@example.fi", {"start": "2026-01-01", "end": "2027-01-01"})

    assert response.status_code == 200
    assert len(response.json()["weeks"]) == 53


async def test_the_finnish_csv_opens_in_excel_with_names_and_decimal_commas(
    client: httpx.AsyncClient, report_world: ReportWorld, report_clock: FixedClock
):
    json_report = (await _get(client, "admin@example.fi", CITY)).json()
    response = await _get(
        client, "admin@example.fi", {**CITY, "lang": "fi"}, "/api/v1/admin/reports.csv"
    )

    text = response.text
    assert text.startswith("\ufeffsection;key;week;metric;value\r\n")
    rows = [line.split(";") for line in text.removeprefix("\ufeff").splitlines()[1:]]
    experts = {row[1] for row in rows if row[0] == "utilisation"}
    assert experts == {f"expert:{e['name']}" for e in json_report["utilisation"]}
    percents = [row[4] for row in rows if row[0] == "utilisation" and row[3] == "percent"]
    assert any("," in value for value in percents)
    assert not any("." in value for value in percents)
