"""Money: Decimal amounts with a currency, rounding stated out loud, floats and junk refused."""
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ValidationError
from core.money import HALF_EVEN, HALF_UP, Money, minor_units, quantize, to_decimal


def kes(amount) -> Money:
    return Money.of(amount, "KES")


@pytest.mark.smoke
def test_addition_and_subtraction_keep_exact_decimals():
    assert kes("0.10") + kes("0.20") == kes("0.30")
    assert kes("10.00") - kes("2.55") == kes("7.45")
    assert (kes("0.1") + kes("0.2")).amount == Decimal("0.3")


def test_multiplication_by_decimal_int_and_str_keeps_full_precision():
    assert (kes("10.00") * Decimal("0.16")).amount == Decimal("1.6000")
    assert (3 * kes("0.333")).amount == Decimal("0.999")
    assert (kes("2") * "1.5").amount == Decimal("3.0")


def test_multiplication_refuses_float_money_and_junk():
    with pytest.raises(TypeError):
        kes("1") * 1.5
    with pytest.raises(TypeError):
        kes("1") * kes("2")
    with pytest.raises(ValidationError):
        kes("1") * "abc"


def test_negation_and_sign():
    assert -kes("5") == kes("-5")
    assert (-kes("5")).is_negative()
    assert not kes("0").is_negative()


def test_equal_amounts_with_different_exponents_are_equal_and_hash_alike():
    assert kes("1.0") == kes("1.00") == kes(1)
    assert len({kes("1.0"), kes("1.00"), kes(1)}) == 1
    assert kes("1") != Money.of("1", "USD")


@pytest.mark.smoke
def test_currency_mismatch_is_refused():
    with pytest.raises(ValidationError) as caught:
        kes("1") + Money.of("1", "USD")
    assert caught.value.field == "currency"
    with pytest.raises(ValidationError):
        kes("1") - Money.of("1", "UGX")


def test_ordering_within_a_currency():
    assert kes("1.50") < kes("2") <= kes("2.00") < kes("10")
    assert kes("10") > kes("9.99") >= kes("9.99")
    assert max(kes("3"), kes("12"), kes("7")) == kes("12")


def test_ordering_across_currencies_is_refused():
    # Comparing USD 5 with KES 10 by amount would be silently wrong.
    with pytest.raises(ValidationError):
        assert Money.of("5", "USD") < kes("10")
    with pytest.raises(ValidationError):
        assert Money.of("5", "USD") >= kes("10")


def test_combining_with_a_bare_number_is_refused():
    with pytest.raises(TypeError):
        kes("1") + Decimal("1")


def test_currency_code_is_case_insensitive_and_checked():
    assert Money.of("1", "kes").currency == "KES"
    with pytest.raises(ValidationError):
        Money.of("1", "XXX")
    with pytest.raises(ValidationError):
        Money(Decimal(1), None)


@pytest.mark.parametrize(("currency", "units"), [("KES", 2), ("UGX", 0), ("JPY", 0), ("KWD", 3), ("BHD", 3)])
def test_minor_units_follow_iso_4217(currency, units):
    assert minor_units(currency) == units


@pytest.mark.parametrize(("amount", "currency", "minor"), [
    ("12.50", "KES", 1250),
    ("1500", "UGX", 1500),
    ("1.234", "KWD", 1234),
    ("0", "KES", 0),
    ("-3.25", "KES", -325),
])
def test_to_minor(amount, currency, minor):
    assert Money.of(amount, currency).to_minor() == minor


@pytest.mark.parametrize(("minor", "currency", "amount"), [
    (1250, "KES", "12.50"),
    (1500, "UGX", "1500"),
    (1234, "KWD", "1.234"),
    (-5, "KWD", "-0.005"),
])
def test_from_minor(minor, currency, amount):
    money = Money.from_minor(minor, currency)
    assert money.amount == Decimal(amount)
    assert money.currency == currency


def test_from_minor_refuses_fractions_and_floats_instead_of_truncating():
    with pytest.raises(ValidationError):
        Money.from_minor(12.7, "KES")
    with pytest.raises(ValidationError):
        Money.from_minor(Decimal("12.5"), "KES")
    with pytest.raises(ValidationError):
        Money.from_minor("twelve", "KES")
    assert Money.from_minor(Decimal("1250"), "KES") == kes("12.50")


