"""Damaged files never crash the decoder: each CDR is a record or a rejection, or the whole
file is unreadable; and the file framing round-trips."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediation.asn1 import ts32297
from mediation.decoders.base import DecodedRecord, DecodeFailure, UnreadableFile
from mediation.decoders.ber_3gpp import DECODER
from tests.mediation_ber.helpers import cdr, file_bytes, mo_call, mt_sms, pgw_partial, stream

RECORDS = [cdr(mo_call(), 6), cdr(pgw_partial(), 7), cdr(mt_sms(), 6)]
GOOD = file_bytes(RECORDS)
HEADER = 54


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(HEADER, len(GOOD) - 1), st.integers(0, 255)), min_size=1, max_size=8))
def test_flipped_octets_in_records_are_rejected_not_raised(changes):
    data = bytearray(GOOD)
    for position, value in changes:
        data[position] = value
    items = list(DECODER.decode(stream(bytes(data)), {}))
    assert items and all(isinstance(item, DecodedRecord | DecodeFailure) for item in items)
    for item in items:
        if isinstance(item, DecodeFailure):
            assert item.reason_code and item.reason


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_are_unreadable_or_decoded(data):
    try:
        items = list(DECODER.decode(stream(data), {}))
    except UnreadableFile:
        return
    assert all(isinstance(item, DecodedRecord | DecodeFailure) for item in items)


@pytest.mark.parametrize("node", ["10.50.0.1", "2001:db8::7"])
def test_file_header_round_trip(node):
    opened = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    closed = dt.datetime(2026, 11, 25, 10, 5, tzinfo=dt.timezone(dt.timedelta(hours=-5, minutes=-30)))
    raw = ts32297.build_file_header(file_length=ts32297.header_length(), cdr_count=0, sequence=99, opened=opened,
                                    last_append=closed, node_address=node, release=16, closure_reason=2)
    header = ts32297.parse_file_header(raw)
    assert (header.header_length, header.file_length, header.sequence, header.cdr_count) == (54, 54, 99, 0)
    assert (header.high_release, header.low_release, header.closure_reason) == (16, 16, 2)
    assert header.opened == (11, 25, 10, 0, 180) and header.last_append == (11, 25, 10, 5, -330)
    assert header.node_address == node


def test_hand_built_header_reads_as_the_spec_lays_it_out():
    header = ts32297.parse_file_header(GOOD)
    assert (header.file_length, header.header_length, header.cdr_count) == (len(GOOD), 54, 3)
    assert (header.high_release, header.low_release, header.node_address) == (15, 15, "10.50.0.1")
    assert header.opened == (11, 25, 10, 0, 180)
