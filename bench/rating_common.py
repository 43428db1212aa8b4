"""A benchmark operator for rating: a database of its own (SQLite file or a fresh PostgreSQL
database), lines made through the real services, and generated usage."""
from __future__ import annotations

import datetime as dt
import os
import random
import tempfile
from decimal import Decimal

from billing.accounts import create_account
from billing.balances import credit_balance
from billing.buckets import grant_bucket
from billing.subscriptions import create_subscription
from billing.usage import UsageEvent
from catalog.offerings import create_offering
from catalog.tariffs import service as tariffs
from core.clock import FixedClock
from core.db import db
from core.events import EventBus
from core.settings import Settings
from crm.customers import create_customer
from devtools.scratch_db import bench_database
from gateway import create_app
from gateway.demo.tariffs import seed_holidays, standard_tariff

START = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)
DESTINATIONS = ("+254722", "+254711", "+254733", "+254203", "+256772", "+447700", "+1415")


def database(kind: str):
    """A throw-away database URL for this bench (see ``devtools.scratch_db.bench_database``)."""
    return bench_database(kind, f"bench_rating_{os.getpid()}")


def make_app(url: str, clock: FixedClock):
    settings = Settings.from_env({"DATABASE_URL": url, "SECRET_KEY": "bench", "CURRENCY": "KES",
                                  "DEFAULT_REGION": "KE", "LOG_LEVEL": "WARNING"})
    return create_app(settings, clock=clock, events=EventBus(), instance_path=tempfile.mkdtemp())


def build_operator(session, clock, events, lines: int, seed: int = 1) -> list[str]:
    """``lines`` lines on one tariffed plan: 80% prepaid (some with buckets), 20% postpaid."""
    db.create_all()
    seed_holidays(session, clock, range(2026, 2027))
    tariff = standard_tariff(session, clock, code="BENCH", name="Bench", currency="KES",
                             per_minute=Decimal("4.30"), per_sms=Decimal("1.00"), per_mb=Decimal("2.50"),
                             effective_from=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), voice_increments=(30, 6))
    plan = create_offering(session, clock, name="Bench plan", code="BENCH-PLAN", kind="plan", payment_type="any",
                           lifecycle_status="Launched", is_sellable=True)
    tariffs.link_plan(session, plan.id, tariff)
    rng = random.Random(seed)
    numbers = []
    for index in range(lines):
        customer = create_customer(session, clock, name=f"Bench {index}", default_region="KE", events=events)
        prepaid = index % 5 != 0
        account = create_account(session, clock, events, customer_id=customer.id,
                                 payment_type="prepaid" if prepaid else "postpaid", default_currency="KES",
                                 bill_cycle_day=None if prepaid else 1)
        if prepaid:
            credit_balance(session, clock, events, account=account, amount=Decimal(rng.choice((50, 500, 100000))),
                           reason="topup")
        line = create_subscription(session, clock, events, account=account, msisdn=f"+25472{index:07d}",
                                   offering_id=plan.id, default_region="KE", activate=True)
        if rng.random() < 0.3:
            grant_bucket(session, clock, events, subscription=line, service="voice", amount=6000, source="bundle",
                         scope="national", valid_to=clock.now() + dt.timedelta(days=30))
            grant_bucket(session, clock, events, subscription=line, service="data", amount=500 * 1024 * 1024,
                         source="bundle", valid_to=clock.now() + dt.timedelta(days=30))
        numbers.append(line.msisdn)
    session.commit()
    return numbers


def generate_usage(numbers: list[str], count: int, first_id: int, seed: int) -> list[UsageEvent]:
    rng = random.Random(seed)
    usage = []
    for offset in range(count):
        service = rng.choices(("voice", "sms", "data"), (6, 2, 2))[0]
        roaming = rng.random() < 0.02
        usage.append(UsageEvent(
            usage_id=first_id + offset, msisdn=rng.choice(numbers), service=service,
            direction="in" if rng.random() < 0.15 else "out",
            started_at=START + dt.timedelta(seconds=rng.randrange(0, 7 * 86400)),
            other_party=None if service == "data" else rng.choice(DESTINATIONS) + f"{rng.randrange(10**6):06d}",
            duration_s=rng.randrange(1, 600) if service == "voice" else 0,
            messages=1 if service == "sms" else 0,
            volume_down=rng.randrange(1000, 5 * 1024 * 1024) if service == "data" else 0,
            roaming=roaming, visited_network="64110" if roaming else None))
    return usage
