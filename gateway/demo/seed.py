"""``flask demo seed``: the demo operator, built through the same services the API uses.

Deterministic (a seeded random generator decides everything) and idempotent: each product is
found by its code, each customer by e-mail and each line by MSISDN before anything is created,
so a second run, or a run after an interrupted one, adds only what is missing.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing import accounts as account_service
from billing import balances, buckets
from billing import subscriptions as subscription_service
from billing.models import BillingAccount, Subscription
from catalog import categories as category_service
from catalog import offerings as offering_service
from catalog.models import Category, ProductOffering, ProductOfferingVersion
from catalog.prices import PriceTerms
from catalog.versions import Allowances
from core.clock import Clock, FixedClock
from core.events import EventBus
from core.money import Money, quantize
from core.settings import Settings
from crm import consent as consent_service
from crm import customers as customer_service
from crm import parties as party_service
from crm.contacts import ContactDetails
from crm.identifications import IdentificationDetails
from crm.lookups import find_customer_by_email
from gateway.demo.people import COMPANIES, Person, msisdns, people
from gateway.demo.products import BUNDLES, PLANS, PRICE_SCALE, Product
from gateway.demo.stock import seed_stock
from gateway.demo.tariffs import seed_tariffs

CUSTOMERS = 200
LAUNCHED_DAYS_AGO = 730
ORGANISATIONS = len(COMPANIES)  # business customers among the 200, on postpaid business lines
POSTPAID_SHARE = 0.3
SEED = 2026


@dataclass(frozen=True)
class SampleLine:
    msisdn: str
    customer: str
    plan: str
    payment_type: str
    balance: str
    status: str


def is_seeded(session: Session) -> bool:
    """Whether the demo operator is complete (every plan and the last customer exist)."""
    codes = {p.code for p in PLANS + BUNDLES}
    have = set(session.scalars(sa.select(ProductOffering.code).where(ProductOffering.code.in_(codes))))
    if have != codes:
        return False
    last = people(CUSTOMERS, SEED)[-1]
    return find_customer_by_email(session, last.email) is not None


def seed_demo(session: Session, clock: Clock, settings: Settings, events: EventBus | None = None) -> str:
    """Load the demo operator; returns a printable summary with sample subscribers."""
    events = events or EventBus()
    scale = PRICE_SCALE.get(settings.currency)
    if scale is None:
        scale = Decimal(1)
    # The operator launched its portfolio two years ago and customers joined since, so usage
    # from the last days finds lines and terms in effect (rating checks both by date).
    launch = FixedClock(clock.now() - dt.timedelta(days=LAUNCHED_DAYS_AGO))
    offerings = {p.code: _offering(session, launch, p, settings.currency, scale) for p in PLANS + BUNDLES}
    seed_tariffs(session, clock, offerings, {p.code: (p.usage.per_minute, p.usage.per_sms, p.usage.per_mb)
                                            for p in PLANS if p.usage}, settings.currency, scale)
    persons = people(CUSTOMERS, SEED)
    numbers = iter(msisdns(CUSTOMERS * 3, SEED))
    samples: list[SampleLine] = []
    for index, person in enumerate(persons):
        # One generator per customer, so what is drawn for one never depends on whether
        # another already existed (a re-run skips creation and must still decide the same).
        rng = random.Random(SEED * 100_000 + index)
        is_company = index < ORGANISATIONS
        postpaid = is_company or rng.random() < POSTPAID_SHARE
        if is_company:
            plan_code, lines = "POST-BUSINESS", rng.randint(2, 4)
        elif postpaid:
            plan_code, lines = rng.choice(("POST-ESSENTIAL", "POST-ESSENTIAL", "POST-PLUS")), 1
        else:
            plan_code, lines = rng.choice(("PRE-SMART", "PRE-SMART", "PRE-STUDENT", "PRE-VISITOR")), 1
        line_numbers = [next(numbers) for _ in range(lines)]
        opening = Decimal(rng.randint(0, 250) * 10) * scale
        status_roll = rng.random()
        joined = FixedClock(clock.now() - dt.timedelta(days=rng.randint(7, 600), minutes=rng.randint(0, 1439)))
        customer = find_customer_by_email(session, person.email)
        if customer is None:
            customer = _customer(session, joined, events, settings, person, line_numbers[0],
                                 COMPANIES[index] if is_company else None, random.Random(f"{SEED}-{index}"))
        account = _account(session, joined, events, settings, customer.id, postpaid, opening, person)
        for position, msisdn in enumerate(line_numbers):
            status = "active"
            if position == 0 and status_roll < 0.03:
                status = "suspended"
            line = _line(session, joined, clock, events, settings, account, msisdn, offerings[plan_code], status)
            if len(samples) < 8 and (not samples or samples[-1].payment_type != account.payment_type):
                samples.append(_sample(session, line, customer.name, offerings[plan_code], account))
    session.flush()
    return _report(session, samples) + "\n" + seed_stock(session, clock)


def _categories(session: Session, clock: Clock, names: tuple[str, ...]) -> list[int]:
    ids = []
    for name in names:
        category = session.scalar(sa.select(Category).where(Category.name == name))
        if category is None:
            category = category_service.create_category(session, clock, name=name, lifecycle_status="Launched")
        ids.append(category.id)
    return ids


def _offering(session: Session, clock: Clock, product: Product, currency: str, scale: Decimal) -> ProductOffering:
    existing = offering_service.find_offering_by_code(session, product.code)
    if existing is not None:
        return existing

    def money(amount: str) -> Decimal:
        return quantize(Decimal(amount) * scale, currency)

    prices = []
    if product.recurring:
        prices.append(PriceTerms(name=f"{product.name} monthly fee", price_type="recurring",
                                 amount=money(product.recurring), currency=currency, recurring_period="month"))
    if product.one_time:
        label = "price" if product.kind == "bundle" else "activation fee"
        prices.append(PriceTerms(name=f"{product.name} {label}", price_type="oneTime",
                                 amount=money(product.one_time), currency=currency))
    if product.usage:
        for unit, rate in (("min", product.usage.per_minute), ("SMS", product.usage.per_sms),
                           ("MB", product.usage.per_mb)):
            prices.append(PriceTerms(name=f"{product.name} per {unit}", price_type="usage",
                                     amount=(Decimal(rate) * scale).quantize(Decimal("0.000001")),
                                     currency=currency, unit_of_measure=unit, unit_quantity=1))
    return offering_service.create_offering(
        session, clock, name=product.name, code=product.code, kind=product.kind,
        payment_type=product.payment_type, description=product.description, lifecycle_status="Launched",
        prices=prices, allowances=Allowances(product.minutes, product.sms, product.data_mb, product.scope),
        validity_days=product.validity_days, category_ids=_categories(session, clock, product.categories))


def _customer(session, clock, events, settings, person: Person, msisdn: str, company: str | None, rng):
    region = settings.default_region
    contacts = [
        ContactDetails("mobile", preferred=True, phone_number=msisdn),
        ContactDetails("email", email_address=person.email),
        ContactDetails("postalAddress", street1=person.street, city=person.city, post_code=person.post_code,
                       country=region),
    ]
    if company:
        party = party_service.create_organization(
            session, clock, default_region=region, contact_media=contacts, name=company, trading_name=company,
            organization_type="company", is_legal_entity=True,
            identifications=[IdentificationDetails("companyRegistration", f"PVT-{person.national_id}")])
    else:
        party = party_service.create_individual(
            session, clock, default_region=region, contact_media=contacts, given_name=person.given_name,
            family_name=person.family_name, gender=person.gender,
            birth_date=dt.date(person.birth_year, 1 + rng.randrange(12), 1 + rng.randrange(28)),
            nationality=region, preferred_language=person.language,
            identifications=[IdentificationDetails("nationalId", person.national_id, issuing_country=region)])
    customer = customer_service.create_customer(
        session, clock, party=party, status="Active", default_region=region, events=events,
        contact_media=list(contacts), preferred_channel="sms", preferred_language=person.language,
        segment="business" if company else "consumer")
    if rng.random() < 0.6:  # a realistic share who said yes to marketing when they signed up
        consent_service.record_consent(session, clock, customer=customer, channel="sms", granted=True,
                                       source="import", note="demo sign-up form")
    return customer


def _account(session, clock, events, settings, customer_id: int, postpaid: bool, opening: Decimal,
             person: Person) -> BillingAccount:
    existing = account_service.accounts_of_customer(session, customer_id)
    if existing:
        return existing[0]
    payment_type = "postpaid" if postpaid else "prepaid"
    account = account_service.create_account(
        session, clock, events, customer_id=customer_id, payment_type=payment_type,
        default_currency=settings.currency, name=f"{person.given_name} {person.family_name} ({payment_type})",
        bill_cycle_day=1 + (customer_id % 28) if postpaid else None,
        credit_limit=quantize(Decimal(5000) * PRICE_SCALE.get(settings.currency, Decimal(1)), settings.currency)
        if postpaid else None)
    if not postpaid and opening > 0:
        balances.credit_balance(session, clock, events, account=account, amount=quantize(opening, settings.currency),
                                reason="opening balance", reference="demo-seed")
    return account


def _line(session, joined: FixedClock, clock: Clock, events, settings, account: BillingAccount, msisdn: str,
          plan: ProductOffering, status: str) -> Subscription:
    existing = subscription_service.find_active_subscription_by_msisdn(session, msisdn)
    if existing is not None:
        return existing
    line = subscription_service.create_subscription(
        session, joined, events, account=account, msisdn=msisdn, offering_id=plan.id,
        default_region=settings.default_region, iccid=f"8925402{int(msisdn[-9:]):012d}", activate=True,
        source="import", reason="demo seed")
    _current_allowance(session, joined, clock, events, line)
    if status == "suspended":
        subscription_service.suspend(session, clock, events, line, reason="lost SIM reported", source="agent")
    return line


def _current_allowance(session, joined: FixedClock, clock: Clock, events, line: Subscription) -> None:
    """The plan's allowance for the period running now: monthly plans renew every
    ``validity_days`` from the day the line joined; a one-off starter pack only while valid."""
    version = session.get(ProductOfferingVersion, line.offering_version_id)
    if not version.validity_days or not (version.voice_minutes or version.sms_count or version.data_mb):
        return
    age = clock.now() - joined.now()
    recurring = any(price.price_type == "recurring" for price in version.prices)
    if not recurring and age.days >= version.validity_days:
        return
    period_start = joined.now() + dt.timedelta(days=age.days // version.validity_days * version.validity_days)
    buckets.grant_allowances(session, clock, events, subscription=line, version=version, source="plan",
                             valid_from=period_start, reference="plan allowance")


def _sample(session, line: Subscription, customer: str, plan: ProductOffering, account: BillingAccount) -> SampleLine:
    if account.payment_type == "prepaid":
        balance = Money(balances.balance_of(session, account).amount, account.currency).format()
    else:
        balance = f"limit {Money(account.credit_limit, account.currency).format()}"
    return SampleLine(line.msisdn, customer, plan.name, account.payment_type, balance, line.status)


def _report(session: Session, samples: list[SampleLine]) -> str:
    counts = {
        "offerings": session.scalar(sa.select(sa.func.count(ProductOffering.id))),
        "accounts": session.scalar(sa.select(sa.func.count(BillingAccount.id))),
        "lines": session.scalar(sa.select(sa.func.count(Subscription.id))),
    }
    rows = [("MSISDN", "Customer", "Plan", "Type", "Balance", "Status")]
    rows += [(s.msisdn, s.customer[:24], s.plan, s.payment_type, s.balance, s.status) for s in samples]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [f"Demo operator: {counts['offerings']} offerings, {counts['accounts']} billing accounts, "
             f"{counts['lines']} lines. Sample subscribers:"]
    for number, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)
