"""The kernel's command on the `litestar` CLI: `worker` (the domains register their own)."""

from __future__ import annotations

import asyncio

import click
from litestar import Litestar
from litestar.plugins import CLIPluginProtocol


class WorkerCLIPlugin(CLIPluginProtocol):
    def on_cli_init(self, cli: click.Group) -> None:
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
