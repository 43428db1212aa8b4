"""Money as ``Decimal`` with its currency, and the rounding rules stated out loud.

Never float: constructors refuse floats, and every rounding names its mode.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

from core.errors import ValidationError

# ISO 4217 minor units for the currencies operators we expect bill in. Extend as needed.
MINOR_UNITS: dict[str, int] = {
    "AED": 2, "AUD": 2, "BHD": 3, "BRL": 2, "BWP": 2, "CAD": 2, "CHF": 2, "CNY": 2,
    "CZK": 2, "DKK": 2, "EGP": 2, "ETB": 2, "EUR": 2, "GBP": 2, "GHS": 2, "HKD": 2,
    "HUF": 2, "IDR": 2, "ILS": 2, "INR": 2, "IQD": 3, "JOD": 3, "JPY": 0, "KES": 2,
    "KRW": 0, "KWD": 3, "LYD": 3, "MAD": 2, "MWK": 2, "MXN": 2, "MYR": 2, "MZN": 2,
    "NGN": 2, "NOK": 2, "NZD": 2, "OMR": 3, "PHP": 2, "PKR": 2, "PLN": 2, "QAR": 2,
    "RWF": 0, "SAR": 2, "SEK": 2, "SGD": 2, "THB": 2, "TND": 3, "TRY": 2, "TZS": 2,
    "UGX": 0, "USD": 2, "VND": 0, "XAF": 0, "XOF": 0, "ZAR": 2, "ZMW": 2,
}

# Half-up is what customers and tax authorities expect on a bill; banker's rounding is
# available for aggregates where bias over many lines matters.
HALF_UP = ROUND_HALF_UP
HALF_EVEN = ROUND_HALF_EVEN


def minor_units(currency: str) -> int:
    try:
        return MINOR_UNITS[currency.upper()]
    except (KeyError, AttributeError):
        raise ValidationError(f"unknown currency {currency!r}", field="currency") from None


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

    def format(self) -> str:
        """``KES 1,250.00``: for people, in the currency's minor units."""
        places = minor_units(self.currency)
        return f"{self.currency} {quantize(self.amount, self.currency):,.{places}f}"

    def __str__(self) -> str:
        return self.format()
