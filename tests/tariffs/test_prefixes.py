"""Longest-prefix match and loading large prefix tables."""
from __future__ import annotations

import datetime as dt
import random

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from catalog.tariffs import service as tariffs
from catalog.tariffs.compiled import clear_cache, compile_version
from catalog.tariffs.models import TariffPrefix
from catalog.tariffs.prefixes import NO_MATCH, PrefixTable, digits_of


@pytest.mark.smoke
def test_longest_prefix_wins():
    table = PrefixTable([("254", 0), ("2547", 1), ("25472", 2), ("1", 3)])
    assert table.match("+254722000000") == 2
    assert table.match("254733000000") == 1
    assert table.match("00254200000") == 0
    assert table.match("+14155550100") == 3
    assert table.match("+999") == NO_MATCH
    assert table.match("") == NO_MATCH and table.match(None) == NO_MATCH and table.match("abc") == NO_MATCH
    assert table.match_many(["+254722000000", "254733", "+999", None, "1"]).tolist() == [2, 1, NO_MATCH, NO_MATCH, 3]


@given(prefixes=st.dictionaries(st.text("0123456789", min_size=1, max_size=8), st.integers(0, 50), max_size=60),
       numbers=st.lists(st.text("0123456789", min_size=0, max_size=16), max_size=40))
def test_vectorised_match_equals_one_by_one(prefixes, numbers):
    table = PrefixTable(prefixes.items())
    expected = []
    for number in numbers:
        digits = digits_of(number)  # "00" is the international access code, dropped like "+"
        heads = [p for p in prefixes if digits and digits.startswith(p)]
        expected.append(prefixes[max(heads, key=len)] if heads else NO_MATCH)
    assert table.match_many(numbers).tolist() == expected
    assert [table.match(n) for n in numbers] == expected


def test_bad_prefix_is_refused():
    with pytest.raises(ValueError, match="digits"):
        PrefixTable([("25x", 0)])


def test_100k_prefixes_import_and_load_into_the_matcher(session, clock):
    """How fast is ``bench/prefix_load.py``'s to measure; here, that every row arrives and matches."""
    tariff = tariffs.create_tariff(session, clock, code="BIG", name="Big table", currency="KES")
    version = tariffs.add_version(session, clock, tariff, effective_from=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    for code, kind in (("national", "national"), ("mobile", "mobile"), ("intl", "international")):
        tariffs.add_zone(session, clock, version, code=code, name=code, kind=kind)
    rng = random.Random(5)
    rows = {}
    while len(rows) < 100_000:
        rows[str(rng.randrange(10**5, 10**9))] = rng.choice(("national", "mobile", "intl"))
    text = "prefix,zone\n" + "\n".join(f"{p},{z}" for p, z in rows.items())
    clear_cache()
    loaded = tariffs.load_prefixes_csv(session, clock, version, text)
    compiled = compile_version(session, version)
    assert loaded == 100_000 and len(compiled.numbers) == 100_000
    assert session.scalar(sa.select(sa.func.count(TariffPrefix.id))) == 100_000
    sample = rng.sample(sorted(rows), 50)
    assert [compiled.zone_codes[compiled.numbers.match(p)] for p in sample] == [rows[p] for p in sample]


def test_prefix_rows_are_checked(session, clock):
    from core.errors import ValidationError

    tariff = tariffs.create_tariff(session, clock, code="CHK", name="Checked", currency="KES")
    version = tariffs.add_version(session, clock, tariff, effective_from=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    tariffs.add_zone(session, clock, version, code="national", name="National", kind="national")
    with pytest.raises(ValidationError, match="no zone"):
        tariffs.load_prefixes(session, clock, version, [("2542", "mars")])
    with pytest.raises(ValidationError, match="digits"):
        tariffs.load_prefixes(session, clock, version, [("25a", "national")])
    with pytest.raises(ValidationError, match="twice"):
        tariffs.load_prefixes(session, clock, version, [("2542", "national"), ("2542", "national")])
