"""The fast paths of rating give what the general paths give on the same input.

The real-time path resolves a record in one joined statement and writes with Core statements;
batch looks up rated ids by range and converts bulk rows column by column. Each is held here
to the slower path it replaced.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from billing.balances import balance_of, balance_row, debit_balance, debit_balance_row
from billing.models import BalanceTransaction, BillingAccount
from billing.rating import authorize, debit, lookup, rate_usage
from billing.rating.runs import _rated_ids_statement, rated_usage_ids
from billing.subscriptions import TERMINATED
from catalog.offerings import create_offering
from catalog.tariffs import service as tariffs
from core.bulk import _converted, _remembering
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
    for msisdn in (recycled.msisdn, untariffed.msisdn, closed.msisdn, "+254700000001"):
        for at in moments:
            reason, line, account, version, _ = lookup.line_account_version(session, msisdn, at)
            slow_reason, slow_line, slow_version = _slow_resolution(session, msisdn, at)
            assert (reason, line, version.id if version else None) == (slow_reason, slow_line, slow_version), \
                (msisdn, at)
    reason, _, account, version, _ = lookup.line_account_version(session, recycled.msisdn, change)
    assert reason is None and version.id == new.id and account.balance == Decimal("5")


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
        by_list = set(session.scalars(_rated_ids_statement(), {"ids": sorted(set(asked))})) if asked else set()
        assert rated_usage_ids(session, asked) == by_list
    for record in [*usage[:6], operator.usage(line, seconds=10)]:
        asked = [record.usage_id]
        joined = lookup.line_account_version(session, line.msisdn, record.started_at, usage_id=record.usage_id)[4]
        assert joined is (record.usage_id in rated_usage_ids(session, asked))
    assert lookup.line_account_version(session, "+254700000001", clock.now(), usage_id=1)[4] is None


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
        slow = _remembering(processor)
        expected = [None if v is None else slow(v) for v in column]
        got = _converted(column, processor)
        assert [str(v) if v is not None else None for v in got] == \
            [str(v) if v is not None else None for v in expected]
