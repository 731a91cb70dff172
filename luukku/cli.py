"""Luukku's commands on the `litestar` CLI: `seed-demo` and `create-admin`."""

from __future__ import annotations

import asyncio

import click
from litestar import Litestar
from litestar.plugins import CLIPluginProtocol

from luukku.problems import DomainError


class LuukkuCLIPlugin(CLIPluginProtocol):
    def on_cli_init(self, cli: click.Group) -> None:
        @cli.command(name="seed-demo", help="Load the demo agencies, experts, services and logins.")
        def seed_demo(app: Litestar) -> None:
            from booking.demo.seed import seed_demo_data
            from staff.demo_logins import seed_demo_logins

            async def seed() -> str:
                return f"{await seed_demo_data()}\n{await seed_demo_logins()}"

            click.echo(asyncio.run(seed()))

        @cli.command(
            name="worker",
            help="Send due notifications and run periodic jobs (calendar sync) until stopped.",
        )
        def worker(app: Litestar) -> None:
            from piccolo.engine.postgres import PostgresEngine

            from luukku.worker import WORKER_TICK, run_forever

            async def work() -> None:
                # The app's lifespan, which would start the pool, does not run for a command.
                engine = app.state.engine
                if isinstance(engine, PostgresEngine):
                    await engine.start_connection_pool(min_size=1, max_size=app.state.pool_size)
                try:
                    await run_forever(
                        app.state.periodic_jobs,
                        app.state.clock,
                        app.state.get("worker_tick", WORKER_TICK),
                    )
                finally:
                    if isinstance(engine, PostgresEngine):
                        await engine.close_connection_pool()

            click.echo("Luukku worker running; Ctrl-C stops it.")
            asyncio.run(work())

        @cli.command(name="create-admin", help="Create an administrator (no prompt; idempotent).")
        @click.option("--email", required=True)
        @click.option("--password", required=True)
        @click.option("--name", default="Administrator")
        def create_admin(app: Litestar, email: str, password: str, name: str) -> None:
            from staff.accounts import create_staff_user

            try:
                _, created = asyncio.run(
                    create_staff_user(email=email, password=password, name=name, roles=["admin"])
                )
            except DomainError as exc:
                raise click.ClickException(exc.detail) from exc
            click.echo(f"{'Created' if created else 'Already present'}: {email}")
