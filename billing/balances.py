"""Prepaid money balances and the log that explains every change to them.

Every change goes through ``credit_balance``/``debit_balance``: the balance row is locked
(``SELECT ... FOR UPDATE`` on PostgreSQL) so concurrent top-ups and charges serialise, the
amount is rounded to the currency's minor unit with a named rounding mode, and a
``balance_transaction`` row records amount, resulting balance, reason and reference.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from billing.models import Balance, BalanceTransaction, BillingAccount
from core.clock import Clock
from core.errors import Conflict, ValidationError
from core.events import EventBus
from core.money import HALF_UP, Money, quantize, to_decimal

MAX_REASON = 40


def balance_of(session: Session, account: BillingAccount, *, lock: bool = False) -> Balance:
    """The prepaid balance row of ``account``; ``lock`` takes a row lock until the transaction ends."""
    if not account.is_prepaid:
        raise ValidationError(f"billing account {account.id} is postpaid and has no prepaid balance",
                              field="billing_account")
    stmt = sa.select(Balance).where(Balance.billing_account_id == account.id)
    if lock:
        # populate_existing: a row already in the session must be re-read under the lock.
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    balance = session.scalar(stmt)
    if balance is None:  # accounts opened before balances existed, or made by hand
        balance = Balance(billing_account_id=account.id, currency=account.currency, amount=Decimal(0),
                          updated_at=account.created_at)
        session.add(balance)
        session.flush()
    return balance


def available_money(session: Session, account: BillingAccount) -> Money:
    return Money(balance_of(session, account).amount, account.currency)


def _amount(amount, currency: str, rounding: str) -> Decimal:
    if isinstance(amount, float):
        raise TypeError("balances refuse float amounts; pass a Decimal")
    value = quantize(to_decimal(amount), currency, rounding)
    if value <= 0:
        raise ValidationError(f"amount must be positive after rounding to {currency}, not {amount}",
                              field="amount")
    return value


def _record(session: Session, clock: Clock, events: EventBus, account: BillingAccount, signed: Decimal, *,
            reason: str, reference: str | None, allow_negative: bool,
            locked: Balance | None = None) -> BalanceTransaction:
    if not reason or not reason.strip():
        raise ValidationError("a balance change needs a reason", field="reason")
    if account.state == "Closed":
        raise Conflict(f"billing account {account.id} is closed")
    balance = locked if locked is not None else balance_of(session, account, lock=True)
    new_amount = balance.amount + signed
    if new_amount < 0 and not allow_negative:
        raise Conflict(f"insufficient balance: {Money(balance.amount, balance.currency)} available, "
                       f"{Money(-signed, balance.currency)} needed", code="insufficient_balance")
    now = clock.now()
    balance.amount = new_amount
    balance.updated_at = now
    entry = BalanceTransaction(balance_id=balance.id, amount=signed, balance_after=new_amount,
                               reason=reason.strip()[:MAX_REASON], reference=reference, created_at=now)
    session.add(entry)
    session.flush()
    events.publish("balance.credited" if signed > 0 else "balance.debited", account_id=account.id,
                   customer_id=account.customer_id, amount=abs(signed), balance=new_amount,
                   currency=balance.currency, reason=entry.reason, reference=reference, transaction_id=entry.id)
    return entry


def credit_balance(session: Session, clock: Clock, events: EventBus, *, account: BillingAccount, amount,
                   reason: str, reference: str | None = None, rounding: str = HALF_UP) -> BalanceTransaction:
    """Add money (a top-up, a refund) to a prepaid account; ``amount`` is a positive Decimal."""
    value = _amount(amount, account.currency, rounding)
    return _record(session, clock, events, account, value, reason=reason, reference=reference,
                   allow_negative=False)


def debit_balance(session: Session, clock: Clock, events: EventBus, *, account: BillingAccount, amount,
                  reason: str, reference: str | None = None, rounding: str = HALF_UP,
                  allow_negative: bool = False, locked: Balance | None = None) -> BalanceTransaction:
    """Take money from a prepaid account.

    Refuses (Conflict ``insufficient_balance``) to go below zero unless ``allow_negative``, which
    is for charges that already happened (the tail of a call) and must be recorded anyway.
    ``locked`` is the account's balance row when the caller already holds its lock
    (``balance_of(..., lock=True)`` in this transaction), saving a second round trip.
    """
    value = _amount(amount, account.currency, rounding)
    return _record(session, clock, events, account, -value, reason=reason, reference=reference,
                   allow_negative=allow_negative, locked=locked)


@dataclass(slots=True)
class BalanceRow:
    """A balance as plain values, for the real-time path that cannot afford ORM objects."""

    id: int
    billing_account_id: int
    currency: str
    amount: Decimal


@functools.cache
def _balance_row_statement(lock: bool) -> sa.Select:
    stmt = sa.select(Balance.id, Balance.billing_account_id, Balance.currency, Balance.amount).where(
        Balance.billing_account_id == sa.bindparam("account_id"))
    return stmt.with_for_update() if lock else stmt


@functools.cache
def debit_statements() -> tuple[sa.Update, sa.Insert]:
    balance, log = Balance.__table__, BalanceTransaction.__table__
    return (sa.update(balance).where(balance.c.id == sa.bindparam("balance_id"))
            .values(amount=sa.bindparam("new_amount"), updated_at=sa.bindparam("now")),
            sa.insert(log).returning(log.c.id))


def balance_row(session: Session, account_id: int, *, lock: bool = False) -> BalanceRow | None:
    """The balance of an account in one Core statement (``FOR UPDATE`` with ``lock``); None if
    the account has no balance row yet (``balance_of`` creates one)."""
    row = session.execute(_balance_row_statement(lock), {"account_id": account_id}).first()
    return BalanceRow(*row) if row is not None else None


@dataclass(frozen=True, slots=True)
class PlannedDebit:
    """A debit checked and rounded, not yet written: what ``debit_balance_row`` writes."""

    signed: Decimal  # negative
    new_amount: Decimal
    reason: str
    reference: str | None


def plan_debit(balance: BalanceRow, *, account_state: str, amount, reason: str, reference: str | None = None,
               rounding: str = HALF_UP, allow_negative: bool = False) -> PlannedDebit:
    """``debit_balance``'s checks and rounding for a balance read as a row: raises as it does."""
    if not reason or not reason.strip():
        raise ValidationError("a balance change needs a reason", field="reason")
    if account_state == "Closed":
        raise Conflict(f"billing account {balance.billing_account_id} is closed")
    signed = -_amount(amount, balance.currency, rounding)
    new_amount = balance.amount + signed
    if new_amount < 0 and not allow_negative:
        raise Conflict(f"insufficient balance: {Money(balance.amount, balance.currency)} available, "
                       f"{Money(-signed, balance.currency)} needed", code="insufficient_balance")
    return PlannedDebit(signed, new_amount, reason.strip()[:MAX_REASON], reference)


