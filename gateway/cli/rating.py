"""``flask rating``: rerate a window after a tariff correction; announce expiring buckets."""
from __future__ import annotations

import datetime as dt

import click
from flask.cli import with_appcontext

from billing.rating import rerate as rerate_service
from billing.rating.allowance import notify_expiring
from billing.rating.thresholds import low_balance_thresholds
from core.clock import parse_datetime
from core.db import db
from core.errors import DomainError
from web.context import clock, events, settings


def _moment(text: str, *, end: bool) -> dt.datetime:
    """A bare date is a whole UTC day: ``--to 2026-03-31`` includes the 31st."""
    try:
        moment = parse_datetime(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a date (YYYY-MM-DD) or ISO timestamp") from None
    if end and len(text.strip()) == 10:
        moment += dt.timedelta(days=1)
    return moment


@click.group(help="Rating: rerate usage, bucket notices.")
def rating() -> None:
    pass


@rating.command("rerate", help="Reverse and re-apply the charges of usage started in a window (idempotent).")
@click.option("--from", "start", required=True, help="First day (YYYY-MM-DD) or ISO timestamp, UTC.")
@click.option("--to", "end", required=True, help="Last day, included (or an exclusive ISO timestamp).")
@click.option("--account", "account_id", type=int, default=None, help="Only this billing account.")
@with_appcontext
def rerate(start: str, end: str, account_id: int | None) -> None:
    try:
        low_balance = low_balance_thresholds(settings().value("LOW_BALANCE_THRESHOLDS"))
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    try:
        reversed_count, summary = rerate_service(db.session, clock(), events(), start=_moment(start, end=False),
                                                 end=_moment(end, end=True), account_id=account_id, source="cli",
                                                 low_balance=low_balance)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    errors = ", ".join(f"{reason} {count}" for reason, count in sorted(summary.errors.items())) or "none"
    amounts = ", ".join(f"{currency} {amount}" for currency, amount in sorted(summary.amounts.items())) or "nothing"
    click.echo(f"Rerating run {summary.run_id}: {reversed_count} rated records reversed, {summary.rated} rated, "
               f"{amounts} charged; errors: {errors}.")


@rating.command("expiring", help="Tell customers about buckets expiring within the next hours.")
@click.option("--hours", type=int, default=24, show_default=True)
@with_appcontext
def expiring(hours: int) -> None:
    count = notify_expiring(db.session, clock(), events(), within=dt.timedelta(hours=hours))
    db.session.commit()
    click.echo(f"{count} buckets about to expire announced.")
