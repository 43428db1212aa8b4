"""``flask demo``: the demo operator's data."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from core.db import db
from core.errors import DomainError
from gateway.demo import seed_demo
from web.context import clock, events, settings


@click.group(help="Demo data for trying the product.")
def demo() -> None:
    pass


@demo.command("seed", help="Load the demo operator (idempotent: a second run adds nothing).")
@with_appcontext
def seed() -> None:
    try:
        report = seed_demo(db.session, clock(), settings(), events())
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    click.echo(report)
