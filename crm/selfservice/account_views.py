"""Short texts about a caller's money, bundles and charges, for small screens."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from billing.balances import transactions_of
from billing.buckets import BYTES_PER_MB, SECONDS_PER_MINUTE
from billing.charges import unbilled_charges
from billing.standing import line_standing, prepaid_money
from catalog.models import ProductOffering
from catalog.offerings import sellable_offerings
from catalog.versions import current_version
from core.money import Money
from crm.selfservice.engine import Context

MAX_BUCKET_LINES = 4
MAX_CHARGE_LINES = 5


def bucket_amount(service: str, remaining: int) -> int:
    # Whole units shown, rounded down: never promise a customer a minute they do not have.
    if service == "voice":
        return remaining // SECONDS_PER_MINUTE
    if service == "data":
        return remaining // BYTES_PER_MB
    return remaining


def balance_summary(ctx: Context) -> str:
    caller = ctx.caller
    standing = line_standing(ctx.session, account_id=caller.account_id, subscription_id=caller.subscription_id,
                             prepaid=caller.prepaid, currency=caller.currency, at=ctx.clock.now())
    key = "balance.money" if caller.prepaid else "balance.postpaid"
    lines = [ctx.t(key, amount=ctx.fmt.money(standing.money))]
    for bucket in standing.buckets[:MAX_BUCKET_LINES]:
        amount, service = bucket_amount(bucket.service, bucket.remaining), ctx.t(f"service.{bucket.service}")
        if bucket.valid_to is None:
            lines.append(ctx.t("balance.bucket_open", amount=amount, service=service))
        else:
            expiry = ctx.fmt.day_month_time(bucket.valid_to)
            lines.append(ctx.t("balance.bucket", amount=amount, service=service, expiry=expiry))
    if not standing.buckets:
        lines.append(ctx.t("balance.no_buckets"))
    return "\n".join(lines)


def available_money(ctx: Context) -> Money:
    """The caller's prepaid balance."""
    return prepaid_money(ctx.session, ctx.caller.account_id, ctx.caller.currency)


def recent_charges(ctx: Context) -> str:
    account = ctx.caller.account
    rows: list[tuple[dt.datetime, Decimal, str]] = []
    if account.is_prepaid:
        rows = [(t.created_at, t.amount, t.reason) for t in transactions_of(ctx.session, account,
                                                                            limit=MAX_CHARGE_LINES)]
    else:
        charges = unbilled_charges(ctx.session, account.id)[-MAX_CHARGE_LINES:]
        rows = [(c.created_at, -c.amount, c.description) for c in reversed(charges)]
    if not rows:
        return ctx.t("charges.none")
    lines = [ctx.t("charges.title")]
    for when, amount, what in rows:
        lines.append(f"{ctx.fmt.day_month(when)} {ctx.fmt.signed(amount, account.currency)} {what[:18]}")
    return "\n".join(lines)


def bundle_price(ctx: Context, offering: ProductOffering) -> Money | None:
    version = current_version(ctx.session, offering, ctx.clock.now())
    if version is None:
        return None
    for price in version.prices:
        if price.price_type == "oneTime" and price.amount is not None:
            return Money(price.amount, price.currency or ctx.config.currency)
    return None


def bundles_for(ctx: Context) -> list[tuple[ProductOffering, Money]]:
    """Bundles the caller's account may buy now, with their price."""
    found = sellable_offerings(ctx.session, kind="bundle", payment_type=ctx.caller.payment_type, at=ctx.clock.now())
    priced = [(offering, bundle_price(ctx, offering)) for offering in found]
    return [(offering, price) for offering, price in priced if price is not None]
