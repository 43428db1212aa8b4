"""``flask apikeys``: bearer tokens for the REST API."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from core.db import db
from core.errors import DomainError
from web.api.keys import ApiKey, create_api_key, revoke_api_key
from web.context import clock


@click.group(help="Manage REST API keys.")
def apikeys() -> None:
    pass


@apikeys.command("create", help="Create a key; the token is printed once, as the last line.")
@click.argument("name")
@with_appcontext
def create(name: str) -> None:
    try:
        key, token = create_api_key(db.session, clock(), name)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    click.echo(f"API key {key.name!r} created (id {key.id}). Send it as 'Authorization: Bearer <token>'.",
               err=True)
    click.echo(token)


@apikeys.command("list", help="List keys (never the tokens).")
@with_appcontext
def list_keys() -> None:
    for key in db.session.scalars(sa.select(ApiKey).order_by(ApiKey.id)):
        state = "revoked" if key.revoked_at else "live"
        used = key.last_used_at.isoformat() if key.last_used_at else "never"
        click.echo(f"{key.id:>4}  {key.name:<30} {key.hint}…  {state:<8} last used {used}")


@apikeys.command("revoke", help="Revoke every live key with this name.")
@click.argument("name")
@with_appcontext
def revoke(name: str) -> None:
    count = revoke_api_key(db.session, clock(), name)
    db.session.commit()
    if not count:
        raise click.ClickException(f"no live key named {name!r}")
    click.echo(f"Revoked {count} key(s) named {name!r}.")
