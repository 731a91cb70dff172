"""The demo's mail sink writes every accepted message to its folder."""

from __future__ import annotations

import asyncio
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
from aiosmtpd.controller import Controller

from notifications.mail_sink import FolderHandler
from tests.notifications.conftest import free_port


async def test_the_demo_sink_writes_each_message_to_the_folder(tmp_path: Path):
    port = free_port()
    controller = Controller(FolderHandler(tmp_path / "mail"), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        message = EmailMessage()
        message["From"] = "luukku@luukku.test"
        message["To"] = "matti@example.com"
        message["Subject"] = "Ajanvaraus vahvistettu"
        message.set_content("Hei")
        await aiosmtplib.send(message, hostname="127.0.0.1", port=port)
    finally:
        await asyncio.to_thread(controller.stop)
    [written] = list((tmp_path / "mail").glob("*.eml"))
    assert b"Subject: Ajanvaraus vahvistettu" in written.read_bytes()
