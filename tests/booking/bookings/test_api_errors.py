"""Every rejected booking request answers RFC 9457 problem details naming the field; never a 500."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from booking.tables import Booking, Reservation
from luukku.clock import FixedClock
from testdata.factories import booking_body, make_agency, make_expert, make_service

Client = httpx.AsyncClient

PROBLEM_JSON = "application/problem+json"
SLOTS = "/api/v1/services/funding-advice/slots"
# The clock stands at Monday 2026-11-23 10:00 in Helsinki; the advisor works 09-16 on weekdays.
TUESDAY_10 = "2026-11-24T10:00:00+02:00"
TUESDAY_13 = "2026-11-24T13:00:00+02:00"
WEDNESDAY_13 = "2026-11-25T13:00:00+02:00"
THURSDAY_13 = "2026-11-26T13:00:00+02:00"


@pytest.fixture
async def advisor(db: None) -> int:
    agency = await make_agency()
    expert = await make_expert(agency)
    await make_service(agency, buffer_after=10)
    return expert


def assert_problem(response: httpx.Response, status: int, field: str | None = None) -> Any:
    """The response is a problem document of `status`; with `field`, one of its errors names it."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    problem = response.json()
    assert problem["status"] == status
    assert problem["title"]
    assert problem["detail"]
    if field is not None:
        fields = [error["field"] for error in problem.get("errors", [])]
        assert field in fields, problem
    return problem


def message_for(problem: Any, field: str) -> str:
    [message] = [error["message"] for error in problem["errors"] if error["field"] == field]
    return str(message)


async def book(client: Client, start: str = TUESDAY_10, **overrides: object) -> Any:
    response = await client.post("/api/v1/bookings", json=booking_body(start, **overrides))
    assert response.status_code == 201, response.text
    return response.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def reschedule(client: Client, booking: Any, start: str) -> httpx.Response:
    return await client.post(
        f"/api/v1/bookings/{booking['reference']}/reschedule",
        json={"start": start},
        headers=bearer(booking["manage_token"]),
    )


async def read(client: Client, booking: Any) -> httpx.Response:
    return await client.get(
        f"/api/v1/bookings/{booking['reference']}", headers=bearer(booking["manage_token"])
    )


def without(body: dict[str, object], key: str) -> dict[str, object]:
    return {k: v for k, v in body.items() if k != key}


def customer(**overrides: object) -> dict[str, object]:
    details = booking_body(TUESDAY_10)["customer"]
    assert isinstance(details, dict)
    return {**details, **overrides}


# POST /api/v1/bookings: references and times


async def test_booking_an_unknown_service_is_404_naming_service(client: Client, advisor: int):
    response = await client.post(
        "/api/v1/bookings", json=booking_body(TUESDAY_10, service="tax-advice")
    )
    assert_problem(response, 404, "service")


async def test_booking_a_start_off_the_grid_is_422_naming_start(client: Client, advisor: int):
    response = await client.post("/api/v1/bookings", json=booking_body("2026-11-24T10:10:00+02:00"))
    problem = assert_problem(response, 422, "start")
    assert "start times" in message_for(problem, "start")


async def test_booking_after_working_hours_is_422_naming_start(client: Client, advisor: int):
    response = await client.post("/api/v1/bookings", json=booking_body("2026-11-24T20:00:00+02:00"))
    problem = assert_problem(response, 422, "start")
    assert "outside" in message_for(problem, "start")


async def test_booking_on_a_saturday_is_422_naming_start(client: Client, advisor: int):
    response = await client.post("/api/v1/bookings", json=booking_body("2026-11-28T10:00:00+02:00"))
    problem = assert_problem(response, 422, "start")
    assert "outside" in message_for(problem, "start")


async def test_booking_in_the_past_is_422_naming_start(client: Client, advisor: int):
    # 09:00 on the clock's own Monday: on the grid and in working hours, but an hour ago.
    response = await client.post("/api/v1/bookings", json=booking_body("2026-11-23T09:00:00+02:00"))
    problem = assert_problem(response, 422, "start")
    assert "past" in message_for(problem, "start")


