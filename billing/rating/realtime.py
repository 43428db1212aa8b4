"""Real-time rating for prepaid: authorise units before a call or session, debit the record after.

One record at a time through the same lookups and tariff as batch rating, priced with
``Decimal`` instead of arrays; the tests hold the two paths to identical results. A debit
writes its own balance log entry (reference ``usage:<id>``) and, on postpaid lines, its own
usage charge.

Round trips are the cost here, so ``authorize`` is one statement (``snapshot.read``) and
``debit`` two: the snapshot with its row locks, then every write at once (``postings.write``;
one statement each on SQLite, where a statement costs no round trip).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, scoped_session

from billing.balances import BalanceRow, balance_of, balance_row, debit_written, plan_debit
from billing.models import BillingAccount
from billing.rating import lookup, postings, snapshot
from billing.rating.allowance import draw, publish_thresholds
from billing.rating.models import RatingError, RatingRun
from billing.rating.reasons import CURRENCY_MISMATCH, message_for
from billing.rating.records import INCOMING, INSUFFICIENT_BALANCE, LIVE, RatedRecord, RatedRow, written_record
from billing.rating.runs import DUPLICATE, ERROR, RATED, Outcome, rated_usage_ids, start_run
from billing.rating.thresholds import DEFAULT_THRESHOLDS, Thresholds, crossed_low_balance, low_balance_for
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


@dataclass(slots=True)
class _Resolved:
    line: lookup.Line
    account: lookup.Account
    tariff: CompiledTariff
    zone: int
    band: int
    rate: int
    incoming: bool
    snapshot: snapshot.Snapshot


def _resolve(session: Session, connection: Connection, event: UsageEvent, *, locked: bool = False
             ) -> tuple[str | None, _Resolved | None, bool]:
    """Line, account, tariff version, zone, band and rate of one record, with its balance and
    buckets (locked with ``locked``): one statement (the compiled tariff comes from the process
    cache, keyed by the version's stamp). The last value says whether the record is rated already."""
    reason = lookup.check_event(event)
    if reason:  # not even a valid moment to look the line up at
        return reason, None, bool(event.usage_id and rated_usage_ids(session, [event.usage_id]))
    seen = snapshot.read(connection, msisdn=event.msisdn, at=event.started_at, service=event.service,
                         usage_id=event.usage_id or snapshot.NO_RECORD, locked=locked)
    if seen.reason:
        return seen.reason, None, seen.rated
    tariff = compile_version(session, seen.version)
    if tariff.currency != seen.account.currency:
        return CURRENCY_MISMATCH, None, seen.rated
    incoming = event.direction == "in" and not event.roaming
    zone = tariff.zone_for(roaming=event.roaming, visited_network=event.visited_network,
                           other_party=event.other_party, service=event.service)
    band = tariff.band_for(event.started_at)
    rate = tariff.rate_for(event.service, zone, band)
    if not incoming:
        if zone == NO_MATCH:
            return lookup.UNKNOWN_DESTINATION, None, seen.rated
        if rate == NO_RATE:
            return lookup.NO_RATE, None, seen.rated
    return None, _Resolved(seen.line, seen.account, tariff, zone, band, NO_RATE if incoming else rate, incoming,
                           seen), seen.rated


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
    what was used. Postpaid lines are granted what they ask. One statement.
    """
    probe = UsageEvent(usage_id=0, msisdn=msisdn, service=service, direction="out", started_at=at or clock.now(),
                       other_party=other_party, roaming=roaming, visited_network=visited_network)
    reason, found, _ = _resolve(session, session.connection(), probe)
    if reason:
        return Authorization(0, reason)
    tariff = found.tariff
    zone, band = tariff.zone_codes[found.zone], tariff.bands.codes[found.band] if found.band != NO_BAND else None
    kind = tariff.zone_kinds[found.zone]
    in_buckets = sum(s.remaining for s in found.snapshot.buckets if s.covers(probe.started_at, kind))
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
    return Authorization(low, INSUFFICIENT_BALANCE, zone, band, min(in_buckets, low))


def debit(session: Session, clock: Clock, events: EventBus, event: UsageEvent, *, source: str = "realtime",
          overdraft_limit: Decimal = Decimal(0), low_balance: Thresholds = DEFAULT_THRESHOLDS,
          run: RatingRun | None = None) -> tuple[Outcome, RatedRecord | None]:
    """Rate and charge one record now; writes in the session's transaction, never commits.

    Two statements on PostgreSQL: one reads the record's line, tariff version, balance and
    buckets and takes their row locks (``snapshot.read``), one writes everything
    (``postings.write``). Returns the outcome and, when rated, the rated record as written, as
    plain values (``session.get(RatedUsage, rated.id)`` loads the ORM object if needed).
    ``low_balance``: per currency, the balance below which the customer is told
    (``billing.rating.thresholds``).
    """
    connection = session.connection()
    reason, found, rated = _resolve(session, connection, event, locked=True)
    if rated:
        return Outcome(DUPLICATE), None
    run_id = run.id if run is not None else _realtime_run_id(session, clock, source)
    now = clock.now()
    if reason:
        session.add(RatingError(usage_id=event.usage_id, run_id=run_id, reason=reason,
                                message=message_for(reason), msisdn=event.msisdn[:32],
                                started_at=event.started_at, usage=lookup.event_json(event), status="open",
                                created_at=now))
        session.flush()
        return Outcome(ERROR, reason), None
    tariff, account, line = found.tariff, found.account, found.line
    quantity = lookup.quantity_of(event)
    billed = 0 if found.incoming else tariff.billed_units(found.rate, quantity)
    states = found.snapshot.buckets
    taken = draw(states, event.started_at, tariff.zone_kinds[found.zone], billed) if billed else []
    from_buckets = sum(units for _, units in taken)
    amount = tariff.price(found.rate, billed - from_buckets) if billed else Decimal(0).scaleb(-tariff.minor)
    debited = postpaid = Decimal(0)
    balance = planned = charge = None
    before = after = None
    reference = f"usage:{event.usage_id}"
    if account.payment_type == "prepaid" and amount > 0:
        balance = found.snapshot.balance or _balance(session, account, lock=True)
        before = after = balance.amount
        debited = max(Decimal(0), min(amount, before + overdraft_limit))
        if debited > 0:
            planned = plan_debit(balance, account_state=account.state, amount=debited, reason="usage",
                                 reference=reference, allow_negative=True)
            after = planned.new_amount
    elif amount > 0:
        postpaid = amount
        charge = postings.UsageCharge.of(account, subscription_id=line.id, amount=amount, reference=reference,
                                         description=f"{event.service} usage of {line.msisdn}", at=event.started_at)
    shortfall = amount - debited if account.payment_type == "prepaid" else Decimal(0)
    row = RatedRow(
        usage_id=event.usage_id, run_id=run_id, subscription_id=line.id, billing_account_id=account.id,
        msisdn=event.msisdn, service=event.service, direction=event.direction, started_at=event.started_at,
        other_party=event.other_party, roaming=event.roaming, visited_network=event.visited_network,
        quantity=quantity, billed_units=billed, bucket_units=from_buckets, tariff_version_id=tariff.version_id,
        rate_id=tariff.rates[found.rate].id if found.rate != NO_RATE else None,
        zone=INCOMING if found.incoming else tariff.zone_codes[found.zone],
        band=tariff.bands.codes[found.band] if found.band != NO_BAND else None, currency=tariff.currency,
        amount=amount, balance_debited=debited, postpaid_charged=postpaid, shortfall=shortfall,
        flag=INSUFFICIENT_BALANCE if shortfall else None, buckets=taken, charge_id=None, status=LIVE,
        created_at=now)
    changed = [s for s in states if s.remaining != s.start_remaining]
    written = postings.write(session, connection, now=now, rated=row, balance=balance, planned=planned,
                             buckets=changed, charge=charge)
    # The events, in the order the general path publishes them: money, then buckets.
    if planned is not None:
        debit_written(session, events, balance, planned, customer_id=account.customer_id, entry_id=written.entry_id)
    if before is not None:
        threshold = low_balance_for(balance.currency, low_balance)
        if crossed_low_balance(before, after, threshold):
            events.publish("balance.low", account_id=account.id, customer_id=account.customer_id,
                           balance=after, threshold=threshold, currency=balance.currency)
    if charge is not None:
        events.publish("charge.added", charge_id=written.charge_id, account_id=account.id, amount=charge.amount,
                       currency=charge.currency, kind=postings.USAGE, reference=reference)
    for state in changed:
        publish_thresholds(events, state, line.msisdn)
        state.start_remaining = state.remaining
    return Outcome(RATED), written_record(written.rated_id, row, written.charge_id)


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
