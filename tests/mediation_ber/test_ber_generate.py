"""Files from ``generate_ber_file`` decode back to what was generated, and are valid TS 32.298
BER according to the full ASN.1 modules that ship with pycrate."""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest

from devtools.testdata.ber_files import generate_ber_file
from mediation.asn1 import ts32297
from mediation.decoders.base import DecodedRecord, DecodeFailure
from mediation.decoders.ber_3gpp import DECODER

TYPES = {"moCallRecord", "mtCallRecord", "moSMSRecord", "mtSMSRecord", "pGWRecord", "sGWRecord"}


def decode_file(path, **options):
    with open(path, "rb") as source:
        return list(DECODER.decode(source, options))


@pytest.mark.smoke
def test_round_trip_every_record_type(tmp_path):
    msisdns = ["+254711000001", "+254711000002", "+254722000003"]
    summary = generate_ber_file(tmp_path / "a.dat", records=400, seed=7, msisdns=msisdns)
    records = decode_file(summary.path)
    assert len(records) == summary.records == 400
    assert all(isinstance(record, DecodedRecord) for record in records)
    assert Counter(record.record_type for record in records) == summary.by_type
    assert set(summary.by_type) == TYPES
    for record in records:
        assert record.served_msisdn in msisdns
        assert record.served_imsi.startswith("63902") and len(record.served_imsi) == 15
        assert record.started_at.tzinfo is not None
        assert record.natural_key
        expected = {"moCallRecord": "voice", "mtCallRecord": "voice", "moSMSRecord": "sms",
                    "mtSMSRecord": "sms", "pGWRecord": "data", "sGWRecord": "data"}[record.record_type]
        assert record.service == expected
        if record.service == "data":
            assert record.volume_up >= 0 and record.volume_down >= 0 and record.duration_s >= 10
        if record.record_type == "pGWRecord":
            groups = record.extra["service_data"]
            assert sum(g["volume_up"] for g in groups) == record.volume_up
            assert sum(g["volume_down"] for g in groups) == record.volume_down
        if record.service == "voice":
            assert record.answered == (record.duration_s > 0 or record.sequence is not None)
    assert any(not record.answered for record in records if record.service == "voice")


def test_bad_duplicate_and_partial_shares(tmp_path):
    summary = generate_ber_file(tmp_path / "b.dat", records=3000, seed=11, bad_share=0.05, duplicate_share=0.04,
                                partial_share=0.2)
    items = decode_file(summary.path)
    assert len(items) == summary.records == 3000
    failures = [item for item in items if isinstance(item, DecodeFailure)]
    assert len(failures) == summary.bad and 100 < summary.bad < 200
    assert {f.reason_code for f in failures} == {"asn1_decode_error", "bad_timestamp", "missing_field"}
    records = [item for item in items if isinstance(item, DecodedRecord)]
    repeats = sum(n - 1 for n in Counter(r.natural_key for r in records).values())
    assert repeats == summary.duplicates and summary.duplicates > 60
    sessions = defaultdict(list)
    for record in records:
        if record.session_key:
            sessions[record.session_key].append(record)
    parts = {(r.natural_key, r.offset): r for rs in sessions.values() for r in rs}
    assert len({key for key, _ in parts}) == summary.partial_records
    assert len(sessions) == summary.sessions and summary.sessions > 50
    for rs in sessions.values():
        unique = sorted({r.sequence: r for r in rs}.values(), key=lambda r: r.sequence)
        assert [r.sequence for r in unique] == list(range(1, len(unique) + 1))
        assert [r.is_final for r in unique] == [False] * (len(unique) - 1) + [True]
        assert len({r.served_msisdn for r in unique}) == 1


def test_roaming_share_and_visited_networks(tmp_path):
    summary = generate_ber_file(tmp_path / "r.dat", records=600, seed=3, roaming_share=0.3)
    records = decode_file(summary.path, home_plmn="63902")
    roaming = [r for r in records if r.roaming]
    assert 100 < len(roaming) < 260
    assert {r.visited_network for r in roaming} <= {"23415", "26201", "63907"}
    assert decode_file(summary.path) == records  # the IMSI prefix gives the same answer


def test_same_arguments_same_octets(tmp_path):
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    a = generate_ber_file(tmp_path / "1.dat", records=300, seed=5, start=start, bad_share=0.1, partial_share=0.3)
    b = generate_ber_file(tmp_path / "2.dat", records=300, seed=5, start=start, bad_share=0.1, partial_share=0.3)
    assert a.path.read_bytes() == b.path.read_bytes()
    assert a.path.read_bytes() != generate_ber_file(tmp_path / "3.dat", records=300, seed=6).path.read_bytes()
    header = ts32297.parse_file_header(a.path.read_bytes())
    assert (header.file_length, header.cdr_count, header.sequence) == (a.path.stat().st_size, 300, 1)
    assert (header.high_release, header.node_address) == (15, "10.50.0.1")


def test_generated_records_are_valid_ts32298_and_decode_to_the_same_values(tmp_path):
    """pycrate's modules are compiled from the TS 32.298 ASN.1: every generated record must
    decode there, re-encode to the same octets, and agree with our decoder field by field."""
    cdr_modules = pytest.importorskip("pycrate_asn1dir.CDR")
    cs, ps = cdr_modules.CSChargingDataTypes.CSRecord, cdr_modules.GPRSChargingDataTypes.GPRSRecord
    summary = generate_ber_file(tmp_path / "o.dat", records=120, seed=9, partial_share=0.3)
    data = summary.path.read_bytes()
    checked = Counter()
    for record in decode_file(summary.path):
        octets = data[record.offset:record.offset + len(record.raw) // 2]
        asn1 = ps if record.service == "data" else cs
        asn1.from_ber(octets)
        assert asn1.to_ber() == octets
        choice, value = asn1.get_val()
        assert choice == record.record_type
        assert "+" + _digits(value["servedMSISDN"][1:]) == record.served_msisdn
        assert _digits(value["servedIMSI"]) == record.served_imsi
        if record.service == "data":
            assert value["chargingID"] == record.extra["charging_id"]
            assert value.get("recordSequenceNumber") == record.sequence
            assert sum(c.get("dataVolumeGPRSUplink", 0) for c in value["listOfTrafficVolumes"]) == record.volume_up
            assert sum(c.get("dataVolumeGPRSDownlink", 0) for c in value["listOfTrafficVolumes"]) == record.volume_down
            assert value["duration"] == record.duration_s
        elif record.service == "voice":
            assert value["callReference"].hex() == record.extra["call_reference"]
            assert value["callDuration"] == record.duration_s
            assert value.get("sequenceNumber") == record.sequence
        checked[choice] += 1
    assert set(checked) == TYPES


def _digits(tbcd: bytes) -> str:
    return "".join(f"{b & 15:x}{b >> 4:x}" for b in tbcd).rstrip("f")
