"""The USSD callback's parsing: the remembered number normalisation answers as ``normalise`` does."""
from __future__ import annotations

import pytest

from channels.ussd.protocol import e164
from core.errors import ValidationError
from core.msisdn import normalise


@pytest.mark.parametrize("raw", ["+254712000001", "0712000001", "254712000001", " +254712000001 ", "tel:+254712000001"])
def test_e164_is_normalise(raw):
    assert e164(raw, "KE") == normalise(raw, "KE")
    assert e164(raw, "KE") == normalise(raw, "KE")  # the second answer comes from the cache


@pytest.mark.parametrize("raw", ["", "0712abcdef", "12"])
def test_e164_refuses_what_normalise_refuses_every_time(raw):
    for _ in range(2):
        with pytest.raises(ValidationError):
            normalise(raw, "KE")
        with pytest.raises(ValidationError):
            e164(raw, "KE")
