"""The fast paths of rating give what the general paths give on the same input.

The real-time path reads a record's line, tariff, balance and buckets in one joined statement
(``snapshot.read``) and writes with Core statements, on PostgreSQL all in one (``postings``);
batch looks up rated ids by range and converts bulk rows column by column. Each is held here
to the slower path it replaced.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import astuple
from decimal import Decimal

import pytest
import sqlalchemy as sa

from billing.balances import balance_of, balance_row, debit_balance, debit_balance_row, plan_debit
from billing.charges import add_charge
from billing.models import Balance, BalanceTransaction, BillingAccount, Bucket, Charge
from billing.rating import authorize, debit, lookup, postings, rate_usage, snapshot
from billing.rating.allowance import draw, load_bucket_states
from billing.rating.models import RatedUsage
from billing.rating.records import RatedRow
from billing.rating.runs import rated_ids_statement, rated_usage_ids, start_run
from billing.subscriptions import TERMINATED
from catalog.offerings import create_offering
from catalog.tariffs import service as tariffs
from core.bulk import converted_column, remembering_processor
from core.db import ExactDecimal, UTCDateTime


def _slow_resolution(session, msisdn, at):
    """What batch rating resolves for one record: lines, accounts, then the tariff book."""
    line = lookup.line_at(lookup.lines_by_msisdn(session, [msisdn]).get(msisdn), at)
    if line is None:
        return lookup.UNKNOWN_SUBSCRIBER, None, None
    account = lookup.accounts_by_id(session, [line.account_id])[line.account_id]
    if account.state == "Closed":
        return lookup.ACCOUNT_CLOSED, line, None
    reason, version = lookup.TariffBook(session, [line.offering_id]).version_at(line.offering_id, at)
    return reason, line, version.id if version else None


def test_one_statement_resolution_equals_the_batch_lookups(session, clock, events, operator):
    change = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    new = tariffs.add_version(session, clock, operator.tariff, effective_from=change)
    recycled = operator.line(balance="5")
    operator.bucket(recycled, "voice", 120)
    recycled.terminated_at = clock.now() + dt.timedelta(days=1)
    recycled.status = TERMINATED
    session.flush()
    later = operator.line(msisdn=recycled.msisdn)
    later.activated_at = clock.now() + dt.timedelta(days=2)
    bare = create_offering(session, clock, name="No tariff", code="BARE", kind="plan", payment_type="any",
                           lifecycle_status="Launched", is_sellable=True)
    untariffed = operator.line()
    untariffed.offering_id = bare.id
    closed = operator.line()
    session.get(BillingAccount, closed.billing_account_id).state = "Closed"
    session.flush()
    moments = [clock.now() - dt.timedelta(days=400), clock.now(), change - dt.timedelta(seconds=1), change,
               clock.now() + dt.timedelta(days=1, hours=1), clock.now() + dt.timedelta(days=3)]
    operator.bucket(later, "voice", 600)
    operator.bucket(later, "voice", 300, scope="national", days=5)
    operator.bucket(later, "sms", 10)
    session.flush()
    connection = session.connection()
    for locked in (False, True):
        for msisdn in (recycled.msisdn, untariffed.msisdn, closed.msisdn, "+254700000001"):
            for at in moments:
                for service in ("voice", "sms", "data"):
                    seen = snapshot.read(connection, msisdn=msisdn, at=at, service=service, locked=locked)
                    slow_reason, slow_line, slow_version = _slow_resolution(session, msisdn, at)
                    assert (seen.reason, seen.line, seen.version.id if seen.version else None) == \
                        (slow_reason, slow_line, slow_version), (msisdn, at, locked)
                    if seen.line is None or seen.reason == lookup.ACCOUNT_CLOSED:
                        continue
                    states = load_bucket_states(session, [seen.line.id], lock=False).get((seen.line.id, service), [])
                    assert [astuple(b) for b in seen.buckets] == [astuple(b) for b in states]
                    row = balance_row(session, seen.line.account_id)
                    assert seen.balance == row and seen.account.balance == (row.amount if row else None)
    seen = snapshot.read(connection, msisdn=recycled.msisdn, at=change, service="voice", locked=True)
    assert seen.reason is None and seen.version.id == new.id and seen.account.balance == Decimal("5")
    assert [b.remaining for b in seen.buckets] == [120]


def test_core_debit_equals_the_orm_debit(session, clock, events, operator):
    first, second = operator.line(balance="10"), operator.line(balance="10")
    session.flush()
    accounts = [session.get(BillingAccount, line.billing_account_id) for line in (first, second)]
    orm_entry = debit_balance(session, clock, events, account=accounts[0], amount=Decimal("3.456"), reason="usage",
                              reference="usage:1")
    locked = balance_row(session, accounts[1].id, lock=True)
    core_id = debit_balance_row(session, clock, events, balance=locked, account_state=accounts[1].state,
                                customer_id=accounts[1].customer_id, amount=Decimal("3.456"), reason="usage",
                                reference="usage:1")
    core_entry = session.get(BalanceTransaction, core_id)
    assert (core_entry.amount, core_entry.balance_after, core_entry.reason, core_entry.reference) == \
        (orm_entry.amount, orm_entry.balance_after, orm_entry.reason, orm_entry.reference) == \
        (Decimal("-3.46"), Decimal("6.54"), "usage", "usage:1")
    assert balance_of(session, accounts[1]).amount == locked.amount == Decimal("6.54")
    orm_event, core_event = events.named("balance.debited")[-2:]
    ignore = {"account_id", "customer_id", "transaction_id"}
    assert {k: v for k, v in orm_event.payload.items() if k not in ignore} == \
        {k: v for k, v in core_event.payload.items() if k not in ignore}
    assert core_event.payload["transaction_id"] == core_id


def test_a_tariff_change_reaches_the_cached_real_time_path(session, clock, events, operator):
    line = operator.line(balance="1000")
    call = operator.usage(line, seconds=60, to="+254733000111")
    assert debit(session, clock, events, call)[1].amount == Decimal("4.30")
    version = tariffs.versions_of(session, operator.tariff.id)[0]
    tariffs.add_rate(session, clock, version, service="voice", zone="offnet", band="peak", price="9.00",
                     unit_size=60)
    again = operator.usage(line, seconds=60, to="+254733000111")
    assert debit(session, clock, events, again)[1].amount == Decimal("9.00")
    assert authorize(session, clock, msisdn=line.msisdn, service="voice", requested=600,
                     other_party="+254733000111").granted == 600


def test_rated_ids_by_range_equal_rated_ids_by_list(session, clock, events, operator):
    line = operator.line(balance="1000")
    usage = [operator.usage(line, seconds=10) for _ in range(30)]
    rate_usage(session, clock, events, usage[::3] + usage[1:4])
    for asked in ([u.usage_id for u in usage], [u.usage_id for u in usage[5:9]], [usage[0].usage_id],
                  [usage[0].usage_id, usage[-1].usage_id, 10_000], []):
        by_list = set(session.scalars(rated_ids_statement(), {"ids": sorted(set(asked))})) if asked else set()
        assert rated_usage_ids(session, asked) == by_list
    for record in [*usage[:6], operator.usage(line, seconds=10)]:
        asked = [record.usage_id]
        for msisdn in (line.msisdn, "+254700000001"):  # known whether or not a line has the number
            joined = snapshot.read(session.connection(), msisdn=msisdn, at=record.started_at, service="voice",
                                   usage_id=record.usage_id).rated
            assert joined is (record.usage_id in rated_usage_ids(session, asked))


def test_column_conversion_equals_value_by_value(session):
    dialect = session.connection().dialect
    cases = [
        (ExactDecimal(), [Decimal("1.5"), None, Decimal("1.50"), Decimal("0"), Decimal("-2.25"), Decimal("1.5")]),
        (UTCDateTime(), [dt.datetime(2026, 3, 2, 6, tzinfo=dt.UTC), None, dt.datetime(2026, 3, 2, 6, tzinfo=dt.UTC)]),
        (sa.JSON(), [(), [[1, 2]], None, [[3, 4], [5, 6]], ()]),
    ]
    for kind, column in cases:
        processor = kind.dialect_impl(dialect).bind_processor(dialect)
        if processor is None:
            continue
        slow = remembering_processor(processor)
        expected = [None if v is None else slow(v) for v in column]
        got = converted_column(column, processor)
        assert [str(v) if v is not None else None for v in got] == \
            [str(v) if v is not None else None for v in expected]


def test_a_real_time_postpaid_charge_equals_add_charge(session, clock, events, operator):
    line = operator.line("postpaid")
    _, rated = debit(session, clock, events, operator.usage(line, seconds=61))
    account = session.get(BillingAccount, line.billing_account_id)
    reference = f"usage:{rated.usage_id}"
    general = add_charge(session, clock, events, account=account, kind="usage", amount=rated.amount,
                         description=f"voice usage of {line.msisdn}", subscription_id=line.id, reference=reference,
                         period_start=rated.started_at, period_end=rated.started_at)
    fast = session.get(Charge, rated.charge_id)
    columns = [c.name for c in Charge.__table__.c if c.name != "id"]
    assert rated.postpaid_charged == Decimal("4.37")
    assert [getattr(fast, c) for c in columns] == [getattr(general, c) for c in columns]
    fast_event, general_event = events.named("charge.added")[-2:]
    assert fast_event.payload["charge_id"] == fast.id
    assert {k: v for k, v in fast_event.payload.items() if k != "charge_id"} == \
        {k: v for k, v in general_event.payload.items() if k != "charge_id"}


def test_one_statement_write_equals_one_statement_each(session, clock, events, operator):
    """PostgreSQL writes a debit in one statement of ``WITH`` parts; the same rows as one by one."""
    if session.connection().dialect.name != "postgresql":
        pytest.skip("SQLite cannot modify data in a WITH: it always writes one by one")
    lines = []
    for payment_type, balance in (("prepaid", "10"), ("prepaid", "10"), ("postpaid", "0"), ("postpaid", "0")):
        line = operator.line(payment_type, balance=balance)
        operator.bucket(line, "voice", 90)
        operator.bucket(line, "voice", 30, scope="national", days=3)
        lines.append(line)
    run = start_run(session, clock, "realtime", "test")
    connection = session.connection()
    for index, (line, one_statement) in enumerate(zip(lines, (True, False, True, False), strict=True)):
        seen = snapshot.read(connection, msisdn=line.msisdn, at=clock.now(), service="voice", locked=True)
        taken = draw(seen.buckets, clock.now(), "offnet", 180)
        changed = [s for s in seen.buckets if s.remaining != s.start_remaining]
        amount = Decimal("4.30")
        planned = charge = None
        if seen.account.payment_type == "prepaid":
            planned = plan_debit(seen.balance, account_state="Active", amount=amount, reason="usage",
                                 reference="usage:7", allow_negative=True)
        else:
            charge = postings.UsageCharge.of(seen.account, subscription_id=line.id, description="voice usage",
                                             amount=amount, reference="usage:7", at=clock.now())
        rated = RatedRow(usage_id=1000 + index, run_id=run.id, subscription_id=line.id,
                         billing_account_id=line.billing_account_id, msisdn=line.msisdn, service="voice",
                         direction="out", started_at=clock.now(), other_party="+254733000111", roaming=False,
                         visited_network=None, quantity=180, billed_units=180, bucket_units=120,
                         tariff_version_id=None, rate_id=None, zone="offnet", band="peak", currency="KES",
                         amount=amount, balance_debited=amount if planned else Decimal(0),
                         postpaid_charged=Decimal(0) if planned else amount, shortfall=Decimal(0), flag=None,
                         buckets=taken, charge_id=None, status="rated", created_at=clock.now())
        postings.write(session, connection, now=clock.now(), rated=rated, balance=seen.balance, planned=planned,
                       buckets=changed, charge=charge, one_statement=one_statement)
    session.expire_all()

    def written(line) -> tuple:
        record = session.scalar(sa.select(RatedUsage).where(RatedUsage.subscription_id == line.id))
        skip = {"id", "usage_id", "subscription_id", "billing_account_id", "msisdn", "buckets", "charge_id"}
        charge = session.get(Charge, record.charge_id) if record.charge_id else None
        log = session.scalars(sa.select(BalanceTransaction).join(Balance)
                              .where(Balance.billing_account_id == line.billing_account_id)
                              .order_by(BalanceTransaction.id)).all()
        return ({c.name: getattr(record, c.name) for c in RatedUsage.__table__.c if c.name not in skip},
                [units for _, units in record.buckets],
                session.scalars(sa.select(Bucket.remaining).where(Bucket.subscription_id == line.id)
                                .order_by(Bucket.id)).all(),
                session.scalar(sa.select(Balance.amount).where(Balance.billing_account_id == line.billing_account_id)),
                [(e.amount, e.balance_after, e.reason, e.reference, e.created_at) for e in log],
                (charge.amount, charge.kind, charge.description, charge.status, charge.reference) if charge else None)

    assert written(lines[0]) == written(lines[1])
    assert written(lines[2]) == written(lines[3])
    assert written(lines[0])[1:4] == ([30, 90], [0, 0], Decimal("5.70"))
