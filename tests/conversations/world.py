"""A small operator for the conversation and channel tests: two plans, bundles, a prepaid and a
postpaid customer with live lines, and vouchers, all made through the domain services."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from billing.accounts import create_account
from billing.balances import balance_of, credit_balance
from billing.subscriptions import create_subscription
from billing.vouchers import generate_vouchers
from catalog.offerings import create_offering
from catalog.prices import PriceTerms
from catalog.versions import Allowances
from core.db import db
from crm.contacts import ContactDetails
from crm.customers import create_customer
from crm.parties import create_individual
from gateway import create_app
from tests.conftest import _empty_tables, make_settings

VOUCHER_SECRET = "voucher-test-key"
TWILIO_TOKEN = "twilio-test-auth-token"
PREPAID_MSISDN = "+254712000001"
POSTPAID_MSISDN = "+254712000002"
UNKNOWN_MSISDN = "+254712999999"

# (code, name, price, minutes, sms, MB, days): enough bundles that a USSD list needs two pages.
BUNDLES = (
    ("DATA-DAY-1GB", "Daily 1 GB", "99", None, None, 1024, 1),
    ("DATA-WEEK-3GB", "Weekly 3 GB", "250", None, None, 3072, 7),
    ("DATA-MONTH-10GB", "Monthly 10 GB", "1000", None, None, 10240, 30),
    ("VOICE-DAY-50", "Daily 50 Minutes", "50", 50, None, None, 1),
    ("VOICE-WEEK-200", "Weekly 200 Minutes", "200", 200, None, None, 7),
    ("SMS-WEEK-200", "Weekly 200 SMS", "30", None, 200, None, 7),
    ("COMBO-MONTH", "Monthly Combo", "750", 300, 300, 3072, 30),
    ("ROAM-DAY-500MB", "Roaming Day Pass 500 MB", "500", 30, None, 500, 1),
)


@dataclass
class World:
    prepaid: object
    postpaid: object
    prepaid_line: object
    postpaid_line: object
    prepaid_customer: object
    postpaid_customer: object
    bundles: dict = field(default_factory=dict)

    def balance(self) -> Decimal:
        db.session.expire_all()
        return balance_of(db.session, self.prepaid).amount


def channel_app(database_url, schema, clock, events, tmp_path, **env):
    """The app with the channels' settings; tables are emptied afterwards, as in ``app``."""
    settings = make_settings(database_url, **{"VOUCHER_SECRET": VOUCHER_SECRET, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
                                              **env})
    app = create_app(settings, clock=clock, events=events, instance_path=str(tmp_path / "instance"),
                     config={"TESTING": True})
    with app.app_context():
        yield app
        db.session.rollback()
        db.session.remove()
        _empty_tables(schema)


@pytest.fixture
def channel_env() -> dict:
    """Extra environment for the app under test; a test module overrides it."""
    return {}


@pytest.fixture
def app(database_url, schema, clock, events, tmp_path, channel_env):
    yield from channel_app(database_url, schema, clock, events, tmp_path, **channel_env)


def _person(session, clock, events, name: tuple[str, str], msisdn: str, language: str = "en"):
    party = create_individual(session, clock, default_region="KE", given_name=name[0], family_name=name[1],
                              contact_media=[ContactDetails("mobile", preferred=True, phone_number=msisdn)],
                              preferred_language=language)
    return create_customer(session, clock, party=party, status="Active", default_region="KE", events=events,
                           contact_media=[ContactDetails("mobile", preferred=True, phone_number=msisdn)],
                           preferred_channel="sms", preferred_language=language)


@pytest.fixture
def world(session, clock, events) -> World:
    plan_pre = create_offering(session, clock, name="Smart Prepaid", code="PRE-SMART", kind="plan",
                               payment_type="prepaid", lifecycle_status="Launched",
                               prices=[PriceTerms(name="activation", price_type="oneTime", amount="50",
                                                  currency="KES")])
    plan_post = create_offering(session, clock, name="Essential Postpaid", code="POST-ESSENTIAL", kind="plan",
                                payment_type="postpaid", lifecycle_status="Launched",
                                prices=[PriceTerms(name="monthly", price_type="recurring", amount="999",
                                                   currency="KES", recurring_period="month")])
    bundles = {}
    for code, name, price, minutes, sms, mb, days in BUNDLES:
        bundles[code] = create_offering(
            session, clock, name=name, code=code, kind="bundle", payment_type="any", lifecycle_status="Launched",
            prices=[PriceTerms(name=f"{name} price", price_type="oneTime", amount=price, currency="KES")],
            allowances=Allowances(minutes, sms, mb, None), validity_days=days)
    amina = _person(session, clock, events, ("Amina", "Otieno"), PREPAID_MSISDN)
    baraka = _person(session, clock, events, ("Baraka", "Mwangi"), POSTPAID_MSISDN)
    prepaid = create_account(session, clock, events, customer_id=amina.id, payment_type="prepaid",
                             default_currency="KES")
    credit_balance(session, clock, events, account=prepaid, amount=Decimal("500"), reason="opening balance")
    postpaid = create_account(session, clock, events, customer_id=baraka.id, payment_type="postpaid",
                              default_currency="KES", bill_cycle_day=15)
    pre_line = create_subscription(session, clock, events, account=prepaid, msisdn=PREPAID_MSISDN,
                                   offering_id=plan_pre.id, default_region="KE", activate=True)
    post_line = create_subscription(session, clock, events, account=postpaid, msisdn=POSTPAID_MSISDN,
                                    offering_id=plan_post.id, default_region="KE", activate=True)
    session.commit()
    return World(prepaid, postpaid, pre_line, post_line, amina, baraka, bundles)


@pytest.fixture
def vouchers(session, clock):
    """Three fresh KES 100 vouchers (serial, PIN)."""
    made = generate_vouchers(session, clock, secret=VOUCHER_SECRET, count=3, value="100", currency="KES")
    session.commit()
    return made


def later(clock, **delta) -> dt.datetime:
    return clock.advance(**delta)
