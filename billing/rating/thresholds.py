"""Low-balance thresholds: when a prepaid balance falls below its currency's line, the
customer is told (``balance.low``).

One number cannot serve every currency (20 is a fair warning in shillings, and nothing in
pounds or in Ugandan shillings), so the line is kept per currency: a default table, overridden
by the ``LOW_BALANCE_THRESHOLDS`` setting (``KES=20,USD=1``). A currency with no line gets no
notice. Rating takes the table as an argument; the gateway reads the setting and passes
``low_balance_thresholds(setting)``.
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from types import MappingProxyType

from core.money import tender_currencies

Thresholds = Mapping[str, Decimal]  # ISO 4217 currency -> the balance below which the customer is told

DEFAULT_THRESHOLDS: Thresholds = MappingProxyType({
    "KES": Decimal("20"), "UGX": Decimal("2000"), "TZS": Decimal("1000"),
    "USD": Decimal("1"), "EUR": Decimal("1"), "GBP": Decimal("1"),
})


def low_balance_for(currency: str, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Decimal | None:
    """The line below which a balance in ``currency`` is low, or None: no notice in that currency."""
    return thresholds.get(currency)


def crossed_low_balance(before: Decimal, after: Decimal, threshold: Decimal | None) -> bool:
    """Whether a debit from ``before`` to ``after`` took the balance below the line (once: a
    balance already below it is not announced again)."""
    return threshold is not None and before >= threshold > after


def parse_thresholds(text: str | None) -> dict[str, Decimal]:
    """``"KES=20, usd=1.50"`` as ``{"KES": Decimal("20"), "USD": Decimal("1.50")}``.

    Raises ``ValueError`` naming the setting on anything else (an unknown currency, a
    negative or non-decimal amount, a currency twice), so a typo stops start-up rather than
    silencing the notices.
    """
    parsed: dict[str, Decimal] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        currency, equals, amount = part.partition("=")
        currency = currency.strip().upper()
        if not equals or currency not in tender_currencies():
            raise ValueError(f"LOW_BALANCE_THRESHOLDS: {part.strip()!r} is not CURRENCY=AMOUNT with an ISO 4217 "
                             f"currency")
        try:
            value = Decimal(amount.strip())
        except InvalidOperation:
            value = Decimal(-1)
        if not value.is_finite() or value < 0:
            raise ValueError(f"LOW_BALANCE_THRESHOLDS: the {currency} amount {amount.strip()!r} is not a "
                             f"decimal of zero or more")
        if currency in parsed:
            raise ValueError(f"LOW_BALANCE_THRESHOLDS: {currency} is given twice")
        parsed[currency] = value
    return parsed


def low_balance_thresholds(setting: str | None, defaults: Thresholds = DEFAULT_THRESHOLDS) -> Thresholds:
    """The table rating uses: the defaults with the setting's currencies over them."""
    return MappingProxyType({**defaults, **parse_thresholds(setting)})
