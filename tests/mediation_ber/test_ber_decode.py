"""The 3gpp-ber decoder on hand-assembled TS 32.297 files, field by field."""
from __future__ import annotations

import datetime as dt

import pytest

from mediation import decoders
from mediation.decoders.base import DecodedRecord, DecodeFailure, UnreadableFile
from mediation.decoders.ber_3gpp import DECODER, decode_record
from tests.mediation_ber.helpers import cdr, file_bytes, mo_call, mt_sms, pgw_partial, stream, tlv

UTC = dt.UTC


def decode(data: bytes, **options):
    return list(DECODER.decode(stream(data), options))


@pytest.mark.smoke
def test_mo_call_record_field_by_field():
    data = file_bytes([cdr(mo_call(), 6)])
    [record] = decode(data)
    assert isinstance(record, DecodedRecord)
    assert record.record_type == "moCallRecord"
    assert record.served_msisdn == "+254712345678"
    assert record.served_imsi == "639020123456789"
    assert record.other_party == "+254733000111"
    assert (record.service, record.direction, record.answered) == ("voice", "out", True)
    assert record.started_at == dt.datetime(2026, 11, 25, 11, 30, 5, tzinfo=UTC)  # 14:30:05 at +03:00
    assert record.duration_s == 180
    assert record.natural_key == "moCallRecord:+254722000101:0a0b0c0d:0"
    assert (record.session_key, record.sequence, record.is_final) == (None, None, True)
    assert record.location == "63902/1a2b/3c4d"
    assert (record.roaming, record.visited_network) == (False, None)
    # the offset points at the record's octets, and raw is them
    assert data[record.offset:record.offset + len(record.raw) // 2].hex() == record.raw == mo_call()


@pytest.mark.smoke
def test_pgw_partial_record_field_by_field():
    [record] = decode(file_bytes([cdr(pgw_partial(), 7)]))
    assert record.record_type == "pGWRecord"
    assert record.natural_key == "pGWRecord:10.20.0.1:1234567890:2"
    assert record.session_key == "pGWRecord:10.20.0.1:1234567890"
    assert (record.sequence, record.is_final) == (2, False)  # causeForRecClosing timeLimit
    assert (record.volume_up, record.volume_down) == (1100, 2200)  # both containers summed
    assert record.duration_s == 3600
    assert record.started_at == dt.datetime(2026, 11, 25, 20, 50, tzinfo=UTC)
    assert (record.served_msisdn, record.served_imsi) == ("+254712345678", "639020123456789")
    assert record.service == "data"
    assert (record.roaming, record.visited_network) == (True, "23415")  # served in 234-15, PGW in 639-02
    assert record.extra["service_data"] == [{"rating_group": 10, "service_identifier": 1000, "volume_up": 1024,
                                             "volume_down": 2048, "time_usage": None}]
    assert record.extra["apn"] == "internet"
    assert record.extra["rat_type"] == "EUTRAN"
    assert record.extra["charging_id"] == 1234567890


def test_mt_sms_record_with_negative_utc_offset():
    [record] = decode(file_bytes([cdr(mt_sms(), 6)]))
    assert record.record_type == "mtSMSRecord"
    assert (record.service, record.direction, record.messages) == ("sms", "in", 1)
    assert record.started_at == dt.datetime(2026, 11, 25, 11, 0, tzinfo=UTC)  # 06:00 at -05:00
    assert record.natural_key == "mtSMSRecord:+254722000101:2611250600002d0500:639020123456789:+254722000500"
    assert record.extra["service_centre"] == "+254722000500"


def test_home_plmn_option_decides_roaming():
    data = file_bytes([cdr(mo_call(), 6), cdr(pgw_partial(), 7)])
    call, session = decode(data, home_plmn="23415")
    assert (call.roaming, call.visited_network) == (True, "63902")
    assert session.roaming is False


def test_corrupt_record_mid_file_is_rejected_with_its_offset_and_the_rest_decode():
    overrun = mo_call(reference="01020304", extra="9f2750")  # mSCAddress claims 80 octets, has none
    missing = tlv("a0", tlv("80", "00") + tlv("89", "91527422001010") + tlv("99", "0a") + tlv("9e", "00"))
    bad_time = mo_call().replace("2611251430052b0300", "2613251430052b0300")  # month 13
    data = file_bytes([cdr(mo_call("00000001"), 6), cdr(overrun, 6), cdr(missing, 6), cdr(bad_time, 6),
                       cdr(mo_call("00000002"), 6)])
    first, broken, incomplete, undated, last = decode(data)
    assert isinstance(first, DecodedRecord) and isinstance(last, DecodedRecord)
    assert last.natural_key == "moCallRecord:+254722000101:00000002:0"
    assert isinstance(broken, DecodeFailure) and broken.reason_code == "asn1_decode_error"
    assert data[broken.offset:broken.offset + len(overrun) // 2].hex() == broken.raw == overrun
    assert "overruns" in broken.reason
    assert (incomplete.reason_code, incomplete.raw) == ("missing_field", missing)
    assert "callReference" in incomplete.reason
    assert undated.reason_code == "bad_timestamp"
    assert broken.offset < incomplete.offset < undated.offset < last.offset


def test_truncated_last_record():
    data = file_bytes([cdr(mo_call(), 6), cdr(pgw_partial(), 7)])
    good, cut = decode(data[:-10])
    assert good.record_type == "moCallRecord"
    assert cut.reason_code == "truncated_record"


def test_other_encodings_and_record_types():
    ss_action = tlv("aa", tlv("80", "0a"))  # ssActionRecord [10]: known, not usage
    unknown = tlv("be", tlv("80", "00"))  # CS alternative [30] does not exist
    per_record = cdr(mo_call(), 6, record_format=2)  # unaligned PER
    first, second, third, fourth = decode(file_bytes([cdr(ss_action, 6), cdr(unknown, 6), per_record,
                                                      cdr(mt_sms(), 6)]))
    assert isinstance(first, DecodedRecord) and first.record_type == "ssActionRecord"
    assert first.service is None and first.natural_key is None
    assert second.reason_code == "unknown_record_type"
    assert third.reason_code == "unsupported_encoding"
    assert fourth.record_type == "mtSMSRecord"


def test_indefinite_lengths_read_like_definite_ones():
    definite = bytes.fromhex(pgw_partial())
    # the same record with the outer SET and listOfTrafficVolumes in indefinite form
    body = definite[4:]  # after bf4f 81 xx
    volumes_at = body.index(bytes.fromhex("ac"))
    volumes_length = body[volumes_at + 1]
    volumes = body[volumes_at + 2: volumes_at + 2 + volumes_length]
    body = body[:volumes_at] + b"\xac\x80" + volumes + b"\x00\x00" + body[volumes_at + 2 + volumes_length:]
    indefinite = b"\xbf\x4f\x80" + body + b"\x00\x00"
    a, b = decode_record(definite), decode_record(indefinite)
    assert isinstance(b, DecodedRecord)
    assert (b.volume_up, b.volume_down, b.natural_key, b.extra) == (a.volume_up, a.volume_down, a.natural_key,
                                                                     a.extra)


def test_decode_record_again_from_raw():
    [record] = decode(file_bytes([cdr(pgw_partial(), 7)]))
    again = decode_record(bytes.fromhex(record.raw), record.offset)
    assert again == record
    recycled = DECODER.decode_raw(record.raw, {})  # what recycling a reject calls
    assert recycled.natural_key == record.natural_key and recycled.offset == 0
    assert DECODER.decode_raw("zz", {}).reason_code == "bad_hex"


@pytest.mark.smoke
def test_file_sequence_and_registry():
    decoder = decoders.get("3gpp-ber")
    assert decoder is DECODER
    data = file_bytes([cdr(mo_call(), 6)], sequence=4242)
    source = stream(data)
    assert decoder.file_sequence(source, "MSC01_4242.dat") == 4242
    assert len(list(decoder.decode(source, {}))) == 1  # file_sequence left the stream usable


def test_long_header_with_routing_filter_and_private_extension():
    data = file_bytes([cdr(mt_sms(), 6)], sequence=77, routing_filter=b"apn=internet;" * 10,
                      private=bytes(range(256)) * 20)
    assert DECODER.file_sequence(stream(data), "x.dat") == 77
    [record] = decode(data)
    assert record.record_type == "mtSMSRecord" and data[record.offset:].hex() == record.raw


@pytest.mark.parametrize("data", [
    b"",
    b"accountcode,src,dst\n" * 10,
    file_bytes([cdr(mo_call(), 6)])[:40],
    bytes.fromhex("00000100" "00000fff") + bytes(200),  # header longer than the file
    bytes.fromhex("00000040" "00000036") + bytes(100),  # timestamps of month 0
], ids=["empty", "csv", "short", "header-length", "timestamp"])
def test_unreadable_file_header(data):
    with pytest.raises(UnreadableFile):
        list(DECODER.decode(stream(data), {}))
    with pytest.raises(UnreadableFile):
        DECODER.file_sequence(stream(data), "x.dat")
