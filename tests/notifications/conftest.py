"""A real SMTP server for the notification tests: aiosmtpd on a loopback port, whose answers
a test can script (451, 550) and which can be stopped to refuse connections."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller

from calendars.tables import Agency
from luukku.sealing import Sealer
from luukku.settings import Settings
from notifications.delivery import Delivery, RetryPolicy
from notifications.messages import Sender
from notifications.smtp import SmtpConfig, SmtpMailer
from privacy.data_requests import LINK_SEAL
from staff.accounts import create_staff_user
from testdata.factories import booking_body, make_agency, make_expert, make_service


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RecordingHandler:
    """Keeps every accepted message; answers DATA from `answers` first when any are queued."""

    def __init__(self) -> None:
        self.received: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.answers: list[str] = []
        self.refuse_recipients: dict[str, str] = {}
        self.delay_seconds = 0.0
        """How long each DATA takes: a slow server, so a test can act mid-batch."""

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse_recipients:
            return self.refuse_recipients[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        if self.answers:
            answer = self.answers.pop(0)
            if not answer.startswith("250"):
                return answer
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(message)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.handler = RecordingHandler()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[EmailMessage]:
        return self.handler.received


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def delivery(smtp_server: SmtpServer, settings: Settings) -> Delivery:
    return Delivery(
        mailers=(
            SmtpMailer(SmtpConfig(host="127.0.0.1", port=smtp_server.port, timeout_seconds=5)),
        ),
        sender=Sender.from_mail_from("Luukku <luukku@luukku.test>", "https://luukku.test"),
        retry=RetryPolicy(jitter=lambda: 1.0),
        links=Sealer.from_settings(LINK_SEAL, settings),
    )


@pytest.fixture
async def advisor(db: None) -> int:
    """An expert who reads English, of an agency whose business services want a copy."""
    agency = await make_agency()
    await Agency.update({Agency.business_services_email: "yrityspalvelut@example.fi"}).where(
        Agency.id == agency
    )
    expert = await make_expert(agency)
    await create_staff_user(
        email="aino.virtanen@example.fi",
        password="correct horse battery",
        name="Aino Virtanen",
        roles=["expert"],
        agency_id=agency,
        expert_id=expert,
        language="en",
    )
    await make_service(agency)
    return expert


async def book(
    client: httpx.AsyncClient, start: str = "2026-11-24T10:00:00+02:00", **body: Any
) -> tuple[dict[str, Any], dict[str, str]]:
    """A booking through the public API, and the header that manages it."""
    response = await client.post("/api/v1/bookings", json=booking_body(start, **body))
    assert response.status_code == 201, response.text
    created = response.json()
    return created, {"Authorization": f"Bearer {created['manage_token']}"}
