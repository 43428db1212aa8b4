"""The demo operator's product portfolio, as data: 3 prepaid plans, 3 postpaid plans, 8 bundles.

Prices are in the operator's configured currency; the figures are typical of an East African
mobile operator in KES and are scaled for other currencies by ``PRICE_SCALE``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

# Rough value of one KES in other currencies, so the demo looks sane wherever it runs.
PRICE_SCALE = {"KES": Decimal(1), "UGX": Decimal(28), "TZS": Decimal(20), "NGN": Decimal(12),
               "USD": Decimal("0.0078"), "EUR": Decimal("0.0072"), "GBP": Decimal("0.0061")}


@dataclass(frozen=True)
class Usage:
    """Pay-as-you-go rates: per minute, per SMS, per MB."""

    per_minute: str
    per_sms: str
    per_mb: str


@dataclass(frozen=True)
class Product:
    code: str
    name: str
    kind: str  # plan | bundle
    payment_type: str  # prepaid | postpaid | any
    description: str
    recurring: str | None = None  # monthly fee
    one_time: str | None = None  # purchase price (bundles) or activation fee (plans)
    usage: Usage | None = None
    minutes: int | None = None
    sms: int | None = None
    data_mb: int | None = None
    validity_days: int | None = None
    scope: str | None = None
    categories: tuple[str, ...] = field(default=())


PLANS = (
    Product("PRE-SMART", "Smart Prepaid", "plan", "prepaid",
            "Pay as you go: per-second billing on calls, no monthly fee.",
            one_time="50", usage=Usage("4.30", "1.00", "2.50"), categories=("Prepaid plans",)),
    Product("PRE-STUDENT", "Campus Prepaid", "plan", "prepaid",
            "For students: cheaper data, standard calls.",
            one_time="50", usage=Usage("4.30", "1.00", "1.20"), categories=("Prepaid plans",)),
    Product("PRE-VISITOR", "Visitor Prepaid", "plan", "prepaid",
            "For visitors: a starter pack of minutes, SMS and data valid 30 days.",
            one_time="1000", usage=Usage("5.00", "1.00", "2.00"), minutes=100, sms=100, data_mb=5120,
            validity_days=30, categories=("Prepaid plans",)),
    Product("POST-ESSENTIAL", "Essential Postpaid", "plan", "postpaid",
            "300 minutes, 500 SMS and 5 GB every month.",
            recurring="999", usage=Usage("3.50", "1.00", "1.00"), minutes=300, sms=500, data_mb=5120,
            validity_days=30, categories=("Postpaid plans",)),
    Product("POST-PLUS", "Plus Postpaid", "plan", "postpaid",
            "1,000 minutes, 2,000 SMS and 20 GB every month.",
            recurring="1999", usage=Usage("3.00", "0.80", "0.80"), minutes=1000, sms=2000, data_mb=20480,
            validity_days=30, categories=("Postpaid plans",)),
    Product("POST-BUSINESS", "Business Postpaid", "plan", "postpaid",
            "3,000 minutes, 5,000 SMS and 60 GB every month, for companies.",
            recurring="4999", usage=Usage("2.50", "0.70", "0.50"), minutes=3000, sms=5000, data_mb=61440,
            validity_days=30, categories=("Postpaid plans", "Business")),
)

BUNDLES = (
    Product("DATA-DAY-1GB", "Daily 1 GB", "bundle", "any", "1 GB of data for 24 hours.",
            one_time="99", data_mb=1024, validity_days=1, categories=("Data bundles",)),
    Product("DATA-WEEK-3GB", "Weekly 3 GB", "bundle", "any", "3 GB of data for 7 days.",
            one_time="250", data_mb=3072, validity_days=7, categories=("Data bundles",)),
    Product("DATA-MONTH-10GB", "Monthly 10 GB", "bundle", "any", "10 GB of data for 30 days.",
            one_time="1000", data_mb=10240, validity_days=30, categories=("Data bundles",)),
    Product("VOICE-DAY-50", "Daily 50 Minutes", "bundle", "any", "50 minutes to any local network for 24 hours.",
            one_time="50", minutes=50, validity_days=1, scope="national", categories=("Voice bundles",)),
    Product("VOICE-WEEK-200", "Weekly 200 Minutes", "bundle", "any", "200 minutes to any local network for 7 days.",
            one_time="200", minutes=200, validity_days=7, scope="national", categories=("Voice bundles",)),
    Product("SMS-WEEK-200", "Weekly 200 SMS", "bundle", "any", "200 local SMS for 7 days.",
            one_time="30", sms=200, validity_days=7, scope="national", categories=("SMS bundles",)),
    Product("COMBO-MONTH", "Monthly Combo", "bundle", "any", "300 minutes, 300 SMS and 3 GB for 30 days.",
            one_time="750", minutes=300, sms=300, data_mb=3072, validity_days=30, categories=("Combo bundles",)),
    Product("ROAM-DAY-500MB", "Roaming Day Pass", "bundle", "any",
            "500 MB and 30 minutes while roaming in East Africa, for 24 hours.",
            one_time="500", minutes=30, data_mb=500, validity_days=1, scope="roaming", categories=("Roaming",)),
)