def debit_written(session: Session, events: EventBus, balance: BalanceRow, planned: PlannedDebit, *,
                  customer_id: int, entry_id: int) -> None:
    """After a planned debit's UPDATE and log entry are written (by Core statements): make a
    loaded ``Balance`` reload, move ``balance.amount`` on, publish ``balance.debited``."""
    loaded = session.identity_map.get(identity_key(Balance, balance.id))
    if loaded is not None:  # the Core UPDATE bypassed it: make it reload
        session.expire(loaded)
    balance.amount = planned.new_amount
    events.publish("balance.debited", account_id=balance.billing_account_id, customer_id=customer_id,
                   amount=-planned.signed, balance=planned.new_amount, currency=balance.currency,
                   reason=planned.reason, reference=planned.reference, transaction_id=entry_id)


def debit_balance_row(session: Session, clock: Clock, events: EventBus, *, balance: BalanceRow, account_state: str,
                      customer_id: int, amount, reason: str, reference: str | None = None, rounding: str = HALF_UP,
                      allow_negative: bool = False) -> int:
    """``debit_balance`` for a row locked by ``balance_row(..., lock=True)``: the same rounding,
    checks, log entry and event, written with one UPDATE and one INSERT instead of a unit-of-work
    flush. Updates ``balance.amount``; returns the log entry's id."""
    planned = plan_debit(balance, account_state=account_state, amount=amount, reason=reason, reference=reference,
                         rounding=rounding, allow_negative=allow_negative)
    now = clock.now()
    update, insert = debit_statements()
    session.execute(update, {"balance_id": balance.id, "new_amount": planned.new_amount, "now": now})
    entry_id = session.execute(insert, {"balance_id": balance.id, "amount": planned.signed,
                                        "balance_after": planned.new_amount, "reason": planned.reason,
                                        "reference": reference, "created_at": now}).scalar_one()
    debit_written(session, events, balance, planned, customer_id=customer_id, entry_id=entry_id)
    return entry_id