@pytest.mark.parametrize(("amount", "currency", "half_up", "half_even"), [
    ("2.345", "KES", "2.35", "2.34"),
    ("2.355", "KES", "2.36", "2.36"),
    ("-2.345", "KES", "-2.35", "-2.34"),
    ("2.5", "UGX", "3", "2"),
    ("3.5", "UGX", "4", "4"),
    ("1.0005", "KWD", "1.001", "1.000"),
])
def test_rounding_mode_is_explicit(amount, currency, half_up, half_even):
    money = Money.of(amount, currency)
    assert money.rounded(HALF_UP).amount == Decimal(half_up)
    assert money.rounded(HALF_EVEN).amount == Decimal(half_even)
    assert money.rounded().amount == Decimal(half_up)  # bills round half up unless told
    assert quantize(Decimal(amount), currency, HALF_EVEN) == Decimal(half_even)


def test_to_minor_rounds_with_the_given_mode():
    assert kes("0.125").to_minor(HALF_UP) == 13
    assert kes("0.125").to_minor(HALF_EVEN) == 12
    assert Money.of("2.5", "UGX").to_minor(HALF_EVEN) == 2


def test_rounded_amount_has_the_currency_exponent():
    assert Money.of("7", "KWD").rounded().amount.as_tuple().exponent == -3
    assert Money.of("7.4", "UGX").rounded().amount.as_tuple().exponent == 0


@pytest.mark.parametrize("value", [1.5, 0.1, float("nan"), True])
def test_floats_and_bools_are_refused(value):
    with pytest.raises(ValidationError):
        Money.of(value, "KES")
    with pytest.raises(ValidationError):
        to_decimal(value)


@pytest.mark.parametrize("junk", ["", "abc", "1,000", "NaN", "Infinity", "-inf", None, [1], object()])
def test_junk_is_refused_with_validation_error(junk):
    with pytest.raises(ValidationError) as caught:
        Money.of(junk, "KES")
    assert caught.value.field == "amount"


def test_to_decimal_accepts_str_int_decimal_and_names_the_field():
    assert to_decimal(" 12.50 ") == Decimal("12.50")
    assert to_decimal(7) == Decimal(7)
    assert to_decimal(Decimal("1e3")) == Decimal(1000)
    with pytest.raises(ValidationError) as caught:
        to_decimal("x", field="price")
    assert caught.value.field == "price"


def test_format_for_people():
    assert kes("1250").format() == "KES 1,250.00"
    assert str(Money.of("1234567", "UGX")) == "UGX 1,234,567"
    assert Money.of("1.2345", "KWD").format() == "KWD 1.235"
    assert kes("-5").format() == "KES -5.00"


def test_zero():
    assert Money.zero("KWD") == Money.of("0.000", "KWD")
    assert sum([kes("1"), kes("2.5")], Money.zero("KES")) == kes("3.5")


# Properties. Amounts are drawn as exact decimals, never via float.
CURRENCIES = st.sampled_from(["KES", "UGX", "KWD", "JPY", "USD"])
AMOUNTS = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), allow_nan=False,
                      allow_infinity=False, places=4)


@given(units=st.integers(min_value=-10**15, max_value=10**15), currency=CURRENCIES)
def test_from_minor_then_to_minor_is_identity(units, currency):
    assert Money.from_minor(units, currency).to_minor() == units


@given(amount=AMOUNTS, currency=CURRENCIES)
def test_to_minor_then_from_minor_equals_the_rounded_amount(amount, currency):
    money = Money.of(amount, currency)
    assert Money.from_minor(money.to_minor(), currency) == money.rounded()


@given(amount=AMOUNTS, currency=CURRENCIES)
def test_rounding_moves_less_than_half_a_minor_unit_plus_tie(amount, currency):
    money = Money.of(amount, currency)
    half = Decimal(1).scaleb(-minor_units(currency)) / 2
    for mode in (HALF_UP, HALF_EVEN):
        assert abs(money.rounded(mode).amount - amount) <= half


@given(a=AMOUNTS, b=AMOUNTS, c=AMOUNTS)
def test_addition_is_commutative_and_associative(a, b, c):
    x, y, z = kes(a), kes(b), kes(c)
    assert x + y == y + x
    assert (x + y) + z == x + (y + z)
    assert x + y - y == x


@pytest.mark.parametrize("amount", ["1e100", "1e27"])
def test_amounts_beyond_decimal_precision_are_refused_when_rounded(amount):
    money = Money.of(amount, "KES")  # full precision is kept until something rounds
    for use in (money.rounded, money.to_minor, money.format):
        with pytest.raises(ValidationError):
            use()
