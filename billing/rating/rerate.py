"""Rerating after a tariff correction: reverse what was charged, then rate again.

For the records started in ``[start, end)`` (optionally of one account): buckets get their
units back, prepaid balances their money (one log entry per account, reason
``usage reversal``), postpaid lines an adjustment charge for what was charged; the rated
records are kept, marked ``reversed`` by this run, and the same usage is rated anew together
with open rating errors of the window. Running it twice leaves balances, buckets and open
charges where one run left them: every run reverses exactly what the live records say and
re-applies the tariff as it stands. The ``rating_run`` rows (kind ``rerate``, with the window
and account) are the audit trail.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing import balances
from billing.charges import add_charge
from billing.models import BillingAccount, Bucket
from billing.rating.batch import rate_usage
from billing.rating.lookup import event_from_json
from billing.rating.models import RatedUsage, RatingError
from billing.rating.runs import RATED, RatingSummary, start_run
from billing.rating.thresholds import DEFAULT_THRESHOLDS, Thresholds
from billing.usage import UsageEvent
from core.clock import Clock
from core.errors import ValidationError
from core.events import EventBus


def rerate(session: Session, clock: Clock, events: EventBus, *, start: dt.datetime, end: dt.datetime,
           account_id: int | None = None, source: str = "cli", overdraft_limit: Decimal = Decimal(0),
           low_balance: Thresholds = DEFAULT_THRESHOLDS) -> tuple[int, RatingSummary]:
    """Reverse and re-rate a window; returns (records reversed, the new rating's summary).
    ``low_balance``: per currency, the balance below which the customer is told."""
    if end <= start:
        raise ValidationError("the window must end after it starts", field="to")
    run = start_run(session, clock, "rerate", source, {"from": start.isoformat(), "to": end.isoformat(),
                                                        "account": account_id})
    stmt = sa.select(RatedUsage).where(RatedUsage.status == "rated", RatedUsage.started_at >= start,
                                       RatedUsage.started_at < end).order_by(RatedUsage.id).with_for_update()
    errors = sa.select(RatingError).where(RatingError.status == "open", RatingError.started_at >= start,
                                          RatingError.started_at < end).with_for_update()
    if account_id is not None:
        stmt = stmt.where(RatedUsage.billing_account_id == account_id)
        errors = errors.where(RatingError.billing_account_id == account_id)
    rated = list(session.scalars(stmt))
    retry = list(session.scalars(errors))
    _reverse(session, clock, events, run.id, rated)
    usage = [_event_of(r) for r in rated]
    known = {e.usage_id for e in usage}
    usage += [event_from_json(e.usage) for e in retry if e.usage_id not in known]
    summary = rate_usage(session, clock, events, usage, source=source, overdraft_limit=overdraft_limit,
                         low_balance=low_balance, run=run)
    for error in retry:
        error.status = "resolved" if summary.outcomes.get(error.usage_id) and \
            summary.outcomes[error.usage_id].status == RATED else "retried"
    run.reversed = len(rated)
    session.flush()
    return len(rated), summary


def _reverse(session: Session, clock: Clock, events: EventBus, run_id: int, rated: list[RatedUsage]) -> None:
    now = clock.now()
    units: dict[int, int] = defaultdict(int)
    money: dict[int, Decimal] = defaultdict(Decimal)
    charged: dict[tuple[int, int, str], Decimal] = defaultdict(Decimal)
    for record in rated:
        for bucket_id, count in record.buckets or []:
            units[bucket_id] += count
        if record.balance_debited:
            money[record.billing_account_id] += record.balance_debited
        if record.postpaid_charged:
            charged[(record.billing_account_id, record.subscription_id, record.service)] += record.postpaid_charged
        record.status = "reversed"
        record.reversed_by_run_id = run_id
    session.flush()  # the records are no longer live before the same usage is rated again
    for bucket in session.scalars(sa.select(Bucket).where(Bucket.id.in_(list(units))).with_for_update()):
        # Units go back even to an expired bucket: rating decides again whether they apply.
        bucket.remaining = min(bucket.initial, bucket.remaining + units[bucket.id])
        bucket.updated_at = now
    if money:
        locked = balances.lock_balances(session, clock, list(money))
        balances.post_balance_changes(session, clock, events, locked, dict(money), reason="usage reversal",
                                      reference=f"rating-run:{run_id}")
    for (account_id, line_id, service), amount in charged.items():
        add_charge(session, clock, events, account=session.get(BillingAccount, account_id), kind="adjustment",
                   amount=-amount, description=f"{service} usage reversed for rerating", subscription_id=line_id,
                   reference=f"rating-run:{run_id}")
    session.flush()


def _event_of(record: RatedUsage) -> UsageEvent:
    quantity = record.quantity
    return UsageEvent(usage_id=record.usage_id, msisdn=record.msisdn, service=record.service,
                      direction=record.direction, started_at=record.started_at, other_party=record.other_party,
                      duration_s=quantity if record.service == "voice" else 0,
                      messages=quantity if record.service == "sms" else 0,
                      volume_down=quantity if record.service == "data" else 0,
                      roaming=record.roaming, visited_network=record.visited_network)
