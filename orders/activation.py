"""The last steps of an item: reserve stock, ask the network, then activate billing.

Billing changes only here, at completion: the line, its plan allowances, bundle buckets, the
prepaid debit or the postpaid charges. Everything runs inside the orchestrator's savepoint,
so a failure anywhere leaves none of it behind.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from billing import subscriptions
from billing.balances import debit_balance
from billing.buckets import grant_allowances, live_buckets, revoke_bucket
from billing.charges import add_charge
from billing.plan_change import change_plan
from core.clock import Clock
from core.events import EventBus
from core.money import quantize
from orders import stock
from orders.models import PoolNumber, ProductOrder, SimCard
from orders.provisioning import ProvisioningAdapter, ProvisioningRequest
from orders.validation import ItemWork, live_buckets_of

NETWORK_ACTION = {"new_line": "activate", "plan_change": "change_profile", "bundle_purchase": "add_service",
                  "addon_removal": "remove_service", "sim_swap": "swap_sim", "suspend": "suspend",
                  "resume": "resume", "terminate": "deactivate"}


def reserve(session: Session, clock: Clock, order: ProductOrder, work: ItemWork) -> None:
    """Hold the number and SIM a new line needs, or the SIM a swap needs."""
    if work.kind == "new_line":
        number = stock.reserve_number(session, clock, order.id, work.msisdn)
        work.msisdn = number.msisdn
    if work.kind in ("new_line", "sim_swap"):
        wanted = work.item.requested.get("iccid") or None
        sim = stock.reserve_sim(session, clock, order.id, wanted)
        work.iccid, work.imsi = sim.iccid, sim.imsi


def provision(adapter: ProvisioningAdapter, order: ProductOrder, work: ItemWork) -> None:
    """Tell the network; the reference is kept so a later failure can take it back."""
    action = NETWORK_ACTION.get(work.kind)
    if action is None:
        return
    work.network_ref = adapter.provision(ProvisioningRequest(
        action=action, msisdn=work.msisdn or "", order_id=order.id, item_id=work.item.id, iccid=work.iccid,
        imsi=work.imsi, service_profile=work.offering.code if work.offering else None))


def activate(session: Session, clock: Clock, events: EventBus, order: ProductOrder, work: ItemWork, *,
             default_region: str, source: str) -> None:
    """Make billing reflect the item: the line, its plan, buckets and what it costs."""
    reference = f"order:{order.id}"
    reason = f"order {order.id} item {work.item.item_ref}"
    item = work.item
    if work.kind == "new_line":
        line = subscriptions.create_subscription(
            session, clock, events, account=work.account, msisdn=work.msisdn, offering_id=work.offering.id,
            default_region=default_region, iccid=work.iccid, imsi=work.imsi, source=source, reason=reason)
        subscriptions.activate(session, clock, events, line, reason=reason, source=source)
        work.subscription = line
        item.subscription_id = line.id
        stock.assign(session, clock, PoolNumber, work.msisdn, line.id)
        stock.assign(session, clock, SimCard, work.iccid, line.id)
        grant_allowances(session, clock, events, subscription=line, version=work.version, source="plan",
                         reference=reference)
        _pay(session, clock, events, work, reference)
    elif work.kind == "plan_change":
        old_plan_buckets = [b for b in live_buckets(session, work.subscription.id, clock.now())
                            if b.source == "plan"]
        change_plan(session, clock, events, work.subscription, work.offering.id, reason=reason, source=source)
        for bucket in old_plan_buckets:
            revoke_bucket(session, clock, bucket)
        grant_allowances(session, clock, events, subscription=work.subscription, version=work.version,
                         source="plan", reference=reference)
        _pay(session, clock, events, work, reference)
    elif work.kind == "bundle_purchase":
        for _ in range(max(1, item.quantity)):
            grant_allowances(session, clock, events, subscription=work.subscription, version=work.version,
                             source="bundle", reference=reference)
        _pay(session, clock, events, work, reference)
    elif work.kind == "addon_removal":
        for bucket in live_buckets_of(session, work.subscription, work.offering, clock.now()):
            revoke_bucket(session, clock, bucket)
    elif work.kind == "sim_swap":
        subscriptions.change_sim(session, work.subscription, iccid=work.iccid, imsi=work.imsi)
        stock.quarantine_sim(session, clock, work.old_iccid)
        stock.assign(session, clock, SimCard, work.iccid, work.subscription.id)
    elif work.kind in ("suspend", "resume"):
        move = subscriptions.suspend if work.kind == "suspend" else subscriptions.resume
        move(session, clock, events, work.subscription, reason=reason, source=source)
    elif work.kind == "terminate":
        subscriptions.terminate(session, clock, events, work.subscription, reason=reason, source=source)
        for bucket in live_buckets(session, work.subscription.id, clock.now()):
            revoke_bucket(session, clock, bucket)
        stock.quarantine_number(session, clock, work.subscription.msisdn)
        stock.quarantine_sim(session, clock, work.subscription.iccid)
    item.msisdn = work.msisdn
    item.iccid = work.iccid
    item.provisioning_ref = work.network_ref


def _pay(session: Session, clock: Clock, events: EventBus, work: ItemWork, reference: str) -> None:
    """Prepaid: one debit for what the item costs. Postpaid: a charge per price for the bill,
    the recurring ones for their first period from now."""
    account = work.account
    if not work.prices:
        return
    quantity = max(1, work.item.quantity) if work.kind == "bundle_purchase" else 1
    label = work.offering.name
    if account.is_prepaid:
        total = quantize(work.cost * quantity, account.currency)
        if total > 0:
            debit_balance(session, clock, events, account=account, amount=total, reason="purchase",
                          reference=reference)
        return
    now = clock.now()
    for price in work.prices:
        recurring = price.price_type == "recurring"
        end = add_period(now, price.recurring_period or "month", price.recurring_period_length or 1) \
            if recurring else None
        add_charge(session, clock, events, account=account, kind="recurring" if recurring else "oneTime",
                   amount=price.amount * Decimal(quantity), description=f"{label}: {price.name}",
                   subscription_id=work.subscription.id if work.subscription else None, price_id=price.id,
                   reference=reference, period_start=now if recurring else None, period_end=end)


def add_period(start: dt.datetime, period: str, length: int = 1) -> dt.datetime:
    """``start`` plus ``length`` calendar periods; a month from 31 January ends on the last of February."""
    if period == "day":
        return start + dt.timedelta(days=length)
    if period == "week":
        return start + dt.timedelta(weeks=length)
    months = length * (12 if period == "year" else 1)
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    for day in (start.day, 30, 29, 28):
        try:
            return start.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(f"cannot add {length} {period} to {start}")
