"""Rating fixtures: the demo's standard tariff on a plan, and lines on it with money and buckets."""
from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from billing.accounts import create_account
from billing.balances import credit_balance
from billing.buckets import grant_bucket
from billing.subscriptions import create_subscription
from billing.usage import UsageEvent
from catalog.offerings import create_offering
from catalog.tariffs import service as tariffs
from catalog.tariffs.compiled import clear_cache
from crm.customers import create_customer
from gateway.demo.tariffs import seed_holidays, standard_tariff

TARIFF_START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


class Operator:
    """Builds lines the way the business does: customer, account, line on a tariffed plan."""

    def __init__(self, session, clock, events):
        self.session, self.clock, self.events = session, clock, events
        seed_holidays(session, clock, range(2026, 2027))
        self.tariff = standard_tariff(session, clock, code="TEST-STD", name="Test standard", currency="KES",
                                      per_minute=Decimal("4.30"), per_sms=Decimal("1.00"),
                                      per_mb=Decimal("2.50"), effective_from=TARIFF_START)
        self.plan = create_offering(session, clock, name="Test plan", code="TEST-PLAN", kind="plan",
                                    payment_type="any", lifecycle_status="Launched", is_sellable=True)
        tariffs.link_plan(session, self.plan.id, self.tariff)
        self._numbers = itertools.count(100001)
        self._usage_ids = itertools.count(1)

    def line(self, payment_type: str = "prepaid", balance: str = "0", msisdn: str | None = None):
        customer = create_customer(self.session, self.clock, name=f"Customer {next(self._numbers)}",
                                   default_region="KE", events=self.events)
        account = create_account(self.session, self.clock, self.events, customer_id=customer.id,
                                 payment_type=payment_type, default_currency="KES",
                                 bill_cycle_day=1 if payment_type == "postpaid" else None)
        if Decimal(balance) > 0:
            credit_balance(self.session, self.clock, self.events, account=account, amount=Decimal(balance),
                           reason="topup")
        number = msisdn or f"+254722{next(self._numbers):06d}"
        return create_subscription(self.session, self.clock, self.events, account=account, msisdn=number,
                                   offering_id=self.plan.id, default_region="KE", activate=True)

    def bucket(self, line, service: str, amount: int, scope: str | None = None, days: int = 30, **kw):
        return grant_bucket(self.session, self.clock, self.events, subscription=line, service=service, amount=amount,
                            source="bundle", scope=scope, valid_to=self.clock.now() + dt.timedelta(days=days), **kw)

    def usage(self, line, service: str = "voice", *, at: dt.datetime | None = None, to: str | None = "+254733000111",
              seconds: int = 0, messages: int = 0, volume: int = 0, **kw) -> UsageEvent:
        return UsageEvent(usage_id=next(self._usage_ids), msisdn=line.msisdn, service=service,
                          direction=kw.pop("direction", "out"), started_at=at or self.clock.now(), other_party=to,
                          duration_s=seconds, messages=messages, volume_down=volume, **kw)


@pytest.fixture
def operator(session, clock, events):
    clear_cache()
    return Operator(session, clock, events)