def transactions_of(session: Session, account: BillingAccount, *, limit: int = 100) -> list[BalanceTransaction]:
    """The latest balance changes of an account, newest first."""
    return list(session.scalars(
        sa.select(BalanceTransaction).join(Balance).where(Balance.billing_account_id == account.id)
        .order_by(BalanceTransaction.created_at.desc(), BalanceTransaction.id.desc()).limit(limit)))


def lock_balances(session: Session, clock: Clock, account_ids: list[int]) -> dict[int, Balance]:
    """The balance rows of several prepaid accounts, locked in id order (so two batches never
    deadlock), creating missing ones; for rating, which debits many accounts at once."""
    wanted = sorted(set(account_ids))
    found: dict[int, Balance] = {}
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start:start + 5000]
        stmt = (sa.select(Balance).where(Balance.billing_account_id.in_(chunk)).order_by(Balance.billing_account_id)
                .with_for_update().execution_options(populate_existing=True))
        found.update({b.billing_account_id: b for b in session.scalars(stmt)})
    missing = [a for a in wanted if a not in found]
    if missing:
        for account in session.scalars(sa.select(BillingAccount).where(BillingAccount.id.in_(missing))):
            balance = Balance(billing_account_id=account.id, currency=account.currency, amount=Decimal(0),
                              updated_at=clock.now())
            session.add(balance)
            found[account.id] = balance
        session.flush()
    return found


def post_balance_changes(session: Session, clock: Clock, events: EventBus, balances: dict[int, Balance],
                         changes: dict[int, Decimal], *, reason: str, reference: str | None) -> None:
    """Apply signed changes (already in minor units) to balances locked by ``lock_balances``:
    one log entry per account, the way a rating run posts its total per account; the rated
    records hold the per-record amounts behind each entry."""
    now = clock.now()
    entries = []
    for account_id, signed in changes.items():
        if not signed:
            continue
        balance = balances[account_id]
        if signed != quantize(signed, balance.currency, HALF_UP):
            raise ValidationError(f"balance change {signed} is finer than {balance.currency}'s minor unit",
                                  field="amount")
        balance.amount = balance.amount + signed
        balance.updated_at = now
        entries.append(BalanceTransaction(balance_id=balance.id, amount=signed, balance_after=balance.amount,
                                          reason=reason[:MAX_REASON], reference=reference, created_at=now))
    session.add_all(entries)
    session.flush()
    for entry in entries:
        balance = session.get(Balance, entry.balance_id)
        events.publish("balance.credited" if entry.amount > 0 else "balance.debited",
                       account_id=balance.billing_account_id, amount=abs(entry.amount), balance=entry.balance_after,
                       currency=balance.currency, reason=entry.reason, reference=reference,
                       transaction_id=entry.id)