async def test_booking_inside_the_minimum_notice_is_422_naming_start(client: Client, advisor: int):
    # An hour from now; the service asks for 120 minutes' notice.
    response = await client.post("/api/v1/bookings", json=booking_body("2026-11-23T11:00:00+02:00"))
    problem = assert_problem(response, 422, "start")
    assert "120 minutes" in message_for(problem, "start")


async def test_booking_beyond_the_horizon_is_422_naming_start(client: Client, advisor: int):
    # A Monday 70 days ahead; the service books at most 60 days ahead.
    response = await client.post("/api/v1/bookings", json=booking_body("2027-02-01T10:00:00+02:00"))
    problem = assert_problem(response, 422, "start")
    assert "60 days" in message_for(problem, "start")


async def test_booking_at_the_end_of_the_calendar_is_422_naming_start(client: Client, advisor: int):
    response = await client.post("/api/v1/bookings", json=booking_body("9999-12-31T23:00:00+00:00"))
    assert_problem(response, 422, "start")


async def test_booking_at_the_start_of_the_calendar_is_422_naming_start(
    client: Client, advisor: int
):
    response = await client.post("/api/v1/bookings", json=booking_body("0001-01-01T00:00:00+02:00"))
    assert_problem(response, 422, "start")


async def test_booking_a_taken_time_is_409(client: Client, advisor: int):
    await book(client)
    response = await client.post(
        "/api/v1/bookings",
        json=booking_body(TUESDAY_10, customer=customer(email="liisa@example.com")),
    )
    assert_problem(response, 409)
    assert await Booking.count() == 1


async def test_booking_an_unknown_expert_is_404_naming_expert_id(client: Client, advisor: int):
    response = await client.post(
        "/api/v1/bookings", json=booking_body(TUESDAY_10, expert_id=advisor + 1000)
    )
    assert_problem(response, 404, "expert_id")


async def test_booking_a_channel_the_service_does_not_offer_is_422_naming_channel(
    client: Client, advisor: int
):
    agency = await make_agency("permits")
    await make_service(agency, "permit-advice", channels=("in_person",), experts=(advisor,))
    body = booking_body(TUESDAY_10, service="permit-advice", channel="video")
    assert_problem(await client.post("/api/v1/bookings", json=body), 422, "channel")


async def test_booking_a_language_the_service_does_not_offer_is_422_naming_language(
    client: Client, advisor: int
):
    agency = await make_agency("permits")
    await make_service(agency, "permit-advice", languages=("fi",), experts=(advisor,))
    body = booking_body(TUESDAY_10, service="permit-advice", language="en")
    assert_problem(await client.post("/api/v1/bookings", json=body), 422, "language")


# POST /api/v1/bookings: customer details


async def test_booking_with_a_bad_email_is_422_naming_customer_email(client: Client, advisor: int):
    body = booking_body(TUESDAY_10, customer=customer(email="matti at example.com"))
    assert_problem(await client.post("/api/v1/bookings", json=body), 422, "customer.email")


async def test_booking_with_a_bad_ytunnus_is_422_naming_customer_business_id(
    client: Client, advisor: int
):
    body = booking_body(TUESDAY_10, customer=customer(business_id="1234567-8"))
    assert_problem(await client.post("/api/v1/bookings", json=body), 422, "customer.business_id")


async def test_booking_with_a_bad_phone_is_422_naming_customer_phone(client: Client, advisor: int):
    body = booking_body(TUESDAY_10, customer=customer(phone="123"))
    assert_problem(await client.post("/api/v1/bookings", json=body), 422, "customer.phone")


async def test_booking_with_a_name_over_200_characters_is_400_naming_customer_name(
    client: Client, advisor: int
):
    body = booking_body(TUESDAY_10, customer=customer(name="M" * 201))
    assert_problem(await client.post("/api/v1/bookings", json=body), 400, "customer.name")


