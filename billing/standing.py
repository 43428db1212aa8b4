"""A line's standing as self-service shows it: money (prepaid balance or unbilled charges) and
the buckets it can draw from, read as plain columns in as few statements as possible.

A USSD balance check is the most frequent request an operator gets; these reads return
values, not ORM entities, so nothing is tracked or flushed for them. ``buckets.live_buckets``
and ``balances.balance_of`` remain the entity reads for code that changes what it reads.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.models import Balance, Bucket, Charge
from core.money import Money

_FAR = dt.datetime.max.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class BucketView:
    id: int
    service: str
    remaining: int
    scope: str | None
    priority: int
    valid_to: dt.datetime | None

    @property
    def consumption_order(self) -> tuple:
        # As rating draws: scoped before unscoped, then the earliest expiry, then priority.
        return (self.scope is None, self.valid_to or _FAR, self.priority, self.id)


@dataclass(frozen=True)
class Standing:
    money: Money  # prepaid: the balance; postpaid: unbilled charges owed
    buckets: tuple[BucketView, ...]  # live, in consumption order


# Table columns, not mapped attributes: plain Core statements, no ORM step per execution.
_BALANCE_T, _BUCKET_T, _CHARGE_T = Balance.__table__, Bucket.__table__, Charge.__table__
_B = _BUCKET_T.c
_BUCKET_COLUMNS = (_B.id, _B.service, _B.remaining, _B.scope, _B.priority, _B.valid_to)


def _live(subscription_id, at):
    """The buckets a line can draw from at ``at`` (the condition of ``buckets.live_buckets``)."""
    return sa.and_(_B.subscription_id == subscription_id, _B.status == "active", _B.remaining > 0,
                   _B.valid_from <= at, sa.or_(_B.valid_to.is_(None), _B.valid_to > at))


_LIVE = _live(sa.bindparam("subscription_id"), sa.bindparam("at"))
# Prepaid: the balance row, outer-joined to the line's live buckets: one round trip.
_PREPAID = (sa.select(_BALANCE_T.c.amount, *_BUCKET_COLUMNS)
            .select_from(_BALANCE_T.outerjoin(_BUCKET_T, _LIVE))
            .where(_BALANCE_T.c.billing_account_id == sa.bindparam("account_id")))
_BUCKETS = sa.select(*_BUCKET_COLUMNS).where(_LIVE)
# sum() keeps the column's type, so on SQLite the scaled integers come back as exact Decimals.
_OWED = sa.select(sa.func.sum(_CHARGE_T.c.amount)).where(
    _CHARGE_T.c.billing_account_id == sa.bindparam("account_id"), _CHARGE_T.c.status == "unbilled")
_BALANCE = sa.select(_BALANCE_T.c.amount).where(_BALANCE_T.c.billing_account_id == sa.bindparam("account_id"))


def _ordered(rows) -> tuple[BucketView, ...]:
    views = [BucketView(*row) for row in rows if row[0] is not None]
    return tuple(sorted(views, key=lambda b: b.consumption_order))


def prepaid_money(session: Session, account_id: int, currency: str) -> Money:
    """The prepaid balance of an account (zero when it has no balance row yet)."""
    amount = session.execute(_BALANCE, {"account_id": account_id}).scalar()
    return Money(amount if amount is not None else Decimal(0), currency)


def line_standing(session: Session, *, account_id: int, subscription_id: int, prepaid: bool, currency: str,
                  at: dt.datetime) -> Standing:
    """Money and live buckets of a line: one statement for a prepaid line, two for postpaid."""
    params = {"account_id": account_id, "subscription_id": subscription_id, "at": at}
    if prepaid:
        rows = session.execute(_PREPAID, params).all()
        if rows:
            return Standing(Money(rows[0][0], currency), _ordered(row[1:] for row in rows))
        amount = None  # an account opened before balances existed has no balance row yet
    else:
        amount = session.execute(_OWED, params).scalar()
    buckets = _ordered(session.execute(_BUCKETS, params).all())
    return Standing(Money(amount if amount is not None else Decimal(0), currency), buckets)
