"""The first two steps of every order: validate against the catalog and the customer's lines,
then check the money (prepaid balance or postpaid credit limit).

Both only read. A rule broken here rejects the order (``OrderRejected``); not enough money
holds it (``InsufficientFunds``), since a top-up or a raised limit lets an agent retry it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing.accounts import accounts_of_customer
from billing.balances import balance_of
from billing.models import BillingAccount, Bucket, Charge, Subscription
from billing.plans import sellable_plan
from catalog.lifecycle import IN_MARKET
from catalog.models import ProductOffering, ProductOfferingPrice, ProductOfferingVersion
from catalog.versions import current_version
from core.clock import Clock
from core.errors import DomainError, ValidationError
from core.money import Money, quantize
from core.msisdn import normalise
from orders.models import ProductOrder, ProductOrderItem


class OrderRejected(ValidationError):
    code = "order_rejected"


class InsufficientFunds(DomainError):
    code = "insufficient_funds"


@dataclass
class ItemWork:
    """What one item will do, worked out by validation and carried through the later steps."""

    item: ProductOrderItem
    kind: str
    account: BillingAccount | None = None
    subscription: Subscription | None = None
    offering: ProductOffering | None = None
    version: ProductOfferingVersion | None = None
    prices: list[ProductOfferingPrice] = field(default_factory=list)  # what the item costs now
    msisdn: str | None = None
    iccid: str | None = None
    imsi: str | None = None
    old_iccid: str | None = None
    network_ref: str | None = None

    @property
    def cost(self) -> Decimal:
        return sum((p.amount or Decimal(0) for p in self.prices), Decimal(0))


def _reject(item: ProductOrderItem, message: str) -> OrderRejected:
    return OrderRejected(f"item {item.item_ref}: {message}", field="productOrderItem")


def _account(session: Session, order: ProductOrder, item: ProductOrderItem) -> BillingAccount:
    if order.billing_account_id is not None:
        account = session.get(BillingAccount, order.billing_account_id)
        if account is None:
            raise _reject(item, f"there is no billing account {order.billing_account_id}")
        if order.customer_id is not None and account.customer_id != order.customer_id:
            raise _reject(item, f"billing account {account.id} does not belong to customer {order.customer_id}")
        return account
    if order.customer_id is None:
        raise _reject(item, "a new line needs a customer (relatedParty with role customer) we know")
    open_accounts = [a for a in accounts_of_customer(session, order.customer_id) if a.state in ("Defined", "Active")]
    if len(open_accounts) != 1:
        raise _reject(item, "name the billingAccount: the customer does not have exactly one open account")
    return open_accounts[0]


def _line(session: Session, order: ProductOrder, item: ProductOrderItem, region: str) -> Subscription:
    subscription = session.get(Subscription, item.subscription_id) if item.subscription_id else None
    wanted = item.requested.get("msisdn")
    if subscription is None and wanted:
        subscription = session.scalar(sa.select(Subscription).where(
            Subscription.msisdn == normalise(wanted, region), Subscription.status != "terminated"))
    if subscription is None:
        raise _reject(item, f"the product (line) {item.product_ref or ''} is not known".replace("  ", " "))
    account = session.get(BillingAccount, subscription.billing_account_id)
    if order.customer_id is not None and account is not None and account.customer_id != order.customer_id:
        raise _reject(item, f"line {subscription.msisdn} does not belong to customer {order.customer_id}")
    item.subscription_id = subscription.id
    return subscription


def _offering(session: Session, item: ProductOrderItem) -> ProductOffering:
    offering = session.get(ProductOffering, item.offering_id) if item.offering_id else None
    if offering is None:
        raise _reject(item, "names no product offering of this catalog"
                      + (f" ({item.offering_ref})" if item.offering_ref else ""))
    return offering


def _charged(version: ProductOfferingVersion) -> list[ProductOfferingPrice]:
    """The prices paid when the item completes: one-time fees and the first recurring period."""
    return [p for p in version.prices if p.price_type in ("oneTime", "recurring") and p.amount]


def validate_item(session: Session, clock: Clock, order: ProductOrder, item: ProductOrderItem, *,
                  default_region: str) -> ItemWork:
    """Check one item against the catalog and the customer's lines; OrderRejected says why not."""
    now = clock.now()
    if item.kind is None:
        raise _reject(item, f"cannot tell what action {item.action!r} should do"
                      + ("" if item.offering_id else " without a product offering of this catalog"))
    work = ItemWork(item=item, kind=item.kind)
    if item.kind == "no_change":
        return work
    if item.kind == "new_line":
        work.account = _account(session, order, item)
        try:
            work.offering, work.version = sellable_plan(session, item.offering_id, work.account.payment_type, at=now)
        except DomainError as error:
            raise _reject(item, error.message) from None
        if work.account.state not in ("Defined", "Active"):
            raise _reject(item, f"billing account {work.account.id} is {work.account.state}")
        if item.requested.get("msisdn"):
            try:
                work.msisdn = normalise(item.requested["msisdn"], default_region)
            except DomainError as error:
                raise _reject(item, error.message) from None
        work.prices = _charged(work.version)
        return work
    work.subscription = _line(session, order, item, default_region)
    work.account = session.get(BillingAccount, work.subscription.billing_account_id)
    status = work.subscription.status
    if item.kind == "plan_change":
        if status != "active":
            raise _reject(item, f"line {work.subscription.msisdn} is {status}; only an active line changes plan")
        if item.offering_id == work.subscription.offering_id:
            raise _reject(item, f"line {work.subscription.msisdn} is already on this plan")
        try:
            work.offering, work.version = sellable_plan(session, item.offering_id, work.account.payment_type, at=now)
        except DomainError as error:
            raise _reject(item, error.message) from None
        work.prices = [p for p in _charged(work.version) if p.price_type == "recurring"]
    elif item.kind == "bundle_purchase":
        work.offering = _offering(session, item)
        _check_bundle(item, work.offering, work.account, now)
        work.version = current_version(session, work.offering, now)
        if work.version is None:
            raise _reject(item, f"{work.offering.code} has no terms in effect")
        if status != "active":
            raise _reject(item, f"line {work.subscription.msisdn} is {status}; bundles go on active lines")
        work.prices = _charged(work.version)
    elif item.kind == "addon_removal":
        work.offering = _offering(session, item)
        if not live_buckets_of(session, work.subscription, work.offering, now):
            raise _reject(item, f"line {work.subscription.msisdn} has no live {work.offering.code}")
    elif item.kind in ("sim_swap", "terminate") and status == "terminated":
        raise _reject(item, f"line {work.subscription.msisdn} is terminated")
    elif item.kind == "suspend" and status != "active":
        raise _reject(item, f"line {work.subscription.msisdn} is {status}; only an active line is suspended")
    elif item.kind == "resume" and status != "suspended":
        raise _reject(item, f"line {work.subscription.msisdn} is {status}; only a suspended line is resumed")
    if item.kind == "sim_swap":
        work.old_iccid = work.subscription.iccid
    work.msisdn = work.subscription.msisdn
    return work


