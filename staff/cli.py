"""Staff identity's command on the `litestar` CLI: `create-admin`."""

from __future__ import annotations

import asyncio

import click
from litestar import Litestar
from litestar.plugins import CLIPluginProtocol

from luukku.problems import DomainError
from staff.accounts import create_staff_user


class StaffCLIPlugin(CLIPluginProtocol):
    def on_cli_init(self, cli: click.Group) -> None:
        @cli.command(name="create-admin", help="Create an administrator (no prompt; idempotent).")
        @click.option("--email", required=True)
        @click.option("--password", required=True)
        @click.option("--name", default="Administrator")
        def create_admin(app: Litestar, email: str, password: str, name: str) -> None:
            try:
                _, created = asyncio.run(
                    create_staff_user(email=email, password=password, name=name, roles=["admin"])
                )
            except DomainError as exc:
                raise click.ClickException(exc.detail) from exc
            click.echo(f"{'Created' if created else 'Already present'}: {email}")
