"""MSISDN normalisation: every way a channel spells a number ends as one E.164 string."""
import pytest

from core.errors import ValidationError
from core.msisdn import is_valid, normalise, region_of

KENYAN = "+254712345678"


@pytest.mark.smoke
@pytest.mark.parametrize("raw", [
    "0712345678",            # national, as people type it
    "0712 345 678",          # with spaces
    "0712-345-678",          # with dashes
    "254712345678",          # international without the plus, as SMSCs send it
    "+254712345678",
    "+254 712 345 678",
    "00254712345678",        # international call prefix
    "tel:+254712345678",     # RFC 3966 URI
    "TEL:+254-712-345-678",
    "tel:+254712345678;phone-context=example.com",
    "  0712345678\n",
])
def test_kenyan_spellings_normalise_to_e164(raw):
    assert normalise(raw, "KE") == KENYAN


@pytest.mark.parametrize(("raw", "region", "e164"), [
    ("0772123456", "UG", "+256772123456"),       # Uganda, national
    ("256772123456", "UG", "+256772123456"),
    ("07911 123456", "GB", "+447911123456"),     # United Kingdom mobile
    ("+44 7911 123456", "KE", "+447911123456"),  # a foreign number with + ignores the region
    ("0044 7911 123456", "KE", "+447911123456"),
    ("0712345678", "ke", KENYAN),                # region code in lower case
])
def test_other_regions(raw, region, e164):
    assert normalise(raw, region) == e164


def test_national_form_depends_on_the_default_region():
    # A UK national number means nothing in Kenya.
    with pytest.raises(ValidationError):
        normalise("07911 123456", "KE")


@pytest.mark.parametrize("raw", [
    "", "   ", None, 712345678, "12345", "07123", "+999123456789", "not a number",
    "0712abcdef",     # letters would otherwise be read as a keypad word
    "+25471234567890123",
])
def test_invalid_numbers_raise_validation_error(raw):
    with pytest.raises(ValidationError) as caught:
        normalise(raw, "KE")
    assert caught.value.field == "msisdn"


def test_is_valid():
    assert is_valid("0712345678", "KE")
    assert not is_valid("0712", "KE")


def test_region_of():
    assert region_of(KENYAN) == "KE"
    assert region_of("+256772123456") == "UG"
    assert region_of("junk") is None
