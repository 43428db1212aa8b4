"""Everything the real-time path needs about one record, read in one statement.

The line that had the number at the record's start, its account, the plan's tariff version in
effect then, the prepaid balance, the line's buckets for the record's service, and whether the
record is rated already: one round trip instead of four or five. The tests hold it to batch
rating's lookups (``lookup.lines_by_msisdn``, ``accounts_by_id``, ``TariffBook``), to
``allowance.load_bucket_states`` and to ``balances.balance_row``.

``locked`` (for a debit) takes the row locks a charge needs on PostgreSQL: the buckets
(``FOR UPDATE``, in id order) and then the balance, in that order because batch rating locks
buckets before balances, so the two paths never deadlock. The locks ride in ``LATERAL``
sub-selects: PostgreSQL refuses ``FOR UPDATE`` on the nullable side of an outer join, and a
line may have no buckets, and a postpaid account no balance. SQLite has neither ``LATERAL`` nor
row locks (it serialises writers), so there the same columns come from plain outer joins.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from billing.balances import BalanceRow
from billing.models import Balance, BillingAccount, Bucket, Subscription
from billing.rating import lookup
from billing.rating.allowance import BucketState
from billing.rating.lookup import Account, Line, VersionRef
from billing.rating.models import RatedUsage
from catalog.tariffs.models import PlanTariff, TariffVersion

NO_RECORD = -1  # the usage id asked about when there is no record (authorise): none has it


@dataclass(slots=True)
class Snapshot:
    reason: str | None  # why the record cannot be rated whatever the tariff says, or None
    line: Line | None
    account: Account | None
    version: VersionRef | None
    rated: bool  # the record is rated already (False when no record was asked about)
    balance: BalanceRow | None  # the account's prepaid balance row (locked if asked), None if it has none
    buckets: list[BucketState] = field(default_factory=list)  # the line's, of the service, in consumption order


@functools.cache
def _statement(locked: bool) -> sa.Select:
    # Built once per form, from tables rather than mapped classes: no ORM compile step per call.
    sub, account, plan, version = (Subscription.__table__, BillingAccount.__table__, PlanTariff.__table__,
                                   TariffVersion.__table__)
    balance, bucket, rated = Balance.__table__, Bucket.__table__, RatedUsage.__table__
    at = sa.bindparam("at", type_=version.c.effective_from.type)
    # One row even when no line matches, so the duplicate check always answers.
    # 'rated' as a literal, not a parameter: only then may the database use the partial unique
    # index on live ratings (on SQLite the parameter made this statement eight times slower).
    live_rating = sa.and_(rated.c.usage_id == sa.bindparam("usage_id"), rated.c.status == sa.literal_column("'rated'"))
    probe = sa.select(sa.exists().where(live_rating).label("rated")).subquery("probe")
    live = sa.and_(sub.c.msisdn == sa.bindparam("msisdn"), sa.func.coalesce(sub.c.activated_at, sub.c.created_at) <= at,
                   sa.or_(sub.c.terminated_at.is_(None), sub.c.terminated_at > at))
    in_effect = sa.and_(version.c.tariff_id == plan.c.tariff_id, version.c.effective_from <= at,
                        sa.or_(version.c.effective_to.is_(None), version.c.effective_to > at))
    # Fewer columns, less work per call (the driver describes every column of every result):
    # the number, the bucket's line and service are known from the parameters and the join.
    bucket_columns = (bucket.c.id, bucket.c.scope, bucket.c.priority, bucket.c.valid_from, bucket.c.valid_to,
                      bucket.c.initial, bucket.c.remaining)
    usable = sa.and_(bucket.c.service == sa.bindparam("service"), bucket.c.status == "active", bucket.c.remaining > 0)
    joined = (probe.outerjoin(sub, live).outerjoin(account, account.c.id == sub.c.billing_account_id)
              .outerjoin(plan, plan.c.offering_id == sub.c.offering_id).outerjoin(version, in_effect))
    if locked:
        buckets = (sa.select(*bucket_columns).where(bucket.c.subscription_id == sub.c.id, usable)
                   .order_by(bucket.c.id).with_for_update().lateral("locked_bucket"))
        # The reference to the bucket row makes the balance's sub-select run after the buckets
        # are locked (it is evaluated per bucket row): buckets first, then the balance.
        balances = (sa.select(balance.c.id, balance.c.currency, balance.c.amount)
                    .where(balance.c.billing_account_id == sub.c.billing_account_id,
                           sa.func.coalesce(buckets.c.id, 0) >= 0)
                    .with_for_update().lateral("locked_balance"))
        joined = joined.outerjoin(buckets, sa.true()).outerjoin(balances, sa.true())
        bucket_columns = tuple(buckets.c)
    else:
        balances = balance
        joined = (joined.outerjoin(bucket, sa.and_(bucket.c.subscription_id == sub.c.id, usable))
                  .outerjoin(balance, balance.c.billing_account_id == sub.c.billing_account_id))
    return sa.select(
        probe.c.rated, sub.c.id, sub.c.billing_account_id, sub.c.offering_id,
        sa.func.coalesce(sub.c.activated_at, sub.c.created_at, type_=sub.c.created_at.type), sub.c.terminated_at,
        account.c.customer_id, account.c.payment_type, account.c.currency,
        account.c.state, plan.c.tariff_id, version.c.id, version.c.version, version.c.stamp, balances.c.id,
        balances.c.currency, balances.c.amount,
        *bucket_columns).select_from(joined)


def read(connection: Connection, *, msisdn: str, at: dt.datetime, service: str, usage_id: int = NO_RECORD,
         locked: bool = False) -> Snapshot:
    """The snapshot of one record (or of a call about to start, with no ``usage_id``)."""
    rows = connection.execute(_statement(locked and connection.dialect.name == "postgresql"),
                              {"msisdn": msisdn, "at": at, "service": service, "usage_id": usage_id}).all()
    rated = bool(rows[0][0])
    lines = {r[1]: Line(r[1], msisdn, r[2], r[3], r[4], r[5]) for r in rows if r[1] is not None}
    line = lookup.line_at(list(lines.values()), at)
    if line is None:
        return Snapshot(lookup.UNKNOWN_SUBSCRIBER, None, None, None, rated, None)
    mine = [r for r in rows if r[1] == line.id]
    first = mine[0]
    balance = BalanceRow(first[14], line.account_id, first[15], first[16]) if first[14] is not None else None
    account = Account(line.account_id, first[6], first[7], first[8], first[9],
                      balance.amount if balance is not None else None)
    if account.state == "Closed":
        return Snapshot(lookup.ACCOUNT_CLOSED, line, account, None, rated, balance)
    buckets = {r[17]: BucketState(r[17], line.id, service, *r[18:24], start_remaining=r[23])
               for r in mine if r[17] is not None}
    states = sorted(buckets.values(), key=lambda b: b.order)
    if first[10] is None:
        return Snapshot(lookup.NO_TARIFF, line, account, None, rated, balance, states)
    versions = [r for r in mine if r[11] is not None]
    if not versions:
        return Snapshot(lookup.NO_TARIFF_VERSION, line, account, None, rated, balance, states)
    newest = max(versions, key=lambda r: r[12])  # several in effect at once: the latest version wins
    return Snapshot(None, line, account, VersionRef(newest[11], first[10], newest[12], newest[13]), rated, balance,
                    states)
