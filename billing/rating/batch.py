"""Batch rating: a list of usage events in, rated records, bucket draws, balance debits and
postpaid charges out, vectorised where the work is per record and bulk-written.

Per record, in start-time order: the line that had the number, its plan's tariff version valid
at the start, zone (longest prefix), band, rate, units after the charging increments, units
from buckets, then the money price of the rest rounded to the currency's minor unit by the
tariff's rule. Prepaid money comes off the balance, as far as the overdraft policy allows (the
rest is the record's ``shortfall``, flagged); postpaid money becomes one usage charge per line
and service per run. Each account's balance gets one log entry per run; rated records carry
the per-record amounts.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from billing import balances
from billing.charges import add_charge
from billing.models import BillingAccount
from billing.rating import lookup
from billing.rating.allowance import draw, load_bucket_states, save_bucket_states
from billing.rating.models import RatedUsage, RatingError, RatingRun
from billing.rating.reasons import CURRENCY_MISMATCH, message_for
from billing.rating.records import INCOMING, INSUFFICIENT_BALANCE, LIVE, NO_BUCKETS, RATED_COLUMNS, RatedRow
from billing.rating.runs import DUPLICATE, ERROR, RATED, Outcome, RatingSummary, finish_run, rated_usage_ids, start_run
from billing.rating.thresholds import DEFAULT_THRESHOLDS, Thresholds, crossed_low_balance, low_balance_for
from billing.usage import UsageEvent
from catalog.tariffs.bands import NO_BAND
from catalog.tariffs.compiled import NO_RATE, CompiledTariff
from catalog.tariffs.models import RATE_SERVICES
from catalog.tariffs.prefixes import NO_MATCH
from core.bulk import bulk_insert
from core.clock import Clock
from core.events import EventBus


@dataclass(slots=True)
class _Item:
    event: UsageEvent
    line: lookup.Line
    account: lookup.Account
    tariff: CompiledTariff | None = None
    zone: int = NO_MATCH
    band: int = NO_BAND
    rate: int = NO_RATE
    quantity: int = 0
    billed: int = 0
    bucket_units: int = 0
    taken: list | None = None
    minor: int = 0  # money price in minor units
    debited: int = 0  # minor units from the balance
    reason: str | None = None


def rate_usage(session: Session, clock: Clock, events: EventBus, usage_events: Sequence[UsageEvent], *,
               source: str = "mediation", overdraft_limit: Decimal = Decimal(0),
               low_balance: Thresholds = DEFAULT_THRESHOLDS, run: RatingRun | None = None) -> RatingSummary:
    """Rate a batch; flushes, never commits. Returns counts and each record's ``Outcome``.

    ``overdraft_limit`` is how far below zero a prepaid balance may go for usage that already
    happened; what it cannot cover is kept as the record's shortfall and flagged.
    ``low_balance``: per currency, the balance below which the customer is told
    (``billing.rating.thresholds``).
    """
    import numpy as np  # NumPy costs a tenth of a second to import: only rating pays it
    run = run or start_run(session, clock, "batch", source)
    summary = RatingSummary(run_id=run.id, records=len(usage_events))
    ordered = sorted(usage_events, key=lambda e: (e.started_at, e.usage_id))
    already = rated_usage_ids(session, [e.usage_id for e in ordered])
    lines = lookup.lines_by_msisdn(session, {e.msisdn for e in ordered})
    found = [line for group in lines.values() for line in group]
    accounts = lookup.accounts_by_id(session, {line.account_id for line in found})
    book = lookup.TariffBook(session, {line.offering_id for line in found})

    items: list[_Item] = []
    failed: list[tuple[UsageEvent, str, int | None]] = []
    by_version: dict[int, list[_Item]] = defaultdict(list)
    seen: set[int] = set()
    for event in ordered:
        if event.usage_id in already or event.usage_id in seen:
            summary.outcomes[event.usage_id] = Outcome(DUPLICATE)
            summary.duplicates += 1
            continue
        seen.add(event.usage_id)
        reason = lookup.check_event(event)
        line = None if reason else lookup.line_at(lines.get(event.msisdn), event.started_at)
        if reason is None and line is None:
            reason = lookup.UNKNOWN_SUBSCRIBER
        account = accounts.get(line.account_id) if line else None
        if reason is None and account.state == "Closed":
            reason = lookup.ACCOUNT_CLOSED
        version = None
        if reason is None:
            reason, version = book.version_at(line.offering_id, event.started_at)
        if reason is not None:
            failed.append((event, reason, line.account_id if line else None))
            continue
        item = _Item(event, line, account, quantity=lookup.quantity_of(event))
        items.append(item)
        by_version[version.id].append(item)
        item.tariff = book.compiled(version)

    for group in by_version.values():
        _price_units(group[0].tariff, group)
    for item in items:
        if item.reason is None and item.tariff.currency != item.account.currency:
            item.reason = CURRENCY_MISMATCH
    failed += [(i.event, i.reason, i.account.id) for i in items if i.reason]
    items = [i for i in items if not i.reason]

    states = load_bucket_states(session, [i.line.id for i in items if i.billed > 0])
    for item in items:
        if item.billed > 0:
            kind = item.tariff.zone_kinds[item.zone]
            item.taken = draw(states.get((item.line.id, item.event.service)), item.event.started_at, kind, item.billed)
            item.bucket_units = sum(units for _, units in item.taken)
    for group in _groups(items):
        tariff = group[0].tariff
        rates = np.array([max(i.rate, 0) for i in group], dtype=np.int64)
        chargeable = np.array([i.billed - i.bucket_units for i in group], dtype=np.int64)
        for item, minor in zip(group, tariff.price_minor_many(rates, chargeable).tolist(), strict=True):
            item.minor = minor if item.rate != NO_RATE else 0

    charge_ids = _post_money(session, clock, events, run, items, overdraft_limit, low_balance)
    save_bucket_states(session, clock, events, [s for group in states.values() for s in group],
                       {i.line.id: i.line.msisdn for i in items})
    _write_rated(session, clock, run, items, charge_ids)
    _write_errors(session, clock, run, failed)
    rated = Outcome(RATED)
    totals: dict[str, list] = {}  # currency -> [minor units, tariff]: summed as integers, converted once
    for item in items:
        summary.outcomes[item.event.usage_id] = rated
        total = totals.get(item.account.currency)
        if total is None:
            total = totals[item.account.currency] = [0, item.tariff]
        total[0] += item.minor
    for currency, (minor, tariff) in totals.items():
        summary.amounts[currency] = Decimal(0) + _money(minor, tariff)
    summary.rated = len(items)
    for event, reason, _ in failed:
        summary.outcomes[event.usage_id] = Outcome(ERROR, reason)
        summary.errors[reason] += 1
    finish_run(session, clock, run, summary)
    return summary


def _groups(items: list[_Item]) -> list[list[_Item]]:
    grouped: dict[int, list[_Item]] = defaultdict(list)
    for item in items:
        grouped[item.tariff.version_id].append(item)
    return list(grouped.values())


def _price_units(tariff: CompiledTariff, group: list[_Item]) -> None:
    """Zone, band, rate and billed units of every record of one tariff version, vectorised."""
    import numpy as np  # NumPy costs a tenth of a second to import: only rating pays it
    count = len(group)
    roaming = np.fromiter((i.event.roaming for i in group), dtype=bool, count=count)
    incoming = np.fromiter((i.event.direction == "in" and not i.event.roaming for i in group), dtype=bool,
                           count=count)
    by_number = np.fromiter((not i.event.roaming and i.event.service != "data" and bool(i.event.other_party)
                             for i in group), dtype=bool, count=count)
    zones = np.full(count, tariff.home_zone, dtype=np.int64)
    if by_number.any():
        index = np.nonzero(by_number)[0]
        zones[index] = tariff.numbers.match_many([group[k].event.other_party for k in index.tolist()])
    if roaming.any():
        index = np.nonzero(roaming)[0]
        zones[index] = tariff.networks.match_many([group[k].event.visited_network for k in index.tolist()])
    epochs = np.fromiter((int(i.event.started_at.timestamp()) for i in group), dtype=np.int64, count=count)
    bands = tariff.bands.band_many(epochs).astype(np.int64)
    services = np.fromiter((RATE_SERVICES.index(i.event.service) for i in group), dtype=np.int64, count=count)
    slots = np.where(bands == NO_BAND, len(tariff.bands.codes), bands)
    rates = np.where(zones == NO_MATCH, NO_RATE, tariff.rate_index[services, np.maximum(zones, 0), slots])
    quantities = np.fromiter((i.quantity for i in group), dtype=np.int64, count=count)
    billed = tariff.billed_units_many(np.maximum(rates, 0), quantities)
    billed = np.where((rates == NO_RATE) | incoming, 0, billed)
    for item, zone, band, rate, units, free in zip(group, zones.tolist(), bands.tolist(), rates.tolist(),
                                                  billed.tolist(), incoming.tolist(), strict=True):
        item.zone, item.band, item.billed = zone, band, units
        item.rate = NO_RATE if free else rate
        if free:
            continue
        if zone == NO_MATCH:
            item.reason = lookup.UNKNOWN_DESTINATION
        elif rate == NO_RATE:
            item.reason = lookup.NO_RATE


_DECIMALS: dict[int, dict[int, Decimal]] = {}  # exponent -> minor units -> Decimal


def _money(minor: int, tariff: CompiledTariff) -> Decimal:
    table = _DECIMALS.get(tariff.minor)
    if table is None:
        table = _DECIMALS[tariff.minor] = {}
    found = table.get(minor)
    if found is None:
        if len(table) > 100_000:
            table.clear()
        found = table[minor] = Decimal(minor).scaleb(-tariff.minor)
    return found


def _post_money(session: Session, clock: Clock, events: EventBus, run: RatingRun, items: list[_Item],
                overdraft_limit: Decimal, low_balance: Thresholds) -> dict[tuple[int, int, str], int]:
    """Debit prepaid balances and add postpaid charges; returns the charge id per
    (account, line, service)."""
    prepaid = [i for i in items if i.account.payment_type == "prepaid" and i.minor > 0]
    locked = balances.lock_balances(session, clock, [i.account.id for i in prepaid]) if prepaid else {}
    # Whole minor units of each account's currency, as integers, in record order.
    left: dict[int, int] = {}
    start: dict[int, Decimal] = {}
    for item in prepaid:
        account_id = item.account.id
        if account_id not in left:
            amount = locked[account_id].amount
            start[account_id] = amount
            left[account_id] = int((amount + overdraft_limit).scaleb(item.tariff.minor))
        item.debited = max(0, min(item.minor, left[account_id]))
        left[account_id] -= item.debited
    debited: dict[int, int] = defaultdict(int)  # minor units per account, converted once below
    tariff_of: dict[int, CompiledTariff] = {}
    for item in prepaid:
        debited[item.account.id] += item.debited
        tariff_of[item.account.id] = item.tariff
    changes = {account_id: -_money(minor, tariff_of[account_id]) for account_id, minor in debited.items()}
    balances.post_balance_changes(session, clock, events, locked, changes, reason="usage",
                                  reference=f"rating-run:{run.id}")
    customers = {i.account.id: i.account.customer_id for i in prepaid}
    for account_id, before in start.items():
        after, currency = locked[account_id].amount, locked[account_id].currency
        threshold = low_balance_for(currency, low_balance)
        if crossed_low_balance(before, after, threshold):
            events.publish("balance.low", account_id=account_id, customer_id=customers[account_id], balance=after,
                           threshold=threshold, currency=currency)

    totals: dict[tuple[int, int, str], list[_Item]] = defaultdict(list)
    for item in items:
        if item.account.payment_type == "postpaid" and item.minor > 0:
            totals[(item.account.id, item.line.id, item.event.service)].append(item)
    charge_ids: dict[tuple[int, int, str], int] = {}
    for (account_id, line_id, service), group in totals.items():
        account = session.get(BillingAccount, account_id)
        amount = sum((_money(i.minor, i.tariff) for i in group), Decimal(0))
        charge = add_charge(session, clock, events, account=account, kind="usage", amount=amount,
                            description=f"{service} usage of {group[0].line.msisdn}: {len(group)} records",
                            subscription_id=line_id, reference=f"rating-run:{run.id}",
                            period_start=group[0].event.started_at, period_end=group[-1].event.started_at)
        charge_ids[(account_id, line_id, service)] = charge.id
    return charge_ids


def _write_rated(session: Session, clock: Clock, run: RatingRun, items: list[_Item],
                 charge_ids: dict[tuple[int, int, str], int]) -> None:
    now = clock.now()
    zero = Decimal(0)

    def row(item: _Item) -> RatedRow:
        event, tariff = item.event, item.tariff
        amount = _money(item.minor, tariff)
        postpaid = item.account.payment_type == "postpaid"
        debited = zero if postpaid else _money(item.debited, tariff)
        shortfall = zero if postpaid else amount - debited
        free = item.rate == NO_RATE
        return RatedRow(
            usage_id=event.usage_id, run_id=run.id, subscription_id=item.line.id, billing_account_id=item.account.id,
            msisdn=event.msisdn, service=event.service, direction=event.direction, started_at=event.started_at,
            other_party=event.other_party, roaming=event.roaming, visited_network=event.visited_network,
            quantity=item.quantity, billed_units=item.billed, bucket_units=item.bucket_units,
            tariff_version_id=tariff.version_id, rate_id=None if free else tariff.rates[item.rate].id,
            zone=INCOMING if free else tariff.zone_codes[item.zone],
            band=tariff.bands.codes[item.band] if item.band != NO_BAND else None, currency=tariff.currency,
            amount=amount, balance_debited=debited, postpaid_charged=amount if postpaid else zero,
            shortfall=shortfall, flag=INSUFFICIENT_BALANCE if shortfall else None, buckets=item.taken or NO_BUCKETS,
            charge_id=charge_ids.get((item.account.id, item.line.id, event.service)) if postpaid and amount else None,
            status=LIVE, created_at=now)

    session.flush()
    bulk_insert(session, RatedUsage.__table__, RATED_COLUMNS, (row(item) for item in items))


def _write_errors(session: Session, clock: Clock, run: RatingRun,
                  failed: list[tuple[UsageEvent, str, int | None]]) -> None:
    if not failed:
        return
    now = clock.now()
    bulk_insert(session, RatingError.__table__,
                ("usage_id", "run_id", "reason", "message", "msisdn", "started_at", "billing_account_id", "usage",
                 "status", "created_at"),
                ((event.usage_id, run.id, reason, message_for(reason), event.msisdn[:32], event.started_at,
                  account_id, lookup.event_json(event), "open", now) for event, reason, account_id in failed))