async def test_booking_lists_every_bad_customer_field_at_once(client: Client, advisor: int):
    body = booking_body(
        TUESDAY_10, customer=customer(email="nobody@", phone="123", business_id="1234567-8")
    )
    problem = assert_problem(await client.post("/api/v1/bookings", json=body), 422)
    fields = {error["field"] for error in problem["errors"]}
    assert fields == {"customer.email", "customer.phone", "customer.business_id"}


# POST /api/v1/bookings: malformed bodies


async def test_booking_a_start_without_offset_is_400_naming_start(client: Client, advisor: int):
    response = await client.post("/api/v1/bookings", json=booking_body("2026-11-24T10:00:00"))
    assert_problem(response, 400, "start")


async def test_booking_without_customer_is_400_naming_customer(client: Client, advisor: int):
    body = without(booking_body(TUESDAY_10), "customer")
    assert_problem(await client.post("/api/v1/bookings", json=body), 400, "customer")


async def test_booking_without_customer_email_is_400_naming_customer_email(
    client: Client, advisor: int
):
    body = booking_body(TUESDAY_10, customer=without(customer(), "email"))
    assert_problem(await client.post("/api/v1/bookings", json=body), 400, "customer.email")


async def test_booking_with_customer_as_a_string_is_400_naming_customer(
    client: Client, advisor: int
):
    body = booking_body(TUESDAY_10, customer="Matti Meikäläinen")
    assert_problem(await client.post("/api/v1/bookings", json=body), 400, "customer")


async def test_booking_with_expert_id_as_a_string_is_400_naming_expert_id(
    client: Client, advisor: int
):
    body = booking_body(TUESDAY_10, expert_id="Aino")
    assert_problem(await client.post("/api/v1/bookings", json=body), 400, "expert_id")


async def test_booking_with_an_unknown_field_is_400_naming_it(client: Client, advisor: int):
    body = booking_body(TUESDAY_10, colour="red")
    assert_problem(await client.post("/api/v1/bookings", json=body), 400, "colour")


async def test_booking_with_an_unknown_customer_field_is_400_naming_it(
    client: Client, advisor: int
):
    body = booking_body(TUESDAY_10, customer=customer(shoe_size=44))
    assert_problem(await client.post("/api/v1/bookings", json=body), 400, "customer.shoe_size")


async def test_booking_with_malformed_json_is_400(client: Client, advisor: int):
    response = await client.post(
        "/api/v1/bookings",
        content=b'{"service": "funding-advice", "start": ',
        headers={"content-type": "application/json"},
    )
    assert_problem(response, 400)
    assert await Booking.count() == 0


# GET /api/v1/services/{slug}/slots


async def test_slots_of_an_unknown_service_are_404(client: Client, advisor: int):
    response = await client.get(
        "/api/v1/services/tax-advice/slots", params={"start": "2026-11-24", "end": "2026-11-24"}
    )
    assert_problem(response, 404)


async def test_slots_with_a_bad_date_are_400_naming_start(client: Client, advisor: int):
    response = await client.get(SLOTS, params={"start": "2026-13-01", "end": "2026-11-24"})
    assert_problem(response, 400, "start")


async def test_slots_without_start_are_400_naming_start(client: Client, advisor: int):
    response = await client.get(SLOTS, params={"end": "2026-11-24"})
    assert_problem(response, 400, "start")


async def test_slots_ending_before_they_start_are_422_naming_end(client: Client, advisor: int):
    response = await client.get(SLOTS, params={"start": "2026-11-25", "end": "2026-11-24"})
    assert_problem(response, 422, "end")


async def test_slots_over_62_days_are_422_naming_end(client: Client, advisor: int):
    response = await client.get(SLOTS, params={"start": "2026-11-24", "end": "2027-01-25"})
    assert_problem(response, 422, "end")


async def test_slots_over_exactly_62_days_are_answered(client: Client, advisor: int):
    response = await client.get(SLOTS, params={"start": "2026-11-24", "end": "2027-01-24"})
    assert response.status_code == 200, response.text


