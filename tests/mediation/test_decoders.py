"""The format decoders on real-layout files: fields mapped, bad records rejected one by one."""
from __future__ import annotations

import datetime as dt
import io

import pytest

from mediation import decoders
from mediation.decoders.base import DecodedRecord, DecodeFailure, UnreadableFile
from mediation.decoders.freeswitch import template_columns
from tests.mediation.conftest import FIXTURES

UTC = dt.UTC


def decode(fmt: str, data: bytes | str, options: dict | None = None) -> list:
    raw = data.encode() if isinstance(data, str) else data
    return list(decoders.get(fmt).decode(io.BytesIO(raw), options or {}))


@pytest.mark.smoke
def test_asterisk_master_csv_fields_and_rejects():
    items = decode("asterisk-csv", (FIXTURES / "asterisk-Master.csv").read_bytes(), {"timezone": "Africa/Nairobi"})
    assert len(items) == 10
    first = items[0]
    assert isinstance(first, DecodedRecord)
    assert (first.served_msisdn, first.other_party, first.direction, first.service) == (
        "0712345678", "0733111222", "out", "voice")
    assert first.started_at == dt.datetime(2026, 3, 1, 5, 15, 2, tzinfo=UTC)  # 08:15:02 in Nairobi
    assert first.duration_s == 60 and first.answered
    assert first.natural_key == "1772352902.1/1772352902.1/1" and first.offset == 1
    assert items[1].answered is False and items[1].extra["disposition"] == "NO ANSWER"
    inbound = items[2]
    assert (inbound.served_msisdn, inbound.other_party, inbound.direction) == ("0712345678", "+254733000111", "in")
    assert items[4].natural_key == first.natural_key  # the repeated record
    assert isinstance(items[5], DecodeFailure) and items[5].reason_code == "bad_field_count"
    assert items[5].offset == 6 and items[5].raw.startswith('"","0798765432"')
    assert isinstance(items[6], DecodedRecord) and items[6].duration_s == -60  # validation rejects it
    assert isinstance(items[7], DecodeFailure) and items[7].reason_code == "bad_timestamp"


def test_asterisk_layouts_by_field_count_and_configured_columns():
    sixteen = decode("asterisk-csv", (FIXTURES / "asterisk-Master-16col.csv").read_bytes())
    assert [type(i) for i in sixteen] == [DecodedRecord, DecodedRecord]
    assert sixteen[0].natural_key.startswith("SIP/0712345678-0a1b2c3d/2026-03-01 14:00:00")
    assert sixteen[1].answered is False
    custom = ["src", "dst", "start", "billsec", "disposition", "uniqueid"]
    line = '"0712345678","0733111222","2026-03-01 14:00:00",42,"ANSWERED","1772373600.4"\n'
    [record] = decode("asterisk-csv", line, {"columns": custom})
    assert record.duration_s == 42 and record.natural_key == "1772373600.4"
    [failure] = decode("asterisk-csv", line, {})
    assert failure.reason_code == "bad_field_count"


@pytest.mark.smoke
def test_freeswitch_default_template_links_b_legs():
    items = decode("freeswitch-csv", (FIXTURES / "freeswitch-Master.csv").read_bytes())
    a_leg, b_leg, inbound, unanswered, broken, last = items
    assert a_leg.record_type == "freeswitch-cdr" and a_leg.extra["bleg_uuid"] == b_leg.natural_key
    assert b_leg.record_type == "freeswitch-bleg" and b_leg.extra["a_leg_uuid"] == a_leg.natural_key
    assert (inbound.direction, inbound.served_msisdn, inbound.other_party) == ("in", "0712345678", "+254733000111")
    assert unanswered.answered is False and unanswered.extra["hangup_cause"] == "NO_ANSWER"
    assert isinstance(broken, DecodeFailure) and "template has 15" in broken.reason
    assert last.duration_s == 300 and last.natural_key == "3f8b0a6d-ce52-4194-94a3-6c7e8f9a0b05"


def test_freeswitch_custom_template():
    template = '"${uuid}","${caller_id_number}","${destination_number}","${start_epoch}","${billsec}"'
    assert template_columns(template) == ("uuid", "caller_id_number", "destination_number", "start_epoch", "billsec")
    line = '"u-1","0712345678","0733111222","1772352902","15"\n'
    [record] = decode("freeswitch-csv", line, {"template": template})
    assert record.natural_key == "u-1" and record.duration_s == 15 and record.answered
    assert record.started_at == dt.datetime(2026, 3, 1, 8, 15, 2, tzinfo=UTC)


def test_generic_csv_and_json():
    items = decode("generic-csv", (FIXTURES / "generic-day1.csv").read_bytes())
    assert len(items) == 10 and items[0].offset == 2  # line 1 is the header
    sms, data, part1 = items[0], items[1], items[2]
    assert (sms.service, sms.messages, sms.natural_key) == ("sms", 1, "G-0001")
    assert (data.volume_up, data.volume_down, data.duration_s) == (150000, 2500000, 600)
    assert (part1.session_key, part1.sequence, part1.is_final) == ("PGW1-0xA1", 1, False)
    assert items[4].roaming and items[4].visited_network == "23415"
    json_items = decode("generic-json", (FIXTURES / "generic.jsonl").read_bytes())
    assert [type(i).__name__ for i in json_items] == ["DecodedRecord"] * 4 + ["DecodeFailure"] * 2
    assert json_items[1].started_at == dt.datetime(2026, 3, 1, 12, 1, tzinfo=UTC)
    assert json_items[2].roaming is True and json_items[3].answered is False
    assert {f.reason_code for f in json_items[4:]} == {"bad_json"}


def test_binary_file_is_unreadable_as_text():
    with pytest.raises(UnreadableFile):
        decode("generic-csv", b"\x30\x82\x01\x00\x00\x01binary")


def test_registry_knows_every_format():
    assert {"asterisk-csv", "freeswitch-csv", "generic-csv", "generic-json"} <= set(decoders.available())
    with pytest.raises(decoders.UnknownFormat):
        decoders.get("nokia-ascii")
