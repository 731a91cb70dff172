"""The demo's command on the `litestar` CLI: `seed-demo`."""

from __future__ import annotations

import asyncio

import click
from litestar import Litestar
from litestar.plugins import CLIPluginProtocol


class DemoCLIPlugin(CLIPluginProtocol):
    def on_cli_init(self, cli: click.Group) -> None:
        @cli.command(name="seed-demo", help="Load the demo agencies, experts, services and logins.")
        def seed_demo(app: Litestar) -> None:
            from booking.demo.logins import seed_demo_logins
            from booking.demo.seed import seed_demo_data

            async def seed() -> str:
                return f"{await seed_demo_data()}\n{await seed_demo_logins()}"

            click.echo(asyncio.run(seed()))