async def test_slots_in_an_unknown_time_zone_are_422_naming_tz(client: Client, advisor: int):
    params = {"start": "2026-11-24", "end": "2026-11-24", "tz": "Europe/Atlantis"}
    assert_problem(await client.get(SLOTS, params=params), 422, "tz")


async def test_slots_in_a_time_zone_directory_are_422_naming_tz(client: Client, advisor: int):
    # "Europe" is a folder of the zone database, not a zone.
    params = {"start": "2026-11-24", "end": "2026-11-24", "tz": "Europe"}
    assert_problem(await client.get(SLOTS, params=params), 422, "tz")


async def test_slots_in_an_overlong_time_zone_name_are_422_naming_tz(client: Client, advisor: int):
    params = {"start": "2026-11-24", "end": "2026-11-24", "tz": "Europe/" + "X" * 300}
    assert_problem(await client.get(SLOTS, params=params), 422, "tz")


# The manage token: GET, cancel and reschedule of /api/v1/bookings/{reference}

MANAGE_ROUTES = [
    pytest.param("GET", "", None, id="read"),
    pytest.param("POST", "/cancel", {"reason": "Sairastuin"}, id="cancel"),
    pytest.param("POST", "/reschedule", {"start": WEDNESDAY_13}, id="reschedule"),
]


@pytest.mark.parametrize(("method", "suffix", "body"), MANAGE_ROUTES)
async def test_manage_route_with_an_unknown_reference_is_404(
    client: Client, advisor: int, method: str, suffix: str, body: object
):
    booking = await book(client)
    response = await client.request(
        method,
        f"/api/v1/bookings/LK-0000-0000{suffix}",
        json=body,
        headers=bearer(booking["manage_token"]),
    )
    assert_problem(response, 404)


@pytest.mark.parametrize(("method", "suffix", "body"), MANAGE_ROUTES)
async def test_manage_route_with_a_wrong_token_is_404_like_an_unknown_reference(
    client: Client, advisor: int, method: str, suffix: str, body: object
):
    booking = await book(client)
    other = await book(client, TUESDAY_13, customer=customer(email="liisa@example.com"))
    wrong = await client.request(
        method,
        f"/api/v1/bookings/{booking['reference']}{suffix}",
        json=body,
        headers=bearer(other["manage_token"]),
    )
    unknown = await client.request(
        method,
        f"/api/v1/bookings/LK-0000-0000{suffix}",
        json=body,
        headers=bearer(other["manage_token"]),
    )
    assert_problem(wrong, 404)
    assert wrong.json() == unknown.json()
    assert wrong.headers["content-type"] == unknown.headers["content-type"]
    untouched = (await read(client, booking)).json()
    assert (untouched["status"], untouched["start"]) == ("confirmed", TUESDAY_10)


@pytest.mark.parametrize(("method", "suffix", "body"), MANAGE_ROUTES)
@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-header"),
        pytest.param({"Authorization": "Basic bWF0dGk6c2FsYXNhbmE="}, id="basic"),
        pytest.param({"Authorization": "Bearer "}, id="empty-bearer"),
    ],
)
async def test_manage_route_without_a_bearer_token_is_401(
    client: Client,
    advisor: int,
    method: str,
    suffix: str,
    body: object,
    headers: dict[str, str],
):
    booking = await book(client)
    response = await client.request(
        method, f"/api/v1/bookings/{booking['reference']}{suffix}", json=body, headers=headers
    )
    assert_problem(response, 401)


async def test_cancelling_twice_answers_the_cancelled_booking_both_times(
    client: Client, advisor: int
):
    booking = await book(client)
    url = f"/api/v1/bookings/{booking['reference']}/cancel"
    first = await client.post(
        url, json={"reason": "Sairastuin"}, headers=bearer(booking["manage_token"])
    )
    second = await client.post(
        url, json={"reason": "Toinen"}, headers=bearer(booking["manage_token"])
    )
    assert first.status_code == 200, first.text
    assert second.status_code == 200, second.text
    assert first.json()["status"] == second.json()["status"] == "cancelled"
    assert second.json()["cancel_reason"] == "Sairastuin"
    assert await Reservation.count() == 0


