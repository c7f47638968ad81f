"""`positions users add|list|remove`: self-hosted accounts for the review page."""
from __future__ import annotations

import os

import click

from positions.cli.db import _engine, _url_option, _who


@click.group("users")
def users_group():
    """Manage the accounts that may log in to edit (roles: viewer, editor, admin).

    \b
    Example:
        python -m positions users add alice --role editor
    """


@users_group.command()
@click.argument("name")
@click.option("--role", type=click.Choice(["viewer", "editor", "admin"]), required=True)
@click.option("--password", default=None, help="Default: $POSITIONS_PASSWORD, else asked twice (hidden).")
@_url_option
def add(name, role, password, url):
    """Add an account, or reset its role and password (stored as a salted argon2 hash).

    \b
    Example:
        python -m positions users add alice --role editor
    """
    from positions.data import users
    password = password or os.environ.get("POSITIONS_PASSWORD") or click.prompt(
        f"Password for {name}", hide_input=True, confirmation_prompt=True)
    user = users.add(_engine(url), name, role, password, by=_who(None))
    click.echo(f"{user.name}: {user.role}")


@users_group.command("list")
@_url_option
def list_(url):
    """List accounts and their roles.

    \b
    Example:
        python -m positions users list
    """
    from positions.data import users
    for user in users.listing(_engine(url)):
        click.echo(f"{user.name}\t{user.role}")


@users_group.command()
@click.argument("name")
@_url_option
def remove(name, url):
    """Delete an account.

    \b
    Example:
        python -m positions users remove alice
    """
    from positions.data import users
    users.remove(_engine(url), name, by=_who(None))
    click.echo(f"removed {name}")