def _check_bundle(item: ProductOrderItem, offering: ProductOffering, account: BillingAccount, now) -> None:
    if offering.kind not in ("bundle", "addon"):
        raise _reject(item, f"{offering.code} is a {offering.kind}, not a bundle")
    if offering.payment_type not in ("any", account.payment_type):
        raise _reject(item, f"{offering.code} is for {offering.payment_type} lines only")
    if not offering.is_sellable or offering.lifecycle_status not in IN_MARKET:
        raise _reject(item, f"{offering.code} is not on sale ({offering.lifecycle_status})")
    if (offering.valid_from and offering.valid_from > now) or (offering.valid_to and offering.valid_to <= now):
        raise _reject(item, f"{offering.code} is not on sale now")


def live_buckets_of(session: Session, subscription: Subscription, offering: ProductOffering, now) -> list[Bucket]:
    """The line's buckets, still usable, that came from any version of ``offering``."""
    versions = sa.select(ProductOfferingVersion.id).where(ProductOfferingVersion.offering_id == offering.id)
    return list(session.scalars(sa.select(Bucket).where(
        Bucket.subscription_id == subscription.id, Bucket.status == "active",
        Bucket.offering_version_id.in_(versions), sa.or_(Bucket.valid_to.is_(None), Bucket.valid_to > now))))


def check_funds(session: Session, works: list[ItemWork]) -> None:
    """Prepaid: the balance covers what the order costs; postpaid: unbilled charges plus the
    order stay within the credit limit. InsufficientFunds otherwise."""
    by_account: dict[int, tuple[BillingAccount, Decimal]] = {}
    for work in works:
        if work.account is not None and work.prices:
            account, total = by_account.get(work.account.id, (work.account, Decimal(0)))
            for price in work.prices:
                if price.currency and price.currency != account.currency:
                    raise _reject(work.item, f"priced in {price.currency}, the account bills in {account.currency}")
            by_account[account.id] = (account, total + work.cost)
    for account, total in by_account.values():
        needed = Money(quantize(total, account.currency), account.currency)
        if account.is_prepaid:
            available = Money(balance_of(session, account).amount, account.currency)
            if available < needed:
                raise InsufficientFunds(f"prepaid balance {available} does not cover {needed}; top up and retry")
        elif account.credit_limit is not None:
            owed = sum(session.scalars(sa.select(Charge.amount).where(
                Charge.billing_account_id == account.id, Charge.status == "unbilled")), Decimal(0))
            limit = Money(account.credit_limit, account.currency)
            if Money(owed, account.currency) + needed > limit:
                raise InsufficientFunds(f"the order ({needed}) would take account {account.id} past its credit "
                                        f"limit of {limit}")