async def test_rescheduling_a_cancelled_booking_is_409(client: Client, advisor: int):
    booking = await book(client)
    cancelled = await client.post(
        f"/api/v1/bookings/{booking['reference']}/cancel", headers=bearer(booking["manage_token"])
    )
    assert cancelled.status_code == 200, cancelled.text
    assert_problem(await reschedule(client, booking, WEDNESDAY_13), 409)
    assert await Reservation.count() == 0


async def test_rescheduling_a_second_time_is_409_and_keeps_the_first_move(
    client: Client, advisor: int
):
    booking = await book(client)
    assert (await reschedule(client, booking, WEDNESDAY_13)).status_code == 200
    assert_problem(await reschedule(client, booking, THURSDAY_13), 409)
    assert (await read(client, booking)).json()["start"] == WEDNESDAY_13
    [reservation] = await Reservation.select()
    assert reservation["starts_at"].isoformat() == "2026-11-25T11:00:00+00:00"


async def test_rescheduling_to_a_taken_time_is_409_and_keeps_the_original_time(
    client: Client, advisor: int
):
    booking = await book(client)
    await book(client, TUESDAY_13, customer=customer(email="liisa@example.com"))
    row = await Booking.select(Booking.id).where(Booking.reference == booking["reference"]).first()
    assert row is not None

    assert_problem(await reschedule(client, booking, TUESDAY_13), 409)

    kept = (await read(client, booking)).json()
    assert (kept["status"], kept["start"]) == ("confirmed", TUESDAY_10)
    [reservation] = await Reservation.select().where(Reservation.booking == row["id"])
    assert reservation["starts_at"].isoformat() == "2026-11-24T08:00:00+00:00"
    assert reservation["ends_at"] - reservation["starts_at"] == timedelta(minutes=70)
    assert await Reservation.count() == 2


async def test_a_refused_reschedule_does_not_use_up_the_customers_reschedule(
    client: Client, advisor: int
):
    booking = await book(client)
    await book(client, TUESDAY_13, customer=customer(email="liisa@example.com"))
    assert_problem(await reschedule(client, booking, TUESDAY_13), 409)
    moved = await reschedule(client, booking, WEDNESDAY_13)
    assert moved.status_code == 200, moved.text
    assert moved.json()["start"] == WEDNESDAY_13


async def test_rescheduling_off_the_grid_is_422_naming_start_and_keeps_the_original_time(
    client: Client, advisor: int
):
    booking = await book(client)
    assert_problem(await reschedule(client, booking, "2026-11-25T13:10:00+02:00"), 422, "start")
    assert (await read(client, booking)).json()["start"] == TUESDAY_10
    [reservation] = await Reservation.select()
    assert reservation["starts_at"].isoformat() == "2026-11-24T08:00:00+00:00"


async def test_rescheduling_to_a_start_without_offset_is_400_naming_start(
    client: Client, advisor: int
):
    booking = await book(client)
    assert_problem(await reschedule(client, booking, "2026-11-25T13:00:00"), 400, "start")


async def test_manage_token_stops_working_30_days_after_the_appointment_ends(
    client: Client, advisor: int, clock: FixedClock
):
    booking = await book(client)  # ends Tuesday 2026-11-24 09:00 UTC
    ends = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    clock.current = ends + timedelta(days=30)
    assert (await read(client, booking)).status_code == 200
    clock.current = ends + timedelta(days=30, seconds=1)
    assert_problem(await read(client, booking), 404)


# Never a 500

_BODY = booking_body(TUESDAY_10)
_SLOT_DAY = {"start": "2026-11-24", "end": "2026-11-24"}
_JSON = {"content-type": "application/json"}
_NOBODY = "/api/v1/bookings/LK-0000-0000"


