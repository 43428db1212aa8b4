"""Real-time rating for prepaid: authorise units before a call or session, debit the record after.

One record at a time through the same lookups and tariff as batch rating, priced with
``Decimal`` instead of arrays; the tests hold the two paths to identical results. A debit
writes its own balance log entry (reference ``usage:<id>``) and, on postpaid lines, its own
usage charge.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, scoped_session

from billing.balances import BalanceRow, balance_of, balance_row, debit_balance_row
from billing.charges import add_charge
from billing.models import BillingAccount
from billing.rating import lookup
from billing.rating.allowance import draw, load_bucket_states, save_bucket_states
from billing.rating.batch import _MESSAGES, INCOMING, LOW_BALANCE, RATED_COLUMNS
from billing.rating.models import RatedUsage, RatingError, RatingRun
from billing.rating.runs import DUPLICATE, ERROR, RATED, Outcome, rated_usage_ids, start_run
from billing.usage import UsageEvent
from catalog.tariffs.bands import NO_BAND
from catalog.tariffs.compiled import NO_RATE, CompiledTariff, compile_version
from catalog.tariffs.prefixes import NO_MATCH
from core.clock import Clock
from core.errors import NotFound
from core.events import EventBus


@dataclass(frozen=True)
class Authorization:
    granted: int  # units (seconds, messages, bytes) the subscriber may use now
    reason: str | None  # why fewer than requested (insufficient_balance) or none (an error code)
    zone: str | None = None
    band: str | None = None
    from_buckets: int = 0


@dataclass
class _Resolved:
    line: lookup.Line
    account: lookup.Account
    tariff: CompiledTariff
    zone: int
    band: int
    rate: int
    incoming: bool


def _resolve(session: Session, event: UsageEvent, *, check_rated: bool = False
             ) -> tuple[str | None, _Resolved | None, bool | None]:
    """Line, account, tariff version, zone, band and rate of one record: one statement (the
    compiled tariff comes from the process cache, keyed by the version's stamp). The last value
    says whether the record is rated already when ``check_rated`` and the statement could tell,
    else None."""
    reason = lookup.check_event(event)
    if reason:
        return reason, None, None
    reason, line, account, version, rated = lookup.line_account_version(
        session, event.msisdn, event.started_at, usage_id=event.usage_id if check_rated else None)
    if reason:
        return reason, None, rated
    tariff = compile_version(session, version)
    if tariff.currency != account.currency:
        return "currency_mismatch", None, rated
    incoming = event.direction == "in" and not event.roaming
    zone = tariff.zone_for(roaming=event.roaming, visited_network=event.visited_network,
                           other_party=event.other_party, service=event.service)
    band = tariff.band_for(event.started_at)
    rate = tariff.rate_for(event.service, zone, band)
    if not incoming:
        if zone == NO_MATCH:
            return lookup.UNKNOWN_DESTINATION, None, rated
        if rate == NO_RATE:
            return lookup.NO_RATE, None, rated
    return None, _Resolved(line, account, tariff, zone, band, NO_RATE if incoming else rate, incoming), rated


def _balance(session: Session, account: lookup.Account, *, lock: bool = False) -> BalanceRow:
    found = balance_row(session, account.id, lock=lock)
    if found is None:  # no balance row yet: let the ORM path make one, then read it as a row
        balance_of(session, session.get(BillingAccount, account.id), lock=lock)
        found = balance_row(session, account.id, lock=lock)
    return found


def authorize(session: Session, clock: Clock, *, msisdn: str, service: str, requested: int,
              other_party: str | None = None, roaming: bool = False, visited_network: str | None = None,
              at: dt.datetime | None = None, overdraft_limit: Decimal = Decimal(0)) -> Authorization:
    """How many of ``requested`` units the line can pay for now, from buckets and balance.

    Nothing is reserved: the network asks again for the next slice, and ``debit`` charges
    what was used. Postpaid lines are granted what they ask.
    """
    probe = UsageEvent(usage_id=0, msisdn=msisdn, service=service, direction="out", started_at=at or clock.now(),
                       other_party=other_party, roaming=roaming, visited_network=visited_network)
    reason, found, _ = _resolve(session, probe)
    if reason:
        return Authorization(0, reason)
    tariff = found.tariff
    zone, band = tariff.zone_codes[found.zone], tariff.bands.codes[found.band] if found.band != NO_BAND else None
    kind = tariff.zone_kinds[found.zone]
    states = load_bucket_states(session, [found.line.id], lock=False).get((found.line.id, service), [])
    in_buckets = sum(s.remaining for s in states if s.covers(probe.started_at, kind))
    if found.account.payment_type == "postpaid":
        return Authorization(requested, None, zone, band, min(in_buckets, requested))
    balance = found.account.balance
    available = (balance if balance is not None else _balance(session, found.account).amount) + overdraft_limit

    def cost(units: int) -> Decimal:
        billed = tariff.billed_units(found.rate, units)
        return tariff.price(found.rate, max(0, billed - in_buckets))

    if cost(requested) <= available:
        return Authorization(requested, None, zone, band, min(in_buckets, requested))
    low, high = 0, requested  # cost(low) fits, cost(high) does not; cost grows with units
    while high - low > 1:
        middle = (low + high) // 2
        if cost(middle) <= available:
            low = middle
        else:
            high = middle
    return Authorization(low, "insufficient_balance", zone, band, min(in_buckets, low))


def debit(session: Session, clock: Clock, events: EventBus, event: UsageEvent, *, source: str = "realtime",
          overdraft_limit: Decimal = Decimal(0), low_balance: Decimal = LOW_BALANCE,
          run: RatingRun | None = None) -> tuple[Outcome, RatedUsage | None]:
    """Rate and charge one record now; writes in the session's transaction, never commits.

    Returns the outcome and, when rated, the rated record as written: a detached object (the
    row goes in with a Core INSERT; ``session.get(RatedUsage, rated.id)`` loads it if needed).
    """
    reason, found, rated = _resolve(session, event, check_rated=True)
    if rated is None:  # the joined statement could not tell (no line, or an invalid record)
        rated = bool(rated_usage_ids(session, [event.usage_id]))
    if rated:
        return Outcome(DUPLICATE), None
    run_id = run.id if run is not None else _realtime_run_id(session, clock, source)
    if reason:
        session.add(RatingError(usage_id=event.usage_id, run_id=run_id, reason=reason,
                                message=_MESSAGES.get(reason, reason), msisdn=event.msisdn[:32],
                                started_at=event.started_at, usage=lookup.event_json(event), status="open",
                                created_at=clock.now()))
        session.flush()
        return Outcome(ERROR, reason), None
    tariff, account, line = found.tariff, found.account, found.line
    quantity = lookup.quantity_of(event)
    billed = 0 if found.incoming else tariff.billed_units(found.rate, quantity)
    states = load_bucket_states(session, [line.id]) if billed else {}
    taken = draw(states.get((line.id, event.service)), event.started_at, tariff.zone_kinds[found.zone], billed) \
        if billed else []
    from_buckets = sum(units for _, units in taken)
    amount = tariff.price(found.rate, billed - from_buckets) if billed else Decimal(0).scaleb(-tariff.minor)
    debited = postpaid = Decimal(0)
    charge_id = None
    if account.payment_type == "prepaid" and amount > 0:
        balance = _balance(session, account, lock=True)
        before = balance.amount
        debited = max(Decimal(0), min(amount, before + overdraft_limit))
        if debited > 0:
            debit_balance_row(session, clock, events, balance=balance, account_state=account.state,
                              customer_id=account.customer_id, amount=debited, reason="usage",
                              reference=f"usage:{event.usage_id}", allow_negative=True)
        if before >= low_balance > balance.amount:
            events.publish("balance.low", account_id=account.id, customer_id=account.customer_id,
                           balance=balance.amount, threshold=low_balance, currency=balance.currency)
    elif amount > 0:
        postpaid = amount
        charge_id = add_charge(session, clock, events, account=session.get(BillingAccount, account.id), kind="usage",
                               amount=amount, description=f"{event.service} usage of {line.msisdn}",
                               subscription_id=line.id, reference=f"usage:{event.usage_id}",
                               period_start=event.started_at, period_end=event.started_at).id
    save_bucket_states(session, clock, events, [s for group in states.values() for s in group],
                       {line.id: line.msisdn})
    shortfall = amount - debited if account.payment_type == "prepaid" else Decimal(0)
    values = dict(zip(RATED_COLUMNS, (
        event.usage_id, run_id, line.id, account.id, event.msisdn, event.service, event.direction, event.started_at,
        event.other_party, event.roaming, event.visited_network, quantity, billed, from_buckets, tariff.version_id,
        tariff.rates[found.rate].id if found.rate != NO_RATE else None,
        INCOMING if found.incoming else tariff.zone_codes[found.zone],
        tariff.bands.codes[found.band] if found.band != NO_BAND else None, tariff.currency, amount, debited,
        postpaid, shortfall, "insufficient_balance" if shortfall else None, taken, charge_id, "rated", clock.now()),
        strict=True))
    # A Core INSERT: the unit of work's flush machinery cost more than the rest of the debit.
    values["id"] = session.execute(_insert_rated(), values).scalar_one()
    # What was written, as a detached object for the caller to read (not in the session).
    return Outcome(RATED), RatedUsage(**values)


@functools.cache
def _insert_rated() -> sa.Insert:
    return sa.insert(RatedUsage.__table__).returning(RatedUsage.__table__.c.id)


def _realtime_run_id(session: Session, clock: Clock, source: str) -> int:
    """One run row per day and source gathers real-time debits, so the audit trail stays
    readable; its records and errors are counted from ``rated_usage``/``rating_error`` by run,
    not on the row, which would otherwise be a hot row every debit updates."""
    day = clock.now().date().isoformat()
    # A long-lived session (a charging front end) remembers its run; a request's session asks.
    key = ("bss.realtime_run", source, day)
    known = session.info.get(key)
    if known is not None:
        return known
    run_id = session.scalar(sa.select(RatingRun.id).where(
        RatingRun.kind == "realtime", RatingRun.source == source, RatingRun.started_at >= _midnight(clock.now()))
        .order_by(RatingRun.id.desc()).limit(1))
    if run_id is None:
        run_id = start_run(session, clock, "realtime", source, {"day": day}).id
    _forget_on_rollback(session)
    session.info[key] = run_id
    return run_id


def _forget_on_rollback(session: Session) -> None:
    """A rolled-back transaction may take the remembered run with it."""
    target = session.registry() if isinstance(session, scoped_session) else session
    if target.info.get("bss.realtime_hook"):
        return

    def forget(rolled_back: Session, _transaction) -> None:
        for key in [k for k in rolled_back.info if isinstance(k, tuple) and k[0] == "bss.realtime_run"]:
            del rolled_back.info[key]

    sa.event.listen(target, "after_soft_rollback", forget)
    target.info["bss.realtime_hook"] = True


def _midnight(moment: dt.datetime) -> dt.datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def require_line(session: Session, msisdn: str, at: dt.datetime) -> lookup.Line:
    line = lookup.line_at(lookup.lines_by_msisdn(session, [msisdn]).get(msisdn), at)
    if line is None:
        raise NotFound(f"no line has number {msisdn}")
    return line
