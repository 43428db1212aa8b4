"""``flask orders``, ``flask numbers``, ``flask sims``: order processing and the stock orders sell from."""
from __future__ import annotations

import csv

import click
from flask import current_app
from flask.cli import with_appcontext

from core.db import db
from core.errors import DomainError
from orders import orchestration, stock
from orders.cancellation import cancel_order
from orders.models import ProductOrder
from web.context import clock, events, settings


def _adapter():
    return current_app.extensions["bss.provisioning"]


def _order(order_id: int) -> ProductOrder:
    order = db.session.get(ProductOrder, order_id)
    if order is None:
        raise click.ClickException(f"there is no order {order_id}")
    return order


def _run(action):
    """Run one use case and commit it; a domain error is printed, rolled back, exit 1."""
    try:
        result = action()
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    return result


def _show(order: ProductOrder) -> str:
    reason = f" ({order.state_reason})" if order.state_reason else ""
    return f"order {order.id}: {order.state}{reason}"


@click.group(help="Product orders: run scheduled ones, retry held ones, cancel.")
def orders() -> None:
    pass


@orders.command("run-due", help="Process scheduled orders whose requested start date has come.")
@with_appcontext
def run_due() -> None:
    ids = orchestration.due_order_ids(db.session, clock())
    db.session.rollback()
    for order_id in ids:  # one transaction per order: one failing never holds back the rest
        for order in _run(lambda oid=order_id: orchestration.run_due(
                db.session, clock(), events(), _adapter(), default_region=settings().default_region,
                order_ids=[oid])):
            click.echo(_show(order))
    click.echo(f"{len(ids)} due order(s) processed.")


@orders.command("retry", help="Run a held order again (after a top-up, or the network is back).")
@click.argument("order_id", type=int)
@with_appcontext
def retry(order_id: int) -> None:
    order = _run(lambda: orchestration.retry_order(db.session, clock(), events(), _adapter(), _order(order_id),
                                                   default_region=settings().default_region))
    click.echo(_show(order))


@orders.command("cancel", help="Cancel an order that has not completed.")
@click.argument("order_id", type=int)
@click.option("--reason", default=None)
@with_appcontext
def cancel(order_id: int, reason: str | None) -> None:
    _run(lambda: cancel_order(db.session, clock(), events(), _order(order_id), reason=reason))
    click.echo(_show(_order(order_id)))


@click.group(help="The MSISDN number pool.")
def numbers() -> None:
    pass


@numbers.command("import", help="Add a range of numbers (FIRST to LAST, inclusive) to the pool.")
@click.argument("first")
@click.argument("last")
@click.option("--batch", default=None, help="A name for this import.")
@click.option("--category", default="standard", show_default=True)
@with_appcontext
def import_numbers(first: str, last: str, batch: str | None, category: str) -> None:
    added = _run(lambda: stock.import_number_range(db.session, clock(), first=first, last=last, batch=batch,
                                                   category=category, default_region=settings().default_region))
    click.echo(f"{added} number(s) added to the pool.")


@click.group(help="SIM card stock.")
def sims() -> None:
    pass


@sims.command("import", help="Add SIM cards from a CSV file with columns iccid,imsi (a header row is optional).")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--batch", default=None, help="A name for this import.")
@click.option("--location", default=None, help="Warehouse or store holding them.")
@with_appcontext
def import_sims(path: str, batch: str | None, location: str | None) -> None:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.reader(handle) if row and any(cell.strip() for cell in row)]
    if rows and not rows[0][0].strip().isdigit():
        rows = rows[1:]  # the header
    bad = next((number for number, row in enumerate(rows, 1) if len(row) < 2), None)
    if bad is not None:
        raise click.ClickException(f"row {bad}: expected iccid,imsi")
    added = _run(lambda: stock.import_sims(db.session, clock(), [(r[0], r[1]) for r in rows], batch=batch,
                                           location=location))
    click.echo(f"{added} SIM card(s) added to stock.")


@click.command("stock", help="How many numbers and SIMs are in each state.")
@with_appcontext
def stock_status() -> None:
    for name, counts in stock.stock_counts(db.session).items():
        shown = ", ".join(f"{state} {count}" for state, count in sorted(counts.items())) or "none"
        click.echo(f"{name}: {shown}")


numbers.add_command(stock_status, "status")
sims.add_command(stock_status, "status")
