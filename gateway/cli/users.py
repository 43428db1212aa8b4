"""``flask users``: console accounts for agents, supervisors and administrators."""
from __future__ import annotations

import sys

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from core.db import db
from core.errors import DomainError
from crm.staff import ROLES, StaffUser, create_user
from web.context import clock


@click.group(help="Manage console users (agents, supervisors, admins).")
def users() -> None:
    pass


@users.command("create", help="Create a console user; asks for the password unless --password-stdin.")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", default=None, help="Display name (default: the e-mail's local part).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create(email: str, role: str, name: str | None, password_stdin: bool) -> None:
    if password_stdin:
        # sys.stdin (click.get_text_stream is deprecated and goes away in Click 9).
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(db.session, clock(), email=email, role=role, password=password, name=name)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@users.command("list", help="List console users.")
@with_appcontext
def list_users() -> None:
    for user in db.session.scalars(sa.select(StaffUser).order_by(StaffUser.email)):
        state = "active" if user.active else "disabled"
        click.echo(f"{user.id:>4}  {user.email:<40} {user.role:<10} {state}")
