"""``flask vouchers``: prepaid top-up vouchers (scratch cards)."""
from __future__ import annotations

import csv
import sys

import click
from flask.cli import with_appcontext

from billing.vouchers import generate_vouchers
from core.db import db
from core.errors import DomainError
from web.context import clock, settings


@click.group(help="Prepaid top-up vouchers.")
def vouchers() -> None:
    pass


@vouchers.command("generate", help="Make COUNT vouchers of VALUE; prints serial,pin,value,currency,expires as CSV "
                                   "(the PINs are shown only this once).")
@click.option("--count", type=click.IntRange(1, 100_000), required=True)
@click.option("--value", required=True, help="face value in the operator's currency, e.g. 100 or 49.50")
@click.option("--days", type=click.IntRange(1, 3650), default=365, show_default=True, help="days until expiry")
@click.option("--batch", default=None, help="a batch name printed on the cards' box")
@with_appcontext
def generate(count: int, value: str, days: int, batch: str | None) -> None:
    conf = settings()
    try:
        made = generate_vouchers(db.session, clock(), secret=conf.value("VOUCHER_SECRET"), count=count, value=value,
                                 currency=conf.currency, valid_days=days, batch=batch)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    out = csv.writer(sys.stdout)
    out.writerow(("serial", "pin", "value", "currency", "expires"))
    for voucher in made:
        out.writerow((voucher.serial, voucher.pin, voucher.value, voucher.currency,
                      voucher.expires_at.date().isoformat()))
    click.echo(f"{len(made)} vouchers of {made[0].currency} {made[0].value} made.", err=True)
