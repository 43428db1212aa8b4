"""Money as ``Decimal`` with its currency, and the rounding rules stated out loud.

Never float: constructors refuse floats, and every rounding names its mode.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.numbers import get_currency_precision, get_territory_currencies, parse_pattern

from core.errors import ValidationError

# The ISO code before the amount, a minus before the digits ("KES -5.00"): one shape on every
# screen and bill, whatever the locale's symbol; the locale decides the digits' grouping and marks.
_MONEY_PATTERN = "¤¤ #,##0.00;¤¤ -#,##0.00"

# Half-up is what customers and tax authorities expect on a bill; banker's rounding is
# available for aggregates where bias over many lines matters.
HALF_UP = ROUND_HALF_UP
HALF_EVEN = ROUND_HALF_EVEN


@functools.cache
def minor_units(currency: str) -> int:
    """Decimal places of ``currency``'s minor unit, from the Unicode CLDR (via Babel): 2 for KES,
    0 for UGX and JPY, 3 for KWD. Where CLDR and ISO 4217 differ (IQD, HUF, IDR: CLDR 0), CLDR's
    is the unit people actually pay in."""
    code = currency.upper() if isinstance(currency, str) else ""
    if code not in tender_currencies():
        raise ValidationError(f"unknown currency {currency!r}", field="currency")
    return get_currency_precision(code)


@functools.cache
def tender_currencies() -> frozenset[str]:
    """ISO 4217 codes that have been legal tender somewhere since 2000 (CLDR): real money, not
    ``XXX`` (no currency) or ``XTS`` (testing), and never a code that once was and is in old data."""
    since = dt.date(2000, 1, 1)
    return frozenset(code for territory in get_global("territory_currencies")
                     for code in get_territory_currencies(territory, since, dt.date(2100, 1, 1), tender=True))


@functools.cache
def _locale(name: str) -> Locale:
    try:
        return Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


_PATTERN = parse_pattern(_MONEY_PATTERN)


def to_decimal(value, *, field: str = "amount") -> Decimal:
    """Turn user input (str, int, Decimal) into a Decimal; floats and junk are refused."""
    if isinstance(value, (bool, float)):
        raise ValidationError(f"{field} must be a decimal string or integer, not {type(value).__name__}",
                              field=field)
    try:
        number = Decimal(str(value).strip()) if isinstance(value, str) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(f"{field} is not a number: {value!r}", field=field) from None
    if not number.is_finite():
        raise ValidationError(f"{field} must be finite", field=field)
    return number


def quantize(amount: Decimal, currency: str, rounding: str = HALF_UP) -> Decimal:
    """Round to the currency's minor unit with the given rounding mode."""
    try:
        return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=rounding)
    except InvalidOperation:  # more digits than the decimal context holds ("1e100")
        raise ValidationError(f"amount {amount} is too large", field="amount") from None


@dataclass(frozen=True)
class Money:
    """An amount in one currency. Arithmetic keeps full precision; ``rounded`` decides."""

    amount: Decimal
    currency: str

    def __post_init__(self):
        minor_units(self.currency)  # validates, including a currency that is not a string
        object.__setattr__(self, "amount", to_decimal(self.amount))
        object.__setattr__(self, "currency", self.currency.upper())

    @classmethod
    def of(cls, amount, currency: str) -> Money:
        return cls(to_decimal(amount), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def from_minor(cls, units: int, currency: str) -> Money:
        """``from_minor(1250, "KES")`` is KES 12.50. Only whole numbers of minor units: ``int()``
        would silently truncate ``12.7`` to 12 cents."""
        number = to_decimal(units, field="units")
        if number != number.to_integral_value():
            raise ValidationError(f"minor units must be a whole number, not {units!r}", field="units")
        return cls(number.scaleb(-minor_units(currency)), currency)

    def to_minor(self, rounding: str = HALF_UP) -> int:
        return int(self.rounded(rounding).amount.scaleb(minor_units(self.currency)))

    def rounded(self, rounding: str = HALF_UP) -> Money:
        return Money(quantize(self.amount, self.currency, rounding), self.currency)

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise ValidationError(f"currency mismatch: {self.currency} vs {other.currency}",
                                  field="currency")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor) -> Money:
        if isinstance(factor, (float, Money)):
            raise TypeError("multiply Money by a Decimal or int")
        return Money(self.amount * to_decimal(factor, field="factor"), self.currency)

    __rmul__ = __mul__

    # Ordering only within one currency: the dataclass's tuple ordering would call
    # USD 5 less than KES 10.
    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def is_negative(self) -> bool:
        return self.amount < 0

    def format(self, locale: str = "en") -> str:
        """``KES 1,250.00``: for people, rounded half-up to the currency's minor unit, with the
        digits grouped and marked as ``locale`` writes them (``en_KE``, ``sw``, ``fr``)."""
        return _PATTERN.apply(quantize(self.amount, self.currency), _locale(locale), currency=self.currency,
                              currency_digits=True)

    def __str__(self) -> str:
        return self.format()