def raw(case: str, method: str, url: str, **request_kwargs: object) -> Any:
    return pytest.param(method, url, request_kwargs, id=case)


def bad_body(case: str, **overrides: object) -> Any:
    return raw(case, "POST", "/api/v1/bookings", json={**_BODY, **overrides})


def bad_customer(case: str, **overrides: object) -> Any:
    return bad_body(case, customer=customer(**overrides))


def bad_slots(case: str, **params: str) -> Any:
    return raw(case, "GET", SLOTS, params={**_SLOT_DAY, **params})


GARBAGE = [
    raw("body-null", "POST", "/api/v1/bookings", content=b"null", headers=_JSON),
    raw("body-array", "POST", "/api/v1/bookings", json=[]),
    raw("body-string", "POST", "/api/v1/bookings", json="booking"),
    raw("body-huge-int", "POST", "/api/v1/bookings", json=10**40),
    raw("body-empty", "POST", "/api/v1/bookings", content=b"", headers=_JSON),
    raw("body-not-utf8", "POST", "/api/v1/bookings", content=b"\xff\xfe\x00", headers=_JSON),
    raw("body-deeply-nested", "POST", "/api/v1/bookings", content=b"[" * 10_000, headers=_JSON),
    bad_body("expert-huge", expert_id=10**40),
    bad_body("expert-int64", expert_id=2**63 - 1),
    bad_body("expert-negative", expert_id=-1),
    bad_body("expert-float", expert_id=1.5),
    bad_body("service-null", service=None),
    bad_body("service-empty", service=""),
    bad_body("service-nul", service="\x00"),
    bad_body("service-emoji", service="rahoitus-😀"),
    bad_body("service-array", service=["funding-advice"]),
    bad_body("start-empty", start=""),
    bad_body("start-null", start=None),
    bad_body("start-epoch", start=1_700_000_000),
    bad_body("start-words", start="tiistaina kymmeneltä"),
    bad_body("start-year-9999", start="9999-12-31T23:59:59+00:00"),
    bad_body("start-year-1", start="0001-01-01T00:00:00+02:00"),
    bad_body("start-odd-offset", start="2026-11-24T10:00:00+23:59"),
    bad_body("channel-empty", channel=""),
    bad_body("channel-object", channel={"video": True}),
    bad_body("language-greek", language="ελληνικά"),
    bad_body("message-nul", message="\x00" * 100),
    bad_body("message-long", message="x" * 4001),
    bad_body("privacy-notice-old", privacy_notice_version="1999"),
    bad_body("customer-null", customer=None),
    bad_body("customer-array", customer=[]),
    bad_body("customer-empty", customer={}),
    bad_customer("name-empty", name=""),
    bad_customer("name-blank", name="   "),
    bad_customer("name-control", name="\x00\x07"),
    bad_customer("name-emoji", name="Ørjan 😀 Åström"),
    bad_customer("email-empty", email=""),
    bad_customer("email-unicode", email="ä@ö.å"),
    bad_customer("email-long-domain", email="a@" + "b" * 250),
    bad_customer("phone-long", phone="+" + "9" * 31),
    bad_customer("phone-arabic-digits", phone="٠٤٠١٢٣٤٥٦٧"),
    bad_customer("ytunnus-empty", business_id=""),
    bad_customer("ytunnus-fullwidth", business_id="１２３４５６７-８"),
    bad_customer("ytunnus-int", business_id=12345678),
    bad_customer("customer-language", language="xx"),
    raw("slots-no-query", "GET", SLOTS),
    raw("slots-empty-dates", "GET", SLOTS, params={"start": "", "end": ""}),
    raw("slots-feb-30", "GET", SLOTS, params={"start": "2026-02-30", "end": "2026-03-01"}),
    raw("slots-year-9999", "GET", SLOTS, params={"start": "9999-12-31", "end": "9999-12-31"}),
    raw("slots-year-1", "GET", SLOTS, params={"start": "0001-01-01", "end": "0001-01-01"}),
    bad_slots("slots-tz-directory", tz="Europe"),
    bad_slots("slots-tz-long", tz="X" * 1000),
    bad_slots("slots-tz-path", tz="../../../etc/passwd"),
    bad_slots("slots-tz-nul", tz="Europe/Helsinki\x00"),
    bad_slots("slots-tz-emoji", tz="Eurooppa/Helsinki😀"),
    bad_slots("slots-expert-huge", expert=str(10**40)),
    bad_slots("slots-expert-word", expert="Aino"),
    bad_slots("slots-empty-filters", channel="", language=""),
    bad_slots("slots-channel-emoji", channel="😀"),
    raw("slots-slug-nul", "GET", "/api/v1/services/%00/slots", params=_SLOT_DAY),
    raw("slots-slug-emoji", "GET", "/api/v1/services/%F0%9F%98%80/slots", params=_SLOT_DAY),
    raw("slots-slug-long", "GET", f"/api/v1/services/{'s' * 5000}/slots", params=_SLOT_DAY),
    raw("read-reference-nul", "GET", "/api/v1/bookings/%00", headers=bearer("x")),
    raw("read-reference-emoji", "GET", "/api/v1/bookings/%C3%A4%F0%9F", headers=bearer("x")),
    raw("read-reference-long", "GET", f"/api/v1/bookings/{'A' * 5000}", headers=bearer("x")),
    raw(
        "read-token-latin1",
        "GET",
        _NOBODY,
        headers={"Authorization": "Bearer äö".encode("latin-1")},
    ),
    raw("read-token-long", "GET", _NOBODY, headers=bearer("x" * 10_000)),
    raw("cancel-array", "POST", f"{_NOBODY}/cancel", json=[], headers=bearer("x")),
    raw(
        "cancel-reason-huge",
        "POST",
        f"{_NOBODY}/cancel",
        json={"reason": 10**40},
        headers=bearer("x"),
    ),
    raw(
        "cancel-malformed",
        "POST",
        f"{_NOBODY}/cancel",
        content=b"{",
        headers={**bearer("x"), **_JSON},
    ),
    raw("reschedule-empty", "POST", f"{_NOBODY}/reschedule", json={}, headers=bearer("x")),
    raw(
        "reschedule-year-1",
        "POST",
        f"{_NOBODY}/reschedule",
        json={"start": "0001-01-01T00:00:00+02:00"},
        headers=bearer("x"),
    ),
    raw(
        "reschedule-null",
        "POST",
        f"{_NOBODY}/reschedule",
        json={"start": None},
        headers=bearer("x"),
    ),
]


