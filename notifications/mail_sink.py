"""The demo's mail server: accepts every message on a local port and writes it to a folder.

`make run` starts it (`python -m notifications.mail_sink`) so that confirmations, invitations
and reminders of the demo can be read as `.eml` files in `var/mail/` (any mail program opens
them) instead of going anywhere. Not for production: it relays nothing and checks nothing.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from luukku.settings import ROOT


class FolderHandler:
    """Writes each accepted message to `<folder>/<nanoseconds>.eml`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        path = self.folder / f"{time.time_ns()}.eml"
        path.write_bytes(envelope.content)
        print(f"mail to {', '.join(envelope.rcpt_tos)} -> {path}", flush=True)
        return "250 Message accepted"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--folder", type=Path, default=ROOT / "var" / "mail")
    args = parser.parse_args()
    controller = Controller(FolderHandler(args.folder), hostname=args.host, port=args.port)
    controller.start()
    print(f"Demo mail sink on {args.host}:{args.port}, writing to {args.folder}/", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
