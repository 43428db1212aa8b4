"""Writing one real-time debit: the balance and its log entry, the buckets drawn, the postpaid
charge and the rated record.

On PostgreSQL all of it is one statement (data-modifying ``WITH`` parts, one round trip);
SQLite cannot modify data in a ``WITH``, and pays no round trips, so there the same rows go in
one statement each. The statements are built once per shape (debit or not, how many buckets,
charge or not) from tables, so SQLAlchemy compiles each shape once. The rows match what
``balances.debit_balance``, ``allowance.save_bucket_states`` and ``charges.add_charge`` write;
``tests/rating/test_fast_paths.py`` holds them to it.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from billing.balances import BalanceRow, PlannedDebit, debit_statements
from billing.models import Balance, BalanceTransaction, Bucket, Charge
from billing.rating.allowance import BucketState, bucket_save_statement
from billing.rating.lookup import Account
from billing.rating.models import RatedUsage
from billing.rating.records import RATED_COLUMNS, RatedRow
from core.errors import Conflict
from core.money import HALF_UP, quantize

USAGE = "usage"


@dataclass(frozen=True, slots=True)
class UsageCharge:
    """A postpaid usage charge as ``add_charge`` would record it (same checks and rounding)."""

    billing_account_id: int
    subscription_id: int
    description: str
    amount: Decimal
    currency: str
    reference: str
    at: dt.datetime  # the record's start: the charge's period start and end

    @classmethod
    def of(cls, account: Account, *, subscription_id: int, description: str, amount: Decimal, reference: str,
           at: dt.datetime) -> UsageCharge:
        if account.state == "Closed":
            raise Conflict(f"billing account {account.id} is closed")
        return cls(account.id, subscription_id, description.strip()[:200], quantize(amount, account.currency, HALF_UP),
                   account.currency, reference, at)

    def values(self, now: dt.datetime) -> dict:
        return {"c_account": self.billing_account_id, "c_subscription": self.subscription_id, "c_kind": USAGE,
                "c_description": self.description, "c_amount": self.amount, "c_currency": self.currency,
                "c_start": self.at, "c_end": self.at, "c_reference": self.reference, "c_status": "unbilled",
                "c_created": now}


@dataclass(frozen=True, slots=True)
class Written:
    rated_id: int
    entry_id: int | None  # the balance log entry, when money was taken from the balance
    charge_id: int | None  # the postpaid charge, when one was added


def _charge_insert() -> sa.Insert:
    table = Charge.__table__
    return sa.insert(table).values(
        billing_account_id=sa.bindparam("c_account"), subscription_id=sa.bindparam("c_subscription"),
        kind=sa.bindparam("c_kind"), description=sa.bindparam("c_description"), amount=sa.bindparam("c_amount"),
        currency=sa.bindparam("c_currency"), period_start=sa.bindparam("c_start"), period_end=sa.bindparam("c_end"),
        reference=sa.bindparam("c_reference"), status=sa.bindparam("c_status"),
        created_at=sa.bindparam("c_created")).returning(table.c.id)


def _rated_insert(charge_id=None) -> sa.Insert:
    table = RatedUsage.__table__
    values = {name: sa.bindparam(f"r_{name}") for name in _RATED}
    if charge_id is not None:
        values["charge_id"] = charge_id
    return sa.insert(table).values(**values).returning(table.c.id)


# The rated row's bound parameters, in its order; the one-statement form binds the charge's id
# from the charge it inserts, so it leaves ``charge_id`` out.
_PARAMS = tuple(f"r_{name}" for name in RATED_COLUMNS)
_RATED = tuple(name for name in RATED_COLUMNS if name != "charge_id")


@functools.cache
def _one_statement(debit: bool, buckets: int, charge: bool) -> sa.Select:
    """PostgreSQL: every write of a debit in one statement of data-modifying ``WITH`` parts."""
    balance, log, bucket = Balance.__table__, BalanceTransaction.__table__, Bucket.__table__
    unreferenced, columns = [], []
    if debit:
        unreferenced.append(sa.update(balance).where(balance.c.id == sa.bindparam("b_id"))
                            .values(amount=sa.bindparam("b_new"), updated_at=sa.bindparam("now"))
                            .cte("debited_balance"))
        entry = sa.insert(log).values(
            balance_id=sa.bindparam("b_id"), amount=sa.bindparam("b_signed"), balance_after=sa.bindparam("b_new"),
            reason=sa.bindparam("b_reason"), reference=sa.bindparam("b_reference"),
            created_at=sa.bindparam("now")).returning(log.c.id).cte("balance_entry")
        columns.append(sa.select(entry.c.id).scalar_subquery().label("entry_id"))
    for index in range(buckets):
        unreferenced.append(sa.update(bucket).where(bucket.c.id == sa.bindparam(f"k{index}_id"))
                            .values(remaining=sa.bindparam(f"k{index}_remaining"), updated_at=sa.bindparam("now"))
                            .cte(f"drawn_bucket_{index}"))
    charge_id = None
    if charge:
        added = _charge_insert().cte("usage_charge")
        charge_id = sa.select(added.c.id).scalar_subquery()
        columns.append(charge_id.label("charge_id"))
    rated = _rated_insert(charge_id).cte("rated")
    return sa.select(rated.c.id.label("rated_id"), *columns).add_cte(*unreferenced)


def write(session: Session, connection: Connection, *, now: dt.datetime, rated: RatedRow,
          balance: BalanceRow | None = None, planned: PlannedDebit | None = None, buckets: list[BucketState] = (),
          charge: UsageCharge | None = None, one_statement: bool | None = None) -> Written:
    """Write a debit's rows in the session's transaction (``rated``: the rated record; its
    ``charge_id`` is ignored, the charge's comes from ``charge``); objects of them already
    loaded in the session are expired. ``one_statement``: None picks the one-statement form
    where the database has it (PostgreSQL)."""
    params = dict(zip(_PARAMS, rated, strict=True))
    if one_statement is None:
        one_statement = connection.dialect.name == "postgresql"
    if one_statement:
        del params["r_charge_id"]
        params["now"] = now
        if planned is not None:
            params.update(b_id=balance.id, b_new=planned.new_amount, b_signed=planned.signed,
                          b_reason=planned.reason, b_reference=planned.reference)
        for index, state in enumerate(buckets):
            params[f"k{index}_id"], params[f"k{index}_remaining"] = state.id, state.remaining
        if charge is not None:
            params.update(charge.values(now))
        row = connection.execute(_one_statement(planned is not None, len(buckets), charge is not None), params).one()
        written = Written(row.rated_id, row.entry_id if planned is not None else None,
                          row.charge_id if charge is not None else None)
    else:
        written = _one_by_one(connection, now, params, balance, planned, buckets, charge)
    for state in buckets:
        _expire(session, Bucket, state.id)
    return written


def _one_by_one(connection, now, params, balance, planned, buckets, charge) -> Written:
    entry_id = charge_id = None
    if planned is not None:
        update, insert = debit_statements()
        connection.execute(update, {"balance_id": balance.id, "new_amount": planned.new_amount, "now": now})
        entry_id = connection.execute(insert, {
            "balance_id": balance.id, "amount": planned.signed, "balance_after": planned.new_amount,
            "reason": planned.reason, "reference": planned.reference, "created_at": now}).scalar_one()
    if buckets:
        connection.execute(bucket_save_statement(), [{"bucket_id": s.id, "remaining": s.remaining, "now": now}
                                               for s in buckets])
    if charge is not None:
        charge_id = connection.execute(_charge_insert_cached(), charge.values(now)).scalar_one()
    params["r_charge_id"] = charge_id
    rated_id = connection.execute(_rated_insert_cached(), params).scalar_one()
    return Written(rated_id, entry_id, charge_id)


@functools.cache
def _charge_insert_cached() -> sa.Insert:
    return _charge_insert()


@functools.cache
def _rated_insert_cached() -> sa.Insert:
    table = RatedUsage.__table__
    values = {name: sa.bindparam(f"r_{name}") for name in RATED_COLUMNS}
    return sa.insert(table).values(**values).returning(table.c.id)


def _expire(session: Session, model, key: int) -> None:
    loaded = session.identity_map.get(identity_key(model, key))
    if loaded is not None:  # a Core UPDATE bypassed it: make it reload
        session.expire(loaded)