@pytest.mark.parametrize(("method", "url", "request_kwargs"), GARBAGE)
async def test_garbage_requests_never_answer_5xx(
    client: Client, advisor: int, method: str, url: str, request_kwargs: dict[str, Any]
):
    response = await client.request(method, url, **request_kwargs)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith(PROBLEM_JSON)


@pytest.mark.parametrize(
    "start",
    [
        pytest.param("9999-12-31T23:59:59+00:00", id="year-9999"),
        pytest.param("0001-01-01T00:00:00+02:00", id="year-1"),
        pytest.param("2026-11-25T13:00:00+23:59", id="odd-offset"),
    ],
)
async def test_garbage_reschedule_of_a_real_booking_never_answers_5xx(
    client: Client, advisor: int, start: str
):
    booking = await book(client)
    response = await reschedule(client, booking, start)
    assert response.status_code < 500, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    assert (await read(client, booking)).json()["start"] == TUESDAY_10


async def test_cancel_reason_with_nul_characters_never_answers_5xx(client: Client, advisor: int):
    booking = await book(client)
    response = await client.post(
        f"/api/v1/bookings/{booking['reference']}/cancel",
        json={"reason": "Sairastuin\x00"},
        headers=bearer(booking["manage_token"]),
    )
    assert response.status_code < 500, response.text
