"""Service-quality pages over HTTP: the public question form, the feedback form, the staff
inbox with its answers, the outcome buttons and the key-customer page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from booking.quality.feedback import feedback_url
from booking.quality.tables import ContactRequest, Feedback
from booking.tables import Booking, KeyCustomer
from luukku.clock import FixedClock
from luukku.settings import Settings
from notifications.tables import OutboxMessage
from testdata.factories import STAFF_PASSWORD
from tests.frontend.conftest import csrf_token, found
from tests.quality_world import Quality

Client = httpx.AsyncClient


async def sign_in(client: Client, who: str) -> None:
    form = await client.get("/staff/login", params={"lang": "fi"})
    response = await client.post(
        "/staff/login",
        data={
            "_csrf_token": csrf_token(form.text),
            "email": f"{who}@example.fi",
            "password": STAFF_PASSWORD,
        },
    )
    assert response.status_code == 303


async def post_form(client: Client, page: str, action: str, data: dict[str, str]):
    form = await client.get(page)
    return await client.post(action, data={"_csrf_token": csrf_token(form.text), **data})


QUESTION = {
    "topic": "funding",
    "question": "Miten haen starttirahaa?",
    "channel": "phone",
    "name": "Liisa Laine",
    "email": "liisa@example.com",
    "phone": "040 123 4567",
    "business_id": "2617416-4",
    "privacy": "yes",
}


async def test_a_question_sent_on_the_form_shows_when_it_will_be_answered(
    browser_client: Client, quality: Quality
):
    page = await browser_client.get("/contact", params={"lang": "fi"})
    assert page.status_code == 200
    assert '<option value="permits">' in page.text
    sent = await post_form(browser_client, "/contact", "/contact", QUESTION)
    assert sent.status_code == 303
    thanks = await browser_client.get(sent.headers["location"])
    assert "torstai 26. marraskuuta 2026 10.00" in thanks.text
    [row] = await ContactRequest.select()
    assert (row["customer_phone"], row["channel"], row["language"]) == (
        "+358401234567",
        "phone",
        "fi",
    )


async def test_the_question_form_comes_back_with_every_error_and_saves_nothing(
    browser_client: Client, quality: Quality
):
    bad = {**QUESTION, "email": "not-an-address", "question": "", "privacy": ""}
    response = await post_form(browser_client, "/contact", "/contact", bad)
    assert response.status_code == 422
    summary = found(r'(?s)(<div class="error-summary".*?</ul>)', response.text)
    for field in ("question", "privacy"):
        assert f'href="#{field}"' in summary
    assert 'value="Liisa Laine"' in response.text  # what was typed stays
    invalid = await post_form(
        browser_client, "/contact", "/contact", {**QUESTION, "email": "not-an-address"}
    )
    assert invalid.status_code == 422
    assert 'href="#email"' in invalid.text
    assert await ContactRequest.count() == 0


async def completed_booking(client: Client, quality: Quality, clock: FixedClock) -> str:
    response = await client.post(
        "/api/v1/bookings",
        json={
            "service": "funding-advice",
            "start": "2026-11-25T10:00:00+02:00",
            "channel": "phone",
            "language": "fi",
            "expert_id": quality.aino,
            "customer": {"name": "Matti", "email": "matti@example.com"},
        },
    )
    assert response.status_code == 201
    reference = str(response.json()["reference"])
    clock.current = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
    await sign_in(client, "aino")
    marked = await post_form(
        client,
        f"/staff/bookings/{reference}",
        f"/staff/bookings/{reference}/outcome",
        {"outcome": "completed"},
    )
    assert marked.status_code == 303
    assert (await client.get(marked.headers["location"])).text.count("disabled") == 1
    return reference


async def test_the_feedback_form_takes_one_answer(
    browser_client: Client, quality: Quality, clock: FixedClock, settings: Settings
):
    reference = await completed_booking(browser_client, quality, clock)
    link = feedback_url(settings, reference).removeprefix(settings.public_base_url)
    page = await browser_client.get(link, params={"lang": "sv"})
    assert page.status_code == 200
    assert "Tjänsten motsvarade mina behov" in page.text
    missing = await post_form(browser_client, link, link, {"needs_met": "4"})
    assert missing.status_code == 422
    assert 'href="#communication"' in missing.text
    sent = await post_form(
        browser_client, link, link, {"needs_met": "4", "communication": "5", "comment": "Hyvä"}
    )
    assert sent.status_code == 303
    assert "Tack för din respons!" in (await browser_client.get(sent.headers["location"])).text
    [row] = await Feedback.select()
    assert (row["needs_met"], row["communication"], row["comment"]) == (4, 5, "Hyvä")
    clock.current += timedelta(days=31)
    assert (await browser_client.get(link)).status_code == 410


async def test_the_inbox_shows_the_queue_and_an_answer_closes_the_request(
    browser_client: Client, quality: Quality
):
    await post_form(browser_client, "/contact", "/contact", QUESTION)
    [row] = await ContactRequest.select()
    reference = row["reference"]
    await sign_in(browser_client, "aino")
    inbox = await browser_client.get("/staff/contact-requests")
    assert f'href="/staff/contact-requests/{reference}"' in inbox.text
    detail_path = f"/staff/contact-requests/{reference}"
    claimed = await post_form(browser_client, detail_path, f"{detail_path}/claim", {})
    assert claimed.headers["location"] == f"{detail_path}?done=claimed"
    empty = await post_form(
        browser_client, detail_path, f"{detail_path}/reply", {"message": " ", "channel": "phone"}
    )
    assert empty.status_code == 422
    replied = await post_form(
        browser_client,
        detail_path,
        f"{detail_path}/reply",
        {"message": "Soitin ja neuvoin.", "channel": "phone"},
    )
    assert replied.status_code == 303
    page = await browser_client.get(replied.headers["location"])
    assert "Soitin ja neuvoin." in page.text
    assert "Vastattu" not in (await browser_client.get("/staff/contact-requests")).text
    [row] = await ContactRequest.select()
    assert (row["status"], row["expert"]) == ("answered", quality.aino)
    assert await OutboxMessage.count().where(OutboxMessage.kind == "contact_reply") == 0


async def test_a_request_becomes_a_booking_from_its_page(browser_client: Client, quality: Quality):
    await post_form(browser_client, "/contact", "/contact", QUESTION)
    [row] = await ContactRequest.select()
    detail_path = f"/staff/contact-requests/{row['reference']}"
    await sign_in(browser_client, "aino")
    booked = await post_form(
        browser_client,
        detail_path,
        f"{detail_path}/convert",
        {
            "service": "funding-advice",
            "start_date": "2026-11-26",
            "start_time": "10:00",
            "channel": "phone",
            "expert_id": str(quality.aino),
        },
    )
    assert booked.status_code == 303, booked.text
    [booking] = await Booking.select()
    [row] = await ContactRequest.select()
    assert (row["status"], row["booking"]) == ("converted", booking["id"])


async def test_key_customers_are_named_on_the_admin_page(browser_client: Client, quality: Quality):
    await sign_in(browser_client, "boss")
    page = "/staff/admin/key-customers"
    bad = await post_form(
        browser_client, page, page, {"business_id": "123", "expert_id": str(quality.bertta)}
    )
    assert bad.status_code == 422
    assert 'href="#business_id"' in bad.text
    named = await post_form(
        browser_client,
        page,
        page,
        {"business_id": "2617416-4", "company": "Meikäläinen Oy", "expert_id": str(quality.bertta)},
    )
    assert named.status_code == 303
    listing = await browser_client.get(named.headers["location"])
    assert "Meikäläinen Oy" in listing.text
    assert [row["expert"] for row in await KeyCustomer.select()] == [quality.bertta]


async def _key_customer(quality: Quality, expert: int) -> int:
    row = KeyCustomer(
        agency=quality.agency, business_id="2617416-4", company="Meikäläinen Oy", expert=expert
    )
    await row.save()
    return int(row.id)


async def test_a_key_customer_is_edited_and_made_inactive_on_its_page(
    browser_client: Client, quality: Quality
):
    key = await _key_customer(quality, quality.aino)
    await sign_in(browser_client, "boss")
    page = f"/staff/admin/key-customers/{key}"
    shown = await browser_client.get(page)
    assert shown.status_code == 200
    assert 'value="Meikäläinen Oy"' in shown.text
    assert f'<option value="{quality.aino}" selected>' in shown.text
    listing = await browser_client.get("/staff/admin/key-customers")
    assert f'href="{page}"' in listing.text
    edited = await post_form(
        browser_client,
        page,
        page,
        {
            "business_id": "2617416-4",
            "company": "Meikäläinen Group",
            "expert_id": str(quality.bertta),
        },
    )
    assert (edited.status_code, edited.headers["location"]) == (303, f"{page}?done=saved")
    [row] = await KeyCustomer.select()
    assert (row["company"], row["expert"], row["active"]) == (
        "Meikäläinen Group",
        quality.bertta,
        True,
    )
    retired = await post_form(browser_client, page, page, {"active": "false"})
    assert retired.headers["location"] == f"{page}?done=retired"
    after = await browser_client.get(retired.headers["location"])
    assert "Tee avainasiakkaasta taas aktiivinen" in after.text
    assert [row["active"] for row in await KeyCustomer.select()] == [False]
    again = await post_form(browser_client, page, page, {"active": "true"})
    assert again.headers["location"] == f"{page}?done=reactivated"
    assert [row["active"] for row in await KeyCustomer.select()] == [True]


async def test_bad_key_customer_edits_are_shown_by_the_field(
    browser_client: Client, quality: Quality
):
    key = await _key_customer(quality, quality.aino)
    await sign_in(browser_client, "boss")
    page = f"/staff/admin/key-customers/{key}"
    for data, field in [
        ({"business_id": "123", "expert_id": str(quality.aino)}, "business_id"),
        ({"business_id": "2617416-4", "expert_id": str(quality.olli)}, "expert_id"),
        ({"business_id": "2617416-4", "expert_id": "x"}, "expert_id"),
        ({"business_id": "2617416-4", "company": "x" * 201, "expert_id": "1"}, "company"),
    ]:
        bad = await post_form(browser_client, page, page, data)
        assert bad.status_code == 422, data
        assert f'href="#{field}"' in bad.text, data
    [row] = await KeyCustomer.select()
    assert (row["company"], row["expert"]) == ("Meikäläinen Oy", quality.aino)


async def test_another_agencys_key_customer_page_is_not_found(
    browser_client: Client, quality: Quality
):
    key = await _key_customer(quality, quality.aino)
    await sign_in(browser_client, "kelaboss")
    page = f"/staff/admin/key-customers/{key}"
    assert (await browser_client.get(page)).status_code == 404
    mine = await browser_client.get("/staff/admin/key-customers")
    refused = await browser_client.post(
        page, data={"_csrf_token": csrf_token(mine.text), "active": "false"}
    )
    assert refused.status_code == 404
    assert [row["active"] for row in await KeyCustomer.select()] == [True]
